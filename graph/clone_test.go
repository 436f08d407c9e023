package graph_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func TestCloneIsDeep(t *testing.T) {
	three := 3
	b := &graph.Bundle{
		Format:       graph.Format,
		Workspace:    graph.Workspace{ID: "w", Name: "W"},
		Stakeholders: []graph.Stakeholder{{ID: "b", Tags: []string{"x", "a"}}, {ID: "a"}},
		Stakes:       []graph.Stake{{Stakeholder: "a", Trajectory: "t", Role: "owner", Interest: &three}},
		Engagements:  []graph.Engagement{{ID: "e", With: []string{"b", "a"}, About: []string{"t"}}},
	}
	c := b.Clone()
	if !reflect.DeepEqual(b, c) {
		t.Fatalf("clone differs from the original")
	}
	c.Canonicalize()
	c.ApplyDefaults()
	c.Stakeholders[1].Tags[0] = "changed"
	*c.Stakes[0].Interest = 5
	c.Engagements[0].About[0] = "changed"

	if b.Stakeholders[0].ID != "b" || b.Stakeholders[0].Tags[0] != "x" {
		t.Errorf("sorting or editing the clone changed the original's stakeholders: %+v", b.Stakeholders)
	}
	if b.Engagements[0].With[0] != "b" || b.Engagements[0].About[0] != "t" || b.Engagements[0].Channel != "" {
		t.Errorf("the clone shares engagement lists with the original: %+v", b.Engagements[0])
	}
	if *b.Stakes[0].Interest != 3 {
		t.Errorf("the clone shares a stake's interest with the original")
	}
}

func TestRelationValue(t *testing.T) {
	s := graph.Stake{Stakeholder: "a", Trajectory: "t", Role: "owner"}
	var nilStake *graph.Stake
	tests := []struct {
		name string
		in   graph.Relation
		want graph.Relation
	}{
		{"Value", s, s},
		{"Pointer", &s, s},
		{"NilPointer", nilStake, nilStake},
		{"Influence", &graph.Influence{From: "a", To: "b", Strength: 1}, graph.Influence{From: "a", To: "b", Strength: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := graph.RelationValue(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RelationValue(%#v) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestInfluenceUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    graph.Influence
		wantErr bool
	}{
		{"DefaultStrength", `{"from":"a","to":"b"}`, graph.Influence{From: "a", To: "b", Strength: graph.DefaultStrength}, false},
		{"ExplicitZeroKept", `{"from":"a","to":"b","strength":0}`, graph.Influence{From: "a", To: "b"}, false},
		{"UnknownFieldRefused", `{"from":"a","to":"b","strenght":0.9}`, graph.Influence{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got graph.Influence
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
