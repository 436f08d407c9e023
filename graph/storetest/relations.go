package storetest

import (
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// canonicalRelations returns rels of one kind in canonical order.
func canonicalRelations(rels []graph.Relation, kind graph.RelKind) []graph.Relation {
	var out []graph.Relation
	for _, r := range rels {
		if r.RelKind() == kind {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y graph.Relation) int {
		kx, ky := x.Key(), y.Key()
		switch {
		case kx.Less(ky):
			return -1
		case ky.Less(kx):
			return 1
		}
		return 0
	})
	return out
}

func testRelations(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.newWorkspace("rel")
	h.create(ws, sampleNodes()...)
	rels := sampleRelations()
	// Added backwards, so that listing must sort.
	for _, r := range slices.Backward(rels) {
		h.relate(ws, r)
	}
	for _, kind := range graph.RelKinds {
		got, err := s.Relations(ctx, ws, kind)
		if err != nil {
			t.Fatalf("Relations(%s): %v", kind, err)
		}
		sameJSON(t, "Relations("+string(kind)+")", got, canonicalRelations(rels, kind))
	}

	// Same key, other fields: still a duplicate.
	for _, dup := range []graph.Relation{
		graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "sponsor", Interest: intp(1)},
		graph.Influence{From: "hr-dir", To: "cfo", Strength: 0.1},
		graph.ReportsTo{From: "hr-dir", To: "cfo"},
		graph.Supports{Trajectory: "ai-basis", Goal: "digitaal"},
		graph.DependsOn{Trajectory: "ai-basis", On: "lms", Note: "other note"},
	} {
		wantErr(t, "AddRelation(duplicate "+string(dup.RelKind())+")", s.AddRelation(ctx, ws, dup), graph.ErrConflict)
	}
	// Another role on the same pair, and the reverse of an edge, are new.
	h.relate(ws,
		graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "informed"},
		graph.ReportsTo{From: "cfo", To: "hr-dir"},
		graph.DependsOn{Trajectory: "ai-basis", On: "leiderschap"},
	)
	rels = append(rels,
		graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "informed"},
		graph.ReportsTo{From: "cfo", To: "hr-dir"},
		graph.DependsOn{Trajectory: "ai-basis", On: "leiderschap"},
	)

	// Remove one of every kind.
	for _, kind := range graph.RelKinds {
		list := canonicalRelations(rels, kind)
		victim := list[len(list)/2]
		if err := s.RemoveRelation(ctx, ws, kind, victim.Key()); err != nil {
			t.Fatalf("RemoveRelation(%s %v): %v", kind, victim.Key(), err)
		}
		wantErr(t, "RemoveRelation(removed)", s.RemoveRelation(ctx, ws, kind, victim.Key()), graph.ErrNotFound)
		rels = slices.DeleteFunc(rels, func(r graph.Relation) bool { return r.RelKind() == kind && r.Key() == victim.Key() })
		got, err := s.Relations(ctx, ws, kind)
		if err != nil {
			t.Fatalf("Relations(%s): %v", kind, err)
		}
		sameJSON(t, "Relations("+string(kind)+") after remove", got, canonicalRelations(rels, kind))
	}
	wantErr(t, "RemoveRelation(never added)", s.RemoveRelation(ctx, ws, graph.RelStake, graph.RelKey{A: "or", B: "ai-basis", C: "sponsor"}), graph.ErrNotFound)
	// The key is the identity: the role of a stake is part of it.
	wantErr(t, "RemoveRelation(other role)", s.RemoveRelation(ctx, ws, graph.RelStake, graph.RelKey{A: "teamlead-a", B: "leiderschap", C: "owner"}), graph.ErrNotFound)
	// Removing a relationship leaves its ends alone.
	for _, n := range sampleNodes() {
		if _, _, err := s.Node(ctx, ws, n.NodeKind(), n.NodeID()); err != nil {
			t.Errorf("Node(%q) after removing relationships: %v", n.NodeID(), err)
		}
	}
}

func testRelationValidation(t *testing.T, h *harness) {
	ws := h.newWorkspace("rv")
	h.create(ws, sampleNodes()...)
	ctx := t.Context()
	before := h.export(ws)
	rev := h.revision(ws)
	tests := []struct {
		name  string
		rel   graph.Relation
		field string
		value string
	}{
		{"InfluenceSelf", graph.Influence{From: "cfo", To: "cfo", Strength: 0.5}, "to", "cfo"},
		{"InfluenceZero", graph.Influence{From: "cfo", To: "hr-dir", Strength: 0}, "strength", "0"},
		{"InfluenceAboveOne", graph.Influence{From: "cfo", To: "hr-dir", Strength: 1.5}, "strength", "1.5"},
		{"InfluenceNegative", graph.Influence{From: "cfo", To: "hr-dir", Strength: -0.2}, "strength", "-0.2"},
		{"ReportsToSelf", graph.ReportsTo{From: "or", To: "or"}, "to", "or"},
		{"DependsOnSelf", graph.DependsOn{Trajectory: "ai-basis", On: "ai-basis"}, "on", "ai-basis"},
		{"StakeRole", graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "boss"}, "role", "boss"},
		{"StakeNoRole", graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis"}, "role", ""},
		{"StakeInfluence", graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "owner", Influence: intp(6)}, "influence", "6"},
		{"StakeInterest", graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "owner", Interest: intp(0)}, "interest", "0"},
		{"StakeholderID", graph.Stake{Stakeholder: "Bad Id", Trajectory: "ai-basis", Role: "owner"}, "stakeholder", "Bad Id"},
		{"SupportsNoGoal", graph.Supports{Trajectory: "ai-basis"}, "goal", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantProblems(t, "AddRelation", h.s.AddRelation(ctx, ws, tc.rel), [2]string{tc.field, tc.value})
		})
	}
	sameJSON(t, "workspace after refused relationships", h.export(ws), before)
	if r := h.revision(ws); r != rev {
		t.Errorf("refused writes changed the revision from %q to %q", rev, r)
	}
}
