package bundle

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Options tune how spreadsheets and files are read.
type Options struct {
	// Workspace supplies or overrides the workspace of the input: each
	// non-empty field wins over what the input says. A folder of CSV
	// files without workspace.csv needs at least its ID and Name.
	Workspace graph.Workspace
}

// apply overrides the bundle's workspace with the options' non-empty
// fields.
func (o Options) apply(b *graph.Bundle) {
	if o.Workspace.ID != "" {
		b.Workspace.ID = o.Workspace.ID
	}
	if o.Workspace.Name != "" {
		b.Workspace.Name = o.Workspace.Name
	}
	if o.Workspace.Language != "" {
		b.Workspace.Language = o.Workspace.Language
	}
}

// table is one sheet of a workbook or one CSV file, as rows of cells; the
// first row holds the column headers.
type table struct {
	name  string // how problems name it: `stakeholders.csv` or `sheet Belanghebbenden`
	base  string // the sheet name or file name without extension
	rows  [][]string
	excel bool // numbers in date columns are Excel serial dates
	// broken, when set, says why the table could not be read at all.
	broken *graph.Problem
}

// origin remembers where the entries of one array came from, to turn
// validation's `stakeholders[3]` into `stakeholders.csv row 5`.
type origin struct {
	table   *table
	rows    []int             // spreadsheet row of each entry, 1-based
	headers map[string]string // field → header as written
}

func (o *origin) entry(i int) string {
	return fmt.Sprintf("%s row %d", o.table.name, o.rows[i])
}

// tableReader turns tables into a bundle, collecting every problem.
type tableReader struct {
	d       *decoder
	origins map[string]*origin
}

// fromTables builds a bundle from the tables of a workbook or CSV folder.
func fromTables(tables []*table, opt Options) (*graph.Bundle, error) {
	tr := &tableReader{d: &decoder{bad: map[string]map[string]bool{}}, origins: map[string]*origin{}}
	bySheet := map[string]*table{}
	for _, t := range tables {
		if t.broken != nil {
			tr.d.problems = append(tr.d.problems, *t.broken)
			continue
		}
		s, ok := sheetFor(t.base)
		if !ok {
			if !blank(t.rows) {
				tr.d.problem(t.name, "sheet", t.base, "is not a known sheet; use "+sheetNames())
			}
			continue
		}
		if prev, dup := bySheet[s.array]; dup {
			tr.d.problem(t.name, "sheet", t.base, "holds "+s.array+" like "+prev.name+": give each array one sheet")
			continue
		}
		bySheet[s.array] = t
	}
	for i := range sheets {
		if t := bySheet[sheets[i].array]; t != nil {
			tr.read(&sheets[i], t)
		}
	}
	if len(tr.d.problems) >= maxProblems {
		ps := append(tr.d.problems[:maxProblems:maxProblems], graph.Problem{Entry: "spreadsheet", Field: "problems", Value: strconv.Itoa(maxProblems),
			Reason: "too many problems: stopped reading; are these the right files?"})
		return nil, graph.Invalid(ps)
	}
	b := &tr.d.b
	opt.apply(b)
	normalize(b)
	b.ApplyDefaults()
	b.Format = graph.Format
	err := mergeProblems(tr.d.problems, b.Validate(), tr.d.bad)
	if ve, ok := errors.AsType[*graph.ValidationError](err); ok {
		for i, p := range ve.Problems {
			ve.Problems[i] = tr.locate(p, bySheet["workspace"])
		}
		// Reading order: file by file, row by row, as a user fixes them.
		slices.SortStableFunc(ve.Problems, func(a, b graph.Problem) int {
			an, ar := splitRow(a.Entry)
			bn, br := splitRow(b.Entry)
			return cmp.Or(cmp.Compare(an, bn), cmp.Compare(ar, br))
		})
		return nil, ve
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// splitRow splits `stakeholders.csv row 5` into its table and row.
func splitRow(entry string) (string, int) {
	name, row, ok := strings.Cut(entry, " row ")
	if !ok {
		return entry, 0
	}
	n, _ := strconv.Atoi(row)
	return name, n
}

func blank(rows [][]string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				return false
			}
		}
	}
	return true
}

func sheetNames() string {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.array
		if len(s.names) > 0 {
			names[i] += " (" + s.names[0] + ")"
		}
	}
	return strings.Join(names, ", ")
}

// read turns the rows of one table into entries of its array.
func (tr *tableReader) read(s *sheet, t *table) {
	o := &origin{table: t, headers: map[string]string{}}
	tr.origins[s.array] = o
	if len(t.rows) == 0 {
		return
	}
	header := t.rows[0]
	cols := make([]*column, len(header))
	for j, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			if columnUsed(t.rows, j, false) {
				tr.d.problem(t.name+" row 1", "column "+columnLetter(j), "", "has values but no header")
			}
			continue
		}
		c, ok := s.columnFor(h)
		if !ok {
			tr.d.problem(t.name+" row 1", "column "+h, h, "is not a column of "+s.array+"; use "+columnNames(s))
			continue
		}
		if prev, dup := o.headers[c.field]; dup {
			tr.d.problem(t.name+" row 1", "column "+h, h, "means "+c.field+", like column "+prev+": give each field one column")
			continue
		}
		o.headers[c.field] = h
		cols[j] = c
	}
	n := 0
	for r, row := range t.rows[1:] {
		if len(tr.d.problems) >= maxProblems {
			return
		}
		rowNum := r + 2
		if blank([][]string{row}) {
			continue
		}
		if columnUsed([][]string{nil, row}, len(header), true) {
			tr.d.problem(fmt.Sprintf("%s row %d", t.name, rowNum), "column "+columnLetter(len(header)), "", "has values but no header")
		}
		entry := fmt.Sprintf("%s[%d]", s.array, n)
		if s.array == "workspace" {
			if n > 0 {
				tr.d.problem(fmt.Sprintf("%s row %d", t.name, rowNum), "row", "", "a workspace sheet holds one row below its header")
				continue
			}
			entry = "workspace"
		}
		obj := map[string]any{}
		for j, c := range cols {
			if c == nil || j >= len(row) {
				continue
			}
			cell := strings.TrimSpace(row[j])
			if cell == "" {
				if c.kind == kInt {
					tr.d.problem(fmt.Sprintf("%s row %d", t.name, rowNum), "column "+o.headers[c.field], "", "is required: a whole number from 1 to 5")
					tr.d.markBad(entry, c.field)
				}
				continue
			}
			v, reason := parseCell(c, cell, t.excel)
			if reason != "" {
				tr.d.problem(fmt.Sprintf("%s row %d", t.name, rowNum), "column "+o.headers[c.field], cell, reason)
				tr.d.markBad(entry, c.field)
				continue
			}
			obj[c.field] = v
		}
		raw, err := json.Marshal(obj)
		if err != nil { // cannot happen: obj holds strings, numbers, booleans and lists
			tr.d.problem(fmt.Sprintf("%s row %d", t.name, rowNum), "row", "", err.Error())
			continue
		}
		if s.array == "workspace" {
			tr.d.b.Workspace = decodeEntry(tr.d, entry, raw, graph.Workspace{})
		} else {
			arrays[s.array](tr.d, entry, raw)
		}
		o.rows = append(o.rows, rowNum)
		n++
	}
}

// columnUsed reports whether any row below the header has a value in
// column j or, with rest, in any column from j on.
func columnUsed(rows [][]string, j int, rest bool) bool {
	for _, r := range rows[1:] {
		for k := j; k < len(r) && (rest || k == j); k++ {
			if strings.TrimSpace(r[k]) != "" {
				return true
			}
		}
	}
	return false
}

// columnLetter names a column as spreadsheets do: A, B, …, Z, AA.
func columnLetter(j int) string {
	s := ""
	for j++; j > 0; j = (j - 1) / 26 {
		s = string(rune('A'+(j-1)%26)) + s
	}
	return s
}

func columnNames(s *sheet) string {
	names := make([]string, len(s.columns))
	for i, c := range s.columns {
		names[i] = c.field
		if len(c.aliases) > 0 {
			names[i] += " (" + c.aliases[0] + ")"
		}
	}
	return strings.Join(names, ", ")
}

// parseCell reads a cell for a column; reason is non-empty when the cell
// cannot be read.
func parseCell(c *column, cell string, excel bool) (v any, reason string) {
	switch c.kind {
	case kInt, kOptInt:
		f, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			return nil, "must be a whole number from 1 to 5"
		}
		return int(f), ""
	case kFloat:
		f, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "must be a number greater than 0 and at most 1, such as 0.5 or 0,5"
		}
		return f, ""
	case kBool:
		switch normalizeName(cell) {
		case "true", "ja", "yes", "1", "waar", "j", "y", "x":
			return true, ""
		case "false", "nee", "no", "0", "onwaar", "n":
			return false, ""
		}
		return nil, "must be ja or nee (yes/no, true/false, 1/0)"
	case kList:
		var items []string
		for it := range strings.FieldsFuncSeq(cell, func(r rune) bool { return r == ';' || r == ',' }) {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		return items, ""
	case kDate:
		return parseDate(cell, excel), ""
	case kEnum:
		if canon, ok := c.enum[normalizeName(cell)]; ok {
			return canon, ""
		}
		return cell, "" // validation names the allowed values
	}
	return cell, ""
}

var (
	dayFirst = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$`)
	isoStart = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[T ]`)
	serial   = regexp.MustCompile(`^\d{1,6}(\.0+)?$`)
)

// parseDate writes a date as YYYY-MM-DD. Besides that form it reads the
// Dutch day-first forms (12-9-2026, 12/09/2026, 12.09.2026), a date with a
// time, and, in workbooks, Excel's day numbers. Anything else is returned
// as written, for validation to refuse by name.
func parseDate(cell string, excel bool) string {
	if m := dayFirst.FindStringSubmatch(cell); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() == d && int(t.Month()) == mo {
			return t.Format(time.DateOnly)
		}
		return cell
	}
	if m := isoStart.FindStringSubmatch(cell); m != nil {
		return m[1]
	}
	if excel && serial.MatchString(cell) {
		n, _ := strconv.ParseFloat(cell, 64)
		// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900
		// that never was, so day 60 onward is one too high.
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format(time.DateOnly)
	}
	return cell
}

var entryRef = regexp.MustCompile(`\b([a-zA-Z]+)\[(\d+)\]( "(?:[^"\\]|\\.)*")?`)

// locate rewrites a problem about `array[i]` to name the sheet (or file),
// row and column it came from.
func (tr *tableReader) locate(p graph.Problem, ws *table) graph.Problem {
	if p.Entry == "workspace" {
		if ws != nil {
			o := tr.origins["workspace"]
			if len(o.rows) > 0 {
				p.Entry = o.entry(0)
				p.Field = tr.columnOf(o, p.Field)
				return p
			}
		}
		p.Reason += " (add a workspace sheet with id, name and language, or give the workspace as an option)"
		return p
	}
	array, idx, ok := parseEntry(p.Entry)
	o := tr.origins[array]
	if !ok || o == nil || idx >= len(o.rows) {
		return p
	}
	p.Entry = o.entry(idx)
	if p.Field == array {
		p.Field = "row" // a duplicate relationship: the whole row
	} else {
		p.Field = tr.columnOf(o, p.Field)
	}
	p.Reason = entryRef.ReplaceAllStringFunc(p.Reason, func(ref string) string {
		a, i, ok := parseEntry(ref)
		if o := tr.origins[a]; ok && o != nil && i < len(o.rows) {
			return o.entry(i)
		}
		return ref
	})
	return p
}

// columnOf names the column of a field (`with[1]` → `column Met`), or the
// field itself when the sheet has no column for it.
func (tr *tableReader) columnOf(o *origin, field string) string {
	base, _, _ := strings.Cut(field, "[")
	if h, ok := o.headers[base]; ok {
		return "column " + h
	}
	return field + " (no column)"
}

func parseEntry(s string) (array string, idx int, ok bool) {
	m := entryRef.FindStringSubmatch(s)
	if m == nil || !strings.HasPrefix(s, m[0]) {
		return "", 0, false
	}
	i, err := strconv.Atoi(m[2])
	return m[1], i, err == nil
}
