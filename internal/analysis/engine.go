package analysis

import (
	"context"
	"fmt"
	"sync"

	"github.com/stakemap/stakemap/graph"
)

// Snapshot is a bundle prepared for repeated analyses: build it once with
// Prepare and query it as often as needed. It is safe for concurrent use;
// the bundle must not change while the snapshot is in use.
type Snapshot struct{ ix *index }

// Prepare indexes a bundle for the analyses. It does not modify b.
func Prepare(b *graph.Bundle) *Snapshot { return &Snapshot{ix: prepare(b)} }

// Findings is the package-level Findings on the prepared bundle.
func (s *Snapshot) Findings(ctx context.Context, p graph.FindingParams) ([]graph.Finding, error) {
	if err := p.Normalize(); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	return s.ix.findings(ctx, p)
}

// Grid is the package-level Grid on the prepared bundle; it takes time
// linear in the stakes, so it needs no context.
func (s *Snapshot) Grid(trajectory string, high int) (graph.Grid, error) {
	high, err := graph.NormalizeHigh(high)
	if err != nil {
		return graph.Grid{}, fmt.Errorf("grid: %w", err)
	}
	return s.ix.grid(trajectory, high)
}

// Paths is the package-level Paths on the prepared bundle.
func (s *Snapshot) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	return s.ix.paths(ctx, q)
}

// Brokers is the package-level Brokers on the prepared bundle; the
// centrality is computed once per snapshot (a computation whose caller
// gave up is not kept).
func (s *Snapshot) Brokers(ctx context.Context, top int) ([]graph.Broker, error) {
	top, err := graph.NormalizeTop(top)
	if err != nil {
		return nil, fmt.Errorf("brokers: %w", err)
	}
	return s.ix.brokers(ctx, top)
}

// cacheSize bounds how many prepared workspace revisions an Engine keeps.
const cacheSize = 8

// Engine answers the analyses for any graph.Store. It reads a workspace
// with ExportBundle and keeps the prepared snapshot per (workspace,
// revision), so repeated queries on unchanged data do not export again.
type Engine struct {
	store graph.Store

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	clock   uint64
}

var _ graph.Analyzer = (*Engine)(nil)

type cacheKey struct{ ws, rev string }

type cacheEntry struct {
	ready chan struct{} // closed when snap or err is set
	snap  *Snapshot
	err   error
	used  uint64
}

// New returns an Engine over s.
func New(s graph.Store) *Engine {
	return &Engine{store: s, entries: map[cacheKey]*cacheEntry{}}
}

// Snapshot returns the prepared snapshot of a workspace's current
// revision, from the cache when it is there. ErrNotFound: no such
// workspace.
func (e *Engine) Snapshot(ctx context.Context, ws string) (*Snapshot, error) {
	rev, err := e.store.Revision(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("analysis of workspace %q: %w", ws, err)
	}
	key := cacheKey{ws, rev}
	e.mu.Lock()
	e.clock++
	if ent, ok := e.entries[key]; ok {
		ent.used = e.clock
		e.mu.Unlock()
		select {
		case <-ent.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if ent.err == nil {
			return ent.snap, nil
		}
		// The loader failed (perhaps its caller gave up): load afresh.
		snap, _, err := e.load(ctx, ws, rev)
		return snap, err
	}
	ent := &cacheEntry{ready: make(chan struct{}), used: e.clock}
	// Revisions are never reused, so older snapshots of this workspace
	// will not be asked for again: drop them rather than hold their memory.
	for k, old := range e.entries {
		if k.ws == ws && isReady(old) {
			delete(e.entries, k)
		}
	}
	e.entries[key] = ent
	e.evict()
	e.mu.Unlock()

	snap, stable, err := e.load(ctx, ws, rev)
	ent.snap, ent.err = snap, err
	if err != nil || !stable {
		e.mu.Lock()
		delete(e.entries, key)
		e.mu.Unlock()
	}
	close(ent.ready)
	return snap, err
}

// load exports and prepares a workspace. stable is false when the revision
// moved during the export: the snapshot is still a consistent one, but it
// may not be rev's, so it must not be cached under rev.
func (e *Engine) load(ctx context.Context, ws, rev string) (snap *Snapshot, stable bool, err error) {
	b, err := e.store.ExportBundle(ctx, ws)
	if err != nil {
		return nil, false, fmt.Errorf("analysis of workspace %q: %w", ws, err)
	}
	snap = Prepare(b)
	after, err := e.store.Revision(ctx, ws)
	return snap, err == nil && after == rev, nil
}

// evict drops the least recently used finished entries beyond cacheSize.
// Called with e.mu held.
func (e *Engine) evict() {
	for len(e.entries) > cacheSize {
		var oldest cacheKey
		var found bool
		var at uint64
		for k, ent := range e.entries {
			if !isReady(ent) {
				continue // still loading: its waiters need it
			}
			if !found || ent.used < at {
				oldest, at, found = k, ent.used, true
			}
		}
		if !found {
			return
		}
		delete(e.entries, oldest)
	}
}

// Findings implements graph.Analyzer.
func (e *Engine) Findings(ctx context.Context, ws string, p graph.FindingParams) ([]graph.Finding, error) {
	if err := p.Normalize(); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	s, err := e.Snapshot(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.Findings(ctx, p)
}

// Grid implements graph.Analyzer.
func (e *Engine) Grid(ctx context.Context, ws, trajectory string, high int) (graph.Grid, error) {
	if _, err := graph.NormalizeHigh(high); err != nil {
		return graph.Grid{}, fmt.Errorf("grid: %w", err)
	}
	s, err := e.Snapshot(ctx, ws)
	if err != nil {
		return graph.Grid{}, err
	}
	return s.Grid(trajectory, high)
}

// Paths implements graph.Analyzer.
func (e *Engine) Paths(ctx context.Context, ws string, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	s, err := e.Snapshot(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.Paths(ctx, q)
}

// Brokers implements graph.Analyzer.
func (e *Engine) Brokers(ctx context.Context, ws string, top int) ([]graph.Broker, error) {
	if _, err := graph.NormalizeTop(top); err != nil {
		return nil, fmt.Errorf("brokers: %w", err)
	}
	s, err := e.Snapshot(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.Brokers(ctx, top)
}

func isReady(ent *cacheEntry) bool {
	select {
	case <-ent.ready:
		return true
	default:
		return false
	}
}
