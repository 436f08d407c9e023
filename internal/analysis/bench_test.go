package analysis_test

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
)

// The benchmark workspaces are built once per test binary and only when a
// benchmark asks for them; plain tests never do.
var (
	mediumOnce sync.Once
	medium     *graph.Bundle // 10,000 stakeholders, 1,000 trajectories, 100,000 relationships

	largeOnce sync.Once
	large     *graph.Bundle // 100,000 stakeholders, about 1,000,000 influences
)

func mediumBundle(b *testing.B) *graph.Bundle {
	b.Helper()
	mediumOnce.Do(func() { medium = storetest.Generate(1, 10_000, 1_000, 100_000) })
	return medium
}

func largeBundle(b *testing.B) *graph.Bundle {
	b.Helper()
	largeOnce.Do(func() {
		large = storetest.Generate(2, 100_000, 1_000, 2_150_000)
		b.Logf("large workspace: %d stakeholders, %d influences, %d reportsTo", len(large.Stakeholders), len(large.Influences), len(large.ReportsTo))
	})
	return large
}

// adjacency is the influence network as plain adjacency lists, for the
// breadth-first search baselines.
func adjacency(bu *graph.Bundle) [][]int32 {
	pos := make(map[string]int32, len(bu.Stakeholders))
	for i, s := range bu.Stakeholders {
		pos[s.ID] = int32(i)
	}
	adj := make([][]int32, len(bu.Stakeholders))
	for _, in := range bu.Influences {
		adj[pos[in.From]] = append(adj[pos[in.From]], pos[in.To])
	}
	for _, r := range bu.ReportsTo {
		adj[pos[r.From]] = append(adj[pos[r.From]], pos[r.To])
		adj[pos[r.To]] = append(adj[pos[r.To]], pos[r.From])
	}
	return adj
}

func bfs(adj [][]int32, src int32, dist []int32) int {
	for i := range dist {
		dist[i] = -1
	}
	dist[src] = 0
	queue := []int32{src}
	for i := 0; i < len(queue); i++ {
		v := queue[i]
		for _, w := range adj[v] {
			if dist[w] < 0 {
				dist[w] = dist[v] + 1
				queue = append(queue, w)
			}
		}
	}
	return len(queue)
}

// BenchmarkBaselineBundlePass is the floor for the findings: one pass over
// every node and relationship of the medium workspace, indexing ids.
func BenchmarkBaselineBundlePass(b *testing.B) {
	bu := mediumBundle(b)
	for b.Loop() {
		ids := map[string]graph.Kind{}
		bu.Nodes(func(_ string, _ int, n graph.Node) { ids[n.NodeID()] = n.NodeKind() })
		refs := 0
		bu.Relations(func(_ string, _ int, r graph.Relation) {
			a, c := graph.Ends(r)
			if ids[a] != "" && ids[c] != "" {
				refs++
			}
		})
	}
}

func BenchmarkFindings(b *testing.B) {
	bu := mediumBundle(b)
	p := graph.FindingParams{AsOf: "2026-06-30"}
	b.Run("fromBundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := analysis.Findings(b.Context(), bu, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prepared", func(b *testing.B) {
		s := analysis.Prepare(bu)
		for b.Loop() {
			if _, err := s.Findings(b.Context(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGrid(b *testing.B) {
	bu := mediumBundle(b)
	b.Run("fromBundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := analysis.Grid(bu, bu.Trajectories[0].ID, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prepared/trajectory", func(b *testing.B) {
		s := analysis.Prepare(bu)
		for b.Loop() {
			if _, err := s.Grid(bu.Trajectories[0].ID, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prepared/workspace", func(b *testing.B) {
		s := analysis.Prepare(bu)
		for b.Loop() {
			if _, err := s.Grid("", 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPaths asks for the 3 strongest paths of at most 6 hops between
// random pairs on the large network and reports the median next to the
// mean; BenchmarkBaselineBFS is one plain breadth-first search over the
// same network.
func BenchmarkPaths(b *testing.B) {
	bu := largeBundle(b)
	s := analysis.Prepare(bu)
	// The network is built on the first query; a cached snapshot has it.
	if _, err := s.Paths(b.Context(), graph.PathQuery{From: bu.Stakeholders[0].ID, To: bu.Stakeholders[1].ID}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for _, mode := range []string{graph.ModeStrongest, graph.ModeShortest} {
		b.Run(mode, func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 8))
			var took []time.Duration
			found := 0
			for b.Loop() {
				q := graph.PathQuery{From: bu.Stakeholders[r.IntN(len(bu.Stakeholders))].ID, To: bu.Stakeholders[r.IntN(len(bu.Stakeholders))].ID,
					Mode: mode, K: 3, MaxHops: 6}
				start := time.Now()
				ps, err := s.Paths(b.Context(), q)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				found += len(ps)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(found)/float64(len(took)), "paths/op")
		})
	}
}

func BenchmarkBaselineBFS(b *testing.B) {
	bu := largeBundle(b)
	adj := adjacency(bu)
	dist := make([]int32, len(adj))
	r := rand.New(rand.NewPCG(7, 8))
	for b.Loop() {
		bfs(adj, int32(r.IntN(len(adj))), dist)
	}
}

// BenchmarkBrokers computes betweenness on the medium workspace from
// scratch; BenchmarkBaselineBFSMedium is one breadth-first search there
// (Brandes does one per stakeholder, plus the accumulation).
func BenchmarkBrokers(b *testing.B) {
	bu := mediumBundle(b)
	for b.Loop() {
		if _, err := analysis.Brokers(b.Context(), bu, 10); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBaselineBFSMedium(b *testing.B) {
	bu := mediumBundle(b)
	adj := adjacency(bu)
	dist := make([]int32, len(adj))
	r := rand.New(rand.NewPCG(7, 8))
	for b.Loop() {
		bfs(adj, int32(r.IntN(len(adj))), dist)
	}
}

// BenchmarkPathsCold is the first query on a fresh snapshot of the large
// network: indexing the bundle and building the network included. The
// Engine pays it once per workspace revision.
func BenchmarkPathsCold(b *testing.B) {
	bu := largeBundle(b)
	q := graph.PathQuery{From: bu.Stakeholders[0].ID, To: bu.Stakeholders[1].ID, K: 3, MaxHops: 6}
	for b.Loop() {
		if _, err := analysis.Prepare(bu).Paths(b.Context(), q); err != nil {
			b.Fatal(err)
		}
	}
}
