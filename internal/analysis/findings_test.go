package analysis_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
)

const asOf = "2026-06-30" // with the default window, recent means 2026-04-02 … 2026-06-30

// healthy is a workspace without findings: one running trajectory that is
// co-owned, measured, linked to a goal and reviewed in time, and stakeholders
// that L&D met recently.
func healthy() *graph.Bundle {
	return bundleOf(func(b *graph.Bundle) {
		b.Stakeholders = []graph.Stakeholder{
			{ID: "dir", Name: "Directeur", Level: "executive", Unit: "Bestuur", Influence: 5, Interest: 4, Attitude: "champion"},
			{ID: "mgr", Name: "Manager", Level: "management", Unit: "Zorg", Influence: 3, Interest: 5, Attitude: "supporter"},
			{ID: "lrn", Name: "Lerende", Level: "employee", Unit: "Zorg", Influence: 1, Interest: 3, Attitude: "neutral"},
		}
		b.Trajectories = []graph.Trajectory{{ID: "t1", Name: "Veiligheidscultuur", Status: "running", Measure: "incidents", ReviewBy: "2026-12-01"}}
		b.Goals = []graph.Goal{{ID: "g1", Name: "Veilig werken"}}
		b.Stakes = []graph.Stake{
			{Stakeholder: "dir", Trajectory: "t1", Role: "sponsor"},
			{Stakeholder: "mgr", Trajectory: "t1", Role: "owner"},
			{Stakeholder: "lrn", Trajectory: "t1", Role: "learner"},
		}
		b.Supports = []graph.Supports{{Trajectory: "t1", Goal: "g1"}}
		b.Engagements = []graph.Engagement{{ID: "e1", Date: "2026-06-01", Channel: "meeting", With: []string{"dir", "mgr"}, About: []string{"t1"}}}
	})
}

func stakeholder(b *graph.Bundle, id string) *graph.Stakeholder {
	for i := range b.Stakeholders {
		if b.Stakeholders[i].ID == id {
			return &b.Stakeholders[i]
		}
	}
	panic("no stakeholder " + id)
}

func stakeOf(b *graph.Bundle, role string) *graph.Stake {
	for i := range b.Stakes {
		if b.Stakes[i].Role == role {
			return &b.Stakes[i]
		}
	}
	panic("no stake with role " + role)
}

func addTrajectory(b *graph.Bundle, id, status string, stakes ...graph.Stake) {
	b.Trajectories = append(b.Trajectories, graph.Trajectory{ID: id, Name: "Traject " + id, Status: status, Measure: "m"})
	b.Supports = append(b.Supports, graph.Supports{Trajectory: id, Goal: "g1"})
	for _, s := range stakes {
		s.Trajectory = id
		b.Stakes = append(b.Stakes, s)
	}
}

// summary writes findings as "code subject [related]" lines.
func summary(fs []graph.Finding) string {
	var lines []string
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("%s %s %v", f.Code, f.Subject, f.Related))
	}
	return strings.Join(lines, "\n")
}

func TestFindings(t *testing.T) {
	coOwned := []graph.Stake{{Stakeholder: "dir", Role: "sponsor"}, {Stakeholder: "mgr", Role: "owner"}, {Stakeholder: "lrn", Role: "learner"}}
	tests := []struct {
		name   string
		change func(b *graph.Bundle)
		params graph.FindingParams
		want   string
	}{
		{"OK/none", func(*graph.Bundle) {}, graph.FindingParams{}, ""},
		{"missing-roles", func(b *graph.Bundle) { b.Stakes = nil },
			graph.FindingParams{Only: graph.GroupCoOwnership},
			"missing-learner-voice t1 []\nmissing-owner t1 []\nmissing-sponsor t1 []"},
		{"inactive trajectories are not checked", func(b *graph.Bundle) {
			for _, st := range []string{"idea", "done", "stopped"} {
				addTrajectory(b, "x-"+st, st)
			}
			b.Engagements[0].About = []string{"t1", "x-done"}
			b.Engagements[0].ResultsShared = true
		}, graph.FindingParams{}, ""},
		{"planned counts as active", func(b *graph.Bundle) { addTrajectory(b, "t2", "planned", coOwned[:2]...) },
			graph.FindingParams{}, "missing-learner-voice t2 []"},
		{"sponsor-without-mandate", func(b *graph.Bundle) { stakeholder(b, "dir").Level = "management" },
			graph.FindingParams{Only: graph.GroupCoOwnership}, "sponsor-without-mandate t1 []"},
		{"sponsor-without-mandate/one board sponsor is enough", func(b *graph.Bundle) {
			stakeholder(b, "dir").Level = "board"
			b.Stakes = append(b.Stakes, graph.Stake{Stakeholder: "mgr", Trajectory: "t1", Role: "sponsor", Influence: ip(5)})
		}, graph.FindingParams{Only: graph.GroupCoOwnership}, ""},
		{"single-owner", func(b *graph.Bundle) { stakeOf(b, "owner").Stakeholder = "dir" },
			graph.FindingParams{Only: graph.GroupCoOwnership}, "single-owner t1 [dir]"},
		{"single-owner/needs both roles", func(b *graph.Bundle) { b.Stakes = b.Stakes[1:] },
			graph.FindingParams{Only: graph.GroupCoOwnership}, "missing-sponsor t1 []"},
		{"single-owner/two sponsors", func(b *graph.Bundle) {
			stakeOf(b, "owner").Stakeholder = "dir"
			b.Stakes = append(b.Stakes, graph.Stake{Stakeholder: "mgr", Trajectory: "t1", Role: "sponsor"})
		}, graph.FindingParams{Only: graph.GroupCoOwnership}, ""},
		{"opposed-owner", func(b *graph.Bundle) {
			stakeholder(b, "dir").Attitude = "critic"
			stakeholder(b, "mgr").Attitude = "blocker"
			stakeholder(b, "lrn").Attitude = "blocker" // a learner is not an owner
		}, graph.FindingParams{Only: graph.GroupCoOwnership}, "opposed-owner t1 [dir mgr]"},
		{"weak-sponsor/effective influence", func(b *graph.Bundle) { stakeOf(b, "sponsor").Influence = ip(3) },
			graph.FindingParams{Only: graph.GroupCoOwnership}, "weak-sponsor t1 []"},
		{"weak-sponsor/high parameter", func(*graph.Bundle) {},
			graph.FindingParams{Only: graph.GroupCoOwnership, High: 5}, ""},
		{"weak-sponsor/high 5 with influence 4", func(b *graph.Bundle) { stakeholder(b, "dir").Influence = 4 },
			graph.FindingParams{Only: graph.GroupCoOwnership, High: 5}, "weak-sponsor t1 []"},

		{"unengaged-key-stakeholder/window edges", func(b *graph.Bundle) {
			b.Engagements[0].Date = "2026-04-01" // exactly window days ago: not recent
			b.Engagements = append(b.Engagements, graph.Engagement{ID: "e2", Date: "2026-07-01", Channel: "meeting", With: []string{"dir"}})
			b.Engagements = append(b.Engagements, graph.Engagement{ID: "e3", Date: "2026-04-02", Channel: "meeting", With: []string{"mgr"}})
			stakeholder(b, "mgr").Influence = 4
		}, graph.FindingParams{Only: graph.GroupVisibility}, "invisible-unit Bestuur []\nunengaged-key-stakeholder dir []"},
		{"unengaged-key-stakeholder/window parameter", func(*graph.Bundle) {},
			graph.FindingParams{Only: graph.GroupVisibility, Window: 29}, "invisible-unit Bestuur []\ninvisible-unit Zorg []\nunengaged-key-stakeholder dir []"},
		{"unengaged-key-stakeholder/key by a stake on any trajectory", func(b *graph.Bundle) {
			addTrajectory(b, "old", "stopped", graph.Stake{Stakeholder: "lrn", Role: "expert", Influence: ip(4)})
		}, graph.FindingParams{Only: graph.GroupVisibility}, "unengaged-key-stakeholder lrn []"},
		{"attitude-unknown", func(b *graph.Bundle) {
			stakeholder(b, "dir").Attitude = "unknown"
			stakeholder(b, "lrn").Attitude = "unknown" // not a key stakeholder
		}, graph.FindingParams{Only: graph.GroupVisibility}, "attitude-unknown dir []"},
		{"results-not-shared", func(b *graph.Bundle) {
			addTrajectory(b, "d1", "done")
			addTrajectory(b, "d2", "done")
			b.Engagements = append(b.Engagements, graph.Engagement{ID: "e2", Date: "2025-01-01", Channel: "report", With: []string{"lrn"}, About: []string{"d2"}, ResultsShared: true})
			b.Engagements = append(b.Engagements, graph.Engagement{ID: "e3", Date: "2026-05-01", Channel: "report", With: []string{"lrn"}, About: []string{"d1"}})
		}, graph.FindingParams{Only: graph.GroupVisibility}, "results-not-shared d1 []"},
		{"goal-without-trajectory", func(b *graph.Bundle) {
			b.Goals = append(b.Goals, graph.Goal{ID: "g2", Name: "Groei"}, graph.Goal{ID: "g3", Name: "Klant"})
			addTrajectory(b, "t9", "done")
			b.Supports = append(b.Supports, graph.Supports{Trajectory: "t9", Goal: "g2"})
			b.Engagements[0].About = []string{"t9"}
			b.Engagements[0].ResultsShared = true
		}, graph.FindingParams{Only: graph.GroupVisibility}, "goal-without-trajectory g2 []\ngoal-without-trajectory g3 []"},
		{"invisible-unit", func(b *graph.Bundle) {
			b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: "ext", Name: "Extern", Level: "external", Influence: 1, Interest: 1, Attitude: "neutral"})
			b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: "fin", Name: "Fin", Unit: "Financiën", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"})
		}, graph.FindingParams{Only: graph.GroupVisibility}, "invisible-unit Financiën []"},

		{"invisible-unit/external parties and L&D's own unit do not count", func(b *graph.Bundle) {
			b.Workspace.LDUnit = "Opleidingen"
			b.Stakeholders = append(b.Stakeholders,
				graph.Stakeholder{ID: "ld", Name: "L&D", Kind: "person", Unit: "Opleidingen", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"},
				graph.Stakeholder{ID: "sup", Name: "Leverancier", Kind: "external", Unit: "Inkoop", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"},
				graph.Stakeholder{ID: "or", Name: "OR", Kind: "group", Unit: "Medezeggenschap", Level: "external", Influence: 1, Interest: 1, Attitude: "neutral"},
				// Met recently, but an outsider: does not make HR visible.
				graph.Stakeholder{ID: "hr-ext", Name: "Extern HR", Kind: "external", Unit: "HR", Level: "external", Influence: 1, Interest: 1, Attitude: "neutral"},
				graph.Stakeholder{ID: "hr", Name: "HR", Kind: "person", Unit: "HR", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"})
			b.Engagements[0].With = append(b.Engagements[0].With, "hr-ext")
		}, graph.FindingParams{Only: graph.GroupVisibility}, "invisible-unit HR []"},
		{"contact-due/window edges", func(b *graph.Bundle) {
			stakeholder(b, "lrn").ContactEvery = 30 // none at all
			stakeholder(b, "mgr").ContactEvery = 29 // last met 2026-06-01, exactly 29 days ago: due
			stakeholder(b, "dir").ContactEvery = 30 // the same meeting is within 30 days
			b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: "x", Name: "X", Kind: "person", Level: "employee", Unit: "Zorg",
				Influence: 1, Interest: 1, Attitude: "neutral", ContactEvery: 1})
			b.Engagements = append(b.Engagements, graph.Engagement{ID: "e3", Date: asOf, Channel: "meeting", With: []string{"x"}},
				graph.Engagement{ID: "e4", Date: "2026-07-01", Channel: "meeting", With: []string{"lrn"}}) // after asOf
		}, graph.FindingParams{Only: graph.GroupVisibility}, "contact-due lrn []\ncontact-due mgr []"},
		{"contact-due/met within the rhythm", func(b *graph.Bundle) {
			stakeholder(b, "mgr").ContactEvery = 30
			stakeholder(b, "dir").ContactEvery = 30
		}, graph.FindingParams{Only: graph.GroupVisibility}, ""},
		{"contact-due replaces unengaged-key-stakeholder", func(b *graph.Bundle) {
			b.Engagements[0].Date = "2025-01-01"
			stakeholder(b, "dir").ContactEvery = 365 // met 2025-01-01: more than 365 days ago
			stakeholder(b, "mgr").Influence = 5
			stakeholder(b, "mgr").ContactEvery = 600 // out of range, but a stored rhythm still counts
		}, graph.FindingParams{Only: graph.GroupVisibility}, "contact-due dir []\ninvisible-unit Bestuur []\ninvisible-unit Zorg []"},

		{"no-strategic-goal and no-impact-measure", func(b *graph.Bundle) {
			b.Supports = nil
			b.Trajectories[0].Measure = ""
		}, graph.FindingParams{Only: graph.GroupStrategy}, "no-impact-measure t1 []\nno-strategic-goal t1 []"},
		{"review-overdue", func(b *graph.Bundle) { b.Trajectories[0].ReviewBy = "2026-06-29" },
			graph.FindingParams{Only: graph.GroupStrategy}, "review-overdue t1 []"},
		{"review-overdue/due today is not overdue", func(b *graph.Bundle) { b.Trajectories[0].ReviewBy = asOf },
			graph.FindingParams{Only: graph.GroupStrategy}, ""},
		{"blocked", func(b *graph.Bundle) {
			b.Enablers = []graph.Enabler{{ID: "lms", Name: "LMS", Kind: "system", Status: "planned"}, {ID: "budget", Name: "Budget", Kind: "budget", Status: "ready"}}
			addTrajectory(b, "basis", "done")
			addTrajectory(b, "a-pre", "running", coOwned...)
			b.DependsOn = []graph.DependsOn{{Trajectory: "t1", On: "lms"}, {Trajectory: "t1", On: "budget"}, {Trajectory: "t1", On: "basis"}, {Trajectory: "t1", On: "a-pre"}}
		}, graph.FindingParams{Only: graph.GroupStrategy}, "blocked t1 [a-pre lms]"},
		{"dependency-cycle", func(b *graph.Bundle) {
			for _, id := range []string{"p", "q", "r", "s"} {
				addTrajectory(b, id, "idea")
			}
			b.DependsOn = []graph.DependsOn{{Trajectory: "r", On: "p"}, {Trajectory: "p", On: "q"}, {Trajectory: "q", On: "r"},
				{Trajectory: "q", On: "p"}, {Trajectory: "s", On: "s"}}
		}, graph.FindingParams{Only: graph.GroupStrategy}, "dependency-cycle p [p q]\ndependency-cycle p [p q r]\ndependency-cycle s [s]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := healthy()
			tt.change(b)
			b.Canonicalize()
			p := tt.params
			p.AsOf = asOf
			got, err := analysis.Findings(t.Context(), b, p)
			if err != nil {
				t.Fatal(err)
			}
			if s := summary(got); s != tt.want {
				t.Errorf("got\n%s\nwant\n%s", s, tt.want)
			}
		})
	}
}

func TestFindingsSortedWithMessages(t *testing.T) {
	b := healthy()
	b.Stakes = nil
	b.Trajectories[0].Measure = ""
	b.Goals = append(b.Goals, graph.Goal{ID: "g0", Name: "Groei"})
	for _, id := range []string{"c", "b", "a"} {
		addTrajectory(b, id, "running")
	}
	b.DependsOn = []graph.DependsOn{{Trajectory: "a", On: "b"}, {Trajectory: "b", On: "a"}, {Trajectory: "c", On: "a"}}
	b.Canonicalize()
	got, err := analysis.Findings(t.Context(), b, graph.FindingParams{AsOf: asOf, Lang: graph.LangNL})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(got, func(x, y graph.Finding) int {
		return strings.Compare(x.Code+"\x00"+x.Subject+"\x00"+strings.Join(x.Related, "\x00"), y.Code+"\x00"+y.Subject+"\x00"+strings.Join(y.Related, "\x00"))
	}) {
		t.Errorf("not sorted:\n%s", summary(got))
	}
	doc, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(doc), "null") {
		t.Errorf("related must be [] rather than null: %s", doc)
	}
	for _, f := range got {
		if f.Message == "" || strings.Contains(f.Message, "%!") {
			t.Errorf("%s %s: bad message %q", f.Code, f.Subject, f.Message)
		}
		if f.Code == graph.CodeMissingSponsor && f.Subject == "t1" && !strings.Contains(f.Message, "Traject Veiligheidscultuur heeft geen sponsor") {
			t.Errorf("message %q does not name the trajectory in Dutch", f.Message)
		}
	}
	// Without Lang, the workspace language (en) holds.
	en, err := analysis.Findings(t.Context(), b, graph.FindingParams{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(en) != len(got) || !strings.HasPrefix(en[0].Message, strings.SplitN(graph.Describe(en[0], graph.LangEN, func(string) string { return "" }), " ", 2)[0]) {
		t.Errorf("workspace language not used: %q", en[0].Message)
	}
	for i := range en {
		if en[i].Message == got[i].Message {
			t.Errorf("%s: English and Dutch messages are the same: %q", en[i].Code, en[i].Message)
		}
	}
}

func TestFindingsErrInvalid(t *testing.T) {
	for _, p := range []graph.FindingParams{{AsOf: "30-06-2026"}, {High: 6}, {Window: -1}, {Window: 3651}, {Window: 1 << 40}, {Only: "all"}, {Lang: "de"}} {
		if _, err := analysis.Findings(t.Context(), healthy(), p); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%+v: got %v, want ErrInvalid", p, err)
		}
	}
}

// bruteCycles enumerates elementary cycles by trying every sequence of
// distinct nodes that starts at its smallest node.
func bruteCycles(nodes []string, edge map[[2]string]bool) []string {
	var out []string
	var walk func(path []string)
	walk = func(path []string) {
		last := path[len(path)-1]
		if edge[[2]string{last, path[0]}] {
			out = append(out, strings.Join(path, " "))
		}
		for _, n := range nodes {
			if n > path[0] && !slices.Contains(path, n) && edge[[2]string{last, n}] {
				walk(append(path, n))
			}
		}
	}
	for _, n := range nodes {
		walk([]string{n})
	}
	slices.Sort(out)
	return out
}

func TestDependencyCyclesMatchBruteForce(t *testing.T) {
	for seed := range uint64(300) {
		b := bundleOf(func(b *graph.Bundle) {})
		n := 1 + int(seed%7)
		var ids []string
		for i := range n {
			id := fmt.Sprintf("t%d", (i*7+int(seed))%10)
			if slices.Contains(ids, id) {
				continue
			}
			ids = append(ids, id)
			b.Trajectories = append(b.Trajectories, graph.Trajectory{ID: id, Name: id, Status: "idea"})
		}
		edge := map[[2]string]bool{}
		x := seed*2654435761 + 1
		for _, a := range ids {
			for _, c := range ids {
				x = x*6364136223846793005 + 1442695040888963407
				if a != c && x>>61 < 3 {
					edge[[2]string{a, c}] = true
					b.DependsOn = append(b.DependsOn, graph.DependsOn{Trajectory: a, On: c})
				}
			}
		}
		b.Canonicalize()
		got, err := analysis.Findings(t.Context(), b, graph.FindingParams{AsOf: asOf, Only: graph.GroupStrategy})
		if err != nil {
			t.Fatal(err)
		}
		var cycles []string
		for _, f := range got {
			if f.Code == graph.CodeDependencyCycle {
				if f.Subject != f.Related[0] {
					t.Fatalf("subject %s is not the start of %v", f.Subject, f.Related)
				}
				cycles = append(cycles, strings.Join(f.Related, " "))
			}
		}
		want := bruteCycles(slices.Sorted(slices.Values(ids)), edge)
		slices.Sort(cycles)
		if !slices.Equal(cycles, want) {
			t.Fatalf("seed %d: got %v, want %v", seed, cycles, want)
		}
	}
}
