package analysis

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/stakemap/stakemap/graph"
)

// Brokers returns the top stakeholders by betweenness centrality on the
// influence network (directed, unweighted, not normalised), ties by id.
// top 0 means the default; a negative top gives ErrInvalid.
func Brokers(b *graph.Bundle, top int) ([]graph.Broker, error) {
	top, err := normalizeTop(top)
	if err != nil {
		return nil, err
	}
	return prepare(b).brokers(top), nil
}

func normalizeTop(top int) (int, error) {
	if top == 0 {
		return graph.DefaultTop, nil
	}
	if top < 0 {
		return 0, fmt.Errorf("brokers: %w", graph.Invalid([]graph.Problem{{
			Field: "top", Value: strconv.Itoa(top), Reason: "must be a positive whole number",
		}}))
	}
	return top, nil
}

func (ix *index) brokers(top int) []graph.Broker {
	scores := ix.betweenness()
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
	return out
}

// betweenness returns every stakeholder's betweenness, rounded, computed
// once per index.
func (ix *index) betweenness() []float64 {
	ix.btwOnce.Do(func() { ix.btw = betweenness(&ix.net) })
	return ix.btw
}

// brandesChunks is how many units of work the sources are split into.
// Partial sums are kept per chunk and added in chunk order, so the result
// does not depend on how many goroutines ran.
const brandesChunks = 32

// betweenness is Brandes' algorithm ("A faster algorithm for betweenness
// centrality", 2001) for a directed unweighted graph: a breadth-first
// search from every source, then dependencies accumulated in reverse order.
// Sources are spread over the available cores.
func betweenness(nw *network) []float64 {
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
					st.single(nw, int32(s), acc)
				}
				partial[c] = acc
			}
		}()
	}
	wg.Wait()
	total := make([]float64, n)
	for _, acc := range partial {
		for v, x := range acc {
			total[v] += x
		}
	}
	for v := range total {
		total[v] = round6(total[v])
	}
	return total
}

type brandesState struct {
	dist  []int32
	sigma []float64
	delta []float64
	order []int32
}

func newBrandesState(n int) *brandesState {
	st := &brandesState{dist: make([]int32, n), sigma: make([]float64, n), delta: make([]float64, n), order: make([]int32, 0, n)}
	for i := range st.dist {
		st.dist[i] = -1
	}
	return st
}

// single adds the dependencies of source s to acc.
func (st *brandesState) single(nw *network, s int32, acc []float64) {
	st.order = st.order[:0]
	st.dist[s] = 0
	st.sigma[s] = 1
	st.order = append(st.order, s)
	for i := 0; i < len(st.order); i++ {
		v := st.order[i]
		for e := nw.off[v]; e < nw.off[v+1]; e++ {
			w := nw.to[e]
			if st.dist[w] < 0 {
				st.dist[w] = st.dist[v] + 1
				st.order = append(st.order, w)
			}
			if st.dist[w] == st.dist[v]+1 {
				st.sigma[w] += st.sigma[v]
			}
		}
	}
	// Predecessors are the in-neighbours one level closer to s.
	for i := len(st.order) - 1; i >= 0; i-- {
		w := st.order[i]
		coef := (1 + st.delta[w]) / st.sigma[w]
		for r := nw.roff[w]; r < nw.roff[w+1]; r++ {
			v := nw.rfrom[r]
			if st.dist[v] >= 0 && st.dist[v] == st.dist[w]-1 {
				st.delta[v] += st.sigma[v] * coef
			}
		}
		if w != s {
			acc[w] += st.delta[w]
		}
	}
	for _, v := range st.order {
		st.dist[v] = -1
		st.sigma[v] = 0
		st.delta[v] = 0
	}
}
