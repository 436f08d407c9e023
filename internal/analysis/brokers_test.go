package analysis_test

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// bruteBetweenness follows the definition: for every ordered pair s≠t,
// every node strictly between them gets the share of shortest s→t paths
// that pass through it, counted from all-pairs distances.
func bruteBetweenness(b *graph.Bundle) map[string]float64 {
	ids := make([]string, len(b.Stakeholders))
	for i, s := range b.Stakeholders {
		ids[i] = s.ID
	}
	n := len(ids)
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i
	}
	adj := make([][]bool, n)
	for i := range adj {
		adj[i] = make([]bool, n)
	}
	for _, in := range b.Influences {
		adj[pos[in.From]][pos[in.To]] = true
	}
	for _, r := range b.ReportsTo {
		adj[pos[r.From]][pos[r.To]] = true
		adj[pos[r.To]][pos[r.From]] = true
	}
	// dist and sigma (number of shortest paths) by breadth-first search from
	// every node.
	dist := make([][]int, n)
	sigma := make([][]float64, n)
	for s := range n {
		dist[s] = slices.Repeat([]int{-1}, n)
		sigma[s] = make([]float64, n)
		dist[s][s], sigma[s][s] = 0, 1
		queue := []int{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for w := range n {
				if !adj[v][w] {
					continue
				}
				if dist[s][w] < 0 {
					dist[s][w] = dist[s][v] + 1
					queue = append(queue, w)
				}
				if dist[s][w] == dist[s][v]+1 {
					sigma[s][w] += sigma[s][v]
				}
			}
		}
	}
	score := map[string]float64{}
	for s := range n {
		for t := range n {
			if s == t || dist[s][t] < 0 {
				continue
			}
			for v := range n {
				if v == s || v == t || dist[s][v] < 0 || dist[v][t] < 0 {
					continue
				}
				if dist[s][v]+dist[v][t] == dist[s][t] {
					score[ids[v]] += sigma[s][v] * sigma[v][t] / sigma[s][t]
				}
			}
		}
	}
	return score
}

func TestBrokersMatchBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	runs := 2000
	if testing.Short() {
		runs = 300
	}
	for run := range runs {
		n := 1 + r.IntN(9)
		b := randomNetwork(r, n, r.Float64()*0.6)
		got, err := analysis.Brokers(t.Context(), b, n)
		if err != nil {
			t.Fatal(err)
		}
		scores := bruteBetweenness(b)
		want := make([]graph.Broker, 0, n)
		for _, s := range b.Stakeholders {
			want = append(want, graph.Broker{ID: s.ID, Score: math.Round(scores[s.ID]*1e6) / 1e6})
		}
		slices.SortStableFunc(want, func(x, y graph.Broker) int { return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.ID, y.ID)) })
		if len(got) != len(want) {
			t.Fatalf("run %d: got %d brokers, want %d", run, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || math.Abs(got[i].Score-want[i].Score) > 1e-9 {
				t.Fatalf("run %d: got %v\nwant %v", run, got, want)
			}
		}
	}
}

func TestBrokers(t *testing.T) {
	// A chain a → b → c → d plus a → x → d: b, c and x are in between.
	b := bundleOf(func(b *graph.Bundle) {
		for _, id := range []string{"a", "b", "c", "d", "x"} {
			b.Stakeholders = append(b.Stakeholders, person(id, 3, 3))
		}
		b.Influences = []graph.Influence{{From: "a", To: "b", Strength: 0.5}, {From: "b", To: "c", Strength: 0.5},
			{From: "c", To: "d", Strength: 0.5}, {From: "a", To: "x", Strength: 0.5}, {From: "x", To: "d", Strength: 0.5}}
	})
	t.Run("OK", func(t *testing.T) {
		got, err := analysis.Brokers(t.Context(), b, 3)
		if err != nil {
			t.Fatal(err)
		}
		// a→d has one shortest path (via x): x gets 1; b lies on a→c (1);
		// c lies on b→d (1); ties by id.
		want := []graph.Broker{{ID: "b", Score: 1}, {ID: "c", Score: 1}, {ID: "x", Score: 1}}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("OK/defaultTopAndZeros", func(t *testing.T) {
		got, err := analysis.Brokers(t.Context(), b, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 || got[3] != (graph.Broker{ID: "a"}) || got[4] != (graph.Broker{ID: "d"}) {
			t.Errorf("got %v, want all five with a and d last at 0", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := analysis.Brokers(t.Context(), b, -1); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}
