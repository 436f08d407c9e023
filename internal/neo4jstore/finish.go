package neo4jstore

// The parts of the analyses that Cypher without plugins cannot express
// exactly: elementary cycles, the k best simple paths under the design's
// rounding and tie-break rules, and betweenness centrality. Cypher fetches
// the subgraph (see cypher.go); these pure functions finish the work.

import (
	"container/heap"
	"math"
	"slices"
	"strings"

	"github.com/stakemap/stakemap/graph"
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

// pathItem is a simple path under construction, with the key that orders
// the search.
type pathItem struct {
	nodes    []int
	product  float64 // product of the strengths so far, unrounded
	strength float64 // rounded bound on the strength of any completion
	hops     int     // bound on the hops of any completion
	done     bool    // the path ends at the target
}

// pathQueue is a heap of partial paths, best first.
type pathQueue struct {
	items []*pathItem
	less  func(a, b *pathItem) bool
}

func (q *pathQueue) Len() int           { return len(q.items) }
func (q *pathQueue) Less(i, j int) bool { return q.less(q.items[i], q.items[j]) }
func (q *pathQueue) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *pathQueue) Push(x any)         { q.items = append(q.items, x.(*pathItem)) }
func (q *pathQueue) Pop() any {
	it := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return it
}

// bestPaths returns the q.K best simple paths from q.From to q.To of at
// most q.MaxHops edges in the network, ordered as the design says:
// strongest — higher rounded strength, then fewer hops, then the sequence
// of ids; shortest — fewer hops, then higher strength, then the sequence.
// q must be normalised and both ends must be stakeholders.
//
// The search is best-first over partial paths. Each partial path is keyed
// by bounds that no completion can beat: the strength of the best
// continuation to the target (strengths are at most 1, so products only
// shrink), the hop distance to the target, and its id sequence (a prefix
// sorts before its extensions). Keys therefore never improve along a path,
// so complete paths leave the queue in exactly the required order.
func bestPaths(edges []edge, q graph.PathQuery) []graph.Path {
	if q.From == q.To {
		return []graph.Path{{Nodes: []string{q.From}, Hops: 0, Strength: 1}}
	}
	all := []string{q.From, q.To}
	for _, e := range edges {
		all = append(all, e.from, e.to)
	}
	nb := newNumbering(all)
	n := len(nb.ids)
	type arc struct {
		to       int
		strength float64
	}
	out := make([][]arc, n)
	in := make([][]arc, n) // reversed: arc.to is the source
	for _, e := range edges {
		f, t := nb.num[e.from], nb.num[e.to]
		if f == t || !(e.strength > 0) {
			continue
		}
		out[f] = append(out[f], arc{t, e.strength})
	}
	for v := range n {
		// One edge per ordered pair: the strongest.
		slices.SortFunc(out[v], func(a, b arc) int {
			if a.to != b.to {
				return a.to - b.to
			}
			switch {
			case a.strength > b.strength:
				return -1
			case a.strength < b.strength:
				return 1
			}
			return 0
		})
		out[v] = slices.CompactFunc(out[v], func(a, b arc) bool { return a.to == b.to })
		for _, a := range out[v] {
			in[a.to] = append(in[a.to], arc{v, a.strength})
		}
	}
	src, dst := nb.num[q.From], nb.num[q.To]

	// dist: fewest hops to the target; best: strongest product to the
	// target (Dijkstra: multiplying by strengths ≤ 1 never increases).
	const unreachable = math.MaxInt
	dist := make([]int, n)
	for i := range dist {
		dist[i] = unreachable
	}
	dist[dst] = 0
	queue := []int{dst}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, a := range in[v] {
			if dist[a.to] == unreachable {
				dist[a.to] = dist[v] + 1
				queue = append(queue, a.to)
			}
		}
	}
	best := make([]float64, n)
	best[dst] = 1
	final := make([]bool, n)
	for {
		v := -1
		for u := range n {
			if !final[u] && best[u] > 0 && (v < 0 || best[u] > best[v]) {
				v = u
			}
		}
		if v < 0 {
			break
		}
		final[v] = true
		for _, a := range in[v] {
			if s := best[v] * a.strength; s > best[a.to] {
				best[a.to] = s
			}
		}
	}

	less := func(a, b *pathItem) bool {
		if q.Mode == graph.ModeShortest {
			if a.hops != b.hops {
				return a.hops < b.hops
			}
			if a.strength != b.strength {
				return a.strength > b.strength
			}
		} else {
			if a.strength != b.strength {
				return a.strength > b.strength
			}
			if a.hops != b.hops {
				return a.hops < b.hops
			}
		}
		return slices.Compare(a.nodes, b.nodes) < 0
	}
	// bound keys a path ending at v: exact for a complete path, an upper
	// bound (with a margin for float rounding) for a partial one.
	item := func(nodes []int, product float64) *pathItem {
		v := nodes[len(nodes)-1]
		it := &pathItem{nodes: nodes, product: product, hops: len(nodes) - 1 + dist[v]}
		if v == dst {
			it.done = true
			it.strength = round6(product)
		} else {
			it.strength = round6(product * best[v] * (1 + 1e-9))
		}
		return it
	}
	pq := &pathQueue{less: less}
	if dist[src] <= q.MaxHops {
		heap.Push(pq, item([]int{src}, 1))
	}
	var paths []graph.Path
	for pq.Len() > 0 && len(paths) < q.K {
		it := heap.Pop(pq).(*pathItem)
		if it.done {
			p := graph.Path{Nodes: make([]string, len(it.nodes)), Hops: len(it.nodes) - 1, Strength: round6(it.product)}
			for i, v := range it.nodes {
				p.Nodes[i] = nb.ids[v]
			}
			paths = append(paths, p)
			continue
		}
		v := it.nodes[len(it.nodes)-1]
		hops := len(it.nodes) - 1
		for _, a := range out[v] {
			if dist[a.to] == unreachable || hops+1+dist[a.to] > q.MaxHops || slices.Contains(it.nodes, a.to) {
				continue
			}
			nodes := append(slices.Clip(it.nodes), a.to)
			heap.Push(pq, item(nodes, it.product*a.strength))
		}
	}
	if paths == nil {
		paths = []graph.Path{}
	}
	return paths
}

// betweenness computes the betweenness centrality of every node of a
// directed, unweighted graph (Brandes' algorithm, not normalised): for each
// ordered pair s≠t, every node strictly between gets the fraction of the
// shortest s→t paths that pass through it. targets maps each node to the
// nodes it has an edge to; ids lists every node.
func betweenness(ids []string, targets map[string][]string) map[string]float64 {
	nb := newNumbering(ids)
	n := len(nb.ids)
	adj := make([][]int, n)
	for from, tos := range targets {
		f, ok := nb.num[from]
		if !ok {
			continue
		}
		for _, to := range tos {
			if t, ok := nb.num[to]; ok && t != f {
				adj[f] = append(adj[f], t)
			}
		}
	}
	for v := range n {
		slices.Sort(adj[v])
		adj[v] = slices.Compact(adj[v])
	}
	score := make([]float64, n)
	sigma := make([]float64, n)
	depth := make([]int, n)
	delta := make([]float64, n)
	preds := make([][]int, n)
	for s := range n {
		for v := range n {
			sigma[v], depth[v], delta[v] = 0, -1, 0
			preds[v] = preds[v][:0]
		}
		sigma[s], depth[s] = 1, 0
		order := []int{s}
		for i := 0; i < len(order); i++ {
			v := order[i]
			for _, w := range adj[v] {
				if depth[w] < 0 {
					depth[w] = depth[v] + 1
					order = append(order, w)
				}
				if depth[w] == depth[v]+1 {
					sigma[w] += sigma[v]
					preds[w] = append(preds[w], v)
				}
			}
		}
		for i := len(order) - 1; i > 0; i-- {
			w := order[i]
			for _, v := range preds[w] {
				delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
			}
			score[w] += delta[w]
		}
	}
	out := make(map[string]float64, n)
	for v, id := range nb.ids {
		out[id] = score[v]
	}
	return out
}

// topBrokers ranks every node by its rounded score, ties by id, and keeps
// the first top.
func topBrokers(scores map[string]float64, top int) []graph.Broker {
	out := make([]graph.Broker, 0, len(scores))
	for id, s := range scores {
		out = append(out, graph.Broker{ID: id, Score: round6(s)})
	}
	slices.SortFunc(out, func(a, b graph.Broker) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(out) > top {
		out = out[:top]
	}
	return out
}
