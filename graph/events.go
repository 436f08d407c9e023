package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// The helpers below make the events every backend records, so that both
// record the same events for the same change. Seq, At and Actor are the
// backend's to fill when it stores them.

// EventJSON is the canonical JSON an event holds for a node, a
// relationship or a workspace (defaults applied), or null for nil.
func EventJSON(v any) json.RawMessage {
	switch x := v.(type) {
	case nil:
		return null
	case Node:
		if n := NormalizeNode(x); n != nil {
			v = n
		}
	case Relation:
		v = RelationValue(x)
	}
	data, err := json.Marshal(v)
	if err != nil {
		// Domain types always marshal; this is a programming error.
		panic(fmt.Sprintf("graph.EventJSON: %v", err))
	}
	return data
}

// NodeEvent is the event of a node going from before to after; either may
// be nil (a creation or a deletion).
func NodeEvent(before, after Node) Event {
	n := after
	action := ActionUpdate
	switch {
	case before == nil:
		action = ActionCreate
	case after == nil:
		action, n = ActionDelete, before
	}
	return Event{Action: action, Kind: string(n.NodeKind()), ID: n.NodeID(), Before: EventJSON(before), After: EventJSON(after)}
}

// RelationEvent is the event of a relationship going from before to
// after; either may be nil.
func RelationEvent(before, after Relation) Event {
	r := after
	action := ActionUpdate
	switch {
	case before == nil:
		action = ActionCreate
	case after == nil:
		action, r = ActionDelete, before
	}
	r = RelationValue(r)
	return Event{Action: action, Kind: CompareKind(r.RelKind()), Key: KeyMap(r.RelKind(), r.Key()), Before: EventJSON(before), After: EventJSON(after)}
}

// WorkspaceEvent is the event of the workspace itself changing; a nil
// before is its creation, a nil after its deletion.
func WorkspaceEvent(before, after *Workspace) Event {
	e := Event{Action: ActionUpdate, Kind: KindWorkspace, Before: null, After: null}
	if before != nil {
		e.ID, e.Before = before.ID, EventJSON(*before)
	} else {
		e.Action = ActionCreate
	}
	if after != nil {
		e.ID, e.After = after.ID, EventJSON(*after)
	} else {
		e.Action = ActionDelete
	}
	return e
}

// DiffBundles returns one event per entity that differs from old to new
// (old nil: the workspace is new), in bundle order: the workspace, nodes
// created or changed, relationships, then deletions of relationships and
// nodes. Both are taken in canonical form; neither is changed.
func DiffBundles(old, new *Bundle) []Event {
	var events []Event
	if old == nil {
		// Every entity is new: one event each, so size the list once.
		events = make([]Event, 0, 1+len(new.Stakeholders)+len(new.Trajectories)+len(new.Goals)+len(new.Enablers)+
			len(new.Engagements)+len(new.Stakes)+len(new.Influences)+len(new.ReportsTo)+len(new.Supports)+len(new.DependsOn))
	}
	nw := new.Workspace
	nw.ApplyDefaults()
	if old == nil {
		events = append(events, WorkspaceEvent(nil, &nw))
		old = &Bundle{}
	} else if ow := old.Workspace; !bytes.Equal(EventJSON(ow), EventJSON(nw)) {
		events = append(events, WorkspaceEvent(&ow, &nw))
	}
	type nodeKey struct {
		kind Kind
		id   string
	}
	oldNodes := map[nodeKey]Node{}
	old.Nodes(func(_ string, _ int, n Node) { oldNodes[nodeKey{n.NodeKind(), n.NodeID()}] = n })
	newNodes := map[nodeKey]bool{}
	new.Nodes(func(_ string, _ int, n Node) {
		k := nodeKey{n.NodeKind(), n.NodeID()}
		newNodes[k] = true
		o, ok := oldNodes[k]
		switch {
		case !ok:
			events = append(events, NodeEvent(nil, n))
		case !bytes.Equal(EventJSON(o), EventJSON(n)):
			events = append(events, NodeEvent(o, n))
		}
	})
	type relKey struct {
		kind RelKind
		key  RelKey
	}
	oldRels := map[relKey]Relation{}
	old.Relations(func(_ string, _ int, r Relation) { oldRels[relKey{r.RelKind(), r.Key()}] = r })
	newRels := map[relKey]bool{}
	new.Relations(func(_ string, _ int, r Relation) {
		k := relKey{r.RelKind(), r.Key()}
		newRels[k] = true
		o, ok := oldRels[k]
		switch {
		case !ok:
			events = append(events, RelationEvent(nil, r))
		case !bytes.Equal(EventJSON(o), EventJSON(r)):
			events = append(events, RelationEvent(o, r))
		}
	})
	old.Relations(func(_ string, _ int, r Relation) {
		if !newRels[relKey{r.RelKind(), r.Key()}] {
			events = append(events, RelationEvent(r, nil))
		}
	})
	old.Nodes(func(_ string, _ int, n Node) {
		if !newNodes[nodeKey{n.NodeKind(), n.NodeID()}] {
			events = append(events, NodeEvent(n, nil))
		}
	})
	return events
}

// DecodeNode reads the JSON of a node of a kind, as events hold it.
func DecodeNode(kind Kind, data []byte) (Node, error) {
	var (
		n   Node
		err error
	)
	switch kind {
	case KindStakeholder:
		n, err = decodeAs[Stakeholder](data)
	case KindTrajectory:
		n, err = decodeAs[Trajectory](data)
	case KindGoal:
		n, err = decodeAs[Goal](data)
	case KindEnabler:
		n, err = decodeAs[Enabler](data)
	case KindEngagement:
		n, err = decodeAs[Engagement](data)
	default:
		return nil, fmt.Errorf("unknown node kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	return n, nil
}

// DecodeRelation reads the JSON of a relationship of a kind.
func DecodeRelation(kind RelKind, data []byte) (Relation, error) {
	var (
		r   Relation
		err error
	)
	switch kind {
	case RelStake:
		r, err = decodeAs[Stake](data)
	case RelInfluence:
		r, err = decodeAs[Influence](data)
	case RelReportsTo:
		r, err = decodeAs[ReportsTo](data)
	case RelSupports:
		r, err = decodeAs[Supports](data)
	case RelDependsOn:
		r, err = decodeAs[DependsOn](data)
	default:
		return nil, fmt.Errorf("unknown relationship kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	return r, nil
}

func decodeAs[T any](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

// refFields are the fields of nodes and relationships that hold a
// stakeholder's id (alone or in a list); ids are unique across kinds, so
// a value equal to the id there is that person.
var refFields = []string{"id", "with", "owner", "stakeholder", "from", "to"}

// EraseFromEvent rewrites an event so that the stakeholder id becomes
// alias everywhere (its id, key and the values before and after), and
// the person's own record keeps only kind and attitude unknown. It
// reports whether anything changed.
func EraseFromEvent(e *Event, id, alias string) (bool, error) {
	changed := false
	if e.ID == id {
		e.ID, changed = alias, true
	}
	for k, v := range e.Key {
		if v == id {
			e.Key[k], changed = alias, true
		}
	}
	for _, side := range []*json.RawMessage{&e.Before, &e.After} {
		out, ch, err := eraseFromValue(*side, e.Kind, id, alias)
		if err != nil {
			return false, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if ch {
			*side, changed = out, true
		}
	}
	return changed, nil
}

// ErasedStakeholder is all that is kept of an erased person.
func ErasedStakeholder(alias, kind string) Stakeholder {
	return Stakeholder{ID: alias, Kind: kind, Attitude: "unknown"}
}

func eraseFromValue(data json.RawMessage, kind, id, alias string) (json.RawMessage, bool, error) {
	if len(data) == 0 || bytes.Equal(data, null) || !bytes.Contains(data, []byte(`"`+id+`"`)) {
		return data, false, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, false, err
	}
	if kind == string(KindStakeholder) && jsonString(m["id"]) == id {
		var s Stakeholder
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, false, err
		}
		out, err := json.Marshal(erasedForm(ErasedStakeholder(alias, s.Kind)))
		return out, true, err
	}
	changed := false
	for _, f := range refFields {
		raw, ok := m[f]
		if !ok {
			continue
		}
		if jsonString(raw) == id {
			m[f], changed = mustJSON(alias), true
			continue
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil && slices.Contains(list, id) {
			for i := range list {
				if list[i] == id {
					list[i] = alias
				}
			}
			slices.Sort(list)
			m[f], changed = mustJSON(list), true
		}
	}
	if !changed {
		return data, false, nil
	}
	out, err := json.Marshal(m)
	return out, true, err
}

// erasedForm is the JSON of an erased stakeholder: id, kind and attitude
// only, none of the fields a Stakeholder always writes.
func erasedForm(s Stakeholder) map[string]string {
	return map[string]string{"id": s.ID, "kind": s.Kind, "attitude": s.Attitude}
}

func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func mustJSON(v any) json.RawMessage {
	data, _ := json.Marshal(v)
	return data
}
