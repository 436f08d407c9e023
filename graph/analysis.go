package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Finding codes, by group. The README explains each in Dutch and English.
const (
	// Co-ownership.
	CodeMissingSponsor        = "missing-sponsor"
	CodeMissingOwner          = "missing-owner"
	CodeMissingLearnerVoice   = "missing-learner-voice"
	CodeSponsorWithoutMandate = "sponsor-without-mandate"
	CodeSingleOwner           = "single-owner"
	CodeOpposedOwner          = "opposed-owner"
	CodeWeakSponsor           = "weak-sponsor"
	// Visibility.
	CodeUnengagedKeyStakeholder = "unengaged-key-stakeholder"
	CodeAttitudeUnknown         = "attitude-unknown"
	CodeResultsNotShared        = "results-not-shared"
	CodeGoalWithoutTrajectory   = "goal-without-trajectory"
	CodeInvisibleUnit           = "invisible-unit"
	CodeContactDue              = "contact-due"
	// Strategy and dependencies.
	CodeNoStrategicGoal = "no-strategic-goal"
	CodeNoImpactMeasure = "no-impact-measure"
	CodeReviewOverdue   = "review-overdue"
	CodeBlocked         = "blocked"
	CodeDependencyCycle = "dependency-cycle"
)

// Finding groups, the values of FindingParams.Only.
const (
	GroupCoOwnership = "co-ownership"
	GroupVisibility  = "visibility"
	GroupStrategy    = "strategy"
)

// CodeGroups maps every finding code to its group.
var CodeGroups = map[string]string{
	CodeMissingSponsor:          GroupCoOwnership,
	CodeMissingOwner:            GroupCoOwnership,
	CodeMissingLearnerVoice:     GroupCoOwnership,
	CodeSponsorWithoutMandate:   GroupCoOwnership,
	CodeSingleOwner:             GroupCoOwnership,
	CodeOpposedOwner:            GroupCoOwnership,
	CodeWeakSponsor:             GroupCoOwnership,
	CodeUnengagedKeyStakeholder: GroupVisibility,
	CodeAttitudeUnknown:         GroupVisibility,
	CodeResultsNotShared:        GroupVisibility,
	CodeGoalWithoutTrajectory:   GroupVisibility,
	CodeInvisibleUnit:           GroupVisibility,
	CodeContactDue:              GroupVisibility,
	CodeNoStrategicGoal:         GroupStrategy,
	CodeNoImpactMeasure:         GroupStrategy,
	CodeReviewOverdue:           GroupStrategy,
	CodeBlocked:                 GroupStrategy,
	CodeDependencyCycle:         GroupStrategy,
}

// Groups lists the finding groups in the order the docs present them.
var Groups = []string{GroupCoOwnership, GroupVisibility, GroupStrategy}

// Severities of findings, for ordering them for people (UI, decks,
// reports); the JSON order of findings stays the contract order.
const (
	SeverityHigh   = "high"
	SeverityMedium = "medium"
	SeverityLow    = "low"
)

// Severities lists the severities, most severe first.
var Severities = []string{SeverityHigh, SeverityMedium, SeverityLow}

// SeverityOf returns the severity of a finding code: high for what stops a
// trajectory (no sponsor or owner, an opposed owner, blocked, a cycle), low
// for workspace-wide hints (a goal without trajectory, an invisible unit),
// medium for everything else.
func SeverityOf(code string) string {
	switch code {
	case CodeMissingSponsor, CodeMissingOwner, CodeOpposedOwner, CodeBlocked, CodeDependencyCycle:
		return SeverityHigh
	case CodeGoalWithoutTrajectory, CodeInvisibleUnit:
		return SeverityLow
	}
	return SeverityMedium
}

// Finding is one thing the analyses flag. Subject is the id (or, for
// invisible-unit, the unit name) it is about; Related lists the other ids
// it names; Message is advice for the L&D user in the requested language.
type Finding struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"`
	Subject  string   `json:"subject"`
	Related  []string `json:"related"`
	Message  string   `json:"message"`
}

// SortFindingsBySeverity orders findings for people: most severe first,
// and within a severity in the order they came (the contract order when
// they came from an Analyzer). JSON answers keep the contract order.
func SortFindingsBySeverity(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Compare(slices.Index(Severities, SeverityOf(a.Code)), slices.Index(Severities, SeverityOf(b.Code)))
	})
}

// Defaults of the analysis parameters.
const (
	DefaultHigh              = 4
	DefaultWindow            = 90
	DefaultHierarchyStrength = 0.5
	DefaultMaxHops           = 6
	DefaultK                 = 1
	DefaultTop               = 10
)

// Upper bounds of the analysis parameters, the same for every backend and
// every surface, so that one question cannot occupy the service (each
// alternative path costs another search, and the searches grow with the
// hops allowed) and no date leaves a database's range (a window further
// back than ten years says nothing useful anyway).
const (
	MaxWindow  = 3650
	MaxK       = 20
	MaxMaxHops = 20
	MaxTop     = 10000
)

// NormalizeHigh returns the high threshold, DefaultHigh for 0, or
// ErrInvalid naming the value.
func NormalizeHigh(high int) (int, error) {
	if high == 0 {
		return DefaultHigh, nil
	}
	var ps problems
	ps.scale("high", high)
	return high, Invalid(ps.list)
}

// NormalizeTop returns the number of brokers to list, DefaultTop for 0,
// or ErrInvalid naming the value.
func NormalizeTop(top int) (int, error) {
	if top == 0 {
		return DefaultTop, nil
	}
	var ps problems
	if top < 1 || top > MaxTop {
		ps.add("top", fmt.Sprint(top), fmt.Sprintf("must be a whole number from 1 to %d", MaxTop))
	}
	return top, Invalid(ps.list)
}

// FindingParams are the parameters of the findings. Zero values mean the
// defaults; Normalize fills them in and checks the rest.
type FindingParams struct {
	AsOf   string // YYYY-MM-DD; empty: today in UTC
	High   int    // 1–5; a value ≥ High is high
	Window int    // days; an engagement is recent when AsOf−Window < date ≤ AsOf
	Only   string // "", or one of Groups
	Lang   string // "", nl or en; empty: the workspace's language
}

// Normalize fills defaults and returns ErrInvalid naming any bad parameter.
func (p *FindingParams) Normalize() error {
	if p.AsOf == "" {
		p.AsOf = time.Now().UTC().Format(time.DateOnly)
	}
	if p.High == 0 {
		p.High = DefaultHigh
	}
	if p.Window == 0 {
		p.Window = DefaultWindow
	}
	var ps problems
	ps.date("asOf", p.AsOf, false)
	ps.scale("high", p.High)
	if p.Window < 1 || p.Window > MaxWindow {
		ps.add("window", fmt.Sprint(p.Window), fmt.Sprintf("must be a whole number of days from 1 to %d", MaxWindow))
	}
	if p.Only != "" {
		ps.oneOf("only", p.Only, Groups)
	}
	if p.Lang != "" {
		ps.oneOf("lang", p.Lang, Languages)
	}
	return Invalid(ps.list)
}

// Quadrant names of the power–interest grid.
const (
	QuadrantManageClosely = "manage-closely"
	QuadrantKeepSatisfied = "keep-satisfied"
	QuadrantKeepInformed  = "keep-informed"
	QuadrantMonitor       = "monitor"
)

// Quadrants lists the quadrant names in reading order.
var Quadrants = []string{QuadrantManageClosely, QuadrantKeepSatisfied, QuadrantKeepInformed, QuadrantMonitor}

// Grid is a power–interest grid: each quadrant's stakeholder ids, sorted.
// All four quadrants are always present, empty ones as [].
type Grid struct {
	Quadrants map[string][]string `json:"quadrants"`
}

// Path modes.
const (
	ModeShortest  = "shortest"
	ModeStrongest = "strongest"
)

// PathQuery asks for influence paths. Zero values mean the defaults;
// Normalize fills them in and checks the rest.
type PathQuery struct {
	From, To          string
	Mode              string  // shortest or strongest; empty: strongest
	K                 int     // alternatives, at most MaxK; 0: 1
	MaxHops           int     // at most MaxMaxHops; 0: 6
	HierarchyStrength float64 // strength of a ReportsTo edge; 0: 0.5
}

// Normalize fills defaults and returns ErrInvalid naming any bad parameter.
func (q *PathQuery) Normalize() error {
	if q.Mode == "" {
		q.Mode = ModeStrongest
	}
	if q.K == 0 {
		q.K = DefaultK
	}
	if q.MaxHops == 0 {
		q.MaxHops = DefaultMaxHops
	}
	if q.HierarchyStrength == 0 {
		q.HierarchyStrength = DefaultHierarchyStrength
	}
	var ps problems
	ps.id("from", q.From)
	ps.id("to", q.To)
	ps.oneOf("mode", q.Mode, []string{ModeShortest, ModeStrongest})
	if q.K < 1 || q.K > MaxK {
		ps.add("k", fmt.Sprint(q.K), fmt.Sprintf("must be a whole number from 1 to %d", MaxK))
	}
	if q.MaxHops < 1 || q.MaxHops > MaxMaxHops {
		ps.add("maxHops", fmt.Sprint(q.MaxHops), fmt.Sprintf("must be a whole number from 1 to %d", MaxMaxHops))
	}
	if !(q.HierarchyStrength > 0 && q.HierarchyStrength <= 1) {
		ps.add("hierarchyStrength", fmt.Sprint(q.HierarchyStrength), "must be greater than 0 and at most 1")
	}
	return Invalid(ps.list)
}

// Path is one influence path: its nodes from From to To, its number of
// edges, and the product of its edges' strengths rounded to 6 decimals.
type Path struct {
	Nodes    []string `json:"nodes"`
	Hops     int      `json:"hops"`
	Strength float64  `json:"strength"`
}

// Broker is a stakeholder with its betweenness centrality on the influence
// network, rounded to 6 decimals.
type Broker struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Analyzer answers the analyses of a workspace. Every backend gives the
// same results for the same workspace. Errors: ErrNotFound for an unknown
// workspace, trajectory or stakeholder; ErrInvalid for bad parameters.
type Analyzer interface {
	// Findings returns the findings sorted by code, subject, then related.
	Findings(ctx context.Context, ws string, p FindingParams) ([]Finding, error)
	// Grid places stakeholders in the power–interest grid: those with a
	// stake on the trajectory by effective values, or, when trajectory is
	// empty, every stakeholder by its own values. high 0 means 4.
	Grid(ctx context.Context, ws, trajectory string, high int) (Grid, error)
	// Paths returns up to q.K best influence paths; none is an empty list.
	Paths(ctx context.Context, ws string, q PathQuery) ([]Path, error)
	// Brokers returns the top stakeholders by betweenness centrality,
	// ties by id. top 0 means 10.
	Brokers(ctx context.Context, ws string, top int) ([]Broker, error)
}

// SortFindings puts findings in their contract order: by code, then
// subject, then related element by element (a list that is a prefix of
// another comes first). Every backend sorts with it.
func SortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Subject, b.Subject), slices.Compare(a.Related, b.Related))
	})
}
