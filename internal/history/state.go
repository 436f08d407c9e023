package history

import (
	"bytes"
	"encoding/json"
	"fmt"

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

// state is a workspace as maps, so that events can be undone one by one
// in constant time.
type state struct {
	ws    graph.Workspace
	gone  bool
	nodes map[nodeKey]graph.Node
	rels  map[relKey]graph.Relation
}

func newState(b *graph.Bundle) *state {
	st := &state{ws: b.Workspace, nodes: map[nodeKey]graph.Node{}, rels: map[relKey]graph.Relation{}}
	b.Nodes(func(_ string, _ int, n graph.Node) { st.nodes[nodeKey{n.NodeKind(), n.NodeID()}] = n })
	b.Relations(func(_ string, _ int, r graph.Relation) { st.rels[relKey{r.RelKind(), r.Key()}] = r })
	return st
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// undo sets the entity of e back to e.Before.
func (st *state) undo(e graph.Event) error {
	if e.Kind == graph.KindWorkspace {
		if isNull(e.Before) {
			st.gone = true
			return nil
		}
		var w graph.Workspace
		if err := json.Unmarshal(e.Before, &w); err != nil {
			return fmt.Errorf("event %d: workspace: %w", e.Seq, err)
		}
		st.ws = w
		return nil
	}
	if rk, ok := graph.RelKindOfCompare(e.Kind); ok {
		key, ok := graph.KeyOfMap(rk, e.Key)
		if !ok {
			return fmt.Errorf("event %d: %s without its key", e.Seq, e.Kind)
		}
		k := relKey{rk, key}
		if isNull(e.Before) {
			delete(st.rels, k)
			return nil
		}
		r, err := graph.DecodeRelation(rk, e.Before)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		st.rels[k] = r
		return nil
	}
	if e.Action == graph.ActionErase {
		return nil // the audit record of an erasure changes no data
	}
	k := nodeKey{graph.Kind(e.Kind), e.ID}
	if isNull(e.Before) {
		delete(st.nodes, k)
		return nil
	}
	n, err := graph.DecodeNode(k.kind, e.Before)
	if err != nil {
		return fmt.Errorf("event %d: %w", e.Seq, err)
	}
	st.nodes[k] = n
	return nil
}

// fill writes the state into b in canonical order.
func (st *state) fill(b *graph.Bundle) {
	nb := &graph.Bundle{Format: graph.Format, Workspace: st.ws}
	for _, n := range st.nodes {
		switch x := n.(type) {
		case graph.Stakeholder:
			nb.Stakeholders = append(nb.Stakeholders, x)
		case graph.Trajectory:
			nb.Trajectories = append(nb.Trajectories, x)
		case graph.Goal:
			nb.Goals = append(nb.Goals, x)
		case graph.Enabler:
			nb.Enablers = append(nb.Enablers, x)
		case graph.Engagement:
			nb.Engagements = append(nb.Engagements, x)
		}
	}
	for _, r := range st.rels {
		switch x := r.(type) {
		case graph.Stake:
			nb.Stakes = append(nb.Stakes, x)
		case graph.Influence:
			nb.Influences = append(nb.Influences, x)
		case graph.ReportsTo:
			nb.ReportsTo = append(nb.ReportsTo, x)
		case graph.Supports:
			nb.Supports = append(nb.Supports, x)
		case graph.DependsOn:
			nb.DependsOn = append(nb.DependsOn, x)
		}
	}
	nb.ApplyDefaults()
	nb.Canonicalize()
	*b = *nb
}
