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
	slices.SortFunc(rs, func(x, y R) int { return compareKeys(x.Key(), y.Key()) })
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

// ArrayOf returns the name of the bundle's array that holds nodes of kind k.
func ArrayOf(k Kind) string {
	switch k {
	case KindStakeholder:
		return "stakeholders"
	case KindTrajectory:
		return "trajectories"
	case KindGoal:
		return "goals"
	case KindEnabler:
		return "enablers"
	}
	return "engagements"
}

// AddNode appends n to the array of its kind.
func (b *Bundle) AddNode(n Node) {
	switch x := n.(type) {
	case Stakeholder:
		b.Stakeholders = append(b.Stakeholders, x)
	case Trajectory:
		b.Trajectories = append(b.Trajectories, x)
	case Goal:
		b.Goals = append(b.Goals, x)
	case Enabler:
		b.Enablers = append(b.Enablers, x)
	case Engagement:
		b.Engagements = append(b.Engagements, x)
	}
}

// AddRelation appends r to the array of its kind.
func (b *Bundle) AddRelation(r Relation) {
	switch x := r.(type) {
	case Stake:
		b.Stakes = append(b.Stakes, x)
	case Influence:
		b.Influences = append(b.Influences, x)
	case ReportsTo:
		b.ReportsTo = append(b.ReportsTo, x)
	case Supports:
		b.Supports = append(b.Supports, x)
	case DependsOn:
		b.DependsOn = append(b.DependsOn, x)
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
	// Entries are named only when they have a problem, and each kind is
	// checked in a loop of its own type: formatting a name for each of a
	// large workspace's entities, or boxing each into an interface for a
	// callback, cost more than checking it.
	first := make(map[string]nodeAt, len(b.Stakeholders)+len(b.Trajectories)+len(b.Goals)+len(b.Enablers)+len(b.Engagements))
	ps = validateNodes(ps, "stakeholders", b.Stakeholders, look, first)
	ps = validateNodes(ps, "trajectories", b.Trajectories, look, first)
	ps = validateNodes(ps, "goals", b.Goals, look, first)
	ps = validateNodes(ps, "enablers", b.Enablers, look, first)
	ps = validateNodes(ps, "engagements", b.Engagements, look, first)
	ps = validateRelations(ps, string(RelStake), b.Stakes, look)
	ps = validateRelations(ps, string(RelInfluence), b.Influences, look)
	ps = validateRelations(ps, string(RelReportsTo), b.ReportsTo, look)
	ps = validateRelations(ps, string(RelSupports), b.Supports, look)
	ps = validateRelations(ps, string(RelDependsOn), b.DependsOn, look)
	return Invalid(ps)
}

// nodeAt is where a node id was first used.
type nodeAt struct {
	array string
	i     int
}

// validateNodes checks one array of nodes: each node, the uniqueness of
// its id across all kinds (first holds the ids seen so far), and its
// references.
func validateNodes[N Node](ps []Problem, array string, list []N, look Lookup, first map[string]nodeAt) []Problem {
	for i := range list {
		n := list[i]
		id := n.NodeID()
		np := ValidateNode(n, array)
		if prev, dup := first[id]; dup && id != "" {
			np = append(np, Problem{Field: "id", Value: id, Reason: "is already used by " + nodeEntry(prev.array, prev.i, id) + ": ids are unique across all kinds"})
		} else {
			first[id] = nodeAt{array, i}
		}
		np = append(np, NodeRefProblems(n, array, look)...)
		if len(np) > 0 {
			ps = appendAt(ps, np, nodeEntry(array, i, id))
		}
	}
	return ps
}

// validateRelations checks one array of relationships: each one, its
// ends, and that no key comes twice. A stored workspace lists them sorted
// by key, where a duplicate follows its first; only an array out of order
// needs a map of the keys seen.
func validateRelations[R Relation](ps []Problem, array string, list []R, look Lookup) []Problem {
	var (
		seen     map[RelKey]int // from the first key out of order on
		prev     RelKey
		runStart int // where the run of keys equal to prev began
	)
	for i := range list {
		r := list[i]
		rp := append(ValidateRelation(r, array), RelationRefProblems(r, array, look)...)
		k := r.Key()
		dup := -1
		if seen == nil && i > 0 {
			switch c := compareKeys(prev, k); {
			case c == 0:
				dup = runStart
			case c > 0:
				seen = make(map[RelKey]int, len(list))
				for j := range i {
					if _, ok := seen[list[j].Key()]; !ok {
						seen[list[j].Key()] = j
					}
				}
			default:
				runStart = i
			}
		}
		if seen != nil {
			if p, ok := seen[k]; ok {
				dup = p
			} else {
				seen[k] = i
			}
		}
		if dup >= 0 {
			rp = append(rp, Problem{Field: string(r.RelKind()), Value: describeKey(r), Reason: "duplicates " + fmt.Sprintf("%s[%d]", array, dup)})
		}
		if len(rp) > 0 {
			ps = appendAt(ps, rp, fmt.Sprintf("%s[%d]", array, i))
		}
		prev = k
	}
	return ps
}

// compareKeys orders relationship keys as Canonicalize sorts them.
func compareKeys(x, y RelKey) int {
	return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(x.C, y.C))
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
