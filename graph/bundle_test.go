package graph_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// validBundle is a small valid workspace.
func validBundle() *graph.Bundle {
	return &graph.Bundle{
		Format:       graph.Format,
		Workspace:    graph.Workspace{ID: "w", Name: "W", Language: "nl"},
		Stakeholders: []graph.Stakeholder{okStakeholder, {ID: "hr", Name: "Hanna", Kind: "person", Level: "executive", Influence: 4, Interest: 5, Attitude: "champion"}},
		Trajectories: []graph.Trajectory{okTrajectory},
		Goals:        []graph.Goal{okGoal},
		Enablers:     []graph.Enabler{okEnabler},
		Engagements:  []graph.Engagement{okEngagement},
		Stakes:       []graph.Stake{{Stakeholder: "cfo", Trajectory: "ai", Role: "sponsor"}, {Stakeholder: "cfo", Trajectory: "ai", Role: "owner"}},
		Influences:   []graph.Influence{{From: "hr", To: "cfo", Strength: 0.8}, {From: "cfo", To: "hr", Strength: 0.3}},
		ReportsTo:    []graph.ReportsTo{{From: "hr", To: "cfo"}},
		Supports:     []graph.Supports{{Trajectory: "ai", Goal: "g"}},
		DependsOn:    []graph.DependsOn{{Trajectory: "ai", On: "lms"}},
	}
}

func TestBundleValidate(t *testing.T) {
	if err := validBundle().Validate(); err != nil {
		t.Fatalf("valid bundle refused: %v", err)
	}
	tests := []struct {
		name                string
		change              func(b *graph.Bundle)
		entry, field, value string
	}{
		{"format wrong", func(b *graph.Bundle) { b.Format = "stakemap/v2" }, "", "format", "stakemap/v2"},
		{"format missing", func(b *graph.Bundle) { b.Format = "" }, "", "format", ""},
		{"workspace", func(b *graph.Bundle) { b.Workspace.Language = "fr" }, "workspace", "language", "fr"},
		{"node named by array and id", func(b *graph.Bundle) { b.Stakeholders[1].Attitude = "fan" }, `stakeholders[1] "hr"`, "attitude", "fan"},
		{"node without id named by array", func(b *graph.Bundle) { b.Goals[0].ID = "" }, "goals[0]", "id", ""},
		{"duplicate id in one kind", func(b *graph.Bundle) { b.Stakeholders[1].ID = "cfo" }, `stakeholders[1] "cfo"`, "id", "cfo"},
		{"duplicate id across kinds", func(b *graph.Bundle) { b.Goals[0].ID = "ai" }, `goals[0] "ai"`, "id", "ai"},
		{"duplicate stake", func(b *graph.Bundle) { b.Stakes[1].Role = "sponsor" }, "stakes[1]", "stakes", "cfo → ai (sponsor)"},
		{"duplicate influence", func(b *graph.Bundle) { b.Influences[1] = graph.Influence{From: "hr", To: "cfo", Strength: 1} }, "influences[1]", "influences", "hr → cfo"},
		{"dangling stake", func(b *graph.Bundle) { b.Stakes[0].Stakeholder = "ghost" }, "stakes[0]", "stakeholder", "ghost"},
		{"dangling engagement", func(b *graph.Bundle) { b.Engagements[0].About = []string{"g"} }, `engagements[0] "e1"`, "about[0]", "g"},
		{"dangling owner", func(b *graph.Bundle) { b.Enablers[0].Owner = "ai" }, `enablers[0] "lms"`, "owner", "ai"},
		{"self-loop", func(b *graph.Bundle) { b.ReportsTo[0].To = "hr" }, "reportsTo[0]", "to", "hr"},
		{"engagement with nobody", func(b *graph.Bundle) { b.Engagements[0].With = nil }, `engagements[0] "e1"`, "with", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := validBundle()
			tc.change(b)
			err := b.Validate()
			ve, ok := errors.AsType[*graph.ValidationError](err)
			if !ok || !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Validate = %v, want a *ValidationError matching ErrInvalid", err)
			}
			requireProblem(t, ve.Problems, tc.entry, tc.field, tc.value)
		})
	}
}

func TestBundleValidateReportsEveryProblem(t *testing.T) {
	b := validBundle()
	b.Stakeholders[0].Influence = 9
	b.Trajectories[0].Status = "busy"
	b.Influences[0].Strength = 2
	b.DependsOn[0].On = "nothing"
	ve, ok := errors.AsType[*graph.ValidationError](b.Validate())
	if !ok || len(ve.Problems) != 4 {
		t.Fatalf("want exactly the 4 planted problems, got %v", ve)
	}
}

func TestApplyDefaults(t *testing.T) {
	b := &graph.Bundle{
		Stakeholders: []graph.Stakeholder{{ID: "a"}, {ID: "b", Kind: "group", Attitude: "critic"}},
		Trajectories: []graph.Trajectory{{ID: "t"}, {ID: "u", Status: "done"}},
		Enablers:     []graph.Enabler{{ID: "e"}, {ID: "f", Kind: "budget", Status: "ready"}},
		Engagements:  []graph.Engagement{{ID: "x"}, {ID: "y", Channel: "workshop"}},
	}
	b.ApplyDefaults()
	checks := []struct{ name, got, want string }{
		{"format", b.Format, graph.Format},
		{"workspace language", b.Workspace.Language, "nl"},
		{"stakeholder kind", b.Stakeholders[0].Kind, "person"},
		{"stakeholder attitude", b.Stakeholders[0].Attitude, "unknown"},
		{"set stakeholder kind", b.Stakeholders[1].Kind, "group"},
		{"set attitude", b.Stakeholders[1].Attitude, "critic"},
		{"trajectory status", b.Trajectories[0].Status, "idea"},
		{"set status", b.Trajectories[1].Status, "done"},
		{"enabler kind", b.Enablers[0].Kind, "other"},
		{"enabler status", b.Enablers[0].Status, "missing"},
		{"set enabler kind", b.Enablers[1].Kind, "budget"},
		{"set enabler status", b.Enablers[1].Status, "ready"},
		{"engagement channel", b.Engagements[0].Channel, "other"},
		{"set channel", b.Engagements[1].Channel, "workshop"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if b.Engagements[0].With == nil || b.Engagements[0].About == nil || b.Goals == nil || b.Stakes == nil || b.DependsOn == nil {
		t.Error("absent lists must become empty lists")
	}
	ws := graph.Workspace{Language: "en"}
	ws.ApplyDefaults()
	if ws.Language != "en" {
		t.Errorf("a set language was changed to %q", ws.Language)
	}
}

func TestInfluenceDefaultStrength(t *testing.T) {
	var got []graph.Influence
	if err := json.Unmarshal([]byte(`[{"from":"a","to":"b"},{"from":"a","to":"c","strength":0},{"from":"a","to":"d","strength":0.9}]`), &got); err != nil {
		t.Fatal(err)
	}
	want := []graph.Influence{{From: "a", To: "b", Strength: 0.5}, {From: "a", To: "c", Strength: 0}, {From: "a", To: "d", Strength: 0.9}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestCanonicalize(t *testing.T) {
	b := validBundle()
	b.Stakeholders[0], b.Stakeholders[1] = b.Stakeholders[1], b.Stakeholders[0]
	b.Engagements[0].With = []string{"hr", "cfo"}
	b.Stakes = []graph.Stake{{Stakeholder: "hr", Trajectory: "ai", Role: "owner"}, {Stakeholder: "cfo", Trajectory: "ai", Role: "sponsor"}, {Stakeholder: "cfo", Trajectory: "ai", Role: "owner"}}
	b.Canonicalize()
	if b.Stakeholders[0].ID != "cfo" || b.Stakeholders[1].ID != "hr" {
		t.Errorf("stakeholders not sorted by id: %s, %s", b.Stakeholders[0].ID, b.Stakeholders[1].ID)
	}
	if !reflect.DeepEqual(b.Engagements[0].With, []string{"cfo", "hr"}) {
		t.Errorf("with not sorted: %v", b.Engagements[0].With)
	}
	var roles []string
	for _, s := range b.Stakes {
		roles = append(roles, s.Stakeholder+"/"+s.Role)
	}
	if !reflect.DeepEqual(roles, []string{"cfo/owner", "cfo/sponsor", "hr/owner"}) {
		t.Errorf("stakes not sorted by key: %v", roles)
	}
	if b.Influences[0].From != "cfo" {
		t.Errorf("influences not sorted by from: %+v", b.Influences)
	}
}

func TestErrors(t *testing.T) {
	if graph.Invalid(nil) != nil {
		t.Error("Invalid(nil) must be nil")
	}
	err := graph.Invalid([]graph.Problem{{Entry: `stakeholders[0] "a"`, Field: "level", Value: "boss", Reason: "must be one of …"}})
	if !errors.Is(err, graph.ErrInvalid) || errors.Is(err, graph.ErrConflict) {
		t.Errorf("a validation error must match ErrInvalid only")
	}
	if want := `invalid input: stakeholders[0] "a": level "boss": must be one of …`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if !errors.Is(graph.ErrStale, graph.ErrConflict) {
		t.Error("ErrStale must match ErrConflict")
	}
}

// TestBundleValidateDuplicateKeys checks that every repeated key is named
// with its first occurrence, whether the keys come sorted (as a stored
// workspace lists them, checked without a map) or not, against a plain
// map of the keys seen.
func TestBundleValidateDuplicateKeys(t *testing.T) {
	people := []string{"a", "b", "c"}
	for _, order := range [][]int{
		{0, 1, 1, 1, 2, 3, 3},       // sorted, a run of three
		{0, 1, 2, 3},                // sorted, none
		{3, 1, 0, 1, 2, 3, 0, 0},    // unsorted from the start
		{0, 1, 2, 2, 1, 3, 2, 0, 3}, // sorted, then not
	} {
		b := validBundle()
		b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: "a", Name: "A", Kind: "person", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"},
			graph.Stakeholder{ID: "b", Name: "B", Kind: "person", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"},
			graph.Stakeholder{ID: "c", Name: "C", Kind: "person", Level: "employee", Influence: 1, Interest: 1, Attitude: "neutral"})
		b.Influences = nil
		for _, k := range order {
			b.Influences = append(b.Influences, graph.Influence{From: "cfo", To: append(people, "hr")[k], Strength: 0.5})
		}
		want := map[string]string{}
		firstAt := map[string]int{}
		for i, in := range b.Influences {
			if f, ok := firstAt[in.To]; ok {
				want[fmt.Sprintf("influences[%d]", i)] = fmt.Sprintf("duplicates influences[%d]", f)
			} else {
				firstAt[in.To] = i
			}
		}
		got := map[string]string{}
		if ve, ok := errors.AsType[*graph.ValidationError](b.Validate()); ok {
			for _, p := range ve.Problems {
				got[p.Entry] = p.Reason
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("order %v: problems %v, want %v", order, got, want)
		}
	}
}
