package analysis

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/stakemap/stakemap/graph"
)

// Brokers returns the top stakeholders by betweenness centrality on the
// influence network (directed, unweighted, not normalised), ties by id.
// top 0 means the default; a top out of range gives ErrInvalid. The work
// stops when ctx ends.
func Brokers(ctx context.Context, b *graph.Bundle, top int) ([]graph.Broker, error) {
	top, err := graph.NormalizeTop(top)
	if err != nil {
		return nil, fmt.Errorf("brokers: %w", err)
	}
	return prepare(b).brokers(ctx, top)
}

func (ix *index) brokers(ctx context.Context, top int) ([]graph.Broker, error) {
	scores, err := ix.betweenness(ctx)
	if err != nil {
		return nil, fmt.Errorf("brokers: %w", err)
	}
	order := make([]int32, len(scores))
	for i := range order {
		order[i] = int32(i)
	}
	// Node numbers follow ids, so a stable sort by score keeps ties by id.
	slices.SortStableFunc(order, func(a, b int32) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	out := make([]graph.Broker, 0, min(top, len(order)))
	for _, v := range order[:min(top, len(order))] {
		out = append(out, graph.Broker{ID: ix.sh[v].ID, Score: scores[v]})
	}
	return out, nil
}

// betweenness returns every stakeholder's betweenness, rounded, computed
// once per index.
func (ix *index) betweenness(ctx context.Context) ([]float64, error) {
	return ix.btw.get(ctx, func(ctx context.Context) ([]float64, error) {
		return betweenness(ctx, ix.network())
	})
}

// brandesChunks is how many units of work the sources are split into.
// Partial sums are kept per chunk and added in chunk order, so the result
// does not depend on how many goroutines ran.
const brandesChunks = 32

// betweenness is Brandes' algorithm ("A faster algorithm for betweenness
// centrality", 2001) for a directed unweighted graph: a breadth-first
// search from every source, then dependencies accumulated in reverse order.
// Sources are spread over the available cores, which stop taking new ones
// when ctx ends.
func betweenness(ctx context.Context, nw *network) ([]float64, error) {
	n := nw.n
	size := max(1, (n+brandesChunks-1)/brandesChunks)
	chunks := (n + size - 1) / size
	partial := make([][]float64, chunks)
	var next sync.Mutex
	nextChunk := 0
	workers := min(runtime.GOMAXPROCS(0), max(chunks, 1))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newBrandesState(n)
			for {
				next.Lock()
				c := nextChunk
				nextChunk++
				next.Unlock()
				if c >= chunks {
					return
				}
				acc := make([]float64, n)
				for s := c * size; s < min(n, (c+1)*size); s++ {
					if nw.off[s] == nw.off[s+1] {
						continue // no out-edges: no pair starting here has a node in between
					}
					// One source is one breadth-first search, at most
					// milliseconds even on large networks.
					if ctx.Err() != nil {
						return
					}
					st.single(nw, int32(s), acc)
				}
				partial[c] = acc
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := make([]float64, n)
	for _, acc := range partial {
		for v, x := range acc {
			total[v] += x
		}
	}
	for v := range total {
		total[v] = round6(total[v])
	}
	return total, nil
}

type brandesState struct {
	node  []brandesNode
	coef  []float64 // (1 + dependency) / sigma, once a node is final
	order []int32   // nodes in breadth-first order
	succ  []int32   // successors on shortest paths, grouped by node in order
	start []int32   // succ[start[i]:start[i+1]] belong to order[i]
}

// brandesNode keeps what the search reads per edge side by side, so that
// one cache line serves both.
type brandesNode struct {
	dist  int32
	sigma float64 // number of shortest paths from the source
}

func newBrandesState(n int) *brandesState {
	st := &brandesState{node: make([]brandesNode, n), coef: make([]float64, n),
		order: make([]int32, 0, n), start: make([]int32, 0, n+1)}
	for i := range st.node {
		st.node[i].dist = -1
	}
	return st
}

// single adds the dependencies of source s to acc. The dependency of v is
// sigma[v] times the sum, over its successors w on shortest paths, of
// (1 + dependency of w) / sigma[w]; walking the breadth-first order
// backwards finishes every successor before v. The successors are noted
// during the search so the backward walk needs no tests.
func (st *brandesState) single(nw *network, s int32, acc []float64) {
	node, coef := st.node, st.coef
	off, to := nw.off, nw.to
	order, succ, start := append(st.order[:0], s), st.succ[:0], st.start[:0]
	node[s] = brandesNode{dist: 0, sigma: 1}
	for i := 0; i < len(order); i++ {
		v := order[i]
		start = append(start, int32(len(succ)))
		dv, sv := node[v].dist+1, node[v].sigma
		for _, w := range to[off[v]:off[v+1]] {
			nd := &node[w]
			switch nd.dist {
			case -1:
				nd.dist = dv
				nd.sigma = sv
				order = append(order, w)
				succ = append(succ, w)
			case dv:
				nd.sigma += sv
				succ = append(succ, w)
			}
		}
	}
	start = append(start, int32(len(succ)))
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		sum := 0.0
		for _, w := range succ[start[i]:start[i+1]] {
			sum += coef[w]
		}
		sigma := node[v].sigma
		delta := sigma * sum
		coef[v] = (1 + delta) / sigma
		if v != s {
			acc[v] += delta
		}
	}
	for _, v := range order {
		node[v].dist = -1
	}
	st.order, st.succ, st.start = order, succ, start
}
