package graph

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Bundle is one whole workspace in the stakemap/v1 interchange format: the
// CLI's import/export document and the API's bulk format.
type Bundle struct {
	Format       string        `json:"format"`
	Workspace    Workspace     `json:"workspace"`
	Stakeholders []Stakeholder `json:"stakeholders"`
	Trajectories []Trajectory  `json:"trajectories"`
	Goals        []Goal        `json:"goals"`
	Enablers     []Enabler     `json:"enablers"`
	Stakes       []Stake       `json:"stakes"`
	Influences   []Influence   `json:"influences"`
	ReportsTo    []ReportsTo   `json:"reportsTo"`
	Supports     []Supports    `json:"supports"`
	DependsOn    []DependsOn   `json:"dependsOn"`
	Engagements  []Engagement  `json:"engagements"`
}

// UnmarshalJSON gives an Influence without a strength the default strength,
// while an explicit 0 stays 0 (and is refused by validation). It refuses
// unknown fields itself: a custom unmarshaler does not inherit the
// caller's DisallowUnknownFields, and a misspelt "strenght" must not
// silently become the default.
func (i *Influence) UnmarshalJSON(data []byte) error {
	type plain Influence
	v := plain{Strength: DefaultStrength}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*i = Influence(v)
	return nil
}

// ApplyDefaults fills every defaulted field of every entry and turns absent
// arrays into empty ones, so that an exported document always has the same
// shape.
func (b *Bundle) ApplyDefaults() {
	if b.Format == "" {
		b.Format = Format
	}
	b.Workspace.ApplyDefaults()
	for i := range b.Stakeholders {
		b.Stakeholders[i].ApplyDefaults()
	}
	for i := range b.Trajectories {
		b.Trajectories[i].ApplyDefaults()
	}
	for i := range b.Enablers {
		b.Enablers[i].ApplyDefaults()
	}
	for i := range b.Engagements {
		b.Engagements[i].ApplyDefaults()
	}
	empty(&b.Stakeholders)
	empty(&b.Trajectories)
	empty(&b.Goals)
	empty(&b.Enablers)
	empty(&b.Stakes)
	empty(&b.Influences)
	empty(&b.ReportsTo)
	empty(&b.Supports)
	empty(&b.DependsOn)
	empty(&b.Engagements)
}

func empty[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

// Canonicalize sorts every array into the canonical order: nodes by id,
// relationships by their key fields, and the id lists inside engagements.
// Tags keep the order the user gave them. Export→import→export is then
// byte-identical.
func (b *Bundle) Canonicalize() {
	byID := func(a, b Node) int { return cmp.Compare(a.NodeID(), b.NodeID()) }
	slices.SortFunc(b.Stakeholders, func(x, y Stakeholder) int { return byID(x, y) })
	slices.SortFunc(b.Trajectories, func(x, y Trajectory) int { return byID(x, y) })
	slices.SortFunc(b.Goals, func(x, y Goal) int { return byID(x, y) })
	slices.SortFunc(b.Enablers, func(x, y Enabler) int { return byID(x, y) })
	slices.SortFunc(b.Engagements, func(x, y Engagement) int { return byID(x, y) })
	for i := range b.Engagements {
		slices.Sort(b.Engagements[i].With)
		slices.Sort(b.Engagements[i].About)
	}
	sortRels(b.Stakes)
	sortRels(b.Influences)
	sortRels(b.ReportsTo)
	sortRels(b.Supports)
	sortRels(b.DependsOn)
}

func sortRels[R Relation](rs []R) {
	slices.SortFunc(rs, func(x, y R) int {
		kx, ky := x.Key(), y.Key()
		return cmp.Or(cmp.Compare(kx.A, ky.A), cmp.Compare(kx.B, ky.B), cmp.Compare(kx.C, ky.C))
	})
}

// Nodes calls fn for every node of the bundle with the name of its array
// and its index there, in bundle order.
func (b *Bundle) Nodes(fn func(array string, i int, n Node)) {
	for i, n := range b.Stakeholders {
		fn("stakeholders", i, n)
	}
	for i, n := range b.Trajectories {
		fn("trajectories", i, n)
	}
	for i, n := range b.Goals {
		fn("goals", i, n)
	}
	for i, n := range b.Enablers {
		fn("enablers", i, n)
	}
	for i, n := range b.Engagements {
		fn("engagements", i, n)
	}
}

// Relations calls fn for every relationship of the bundle with the name of
// its array and its index there, in bundle order.
func (b *Bundle) Relations(fn func(array string, i int, r Relation)) {
	for i, r := range b.Stakes {
		fn(string(RelStake), i, r)
	}
	for i, r := range b.Influences {
		fn(string(RelInfluence), i, r)
	}
	for i, r := range b.ReportsTo {
		fn(string(RelReportsTo), i, r)
	}
	for i, r := range b.Supports {
		fn(string(RelSupports), i, r)
	}
	for i, r := range b.DependsOn {
		fn(string(RelDependsOn), i, r)
	}
}

// Lookup returns a Lookup over the bundle's nodes. Where an id is used
// twice, the first node wins (the duplicate is reported by Validate).
func (b *Bundle) Lookup() Lookup {
	kinds := make(map[string]Kind, len(b.Stakeholders)+len(b.Trajectories)+len(b.Goals)+len(b.Enablers)+len(b.Engagements))
	b.Nodes(func(_ string, _ int, n Node) {
		if _, ok := kinds[n.NodeID()]; !ok {
			kinds[n.NodeID()] = n.NodeKind()
		}
	})
	return func(id string) (Kind, bool) {
		k, ok := kinds[id]
		return k, ok
	}
}

// Validate checks the whole bundle and returns a *ValidationError listing
// every problem, or nil. Entries are named by array and index, with the id
// where there is one: `stakeholders[3] "cfo"`.
func (b *Bundle) Validate() error {
	var ps []Problem
	if b.Format != Format {
		ps = append(ps, Problem{Field: "format", Value: b.Format, Reason: "must be " + Format})
	}
	ps = append(ps, ValidateWorkspace(b.Workspace)...)

	look := b.Lookup()
	// Entries are named only when they have a problem: formatting a name
	// for each of a large workspace's entities cost more than checking it.
	type at struct {
		array string
		i     int
	}
	first := make(map[string]at, len(b.Stakeholders)+len(b.Trajectories)+len(b.Goals)+len(b.Enablers)+len(b.Engagements))
	b.Nodes(func(array string, i int, n Node) {
		np := ValidateNode(n, array)
		if prev, dup := first[n.NodeID()]; dup && n.NodeID() != "" {
			np = append(np, Problem{Field: "id", Value: n.NodeID(), Reason: "is already used by " + nodeEntry(prev.array, prev.i, n.NodeID()) + ": ids are unique across all kinds"})
		} else {
			first[n.NodeID()] = at{array, i}
		}
		np = append(np, NodeRefProblems(n, array, look)...)
		if len(np) > 0 {
			ps = appendAt(ps, np, nodeEntry(array, i, n.NodeID()))
		}
	})

	seen := map[RelKind]map[RelKey]int{}
	b.Relations(func(array string, i int, r Relation) {
		rp := append(ValidateRelation(r, array), RelationRefProblems(r, array, look)...)
		keys := seen[r.RelKind()]
		if keys == nil {
			keys = make(map[RelKey]int, b.relationCount(r.RelKind()))
			seen[r.RelKind()] = keys
		}
		if prev, dup := keys[r.Key()]; dup {
			rp = append(rp, Problem{Field: string(r.RelKind()), Value: describeKey(r), Reason: "duplicates " + fmt.Sprintf("%s[%d]", array, prev)})
		} else {
			keys[r.Key()] = i
		}
		if len(rp) > 0 {
			ps = appendAt(ps, rp, fmt.Sprintf("%s[%d]", array, i))
		}
	})
	return Invalid(ps)
}

// nodeEntry names a node entry in a problem: `stakeholders[3] "cfo"`.
func nodeEntry(array string, i int, id string) string {
	entry := fmt.Sprintf("%s[%d]", array, i)
	if id != "" {
		entry += fmt.Sprintf(" %q", id)
	}
	return entry
}

// appendAt appends an entry's problems to ps, named by entry.
func appendAt(ps, entryProblems []Problem, entry string) []Problem {
	for _, p := range entryProblems {
		p.Entry = entry
		ps = append(ps, p)
	}
	return ps
}

// relationCount is how many relationships of a kind the bundle holds.
func (b *Bundle) relationCount(k RelKind) int {
	switch k {
	case RelStake:
		return len(b.Stakes)
	case RelInfluence:
		return len(b.Influences)
	case RelReportsTo:
		return len(b.ReportsTo)
	case RelSupports:
		return len(b.Supports)
	case RelDependsOn:
		return len(b.DependsOn)
	}
	return 0
}

func describeKey(r Relation) string {
	k := r.Key()
	if k.C != "" {
		return k.A + " → " + k.B + " (" + k.C + ")"
	}
	return k.A + " → " + k.B
}

// Clone returns a deep copy of the bundle: changing, sorting or defaulting
// the copy leaves b as it was.
func (b *Bundle) Clone() *Bundle {
	c := *b
	c.Stakeholders = slices.Clone(b.Stakeholders)
	for i := range c.Stakeholders {
		c.Stakeholders[i].Tags = slices.Clone(c.Stakeholders[i].Tags)
	}
	c.Trajectories = slices.Clone(b.Trajectories)
	c.Goals = slices.Clone(b.Goals)
	c.Enablers = slices.Clone(b.Enablers)
	c.Stakes = slices.Clone(b.Stakes)
	for i := range c.Stakes {
		c.Stakes[i].Interest = clonePtr(c.Stakes[i].Interest)
		c.Stakes[i].Influence = clonePtr(c.Stakes[i].Influence)
	}
	c.Influences = slices.Clone(b.Influences)
	c.ReportsTo = slices.Clone(b.ReportsTo)
	c.Supports = slices.Clone(b.Supports)
	c.DependsOn = slices.Clone(b.DependsOn)
	c.Engagements = slices.Clone(b.Engagements)
	for i := range c.Engagements {
		c.Engagements[i].With = slices.Clone(c.Engagements[i].With)
		c.Engagements[i].About = slices.Clone(c.Engagements[i].About)
	}
	return &c
}

func clonePtr(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
