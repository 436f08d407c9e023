package analysis

import (
	"math"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// network is the influence network in compressed sparse row form. Node i
// is the i-th stakeholder in id order, so comparing node numbers compares
// ids, and a sequence of node numbers orders like the sequence of ids.
// There is at most one edge per ordered pair; its strength depends on the
// query's hierarchy strength, so each edge keeps its Influence strength (0
// when there is none) and whether a ReportsTo joins the pair.
type network struct {
	n    int
	off  []int32 // out-edges of v: off[v] ≤ e < off[v+1], sorted by target
	to   []int32
	infl []float64
	rep  []bool

	roff  []int32   // in-edges of v: roff[v] ≤ r < roff[v+1]
	rfrom []int32   // the source of in-edge r
	rinfl []float64 // infl and rep of in-edge r, copied so that walking
	rrep  []bool    // in-edges reads memory in order
}

// strength is the strength of edge e when ReportsTo edges have strength hs:
// the strongest of the edges that join the pair.
func (nw *network) strength(e int32, hs float64) float64 {
	s := nw.infl[e]
	if nw.rep[e] && hs > s {
		s = hs
	}
	return s
}

// rstrength is the strength of in-edge r when ReportsTo edges have
// strength hs.
func (nw *network) rstrength(r int32, hs float64) float64 {
	s := nw.rinfl[r]
	if nw.rrep[r] && hs > s {
		s = hs
	}
	return s
}

// buildNetwork turns Influence and ReportsTo into the network: edges are
// bucketed by source (a counting sort), each bucket sorted by target, and
// edges joining the same ordered pair merged.
func buildNetwork(n int, idx map[string]int32, b *graph.Bundle) network {
	type half struct {
		to   int32
		infl float64
		rep  bool
	}
	from := make([]int32, 0, len(b.Influences)+2*len(b.ReportsTo))
	edges := make([]half, 0, cap(from))
	add := func(f, t string, infl float64, rep bool) {
		fi, ok1 := idx[f]
		ti, ok2 := idx[t]
		if !ok1 || !ok2 || fi == ti {
			return
		}
		from = append(from, fi)
		edges = append(edges, half{ti, min(infl, 1), rep})
	}
	for _, in := range b.Influences {
		if in.Strength > 0 {
			add(in.From, in.To, in.Strength, false)
		}
	}
	for _, r := range b.ReportsTo {
		add(r.From, r.To, 0, true)
		add(r.To, r.From, 0, true)
	}
	start := make([]int32, n+1)
	for _, f := range from {
		start[f+1]++
	}
	for v := range n {
		start[v+1] += start[v]
	}
	bucket := make([]half, len(edges))
	fill := slices.Clone(start[:n])
	for i, e := range edges {
		bucket[fill[from[i]]] = e
		fill[from[i]]++
	}

	nw := network{n: n, off: make([]int32, n+1)}
	nw.to = make([]int32, 0, len(bucket))
	nw.infl = make([]float64, 0, len(bucket))
	nw.rep = make([]bool, 0, len(bucket))
	for v := range n {
		seg := bucket[start[v]:start[v+1]]
		slices.SortFunc(seg, func(a, b half) int { return int(a.to - b.to) })
		for i := 0; i < len(seg); {
			e := seg[i]
			j := i + 1
			for ; j < len(seg) && seg[j].to == e.to; j++ {
				e.infl = math.Max(e.infl, seg[j].infl)
				e.rep = e.rep || seg[j].rep
			}
			nw.to = append(nw.to, e.to)
			nw.infl = append(nw.infl, e.infl)
			nw.rep = append(nw.rep, e.rep)
			i = j
		}
		nw.off[v+1] = int32(len(nw.to))
	}

	nw.roff = make([]int32, n+1)
	for _, t := range nw.to {
		nw.roff[t+1]++
	}
	for v := range n {
		nw.roff[v+1] += nw.roff[v]
	}
	nw.rfrom = make([]int32, len(nw.to))
	nw.rinfl = make([]float64, len(nw.to))
	nw.rrep = make([]bool, len(nw.to))
	fill = slices.Clone(nw.roff[:n])
	for v := range int32(n) {
		for e := nw.off[v]; e < nw.off[v+1]; e++ {
			t := nw.to[e]
			nw.rfrom[fill[t]] = v
			nw.rinfl[fill[t]] = nw.infl[e]
			nw.rrep[fill[t]] = nw.rep[e]
			fill[t]++
		}
	}
	return nw
}

// round6 rounds to 6 decimal places, as every strength and score is before
// it is compared or shown.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
