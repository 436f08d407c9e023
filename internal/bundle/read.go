package bundle

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/stakemap/stakemap/graph"
)

// maxSheetBytes bounds one CSV file or one unpacked workbook: a workspace
// of many thousands of rows is a few megabytes.
const maxSheetBytes = 64 << 20

// ReadPath reads a workspace from path, telling the format by its shape:
// a folder of CSV files (ReadCSV), an .xlsx workbook (ReadXLSX), a single
// CSV file named after its array (stakeholders.csv), or a stakemap/v1 JSON
// document (a .json file, or any file starting with "{"). The options'
// workspace fields override the input's.
func ReadPath(p string, opt Options) (*graph.Bundle, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return ReadCSV(p, opt)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(p))
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	switch {
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ReadXLSX(f, opt)
	case ext == ".json" || bytes.HasPrefix(trimmed, []byte("{")):
		return decode(f, opt)
	case ext == ".csv":
		t, err := readCSVTable(filepath.Base(p), f)
		if err != nil {
			return nil, err
		}
		return fromTables([]*table{t}, opt)
	}
	return nil, fmt.Errorf("%s: unknown format: expected a stakemap/v1 .json document, an .xlsx workbook, a .csv file or a folder of CSV files", filepath.Base(p))
}

// ReadCSV reads a workspace from a folder of CSV files named after the
// arrays of a bundle, in English or Dutch (stakeholders.csv or
// belanghebbenden.csv, …). See ReadCSVFS.
func ReadCSV(dir string, opt Options) (*graph.Bundle, error) {
	b, err := ReadCSVFS(os.DirFS(dir), opt)
	if err != nil && !errors.Is(err, graph.ErrInvalid) {
		return nil, fmt.Errorf("read CSV folder %s: %w", dir, err)
	}
	return b, err
}

// ReadCSVFS reads a workspace from the CSV files at the root of fsys. Each
// file is UTF-8 (with or without byte order mark; a file that is not UTF-8
// is read as Windows-1252, which Excel writes), separated by commas,
// semicolons (Dutch Excel) or tabs as its header line shows. Every problem
// of every file is reported, by file, row and column.
func ReadCSVFS(fsys fs.FS, opt Options) (*graph.Bundle, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var tables []*table
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".csv") {
			continue
		}
		f, err := fsys.Open(e.Name())
		if err != nil {
			return nil, err
		}
		t, err := readCSVTable(e.Name(), f)
		f.Close()
		if err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	if len(tables) == 0 {
		return nil, graph.Invalid([]graph.Problem{{Entry: "folder", Field: "files", Reason: "holds no .csv files: expected stakeholders.csv, trajectories.csv, …"}})
	}
	return fromTables(tables, opt)
}

// readCSVTable reads one CSV file. A file that is not CSV yields a broken
// table, whose problem is reported with the others.
func readCSVTable(name string, r io.Reader) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSheetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxSheetBytes {
		return nil, graph.Invalid([]graph.Problem{{Entry: name, Field: "size", Reason: fmt.Sprintf("is larger than %d MB: this is not a workspace sheet", maxSheetBytes>>20)}})
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		if dec, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data = dec
		}
	}
	t := &table{name: name, base: strings.TrimSuffix(name, path.Ext(name))}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			// Reported with the other files' problems.
			t.broken = &graph.Problem{Entry: fmt.Sprintf("%s line %d", name, pe.Line), Field: fmt.Sprintf("column %d", pe.Column),
				Reason: "is not valid CSV: " + pe.Err.Error()}
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		t.rows = append(t.rows, rec)
	}
	return t, nil
}

// delimiter tells the separator of a CSV file from its header line: the
// most frequent of ';', ',' and tab outside quotes, ',' when none occurs.
func delimiter(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(line) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == ',' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// ReadXLSX reads a workspace from an .xlsx workbook with one sheet per
// array of a bundle, named in English or Dutch (stakeholders or
// belanghebbenden, …). Every problem of every sheet is reported, by sheet,
// row and column.
func ReadXLSX(r io.Reader, opt Options) (*graph.Bundle, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSheetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if len(data) > maxSheetBytes {
		return nil, graph.Invalid([]graph.Problem{{Entry: "workbook", Field: "size", Reason: fmt.Sprintf("is larger than %d MB: this is not a workspace workbook", maxSheetBytes>>20)}})
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    4 * maxSheetBytes,
		UnzipXMLSizeLimit: maxSheetBytes,
	})
	if err != nil {
		return nil, graph.Invalid([]graph.Problem{{Entry: "workbook", Field: "file", Reason: "is not a readable .xlsx workbook: " + err.Error()}})
	}
	defer f.Close()
	var tables []*table
	for _, name := range f.GetSheetList() {
		// Raw values: numbers as stored, dates as Excel day numbers,
		// whatever the cell's display format.
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, graph.Invalid([]graph.Problem{{Entry: "sheet " + name, Field: "sheet", Reason: "cannot be read: " + err.Error()}})
		}
		tables = append(tables, &table{name: "sheet " + name, base: name, rows: rows, excel: true})
	}
	return fromTables(tables, opt)
}
