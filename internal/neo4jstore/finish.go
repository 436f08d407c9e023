package neo4jstore

// The parts of the analyses that Cypher without plugins cannot express
// exactly. Cypher fetches the subgraph (see cypher.go) and Go finishes:
// the elementary cycles of dependencies, the k best simple paths (with the
// design's rounding and tie-break rules) and betweenness centrality, by
// the same code the embedded backend runs, in internal/analysis, on the
// fetched subgraph, so that both backends break ties identically and stop
// at the same bounds by construction.

import (
	"math"
)

// edge is one directed edge of a fetched subgraph.
type edge struct {
	from, to string
	strength float64
}

// round6 rounds to 6 decimal places, as every strength and score is before
// it is compared or shown.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
