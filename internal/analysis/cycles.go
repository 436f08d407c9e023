package analysis

import (
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// DependencyCycles returns every elementary cycle of the bundle's
// DependsOn relationships, each starting at its smallest id and following
// the edges, in the order the dependency-cycle findings list them. It runs
// in time linear in the graph when there is no cycle, so that a backend
// can hand its dependencies to Go rather than search paths itself.
func DependencyCycles(b *graph.Bundle) [][]string {
	cycles := slices.Clone(prepare(b).dependencyCycles())
	slices.SortFunc(cycles, slices.Compare)
	return cycles
}

// dependencyCycles returns every elementary cycle of the DependsOn graph,
// each starting at its smallest id and following the edges, computed once
// per index.
func (ix *index) dependencyCycles() [][]string {
	ix.cyclesOnce.Do(func() {
		ids := make([]string, 0, len(ix.dependsOn))
		for from, ons := range ix.dependsOn {
			ids = append(ids, from)
			ids = append(ids, ons...)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		num := make(map[string]int, len(ids))
		for i, id := range ids {
			num[id] = i
		}
		adj := make([][]int, len(ids))
		for from, ons := range ix.dependsOn {
			for _, on := range ons {
				adj[num[from]] = append(adj[num[from]], num[on])
			}
		}
		for _, a := range adj {
			slices.Sort(a)
		}
		for _, c := range elementaryCycles(adj) {
			cyc := make([]string, len(c))
			for i, v := range c {
				cyc[i] = ids[v]
			}
			ix.cycles = append(ix.cycles, cyc)
		}
	})
	return ix.cycles
}

// elementaryCycles lists the elementary cycles of a directed graph with
// Johnson's algorithm ("Finding all the elementary circuits of a directed
// graph", 1975). Each cycle starts at its smallest node. Nodes outside any
// strongly connected component with a cycle are skipped up front, so an
// acyclic graph costs one pass of Tarjan's algorithm.
func elementaryCycles(adj [][]int) [][]int {
	n := len(adj)
	var out [][]int
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
			found := false
			stack = append(stack, v)
			blocked[v] = true
			for _, w := range adj[v] {
				if !member(w) {
					continue
				}
				if w == s {
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
	}
	return out
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
