package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Paths returns up to q.K best simple influence paths from q.From to q.To
// in the order of q.Mode, or an empty list when there is none. Unknown
// stakeholders give ErrNotFound, bad parameters ErrInvalid, and so does a
// search that would hold more than MaxPrefixes partial paths at once; the
// search stops when ctx ends.
func Paths(ctx context.Context, b *graph.Bundle, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	return prepare(b).paths(ctx, q)
}

// MaxPrefixes bounds the partial paths one search keeps (about 50 bytes
// each). Dominance keeps the count far below this on the networks users
// have, but many hops on a large, dense network could otherwise fill the
// memory before any deadline.
const MaxPrefixes = 1 << 20

// errTooManyPrefixes is the error of a search that passed MaxPrefixes.
func errTooManyPrefixes(maxHops int32) error {
	return graph.Invalid([]graph.Problem{{
		Field: "maxHops", Value: fmt.Sprint(maxHops),
		Reason: fmt.Sprintf("the search for paths of up to %d steps grew beyond %d partial paths on this network: ask for fewer steps", maxHops, MaxPrefixes),
	}})
}

// How the search works. A path's key is (strength, hops, ids) for
// strongest and (hops, strength, ids) for shortest, where strength is the
// rounded product and a higher strength is better. Strengths are at most 1,
// so extending a prefix never improves its strength, hops or id sequence:
// the key of a prefix is a lower bound on the keys of all its completions,
// and a best-first search over prefixes meets complete paths in key order.
// Two refinements keep it fast on large networks:
//
//   - An admissible bound on the rest of the way: for strongest, the best
//     product of any walk from a node to the target within the remaining
//     hops (one backward pass per hop); for shortest, the hop distance to
//     the target (one backward breadth-first search).
//   - Dominance: a prefix B that ends where a prefix A ends, with A's exact
//     product ≥ B's, A's hops ≤ B's and A ahead on hops or ids, is dropped.
//     For any completion S, either A+S is a simple path that beats B+S, or
//     A+S repeats a node and cutting out that loop gives a simple path with
//     fewer hops and no less strength that beats B+S. So B+S is never the
//     best, and the search stays exact for the single best path.
//
// The k best distinct paths come from Yen's algorithm with Lawler's
// refinement; each spur search starts from the root prefix so it optimises
// the whole path's key, not just the spur's.

// label is a prefix in the search: its last node, its parent prefix, its
// exact product and its priority.
type label struct {
	node   int32
	hops   int32
	parent int32 // index in the arena, -1 for the first node
	nextAt int32 // next label ending at the same node, -1 for none
	prod   float64
	prio   float64 // strongest: bound on the rounded strength of completions
	phops  int32   // bound on the hops of completions
	dead   bool    // dominated after it was queued
}

type found struct {
	nodes []int32
	prods []float64 // prods[i]: product of the first i edges
	dev   int       // index of the spur node it was found from
}

func (f found) strength() float64 { return round6(f.prods[len(f.prods)-1]) }

type pathSearch struct {
	steps     int // prefixes taken from the heap, to look at ctx now and then
	nw        *network
	hs        float64
	src, dst  int32
	maxHops   int32
	strongest bool
	ub        [][]float64 // strongest: ub[r][v] best product of a walk v→dst within r hops
	dist      []int32     // shortest: hops from v to dst; maxHops+1 when farther

	labels  []label
	heads   []int32
	touched []int32
	heap    []int32
	bufA    []int32
	bufB    []int32
}

func (ix *index) paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	src, ok := ix.shIdx[q.From]
	if !ok {
		return nil, fmt.Errorf("paths: from: stakeholder %q: %w", q.From, graph.ErrNotFound)
	}
	dst, ok := ix.shIdx[q.To]
	if !ok {
		return nil, fmt.Errorf("paths: to: stakeholder %q: %w", q.To, graph.ErrNotFound)
	}
	if src == dst {
		// The only simple path from a node to itself has no edges.
		return []graph.Path{{Nodes: []string{q.From}, Hops: 0, Strength: 1}}, nil
	}
	ps, err := newPathSearch(ctx, ix.network(), src, dst, q)
	if err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	best, err := ps.kBest(ctx, q.K)
	if err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	out := []graph.Path{}
	for _, f := range best {
		p := graph.Path{Nodes: make([]string, len(f.nodes)), Hops: len(f.nodes) - 1, Strength: f.strength()}
		for i, v := range f.nodes {
			p.Nodes[i] = ix.sh[v].ID
		}
		out = append(out, p)
	}
	return out, nil
}

func newPathSearch(ctx context.Context, nw *network, src, dst int32, q graph.PathQuery) (*pathSearch, error) {
	ps := &pathSearch{
		nw: nw, hs: q.HierarchyStrength, src: src, dst: dst,
		maxHops: int32(q.MaxHops), strongest: q.Mode != graph.ModeShortest,
		heads: make([]int32, nw.n),
	}
	for i := range ps.heads {
		ps.heads[i] = -1
	}
	if ps.strongest {
		if err := ps.bounds(ctx); err != nil {
			return nil, err
		}
	} else {
		ps.distances()
	}
	return ps, nil
}

// bounds computes ub[r] for r < maxHops by relaxing, hop by hop, only the
// in-edges of nodes whose bound changed in the previous round; each round
// is one pass over the edges at most.
func (ps *pathSearch) bounds(ctx context.Context) error {
	nw := ps.nw
	ps.ub = make([][]float64, ps.maxHops)
	ps.ub[0] = make([]float64, nw.n)
	ps.ub[0][ps.dst] = 1
	changed := []int32{ps.dst}
	mark := make([]int32, nw.n) // round+1 in which a node last changed
	for r := 1; r < int(ps.maxHops); r++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		prev := ps.ub[r-1]
		if len(changed) == 0 {
			ps.ub[r] = prev // converged: more hops cannot help any node
			continue
		}
		cur := slices.Clone(prev)
		var next []int32
		for _, w := range changed {
			for i := nw.roff[w]; i < nw.roff[w+1]; i++ {
				v := nw.rfrom[i]
				if c := nw.rstrength(i, ps.hs) * prev[w]; c > cur[v] {
					cur[v] = c
					if mark[v] != int32(r+1) {
						mark[v] = int32(r + 1)
						next = append(next, v)
					}
				}
			}
		}
		ps.ub[r] = cur
		changed = next
	}
	return nil
}

// distances computes the hop distance of every node to dst, up to maxHops.
func (ps *pathSearch) distances() {
	nw := ps.nw
	ps.dist = make([]int32, nw.n)
	for i := range ps.dist {
		ps.dist[i] = ps.maxHops + 1
	}
	ps.dist[ps.dst] = 0
	queue := []int32{ps.dst}
	for len(queue) > 0 {
		w := queue[0]
		queue = queue[1:]
		if ps.dist[w] >= ps.maxHops {
			continue
		}
		for i := nw.roff[w]; i < nw.roff[w+1]; i++ {
			if v := nw.rfrom[i]; ps.dist[v] > ps.dist[w]+1 {
				ps.dist[v] = ps.dist[w] + 1
				queue = append(queue, v)
			}
		}
	}
}

// kBest runs Yen's algorithm: the best path, then for each accepted path
// the best deviation at each of its spur nodes, accepting the best
// candidate each round.
func (ps *pathSearch) kBest(ctx context.Context, k int) ([]found, error) {
	first, ok, err := ps.search(ctx, []int32{ps.src}, []float64{1}, nil)
	if err != nil || !ok {
		return nil, err
	}
	first.dev = 0
	accepted := []found{first}
	seen := map[string]bool{pathKey(first.nodes): true}
	var cands []found
	for len(accepted) < k {
		prev := accepted[len(accepted)-1]
		for i := prev.dev; i < len(prev.nodes)-1; i++ {
			root := prev.nodes[:i+1]
			var banned []int32
			for _, a := range accepted {
				if len(a.nodes) > i+1 && slices.Equal(a.nodes[:i+1], root) {
					banned = append(banned, a.nodes[i+1])
				}
			}
			f, ok, err := ps.search(ctx, root, prev.prods[:i+1], banned)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			key := pathKey(f.nodes)
			if seen[key] {
				continue
			}
			seen[key] = true
			f.dev = i
			cands = append(cands, f)
		}
		if len(cands) == 0 {
			break
		}
		best := 0
		for i := 1; i < len(cands); i++ {
			if ps.foundLess(cands[i], cands[best]) {
				best = i
			}
		}
		accepted = append(accepted, cands[best])
		cands = slices.Delete(cands, best, best+1)
	}
	return accepted, nil
}

func pathKey(nodes []int32) string {
	b := make([]byte, 0, 4*len(nodes))
	for _, v := range nodes {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return string(b)
}

// foundLess orders complete paths by the query's key.
func (ps *pathSearch) foundLess(a, b found) bool {
	sa, sb := a.strength(), b.strength()
	ha, hb := len(a.nodes), len(b.nodes)
	if ps.strongest {
		if sa != sb {
			return sa > sb
		}
		if ha != hb {
			return ha < hb
		}
	} else {
		if ha != hb {
			return ha < hb
		}
		if sa != sb {
			return sa > sb
		}
	}
	return slices.Compare(a.nodes, b.nodes) < 0
}

// search finds the best simple path to dst that starts with root (whose
// prefix products are prods), does not leave root's last node towards a
// banned node, and has at most maxHops edges. It fails when ctx ends or
// the prefixes outgrow MaxPrefixes.
func (ps *pathSearch) search(ctx context.Context, root []int32, prods []float64, banned []int32) (found, bool, error) {
	if err := ctx.Err(); err != nil {
		return found{}, false, err
	}
	ps.reset()
	for i, v := range root {
		ps.labels = append(ps.labels, label{node: v, hops: int32(i), parent: int32(i - 1), nextAt: -1, prod: prods[i]})
	}
	spur := int32(len(root) - 1)
	ps.push(spur)
	for len(ps.heap) > 0 {
		if ps.steps++; ps.steps%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return found{}, false, err
			}
		}
		if len(ps.labels) > MaxPrefixes {
			return found{}, false, errTooManyPrefixes(ps.maxHops)
		}
		x := ps.pop()
		lx := ps.labels[x]
		if lx.dead {
			continue
		}
		if lx.node == ps.dst {
			return ps.extract(x), true, nil
		}
		if lx.hops >= ps.maxHops {
			continue
		}
		nw := ps.nw
		h := lx.hops + 1
		rem := ps.maxHops - h
		for e := nw.off[lx.node]; e < nw.off[lx.node+1]; e++ {
			w := nw.to[e]
			if x == spur && slices.Contains(banned, w) {
				continue
			}
			var prio float64
			var phops int32
			p := lx.prod * nw.strength(e, ps.hs)
			if w == ps.dst {
				prio, phops = round6(p), h
			} else if ps.strongest {
				if rem == 0 || ps.ub[rem][w] == 0 {
					continue
				}
				// Inflated a little: the bound multiplies in another order
				// than the path will, and must not fall below it.
				prio, phops = round6(p*ps.ub[rem][w]*(1+1e-12)), h
			} else {
				if h+ps.dist[w] > ps.maxHops {
					continue
				}
				prio, phops = round6(p), h+ps.dist[w]
			}
			if ps.onPath(x, w) {
				continue
			}
			y := int32(len(ps.labels))
			ps.labels = append(ps.labels, label{node: w, hops: h, parent: x, nextAt: -1, prod: p, prio: prio, phops: phops})
			if ps.dominated(y) {
				ps.labels = ps.labels[:y]
				continue
			}
			if ps.heads[w] < 0 {
				ps.touched = append(ps.touched, w)
			}
			ps.labels[y].nextAt = ps.heads[w]
			ps.heads[w] = y
			ps.push(y)
		}
	}
	return found{}, false, nil
}

func (ps *pathSearch) reset() {
	for _, v := range ps.touched {
		ps.heads[v] = -1
	}
	ps.touched = ps.touched[:0]
	ps.labels = ps.labels[:0]
	ps.heap = ps.heap[:0]
}

// onPath reports whether w is already on prefix x.
func (ps *pathSearch) onPath(x, w int32) bool {
	for ; x >= 0; x = ps.labels[x].parent {
		if ps.labels[x].node == w {
			return true
		}
	}
	return false
}

// dominated reports whether a live label at y's node dominates y, and
// marks the live labels that y dominates as dead.
func (ps *pathSearch) dominated(y int32) bool {
	ly := &ps.labels[y]
	for a := ps.heads[ly.node]; a >= 0; a = ps.labels[a].nextAt {
		la := &ps.labels[a]
		if la.dead {
			continue
		}
		if la.prod >= ly.prod && la.hops <= ly.hops && (la.hops < ly.hops || ps.seqCompare(a, y) < 0) {
			return true
		}
	}
	for a := ps.heads[ly.node]; a >= 0; a = ps.labels[a].nextAt {
		la := &ps.labels[a]
		if !la.dead && ly.prod >= la.prod && ly.hops <= la.hops && (ly.hops < la.hops || ps.seqCompare(y, a) < 0) {
			la.dead = true
		}
	}
	return false
}

// seqCompare compares the id sequences of two prefixes.
func (ps *pathSearch) seqCompare(a, b int32) int {
	ps.bufA = ps.sequence(a, ps.bufA[:0])
	ps.bufB = ps.sequence(b, ps.bufB[:0])
	return slices.Compare(ps.bufA, ps.bufB)
}

func (ps *pathSearch) sequence(x int32, buf []int32) []int32 {
	for ; x >= 0; x = ps.labels[x].parent {
		buf = append(buf, ps.labels[x].node)
	}
	slices.Reverse(buf)
	return buf
}

func (ps *pathSearch) extract(x int32) found {
	n := int(ps.labels[x].hops) + 1
	f := found{nodes: make([]int32, n), prods: make([]float64, n)}
	for i := n - 1; x >= 0; i, x = i-1, ps.labels[x].parent {
		f.nodes[i] = ps.labels[x].node
		f.prods[i] = ps.labels[x].prod
	}
	return f
}

// less orders queued prefixes by their bound on the key.
func (ps *pathSearch) less(a, b int32) bool {
	la, lb := &ps.labels[a], &ps.labels[b]
	if ps.strongest {
		if la.prio != lb.prio {
			return la.prio > lb.prio
		}
		if la.phops != lb.phops {
			return la.phops < lb.phops
		}
	} else {
		if la.phops != lb.phops {
			return la.phops < lb.phops
		}
		if la.prio != lb.prio {
			return la.prio > lb.prio
		}
	}
	return ps.seqCompare(a, b) < 0
}

func (ps *pathSearch) push(x int32) {
	ps.heap = append(ps.heap, x)
	i := len(ps.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !ps.less(ps.heap[i], ps.heap[p]) {
			break
		}
		ps.heap[i], ps.heap[p] = ps.heap[p], ps.heap[i]
		i = p
	}
}

func (ps *pathSearch) pop() int32 {
	h := ps.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && ps.less(h[l], h[m]) {
			m = l
		}
		if r < len(h) && ps.less(h[r], h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	ps.heap = h
	return top
}
