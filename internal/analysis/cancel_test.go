package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// endsAfter is a context that ends after its Err method has been asked n
// times: it stops an analysis at a chosen point of its work, the same on
// every machine, where a timer would stop it wherever the machine had got.
type endsAfter struct {
	context.Context
	left atomic.Int64
}

func newEndsAfter(n int64) *endsAfter {
	c := &endsAfter{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *endsAfter) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// asked reports whether the analysis asked the context at all.
func (c *endsAfter) asked(n int64) bool { return c.left.Load() < n }

// wideNetwork is a random influence network of n stakeholders with deg
// influences each, large enough that the analyses look at their context
// many times.
func wideNetwork(n, deg int) *graph.Bundle {
	r := rand.New(rand.NewPCG(uint64(n), uint64(deg)))
	strengths := []float64{0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5}
	b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: "ws", Name: "WS", Language: graph.LangEN}}
	for i := range n {
		b.Stakeholders = append(b.Stakeholders, person(fmt.Sprintf("s%06d", i), 3, 3))
	}
	for i := range n {
		for range deg {
			if j := r.IntN(n); j != i {
				b.Influences = append(b.Influences, graph.Influence{From: b.Stakeholders[i].ID, To: b.Stakeholders[j].ID, Strength: strengths[r.IntN(len(strengths))]})
			}
		}
	}
	return b
}

// TestAnalysesStopWhenTheContextEnds: brokers, paths and the dependency
// cycles give up with the context's error wherever in their work it ends,
// and a snapshot whose computation was given up answers the next caller
// in full.
func TestAnalysesStopWhenTheContextEnds(t *testing.T) {
	net := wideNetwork(1500, 6)
	ring := bundleOf(func(b *graph.Bundle) {
		// One long ring of dependencies: a single cycle, but the search
		// visits the ring once from every start.
		const n = 1500
		for i := range n {
			b.Trajectories = append(b.Trajectories, graph.Trajectory{ID: fmt.Sprintf("t%05d", i), Name: "T", Status: "idea"})
		}
		for i := range n {
			b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: fmt.Sprintf("t%05d", i), On: fmt.Sprintf("t%05d", (i+1)%n)})
		}
	})
	q := graph.PathQuery{From: net.Stakeholders[1].ID, To: net.Stakeholders[2].ID, K: graph.MaxK, MaxHops: graph.MaxMaxHops}
	tests := []struct {
		name string
		run  func(ctx context.Context, s *analysis.Snapshot) error
	}{
		{"Brokers", func(ctx context.Context, s *analysis.Snapshot) error {
			_, err := s.Brokers(ctx, 10)
			return err
		}},
		{"PathsStrongest", func(ctx context.Context, s *analysis.Snapshot) error {
			_, err := s.Paths(ctx, q)
			return err
		}},
		{"PathsShortest", func(ctx context.Context, s *analysis.Snapshot) error {
			q := q
			q.Mode = graph.ModeShortest
			_, err := s.Paths(ctx, q)
			return err
		}},
		{"DependencyCycles", func(ctx context.Context, s *analysis.Snapshot) error {
			_, err := s.Findings(ctx, graph.FindingParams{AsOf: asOf, Only: graph.GroupStrategy})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := net
			if tt.name == "DependencyCycles" {
				b = ring
			}
			s := analysis.Prepare(b)
			for _, after := range []int64{0, 1, 3, 10} {
				ctx := newEndsAfter(after)
				err := tt.run(ctx, s)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("context ending after %d looks: err = %v, want context.Canceled", after, err)
				}
				if after > 0 && !ctx.asked(after) {
					t.Fatalf("context ending after %d looks was never looked at", after)
				}
			}
			if err := tt.run(t.Context(), s); err != nil {
				t.Fatalf("after the given-up runs: %v", err)
			}
		})
	}
}

// TestBrokersGivenUpAgreesWithFresh: the betweenness a snapshot keeps
// after a given-up computation is the one a fresh snapshot computes.
func TestBrokersGivenUpAgreesWithFresh(t *testing.T) {
	b := wideNetwork(400, 4)
	s := analysis.Prepare(b)
	if _, err := s.Brokers(newEndsAfter(5), 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	got, err := s.Brokers(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	want, err := analysis.Brokers(t.Context(), b, 10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after giving up: %v, fresh: %v", got, want)
	}
}

// TestDependencyCyclesBounded: dependencies among a dozen trajectories
// that all depend on each other hold about 10^8 elementary cycles; the
// findings refuse them with an error naming dependsOn instead of listing
// them for hours. Below the bound the cycles are listed.
func TestDependencyCyclesBounded(t *testing.T) {
	complete := func(n int) *graph.Bundle {
		return bundleOf(func(b *graph.Bundle) {
			for i := range n {
				b.Trajectories = append(b.Trajectories, graph.Trajectory{ID: fmt.Sprintf("t%02d", i), Name: "T", Status: "running"})
			}
			for i := range n {
				for j := range n {
					if i != j {
						b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: fmt.Sprintf("t%02d", i), On: fmt.Sprintf("t%02d", j)})
					}
				}
			}
		})
	}
	// Five trajectories: 84 cycles (sum over k of C(5,k)·(k-1)!).
	fs, err := analysis.Findings(t.Context(), complete(5), graph.FindingParams{AsOf: asOf, Only: graph.GroupStrategy})
	if err != nil {
		t.Fatal(err)
	}
	cycles := 0
	for _, f := range fs {
		if f.Code == graph.CodeDependencyCycle {
			cycles++
		}
	}
	if cycles != 84 {
		t.Errorf("%d cycles among 5 trajectories, want 84", cycles)
	}

	_, err = analysis.Findings(t.Context(), complete(12), graph.FindingParams{AsOf: asOf})
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok || len(ve.Problems) != 1 || ve.Problems[0].Field != "dependsOn" {
		t.Fatalf("err = %v, want ErrInvalid naming dependsOn", err)
	}
}
