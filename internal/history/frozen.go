package history

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// Frozen is a read-only graph.Backend over one workspace as it was at a
// point: every read and analysis of the surfaces can run on it unchanged.
// Analyses default asOf to the point's date. Writes are refused.
type Frozen struct {
	// RecordStore is the service's own state (accounts, tokens, links),
	// which has no past: it is the store's own, or nil for none.
	graph.RecordStore

	b        *graph.Bundle
	point    Point
	revision string

	once sync.Once
	snap *analysis.Snapshot
}

var _ graph.Backend = (*Frozen)(nil)

// Freeze reads the workspace at p from s and returns it as a Frozen
// backend.
func Freeze(ctx context.Context, s Store, ws string, p Point) (*Frozen, error) {
	// The current revision is read first: an erasure or a purge changes
	// the past and the revision, so a cached answer about the past is
	// never served once the past has been rewritten.
	rev, err := s.Revision(ctx, ws)
	if err != nil {
		return nil, err
	}
	b, err := State(ctx, s, ws, p)
	if err != nil {
		return nil, err
	}
	f := NewFrozen(b, p, rev)
	f.RecordStore = s
	return f, nil
}

// NewFrozen wraps a state already at hand; current is the workspace's
// revision when it was read.
func NewFrozen(b *graph.Bundle, p Point, current string) *Frozen {
	// The revision names the instant and the current revision, so caches
	// and ETags of a past state never mix with the current one's, nor
	// outlive an erasure that rewrote that past.
	return &Frozen{b: b, point: p, revision: "at-" + strconv.FormatInt(p.At.UnixNano(), 36) + "-" + current}
}

// Bundle returns the state; the caller must not change it.
func (f *Frozen) Bundle() *graph.Bundle { return f.b }

// Point returns the point the state is of.
func (f *Frozen) Point() Point { return f.point }

// errReadOnly refuses a write to a past state.
func errReadOnly() error {
	return graph.Invalid([]graph.Problem{{Field: "at", Reason: "reads the past: a change can only be made to the current state"}})
}

func (f *Frozen) own(ws string) error {
	if ws != f.b.Workspace.ID {
		return fmt.Errorf("workspace %q: %w", ws, graph.ErrNotFound)
	}
	return nil
}

// Workspaces lists the one workspace.
func (f *Frozen) Workspaces(context.Context) ([]graph.Workspace, error) {
	return []graph.Workspace{f.b.Workspace}, nil
}

// Workspace returns the workspace as it was.
func (f *Frozen) Workspace(_ context.Context, id string) (graph.Workspace, error) {
	return f.b.Workspace, f.own(id)
}

// CreateWorkspace is refused.
func (f *Frozen) CreateWorkspace(context.Context, graph.Workspace) error { return errReadOnly() }

// DeleteWorkspace is refused.
func (f *Frozen) DeleteWorkspace(context.Context, string, graph.Precondition) error {
	return errReadOnly()
}

// CreateNode is refused.
func (f *Frozen) CreateNode(context.Context, string, graph.Node) (int64, error) {
	return 0, errReadOnly()
}

// Node returns a node as it was; its version is 0, for it is no version
// one can write on.
func (f *Frozen) Node(_ context.Context, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	if err := f.own(ws); err != nil {
		return nil, 0, err
	}
	var found graph.Node
	f.b.Nodes(func(_ string, _ int, n graph.Node) {
		if found == nil && n.NodeKind() == kind && n.NodeID() == id {
			found = n
		}
	})
	if found == nil {
		return nil, 0, fmt.Errorf("%s %q at %s: %w", kind, id, f.point.Raw, graph.ErrNotFound)
	}
	return found, 0, nil
}

// UpdateNode is refused.
func (f *Frozen) UpdateNode(context.Context, string, graph.Node, int64) (int64, error) {
	return 0, errReadOnly()
}

// DeleteNode is refused.
func (f *Frozen) DeleteNode(context.Context, string, graph.Kind, string, int64) error {
	return errReadOnly()
}

// Nodes lists the nodes of a kind as they were.
func (f *Frozen) Nodes(_ context.Context, ws string, kind graph.Kind) ([]graph.Node, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	out := []graph.Node{}
	f.b.Nodes(func(_ string, _ int, n graph.Node) {
		if n.NodeKind() == kind {
			out = append(out, n)
		}
	})
	return out, nil
}

// AddRelation is refused.
func (f *Frozen) AddRelation(context.Context, string, graph.Relation) error { return errReadOnly() }

// RemoveRelation is refused.
func (f *Frozen) RemoveRelation(context.Context, string, graph.RelKind, graph.RelKey) error {
	return errReadOnly()
}

// Relations lists the relationships of a kind as they were.
func (f *Frozen) Relations(_ context.Context, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	out := []graph.Relation{}
	f.b.Relations(func(_ string, _ int, r graph.Relation) {
		if r.RelKind() == kind {
			out = append(out, r)
		}
	})
	return out, nil
}

// ImportBundle is refused.
func (f *Frozen) ImportBundle(context.Context, *graph.Bundle, graph.Precondition) error {
	return errReadOnly()
}

// ExportBundle returns a copy of the state.
func (f *Frozen) ExportBundle(_ context.Context, ws string) (*graph.Bundle, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	return f.b.Clone(), nil
}

// Revision names the point.
func (f *Frozen) Revision(_ context.Context, ws string) (string, error) {
	return f.revision, f.own(ws)
}

// Close does nothing.
func (f *Frozen) Close() error { return nil }

func (f *Frozen) snapshot() *analysis.Snapshot {
	f.once.Do(func() { f.snap = analysis.Prepare(f.b) })
	return f.snap
}

// Findings analyses the state, as of the point's date unless p says.
func (f *Frozen) Findings(ctx context.Context, ws string, p graph.FindingParams) ([]graph.Finding, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	if p.AsOf == "" {
		p.AsOf = f.point.Date()
	}
	return f.snapshot().Findings(ctx, p)
}

// Grid places the stakeholders as they were.
func (f *Frozen) Grid(_ context.Context, ws, trajectory string, high int) (graph.Grid, error) {
	if err := f.own(ws); err != nil {
		return graph.Grid{}, err
	}
	return f.snapshot().Grid(trajectory, high)
}

// Paths finds influence paths as they were.
func (f *Frozen) Paths(ctx context.Context, ws string, q graph.PathQuery) ([]graph.Path, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	return f.snapshot().Paths(ctx, q)
}

// Brokers ranks brokers as they were.
func (f *Frozen) Brokers(ctx context.Context, ws string, top int) ([]graph.Broker, error) {
	if err := f.own(ws); err != nil {
		return nil, err
	}
	return f.snapshot().Brokers(ctx, top)
}
