package graph

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Comparison is the compare document of DESIGN §10: what differs between
// two states of a workspace. History's compare and a spreadsheet import's
// dry run both answer with it.
type Comparison struct {
	From      ComparePoint    `json:"from"`
	To        ComparePoint    `json:"to"`
	Nodes     NodeChanges     `json:"nodes"`
	Relations RelationChanges `json:"relations"`
	Findings  FindingChanges  `json:"findings"`
}

// ComparePoint names one side of a comparison.
type ComparePoint struct {
	At string `json:"at"`
}

// NodeChanges lists nodes added, removed and changed, each sorted by kind,
// then id.
type NodeChanges struct {
	Added   []NodeRef    `json:"added"`
	Removed []NodeRef    `json:"removed"`
	Changed []NodeChange `json:"changed"`
}

// NodeRef names a node in a comparison.
type NodeRef struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
}

// NodeChange is a node whose fields differ; Fields holds only those.
type NodeChange struct {
	Kind   Kind                   `json:"kind"`
	ID     string                 `json:"id"`
	Fields map[string]FieldChange `json:"fields"`
}

// FieldChange is one field's value on each side, in canonical JSON; a
// field that is absent or empty on a side is null there.
type FieldChange struct {
	From json.RawMessage `json:"from"`
	To   json.RawMessage `json:"to"`
}

// RelationChanges lists relationships added, removed and changed, each
// sorted by kind, then key fields.
type RelationChanges struct {
	Added   []RelationRef    `json:"added"`
	Removed []RelationRef    `json:"removed"`
	Changed []RelationChange `json:"changed"`
}

// RelationRef names a relationship by its compare kind (stake, influence,
// reportsTo, supports, dependsOn) and key fields.
type RelationRef struct {
	Kind string            `json:"kind"`
	Key  map[string]string `json:"key"`
}

// RelationChange is a relationship whose non-key fields differ.
type RelationChange struct {
	Kind   string                 `json:"kind"`
	Key    map[string]string      `json:"key"`
	Fields map[string]FieldChange `json:"fields"`
}

// FindingChanges lists findings that appear only on the later side (new)
// or only on the earlier side (resolved), in contract order.
type FindingChanges struct {
	New      []Finding `json:"new"`
	Resolved []Finding `json:"resolved"`
}

// Empty reports whether the two states hold the same nodes and
// relationships.
func (c *Comparison) Empty() bool {
	return len(c.Nodes.Added)+len(c.Nodes.Removed)+len(c.Nodes.Changed)+
		len(c.Relations.Added)+len(c.Relations.Removed)+len(c.Relations.Changed) == 0
}

// CompareKind is the singular name a comparison gives a relationship
// kind: stakes → stake, influences → influence; the others keep theirs.
func CompareKind(k RelKind) string {
	switch k {
	case RelStake:
		return "stake"
	case RelInfluence:
		return "influence"
	}
	return string(k)
}

// RelKindOfCompare is CompareKind the other way round.
func RelKindOfCompare(s string) (RelKind, bool) {
	for _, k := range RelKinds {
		if CompareKind(k) == s {
			return k, true
		}
	}
	return "", false
}

// keyFields names the key fields of each relationship kind, in RelKey order.
var keyFields = map[RelKind][]string{
	RelStake:     {"stakeholder", "trajectory", "role"},
	RelInfluence: {"from", "to"},
	RelReportsTo: {"from", "to"},
	RelSupports:  {"trajectory", "goal"},
	RelDependsOn: {"trajectory", "on"},
}

// KeyMap spells a relationship key out with its field names, as
// comparisons and history events show it.
func KeyMap(kind RelKind, k RelKey) map[string]string {
	names := keyFields[kind]
	vals := []string{k.A, k.B, k.C}
	m := make(map[string]string, len(names))
	for i, n := range names {
		m[n] = vals[i]
	}
	return m
}

// KeyOfMap is KeyMap the other way round; ok is false when a field is
// missing or the kind unknown.
func KeyOfMap(kind RelKind, m map[string]string) (RelKey, bool) {
	names, known := keyFields[kind]
	if !known {
		return RelKey{}, false
	}
	var vals [3]string
	for i, n := range names {
		v, ok := m[n]
		if !ok {
			return RelKey{}, false
		}
		vals[i] = v
	}
	return RelKey{vals[0], vals[1], vals[2]}, true
}

// Compare returns the node and relationship differences from a to b (both
// in any order; neither is changed). Nodes are matched by kind and id,
// relationships by kind and key; fields are compared in canonical export
// form (defaults applied). The From, To and Findings parts are the
// caller's to fill.
func Compare(a, b *Bundle) (*Comparison, error) {
	ca, cb := a.Clone(), b.Clone()
	ca.ApplyDefaults()
	cb.ApplyDefaults()
	c := &Comparison{
		Nodes:     NodeChanges{Added: []NodeRef{}, Removed: []NodeRef{}, Changed: []NodeChange{}},
		Relations: RelationChanges{Added: []RelationRef{}, Removed: []RelationRef{}, Changed: []RelationChange{}},
		Findings:  FindingChanges{New: []Finding{}, Resolved: []Finding{}},
	}

	type nodeKey struct {
		kind Kind
		id   string
	}
	nodesOf := func(bd *Bundle) map[nodeKey]Node {
		m := map[nodeKey]Node{}
		bd.Nodes(func(_ string, _ int, n Node) { m[nodeKey{n.NodeKind(), n.NodeID()}] = NormalizeNode(n) })
		return m
	}
	na, nb := nodesOf(ca), nodesOf(cb)
	for k, n := range na {
		m, ok := nb[k]
		if !ok {
			c.Nodes.Removed = append(c.Nodes.Removed, NodeRef{k.kind, k.id})
			continue
		}
		if reflect.DeepEqual(n, m) {
			continue // most nodes of two states are the same: skip the JSON
		}
		fields, err := diffFields(n, m, nil)
		if err != nil {
			return nil, err
		}
		if len(fields) > 0 {
			c.Nodes.Changed = append(c.Nodes.Changed, NodeChange{Kind: k.kind, ID: k.id, Fields: fields})
		}
	}
	for k := range nb {
		if _, ok := na[k]; !ok {
			c.Nodes.Added = append(c.Nodes.Added, NodeRef{k.kind, k.id})
		}
	}

	type relKey struct {
		kind RelKind
		key  RelKey
	}
	relsOf := func(bd *Bundle) map[relKey]Relation {
		m := map[relKey]Relation{}
		bd.Relations(func(_ string, _ int, r Relation) { m[relKey{r.RelKind(), r.Key()}] = r })
		return m
	}
	ra, rb := relsOf(ca), relsOf(cb)
	for k, r := range ra {
		s, ok := rb[k]
		if !ok {
			c.Relations.Removed = append(c.Relations.Removed, RelationRef{CompareKind(k.kind), KeyMap(k.kind, k.key)})
			continue
		}
		if reflect.DeepEqual(r, s) {
			continue
		}
		fields, err := diffFields(r, s, keyFields[k.kind])
		if err != nil {
			return nil, err
		}
		if len(fields) > 0 {
			c.Relations.Changed = append(c.Relations.Changed, RelationChange{Kind: CompareKind(k.kind), Key: KeyMap(k.kind, k.key), Fields: fields})
		}
	}
	for k := range rb {
		if _, ok := ra[k]; !ok {
			c.Relations.Added = append(c.Relations.Added, RelationRef{CompareKind(k.kind), KeyMap(k.kind, k.key)})
		}
	}

	byNode := func(x, y NodeRef) int { return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.ID, y.ID)) }
	slices.SortFunc(c.Nodes.Added, byNode)
	slices.SortFunc(c.Nodes.Removed, byNode)
	slices.SortFunc(c.Nodes.Changed, func(x, y NodeChange) int { return byNode(NodeRef{x.Kind, x.ID}, NodeRef{y.Kind, y.ID}) })
	byRel := func(xk string, xm map[string]string, yk string, ym map[string]string) int {
		if d := cmp.Compare(xk, yk); d != 0 {
			return d
		}
		k, _ := RelKindOfCompare(xk)
		for _, f := range keyFields[k] {
			if d := cmp.Compare(xm[f], ym[f]); d != 0 {
				return d
			}
		}
		return 0
	}
	slices.SortFunc(c.Relations.Added, func(x, y RelationRef) int { return byRel(x.Kind, x.Key, y.Kind, y.Key) })
	slices.SortFunc(c.Relations.Removed, func(x, y RelationRef) int { return byRel(x.Kind, x.Key, y.Kind, y.Key) })
	slices.SortFunc(c.Relations.Changed, func(x, y RelationChange) int { return byRel(x.Kind, x.Key, y.Kind, y.Key) })
	return c, nil
}

// diffFields compares two values of one struct type field by field, as
// their canonical JSON would (a field absent or empty on one side is
// null there), skipping the fields named in skip, and returns the fields
// that differ. It compares the Go values and encodes only the fields that
// differ: a workspace of 100,000 relationships compares in milliseconds.
func diffFields(a, b any, skip []string) (map[string]FieldChange, error) {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() || va.Kind() != reflect.Struct {
		return diffFieldsJSON(a, b, skip)
	}
	out := map[string]FieldChange{}
	t := va.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		omit := slices.Contains(strings.Split(opts, ","), "omitempty")
		if name == "" || name == "-" || !f.IsExported() {
			return diffFieldsJSON(a, b, skip) // a shape this does not know
		}
		if name == "id" || slices.Contains(skip, name) {
			continue
		}
		x, y := va.Field(i), vb.Field(i)
		ex, ey := emptyJSON(x, omit), emptyJSON(y, omit)
		if ex && ey || !ex && !ey && reflect.DeepEqual(x.Interface(), y.Interface()) {
			continue
		}
		fc := FieldChange{From: null, To: null}
		var err error
		if !ex {
			if fc.From, err = json.Marshal(x.Interface()); err != nil {
				return nil, fmt.Errorf("compare: %w", err)
			}
		}
		if !ey {
			if fc.To, err = json.Marshal(y.Interface()); err != nil {
				return nil, fmt.Errorf("compare: %w", err)
			}
		}
		if !bytes.Equal(fc.From, fc.To) {
			out[name] = fc
		}
	}
	return out, nil
}

// emptyJSON reports whether a field's JSON is absent, "", [] or null: the
// forms canonicalFields leaves out. omitempty leaves out zero values too.
func emptyJSON(v reflect.Value, omitempty bool) bool {
	if omitempty && v.IsZero() {
		return true
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Slice:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface, reflect.Map:
		return v.IsNil()
	}
	return false
}

// diffFieldsJSON is diffFields by way of each value's whole JSON, for
// values that are not plain structs.
func diffFieldsJSON(a, b any, skip []string) (map[string]FieldChange, error) {
	fa, err := canonicalFields(a)
	if err != nil {
		return nil, err
	}
	fb, err := canonicalFields(b)
	if err != nil {
		return nil, err
	}
	out := map[string]FieldChange{}
	for _, name := range unionKeys(fa, fb) {
		if slices.Contains(skip, name) || name == "id" {
			continue
		}
		x, y := fa[name], fb[name]
		if !bytes.Equal(x, y) {
			out[name] = FieldChange{From: orNull(x), To: orNull(y)}
		}
	}
	return out, nil
}

var null = json.RawMessage("null")

func orNull(v json.RawMessage) json.RawMessage {
	if v == nil {
		return null
	}
	return v
}

// CanonicalFields returns a node's or relationship's fields as canonical
// JSON values, leaving out those that are absent or empty ("", [], null),
// so that "not set" compares equal however it was written.
func CanonicalFields(v any) (map[string]json.RawMessage, error) { return canonicalFields(v) }

func canonicalFields(v any) (map[string]json.RawMessage, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	for k, raw := range m {
		switch string(raw) {
		case `""`, `[]`, `null`:
			delete(m, k)
		}
	}
	return m, nil
}

func unionKeys(a, b map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// CompareFindings matches the findings of two states by code, subject and
// related, and returns those only in to (new) and only in from (resolved),
// both in contract order.
func CompareFindings(from, to []Finding) (added, resolved []Finding) {
	key := func(f Finding) string {
		var b bytes.Buffer
		b.WriteString(f.Code)
		b.WriteByte(0)
		b.WriteString(f.Subject)
		for _, r := range f.Related {
			b.WriteByte(0)
			b.WriteString(r)
		}
		return b.String()
	}
	in := func(fs []Finding) map[string]bool {
		m := make(map[string]bool, len(fs))
		for _, f := range fs {
			m[key(f)] = true
		}
		return m
	}
	inFrom, inTo := in(from), in(to)
	added, resolved = []Finding{}, []Finding{}
	for _, f := range to {
		if !inFrom[key(f)] {
			added = append(added, f)
		}
	}
	for _, f := range from {
		if !inTo[key(f)] {
			resolved = append(resolved, f)
		}
	}
	SortFindings(added)
	SortFindings(resolved)
	return added, resolved
}
