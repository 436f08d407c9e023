package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// MaxCycles bounds the dependency cycles the findings list, one finding
// each, and MaxCycleSteps the ids in all of them together. A dense
// dependency graph can have millions of elementary cycles: nobody reads
// that many findings, and listing them would hold the service for minutes
// and fill its memory.
const (
	MaxCycles     = 1000
	MaxCycleSteps = 100_000
)

// DependencyCycles returns every elementary cycle of the bundle's
// DependsOn relationships, each starting at its smallest id and following
// the edges, in the order the dependency-cycle findings list them. It runs
// in time linear in the graph when there is no cycle, so that a backend
// can hand its dependencies to Go rather than search paths itself. More
// than MaxCycles cycles, or MaxCycleSteps steps in them, give ErrInvalid
// naming dependsOn; the search stops when ctx ends.
func DependencyCycles(ctx context.Context, b *graph.Bundle) ([][]string, error) {
	cycles, err := prepare(b).dependencyCycles(ctx)
	if err != nil {
		return nil, err
	}
	cycles = slices.Clone(cycles)
	slices.SortFunc(cycles, slices.Compare)
	return cycles, nil
}

// dependencyCycles returns every elementary cycle of the DependsOn graph,
// each starting at its smallest id and following the edges, computed once
// per index.
func (ix *index) dependencyCycles(ctx context.Context) ([][]string, error) {
	return ix.cycles.get(ctx, func(ctx context.Context) ([][]string, error) {
		var edges [][2]string
		for from, ons := range ix.dependsOn {
			for _, on := range ons {
				edges = append(edges, [2]string{from, on})
			}
		}
		return cyclesOf(ctx, edges)
	})
}

// cyclesOf lists every elementary cycle of the directed graph with the
// given edges (from, to), each starting at its smallest id and following
// the edges.
func cyclesOf(ctx context.Context, edges [][2]string) ([][]string, error) {
	ids := make([]string, 0, 2*len(edges))
	for _, e := range edges {
		ids = append(ids, e[0], e[1])
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	num := make(map[string]int, len(ids))
	for i, id := range ids {
		num[id] = i
	}
	adj := make([][]int, len(ids))
	for _, e := range edges {
		adj[num[e[0]]] = append(adj[num[e[0]]], num[e[1]])
	}
	for v := range adj {
		slices.Sort(adj[v])
		adj[v] = slices.Compact(adj[v])
	}
	cycles, err := elementaryCycles(ctx, adj, MaxCycles, MaxCycleSteps)
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(cycles))
	for i, c := range cycles {
		out[i] = make([]string, len(c))
		for j, v := range c {
			out[i][j] = ids[v]
		}
	}
	return out, nil
}

// errTooManyCycles is the error for more cycles than the findings list.
func errTooManyCycles(count, steps int) error {
	return fmt.Errorf("dependency cycles: %w", graph.Invalid([]graph.Problem{{
		Field: "dependsOn", Value: fmt.Sprintf("more than %d cycles or %d steps in cycles", count, steps),
		Reason: "the dependencies go round in circles in too many ways to list each one: remove the dependencies that point back",
	}}))
}

// elementaryCycles lists the elementary cycles of a directed graph with
// Johnson's algorithm ("Finding all the elementary circuits of a directed
// graph", 1975). Each cycle starts at its smallest node. Nodes outside any
// strongly connected component with a cycle are skipped up front, so an
// acyclic graph costs one pass of Tarjan's algorithm. Johnson's algorithm
// spends at most linear time between two cycles, so stopping after limit
// cycles bounds its time too. It stops with an error after maxCycles
// cycles or maxSteps nodes in all cycles together, and when ctx ends.
func elementaryCycles(ctx context.Context, adj [][]int, maxCycles, maxSteps int) ([][]int, error) {
	n := len(adj)
	var out [][]int
	var stop error // set once the search must end
	calls, total := 0, 0
	comp := scc(adj, func(int) bool { return true })
	size := make([]int, n)
	for _, c := range comp {
		size[c]++
	}
	cyclic := make([]bool, n) // node lies in a component that holds a cycle
	for v := range n {
		if size[comp[v]] > 1 || slices.Contains(adj[v], v) {
			cyclic[v] = true
		}
	}

	blocked := make([]bool, n)
	bset := make([][]int, n)
	var stack []int
	for s := range n {
		if !cyclic[s] {
			continue
		}
		// Each start costs a pass over its component even when it has few
		// cycles (a long ring has one).
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// The component of s in the subgraph of nodes ≥ s.
		in := func(v int) bool { return v >= s && cyclic[v] && comp[v] == comp[s] }
		sub := scc(adj, in)
		member := func(v int) bool { return in(v) && sub[v] == sub[s] }
		if !member(s) {
			continue
		}
		for v := s; v < n; v++ {
			if member(v) {
				blocked[v] = false
				bset[v] = bset[v][:0]
			}
		}
		var unblock func(u int)
		unblock = func(u int) {
			blocked[u] = false
			for len(bset[u]) > 0 {
				w := bset[u][len(bset[u])-1]
				bset[u] = bset[u][:len(bset[u])-1]
				if blocked[w] {
					unblock(w)
				}
			}
		}
		var circuit func(v int) bool
		circuit = func(v int) bool {
			if calls++; calls%checkEvery == 0 && stop == nil {
				stop = ctx.Err()
			}
			found := false
			stack = append(stack, v)
			blocked[v] = true
			for _, w := range adj[v] {
				if stop != nil {
					break
				}
				if !member(w) {
					continue
				}
				if w == s {
					if len(out) == maxCycles || total+len(stack) > maxSteps {
						stop = errTooManyCycles(maxCycles, maxSteps)
						break
					}
					total += len(stack)
					out = append(out, slices.Clone(stack))
					found = true
				} else if !blocked[w] && circuit(w) {
					found = true
				}
			}
			if found {
				unblock(v)
			} else {
				for _, w := range adj[v] {
					if member(w) && !slices.Contains(bset[w], v) {
						bset[w] = append(bset[w], v)
					}
				}
			}
			stack = stack[:len(stack)-1]
			return found
		}
		circuit(s)
		if stop != nil {
			return nil, stop
		}
	}
	return out, nil
}

// scc numbers the strongly connected components of the subgraph of nodes
// for which keep holds (Tarjan's algorithm, iterative so deep graphs cannot
// overflow the stack). Nodes outside the subgraph get -1.
func scc(adj [][]int, keep func(int) bool) []int {
	n := len(adj)
	comp := make([]int, n)
	low := make([]int, n)
	order := make([]int, n)
	onStack := make([]bool, n)
	for i := range comp {
		comp[i] = -1
		order[i] = -1
	}
	var stack []int
	type frame struct{ v, next int }
	counter, ncomp := 0, 0
	for root := range n {
		if !keep(root) || order[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		order[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.next < len(adj[v]) {
				w := adj[v][f.next]
				f.next++
				if !keep(w) {
					continue
				}
				if order[w] < 0 {
					order[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[v] = min(low[v], order[w])
				}
				continue
			}
			if low[v] == order[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == v {
						break
					}
				}
				ncomp++
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
		}
	}
	return comp
}
