package bundle

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/merge"
)

// laidOut is one sheet ready to write: its header and rows of cells.
// A cell is a string, an int, a float64, a bool or a time.Time (a date).
type laidOut struct {
	sheet  *sheet
	header []string
	rows   [][]any
}

// layout turns a canonical bundle into sheets in lang: headers, enum and
// yes/no values in that language, references as names where a name
// unmistakably means its node (else as ids), node rows by name and
// relationships by the names they join. Reading the result back gives
// the same bundle.
func layout(b *graph.Bundle, lang string) ([]laidOut, error) {
	ref := refNamer(b)
	out := make([]laidOut, 0, len(sheets))
	for i := range sheets {
		s := &sheets[i]
		lo := laidOut{sheet: s}
		for j := range s.columns {
			lo.header = append(lo.header, s.columns[j].header(lang))
		}
		var entries []any
		switch s.array {
		case "workspace":
			entries = []any{b.Workspace}
		default:
			entries = entriesOf(b, s.array)
		}
		for _, e := range entries {
			obj, err := fieldMap(e)
			if err != nil {
				return nil, err
			}
			row := make([]any, len(s.columns))
			for j := range s.columns {
				row[j] = cellFor(&s.columns[j], s.array, obj[s.columns[j].field], ref, lang)
			}
			lo.rows = append(lo.rows, row)
		}
		sortRows(s, lo.rows)
		out = append(out, lo)
	}
	return out, nil
}

// entriesOf returns the entries of one array of b.
func entriesOf(b *graph.Bundle, array string) []any {
	var out []any
	b.Nodes(func(a string, _ int, n graph.Node) {
		if a == array {
			out = append(out, n)
		}
	})
	b.Relations(func(a string, _ int, r graph.Relation) {
		if a == array {
			out = append(out, r)
		}
	})
	return out
}

// fieldMap gives an entry's fields as JSON values, numbers kept exact.
func fieldMap(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var m map[string]any
	err = dec.Decode(&m)
	return m, err
}

// refFields names the reference columns of each array.
var refFields = map[string]map[string]bool{
	"enablers":     {"owner": true},
	"engagements":  {"with": true, "about": true},
	"stakes":       {"stakeholder": true, "trajectory": true},
	"influences":   {"from": true, "to": true},
	"reportsTo":    {"from": true, "to": true},
	"supports":     {"trajectory": true, "goal": true},
	"dependsOn":    {"trajectory": true, "on": true},
	"stakeholders": {},
}

// refNamer returns how a reference to id is written: the node's name when
// reading it back resolves to that very node (the name is unique among
// the nodes a reference there may mean, and is no other node's id), else
// the id itself.
func refNamer(b *graph.Bundle) func(id string) string {
	ids := map[string]bool{}
	names := map[string]string{}
	folded := map[graph.Kind]map[string]int{}
	kinds := map[string]graph.Kind{}
	b.Nodes(func(_ string, _ int, n graph.Node) {
		ids[n.NodeID()] = true
		kinds[n.NodeID()] = n.NodeKind()
		if n.NodeKind() == graph.KindEngagement {
			return
		}
		name := graph.NodeName(n)
		names[n.NodeID()] = name
		m := folded[n.NodeKind()]
		if m == nil {
			m = map[string]int{}
			folded[n.NodeKind()] = m
		}
		m[graph.FoldName(name)]++
	})
	return func(id string) string {
		name, ok := names[id]
		f := graph.FoldName(name)
		if !ok || f == "" || strings.ContainsAny(name, ";,") || ids[strings.TrimSpace(name)] || ids[strings.ToLower(strings.TrimSpace(name))] {
			return id
		}
		count := folded[kinds[id]][f]
		// A reference to a trajectory may also mean an enabler (dependsOn).
		if k := kinds[id]; k == graph.KindTrajectory || k == graph.KindEnabler {
			count = folded[graph.KindTrajectory][f] + folded[graph.KindEnabler][f]
		}
		if count != 1 {
			return id
		}
		return name
	}
}

// cellFor gives the cell of one field: enum values and yes/no in lang,
// dates as dates, references as names, lists joined with "; ".
func cellFor(c *column, array string, v any, ref func(string) string, lang string) any {
	isRef := refFields[array][c.field]
	switch v := v.(type) {
	case nil:
		return ""
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		f, _ := v.Float64()
		return f
	case bool:
		if v {
			return yesNo(lang)[0]
		}
		return yesNo(lang)[1]
	case []any:
		items := make([]string, len(v))
		for i, it := range v {
			s := fmt.Sprint(it)
			if isRef {
				s = ref(s)
			}
			items[i] = s
		}
		slices.SortFunc(items, func(a, b string) int { return cmp.Compare(graph.FoldName(a), graph.FoldName(b)) })
		if c.field == "tags" {
			items = make([]string, len(v)) // tags keep the order given
			for i, it := range v {
				items[i] = fmt.Sprint(it)
			}
		}
		return strings.Join(items, "; ")
	case string:
		switch {
		case v == "":
			return ""
		case c.kind == kEnum:
			return c.enum.show(v, lang)
		case c.kind == kDate:
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return t
			}
		case isRef:
			return ref(v)
		}
		return v
	}
	return fmt.Sprint(v)
}

func yesNo(lang string) [2]string {
	if lang == graph.LangEN {
		return [2]string{"yes", "no"}
	}
	return [2]string{"ja", "nee"}
}

// sortRows puts node rows in order of name (engagements by date) and
// relationship rows by the names they join, as people look things up.
func sortRows(s *sheet, rows [][]any) {
	text := func(v any) string {
		switch v := v.(type) {
		case time.Time:
			return v.Format(time.DateOnly)
		case string:
			return graph.FoldName(v) + "\x00" + v
		}
		return fmt.Sprint(v)
	}
	slices.SortStableFunc(rows, func(a, b []any) int {
		for j := range s.columns {
			if d := cmp.Compare(text(a[j]), text(b[j])); d != 0 {
				return d
			}
		}
		return 0
	})
}

// WriteXLSX writes b as an .xlsx workbook in the workspace's language:
// Dutch or English sheet names, headers and values, real date cells,
// column widths, a bold frozen header row, a drop-down list on every
// enumerated column, and in a very hidden sheet the values it was
// exported with, so that importing it back merges against them. It
// imports back unchanged and serves as a template to fill in.
func WriteXLSX(w io.Writer, b *graph.Bundle) error {
	c := b.Clone()
	normalize(c)
	c.ApplyDefaults()
	c.Canonicalize()
	lang := c.Workspace.Language
	sheetsOut, err := layout(c, lang)
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	dateFormat := "d-m-yyyy"
	if lang == graph.LangEN {
		dateFormat = "yyyy-mm-dd"
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	first := f.GetSheetName(0)
	for i, lo := range sheetsOut {
		name := lo.sheet.name(lang)
		if i == 0 {
			err = f.SetSheetName(first, name)
		} else {
			_, err = f.NewSheet(name)
		}
		// Drop-downs go in first: the stream writer copies the sheet's
		// settings when it starts, and drops what is added after.
		if err == nil {
			err = addDropDowns(f, name, lo, lang)
		}
		if err == nil {
			err = writeSheet(f, name, lo, bold, dateStyle)
		}
		if err != nil {
			return fmt.Errorf("write sheet %s: %w", name, err)
		}
	}
	if err := writeBase(f, c); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, lo laidOut, bold, dateStyle int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for j, col := range lo.sheet.columns {
		if err := sw.SetColWidth(j+1, j+1, col.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	header := make([]any, len(lo.header))
	for j, h := range lo.header {
		header[j] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range lo.rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if t, ok := v.(time.Time); ok {
				cells[j] = excelize.Cell{StyleID: dateStyle, Value: t}
				continue
			}
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("row %d: %w", r+2, err)
		}
	}
	return sw.Flush()
}

// addDropDowns puts a list of the allowed values, in lang, on every
// enumerated and yes/no column, so that the workbook refuses typos.
func addDropDowns(f *excelize.File, name string, lo laidOut, lang string) error {
	for j, col := range lo.sheet.columns {
		var values []string
		switch {
		case col.kind == kEnum:
			values = col.enum.display(lang)
		case col.kind == kBool:
			yn := yesNo(lang)
			values = yn[:]
		default:
			continue
		}
		letter := columnLetter(j)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(letter + "2:" + letter + "1048576")
		if err := dv.SetDropList(values); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, col.header(lang),
			merge.Say(lang, "Kies een waarde uit de lijst: ", "Choose a value from the list: ")+strings.Join(values, ", "))
		if err := f.AddDataValidation(name, dv); err != nil {
			return err
		}
	}
	return nil
}

// writeBase writes the base sheet and hides it from the workbook's user.
func writeBase(f *excelize.File, b *graph.Bundle) error {
	rows, err := baseRows(b)
	if err != nil {
		return err
	}
	if _, err := f.NewSheet(baseSheet); err != nil {
		return err
	}
	// Hidden while still empty: hiding a written sheet parses it again.
	if err := f.SetSheetVisible(baseSheet, false, true); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(baseSheet)
	if err != nil {
		return err
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// WriteCSV writes b into dir as one UTF-8 CSV file per array, named and
// headed in the workspace's language (belanghebbenden.csv, …, or
// stakeholders.csv, …), that ReadCSV reads back. Existing files of those
// names are replaced.
func WriteCSV(dir string, b *graph.Bundle) error {
	c := b.Clone()
	normalize(c)
	c.ApplyDefaults()
	c.Canonicalize()
	lang := c.Workspace.Language
	sheetsOut, err := layout(c, lang)
	if err != nil {
		return fmt.Errorf("write CSV files: %w", err)
	}
	for _, lo := range sheetsOut {
		name := normalizeName(lo.sheet.name(lang))
		if lang == graph.LangEN {
			name = lo.sheet.array
		}
		if err := writeCSVFile(filepath.Join(dir, name+".csv"), lo); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(name string, lo laidOut) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	write := func(rec []string) error { return w.Write(rec) }
	err = write(lo.header)
	for _, row := range lo.rows {
		if err != nil {
			break
		}
		rec := make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case float64:
				rec[j] = strconv.FormatFloat(v, 'g', -1, 64)
			case time.Time:
				rec[j] = v.Format(time.DateOnly)
			default:
				rec[j] = fmt.Sprint(v)
			}
		}
		err = write(rec)
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}
