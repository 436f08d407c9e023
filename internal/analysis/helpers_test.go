package analysis_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/stakemap/stakemap/graph"
)

// ip returns a pointer to v, for the optional stake values.
func ip(v int) *int { return &v }

// person returns a stakeholder with the given influence and interest.
func person(id string, influence, interest int) graph.Stakeholder {
	return graph.Stakeholder{ID: id, Name: "Name " + id, Kind: "person", Level: "management",
		Influence: influence, Interest: interest, Attitude: "neutral"}
}

// bundleOf returns a valid empty workspace bundle with the given parts filled
// in by fill.
func bundleOf(fill func(b *graph.Bundle)) *graph.Bundle {
	b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: "ws", Name: "WS", Language: graph.LangEN}}
	fill(b)
	b.ApplyDefaults()
	b.Canonicalize()
	return b
}

// randomNetwork builds a small random influence network: n stakeholders
// with ids chosen so that their order differs from their creation order,
// influences with strengths from a small set (so products tie) and a few
// ReportsTo lines.
func randomNetwork(r *rand.Rand, n int, density float64) *graph.Bundle {
	strengths := []float64{0.5, 0.25, 1}
	return bundleOf(func(b *graph.Bundle) {
		ids := make([]string, n)
		for i := range n {
			ids[i] = fmt.Sprintf("%c%d", 'a'+rune(r.IntN(26)), i)
			b.Stakeholders = append(b.Stakeholders, person(ids[i], 3, 3))
		}
		for i := range n {
			for j := range n {
				if i == j {
					continue
				}
				if r.Float64() < density {
					b.Influences = append(b.Influences, graph.Influence{From: ids[i], To: ids[j], Strength: strengths[r.IntN(len(strengths))]})
				}
				if r.Float64() < density/4 {
					b.ReportsTo = append(b.ReportsTo, graph.ReportsTo{From: ids[i], To: ids[j]})
				}
			}
		}
	})
}
