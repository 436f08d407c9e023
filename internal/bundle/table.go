package bundle

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/merge"
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
	if o.Workspace.LDUnit != "" {
		b.Workspace.LDUnit = o.Workspace.LDUnit
	}
}

// table is one sheet of a workbook or one CSV file, as rows of cells; the
// first row holds the column headers.
type table struct {
	name  string // the file name, or the sheet name for a workbook
	base  string // the sheet name or file name without extension
	rows  [][]string
	excel bool // a workbook sheet: numbers in date columns are Excel serial dates
	// guessed says the sheet was told by its headers, not by its name,
	// whose language then says nothing.
	guessed bool
	// broken, when set, says why the table could not be read at all.
	broken *graph.Problem
}

// tableReader turns tables into an input, collecting every problem.
type tableReader struct {
	in    *merge.Input
	votes map[string]int // tables per language, for the input's language
	// lang words what the tables do not decide the language of; "": en.
	lang string
}

// readTables builds the input of a workbook or CSV folder: the rows of
// every known sheet, and a problem for everything that cannot be read,
// worded in lang (or English, for "") where the tables do not decide.
func readTables(tables []*table, base *graph.Bundle, baseProblem *graph.Problem, lang string) *merge.Input {
	tr := &tableReader{in: &merge.Input{Arrays: map[string]bool{}, Base: base}, votes: map[string]int{}, lang: lang}
	if baseProblem != nil {
		tr.in.Problems = append(tr.in.Problems, merge.Located{Problem: *baseProblem, Order: -1})
	}
	type found struct {
		t     *table
		dutch bool
		order int
	}
	bySheet := map[string]found{}
	for i, t := range tables {
		if t.broken != nil {
			tr.in.Problems = append(tr.in.Problems, merge.Located{Problem: *t.broken, Order: i})
			continue
		}
		s, dutch, ok := sheetFor(t.base)
		if !ok {
			switch {
			case blank(t.rows):
			case t.excel:
				tr.tableProblem(t, i, "is geen bekend blad; gebruik "+sheetNames(graph.LangNL), "is not a known sheet; use "+sheetNames(graph.LangEN))
			default:
				// A CSV file is told by its name or its headers: say
				// which headers, since its name rarely is a sheet's.
				reg := &sheets[slices.IndexFunc(sheets, func(s sheet) bool { return s.array == "stakeholders" })]
				tr.tableProblem(t, i,
					"wordt niet herkend: geef het de kolomkoppen van een blad, zoals voor het register "+columnNames(reg, graph.LangNL)+
						" (de koppen van het lege sjabloon), of noem het bestand naar een blad: "+sheetNames(graph.LangNL),
					"is not recognised: give it the column headers of a sheet, such as for the register "+columnNames(reg, graph.LangEN)+
						" (the headers of the blank template), or name the file after a sheet: "+sheetNames(graph.LangEN))
			}
			continue
		}
		if prev, dup := bySheet[s.array]; dup {
			tr.tableProblem(t, i, "bevat "+s.nl+", net als "+prev.t.name+": één blad per soort", "holds "+s.array+" like "+prev.t.name+": give each array one sheet")
			continue
		}
		bySheet[s.array] = found{t, dutch, i}
	}
	for i := range sheets {
		if f, ok := bySheet[sheets[i].array]; ok {
			tr.read(&sheets[i], f.t, f.dutch, f.order)
		}
	}
	switch {
	case tr.votes[graph.LangNL] > tr.votes[graph.LangEN]:
		tr.in.Lang = graph.LangNL
	case tr.votes[graph.LangEN] > tr.votes[graph.LangNL]:
		tr.in.Lang = graph.LangEN
	case tr.in.Workspace != nil && tr.in.Workspace.Workspace.Language != "":
		tr.in.Lang = tr.in.Workspace.Workspace.Language
	default:
		tr.in.Lang = graph.LangNL
	}
	return tr.in
}

func (tr *tableReader) tableProblem(t *table, order int, nl, en string) {
	lang := graph.LangEN
	if _, dutch, known := sheetFor(t.base); dutch {
		lang = graph.LangNL
	} else if !known {
		lang = cmp.Or(headerLang(t.rows), tr.lang, graph.LangEN)
	}
	tr.in.Problems = append(tr.in.Problems, merge.Located{Problem: graph.Problem{
		Entry: tableName(t, lang), Field: merge.Say(lang, "blad", "sheet"), Value: t.base, Reason: merge.Say(lang, nl, en)}, Order: order})
}

// tableName names a table in messages: its file name, or `blad X`.
func tableName(t *table, lang string) string {
	if t.excel {
		return merge.Say(lang, "blad ", "sheet ") + t.base
	}
	return t.name
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

func sheetNames(lang string) string {
	names := make([]string, len(sheets))
	for i := range sheets {
		names[i] = sheets[i].name(lang)
	}
	return strings.Join(names, ", ")
}

func columnNames(s *sheet, lang string) string {
	names := make([]string, len(s.columns))
	for i := range s.columns {
		names[i] = s.columns[i].header(lang)
	}
	return strings.Join(names, ", ")
}

// read turns the rows of one table into rows of the input.
func (tr *tableReader) read(s *sheet, t *table, dutchName bool, order int) {
	tr.in.Arrays[s.array] = true
	mt := &merge.Table{Array: s.array, Order: order, Headers: map[string]string{}}
	if len(t.rows) == 0 {
		return
	}
	header := t.rows[0]
	cols := make([]*column, len(header))
	score := map[string]int{}
	switch {
	case t.guessed:
	case dutchName:
		score[graph.LangNL] += 2
	default:
		score[graph.LangEN] += 2
	}
	for _, h := range header {
		if _, lang, ok := s.columnFor(strings.TrimSpace(h)); ok && lang != "" {
			score[lang]++
		}
	}
	mt.Lang = graph.LangEN
	if score[graph.LangNL] > score[graph.LangEN] {
		mt.Lang = graph.LangNL
	}
	tr.votes[mt.Lang]++
	mt.Name = tableName(t, mt.Lang)
	lang := mt.Lang
	mt.Allowed = map[string][]string{}
	for _, c := range s.columns {
		if c.kind == kEnum {
			mt.Allowed[c.field] = c.enum.display(lang)
		}
	}
	headerRow := merge.Row{Table: mt, Num: 1}
	problem := func(r merge.Row, column, value, nl, en string) {
		l := r.Problem("", value, merge.Say(lang, nl, en))
		l.Field = column
		tr.in.Problems = append(tr.in.Problems, l)
	}
	columnWord := merge.Say(lang, "kolom ", "column ")
	for j, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			if columnUsed(t.rows, j, false) {
				problem(headerRow, columnWord+columnLetter(j), "", "heeft waarden maar geen kop", "has values but no header")
			}
			continue
		}
		c, _, ok := s.columnFor(h)
		switch {
		case !ok && s.array == "stakeholders" && lastContactColumn(h):
			problem(headerRow, columnWord+h, h, lastContactNL, lastContactEN)
			continue
		case !ok:
			problem(headerRow, columnWord+h, h, "is geen kolom van "+s.nl+"; gebruik "+columnNames(s, lang),
				"is not a column of "+s.array+"; use "+columnNames(s, lang))
			continue
		}
		if prev, dup := mt.Headers[c.field]; dup {
			problem(headerRow, columnWord+h, h, "betekent hetzelfde als kolom "+prev+": één kolom per veld",
				"means "+c.field+", like column "+prev+": give each field one column")
			continue
		}
		mt.Headers[c.field] = h
		cols[j] = c
	}
	n := 0
	for r, cells := range t.rows[1:] {
		if len(tr.in.Problems) >= 2*maxProblems {
			return
		}
		row := merge.Row{Table: mt, Num: r + 2}
		if blank([][]string{cells}) {
			continue
		}
		if columnUsed([][]string{nil, cells}, len(header), true) {
			problem(row, columnWord+columnLetter(len(header)), "", "heeft waarden maar geen kop", "has values but no header")
		}
		if s.array == "workspace" && n > 0 {
			problem(row, merge.Say(lang, "rij", "row"), "", "een werkruimteblad heeft één rij onder de koppen", "a workspace sheet holds one row below its header")
			continue
		}
		obj := map[string]any{}
		for j, c := range cols {
			if c == nil {
				continue
			}
			cell := ""
			if j < len(cells) {
				cell = strings.TrimSpace(cells[j])
			}
			if cell == "" {
				row.Empty = append(row.Empty, c.field)
				continue
			}
			v, reason := parseCell(c, cell, t.excel, lang)
			if reason != "" {
				tr.in.Problems = append(tr.in.Problems, row.Problem(c.field, cell, reason))
				row.Bad = append(row.Bad, c.field)
				continue
			}
			obj[c.field] = v
		}
		raw, _ := json.Marshal(obj) // strings, numbers, booleans and lists
		if err := tr.add(s.array, row, raw); err != nil {
			tr.in.Problems = append(tr.in.Problems, row.Problem("", "", err.Error()))
			continue
		}
		n++
	}
}

// add decodes one row's fields into its entry type.
func (tr *tableReader) add(array string, row merge.Row, raw []byte) error {
	var n graph.Node
	var rel graph.Relation
	var err error
	switch array {
	case "workspace":
		var w graph.Workspace
		err = json.Unmarshal(raw, &w)
		tr.in.Workspace = &merge.WorkspaceRow{Row: row, Workspace: w}
		return err
	case "stakeholders":
		n, err = decodeAs[graph.Stakeholder](raw)
	case "trajectories":
		n, err = decodeAs[graph.Trajectory](raw)
	case "goals":
		n, err = decodeAs[graph.Goal](raw)
	case "enablers":
		n, err = decodeAs[graph.Enabler](raw)
	case "engagements":
		n, err = decodeAs[graph.Engagement](raw)
	case "stakes":
		rel, err = decodeAs[graph.Stake](raw)
	case "influences":
		rel, err = decodeAs[graph.Influence](raw)
	case "reportsTo":
		rel, err = decodeAs[graph.ReportsTo](raw)
	case "supports":
		rel, err = decodeAs[graph.Supports](raw)
	case "dependsOn":
		rel, err = decodeAs[graph.DependsOn](raw)
	}
	if err != nil {
		return err
	}
	if n != nil {
		tr.in.Nodes = append(tr.in.Nodes, merge.NodeRow{Row: row, Node: n})
	} else {
		tr.in.Relations = append(tr.in.Relations, merge.RelationRow{Row: row, Relation: rel})
	}
	return nil
}

func decodeAs[T any](raw []byte) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
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

// parseCell reads a cell for a column; reason, in lang, is non-empty when
// the cell cannot be read.
func parseCell(c *column, cell string, excel bool, lang string) (v any, reason string) {
	switch c.kind {
	case kInt, kOptInt, kDays:
		f, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			if c.kind == kDays {
				return nil, merge.Say(lang, "moet een geheel aantal dagen van 1 tot en met 365 zijn, of leeg voor geen ritme",
					"must be a whole number of days from 1 to 365, or empty for no rhythm")
			}
			return nil, merge.Say(lang, "moet een geheel getal van 1 tot en met 5 zijn", "must be a whole number from 1 to 5")
		}
		return int(f), ""
	case kFloat:
		f, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, merge.Say(lang, "moet een getal groter dan 0 en hooguit 1 zijn, zoals 0,5", "must be a number greater than 0 and at most 1, such as 0.5 or 0,5")
		}
		return f, ""
	case kBool:
		switch normalizeName(cell) {
		case "true", "ja", "yes", "1", "waar", "j", "y", "x":
			return true, ""
		case "false", "nee", "no", "0", "onwaar", "n":
			return false, ""
		}
		return nil, merge.Say(lang, "moet ja of nee zijn (of yes/no, true/false, 1/0)", "must be yes or no (ja/nee, true/false, 1/0)")
	case kList:
		var items []string
		for it := range strings.FieldsFuncSeq(cell, func(r rune) bool { return r == ';' || r == ',' }) {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		return items, ""
	case kDate:
		return parseDate(cell, excel, lang)
	case kEnum:
		if canon, ok := c.enum.lookup[normalizeName(cell)]; ok {
			return canon, ""
		}
		return nil, enumReason(c.enum, cell, lang)
	}
	return cell, ""
}

// enumReason says that cell is none of e's values: the nearest value as
// "did you mean", then every allowed value, in lang.
func enumReason(e *enum, cell, lang string) string {
	allowed := strings.Join(e.display(lang), ", ")
	// The sheet's own language first, so that a Dutch near miss suggests
	// the Dutch value; synonyms count too (tegenstandr → tegenstander).
	candidates := append([]string{}, e.display(lang)...)
	candidates = append(candidates, e.display(otherLang(lang))...)
	for k := range e.lookup {
		candidates = append(candidates, k)
	}
	if s := graph.Suggest(cell, candidates); len(s) > 0 {
		best := s[0]
		if canon, ok := e.lookup[normalizeName(best)]; ok && !containsFold(e.display(lang), best) && !containsFold(e.display(otherLang(lang)), best) {
			best = e.show(canon, lang) // a normalized synonym: show the value itself
		}
		return merge.Say(lang, fmt.Sprintf("bedoelt u %q? Toegestaan: %s", best, allowed), fmt.Sprintf("did you mean %q? Allowed: %s", best, allowed))
	}
	return merge.Say(lang, "is geen toegestane waarde. Toegestaan: "+allowed, "is not an allowed value. Allowed: "+allowed)
}

func otherLang(lang string) string {
	if lang == graph.LangEN {
		return graph.LangNL
	}
	return graph.LangEN
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var (
	dayFirst = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$`)
	isoDate  = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$`)
	serial   = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)
)

// wordDate is a date with its month written out: 12 september 2026,
// 12 sept. 2026, 12 Sep 2026.
var wordDate = regexp.MustCompile(`^(\d{1,2})\s+([a-zé]+)\.?\s+(\d{4})$`)

// monthOf returns the month a Dutch or English month name (or its first
// three letters or more) stands for, or 0.
func monthOf(word string) int {
	if len(word) < 3 {
		return 0
	}
	for i, nl := range monthsNL {
		en := strings.ToLower(time.Month(i + 1).String())
		if strings.HasPrefix(nl, word) || strings.HasPrefix(en, word) || (word == "mrt" && i == 2) {
			return i + 1
		}
	}
	return 0
}

var monthsNL = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// parseDate writes a date as YYYY-MM-DD. Besides that form it reads the
// Dutch day-first forms (12-9-2026, 12/09/2026, 12.09.2026, 12 september
// 2026), a date with a time, and, in workbooks, Excel's day numbers. A date that cannot be is
// named as such in lang (31-9-2026: september has 30 days).
func parseDate(cell string, excel bool, lang string) (string, string) {
	var y, mo, d int
	if m := dayFirst.FindStringSubmatch(cell); m != nil {
		d, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		y, _ = strconv.Atoi(m[3])
	} else if m := isoDate.FindStringSubmatch(cell); m != nil {
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
	} else if m := wordDate.FindStringSubmatch(strings.ToLower(cell)); m != nil && monthOf(m[2]) > 0 {
		d, _ = strconv.Atoi(m[1])
		mo = monthOf(m[2])
		y, _ = strconv.Atoi(m[3])
	} else if excel && serial.MatchString(cell) {
		n, _ := strconv.ParseFloat(cell, 64)
		// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900
		// that never was, so day 60 onward is one too high.
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format(time.DateOnly), ""
	} else {
		return "", merge.Say(lang, "is geen datum: schrijf bijvoorbeeld 30-11-2026 of 2026-11-30", "is not a date: write e.g. 2026-11-30 or 30-11-2026")
	}
	if mo < 1 || mo > 12 {
		return "", merge.Say(lang, fmt.Sprintf("er is geen maand %d", mo), fmt.Sprintf("there is no month %d", mo))
	}
	days := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > days {
		if mo == 2 && d == 29 {
			return "", merge.Say(lang, fmt.Sprintf("%d is geen schrikkeljaar: februari heeft 28 dagen", y), fmt.Sprintf("%d is not a leap year: February has 28 days", y))
		}
		return "", merge.Say(lang, fmt.Sprintf("%s heeft %d dagen", monthsNL[mo-1], days), fmt.Sprintf("%s has %d days", time.Month(mo), days))
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), ""
}

// lastContactColumn reports whether a header is the "last contact" column
// registers kept by hand have, and stakemap's register page shows.
func lastContactColumn(h string) bool {
	switch normalizeName(h) {
	case "laatstecontact", "laatstcontact", "laatstgesproken", "lastcontact", "lastcontacted":
		return true
	}
	return false
}

// A register's "last contact" date cannot be imported: it says when, not
// with whom together, how or about what, so it makes no contact, and
// stakemap works the date out from the contacts themselves. Dropping it
// silently would leave the consultant believing the dates were kept.
const (
	lastContactNL = "stakemap houdt het laatste contact zelf bij, uit de contactmomenten: laat deze kolom weg, " +
		"en zet contacten in een blad Contactmomenten (Datum, Kanaal, Met, Over, Samenvatting) of log ze op de pagina Contact loggen"
	lastContactEN = "stakemap works out the last contact itself, from the contacts: leave this column out, " +
		"and put contacts in a contacts sheet (date, channel, with, about, summary) or log them on the Log a contact page"
)
