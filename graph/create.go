package graph

import (
	"context"
	"errors"
	"fmt"
)

// IDBase returns what an id is made from when a node is created without
// one (DESIGN §2): its name, and for an engagement, which has none, its
// date as the fallback.
func IDBase(n Node) (name, fallback string) {
	switch x := NormalizeNode(n).(type) {
	case Stakeholder:
		return x.Name, ""
	case Trajectory:
		return x.Name, ""
	case Goal:
		return x.Name, ""
	case Enabler:
		return x.Name, ""
	case Engagement:
		return "", x.Date
	}
	return "", ""
}

// WithID returns n (as NormalizeNode gives it) with its id set to id.
func WithID(n Node, id string) Node {
	switch x := NormalizeNode(n).(type) {
	case Stakeholder:
		x.ID = id
		return x
	case Trajectory:
		x.ID = id
		return x
	case Goal:
		x.ID = id
		return x
	case Enabler:
		x.ID = id
		return x
	case Engagement:
		x.ID = id
		return x
	}
	return n
}

// newIDAttempts bounds how often CreateNamed tries again when another
// writer takes the id it chose between its look and its write.
const newIDAttempts = 5

// CreateNamed adds n to the workspace as Store.CreateNode does and, when n
// has no id, first gives it one made from its name: "Jan de Vries" →
// jan-de-vries, then jan-de-vries-2, …; an engagement's from its date. It
// returns the node as stored, with its id, and its version. Every surface
// (API, pages, assistants, spreadsheets) names new nodes this one way.
func CreateNamed(ctx context.Context, s Store, ws string, n Node) (Node, int64, error) {
	if n == nil || NormalizeNode(n) == nil {
		v, err := s.CreateNode(ctx, ws, n)
		return nil, v, err
	}
	n = NormalizeNode(n)
	if n.NodeID() != "" {
		v, err := s.CreateNode(ctx, ws, n)
		return n, v, err
	}
	// An invalid node gets no id made for it: its problems name it as new.
	if err := Invalid(ValidateNode(WithID(n, "new"), "new "+string(n.NodeKind()))); err != nil {
		return nil, 0, err
	}
	name, fallback := IDBase(n)
	// Most names are free: try the plain slug before listing the
	// workspace's ids.
	tried := map[string]bool{}
	var taken map[string]bool
	for range newIDAttempts {
		id := NewID(name, fallback, func(id string) bool { return tried[id] || taken[id] })
		c := WithID(n, id)
		v, err := s.CreateNode(ctx, ws, c)
		if !errors.Is(err, ErrConflict) {
			return c, v, err
		}
		tried[id] = true
		if taken == nil {
			if taken, err = nodeIDs(ctx, s, ws); err != nil {
				return nil, 0, err
			}
		}
	}
	return nil, 0, fmt.Errorf("no free id for %q after %d tries: other writers keep taking them: %w", name+fallback, newIDAttempts, ErrConflict)
}

// nodeIDs returns the ids of every node of the workspace.
func nodeIDs(ctx context.Context, s Store, ws string) (map[string]bool, error) {
	ids := map[string]bool{}
	for _, k := range Kinds {
		ns, err := s.Nodes(ctx, ws, k)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			ids[n.NodeID()] = true
		}
	}
	return ids, nil
}
