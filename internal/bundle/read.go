package bundle

import (
	"bufio"
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
	"github.com/stakemap/stakemap/internal/merge"
)

// maxSheetBytes bounds one CSV file or one unpacked workbook: a workspace
// of many thousands of rows is a few megabytes.
const maxSheetBytes = 64 << 20

// ReadPath reads a workspace from path, telling the format by its shape:
// a folder of CSV files (ReadCSV), an .xlsx workbook (ReadXLSX), a single
// CSV file named after its array (stakeholders.csv), or a stakemap/v1 JSON
// document (a .json file, or any file starting with "{"). Rows without an
// id get one from their name, and names work as references, within the
// input. The options' workspace fields override the input's.
func ReadPath(p string, opt Options) (*graph.Bundle, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() && looksJSON(p) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return decode(f, opt)
	}
	in, err := ReadInput(p)
	if err != nil {
		return nil, err
	}
	return Alone(in, opt)
}

// Alone makes a bundle of an input on its own, as a replacing import
// does: ids from names, names as references within the input.
func Alone(in *merge.Input, opt Options) (*graph.Bundle, error) {
	plan, err := merge.Build(nil, in, merge.Options{Mode: merge.ModeReplace, Workspace: opt.Workspace})
	if err != nil {
		return nil, err
	}
	return plan.Bundle, nil
}

// looksJSON reports whether the file at p is a JSON document: by its
// extension, or by its first non-blank byte.
func looksJSON(p string) bool {
	if strings.EqualFold(filepath.Ext(p), ".json") {
		return true
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head[:n], utf8BOM), " \t\r\n")
	return bytes.HasPrefix(trimmed, []byte("{"))
}

// ReadInput reads what a file or folder says about a workspace, for an
// import to merge or replace with: a folder of CSV files, an .xlsx
// workbook (with the values it was exported with, when stakemap wrote
// it), a single CSV file, or a stakemap/v1 JSON document. Problems in the
// cells are in the input, to be reported with those of the merge.
func ReadInput(p string) (*merge.Input, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		tables, err := csvTables(os.DirFS(p))
		if err != nil {
			return nil, fmt.Errorf("read CSV folder %s: %w", p, err)
		}
		return readTables(tables, nil, nil, ""), nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadInputFrom(f, filepath.Base(p))
}

// ReadInputFS reads the CSV files at the root of fsys as ReadInput reads
// a folder.
func ReadInputFS(fsys fs.FS) (*merge.Input, error) {
	tables, err := csvTables(fsys)
	if err != nil {
		return nil, err
	}
	return readTables(tables, nil, nil, ""), nil
}

// ReadInputFrom is ReadInput for an uploaded file: name (which may be
// empty) and the first bytes tell the format. A CSV file whose name is no
// sheet's is taken for the sheet whose columns its headers are.
func ReadInputFrom(r io.Reader, name string) (*merge.Input, error) {
	return ReadInputIn(r, name, "")
}

// ReadInputIn is ReadInputFrom for a person who reads lang (nl or en):
// problems whose language the file does not decide (a CSV file whose
// headers name no sheet's columns) are worded in lang.
func ReadInputIn(r io.Reader, name, lang string) (*merge.Input, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(512)
	ext := strings.ToLower(path.Ext(name))
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	switch {
	case ext == ".ods" || ext == ".fods" || bytes.Contains(head, []byte("opendocument.spreadsheet")):
		return nil, graph.Invalid([]graph.Problem{{Entry: name, Field: "format", Value: ext, Reason: odsReason}})
	case ext == ".xls":
		return nil, graph.Invalid([]graph.Problem{{Entry: name, Field: "format", Value: ext, Reason: xlsReason}})
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return readWorkbook(br)
	case ext == ".json" || bytes.HasPrefix(trimmed, []byte("{")):
		b, err := decode(br, Options{})
		if err != nil {
			return nil, err
		}
		return InputOf(b), nil
	}
	switch ext {
	case "":
		name = "upload.csv"
	case ".csv", ".tsv":
		// A CSV file: its header line tells the separator.
	default:
		return nil, graph.Invalid([]graph.Problem{{Entry: name, Field: "format", Value: ext,
			Reason: "unknown format: expected a stakemap/v1 .json document, an .xlsx workbook, a .csv file or a folder of CSV files"}})
	}
	t, err := readCSVTable(name, br)
	if err != nil {
		return nil, err
	}
	if _, _, ok := sheetFor(t.base); !ok && len(t.rows) > 0 {
		if s := guessSheet(t.rows[0]); s != nil {
			t.base, t.guessed = s.array, true
		}
	}
	return readTables([]*table{t}, nil, nil, lang), nil
}

// odsReason and xlsReason say, in Dutch and English, how to turn a file
// stakemap cannot read into one it can: no well-kept Go reader of
// OpenDocument spreadsheets exists, and .xls is Excel's format of 2003.
const (
	odsReason = "stakemap leest geen OpenDocument-werkmappen (.ods): open het bestand in LibreOffice Calc en kies Bestand › Opslaan als… › Excel 2007-365 (.xlsx), en importeer dat bestand / " +
		"stakemap cannot read OpenDocument workbooks (.ods): open the file in LibreOffice Calc, choose File › Save As… › Excel 2007-365 (.xlsx) and import that file"
	xlsReason = "stakemap leest geen .xls (Excel 97-2003): sla het bestand op als Excel-werkmap (.xlsx) en importeer dat bestand / " +
		"stakemap cannot read .xls (Excel 97-2003): save the file as an Excel workbook (.xlsx) and import that file"
)

// guessSheet returns the sheet whose columns most headers name, when
// that is more than half of them and more than any other sheet's. A
// register kept by hand often has a column of its own ("Laatste
// contact"): the sheet is still told by the rest, and that column is
// reported as one the sheet does not have, in the sheet's language,
// rather than the whole file as an unknown sheet.
func guessSheet(header []string) *sheet {
	var best *sheet
	bestN, ties, total := 0, 0, 0
	for _, h := range header {
		if strings.TrimSpace(h) != "" {
			total++
		}
	}
	for i := range sheets {
		s := &sheets[i]
		n := 0
		for _, h := range header {
			if strings.TrimSpace(h) == "" {
				continue
			}
			if _, _, ok := s.columnFor(h); ok {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN, ties = s, n, 0
		case n == bestN && n > 0:
			ties++
		}
	}
	if ties > 0 || 2*bestN <= total {
		return nil
	}
	return best
}

// headerLang says which language a table's headers are in, by the
// columns of any sheet they name: for messages about a file whose name
// says nothing. "": they name none.
func headerLang(rows [][]string) string {
	if len(rows) == 0 {
		return graph.LangEN
	}
	votes := map[string]int{}
	for _, h := range rows[0] {
		for i := range sheets {
			if _, lang, ok := sheets[i].columnFor(strings.TrimSpace(h)); ok && lang != "" {
				votes[lang]++
				break
			}
		}
	}
	switch {
	case votes[graph.LangNL] > votes[graph.LangEN]:
		return graph.LangNL
	case votes[graph.LangEN] > 0:
		return graph.LangEN
	}
	return ""
}

// InputOf makes an import input of a stakemap/v1 document: every entry
// states every field.
func InputOf(b *graph.Bundle) *merge.Input {
	in := &merge.Input{Lang: b.Workspace.Language, Arrays: map[string]bool{}}
	tables := map[string]*merge.Table{}
	tableOf := func(array string) *merge.Table {
		t := tables[array]
		if t == nil {
			t = &merge.Table{Name: array, Array: array, Lang: graph.LangEN, Order: len(tables), Document: true}
			tables[array] = t
			in.Arrays[array] = true
		}
		return t
	}
	in.Workspace = &merge.WorkspaceRow{Row: merge.Row{Table: &merge.Table{Name: "workspace", Array: "workspace", Lang: graph.LangEN, Document: true}}, Workspace: b.Workspace}
	for _, s := range sheets[1:] {
		tableOf(s.array)
	}
	b.Nodes(func(array string, i int, n graph.Node) {
		in.Nodes = append(in.Nodes, merge.NodeRow{Row: merge.Row{Table: tableOf(array), Num: i}, Node: n})
	})
	b.Relations(func(array string, i int, r graph.Relation) {
		in.Relations = append(in.Relations, merge.RelationRow{Row: merge.Row{Table: tableOf(array), Num: i}, Relation: r})
	})
	return in
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
	tables, err := csvTables(fsys)
	if err != nil {
		return nil, err
	}
	return Alone(readTables(tables, nil, nil, ""), opt)
}

// csvTables reads the CSV files at the root of fsys.
func csvTables(fsys fs.FS) ([]*table, error) {
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
		return nil, graph.Invalid([]graph.Problem{{Entry: "folder", Field: "files", Reason: "holds no .csv files: expected stakeholders.csv, trajectories.csv, … (or belanghebbenden.csv, trajecten.csv, …)"}})
	}
	return tables, nil
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
// row and column, in the sheet's language.
func ReadXLSX(r io.Reader, opt Options) (*graph.Bundle, error) {
	in, err := readWorkbook(r)
	if err != nil {
		return nil, err
	}
	return Alone(in, opt)
}

// readWorkbook reads the sheets of a workbook, and the values it was
// exported with when stakemap wrote it.
func readWorkbook(r io.Reader) (*merge.Input, error) {
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
	var (
		tables  []*table
		base    *graph.Bundle
		baseErr *graph.Problem
	)
	for _, name := range f.GetSheetList() {
		// Raw values: numbers as stored, dates as Excel day numbers,
		// whatever the cell's display format.
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, graph.Invalid([]graph.Problem{{Entry: "sheet " + name, Field: "sheet", Reason: "cannot be read: " + err.Error()}})
		}
		if name == baseSheet {
			base, baseErr = readBase(rows)
			continue
		}
		tables = append(tables, &table{name: name, base: name, rows: rows, excel: true})
	}
	return readTables(tables, base, baseErr, ""), nil
}
