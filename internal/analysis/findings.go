package analysis

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// Findings returns the findings of the bundle, sorted by code, subject and
// related, with messages in p.Lang or else the workspace language. Bad
// parameters give ErrInvalid, and so do more dependency cycles than
// MaxCycles; the work stops when ctx ends.
func Findings(ctx context.Context, b *graph.Bundle, p graph.FindingParams) ([]graph.Finding, error) {
	if err := p.Normalize(); err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	return prepare(b).findings(ctx, p)
}

// findings computes the findings for normalised parameters. Everything
// but the dependency cycles takes time linear in the bundle.
func (ix *index) findings(ctx context.Context, p graph.FindingParams) ([]graph.Finding, error) {
	// Recent: asOf − window < date ≤ asOf. Dates are YYYY-MM-DD, so
	// comparing strings compares dates.
	lo := daysBefore(p.AsOf, p.Window)
	c := &collector{only: p.Only}

	if c.wants(graph.GroupCoOwnership) || c.wants(graph.GroupStrategy) {
		for ti, t := range ix.tr {
			if !graph.IsActive(t.Status) {
				continue
			}
			ix.coOwnership(c, ti, t, p.High)
			ix.strategy(c, t, p.AsOf)
		}
	}
	if c.wants(graph.GroupVisibility) {
		ix.visibility(c, p.High, lo, p.AsOf)
	}
	if c.wants(graph.GroupStrategy) {
		cycles, err := ix.dependencyCycles(ctx)
		if err != nil {
			return nil, fmt.Errorf("findings: %w", err)
		}
		for _, cyc := range cycles {
			c.add(graph.CodeDependencyCycle, cyc[0], slices.Clone(cyc))
		}
	}

	graph.SortFindings(c.out)
	lang := p.Lang
	if lang == "" {
		lang = ix.language()
	}
	for i := range c.out {
		c.out[i].Message = graph.DescribeWithRoles(c.out[i], lang, ix.name, ix.roles)
		c.out[i].Severity = graph.SeverityOf(c.out[i].Code)
	}
	return c.out, nil
}

type collector struct {
	only string
	out  []graph.Finding
}

func (c *collector) wants(group string) bool { return c.only == "" || c.only == group }

// add records a finding if its group was asked for; related is never nil.
func (c *collector) add(code, subject string, related []string) {
	if !c.wants(graph.CodeGroups[code]) {
		return
	}
	if related == nil {
		related = []string{}
	}
	c.out = append(c.out, graph.Finding{Code: code, Subject: subject, Related: related})
}

func (ix *index) coOwnership(c *collector, ti int, t graph.Trajectory, high int) {
	var sponsors, owners []int32
	learner := false
	for i, st := range ix.stakesByTr[ti] {
		si := ix.stakeShIdx[ti][i]
		switch st.Role {
		case "sponsor":
			sponsors = append(sponsors, si)
		case "owner":
			owners = append(owners, si)
		case "learner":
			learner = true
		}
	}
	if len(sponsors) == 0 {
		c.add(graph.CodeMissingSponsor, t.ID, nil)
	}
	if len(owners) == 0 {
		c.add(graph.CodeMissingOwner, t.ID, nil)
	}
	if !learner {
		c.add(graph.CodeMissingLearnerVoice, t.ID, nil)
	}
	if len(sponsors) > 0 {
		mandate := false
		for _, si := range sponsors {
			if l := ix.sh[si].Level; l == "board" || l == "executive" {
				mandate = true
			}
		}
		if !mandate {
			c.add(graph.CodeSponsorWithoutMandate, t.ID, nil)
		}
	}
	if len(sponsors) > 0 && len(owners) > 0 {
		both := append(slices.Clone(sponsors), owners...)
		slices.Sort(both)
		if both[0] == both[len(both)-1] {
			c.add(graph.CodeSingleOwner, t.ID, []string{ix.sh[both[0]].ID})
		}
	}
	var opposed []string
	for _, si := range append(slices.Clone(sponsors), owners...) {
		if a := ix.sh[si].Attitude; a == "critic" || a == "blocker" {
			opposed = append(opposed, ix.sh[si].ID)
		}
	}
	if len(opposed) > 0 {
		slices.Sort(opposed)
		c.add(graph.CodeOpposedOwner, t.ID, slices.Compact(opposed))
	}
	if len(sponsors) > 0 {
		weak := true
		for i, st := range ix.stakesByTr[ti] {
			if st.Role == "sponsor" && st.EffectiveInfluence(ix.sh[ix.stakeShIdx[ti][i]]) >= high {
				weak = false
			}
		}
		if weak {
			c.add(graph.CodeWeakSponsor, t.ID, nil)
		}
	}
}

func (ix *index) strategy(c *collector, t graph.Trajectory, asOf string) {
	if ix.goalsOf[t.ID] == 0 {
		c.add(graph.CodeNoStrategicGoal, t.ID, nil)
	}
	if t.Measure == "" {
		c.add(graph.CodeNoImpactMeasure, t.ID, nil)
	}
	if t.ReviewBy != "" && t.ReviewBy < asOf {
		c.add(graph.CodeReviewOverdue, t.ID, nil)
	}
	var blockers []string
	for _, on := range ix.dependsOn[t.ID] {
		n := ix.nodes[on]
		switch n.kind {
		case graph.KindTrajectory:
			if n.status != "done" {
				blockers = append(blockers, on)
			}
		case graph.KindEnabler:
			if n.status != "ready" {
				blockers = append(blockers, on)
			}
		}
	}
	if len(blockers) > 0 {
		slices.Sort(blockers)
		c.add(graph.CodeBlocked, t.ID, slices.Compact(blockers))
	}
}

func (ix *index) visibility(c *collector, high int, lo, asOf string) {
	for si, s := range ix.sh {
		if s.Influence < high && ix.maxStakeInfluence[si] < high {
			continue
		}
		// A key stakeholder with a contact rhythm is judged by that rhythm
		// (contact-due) alone, so the advice never contradicts itself.
		if s.ContactEvery == 0 && !ix.recent(int32(si), lo, asOf) {
			c.add(graph.CodeUnengagedKeyStakeholder, s.ID, nil)
		}
		if s.Attitude == "unknown" || s.Attitude == "" {
			c.add(graph.CodeAttitudeUnknown, s.ID, nil)
		}
	}
	for si, s := range ix.sh {
		if s.ContactEvery > 0 && !ix.recent(int32(si), daysBefore(asOf, s.ContactEvery), asOf) {
			c.add(graph.CodeContactDue, s.ID, nil)
		}
	}
	for _, t := range ix.tr {
		if t.Status == "done" && !ix.sharedAbout[t.ID] {
			c.add(graph.CodeResultsNotShared, t.ID, nil)
		}
	}
	for _, g := range uniqueSorted(ix.b.Goals, func(g graph.Goal) string { return g.ID }) {
		supported := false
		for _, tid := range ix.goalTrs[g.ID] {
			if ti, ok := ix.trIdx[tid]; ok && graph.IsActive(ix.tr[ti].Status) {
				supported = true
				break
			}
		}
		if !supported {
			c.add(graph.CodeGoalWithoutTrajectory, g.ID, nil)
		}
	}
	for _, u := range ix.units {
		seen := false
		for _, si := range u.members {
			if ix.recent(si, lo, asOf) {
				seen = true
				break
			}
		}
		if !seen {
			c.add(graph.CodeInvisibleUnit, u.name, nil)
		}
	}
}

// recent reports whether the stakeholder has an engagement dated in
// (lo, asOf].
func (ix *index) recent(si int32, lo, asOf string) bool {
	d := ix.dates[si]
	i := sort.SearchStrings(d, lo)
	for i < len(d) && d[i] == lo {
		i++
	}
	return i < len(d) && d[i] <= asOf
}

// daysBefore returns the date n days before the date asOf, both
// YYYY-MM-DD; asOf is a valid date (parameters are normalised).
func daysBefore(asOf string, n int) string {
	d, _ := time.Parse(time.DateOnly, asOf)
	return d.AddDate(0, 0, -n).Format(time.DateOnly)
}

// roles lists the roles a stakeholder holds on a trajectory, sorted.
func (ix *index) roles(trajectory, stakeholder string) []string {
	ti, ok := ix.trIdx[trajectory]
	if !ok {
		return nil
	}
	var out []string
	for _, st := range ix.stakesByTr[ti] {
		if st.Stakeholder == stakeholder {
			out = append(out, st.Role)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
