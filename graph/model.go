// Package graph holds stakemap's domain: the nodes and relationships of a
// stakeholder map, their validation, the stakemap/v1 bundle, and the
// contracts (Store, Analyzer) that every backend implements.
//
// The package imports only the standard library.
package graph

import (
	"fmt"
	"slices"
)

// Format is the value of the "format" field of every stakemap/v1 document.
const Format = "stakemap/v1"

// Kind names a node kind. IDs are unique across all kinds of one workspace,
// so a reference never needs to carry its kind.
type Kind string

// The node kinds of a workspace.
const (
	KindStakeholder Kind = "stakeholder"
	KindTrajectory  Kind = "trajectory"
	KindGoal        Kind = "goal"
	KindEnabler     Kind = "enabler"
	KindEngagement  Kind = "engagement"
)

// Kinds lists every node kind in the order bundles hold them.
var Kinds = []Kind{KindStakeholder, KindTrajectory, KindGoal, KindEnabler, KindEngagement}

// RelKind names a relationship kind.
type RelKind string

// The relationship kinds, named as their bundle arrays are.
const (
	RelStake     RelKind = "stakes"
	RelInfluence RelKind = "influences"
	RelReportsTo RelKind = "reportsTo"
	RelSupports  RelKind = "supports"
	RelDependsOn RelKind = "dependsOn"
)

// RelKinds lists every relationship kind in the order bundles hold them.
var RelKinds = []RelKind{RelStake, RelInfluence, RelReportsTo, RelSupports, RelDependsOn}

// Languages a workspace, a finding message or a map can be in.
const (
	LangNL = "nl"
	LangEN = "en"
)

// Workspace is one organisation's isolated stakeholder map.
type Workspace struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Language string `json:"language"`
	// LDUnit is the unit L&D itself belongs to, as written in
	// stakeholders' unit; it never counts as an invisible unit.
	LDUnit string `json:"ldUnit,omitempty"`
}

// Stakeholder is a person, group, unit or external party with an interest
// in or influence on learning trajectories.
type Stakeholder struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Title     string   `json:"title,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Level     string   `json:"level"`
	Influence int      `json:"influence"`
	Interest  int      `json:"interest"`
	Attitude  string   `json:"attitude"`
	Notes     string   `json:"notes,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	// ContactEvery is how often, in days (1–365), L&D means to be in touch;
	// 0 means no rhythm is set.
	ContactEvery int `json:"contactEvery,omitempty"`
}

// Trajectory is a learning trajectory (leertraject).
type Trajectory struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Purpose  string `json:"purpose,omitempty"`
	Status   string `json:"status"`
	Start    string `json:"start,omitempty"`
	End      string `json:"end,omitempty"`
	ReviewBy string `json:"reviewBy,omitempty"`
	Measure  string `json:"measure,omitempty"`
}

// Goal is a strategic objective of the organisation.
type Goal struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Horizon string `json:"horizon,omitempty"`
}

// Enabler is a condition a trajectory needs: a system, process, HR
// instrument, policy or budget.
type Enabler struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Owner  string `json:"owner,omitempty"`
}

// Engagement is a logged contact between L&D and stakeholders.
type Engagement struct {
	ID            string   `json:"id"`
	Date          string   `json:"date"`
	Channel       string   `json:"channel"`
	With          []string `json:"with"`
	About         []string `json:"about"`
	Summary       string   `json:"summary,omitempty"`
	ResultsShared bool     `json:"resultsShared"`
}

// Stake ties a stakeholder to a trajectory in a role. Interest and
// Influence override the stakeholder's own values for this trajectory when
// set; EffectiveInterest and EffectiveInfluence resolve them.
type Stake struct {
	Stakeholder string `json:"stakeholder"`
	Trajectory  string `json:"trajectory"`
	Role        string `json:"role"`
	Interest    *int   `json:"interest,omitempty"`
	Influence   *int   `json:"influence,omitempty"`
}

// Influence says that From can sway To, with a strength in (0, 1].
type Influence struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Strength float64 `json:"strength"`
}

// ReportsTo says that From (the report) reports to To (the manager).
type ReportsTo struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Supports says that a trajectory serves a goal.
type Supports struct {
	Trajectory string `json:"trajectory"`
	Goal       string `json:"goal"`
}

// DependsOn says that a trajectory needs another trajectory or an enabler.
type DependsOn struct {
	Trajectory string `json:"trajectory"`
	On         string `json:"on"`
	Note       string `json:"note,omitempty"`
}

// Node is any node kind of a workspace.
type Node interface {
	NodeID() string
	NodeKind() Kind
}

// NodeID returns the stakeholder's id.
func (s Stakeholder) NodeID() string { return s.ID }

// NodeKind returns KindStakeholder.
func (Stakeholder) NodeKind() Kind { return KindStakeholder }

// NodeID returns the trajectory's id.
func (t Trajectory) NodeID() string { return t.ID }

// NodeKind returns KindTrajectory.
func (Trajectory) NodeKind() Kind { return KindTrajectory }

// NodeID returns the goal's id.
func (g Goal) NodeID() string { return g.ID }

// NodeKind returns KindGoal.
func (Goal) NodeKind() Kind { return KindGoal }

// NodeID returns the enabler's id.
func (e Enabler) NodeID() string { return e.ID }

// NodeKind returns KindEnabler.
func (Enabler) NodeKind() Kind { return KindEnabler }

// NodeID returns the engagement's id.
func (e Engagement) NodeID() string { return e.ID }

// NodeKind returns KindEngagement.
func (Engagement) NodeKind() Kind { return KindEngagement }

// NodeName returns a node's name, the one people type for it; an
// engagement has none.
func NodeName(n Node) string {
	switch x := n.(type) {
	case Stakeholder:
		return x.Name
	case Trajectory:
		return x.Name
	case Goal:
		return x.Name
	case Enabler:
		return x.Name
	}
	return ""
}

// Relation is any relationship kind of a workspace.
type Relation interface {
	RelKind() RelKind
	// Key identifies the relationship within its kind: two relationships
	// of one kind with the same key are duplicates.
	Key() RelKey
}

// RelKey identifies a relationship within its kind. C is empty except for
// stakes, where it holds the role.
type RelKey struct{ A, B, C string }

// RelKind returns RelStake.
func (Stake) RelKind() RelKind { return RelStake }

// Key is (stakeholder, trajectory, role): one stakeholder may hold several
// roles on one trajectory.
func (s Stake) Key() RelKey { return RelKey{s.Stakeholder, s.Trajectory, s.Role} }

// RelKind returns RelInfluence.
func (Influence) RelKind() RelKind { return RelInfluence }

// Key is (from, to).
func (i Influence) Key() RelKey { return RelKey{A: i.From, B: i.To} }

// RelKind returns RelReportsTo.
func (ReportsTo) RelKind() RelKind { return RelReportsTo }

// Key is (from, to).
func (r ReportsTo) Key() RelKey { return RelKey{A: r.From, B: r.To} }

// RelKind returns RelSupports.
func (Supports) RelKind() RelKind { return RelSupports }

// Key is (trajectory, goal).
func (s Supports) Key() RelKey { return RelKey{A: s.Trajectory, B: s.Goal} }

// RelKind returns RelDependsOn.
func (DependsOn) RelKind() RelKind { return RelDependsOn }

// Key is (trajectory, on).
func (d DependsOn) Key() RelKey { return RelKey{A: d.Trajectory, B: d.On} }

// Less orders relationship keys: the canonical order of bundle arrays.
func (k RelKey) Less(o RelKey) bool {
	if k.A != o.A {
		return k.A < o.A
	}
	if k.B != o.B {
		return k.B < o.B
	}
	return k.C < o.C
}

// EffectiveInfluence is the stake's influence, or the stakeholder's own
// when the stake does not override it.
func (s Stake) EffectiveInfluence(of Stakeholder) int {
	if s.Influence != nil {
		return *s.Influence
	}
	return of.Influence
}

// EffectiveInterest is the stake's interest, or the stakeholder's own when
// the stake does not override it.
func (s Stake) EffectiveInterest(of Stakeholder) int {
	if s.Interest != nil {
		return *s.Interest
	}
	return of.Interest
}

// DefaultStrength is the strength of an Influence that does not state one.
const DefaultStrength = 0.5

// RelationValue returns the relationship a pointer points at, so that a
// store can accept &graph.Stake{…} as well as graph.Stake{…}. Anything else,
// a nil pointer included, is returned as it is.
func RelationValue(r Relation) Relation {
	switch x := r.(type) {
	case *Stake:
		if x != nil {
			return *x
		}
	case *Influence:
		if x != nil {
			return *x
		}
	case *ReportsTo:
		if x != nil {
			return *x
		}
	case *Supports:
		if x != nil {
			return *x
		}
	case *DependsOn:
		if x != nil {
			return *x
		}
	}
	return r
}

// DescribeRelation names a relationship in messages, e.g.
// `stakes cfo→ai-basis (sponsor)`.
func DescribeRelation(kind RelKind, k RelKey) string {
	if k.C != "" {
		return fmt.Sprintf("%s %s→%s (%s)", kind, k.A, k.B, k.C)
	}
	return fmt.Sprintf("%s %s→%s", kind, k.A, k.B)
}

// NormalizeNode gives a node the form stores keep: a value rather than a
// pointer, defaults applied, an engagement's id lists sorted, and no memory
// shared with the caller's node. A nil pointer gives nil.
func NormalizeNode(n Node) Node {
	switch x := n.(type) {
	case *Stakeholder:
		n = deref(x)
	case *Trajectory:
		n = deref(x)
	case *Goal:
		n = deref(x)
	case *Enabler:
		n = deref(x)
	case *Engagement:
		n = deref(x)
	}
	switch x := n.(type) {
	case Stakeholder:
		x.ApplyDefaults()
		x.Tags = slices.Clone(x.Tags)
		return x
	case Trajectory:
		x.ApplyDefaults()
		return x
	case Enabler:
		x.ApplyDefaults()
		return x
	case Engagement:
		x.With, x.About = slices.Clone(x.With), slices.Clone(x.About)
		x.ApplyDefaults()
		slices.Sort(x.With)
		slices.Sort(x.About)
		return x
	}
	return n
}

func deref[T Node](p *T) Node {
	if p == nil {
		return nil
	}
	return *p
}
