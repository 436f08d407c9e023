package analysis_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
)

func TestGrid(t *testing.T) {
	b := bundleOf(func(b *graph.Bundle) {
		b.Stakeholders = []graph.Stakeholder{person("hh", 5, 5), person("hl", 4, 1), person("lh", 2, 4), person("ll", 1, 1), person("zz", 3, 3)}
		b.Trajectories = []graph.Trajectory{{ID: "t1", Name: "T1", Status: "running"}, {ID: "t2", Name: "T2", Status: "idea"}}
		b.Stakes = []graph.Stake{
			// ll: two stakes, placed by the highest influence of one and
			// the highest interest of the other.
			{Stakeholder: "ll", Trajectory: "t1", Role: "sponsor", Influence: ip(5)},
			{Stakeholder: "ll", Trajectory: "t1", Role: "learner", Interest: ip(4)},
			{Stakeholder: "hh", Trajectory: "t1", Role: "owner", Influence: ip(2), Interest: ip(2)},
			{Stakeholder: "zz", Trajectory: "t1", Role: "expert"},
		}
	})
	tests := []struct {
		name       string
		trajectory string
		high       int
		want       string
	}{
		{"OK/workspace", "", 0, `{"quadrants":{"keep-informed":["lh"],"keep-satisfied":["hl"],"manage-closely":["hh"],"monitor":["ll","zz"]}}`},
		{"OK/workspace high 3", "", 3, `{"quadrants":{"keep-informed":["lh"],"keep-satisfied":["hl"],"manage-closely":["hh","zz"],"monitor":["ll"]}}`},
		{"OK/trajectory", "t1", 0, `{"quadrants":{"keep-informed":[],"keep-satisfied":[],"manage-closely":["ll"],"monitor":["hh","zz"]}}`},
		{"OK/empty trajectory", "t2", 0, `{"quadrants":{"keep-informed":[],"keep-satisfied":[],"manage-closely":[],"monitor":[]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := analysis.Grid(b, tt.trajectory, tt.high)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := json.Marshal(g)
			if string(doc) != tt.want {
				t.Errorf("got  %s\nwant %s", doc, tt.want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"nope", "hh"} {
			if _, err := analysis.Grid(b, id, 0); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("%s: got %v, want ErrNotFound", id, err)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := analysis.Grid(b, "", 6); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

// TestGridSnapshotAgrees checks that the grid read straight from a bundle
// and the one from a prepared snapshot agree on a generated workspace.
func TestGridSnapshotAgrees(t *testing.T) {
	b := storetest.Generate(3, 300, 40, 3000)
	s := analysis.Prepare(b)
	for _, tr := range append([]graph.Trajectory{{}}, b.Trajectories...) {
		for _, high := range []int{0, 2, 5} {
			direct, err1 := analysis.Grid(b, tr.ID, high)
			prepared, err2 := s.Grid(tr.ID, high)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !reflect.DeepEqual(direct, prepared) {
				t.Fatalf("trajectory %q, high %d: %v != %v", tr.ID, high, direct, prepared)
			}
		}
	}
}
