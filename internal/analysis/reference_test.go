package analysis_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

// referenceFindings computes the findings straight from the wording of
// the design's definitions, one rule at a time and by plain loops over the
// bundle, sharing no code with the package: an independent second opinion.
// Messages are left out.
func referenceFindings(b *graph.Bundle, asOf string, high, window int) []string {
	day := func(s string, minus int) string {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return d.AddDate(0, 0, -minus).Format(time.DateOnly)
	}
	metWithin := func(id string, days int) bool {
		lo := day(asOf, days)
		for _, e := range b.Engagements {
			if slices.Contains(e.With, id) && e.Date > lo && e.Date <= asOf {
				return true
			}
		}
		return false
	}
	person := map[string]graph.Stakeholder{}
	for _, s := range b.Stakeholders {
		person[s.ID] = s
	}
	effective := func(st graph.Stake) int {
		if st.Influence != nil {
			return *st.Influence
		}
		return person[st.Stakeholder].Influence
	}
	var out []string
	add := func(code, subject string, related ...string) {
		out = append(out, fmt.Sprintf("%s %s %v", code, subject, related))
	}
	active := func(status string) bool { return status == "planned" || status == "running" }

	for _, t := range b.Trajectories {
		if !active(t.Status) {
			continue
		}
		var sponsors, owners, holders, opposed []string
		learner, mandate, strong := false, false, false
		for _, st := range b.Stakes {
			if st.Trajectory != t.ID {
				continue
			}
			s := person[st.Stakeholder]
			switch st.Role {
			case "sponsor":
				sponsors = append(sponsors, s.ID)
				if s.Level == "board" || s.Level == "executive" {
					mandate = true
				}
				if effective(st) >= high {
					strong = true
				}
			case "owner":
				owners = append(owners, s.ID)
			case "learner":
				learner = true
			}
			if st.Role == "sponsor" || st.Role == "owner" {
				if !slices.Contains(holders, s.ID) {
					holders = append(holders, s.ID)
				}
				if (s.Attitude == "critic" || s.Attitude == "blocker") && !slices.Contains(opposed, s.ID) {
					opposed = append(opposed, s.ID)
				}
			}
		}
		if len(sponsors) == 0 {
			add("missing-sponsor", t.ID)
		}
		if len(owners) == 0 {
			add("missing-owner", t.ID)
		}
		if !learner {
			add("missing-learner-voice", t.ID)
		}
		if len(sponsors) > 0 && !mandate {
			add("sponsor-without-mandate", t.ID)
		}
		if len(sponsors) > 0 && len(owners) > 0 && len(holders) == 1 {
			add("single-owner", t.ID, holders...)
		}
		if len(opposed) > 0 {
			slices.Sort(opposed)
			add("opposed-owner", t.ID, opposed...)
		}
		if len(sponsors) > 0 && !strong {
			add("weak-sponsor", t.ID)
		}
		supports := false
		for _, s := range b.Supports {
			supports = supports || s.Trajectory == t.ID
		}
		if !supports {
			add("no-strategic-goal", t.ID)
		}
		if t.Measure == "" {
			add("no-impact-measure", t.ID)
		}
		if t.ReviewBy != "" && t.ReviewBy < asOf {
			add("review-overdue", t.ID)
		}
		var blockers []string
		for _, d := range b.DependsOn {
			if d.Trajectory != t.ID {
				continue
			}
			for _, o := range b.Trajectories {
				if o.ID == d.On && o.Status != "done" {
					blockers = append(blockers, o.ID)
				}
			}
			for _, e := range b.Enablers {
				if e.ID == d.On && e.Status != "ready" {
					blockers = append(blockers, e.ID)
				}
			}
		}
		if len(blockers) > 0 {
			slices.Sort(blockers)
			add("blocked", t.ID, slices.Compact(blockers)...)
		}
	}

	for _, s := range b.Stakeholders {
		key := s.Influence >= high
		for _, st := range b.Stakes {
			if st.Stakeholder == s.ID && effective(st) >= high {
				key = true
			}
		}
		if key && s.ContactEvery == 0 && !metWithin(s.ID, window) {
			add("unengaged-key-stakeholder", s.ID)
		}
		if key && (s.Attitude == "unknown" || s.Attitude == "") {
			add("attitude-unknown", s.ID)
		}
		if s.ContactEvery > 0 && !metWithin(s.ID, s.ContactEvery) {
			add("contact-due", s.ID)
		}
	}
	for _, t := range b.Trajectories {
		if t.Status != "done" {
			continue
		}
		shared := false
		for _, e := range b.Engagements {
			shared = shared || (e.ResultsShared && slices.Contains(e.About, t.ID))
		}
		if !shared {
			add("results-not-shared", t.ID)
		}
	}
	for _, g := range b.Goals {
		supported := false
		for _, s := range b.Supports {
			for _, t := range b.Trajectories {
				if s.Goal == g.ID && s.Trajectory == t.ID && active(t.Status) {
					supported = true
				}
			}
		}
		if !supported {
			add("goal-without-trajectory", g.ID)
		}
	}
	internal := func(s graph.Stakeholder) bool { return s.Kind != "external" && s.Level != "external" }
	var units []string
	for _, s := range b.Stakeholders {
		if s.Unit != "" && s.Unit != b.Workspace.LDUnit && internal(s) && !slices.Contains(units, s.Unit) {
			units = append(units, s.Unit)
		}
	}
	for _, u := range units {
		seen := false
		for _, s := range b.Stakeholders {
			if s.Unit == u && internal(s) && metWithin(s.ID, window) {
				seen = true
			}
		}
		if !seen {
			add("invisible-unit", u)
		}
	}

	var ids []string
	edge := map[[2]string]bool{}
	for _, t := range b.Trajectories {
		ids = append(ids, t.ID)
	}
	for _, d := range b.DependsOn {
		edge[[2]string{d.Trajectory, d.On}] = true
	}
	slices.Sort(ids)
	for _, c := range bruteCycles(ids, edge) {
		cyc := strings.Fields(c)
		add("dependency-cycle", cyc[0], cyc...)
	}
	return out
}

// randomWorkspace builds a small valid workspace in which every rule has a
// fair chance to fire or not: few ids, dates around asOf, every level,
// kind, role and status, contact rhythms, and an L&D unit.
func randomWorkspace(r *rand.Rand) *graph.Bundle {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	base := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	date := func() string { return base.AddDate(0, 0, 40-r.IntN(200)).Format(time.DateOnly) }
	units := []string{"", "HR", "IT", "Zorg", "L&D"}
	return bundleOf(func(b *graph.Bundle) {
		if r.IntN(2) == 0 {
			b.Workspace.LDUnit = "L&D"
		}
		ns, nt := 2+r.IntN(7), 1+r.IntN(5)
		for i := range ns {
			s := graph.Stakeholder{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("S%d", i), Kind: pick(graph.StakeholderKinds),
				Unit: pick(units), Level: pick(graph.Levels), Influence: 1 + r.IntN(5), Interest: 1 + r.IntN(5),
				Attitude: pick(graph.Attitudes)}
			if r.IntN(3) == 0 {
				s.ContactEvery = []int{1, 7, 30, 60, 90, 365}[r.IntN(6)]
			}
			b.Stakeholders = append(b.Stakeholders, s)
		}
		for i := range nt {
			t := graph.Trajectory{ID: fmt.Sprintf("t%d", i), Name: fmt.Sprintf("T%d", i), Status: pick(graph.TrajectoryStatus)}
			if r.IntN(2) == 0 {
				t.Measure = "m"
			}
			if r.IntN(2) == 0 {
				t.ReviewBy = date()
			}
			b.Trajectories = append(b.Trajectories, t)
		}
		for i := range 1 + r.IntN(3) {
			b.Goals = append(b.Goals, graph.Goal{ID: fmt.Sprintf("g%d", i), Name: "G"})
		}
		for i := range r.IntN(3) {
			b.Enablers = append(b.Enablers, graph.Enabler{ID: fmt.Sprintf("en%d", i), Name: "E", Kind: pick(graph.EnablerKinds), Status: pick(graph.EnablerStatus)})
		}
		roles := graph.Roles
		seen := map[string]bool{}
		for range r.IntN(3 * nt * 2) {
			st := graph.Stake{Stakeholder: b.Stakeholders[r.IntN(ns)].ID, Trajectory: b.Trajectories[r.IntN(nt)].ID, Role: pick(roles)}
			if k := st.Stakeholder + st.Trajectory + st.Role; !seen[k] {
				seen[k] = true
				if r.IntN(3) == 0 {
					st.Influence = ip(1 + r.IntN(5))
				}
				b.Stakes = append(b.Stakes, st)
			}
		}
		for _, t := range b.Trajectories {
			for _, g := range b.Goals {
				if r.IntN(3) == 0 {
					b.Supports = append(b.Supports, graph.Supports{Trajectory: t.ID, Goal: g.ID})
				}
			}
			for _, o := range b.Trajectories {
				if o.ID != t.ID && r.IntN(4) == 0 {
					b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: t.ID, On: o.ID})
				}
			}
			for _, e := range b.Enablers {
				if r.IntN(3) == 0 {
					b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: t.ID, On: e.ID})
				}
			}
		}
		for i := range r.IntN(2 * ns) {
			e := graph.Engagement{ID: fmt.Sprintf("e%d", i), Date: date(), Channel: "meeting", ResultsShared: r.IntN(3) == 0}
			for _, s := range b.Stakeholders {
				if r.IntN(ns) == 0 {
					e.With = append(e.With, s.ID)
				}
			}
			if len(e.With) == 0 {
				e.With = []string{b.Stakeholders[0].ID}
			}
			if r.IntN(2) == 0 {
				e.About = []string{b.Trajectories[r.IntN(nt)].ID}
			}
			b.Engagements = append(b.Engagements, e)
		}
	})
}

func TestFindingsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	fired := map[string]int{}
	for round := range 600 {
		b := randomWorkspace(r)
		if err := b.Validate(); err != nil {
			t.Fatalf("round %d: generated workspace is invalid: %v", round, err)
		}
		p := graph.FindingParams{AsOf: "2026-06-30", High: 3 + round%3, Window: []int{30, 90, 1}[round%3]}
		got, err := analysis.Findings(t.Context(), b, p)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, f := range got {
			lines = append(lines, fmt.Sprintf("%s %s %v", f.Code, f.Subject, f.Related))
			fired[f.Code]++
			if f.Severity != graph.SeverityOf(f.Code) {
				t.Errorf("%s has severity %q", f.Code, f.Severity)
			}
		}
		want := referenceFindings(b, p.AsOf, p.High, p.Window)
		slices.Sort(want)
		sorted := slices.Clone(lines)
		slices.Sort(sorted)
		if !slices.Equal(sorted, want) {
			t.Fatalf("round %d: findings\n%s\nreference\n%s", round, strings.Join(sorted, "\n"), strings.Join(want, "\n"))
		}
	}
	// The comparison means something only if every rule fired and also
	// stayed silent somewhere.
	for code := range graph.CodeGroups {
		if fired[code] == 0 {
			t.Errorf("no round produced %s", code)
		}
	}
	t.Logf("findings per code over 600 workspaces: %v", fired)
}
