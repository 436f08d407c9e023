package neo4jstore

// The parts of the analyses that Cypher without plugins cannot express
// exactly. Cypher fetches the subgraph (see cypher.go) and Go finishes:
// elementary cycles here; the k best simple paths (with the design's
// rounding and tie-break rules) and betweenness centrality by the same code
// the embedded backend runs, in internal/analysis, on the fetched network,
// so that both backends break ties identically by construction.

import (
	"math"
	"slices"
)

// edge is one directed edge of a fetched subgraph.
type edge struct {
	from, to string
	strength float64
}

// round6 rounds to 6 decimal places, as every strength and score is before
// it is compared or shown.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// numbering gives the ids of a subgraph numbers in id order, so that
// comparing numbers compares ids.
type numbering struct {
	ids []string
	num map[string]int
}

func newNumbering(ids []string) numbering {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	num := make(map[string]int, len(ids))
	for i, id := range ids {
		num[id] = i
	}
	return numbering{ids: ids, num: num}
}

// elementaryCycles lists every elementary cycle of a directed graph, each
// starting at its smallest id and following the edges. For each start s it
// walks simple paths inside the strongly connected part of s among the ids
// ≥ s, so a walk only enters nodes that lie on a cycle through s.
func elementaryCycles(edges []edge) [][]string {
	var all []string
	for _, e := range edges {
		all = append(all, e.from, e.to)
	}
	nb := newNumbering(all)
	n := len(nb.ids)
	adj := make([][]int, n)
	radj := make([][]int, n)
	for _, e := range edges {
		f, t := nb.num[e.from], nb.num[e.to]
		adj[f] = append(adj[f], t)
		radj[t] = append(radj[t], f)
	}
	for v := range n {
		slices.Sort(adj[v])
		adj[v] = slices.Compact(adj[v])
	}
	reach := func(s int, next [][]int) []bool {
		seen := make([]bool, n)
		seen[s] = true
		queue := []int{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, w := range next[v] {
				if w >= s && !seen[w] {
					seen[w] = true
					queue = append(queue, w)
				}
			}
		}
		return seen
	}
	var out [][]string
	for s := range n {
		fwd, back := reach(s, adj), reach(s, radj)
		onPath := make([]bool, n)
		var stack []int
		var walk func(v int)
		walk = func(v int) {
			stack = append(stack, v)
			onPath[v] = true
			for _, w := range adj[v] {
				switch {
				case w == s:
					cyc := make([]string, len(stack))
					for i, x := range stack {
						cyc[i] = nb.ids[x]
					}
					out = append(out, cyc)
				case w > s && fwd[w] && back[w] && !onPath[w]:
					walk(w)
				}
			}
			onPath[v] = false
			stack = stack[:len(stack)-1]
		}
		walk(s)
	}
	return out
}
