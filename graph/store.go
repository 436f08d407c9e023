package graph

import (
	"context"
	"fmt"
)

// Store keeps workspaces and everything in them. Every method is safe for
// concurrent use. Errors wrap ErrNotFound, ErrConflict (ErrStale for a
// version mismatch) or ErrInvalid (a *ValidationError) where the method says
// so; any other error is the backend's own failure.
//
// Node versions are positive and never reused for one node id: every write
// gives the nodes it changes a version that no node of that id had before,
// in this workspace or in an earlier workspace of the same id, so a version
// (an ETag) read before a delete never matches what is created after it.
type Store interface {
	// Workspaces lists every workspace, sorted by id.
	Workspaces(ctx context.Context) ([]Workspace, error)
	// Workspace returns one workspace, or ErrNotFound.
	Workspace(ctx context.Context, id string) (Workspace, error)
	// CreateWorkspace adds an empty workspace: ErrInvalid for a bad one,
	// ErrConflict when the id is taken.
	CreateWorkspace(ctx context.Context, w Workspace) error
	// DeleteWorkspace removes a workspace and everything in it, its
	// records included, or returns ErrNotFound. pre is checked in the same
	// transaction: ErrStale when it does not hold.
	DeleteWorkspace(ctx context.Context, id string, pre Precondition) error

	// CreateNode adds a node and returns its version. ErrNotFound: no
	// such workspace. ErrInvalid: the node or its references are bad.
	// ErrConflict: the id is taken by a node of any kind.
	CreateNode(ctx context.Context, ws string, n Node) (int64, error)
	// Node returns the node of that kind and id with its version, or
	// ErrNotFound (also when the id belongs to another kind).
	Node(ctx context.Context, ws string, kind Kind, id string) (Node, int64, error)
	// UpdateNode replaces a node and returns its new version. version is
	// the version the caller read; 0 means "whatever is stored". ErrNotFound:
	// no such node. ErrStale: version is not current. ErrInvalid: bad node
	// or references.
	UpdateNode(ctx context.Context, ws string, n Node, version int64) (int64, error)
	// DeleteNode removes a node with its relationships; a deleted
	// stakeholder leaves the engagements it was in (an engagement left
	// with nobody is deleted) and the enablers it owned; a deleted
	// trajectory leaves the engagements about it. version as in UpdateNode.
	DeleteNode(ctx context.Context, ws string, kind Kind, id string, version int64) error
	// Nodes lists the nodes of one kind sorted by id.
	Nodes(ctx context.Context, ws string, kind Kind) ([]Node, error)

	// AddRelation adds a relationship. ErrNotFound: no such workspace.
	// ErrInvalid: bad fields or ends. ErrConflict: one with the same key
	// exists.
	AddRelation(ctx context.Context, ws string, r Relation) error
	// RemoveRelation removes the relationship with r's key, or returns
	// ErrNotFound.
	RemoveRelation(ctx context.Context, ws string, kind RelKind, key RelKey) error
	// Relations lists the relationships of one kind in canonical order.
	Relations(ctx context.Context, ws string, kind RelKind) ([]Relation, error)

	// ImportBundle validates b and, when it is valid, replaces the
	// workspace b.Workspace.ID with it (creating the workspace if needed)
	// in one transaction: all or nothing. ErrInvalid lists every problem;
	// ErrStale: pre does not hold (checked in the same transaction).
	ImportBundle(ctx context.Context, b *Bundle, pre Precondition) error
	// ExportBundle returns the whole workspace in canonical order with
	// defaults applied, or ErrNotFound.
	ExportBundle(ctx context.Context, ws string) (*Bundle, error)
	// Revision returns a token that changes whenever anything in the
	// workspace changes and is never reused for other content, for cache
	// keys and ETags. ErrNotFound: no such workspace.
	Revision(ctx context.Context, ws string) (string, error)

	// RecordStore keeps the service's own state (accounts, sessions,
	// tokens, share links) beside the workspaces.
	RecordStore

	// Close releases the store; it must not be used afterwards.
	Close() error
}

// Precondition makes a write to a whole workspace conditional on the
// workspace's state at the moment of writing, as HTTP's If-Match and
// If-None-Match do. The zero value makes no condition.
type Precondition struct {
	// Revision, when set, must be the workspace's current revision.
	Revision string
	// Exists requires the workspace to exist; Absent requires it not to.
	Exists, Absent bool
}

// Check returns nil when p holds for a workspace that exists (or not) with
// the revision, and an error wrapping ErrStale when it does not. Backends
// call it inside their write transaction.
func (p Precondition) Check(exists bool, revision string) error {
	switch {
	case p.Absent && exists:
		return fmt.Errorf("precondition failed: the workspace exists already: %w", ErrStale)
	case (p.Exists || p.Revision != "") && !exists:
		return fmt.Errorf("precondition failed: the workspace does not exist: %w", ErrStale)
	case p.Revision != "" && p.Revision != revision:
		return fmt.Errorf("precondition failed: the workspace has changed (revision %s, not %s): %w", revision, p.Revision, ErrStale)
	}
	return nil
}

// Backend is a complete stakemap backend: it stores workspaces and answers
// the analyses over them.
type Backend interface {
	Store
	Analyzer
}

// Get returns the node of type T with the id, and its version.
func Get[T Node](ctx context.Context, s Store, ws, id string) (T, int64, error) {
	var zero T
	n, v, err := s.Node(ctx, ws, zero.NodeKind(), id)
	if err != nil {
		return zero, 0, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, 0, ErrNotFound
	}
	return t, v, nil
}

// List returns every node of type T in a workspace, sorted by id.
func List[T Node](ctx context.Context, s Store, ws string) ([]T, error) {
	var zero T
	ns, err := s.Nodes(ctx, ws, zero.NodeKind())
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ns))
	for _, n := range ns {
		if t, ok := n.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
