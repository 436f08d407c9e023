// Package bundle reads and writes whole workspaces: the stakemap/v1 JSON
// document, and spreadsheets (one XLSX workbook, or a folder of CSV files)
// with English or Dutch column headers.
//
// Reading is strict and reports every problem of an input at once, each
// naming the entry (or sheet, row and column), the field, the offending
// value and the reason, so that a user can fix a file in one pass.
package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stakemap/stakemap/graph"
)

// Limits that make a wrong file fail fast instead of being read to the end.
const (
	// maxValueBytes bounds one entry (or any other single JSON value below
	// the arrays): real entries are a few hundred bytes, so a larger value
	// means the input is not a stakemap/v1 document.
	maxValueBytes = 1 << 20
	// maxProblems bounds the problems collected while decoding; past it the
	// input is most likely something else entirely.
	maxProblems = 1000
)

var errValueTooLarge = errors.New("value too large")

// posReader counts what the JSON decoder reads and where lines start, so
// that a syntax error can be reported by line and column without keeping
// the document, and refuses to read past limit.
type posReader struct {
	r        io.Reader
	n        int64
	limit    int64 // reading beyond it fails with errValueTooLarge; < 0: no limit
	newlines []int64
	// forgotten counts the newlines dropped from the front of newlines:
	// those before the value being read, which no error can point at.
	forgotten int
}

// forget drops the newlines before offset off except the last one, which
// the column of a later position may need.
func (p *posReader) forget(off int64) {
	i := sort.Search(len(p.newlines), func(i int) bool { return p.newlines[i] >= off })
	if i > 1 {
		n := copy(p.newlines, p.newlines[i-1:])
		p.newlines = p.newlines[:n]
		p.forgotten += i - 1
	}
}

func (p *posReader) Read(b []byte) (int, error) {
	if p.limit >= 0 {
		if p.n >= p.limit {
			return 0, errValueTooLarge
		}
		if rest := p.limit - p.n; int64(len(b)) > rest {
			b = b[:rest]
		}
	}
	n, err := p.r.Read(b)
	for i := 0; i < n; {
		j := bytes.IndexByte(b[i:n], '\n')
		if j < 0 {
			break
		}
		p.newlines = append(p.newlines, p.n+int64(i+j))
		i += j + 1
	}
	p.n += int64(n)
	return n, err
}

// position turns a byte offset at or after the last forget into a 1-based
// line and column (in bytes).
func (p *posReader) position(off int64) (line, col int) {
	i := sort.Search(len(p.newlines), func(i int) bool { return p.newlines[i] >= off })
	start := int64(0)
	if i > 0 {
		start = p.newlines[i-1] + 1
	}
	return p.forgotten + i + 1, int(off-start) + 1
}

// decoder walks a stakemap/v1 document value by value.
type decoder struct {
	pr       *posReader
	dec      *json.Decoder
	b        graph.Bundle
	problems []graph.Problem
	// strict decodes one entry at a time, rejecting unknown fields; it is
	// reused for every entry to spare a decoder and buffer per entry.
	strict   *json.Decoder
	strictIn entryReader
	// bad marks fields (or "*" for the whole entry) that already have a
	// decoding problem, keyed by `array[i]`, so that validation does not
	// report the same field a second time.
	bad map[string]map[string]bool
}

// syntaxError stops decoding: the input is not JSON (any more).
type syntaxError struct{ problem graph.Problem }

func (e *syntaxError) Error() string { return e.problem.String() }

// Decode reads one stakemap/v1 document strictly. A document that is not
// JSON yields one problem with its line and column; otherwise every unknown
// field, wrongly typed value and validation problem of every entry is
// reported in one *graph.ValidationError (errors.Is(err, graph.ErrInvalid)).
// The bundle is returned with defaults applied, in document order.
func Decode(r io.Reader) (*graph.Bundle, error) { return decode(r, Options{}) }

// DecodeWith is Decode with opt's workspace fields filling in or overriding
// the document's before it is validated, as ReadPath does for files.
func DecodeWith(r io.Reader, opt Options) (*graph.Bundle, error) { return decode(r, opt) }

// decode is Decode with the options' workspace fields applied before
// validation.
func decode(r io.Reader, opt Options) (*graph.Bundle, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(3)
	}
	pr := &posReader{r: br, limit: -1}
	d := &decoder{pr: pr, dec: json.NewDecoder(pr), bad: map[string]map[string]bool{}}
	if err := d.document(); err != nil {
		if se, ok := errors.AsType[*syntaxError](err); ok {
			return nil, graph.Invalid([]graph.Problem{se.problem})
		}
		return nil, fmt.Errorf("read stakemap/v1 document: %w", err)
	}
	if len(d.problems) >= maxProblems {
		d.problems = append(d.problems[:maxProblems], graph.Problem{Entry: "document", Field: "problems", Value: strconv.Itoa(maxProblems),
			Reason: "too many problems: stopped reading; is this a stakemap/v1 document?"})
		return nil, graph.Invalid(d.problems)
	}
	b := &d.b
	opt.apply(b)
	normalize(b)
	b.ApplyDefaults()
	if err := mergeProblems(d.problems, b.Validate(), d.bad); err != nil {
		return nil, err
	}
	return b, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// normalize gives values that encode the same way one representation, so
// that a decoded bundle equals the decoding of its own encoding.
func normalize(b *graph.Bundle) {
	for i := range b.Stakeholders {
		if len(b.Stakeholders[i].Tags) == 0 {
			b.Stakeholders[i].Tags = nil
		}
	}
}

// mergeProblems appends validation's problems to the decoding problems,
// leaving out those about fields that already failed to decode.
func mergeProblems(decoding []graph.Problem, validation error, bad map[string]map[string]bool) error {
	ps := decoding
	if ve, ok := errors.AsType[*graph.ValidationError](validation); ok {
		for _, p := range ve.Problems {
			if marked(bad, p) {
				continue
			}
			ps = append(ps, p)
		}
	} else if validation != nil {
		return validation
	}
	return graph.Invalid(ps)
}

// marked reports whether p is about a field already marked bad.
func marked(bad map[string]map[string]bool, p graph.Problem) bool {
	entry, _, _ := strings.Cut(p.Entry, " ")
	fields := bad[entry]
	if fields == nil {
		return false
	}
	field, _, _ := strings.Cut(p.Field, "[")
	return fields["*"] || fields[field]
}

func (d *decoder) problem(entry, field, value, reason string) {
	d.problems = append(d.problems, graph.Problem{Entry: entry, Field: field, Value: value, Reason: reason})
}

func (d *decoder) markBad(entry, field string) {
	entry, _, _ = strings.Cut(entry, " ")
	m := d.bad[entry]
	if m == nil {
		m = map[string]bool{}
		d.bad[entry] = m
	}
	m[field] = true
}

// bound limits the next value read to maxValueBytes, and forgets the
// line starts before it.
func (d *decoder) bound() {
	off := d.dec.InputOffset()
	d.pr.limit = off + maxValueBytes
	d.pr.forget(off)
}

func (d *decoder) token() (json.Token, error) {
	d.bound()
	t, err := d.dec.Token()
	if err != nil {
		return nil, d.fail(err)
	}
	return t, nil
}

func (d *decoder) value() (json.RawMessage, error) {
	d.bound()
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return nil, d.fail(err)
	}
	return raw, nil
}

// fail turns a read error into a *syntaxError naming line and column.
func (d *decoder) fail(err error) error {
	start := d.dec.InputOffset()
	rest, _ := io.ReadAll(d.dec.Buffered())
	lead := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
	off := start + int64(lead)
	var reason string
	switch se, isSyntax := errors.AsType[*json.SyntaxError](err); {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = d.pr.n
		reason = "the document ends too early: the file is truncated or a bracket or quote is missing"
	case errors.Is(err, errValueTooLarge):
		reason = fmt.Sprintf("a value here is larger than %d MB: this is not a stakemap/v1 document", maxValueBytes>>20)
	case isSyntax:
		reason = "invalid JSON: " + strings.TrimPrefix(se.Error(), "json: ")
		// The decoder's offsets count from the start of the current value
		// only in some cases; scanning the value again finds the byte.
		var raw json.RawMessage
		if se2, ok := errors.AsType[*json.SyntaxError](json.Unmarshal(rest, &raw)); ok && se2.Error() == se.Error() && se2.Offset > 0 {
			off = start + se2.Offset - 1
		}
	default:
		return err
	}
	line, col := d.pr.position(off)
	return &syntaxError{graph.Problem{Entry: "document", Field: fmt.Sprintf("line %d, column %d", line, col), Reason: reason}}
}

// arrays maps the top-level array names to the functions that decode one
// of their entries into the bundle.
var arrays = map[string]func(d *decoder, entry string, raw []byte){
	"stakeholders": func(d *decoder, entry string, raw []byte) {
		d.b.Stakeholders = append(d.b.Stakeholders, decodeEntry(d, entry, raw, graph.Stakeholder{}))
	},
	"trajectories": func(d *decoder, entry string, raw []byte) {
		d.b.Trajectories = append(d.b.Trajectories, decodeEntry(d, entry, raw, graph.Trajectory{}))
	},
	"goals": func(d *decoder, entry string, raw []byte) {
		d.b.Goals = append(d.b.Goals, decodeEntry(d, entry, raw, graph.Goal{}))
	},
	"enablers": func(d *decoder, entry string, raw []byte) {
		d.b.Enablers = append(d.b.Enablers, decodeEntry(d, entry, raw, graph.Enabler{}))
	},
	"stakes": func(d *decoder, entry string, raw []byte) {
		d.b.Stakes = append(d.b.Stakes, decodeEntry(d, entry, raw, graph.Stake{}))
	},
	"influences": func(d *decoder, entry string, raw []byte) {
		// plainInfluence skips Influence's own UnmarshalJSON, which builds
		// a decoder per entry; the default strength is preset instead.
		v := decodeEntry(d, entry, raw, plainInfluence{Strength: graph.DefaultStrength})
		d.b.Influences = append(d.b.Influences, graph.Influence(v))
	},
	"reportsTo": func(d *decoder, entry string, raw []byte) {
		d.b.ReportsTo = append(d.b.ReportsTo, decodeEntry(d, entry, raw, graph.ReportsTo{}))
	},
	"supports": func(d *decoder, entry string, raw []byte) {
		d.b.Supports = append(d.b.Supports, decodeEntry(d, entry, raw, graph.Supports{}))
	},
	"dependsOn": func(d *decoder, entry string, raw []byte) {
		d.b.DependsOn = append(d.b.DependsOn, decodeEntry(d, entry, raw, graph.DependsOn{}))
	},
	"engagements": func(d *decoder, entry string, raw []byte) {
		d.b.Engagements = append(d.b.Engagements, decodeEntry(d, entry, raw, graph.Engagement{}))
	},
}

type plainInfluence graph.Influence

// topLevel lists the keys of a stakemap/v1 document in document order.
var topLevel = []string{"format", "workspace", "stakeholders", "trajectories", "goals", "enablers",
	"stakes", "influences", "reportsTo", "supports", "dependsOn", "engagements"}

func (d *decoder) document() error {
	d.bound()
	t, err := d.dec.Token()
	if errors.Is(err, io.EOF) {
		return &syntaxError{graph.Problem{Entry: "document", Field: "line 1, column 1",
			Reason: "the document is empty: expected a stakemap/v1 JSON object"}}
	}
	if err != nil {
		return d.fail(err)
	}
	if t != json.Delim('{') {
		line, col := d.pr.position(0)
		return &syntaxError{graph.Problem{Entry: "document", Field: fmt.Sprintf("line %d, column %d", line, col), Value: describeToken(t),
			Reason: "the document must be a JSON object ({ \"format\": \"stakemap/v1\", … })"}}
	}
	seen := map[string]bool{}
	for d.dec.More() && len(d.problems) < maxProblems {
		t, err := d.token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if seen[key] {
			d.problem("document", key, "", "appears twice: each key may appear once")
			if _, err := d.value(); err != nil {
				return err
			}
			continue
		}
		seen[key] = true
		switch {
		case key == "format":
			raw, err := d.value()
			if err != nil {
				return err
			}
			// null or "" would otherwise be filled in by the defaults.
			if err := json.Unmarshal(raw, &d.b.Format); err != nil || d.b.Format == "" {
				d.problem("", "format", shortValue(raw), "must be \""+graph.Format+"\"")
				d.markBad("", "format")
			}
		case key == "workspace":
			raw, err := d.value()
			if err != nil {
				return err
			}
			d.b.Workspace = decodeEntry(d, "workspace", raw, graph.Workspace{})
		case arrays[key] != nil:
			if err := d.array(key); err != nil {
				return err
			}
		default:
			d.problem("document", key, "", "is not a key of a stakemap/v1 document; known keys: "+strings.Join(topLevel, ", "))
			if _, err := d.value(); err != nil {
				return err
			}
		}
	}
	if len(d.problems) >= maxProblems {
		return nil
	}
	if _, err := d.token(); err != nil { // the closing brace
		return err
	}
	if !seen["format"] {
		d.problem("", "format", "", "is required: must be \""+graph.Format+"\"")
	}
	d.bound()
	if t, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		rest, _ := io.ReadAll(d.dec.Buffered())
		off := d.dec.InputOffset() + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		if err == nil {
			// Token has consumed a delimiter, or a whole string, number or literal.
			off = d.dec.InputOffset() - int64(len(describeToken(t)))
		}
		line, col := d.pr.position(max(off, 0))
		d.problem("document", fmt.Sprintf("line %d, column %d", line, col), "", "unexpected data after the end of the document")
	}
	return nil
}

// array decodes the array under key entry by entry, so that a large
// document is never held in memory whole.
func (d *decoder) array(key string) error {
	if c, ok := d.peek(); ok && c != '[' && c != 'n' {
		// Not an array (nor null): read it whole, within the value bound,
		// which is faster than walking it token by token.
		raw, err := d.value()
		if err != nil {
			return err
		}
		d.problem("document", key, shortValue(raw), "must be an array ([ … ])")
		return nil
	}
	t, err := d.token()
	if err != nil {
		return err
	}
	if t == nil { // null: an empty array
		return nil
	}
	if t != json.Delim('[') {
		d.problem("document", key, describeToken(t), "must be an array ([ … ])")
		return d.skipRest(t)
	}
	add := arrays[key]
	for i := 0; d.dec.More() && len(d.problems) < maxProblems; i++ {
		raw, err := d.value()
		if err != nil {
			return err
		}
		add(d, fmt.Sprintf("%s[%d]", key, i), raw)
	}
	if len(d.problems) >= maxProblems {
		return nil
	}
	_, err = d.token()
	return err
}

// peek returns the first byte of the next value when the decoder has it
// buffered already.
func (d *decoder) peek() (byte, bool) {
	rest, _ := io.ReadAll(d.dec.Buffered())
	rest = bytes.TrimLeft(rest, " \t\r\n:")
	if len(rest) == 0 {
		return 0, false
	}
	return rest[0], true
}

// skipRest skips the rest of a value whose first token was t, token by
// token, up to maxValueBytes.
func (d *decoder) skipRest(t json.Token) error {
	depth := 0
	start := d.dec.InputOffset()
	for {
		if d.dec.InputOffset()-start > maxValueBytes {
			return d.fail(errValueTooLarge)
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if t, err = d.token(); err != nil {
			return err
		}
	}
}

func describeToken(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		return string(t)
	case string:
		return strconv.Quote(t)
	case nil:
		return "null"
	default:
		return fmt.Sprint(t)
	}
}

// shortValue shows a JSON value in a problem: a string unquoted, anything
// else as written, cut to a readable length.
func shortValue(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		_ = json.Unmarshal(raw, &s)
	}
	const maxRunes = 80
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes]) + "…"
	}
	return s
}

// entryReader hands the strict decoder one entry at a time. Each entry is
// one complete JSON value, so the decoder never reads past it.
type entryReader struct{ data []byte }

func (r *entryReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// field is one JSON field of an entry type.
type field struct {
	name string
	typ  reflect.Type
}

// fieldsOf lists the JSON fields of a struct type.
func fieldsOf(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fs = append(fs, field{name, f.Type})
	}
	return fs
}

// decodeEntry decodes one entry strictly. The fast path is one strict
// decode; only an entry with problems is taken apart field by field so
// that all its problems are found.
func decodeEntry[T any](d *decoder, entry string, raw []byte, v T) T {
	if d.strict == nil {
		d.strict = json.NewDecoder(&d.strictIn)
		d.strict.DisallowUnknownFields()
	}
	d.strictIn.data = raw
	fresh := v
	err := d.strict.Decode(&fresh)
	if err == nil {
		return fresh
	}
	d.strict = nil // errors are rare: start afresh rather than trust its state
	t := reflect.TypeOf(v)
	what := strings.ToLower(t.Name())
	what = strings.TrimPrefix(what, "plain")
	if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || trimmed[0] != '{' {
		d.problem(entry, "entry", shortValue(raw), "must be a JSON object ({ … }) describing "+article(what))
		d.markBad(entry, "*")
		return v
	}
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(raw, &obj) // raw is an object: it cannot fail
	if id, ok := obj["id"]; ok {
		var s string
		if json.Unmarshal(id, &s) == nil && s != "" && entry != "workspace" {
			entry += " " + strconv.Quote(s) // as validation names it: `stakeholders[3] "cfo"`
		}
	}
	fields := fieldsOf(t)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	good := map[string]json.RawMessage{}
	for _, k := range keys {
		val := obj[k]
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == k })
		if i < 0 {
			// encoding/json matches field names case-insensitively too.
			i = slices.IndexFunc(fields, func(f field) bool { return strings.EqualFold(f.name, k) })
		}
		if i < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.name
			}
			d.problem(entry, k, shortValue(val), "is not a field of "+article(what)+"; known fields: "+strings.Join(names, ", "))
			continue
		}
		f := fields[i]
		if err := json.Unmarshal(val, reflect.New(f.typ).Interface()); err != nil {
			d.problem(entry, f.name, shortValue(val), typeReason(f.typ))
			d.markBad(entry, f.name)
			continue
		}
		good[f.name] = val
	}
	data, err := json.Marshal(good)
	if err == nil {
		_ = json.Unmarshal(data, &v) // every field was checked above
	}
	return v
}

func typeReason(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "must be text (a JSON string)"
	case reflect.Int:
		return "must be a whole number"
	case reflect.Pointer:
		return "must be a whole number, or left out"
	case reflect.Float64:
		return "must be a number"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Slice:
		return "must be a list of texts ([\"a\", \"b\"])"
	}
	return "has the wrong type"
}

// article puts "a" or "an" before a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
