package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func TestCompare(t *testing.T) {
	a := &graph.Bundle{
		Workspace:    graph.Workspace{ID: "w", Name: "W"},
		Stakeholders: []graph.Stakeholder{{ID: "cfo", Name: "CFO", Level: "executive", Influence: 5, Interest: 2, Attitude: "critic"}, {ID: "old", Name: "Old", Level: "employee", Influence: 1, Interest: 1}},
		Trajectories: []graph.Trajectory{{ID: "ai", Name: "AI", Status: "running"}},
		Stakes:       []graph.Stake{{Stakeholder: "cfo", Trajectory: "ai", Role: "sponsor"}},
		Influences:   []graph.Influence{{From: "old", To: "cfo", Strength: 0.5}},
	}
	b := a.Clone()
	b.Stakeholders = []graph.Stakeholder{{ID: "cfo", Name: "CFO", Level: "executive", Influence: 5, Interest: 2, Attitude: "supporter", Notes: "won over"}, {ID: "new", Name: "New", Level: "employee", Influence: 1, Interest: 1}}
	b.Influences = nil
	four := 4
	b.Stakes = []graph.Stake{{Stakeholder: "cfo", Trajectory: "ai", Role: "sponsor", Interest: &four}, {Stakeholder: "new", Trajectory: "ai", Role: "learner"}}

	c, err := graph.Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(struct {
		N graph.NodeChanges     `json:"n"`
		R graph.RelationChanges `json:"r"`
	}{c.Nodes, c.Relations})
	want := `{"n":{"added":[{"kind":"stakeholder","id":"new"}],"removed":[{"kind":"stakeholder","id":"old"}],` +
		`"changed":[{"kind":"stakeholder","id":"cfo","fields":{"attitude":{"from":"critic","to":"supporter"},"notes":{"from":null,"to":"won over"}}}]},` +
		`"r":{"added":[{"kind":"stake","key":{"role":"learner","stakeholder":"new","trajectory":"ai"}}],` +
		`"removed":[{"kind":"influence","key":{"from":"old","to":"cfo"}}],` +
		`"changed":[{"kind":"stake","key":{"role":"sponsor","stakeholder":"cfo","trajectory":"ai"},"fields":{"interest":{"from":null,"to":4}}}]}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if same, _ := graph.Compare(a, a.Clone()); !same.Empty() {
		t.Errorf("a bundle differs from its clone: %+v", same)
	}
}

func TestCompareFindings(t *testing.T) {
	from := []graph.Finding{{Code: "missing-owner", Subject: "ai", Related: []string{}}, {Code: "blocked", Subject: "ai", Related: []string{"lms"}}}
	to := []graph.Finding{{Code: "blocked", Subject: "ai", Related: []string{"lms"}}, {Code: "contact-due", Subject: "cfo", Related: []string{}}}
	added, resolved := graph.CompareFindings(from, to)
	if len(added) != 1 || added[0].Code != "contact-due" || len(resolved) != 1 || resolved[0].Code != "missing-owner" {
		t.Errorf("added %v resolved %v", added, resolved)
	}
}
