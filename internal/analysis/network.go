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

	roff  []int32 // in-edges of v: roff[v] ≤ r < roff[v+1]
	rfrom []int32 // the source of in-edge r
	redge []int32 // the out-edge index of in-edge r
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

type rawEdge struct {
	from, to int32
	infl     float64
	rep      bool
}

func buildNetwork(sh []graph.Stakeholder, idx map[string]int32, b *graph.Bundle) network {
	raw := make([]rawEdge, 0, len(b.Influences)+2*len(b.ReportsTo))
	add := func(from, to string, infl float64, rep bool) {
		f, ok1 := idx[from]
		t, ok2 := idx[to]
		if !ok1 || !ok2 || f == t {
			return
		}
		raw = append(raw, rawEdge{f, t, infl, rep})
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
	slices.SortFunc(raw, func(a, b rawEdge) int {
		if a.from != b.from {
			return int(a.from - b.from)
		}
		return int(a.to - b.to)
	})
	nw := network{n: len(sh), off: make([]int32, len(sh)+1)}
	for i := 0; i < len(raw); {
		j := i
		e := rawEdge{from: raw[i].from, to: raw[i].to}
		for ; j < len(raw) && raw[j].from == e.from && raw[j].to == e.to; j++ {
			e.infl = math.Max(e.infl, raw[j].infl)
			e.rep = e.rep || raw[j].rep
		}
		nw.to = append(nw.to, e.to)
		nw.infl = append(nw.infl, e.infl)
		nw.rep = append(nw.rep, e.rep)
		nw.off[e.from+1]++
		i = j
	}
	for v := 0; v < nw.n; v++ {
		nw.off[v+1] += nw.off[v]
	}
	nw.roff = make([]int32, nw.n+1)
	for _, t := range nw.to {
		nw.roff[t+1]++
	}
	for v := 0; v < nw.n; v++ {
		nw.roff[v+1] += nw.roff[v]
	}
	nw.rfrom = make([]int32, len(nw.to))
	nw.redge = make([]int32, len(nw.to))
	fill := slices.Clone(nw.roff[:nw.n])
	for v := int32(0); int(v) < nw.n; v++ {
		for e := nw.off[v]; e < nw.off[v+1]; e++ {
			t := nw.to[e]
			nw.rfrom[fill[t]] = v
			nw.redge[fill[t]] = e
			fill[t]++
		}
	}
	return nw
}

// round6 rounds to 6 decimal places, as every strength and score is before
// it is compared or shown.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
