package neo4jstore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
)

// These tests check the Go half of the analyses, the part that finishes
// what the paths, brokers and dependency-cycle statements fetch. They feed
// it the edges those statements return for a bundle (built here in Go from
// the bundle, as the statements define them) and compare the answers with
// brute force and with the Go analyses of the embedded backend. The Cypher
// half needs a server: see the conformance tests.

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// networkEdges is what the paths statement returns: one edge per ordered
// pair of stakeholders, the strongest of its influences and reporting
// lines (each way, at hs).
func networkEdges(b *graph.Bundle, hs float64) []edge {
	best := map[[2]string]float64{}
	add := func(from, to string, s float64) {
		if from == to {
			return
		}
		k := [2]string{from, to}
		if s > best[k] {
			best[k] = s
		}
	}
	for _, in := range b.Influences {
		add(in.From, in.To, in.Strength)
	}
	for _, r := range b.ReportsTo {
		add(r.From, r.To, hs)
		add(r.To, r.From, hs)
	}
	var out []edge
	for k, s := range best {
		out = append(out, edge{k[0], k[1], s})
	}
	return out
}

// brokerTargets is what the brokers statement returns.
func brokerTargets(b *graph.Bundle) ([]string, map[string][]string) {
	var ids []string
	targets := map[string][]string{}
	for _, s := range b.Stakeholders {
		ids = append(ids, s.ID)
	}
	for _, e := range networkEdges(b, 1) {
		targets[e.from] = append(targets[e.from], e.to)
	}
	return ids, targets
}

// mustFinishPaths is finishPaths for tests.
func mustFinishPaths(t *testing.T, edges []edge, q graph.PathQuery) []graph.Path {
	t.Helper()
	ps, err := finishPaths(t.Context(), edges, q)
	if err != nil {
		t.Fatalf("finishPaths %+v: %v", q, err)
	}
	return ps
}

// randomNetwork builds a bundle of n stakeholders with random influences
// (strengths from a small set, so that ties are common) and reporting
// lines.
func randomNetwork(r *rand.Rand, n int, density float64) *graph.Bundle {
	b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: "w", Name: "W", Language: "en"}}
	for i := range n {
		b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: fmt.Sprintf("s%02d", i), Name: "S", Kind: "person",
			Level: "employee", Influence: 3, Interest: 3, Attitude: "neutral"})
	}
	strengths := []float64{0.2, 0.5, 0.8, 1, 0.25, 0.4}
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			switch x := r.Float64(); {
			case x < density:
				b.Influences = append(b.Influences, graph.Influence{From: b.Stakeholders[i].ID, To: b.Stakeholders[j].ID,
					Strength: strengths[r.IntN(len(strengths))]})
			case x < density*1.3 && i < j:
				b.ReportsTo = append(b.ReportsTo, graph.ReportsTo{From: b.Stakeholders[i].ID, To: b.Stakeholders[j].ID})
			}
		}
	}
	return b
}

// brutePaths enumerates every simple path and sorts them by the design's
// rules.
func brutePaths(edges []edge, q graph.PathQuery) []graph.Path {
	adj := map[string][]edge{}
	for _, e := range edges {
		adj[e.from] = append(adj[e.from], e)
	}
	var all []graph.Path
	var walk func(nodes []string, prod float64)
	walk = func(nodes []string, prod float64) {
		last := nodes[len(nodes)-1]
		if last == q.To {
			all = append(all, graph.Path{Nodes: slices.Clone(nodes), Hops: len(nodes) - 1, Strength: round6(prod)})
			return
		}
		if len(nodes)-1 == q.MaxHops {
			return
		}
		for _, e := range adj[last] {
			if !slices.Contains(nodes, e.to) {
				walk(append(nodes, e.to), prod*e.strength)
			}
		}
	}
	walk([]string{q.From}, 1)
	slices.SortFunc(all, func(a, b graph.Path) int {
		byStrength := func() int {
			switch {
			case a.Strength > b.Strength:
				return -1
			case a.Strength < b.Strength:
				return 1
			}
			return 0
		}
		byHops := func() int { return a.Hops - b.Hops }
		var c int
		if q.Mode == graph.ModeShortest {
			if c = byHops(); c == 0 {
				c = byStrength()
			}
		} else if c = byStrength(); c == 0 {
			c = byHops()
		}
		if c != 0 {
			return c
		}
		return slices.Compare(a.Nodes, b.Nodes)
	})
	if len(all) > q.K {
		all = all[:q.K]
	}
	if all == nil {
		all = []graph.Path{}
	}
	return all
}

func TestFinishedPathsMatchBruteForceAndAnalysis(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := 0
	for round := range 40 {
		n := 4 + round%5
		b := randomNetwork(r, n, 0.3)
		for _, mode := range []string{graph.ModeStrongest, graph.ModeShortest} {
			for _, k := range []int{1, 3, 7} {
				q := graph.PathQuery{From: b.Stakeholders[0].ID, To: b.Stakeholders[n-1].ID, Mode: mode, K: k,
					MaxHops: 2 + round%4, HierarchyStrength: []float64{0.5, 0.3, 1}[round%3]}
				if err := q.Normalize(); err != nil {
					t.Fatal(err)
				}
				edges := networkEdges(b, q.HierarchyStrength)
				got := mustFinishPaths(t, edges, q)
				if want := brutePaths(edges, q); !equalJSON(t, got, want) {
					t.Fatalf("round %d %s k=%d: paths = %v, brute force = %v", round, mode, k, got, want)
				}
				want, err := analysis.Paths(t.Context(), b, q)
				if err != nil {
					t.Fatal(err)
				}
				if !equalJSON(t, got, want) {
					t.Fatalf("round %d %s k=%d: paths = %v, analysis.Paths on the whole bundle = %v", round, mode, k, got, want)
				}
				cases++
			}
		}
	}
	t.Logf("%d path queries agree", cases)
}

func TestFinishedPathsEdgeCases(t *testing.T) {
	edges := []edge{{"a", "b", 0.5}, {"b", "c", 0.5}, {"a", "c", 0.2}}
	tests := []struct {
		name string
		q    graph.PathQuery
		want string
	}{
		{"Self", graph.PathQuery{From: "a", To: "a"}, `[{"nodes":["a"],"hops":0,"strength":1}]`},
		{"NoPath", graph.PathQuery{From: "c", To: "a"}, `[]`},
		{"Strongest", graph.PathQuery{From: "a", To: "c", K: 2}, `[{"nodes":["a","b","c"],"hops":2,"strength":0.25},{"nodes":["a","c"],"hops":1,"strength":0.2}]`},
		{"Shortest", graph.PathQuery{From: "a", To: "c", Mode: graph.ModeShortest, K: 2}, `[{"nodes":["a","c"],"hops":1,"strength":0.2},{"nodes":["a","b","c"],"hops":2,"strength":0.25}]`},
		{"MaxHops", graph.PathQuery{From: "a", To: "c", MaxHops: 1, K: 5}, `[{"nodes":["a","c"],"hops":1,"strength":0.2}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.q.Normalize(); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(mustFinishPaths(t, edges, tc.q))
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// bruteBetweenness counts, for every ordered pair, the shortest paths
// through each node by enumerating them.
func bruteBetweenness(ids []string, targets map[string][]string) map[string]float64 {
	out := map[string]float64{}
	for _, id := range ids {
		out[id] = 0
	}
	for _, s := range ids {
		dist := map[string]int{s: 0}
		queue := []string{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, w := range targets[v] {
				if _, ok := dist[w]; !ok {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
			}
		}
		for _, t := range ids {
			if t == s {
				continue
			}
			d, ok := dist[t]
			if !ok {
				continue
			}
			var paths [][]string
			var walk func(p []string)
			walk = func(p []string) {
				last := p[len(p)-1]
				if len(p)-1 == d {
					if last == t {
						paths = append(paths, slices.Clone(p))
					}
					return
				}
				for _, w := range targets[last] {
					if dist[w] == len(p) {
						walk(append(p, w))
					}
				}
			}
			walk([]string{s})
			for _, p := range paths {
				for _, v := range p[1 : len(p)-1] {
					out[v] += 1 / float64(len(paths))
				}
			}
		}
	}
	return out
}

func TestBetweennessMatchesBruteForceAndAnalysis(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 30 {
		b := randomNetwork(r, 3+round%6, 0.35)
		ids, targets := brokerTargets(b)
		all, err := rankBrokers(t.Context(), ids, targets, len(ids))
		if err != nil {
			t.Fatal(err)
		}
		want := bruteBetweenness(ids, targets)
		for _, br := range all {
			if br.Score != round6(want[br.ID]) {
				t.Fatalf("round %d: %s scores %v, brute force %v", round, br.ID, br.Score, want[br.ID])
			}
		}
		top, err := rankBrokers(t.Context(), ids, targets, 4)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := analysis.Brokers(t.Context(), b, 4)
		if err != nil {
			t.Fatal(err)
		}
		if !equalJSON(t, top, ref) {
			t.Fatalf("round %d: brokers %v, analysis.Brokers %v", round, top, ref)
		}
	}
}

func TestElementaryCyclesMatchAnalysis(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 40 {
		n := 3 + round%6
		b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: "w", Name: "W", Language: "en"}}
		for i := range n {
			b.Trajectories = append(b.Trajectories, graph.Trajectory{ID: fmt.Sprintf("t%d", i), Name: "T", Status: "done"})
		}
		var edges []edge
		for i := range n {
			for j := range n {
				if i != j && r.Float64() < 0.35 {
					from, to := b.Trajectories[i].ID, b.Trajectories[j].ID
					b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: from, On: to})
					edges = append(edges, edge{from: from, to: to})
				}
			}
		}
		cycles, err := dependencyCycles(t.Context(), edges)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cycles {
			got = append(got, strings.Join(c, ">"))
		}
		slices.Sort(got)
		fs, err := analysis.Findings(t.Context(), b, graph.FindingParams{AsOf: "2026-01-01", Only: graph.GroupStrategy})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range fs {
			if f.Code == graph.CodeDependencyCycle {
				if f.Subject != f.Related[0] {
					t.Fatalf("analysis cycle %v does not start at its subject", f)
				}
				want = append(want, strings.Join(f.Related, ">"))
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: cycles %v, analysis %v", round, got, want)
		}
	}
}

func TestFinishingOnGeneratedWorkspace(t *testing.T) {
	// A realistic bundle of the size users have: the Go half must agree
	// with the Go analyses there too.
	b := storetest.Generate(7, 120, 20, 600)
	ids, targets := brokerTargets(b)
	ref, err := analysis.Brokers(t.Context(), b, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rankBrokers(t.Context(), ids, targets, 10); err != nil || !equalJSON(t, got, ref) {
		t.Errorf("brokers %v, analysis %v", got, ref)
	}
	for i, mode := range []string{graph.ModeStrongest, graph.ModeShortest} {
		q := graph.PathQuery{From: b.Stakeholders[i].ID, To: b.Stakeholders[len(b.Stakeholders)-1-i].ID, Mode: mode, K: 5}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		want, err := analysis.Paths(t.Context(), b, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustFinishPaths(t, networkEdges(b, q.HierarchyStrength), q); !equalJSON(t, got, want) {
			t.Errorf("%s: paths %v, analysis %v", mode, got, want)
		}
	}
}
