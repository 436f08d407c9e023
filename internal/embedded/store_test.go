package embedded_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/embedded"
)

// mustOpen opens a store in a fresh file that is closed when the test ends.
func mustOpen(tb testing.TB) *embedded.Store {
	tb.Helper()
	s, err := embedded.Open(filepath.Join(tb.TempDir(), "stakemap.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return mustOpen(t) })
}

// TestOddInputs covers inputs beyond the contract's examples: pointers to
// nodes and relationships, nil ones, and relationship keys no relationship
// can have.
func TestOddInputs(t *testing.T) {
	ctx := t.Context()
	s := mustOpen(t)
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: "w", Name: "W"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateNode(ctx, "w", &graph.Goal{ID: "g", Name: "Goal"}); err != nil {
		t.Errorf("CreateNode(pointer): %v", err)
	}
	if _, err := s.CreateNode(ctx, "w", (*graph.Goal)(nil)); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("CreateNode(nil pointer) = %v, want ErrInvalid", err)
	}
	if _, err := s.CreateNode(ctx, "w", nil); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("CreateNode(nil) = %v, want ErrInvalid", err)
	}
	if _, err := s.CreateNode(ctx, "w", &graph.Trajectory{ID: "t", Name: "T"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRelation(ctx, "w", &graph.Supports{Trajectory: "t", Goal: "g"}); err != nil {
		t.Errorf("AddRelation(pointer): %v", err)
	}
	for _, key := range []graph.RelKey{{A: "t\x00g"}, {A: "t", B: "g\x00"}, {A: "t", B: "g", C: "x"}} {
		if err := s.RemoveRelation(ctx, "w", graph.RelSupports, key); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("RemoveRelation(%q) = %v, want ErrNotFound", key, err)
		}
	}
	if _, err := s.Nodes(ctx, "w", "person"); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Nodes(unknown kind) = %v, want ErrInvalid", err)
	}
	if _, err := s.Relations(ctx, "w", "likes"); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Relations(unknown kind) = %v, want ErrInvalid", err)
	}
	if err := s.ImportBundle(ctx, nil, graph.Precondition{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("ImportBundle(nil) = %v, want ErrInvalid", err)
	}
	rels, err := s.Relations(ctx, "w", graph.RelSupports)
	if err != nil || len(rels) != 1 {
		t.Errorf("Relations = %v, %v; want the one supports", rels, err)
	}
}
