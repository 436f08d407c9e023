package analysis_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// brutePaths enumerates every simple path with at most maxHops edges and
// sorts them by the query's key: the definition, written as plainly as
// possible.
func brutePaths(b *graph.Bundle, q graph.PathQuery) []graph.Path {
	edges := map[[2]string]float64{}
	put := func(from, to string, s float64) {
		if s > edges[[2]string{from, to}] {
			edges[[2]string{from, to}] = s
		}
	}
	for _, in := range b.Influences {
		put(in.From, in.To, in.Strength)
	}
	for _, r := range b.ReportsTo {
		put(r.From, r.To, q.HierarchyStrength)
		put(r.To, r.From, q.HierarchyStrength)
	}
	var all []graph.Path
	var walk func(nodes []string, prod float64)
	walk = func(nodes []string, prod float64) {
		last := nodes[len(nodes)-1]
		if last == q.To {
			all = append(all, graph.Path{Nodes: slices.Clone(nodes), Hops: len(nodes) - 1, Strength: math.Round(prod*1e6) / 1e6})
			return
		}
		if len(nodes)-1 == q.MaxHops {
			return
		}
		for _, s := range b.Stakeholders {
			st, ok := edges[[2]string{last, s.ID}]
			if ok && !slices.Contains(nodes, s.ID) {
				walk(append(nodes, s.ID), prod*st)
			}
		}
	}
	walk([]string{q.From}, 1)
	slices.SortFunc(all, func(x, y graph.Path) int {
		byStrength := cmp.Compare(y.Strength, x.Strength)
		byHops := cmp.Compare(x.Hops, y.Hops)
		if q.Mode == graph.ModeShortest {
			return cmp.Or(byHops, byStrength, slices.Compare(x.Nodes, y.Nodes))
		}
		return cmp.Or(byStrength, byHops, slices.Compare(x.Nodes, y.Nodes))
	})
	if len(all) > q.K {
		all = all[:q.K]
	}
	if all == nil {
		all = []graph.Path{}
	}
	return all
}

func TestPathsMatchBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	runs := 10000
	if testing.Short() {
		runs = 500
	}
	for run := range runs {
		n := 2 + r.IntN(7)
		b := randomNetwork(r, n, 0.15+r.Float64()*0.5)
		q := graph.PathQuery{
			From:              b.Stakeholders[r.IntN(n)].ID,
			To:                b.Stakeholders[r.IntN(n)].ID,
			Mode:              []string{graph.ModeShortest, graph.ModeStrongest}[r.IntN(2)],
			K:                 1 + r.IntN(4),
			MaxHops:           1 + r.IntN(5),
			HierarchyStrength: []float64{0.5, 0.25, 1, 0.3}[r.IntN(4)],
		}
		if q.From == q.To {
			continue
		}
		got, err := analysis.Paths(t.Context(), b, q)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		want := brutePaths(b, q)
		if !reflect.DeepEqual(got, want) {
			doc, _ := json.Marshal(b)
			t.Fatalf("run %d: query %+v\nbundle %s\ngot  %v\nwant %v", run, q, doc, got, want)
		}
	}
}

// TestPathsRandomStrengths checks the search against the definition with
// strengths from a continuous range, where rounding to 6 decimals decides
// ties that the exact products would not.
func TestPathsRandomStrengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for run := range 1000 {
		n := 3 + r.IntN(5)
		b := randomNetwork(r, n, 0.5)
		for i := range b.Influences {
			b.Influences[i].Strength = []float64{0.999999, 0.9999995, 0.1, 0.3333333, 0.7}[r.IntN(5)]
		}
		q := graph.PathQuery{From: b.Stakeholders[0].ID, To: b.Stakeholders[n-1].ID,
			Mode: []string{graph.ModeShortest, graph.ModeStrongest}[r.IntN(2)], K: 1 + r.IntN(4), MaxHops: 1 + r.IntN(5), HierarchyStrength: 0.5}
		got, err := analysis.Paths(t.Context(), b, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := brutePaths(b, q); !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d: query %+v\ngot  %v\nwant %v", run, q, got, want)
		}
	}
}

func TestPaths(t *testing.T) {
	b := bundleOf(func(b *graph.Bundle) {
		for _, id := range []string{"ld", "hr", "cfo", "ceo", "pa"} {
			b.Stakeholders = append(b.Stakeholders, person(id, 3, 3))
		}
		b.Influences = []graph.Influence{
			{From: "ld", To: "hr", Strength: 0.9},
			{From: "hr", To: "cfo", Strength: 0.5},
			{From: "ld", To: "pa", Strength: 0.8},
			{From: "pa", To: "ceo", Strength: 0.9},
			{From: "hr", To: "ceo", Strength: 0.1}, // weaker than the ReportsTo edge below
		}
		b.ReportsTo = []graph.ReportsTo{{From: "cfo", To: "ceo"}, {From: "hr", To: "ceo"}}
	})
	tests := []struct {
		name string
		q    graph.PathQuery
		want string
	}{
		{"OK/strongest", graph.PathQuery{From: "ld", To: "cfo", K: 2},
			`[{"nodes":["ld","hr","cfo"],"hops":2,"strength":0.45},{"nodes":["ld","pa","ceo","cfo"],"hops":3,"strength":0.36}]`},
		{"OK/shortest", graph.PathQuery{From: "ld", To: "ceo", Mode: "shortest", K: 3},
			`[{"nodes":["ld","pa","ceo"],"hops":2,"strength":0.72},{"nodes":["ld","hr","ceo"],"hops":2,"strength":0.45},{"nodes":["ld","hr","cfo","ceo"],"hops":3,"strength":0.225}]`},
		{"OK/hierarchyStrength", graph.PathQuery{From: "ld", To: "ceo", Mode: "shortest", K: 1, HierarchyStrength: 0.05},
			`[{"nodes":["ld","pa","ceo"],"hops":2,"strength":0.72}]`},
		{"OK/maxHops", graph.PathQuery{From: "ld", To: "cfo", MaxHops: 1}, `[]`},
		{"OK/noPath", graph.PathQuery{From: "cfo", To: "ld"}, `[]`},
		{"OK/self", graph.PathQuery{From: "hr", To: "hr", K: 3}, `[{"nodes":["hr"],"hops":0,"strength":1}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := analysis.Paths(t.Context(), b, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := json.Marshal(got)
			if string(doc) != tt.want {
				t.Errorf("got  %s\nwant %s", doc, tt.want)
			}
		})
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		for _, q := range []graph.PathQuery{{From: "nobody", To: "ceo"}, {From: "ld", To: "nobody"}} {
			if _, err := analysis.Paths(t.Context(), b, q); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("%+v: got %v, want ErrNotFound", q, err)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []graph.PathQuery{{From: "ld", To: "ceo", Mode: "fastest"}, {From: "ld", To: "ceo", K: -1}, {From: "ld", To: "ceo", MaxHops: 99}} {
			if _, err := analysis.Paths(t.Context(), b, q); !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("%+v: got %v, want ErrInvalid", q, err)
			}
		}
	})
}

// TestPathsLargerGraphs runs the comparison on sparser graphs of 10 to 30
// stakeholders, where more alternatives and deeper searches occur.
func TestPathsLargerGraphs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	runs := 300
	if testing.Short() {
		runs = 50
	}
	for run := range runs {
		n := 10 + r.IntN(21)
		b := randomNetwork(r, n, (1.5+2*r.Float64())/float64(n))
		q := graph.PathQuery{From: b.Stakeholders[r.IntN(n)].ID, To: b.Stakeholders[r.IntN(n)].ID,
			Mode: []string{graph.ModeShortest, graph.ModeStrongest}[r.IntN(2)], K: 1 + r.IntN(6), MaxHops: 1 + r.IntN(7), HierarchyStrength: 0.5}
		if q.From == q.To {
			continue
		}
		got, err := analysis.Paths(t.Context(), b, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := brutePaths(b, q); !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d: query %+v\ngot  %v\nwant %v", run, q, got, want)
		}
	}
}
