package bundle_test

import (
	"bytes"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
)

// FuzzDecode checks that Decode never panics, refuses with a validation
// error only, and that whatever it accepts encodes, decodes again and
// encodes to the same bytes. The seed corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(doc()))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Decode failed with %T, not a validation error: %v", err, err)
			}
			return
		}
		roundTrip(t, b)
	})
}

// roundTrip asserts that an accepted bundle survives encoding.
func roundTrip(t *testing.T, b *graph.Bundle) {
	t.Helper()
	first := encode(t, b)
	again, err := bundle.Decode(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("the encoding of an accepted bundle is refused: %v\n%s", err, first)
	}
	if second := encode(t, again); !bytes.Equal(first, second) {
		t.Fatalf("encode → decode → encode differs:\n%s", diffLines(first, second))
	}
}

// FuzzReadCSV checks the CSV reader the same way, with fuzzed
// stakeholders.csv and engagements.csv beside a valid workspace and
// trajectory. The seed corpus is in testdata/fuzz/FuzzReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("id;naam;niveau;invloed;belang\na;A;bestuur;5;4\n"), []byte("id,datum,met,over\ne,12-9-2026,a,t\n"))
	f.Fuzz(func(t *testing.T, stakeholders, engagements []byte) {
		fsys := fstest.MapFS{
			"workspace.csv":    {Data: []byte("id,name\nw,W\n")},
			"trajectories.csv": {Data: []byte("id,name\nt,T\n")},
			"stakeholders.csv": {Data: stakeholders},
			"engagements.csv":  {Data: engagements},
		}
		b, err := bundle.ReadCSVFS(fsys, bundle.Options{})
		if err != nil {
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("ReadCSVFS failed with %T, not a validation error: %v", err, err)
			}
			return
		}
		roundTrip(t, b)
	})
}
