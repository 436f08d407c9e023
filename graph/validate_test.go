package graph_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func TestValidID(t *testing.T) {
	for _, id := range []string{"a", "0", "cfo", "hr-dir", "a.b_c-d", "2026", strings.Repeat("x", 64)} {
		if !graph.ValidID(id) {
			t.Errorf("ValidID(%q) = false, want true", id)
		}
	}
	for _, id := range []string{"", "CFO", "Cfo", "-a", ".a", "_a", "a b", "a/b", "é", "a\n", strings.Repeat("x", 65)} {
		if graph.ValidID(id) {
			t.Errorf("ValidID(%q) = true, want false", id)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, d := range []string{"2026-01-01", "2024-02-29", "1999-12-31"} {
		if !graph.ValidDate(d) {
			t.Errorf("ValidDate(%q) = false, want true", d)
		}
	}
	for _, d := range []string{"", "2026-02-29", "2026-13-01", "2026-00-10", "2026-01-32", "26-01-01", "2026-1-1", "2026/01/01", "01-01-2026", "2026-01-01T00:00:00Z", " 2026-01-01"} {
		if graph.ValidDate(d) {
			t.Errorf("ValidDate(%q) = true, want false", d)
		}
	}
}

// Valid nodes and relationships that the cases below break one field of.
var (
	okStakeholder = graph.Stakeholder{ID: "cfo", Name: "Carla", Kind: "person", Level: "executive", Influence: 5, Interest: 2, Attitude: "neutral", Tags: []string{"budget"}}
	okTrajectory  = graph.Trajectory{ID: "ai", Name: "AI", Status: "running", Start: "2026-01-01", End: "2026-12-31", ReviewBy: "2026-06-01"}
	okGoal        = graph.Goal{ID: "g", Name: "Goal"}
	okEnabler     = graph.Enabler{ID: "lms", Name: "LMS", Kind: "system", Status: "ready", Owner: "cfo"}
	okEngagement  = graph.Engagement{ID: "e1", Date: "2026-09-12", Channel: "meeting", With: []string{"cfo"}, About: []string{"ai"}}
)

func intp(i int) *int { return &i }

// nodeCase is a node and the problem it must have (field and value), or
// none when field is empty.
type nodeCase struct {
	name         string
	node         graph.Node
	field, value string
}

func stakeholder(f func(*graph.Stakeholder)) graph.Node {
	s := okStakeholder
	s.Tags = append([]string(nil), s.Tags...)
	f(&s)
	return s
}

func trajectory(f func(*graph.Trajectory)) graph.Node { t := okTrajectory; f(&t); return t }
func enabler(f func(*graph.Enabler)) graph.Node       { e := okEnabler; f(&e); return e }
func engagement(f func(*graph.Engagement)) graph.Node {
	e := okEngagement
	e.With, e.About = append([]string(nil), e.With...), append([]string(nil), e.About...)
	f(&e)
	return e
}

func enumCases(name string, allowed []string, bad []string, set func(string) graph.Node) []nodeCase {
	var cs []nodeCase
	for _, v := range allowed {
		cs = append(cs, nodeCase{name + "/OK/" + v, set(v), "", ""})
	}
	for _, v := range bad {
		cs = append(cs, nodeCase{name + "/refused/" + v, set(v), name, v})
	}
	return cs
}

func TestValidateNode(t *testing.T) {
	var cases []nodeCase
	cases = append(cases,
		nodeCase{"stakeholder/OK", okStakeholder, "", ""},
		nodeCase{"trajectory/OK", okTrajectory, "", ""},
		nodeCase{"goal/OK", okGoal, "", ""},
		nodeCase{"enabler/OK", okEnabler, "", ""},
		nodeCase{"engagement/OK", okEngagement, "", ""},
	)
	// Ids: required and slug-shaped, for every kind.
	for _, id := range []string{"", "CFO", "a b", "-x", strings.Repeat("y", 65)} {
		cases = append(cases,
			nodeCase{"stakeholder/id/" + id, stakeholder(func(s *graph.Stakeholder) { s.ID = id }), "id", id},
			nodeCase{"trajectory/id/" + id, trajectory(func(x *graph.Trajectory) { x.ID = id }), "id", id},
			nodeCase{"goal/id/" + id, graph.Goal{ID: id, Name: "G"}, "id", id},
			nodeCase{"enabler/id/" + id, enabler(func(e *graph.Enabler) { e.ID = id }), "id", id},
			nodeCase{"engagement/id/" + id, engagement(func(e *graph.Engagement) { e.ID = id }), "id", id},
		)
	}
	// Names: required, and blank counts as missing.
	for _, n := range []string{"", "   "} {
		cases = append(cases,
			nodeCase{"stakeholder/name/blank", stakeholder(func(s *graph.Stakeholder) { s.Name = n }), "name", n},
			nodeCase{"trajectory/name/blank", trajectory(func(x *graph.Trajectory) { x.Name = n }), "name", n},
			nodeCase{"goal/name/blank", graph.Goal{ID: "g", Name: n}, "name", n},
			nodeCase{"enabler/name/blank", enabler(func(e *graph.Enabler) { e.Name = n }), "name", n},
		)
	}
	// Enumerations: every allowed value passes; unknown, empty and
	// differently cased values are refused.
	cases = append(cases, enumCases("kind", graph.StakeholderKinds, []string{"", "robot", "Person"}, func(v string) graph.Node {
		return stakeholder(func(s *graph.Stakeholder) { s.Kind = v })
	})...)
	cases = append(cases, enumCases("level", graph.Levels, []string{"", "boss", "Board"}, func(v string) graph.Node {
		return stakeholder(func(s *graph.Stakeholder) { s.Level = v })
	})...)
	cases = append(cases, enumCases("attitude", graph.Attitudes, []string{"", "fan", "supporter "}, func(v string) graph.Node {
		return stakeholder(func(s *graph.Stakeholder) { s.Attitude = v })
	})...)
	cases = append(cases, enumCases("status", graph.TrajectoryStatus, []string{"", "busy", "active"}, func(v string) graph.Node {
		return trajectory(func(x *graph.Trajectory) { x.Status = v })
	})...)
	cases = append(cases, enumCases("kind", graph.EnablerKinds, []string{"", "tool", "hr"}, func(v string) graph.Node {
		return enabler(func(e *graph.Enabler) { e.Kind = v })
	})...)
	cases = append(cases, enumCases("status", graph.EnablerStatus, []string{"", "done", "soon"}, func(v string) graph.Node {
		return enabler(func(e *graph.Enabler) { e.Status = v })
	})...)
	cases = append(cases, enumCases("channel", graph.Channels, []string{"", "email", "Meeting"}, func(v string) graph.Node {
		return engagement(func(e *graph.Engagement) { e.Channel = v })
	})...)
	// Scales 1–5.
	for _, v := range []int{1, 3, 5} {
		cases = append(cases,
			nodeCase{"influence/OK", stakeholder(func(s *graph.Stakeholder) { s.Influence = v }), "", ""},
			nodeCase{"interest/OK", stakeholder(func(s *graph.Stakeholder) { s.Interest = v }), "", ""},
		)
	}
	for _, c := range []struct {
		v    int
		text string
	}{{0, "0"}, {6, "6"}, {-1, "-1"}, {100, "100"}} {
		cases = append(cases,
			nodeCase{"influence/refused/" + c.text, stakeholder(func(s *graph.Stakeholder) { s.Influence = c.v }), "influence", c.text},
			nodeCase{"interest/refused/" + c.text, stakeholder(func(s *graph.Stakeholder) { s.Interest = c.v }), "interest", c.text},
		)
	}
	cases = append(cases,
		nodeCase{"tags/OK/none", stakeholder(func(s *graph.Stakeholder) { s.Tags = nil }), "", ""},
		nodeCase{"tags/refused/blank", stakeholder(func(s *graph.Stakeholder) { s.Tags = []string{"a", " "} }), "tags[1]", " "},
		// Dates: optional on trajectories, YYYY-MM-DD, end not before start.
		nodeCase{"dates/OK/none", trajectory(func(x *graph.Trajectory) { x.Start, x.End, x.ReviewBy = "", "", "" }), "", ""},
		nodeCase{"dates/OK/one day", trajectory(func(x *graph.Trajectory) { x.End = x.Start }), "", ""},
		nodeCase{"start/refused", trajectory(func(x *graph.Trajectory) { x.Start = "2026-13-01" }), "start", "2026-13-01"},
		nodeCase{"end/refused", trajectory(func(x *graph.Trajectory) { x.End = "31-12-2026" }), "end", "31-12-2026"},
		nodeCase{"reviewBy/refused", trajectory(func(x *graph.Trajectory) { x.ReviewBy = "2026-02-30" }), "reviewBy", "2026-02-30"},
		nodeCase{"end/refused/before start", trajectory(func(x *graph.Trajectory) { x.End = "2025-12-31" }), "end", "2025-12-31"},
		// Enabler owner: optional, an id.
		nodeCase{"owner/OK/none", enabler(func(e *graph.Enabler) { e.Owner = "" }), "", ""},
		nodeCase{"owner/refused", enabler(func(e *graph.Enabler) { e.Owner = "IT Manager" }), "owner", "IT Manager"},
		// Engagements: a date, at least one stakeholder, ids, no repeats.
		nodeCase{"date/refused/missing", engagement(func(e *graph.Engagement) { e.Date = "" }), "date", ""},
		nodeCase{"date/refused/malformed", engagement(func(e *graph.Engagement) { e.Date = "2026-9-12" }), "date", "2026-9-12"},
		nodeCase{"with/refused/nobody", engagement(func(e *graph.Engagement) { e.With = nil }), "with", ""},
		nodeCase{"with/refused/empty list", engagement(func(e *graph.Engagement) { e.With = []string{} }), "with", ""},
		nodeCase{"with/refused/bad id", engagement(func(e *graph.Engagement) { e.With = []string{"cfo", "Bad"} }), "with[1]", "Bad"},
		nodeCase{"with/refused/twice", engagement(func(e *graph.Engagement) { e.With = []string{"cfo", "cfo"} }), "with[1]", "cfo"},
		nodeCase{"about/OK/none", engagement(func(e *graph.Engagement) { e.About = nil }), "", ""},
		nodeCase{"about/refused/bad id", engagement(func(e *graph.Engagement) { e.About = []string{""} }), "about[0]", ""},
		nodeCase{"about/refused/twice", engagement(func(e *graph.Engagement) { e.About = []string{"ai", "ai"} }), "about[1]", "ai"},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := graph.ValidateNode(tc.node, "")
			if tc.field == "" {
				if len(ps) != 0 {
					t.Fatalf("valid node refused: %v", ps)
				}
				return
			}
			requireProblem(t, ps, graph.EntryName(tc.node.NodeKind(), tc.node.NodeID()), tc.field, tc.value)
		})
	}
}

// requireProblem asserts that ps has a problem with that entry, field and
// value, and a reason.
func requireProblem(t *testing.T, ps []graph.Problem, entry, field, value string) {
	t.Helper()
	for _, p := range ps {
		if p.Entry == entry && p.Field == field && p.Value == value {
			if p.Reason == "" {
				t.Errorf("problem %+v has no reason", p)
			}
			return
		}
	}
	t.Errorf("no problem (entry %q, field %q, value %q) in %v", entry, field, value, ps)
}

func TestValidateNodeNamesEntry(t *testing.T) {
	ps := graph.ValidateNode(stakeholder(func(s *graph.Stakeholder) { s.Level = "boss" }), `stakeholders[7] "cfo"`)
	requireProblem(t, ps, `stakeholders[7] "cfo"`, "level", "boss")
}

func TestValidateWorkspace(t *testing.T) {
	ok := graph.Workspace{ID: "acme", Name: "Acme", Language: "en"}
	if ps := graph.ValidateWorkspace(ok); len(ps) != 0 {
		t.Fatalf("valid workspace refused: %v", ps)
	}
	for _, tc := range []struct {
		name         string
		ws           graph.Workspace
		field, value string
	}{
		{"id missing", graph.Workspace{Name: "A", Language: "nl"}, "id", ""},
		{"id malformed", graph.Workspace{ID: "Acme BV", Name: "A", Language: "nl"}, "id", "Acme BV"},
		{"name missing", graph.Workspace{ID: "a", Language: "nl"}, "name", ""},
		{"language unknown", graph.Workspace{ID: "a", Name: "A", Language: "de"}, "language", "de"},
		{"language missing", graph.Workspace{ID: "a", Name: "A"}, "language", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireProblem(t, graph.ValidateWorkspace(tc.ws), "workspace", tc.field, tc.value)
		})
	}
}

func TestValidateRelation(t *testing.T) {
	okStake := graph.Stake{Stakeholder: "cfo", Trajectory: "ai", Role: "sponsor"}
	tests := []struct {
		name         string
		rel          graph.Relation
		field, value string
	}{
		{"stake/OK", okStake, "", ""},
		{"stake/OK/overrides", graph.Stake{Stakeholder: "cfo", Trajectory: "ai", Role: "owner", Interest: intp(1), Influence: intp(5)}, "", ""},
		{"stake/role/unknown", graph.Stake{Stakeholder: "cfo", Trajectory: "ai", Role: "king"}, "role", "king"},
		{"stake/role/missing", graph.Stake{Stakeholder: "cfo", Trajectory: "ai"}, "role", ""},
		{"stake/stakeholder/malformed", graph.Stake{Stakeholder: "C F O", Trajectory: "ai", Role: "owner"}, "stakeholder", "C F O"},
		{"stake/trajectory/missing", graph.Stake{Stakeholder: "cfo", Role: "owner"}, "trajectory", ""},
		{"stake/interest/0", graph.Stake{Stakeholder: "cfo", Trajectory: "ai", Role: "owner", Interest: intp(0)}, "interest", "0"},
		{"stake/influence/6", graph.Stake{Stakeholder: "cfo", Trajectory: "ai", Role: "owner", Influence: intp(6)}, "influence", "6"},
		{"influence/OK/1", graph.Influence{From: "a", To: "b", Strength: 1}, "", ""},
		{"influence/OK/tiny", graph.Influence{From: "a", To: "b", Strength: 1e-9}, "", ""},
		{"influence/strength/0", graph.Influence{From: "a", To: "b"}, "strength", "0"},
		{"influence/strength/negative", graph.Influence{From: "a", To: "b", Strength: -0.5}, "strength", "-0.5"},
		{"influence/strength/above 1", graph.Influence{From: "a", To: "b", Strength: 1.01}, "strength", "1.01"},
		{"influence/strength/NaN", graph.Influence{From: "a", To: "b", Strength: math.NaN()}, "strength", "NaN"},
		{"influence/self-loop", graph.Influence{From: "a", To: "a", Strength: 0.5}, "to", "a"},
		{"influence/from/missing", graph.Influence{To: "a", Strength: 0.5}, "from", ""},
		{"reportsTo/OK", graph.ReportsTo{From: "a", To: "b"}, "", ""},
		{"reportsTo/self-loop", graph.ReportsTo{From: "a", To: "a"}, "to", "a"},
		{"reportsTo/to/malformed", graph.ReportsTo{From: "a", To: "B"}, "to", "B"},
		{"supports/OK", graph.Supports{Trajectory: "ai", Goal: "g"}, "", ""},
		{"supports/goal/missing", graph.Supports{Trajectory: "ai"}, "goal", ""},
		{"dependsOn/OK", graph.DependsOn{Trajectory: "ai", On: "lms", Note: "first"}, "", ""},
		{"dependsOn/self-loop", graph.DependsOn{Trajectory: "ai", On: "ai"}, "on", "ai"},
		{"dependsOn/on/malformed", graph.DependsOn{Trajectory: "ai", On: "LMS"}, "on", "LMS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := graph.ValidateRelation(tc.rel, "")
			if tc.field == "" {
				if len(ps) != 0 {
					t.Fatalf("valid relationship refused: %v", ps)
				}
				return
			}
			requireProblem(t, ps, string(tc.rel.RelKind()), tc.field, tc.value)
		})
	}
}

// sampleLookup is a workspace with stakeholders a and b, trajectories t and u,
// goal g and enabler en.
func sampleLookup(id string) (graph.Kind, bool) {
	k, ok := map[string]graph.Kind{
		"a": graph.KindStakeholder, "b": graph.KindStakeholder, "t": graph.KindTrajectory, "u": graph.KindTrajectory,
		"g": graph.KindGoal, "en": graph.KindEnabler,
	}[id]
	return k, ok
}

func TestReferences(t *testing.T) {
	rels := []struct {
		name         string
		rel          graph.Relation
		field, value string
	}{
		{"stake/OK", graph.Stake{Stakeholder: "a", Trajectory: "t", Role: "owner"}, "", ""},
		{"stake/stakeholder/missing", graph.Stake{Stakeholder: "x", Trajectory: "t", Role: "owner"}, "stakeholder", "x"},
		{"stake/trajectory/wrong kind", graph.Stake{Stakeholder: "a", Trajectory: "g", Role: "owner"}, "trajectory", "g"},
		{"influence/OK", graph.Influence{From: "a", To: "b", Strength: 1}, "", ""},
		{"influence/to/wrong kind", graph.Influence{From: "a", To: "t", Strength: 1}, "to", "t"},
		{"reportsTo/from/missing", graph.ReportsTo{From: "zz", To: "b"}, "from", "zz"},
		{"supports/OK", graph.Supports{Trajectory: "t", Goal: "g"}, "", ""},
		{"supports/goal/wrong kind", graph.Supports{Trajectory: "t", Goal: "en"}, "goal", "en"},
		{"dependsOn/OK/trajectory", graph.DependsOn{Trajectory: "t", On: "u"}, "", ""},
		{"dependsOn/OK/enabler", graph.DependsOn{Trajectory: "t", On: "en"}, "", ""},
		{"dependsOn/on/goal", graph.DependsOn{Trajectory: "t", On: "g"}, "on", "g"},
		{"dependsOn/on/missing", graph.DependsOn{Trajectory: "t", On: "nope"}, "on", "nope"},
	}
	for _, tc := range rels {
		t.Run(tc.name, func(t *testing.T) {
			ps := graph.RelationRefProblems(tc.rel, "", sampleLookup)
			if tc.field == "" {
				if len(ps) != 0 {
					t.Fatalf("good references refused: %v", ps)
				}
				return
			}
			requireProblem(t, ps, string(tc.rel.RelKind()), tc.field, tc.value)
		})
	}
	nodes := []nodeCase{
		{"enabler/owner/OK", graph.Enabler{ID: "x", Owner: "a"}, "", ""},
		{"enabler/owner/missing", graph.Enabler{ID: "x", Owner: "ghost"}, "owner", "ghost"},
		{"enabler/owner/wrong kind", graph.Enabler{ID: "x", Owner: "t"}, "owner", "t"},
		{"engagement/OK", graph.Engagement{ID: "x", With: []string{"a", "b"}, About: []string{"t"}}, "", ""},
		{"engagement/with/missing", graph.Engagement{ID: "x", With: []string{"a", "ghost"}}, "with[1]", "ghost"},
		{"engagement/with/wrong kind", graph.Engagement{ID: "x", With: []string{"g"}}, "with[0]", "g"},
		{"engagement/about/wrong kind", graph.Engagement{ID: "x", With: []string{"a"}, About: []string{"a"}}, "about[0]", "a"},
	}
	for _, tc := range nodes {
		t.Run(tc.name, func(t *testing.T) {
			ps := graph.NodeRefProblems(tc.node, "", sampleLookup)
			if tc.field == "" {
				if len(ps) != 0 {
					t.Fatalf("good references refused: %v", ps)
				}
				return
			}
			requireProblem(t, ps, graph.EntryName(tc.node.NodeKind(), tc.node.NodeID()), tc.field, tc.value)
		})
	}
}

func TestProblemTextLimit(t *testing.T) {
	long := strings.Repeat("x", graph.MaxShortText+1)
	tags := make([]string, graph.MaxTags+1)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	s := graph.Stakeholder{ID: "a", Name: long, Kind: "robot", Level: "board", Influence: 9, Interest: 1,
		Attitude: "neutral", Notes: "ok\nfine", Title: "bad\u202Etitle", Tags: tags, Unit: "\xff"}
	got := map[string]bool{}
	for _, p := range graph.ValidateNode(s, "") {
		got[p.Field] = p.TextLimit()
	}
	// Not UTF-8 (unit) is damage: no stored value came in that way.
	want := map[string]bool{"name": true, "title": true, "tags": true, "kind": false, "influence": false, "unit": false}
	for field, text := range want {
		if v, ok := got[field]; !ok || v != text {
			t.Errorf("%s: TextLimit() = %v (reported: %v), want %v", field, v, ok, text)
		}
	}
}
