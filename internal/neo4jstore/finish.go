package neo4jstore

// The parts of the analyses that Cypher without plugins cannot express
// exactly. Cypher fetches the subgraph (see cypher.go) and Go finishes:
// elementary cycles, the k best simple paths (with the design's rounding
// and tie-break rules) and betweenness centrality by the same code the
// embedded backend runs, in internal/analysis, on the fetched network, so
// that both backends break ties identically and stop at the same bounds
// by construction.

import (
	"context"
	"math"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// edge is one directed edge of a fetched subgraph.
type edge struct {
	from, to string
	strength float64
}

// round6 rounds to 6 decimal places, as every strength and score is before
// it is compared or shown.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// cycleFindings turns the dependencies that lie on a cycle into one
// dependency-cycle finding per elementary cycle, with the cycle search the
// embedded backend runs (bounded the same way: analysis.MaxCycles).
func cycleFindings(ctx context.Context, edges []edge) ([]graph.Finding, error) {
	pairs := make([][2]string, len(edges))
	for i, e := range edges {
		pairs[i] = [2]string{e.from, e.to}
	}
	cycles, err := analysis.Cycles(ctx, pairs)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Finding, len(cycles))
	for i, cyc := range cycles {
		out[i] = graph.Finding{Code: graph.CodeDependencyCycle, Subject: cyc[0], Related: cyc}
	}
	return out, nil
}
