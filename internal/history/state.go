package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/stakemap/stakemap/graph"
)

type nodeKey struct {
	kind graph.Kind
	id   string
}

type relKey struct {
	kind graph.RelKind
	key  graph.RelKey
}

// delta is how a past state differs from the current one: for every
// entity an event touched, its value then (nil: it did not exist). Undoing
// events only fills the delta, so the cost of going back is the number of
// events, not the size of the workspace; apply then copies the current
// state once with the delta laid over it.
type delta struct {
	ws    *graph.Workspace
	gone  bool
	nodes map[nodeKey]graph.Node
	rels  map[relKey]graph.Relation
}

func newDelta() *delta {
	return &delta{nodes: map[nodeKey]graph.Node{}, rels: map[relKey]graph.Relation{}}
}

func (d *delta) clone() *delta {
	c := *d
	c.nodes, c.rels = maps.Clone(d.nodes), maps.Clone(d.rels)
	return &c
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// undo sets the entity of e back to e.Before.
func (d *delta) undo(e graph.Event) error {
	if e.Kind == graph.KindWorkspace {
		if isNull(e.Before) {
			d.gone = true
			return nil
		}
		var w graph.Workspace
		if err := json.Unmarshal(e.Before, &w); err != nil {
			return fmt.Errorf("event %d: workspace: %w", e.Seq, err)
		}
		d.ws, d.gone = &w, false
		return nil
	}
	if rk, ok := graph.RelKindOfCompare(e.Kind); ok {
		key, ok := graph.KeyOfMap(rk, e.Key)
		if !ok {
			return fmt.Errorf("event %d: %s without its key", e.Seq, e.Kind)
		}
		var r graph.Relation
		if !isNull(e.Before) {
			var err error
			if r, err = graph.DecodeRelation(rk, e.Before); err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
		}
		d.rels[relKey{rk, key}] = r
		return nil
	}
	if e.Action == graph.ActionErase {
		return nil // the audit record of an erasure changes no data
	}
	k := nodeKey{graph.Kind(e.Kind), e.ID}
	var n graph.Node
	if !isNull(e.Before) {
		var err error
		if n, err = graph.DecodeNode(k.kind, e.Before); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
	}
	d.nodes[k] = n
	return nil
}

// apply returns a new bundle: cur with the delta laid over it, in
// canonical order with defaults applied. cur is not changed.
func (d *delta) apply(cur *graph.Bundle) *graph.Bundle {
	b := &graph.Bundle{Format: graph.Format, Workspace: cur.Workspace}
	if d.ws != nil {
		b.Workspace = *d.ws
	}
	seenN := make(map[nodeKey]bool, len(d.nodes))
	seenR := make(map[relKey]bool, len(d.rels))
	b.Stakeholders = overlayNodes(cur.Stakeholders, d, seenN)
	b.Trajectories = overlayNodes(cur.Trajectories, d, seenN)
	b.Goals = overlayNodes(cur.Goals, d, seenN)
	b.Enablers = overlayNodes(cur.Enablers, d, seenN)
	b.Engagements = overlayNodes(cur.Engagements, d, seenN)
	b.Stakes = overlayRels(cur.Stakes, d, seenR)
	b.Influences = overlayRels(cur.Influences, d, seenR)
	b.ReportsTo = overlayRels(cur.ReportsTo, d, seenR)
	b.Supports = overlayRels(cur.Supports, d, seenR)
	b.DependsOn = overlayRels(cur.DependsOn, d, seenR)
	// Entities that exist then but not now.
	added := false
	for k, n := range d.nodes {
		if n == nil || seenN[k] {
			continue
		}
		added = true
		b.AddNode(n)
	}
	for k, r := range d.rels {
		if r == nil || seenR[k] {
			continue
		}
		added = true
		b.AddRelation(r)
	}
	b.ApplyDefaults()
	if added {
		b.Canonicalize()
	}
	return b
}

func overlayNodes[T graph.Node](cur []T, d *delta, seen map[nodeKey]bool) []T {
	out := make([]T, 0, len(cur))
	for _, n := range cur {
		k := nodeKey{n.NodeKind(), n.NodeID()}
		then, touched := d.nodes[k]
		if !touched {
			out = append(out, n)
			continue
		}
		seen[k] = true
		if t, ok := then.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func overlayRels[T graph.Relation](cur []T, d *delta, seen map[relKey]bool) []T {
	out := make([]T, 0, len(cur))
	for _, r := range cur {
		k := relKey{r.RelKind(), r.Key()}
		then, touched := d.rels[k]
		if !touched {
			out = append(out, r)
			continue
		}
		seen[k] = true
		if t, ok := then.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// touched returns the entities of the delta as they are in b, as a
// bundle: what a comparison of two states needs to look at, for nothing
// else can differ between them.
func (d *delta) touched(b *graph.Bundle) *graph.Bundle {
	// Typed loops: a callback over every entity as an interface boxed each
	// one, a tenth of a comparison's time on a large workspace.
	out := &graph.Bundle{Format: graph.Format, Workspace: b.Workspace}
	if len(d.nodes) > 0 {
		out.Stakeholders = touchedNodes(d, b.Stakeholders)
		out.Trajectories = touchedNodes(d, b.Trajectories)
		out.Goals = touchedNodes(d, b.Goals)
		out.Enablers = touchedNodes(d, b.Enablers)
		out.Engagements = touchedNodes(d, b.Engagements)
	}
	if len(d.rels) > 0 {
		out.Stakes = touchedRels(d, b.Stakes)
		out.Influences = touchedRels(d, b.Influences)
		out.ReportsTo = touchedRels(d, b.ReportsTo)
		out.Supports = touchedRels(d, b.Supports)
		out.DependsOn = touchedRels(d, b.DependsOn)
	}
	return out
}

func touchedNodes[N graph.Node](d *delta, list []N) []N {
	var out []N
	for i := range list {
		if _, ok := d.nodes[nodeKey{list[i].NodeKind(), list[i].NodeID()}]; ok {
			out = append(out, list[i])
		}
	}
	return out
}

func touchedRels[R graph.Relation](d *delta, list []R) []R {
	var out []R
	for i := range list {
		if _, ok := d.rels[relKey{list[i].RelKind(), list[i].Key()}]; ok {
			out = append(out, list[i])
		}
	}
	return out
}
