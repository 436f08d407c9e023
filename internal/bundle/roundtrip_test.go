package bundle_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/bundle"
)

// encode returns the canonical encoding of b.
func encode(tb testing.TB, b *graph.Bundle) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := bundle.Encode(&buf, b); err != nil {
		tb.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

// decode decodes data and fails the test on any error.
func decode(tb testing.TB, data []byte) *graph.Bundle {
	tb.Helper()
	b, err := bundle.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return b
}

func generated(tb testing.TB) map[string]*graph.Bundle {
	tb.Helper()
	return map[string]*graph.Bundle{
		"empty":  storetest.Generate(1, 0, 0, 0),
		"small":  storetest.Generate(2, 12, 4, 40),
		"medium": storetest.Generate(3, 150, 20, 900),
	}
}

func TestEncodeRoundTripIsByteIdentical(t *testing.T) {
	cases := generated(t)
	files, err := filepath.Glob("testdata/valid/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = decode(t, data)
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			first := encode(t, b)
			again := encode(t, decode(t, first))
			if !bytes.Equal(first, again) {
				t.Fatalf("export → import → export differs:\n%s\n---\n%s", first, again)
			}
			if !bytes.HasSuffix(first, []byte("}\n")) {
				t.Errorf("encoding does not end in a newline")
			}
		})
	}
}

func TestEncodeDoesNotChangeItsInput(t *testing.T) {
	b := storetest.Generate(4, 20, 5, 60)
	// Shuffle into a non-canonical order: Encode must sort a copy.
	b.Stakeholders[0], b.Stakeholders[1] = b.Stakeholders[1], b.Stakeholders[0]
	first := b.Stakeholders[0].ID
	encode(t, b)
	if b.Stakeholders[0].ID != first {
		t.Fatalf("Encode reordered its input: first stakeholder %q, was %q", b.Stakeholders[0].ID, first)
	}
}

func TestEncodeIsCanonicalAndUnescaped(t *testing.T) {
	b := &graph.Bundle{
		Workspace:    graph.Workspace{ID: "w", Name: "R&D <Zuid>"},
		Stakeholders: []graph.Stakeholder{{ID: "b", Name: "Zoë", Level: "board", Influence: 5, Interest: 5}, {ID: "a", Name: "A & B", Level: "employee", Influence: 1, Interest: 1}},
		Influences:   []graph.Influence{{From: "b", To: "a", Strength: 0.25}, {From: "a", To: "b", Strength: 1}},
	}
	got := string(encode(t, b))
	want := `{
  "format": "stakemap/v1",
  "workspace": {
    "id": "w",
    "name": "R&D <Zuid>",
    "language": "nl"
  },
  "stakeholders": [
    {
      "id": "a",
      "name": "A & B",
      "kind": "person",
      "level": "employee",
      "influence": 1,
      "interest": 1,
      "attitude": "unknown"
    },
    {
      "id": "b",
      "name": "Zoë",
      "kind": "person",
      "level": "board",
      "influence": 5,
      "interest": 5,
      "attitude": "unknown"
    }
  ],
  "trajectories": [],
  "goals": [],
  "enablers": [],
  "stakes": [],
  "influences": [
    {
      "from": "a",
      "to": "b",
      "strength": 1
    },
    {
      "from": "b",
      "to": "a",
      "strength": 0.25
    }
  ],
  "reportsTo": [],
  "supports": [],
  "dependsOn": [],
  "engagements": []
}
`
	if got != want {
		t.Fatalf("Encode:\n%s\nwant:\n%s", got, want)
	}
}

func TestSpreadsheetRoundTrip(t *testing.T) {
	for name, b := range generated(t) {
		want := encode(t, b)
		t.Run(name+"/xlsx", func(t *testing.T) {
			var buf bytes.Buffer
			if err := bundle.WriteXLSX(&buf, b); err != nil {
				t.Fatalf("WriteXLSX: %v", err)
			}
			got, err := bundle.ReadXLSX(&buf, bundle.Options{})
			if err != nil {
				t.Fatalf("ReadXLSX: %v", err)
			}
			if g := encode(t, got); !bytes.Equal(g, want) {
				t.Fatalf("xlsx round trip differs:\n%s", diffLines(want, g))
			}
		})
		t.Run(name+"/csv", func(t *testing.T) {
			dir := t.TempDir()
			if err := bundle.WriteCSV(dir, b); err != nil {
				t.Fatalf("WriteCSV: %v", err)
			}
			got, err := bundle.ReadPath(dir, bundle.Options{})
			if err != nil {
				t.Fatalf("ReadPath: %v", err)
			}
			if g := encode(t, got); !bytes.Equal(g, want) {
				t.Fatalf("csv round trip differs:\n%s", diffLines(want, g))
			}
		})
	}
}

// diffLines shows the first differing line of two encodings.
func diffLines(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := range min(len(w), len(g)) {
		if !bytes.Equal(w[i], g[i]) {
			return "line " + itoa(i+1) + ":\nwant " + string(w[i]) + "\ngot  " + string(g[i])
		}
	}
	return "lengths differ: want " + itoa(len(w)) + " lines, got " + itoa(len(g))
}

func itoa(i int) string { return strconv.Itoa(i) }
