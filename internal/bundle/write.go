package bundle

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
)

// layout turns a canonical bundle into spreadsheet rows per array: the
// English headers, then one row per entry. Lists are joined with "; ", so
// list items must not contain ';' or ',' to read back the same.
func layout(b *graph.Bundle) (map[string][][]any, error) {
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	top["workspace"] = []any{top["workspace"]}
	out := make(map[string][][]any, len(sheets))
	for _, s := range sheets {
		header := make([]any, len(s.columns))
		for j, c := range s.columns {
			header[j] = c.field
		}
		rows := [][]any{header}
		entries, _ := top[s.array].([]any)
		for _, e := range entries {
			obj, _ := e.(map[string]any)
			row := make([]any, len(s.columns))
			for j, c := range s.columns {
				row[j] = cellOf(obj[c.field])
			}
			rows = append(rows, row)
		}
		out[s.array] = rows
	}
	return out, nil
}

// cellOf gives the spreadsheet value of a JSON value: numbers and
// booleans typed, lists joined, absent values empty.
func cellOf(v any) any {
	switch v := v.(type) {
	case nil:
		return ""
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case bool:
		return v
	case []any:
		items := make([]string, len(v))
		for i, it := range v {
			items[i] = fmt.Sprint(it)
		}
		return strings.Join(items, "; ")
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// WriteXLSX writes b as an .xlsx workbook that ReadXLSX reads back: one
// sheet per array with English headers, entries in canonical order. It
// also serves as a template to fill in.
func WriteXLSX(w io.Writer, b *graph.Bundle) error {
	c := b.Clone()
	normalize(c)
	c.ApplyDefaults()
	c.Canonicalize()
	tables, err := layout(c)
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	first := f.GetSheetName(0)
	for i := range sheets {
		s := &sheets[i]
		rows := tables[s.array]
		if i == 0 {
			if err := f.SetSheetName(first, s.array); err != nil {
				return fmt.Errorf("write sheet %s: %w", s.array, err)
			}
		} else if _, err := f.NewSheet(s.array); err != nil {
			return fmt.Errorf("write sheet %s: %w", s.array, err)
		}
		sw, err := f.NewStreamWriter(s.array)
		if err != nil {
			return fmt.Errorf("write sheet %s: %w", s.array, err)
		}
		for r, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := sw.SetRow(cell, row); err != nil {
				return fmt.Errorf("write sheet %s row %d: %w", s.array, r+1, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("write sheet %s: %w", s.array, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// WriteCSV writes b into dir as one UTF-8 CSV file per array
// (workspace.csv, stakeholders.csv, …) that ReadCSV reads back. Existing
// files of those names are replaced.
func WriteCSV(dir string, b *graph.Bundle) error {
	c := b.Clone()
	normalize(c)
	c.ApplyDefaults()
	c.Canonicalize()
	tables, err := layout(c)
	if err != nil {
		return fmt.Errorf("write CSV files: %w", err)
	}
	for _, s := range sheets {
		if err := writeCSVFile(filepath.Join(dir, s.array+".csv"), tables[s.array]); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(name string, rows [][]any) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	for _, row := range rows {
		rec := make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case float64:
				rec[j] = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				rec[j] = fmt.Sprint(v)
			}
		}
		if err := w.Write(rec); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}
