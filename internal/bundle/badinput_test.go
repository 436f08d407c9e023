package bundle_test

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
)

// want is a problem a bad input must be reported with.
type want struct{ entry, field, value string }

// doc builds a document around a valid workspace with stakeholders a and
// b, trajectory t, goal g and enabler en; parts replace or add top-level
// keys.
func doc(parts ...string) string {
	base := map[string]string{
		"format":       `"stakemap/v1"`,
		"workspace":    `{"id": "w", "name": "W"}`,
		"stakeholders": `[{"id": "a", "name": "A", "level": "board", "influence": 5, "interest": 4}, {"id": "b", "name": "B", "level": "employee", "influence": 2, "interest": 3}]`,
		"trajectories": `[{"id": "t", "name": "T", "status": "running"}]`,
		"goals":        `[{"id": "g", "name": "G"}]`,
		"enablers":     `[{"id": "en", "name": "En"}]`,
	}
	order := []string{"format", "workspace", "stakeholders", "trajectories", "goals", "enablers"}
	for _, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		if _, ok := base[k]; !ok {
			order = append(order, k)
		}
		base[k] = v
	}
	var b strings.Builder
	b.WriteString("{\n")
	first := true
	for _, k := range order {
		v, ok := base[k]
		if !ok || v == "-" {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(&b, "  %q: %s", k, v)
	}
	b.WriteString("\n}\n")
	return b.String()
}

func TestDecodeValidBase(t *testing.T) {
	if _, err := bundle.Decode(strings.NewReader(doc())); err != nil {
		t.Fatalf("the base document of the bad-input tests must be valid: %v", err)
	}
}

func TestDecodeBadInput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{"unknown enum values", doc(
			`workspace={"id": "w", "name": "W", "language": "de"}`,
			`stakeholders=[{"id": "a", "name": "A", "kind": "robot", "level": "boss", "influence": 5, "interest": 4, "attitude": "fan"}]`,
			`trajectories=[{"id": "t", "name": "T", "status": "busy"}]`,
			`enablers=[{"id": "en", "name": "En", "kind": "tool", "status": "soon"}]`,
			`stakes=[{"stakeholder": "a", "trajectory": "t", "role": "king"}]`,
			`engagements=[{"id": "e", "date": "2026-01-02", "channel": "email", "with": ["a"]}]`,
		), []want{
			{"workspace", "language", "de"},
			{`stakeholders[0] "a"`, "kind", "robot"},
			{`stakeholders[0] "a"`, "level", "boss"},
			{`stakeholders[0] "a"`, "attitude", "fan"},
			{`trajectories[0] "t"`, "status", "busy"},
			{`enablers[0] "en"`, "kind", "tool"},
			{`enablers[0] "en"`, "status", "soon"},
			{"stakes[0]", "role", "king"},
			{`engagements[0] "e"`, "channel", "email"},
		}},
		{"numbers out of range", doc(
			`stakeholders=[{"id": "a", "name": "A", "level": "board", "influence": 0, "interest": 6}, {"id": "b", "name": "B", "level": "board", "influence": -1, "interest": 3}]`,
			`stakes=[{"stakeholder": "a", "trajectory": "t", "role": "sponsor", "influence": 9, "interest": 0}]`,
			`influences=[{"from": "a", "to": "b", "strength": 1.5}, {"from": "b", "to": "a", "strength": 0}]`,
		), []want{
			{`stakeholders[0] "a"`, "influence", "0"},
			{`stakeholders[0] "a"`, "interest", "6"},
			{`stakeholders[1] "b"`, "influence", "-1"},
			{"stakes[0]", "influence", "9"},
			{"stakes[0]", "interest", "0"},
			{"influences[0]", "strength", "1.5"},
			{"influences[1]", "strength", "0"},
		}},
		{"malformed ids and dates", doc(
			`stakeholders=[{"id": "CFO", "name": "A", "level": "board", "influence": 5, "interest": 4}, {"id": "-b", "name": "B", "level": "board", "influence": 2, "interest": 3}, {"id": "`+strings.Repeat("x", 65)+`", "name": "C", "level": "board", "influence": 2, "interest": 3}, {"name": "D", "level": "board", "influence": 2, "interest": 3}]`,
			`trajectories=[{"id": "t", "name": "T", "start": "2026-13-01", "end": "12-09-2026", "reviewBy": "2026-02-30"}]`,
			`engagements=[{"id": "e", "date": "", "with": ["Bad Id"]}]`,
		), []want{
			{`stakeholders[0] "CFO"`, "id", "CFO"},
			{`stakeholders[1] "-b"`, "id", "-b"},
			{`stakeholders[2] "` + strings.Repeat("x", 65) + `"`, "id", strings.Repeat("x", 65)},
			{"stakeholders[3]", "id", ""},
			{`trajectories[0] "t"`, "start", "2026-13-01"},
			{`trajectories[0] "t"`, "end", "12-09-2026"},
			{`trajectories[0] "t"`, "reviewBy", "2026-02-30"},
			{`engagements[0] "e"`, "date", ""},
			{`engagements[0] "e"`, "with[0]", "Bad Id"},
		}},
		{"dangling references", doc(
			`enablers=[{"id": "en", "name": "En", "owner": "ghost"}]`,
			`stakes=[{"stakeholder": "ghost", "trajectory": "a", "role": "sponsor"}]`,
			`influences=[{"from": "a", "to": "nobody"}]`,
			`reportsTo=[{"from": "zed", "to": "a"}]`,
			`supports=[{"trajectory": "t", "goal": "nope"}]`,
			`dependsOn=[{"trajectory": "t", "on": "a"}]`,
			`engagements=[{"id": "e", "date": "2026-01-02", "with": ["a", "ghost"], "about": ["g"]}]`,
		), []want{
			{`enablers[0] "en"`, "owner", "ghost"},
			{"stakes[0]", "stakeholder", "ghost"},
			{"stakes[0]", "trajectory", "a"},
			{"influences[0]", "to", "nobody"},
			{"reportsTo[0]", "from", "zed"},
			{"supports[0]", "goal", "nope"},
			{"dependsOn[0]", "on", "a"},
			{`engagements[0] "e"`, "with[1]", "ghost"},
			{`engagements[0] "e"`, "about[0]", "g"},
		}},
		{"duplicate ids and relationships", doc(
			`goals=[{"id": "g", "name": "G"}, {"id": "a", "name": "Same id as a stakeholder"}, {"id": "g", "name": "G again"}]`,
			`stakes=[{"stakeholder": "a", "trajectory": "t", "role": "sponsor"}, {"stakeholder": "a", "trajectory": "t", "role": "sponsor"}]`,
			`influences=[{"from": "a", "to": "b"}, {"from": "a", "to": "b", "strength": 0.9}]`,
		), []want{
			{`goals[1] "a"`, "id", "a"},
			{`goals[2] "g"`, "id", "g"},
			{"stakes[1]", "stakes", "a → t (sponsor)"},
			{"influences[1]", "influences", "a → b"},
		}},
		{"self-loops", doc(
			`influences=[{"from": "a", "to": "a"}]`,
			`reportsTo=[{"from": "b", "to": "b"}]`,
			`dependsOn=[{"trajectory": "t", "on": "t"}]`,
		), []want{
			{"influences[0]", "to", "a"},
			{"reportsTo[0]", "to", "b"},
			{"dependsOn[0]", "on", "t"},
		}},
		{"engagement with nobody", doc(
			`engagements=[{"id": "e1", "date": "2026-01-02", "with": []}, {"id": "e2", "date": "2026-01-02"}, {"id": "e3", "date": "2026-01-02", "with": null}]`,
		), []want{
			{`engagements[0] "e1"`, "with", ""},
			{`engagements[1] "e2"`, "with", ""},
			{`engagements[2] "e3"`, "with", ""},
		}},
		{"unknown fields and keys", doc(
			`workspace={"id": "w", "name": "W", "owner": "me"}`,
			`stakeholders=[{"id": "a", "name": "A", "level": "board", "influence": 5, "interest": 4, "colour": "red", "email": "a@example.org"}]`,
			`influences=[{"from": "a", "to": "a", "weight": 2}]`,
			`extra=true`,
		), []want{
			{"workspace", "owner", "me"},
			{`stakeholders[0] "a"`, "colour", "red"},
			{`stakeholders[0] "a"`, "email", "a@example.org"},
			{"influences[0]", "weight", "2"},
			{"influences[0]", "to", "a"}, // the self-loop is still found
			{"document", "extra", ""},
		}},
		{"wrong types", doc(
			`format=1`,
			`stakeholders=[{"id": "a", "name": "A", "level": "board", "influence": "high", "interest": 4.5, "tags": "x"}, 7]`,
			`engagements=[{"id": "e", "date": "2026-01-02", "with": "a", "resultsShared": "yes"}]`,
			`goals={"id": "g"}`,
		), []want{
			{"", "format", "1"},
			{`stakeholders[0] "a"`, "influence", "high"},
			{`stakeholders[0] "a"`, "interest", "4.5"},
			{`stakeholders[0] "a"`, "tags", "x"},
			{"stakeholders[1]", "entry", "7"},
			{`engagements[0] "e"`, "with", "a"},
			{`engagements[0] "e"`, "resultsShared", "yes"},
			{"document", "goals", `{"id": "g"}`},
		}},
		{"wrong format", doc(`format="stakemap/v2"`), []want{{"", "format", "stakemap/v2"}}},
		{"missing format", doc(`format=-`), []want{{"", "format", ""}}},
		{"missing workspace", doc(`workspace=-`), []want{{"workspace", "id", ""}, {"workspace", "name", ""}}},
		{"empty file", "", []want{{"document", "line 1, column 1", ""}}},
		{"only whitespace", "\n  \n", []want{{"document", "line 1, column 1", ""}}},
		{"not an object", "[1, 2]", []want{{"document", "line 1, column 1", "["}}},
		{"garbage", "\n\nhello", []want{{"document", "line 3, column 1", ""}}},
		{"truncated", doc()[:60], []want{{"document", "line 3, column 32", ""}}},
		{"truncated in a string", "{\n  \"format\": \"stakem", []want{{"document", "line 2, column 20", ""}}},
		{"missing comma", "{\n  \"format\": \"stakemap/v1\"\n  \"workspace\": {}\n}", []want{{"document", "line 3, column 3", ""}}},
		{"trailing garbage", doc() + "xyz", []want{{"document", "line 9, column 1", ""}}},
		{"second document", doc() + "{}", []want{{"document", "line 9, column 1", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bundle.Decode(strings.NewReader(tt.input))
			requireProblems(t, b, err, tt.want)
		})
	}
}

// requireProblems asserts that err is a validation error naming every
// wanted problem, and that nothing was returned.
func requireProblems(t *testing.T, b *graph.Bundle, err error, wants []want) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want problems %v", wants)
	}
	if b != nil {
		t.Errorf("a bundle was returned with the error %v", err)
	}
	if !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		t.Fatalf("error %T is not a *graph.ValidationError: %v", err, err)
	}
	for _, w := range wants {
		found := false
		for _, p := range ve.Problems {
			if p.Entry == w.entry && p.Field == w.field && p.Value == w.value {
				found = true
				if p.Reason == "" {
					t.Errorf("problem %v has no reason", p)
				}
			}
		}
		if !found {
			t.Errorf("no problem (entry %q, field %q, value %q) in:\n%v", w.entry, w.field, w.value, err)
		}
	}
}

func TestDecodeDuplicateTopLevelKey(t *testing.T) {
	input := strings.Replace(doc(), `"goals"`, `"stakeholders": [], "goals"`, 1)
	b, err := bundle.Decode(strings.NewReader(input))
	requireProblems(t, b, err, []want{{"document", "stakeholders", ""}})
}

// TestDecodeGarbageFailsFast feeds Decode 50 MB that is not a document,
// in several shapes: each must be refused with one clear problem long
// before the end is read. The first shape is a real file on disk; the
// others are generated while they are read.
func TestDecodeGarbageFailsFast(t *testing.T) {
	const size = 50 << 20
	t.Run("random bytes file", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "garbage.json")
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1<<20)
		rand.Read(buf)
		buf[0] = 0x07 // not a possible start of JSON
		w := bufio.NewWriter(f)
		for range size / len(buf) {
			w.Write(buf)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		f, err = os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, err := bundle.Decode(f)
		requireProblems(t, b, err, []want{{"document", "line 1, column 1", ""}})
		if pos, _ := f.Seek(0, io.SeekCurrent); pos > 1<<20 {
			t.Errorf("Decode read %d bytes of garbage before giving up", pos)
		}
	})
	shapes := []struct {
		name, prefix, fill string
		want               want
	}{
		{"endless string", `{"format": "stakemap/v1", "stakeholders": [{"notes": "`, "a", want{"document", "line 1, column 44", ""}},
		{"endless nesting", `{"format": "stakemap/v1", "extra": `, "[", want{"document", "line 1, column 10036", ""}},
		{"endless unknown value", `{"format": "stakemap/v1", "extra": [`, "1,", want{"document", "line 1, column 36", ""}},
		{"endless wrong value", `{"format": "stakemap/v1", "goals": {"a": [`, "1,", want{"document", "line 1, column 36", ""}},
		{"endless bad entries", `{"format": "stakemap/v1", "stakeholders": [`, "1,", want{"document", "problems", "1000"}},
		{"endless lines", `{"format": "stakemap/v1", "goals": [`, "\n", want{"document", "line 1048577, column 1", ""}},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			r := &countingReader{r: io.MultiReader(strings.NewReader(s.prefix), &repeatReader{pattern: []byte(s.fill), left: size - len(s.prefix)})}
			b, err := bundle.Decode(r)
			requireProblems(t, b, err, []want{s.want})
			if r.n > 16<<20 {
				t.Errorf("Decode read %d MB of garbage before giving up", r.n>>20)
			}
		})
	}
}

// repeatReader yields pattern over and over, left bytes in all.
type repeatReader struct {
	pattern []byte
	left    int
	at      int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.left)
	for i := range n {
		p[i] = r.pattern[r.at]
		r.at = (r.at + 1) % len(r.pattern)
	}
	r.left -= n
	return n, nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
