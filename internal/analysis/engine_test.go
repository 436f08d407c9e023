package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// memStore is the part of a graph.Store the Engine uses: revisions and
// exports, counted. Other methods are not called by the Engine.
type memStore struct {
	graph.Store
	mu      sync.Mutex
	bundles map[string]*graph.Bundle
	revs    map[string]int
	exports int
}

func (m *memStore) Revision(_ context.Context, ws string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.bundles[ws]; !ok {
		return "", fmt.Errorf("workspace %q: %w", ws, graph.ErrNotFound)
	}
	return fmt.Sprint(m.revs[ws]), nil
}

func (m *memStore) ExportBundle(_ context.Context, ws string) (*graph.Bundle, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.bundles[ws]
	if !ok {
		return nil, fmt.Errorf("workspace %q: %w", ws, graph.ErrNotFound)
	}
	m.exports++
	return b, nil
}

func (m *memStore) put(ws string, b *graph.Bundle) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bundles[ws] = b
	m.revs[ws]++
}

func (m *memStore) exportCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exports
}

func TestEngine(t *testing.T) {
	ctx := t.Context()
	st := &memStore{bundles: map[string]*graph.Bundle{}, revs: map[string]int{}}
	st.put("a", healthy())
	e := analysis.New(st)

	t.Run("OK/cached per revision", func(t *testing.T) {
		for range 3 {
			if _, err := e.Findings(ctx, "a", graph.FindingParams{AsOf: asOf}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Grid(ctx, "a", "t1", 0); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Paths(ctx, "a", graph.PathQuery{From: "dir", To: "mgr"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Brokers(ctx, "a", 0); err != nil {
				t.Fatal(err)
			}
		}
		if n := st.exportCount(); n != 1 {
			t.Errorf("%d exports, want 1", n)
		}
		changed := healthy()
		changed.Stakes = nil
		st.put("a", changed)
		fs, err := e.Findings(ctx, "a", graph.FindingParams{AsOf: asOf, Only: graph.GroupCoOwnership})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 3 || st.exportCount() != 2 {
			t.Errorf("after a change: %d findings and %d exports, want 3 and 2", len(fs), st.exportCount())
		}
	})
	t.Run("OK/concurrent", func(t *testing.T) {
		st.put("b", healthy())
		before := st.exportCount()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := e.Findings(ctx, "b", graph.FindingParams{AsOf: asOf}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := st.exportCount() - before; n != 1 {
			t.Errorf("%d exports for 8 concurrent queries, want 1", n)
		}
	})
	t.Run("OK/bounded", func(t *testing.T) {
		for i := range 20 {
			st.put(fmt.Sprint("w", i), healthy())
			if _, err := e.Grid(ctx, fmt.Sprint("w", i), "", 0); err != nil {
				t.Fatal(err)
			}
		}
		before := st.exportCount()
		if _, err := e.Grid(ctx, "w0", "", 0); err != nil {
			t.Fatal(err)
		}
		if st.exportCount() != before+1 {
			t.Errorf("the oldest of 20 workspaces is still cached: the cache is not bounded")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := e.Findings(ctx, "nope", graph.FindingParams{}); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("workspace: got %v", err)
		}
		if _, err := e.Grid(ctx, "a", "nope", 0); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("trajectory: got %v", err)
		}
		if _, err := e.Paths(ctx, "a", graph.PathQuery{From: "dir", To: "nope"}); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("stakeholder: got %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := e.Findings(ctx, "a", graph.FindingParams{High: 9}); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("findings: got %v", err)
		}
		if _, err := e.Brokers(ctx, "a", -3); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("brokers: got %v", err)
		}
		if _, err := e.Grid(ctx, "a", "", 7); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("grid: got %v", err)
		}
	})
}

func TestEngineDropsOlderRevisions(t *testing.T) {
	ctx := t.Context()
	st := &memStore{bundles: map[string]*graph.Bundle{}, revs: map[string]int{}}
	e := analysis.New(st)
	st.put("a", healthy())
	first, err := e.Snapshot(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	st.put("a", healthy())
	second, err := e.Snapshot(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatal("a new revision reused the old snapshot")
	}
	again, err := e.Snapshot(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if again != second || st.exportCount() != 2 {
		t.Errorf("the current revision was not served from the cache (%d exports)", st.exportCount())
	}
}
