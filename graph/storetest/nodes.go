package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

func testWorkspaces(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	a, b := h.wsID("a"), h.wsID("b")
	h.cleanup(a)
	h.cleanup(b)
	// b first, so that listing must sort.
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: b, Name: "Beta", Language: graph.LangEN, LDUnit: "Learning & Development"}); err != nil {
		t.Fatalf("CreateWorkspace(b): %v", err)
	}
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: a, Name: "Alfa"}); err != nil {
		t.Fatalf("CreateWorkspace(a): %v", err)
	}
	got, err := s.Workspace(ctx, a)
	if err != nil {
		t.Fatalf("Workspace(a): %v", err)
	}
	sameJSON(t, "workspace a (language defaults to nl)", got, graph.Workspace{ID: a, Name: "Alfa", Language: graph.LangNL})

	all, err := s.Workspaces(ctx)
	if err != nil {
		t.Fatalf("Workspaces: %v", err)
	}
	if !slices.IsSortedFunc(all, func(x, y graph.Workspace) int { return strings.Compare(x.ID, y.ID) }) {
		t.Errorf("Workspaces not sorted by id: %v", all)
	}
	var ours []graph.Workspace
	for _, w := range all {
		if w.ID == a || w.ID == b {
			ours = append(ours, w)
		}
	}
	sameJSON(t, "listed workspaces", ours, []graph.Workspace{
		{ID: a, Name: "Alfa", Language: graph.LangNL},
		{ID: b, Name: "Beta", Language: graph.LangEN, LDUnit: "Learning & Development"},
	})

	wantErr(t, "CreateWorkspace(existing id)", s.CreateWorkspace(ctx, graph.Workspace{ID: a, Name: "Again"}), graph.ErrConflict)
	if got, _ := s.Workspace(ctx, a); got.Name != "Alfa" {
		t.Errorf("a conflicting create changed the workspace: %+v", got)
	}

	bad := []struct {
		name  string
		w     graph.Workspace
		field string
		value string
	}{
		{"BadID", graph.Workspace{ID: "Not An Id", Name: "X"}, "id", "Not An Id"},
		{"NoName", graph.Workspace{ID: h.wsID("noname"), Name: " "}, "name", " "},
		{"BadLanguage", graph.Workspace{ID: h.wsID("lang"), Name: "X", Language: "de"}, "language", "de"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			h.cleanup(tc.w.ID)
			wantProblems(t, "CreateWorkspace", s.CreateWorkspace(ctx, tc.w), [2]string{tc.field, tc.value})
			if graph.ValidID(tc.w.ID) {
				_, err := s.Workspace(ctx, tc.w.ID)
				wantErr(t, "Workspace(refused)", err, graph.ErrNotFound)
			}
		})
	}

	if err := s.DeleteWorkspace(ctx, a, graph.Precondition{}); err != nil {
		t.Fatalf("DeleteWorkspace(a): %v", err)
	}
	_, err = s.Workspace(ctx, a)
	wantErr(t, "Workspace(deleted)", err, graph.ErrNotFound)
	wantErr(t, "DeleteWorkspace(deleted)", s.DeleteWorkspace(ctx, a, graph.Precondition{}), graph.ErrNotFound)
	_, err = s.Revision(ctx, a)
	wantErr(t, "Revision(deleted)", err, graph.ErrNotFound)
	_, err = s.ExportBundle(ctx, a)
	wantErr(t, "ExportBundle(deleted)", err, graph.ErrNotFound)
	_, err = s.Nodes(ctx, a, graph.KindStakeholder)
	wantErr(t, "Nodes(deleted)", err, graph.ErrNotFound)
	_, _, err = s.Node(ctx, a, graph.KindStakeholder, "cfo")
	wantErr(t, "Node(deleted)", err, graph.ErrNotFound)
	_, err = s.Relations(ctx, a, graph.RelStake)
	wantErr(t, "Relations(deleted)", err, graph.ErrNotFound)
	_, err = s.CreateNode(ctx, a, cfo)
	wantErr(t, "CreateNode(deleted workspace)", err, graph.ErrNotFound)
	wantErr(t, "AddRelation(deleted workspace)", s.AddRelation(ctx, a, graph.ReportsTo{From: "x", To: "y"}), graph.ErrNotFound)
	all, _ = s.Workspaces(ctx)
	if slices.ContainsFunc(all, func(w graph.Workspace) bool { return w.ID == a }) {
		t.Errorf("Workspaces still lists the deleted workspace")
	}
	if _, err := s.Workspace(ctx, b); err != nil {
		t.Errorf("deleting a removed b too: %v", err)
	}
}

// changed returns a copy of a sample node with every changeable field
// changed.
func changed(n graph.Node) graph.Node {
	switch x := n.(type) {
	case graph.Stakeholder:
		x.Name += " (new)"
		x.Influence, x.Interest = 1, 1
		x.Attitude = "blocker"
		x.Tags = []string{"changed"}
		x.Level = "board"
		return x
	case graph.Trajectory:
		x.Status = "done"
		x.Measure = "Changed measure"
		x.ReviewBy = "2027-01-01"
		return x
	case graph.Goal:
		x.Horizon = "2030"
		return x
	case graph.Enabler:
		x.Owner = "cfo"
		x.Status = "ready"
		return x
	case graph.Engagement:
		x.With = []string{"teamlead-a"}
		x.About = []string{"leiderschap"}
		x.ResultsShared = !x.ResultsShared
		return x
	}
	return n
}

func testNodes(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.newWorkspace("n")
	created := map[string]int64{}
	for _, n := range sampleNodes() {
		v, err := s.CreateNode(ctx, ws, n)
		if err != nil {
			t.Fatalf("CreateNode(%s %q): %v", n.NodeKind(), n.NodeID(), err)
		}
		if v < 1 {
			t.Errorf("CreateNode(%q) = version %d, want a positive one", n.NodeID(), v)
		}
		created[n.NodeID()] = v
	}
	for _, kind := range graph.Kinds {
		var want []graph.Node
		for _, n := range sampleNodes() {
			if n.NodeKind() == kind {
				want = append(want, n)
			}
		}
		slices.SortFunc(want, func(x, y graph.Node) int { return strings.Compare(x.NodeID(), y.NodeID()) })
		got, err := s.Nodes(ctx, ws, kind)
		if err != nil {
			t.Fatalf("Nodes(%s): %v", kind, err)
		}
		sameJSON(t, "Nodes("+string(kind)+")", got, want)
	}

	for _, n := range sampleNodes() {
		t.Run(string(n.NodeKind())+"/"+n.NodeID(), func(t *testing.T) {
			got, v, err := s.Node(ctx, ws, n.NodeKind(), n.NodeID())
			if err != nil {
				t.Fatalf("Node: %v", err)
			}
			if v != created[n.NodeID()] {
				t.Errorf("version %d, want the %d CreateNode returned", v, created[n.NodeID()])
			}
			sameJSON(t, "read node", got, n)

			c := changed(n)
			v2, err := s.UpdateNode(ctx, ws, c, v)
			if err != nil {
				t.Fatalf("UpdateNode: %v", err)
			}
			if v2 <= v {
				t.Errorf("UpdateNode version %d, want more than %d", v2, v)
			}
			got, v3, err := s.Node(ctx, ws, n.NodeKind(), n.NodeID())
			if err != nil {
				t.Fatalf("Node after update: %v", err)
			}
			if v3 != v2 {
				t.Errorf("Node version %d, want the %d UpdateNode returned", v3, v2)
			}
			sameJSON(t, "updated node", got, c)

			// An id of another kind is not found, for reads and writes.
			other := graph.KindGoal
			if n.NodeKind() == graph.KindGoal {
				other = graph.KindStakeholder
			}
			_, _, err = s.Node(ctx, ws, other, n.NodeID())
			wantErr(t, "Node(other kind)", err, graph.ErrNotFound)
			wantErr(t, "DeleteNode(other kind)", s.DeleteNode(ctx, ws, other, n.NodeID(), 0), graph.ErrNotFound)
		})
	}
	_, err := s.UpdateNode(ctx, ws, graph.Goal{ID: "cfo", Name: "A goal named like the CFO"}, 0)
	wantErr(t, "UpdateNode(id of another kind)", err, graph.ErrNotFound)
	if got, _, _ := s.Node(ctx, ws, graph.KindStakeholder, "cfo"); got == nil || got.NodeKind() != graph.KindStakeholder {
		t.Errorf("UpdateNode with another kind changed the stakeholder: %+v", got)
	}
	_, _, err = s.Node(ctx, ws, graph.KindStakeholder, "nobody")
	wantErr(t, "Node(missing)", err, graph.ErrNotFound)
	_, err = s.UpdateNode(ctx, ws, graph.Goal{ID: "nothing", Name: "X"}, 0)
	wantErr(t, "UpdateNode(missing)", err, graph.ErrNotFound)
	wantErr(t, "DeleteNode(missing)", s.DeleteNode(ctx, ws, graph.KindGoal, "nothing", 0), graph.ErrNotFound)

	// Delete in an order that needs no cascade, then everything is gone.
	order := slices.Clone(sampleNodes())
	slices.Reverse(order)
	for _, n := range order {
		if err := s.DeleteNode(ctx, ws, n.NodeKind(), n.NodeID(), 0); err != nil {
			t.Fatalf("DeleteNode(%q): %v", n.NodeID(), err)
		}
		_, _, err := s.Node(ctx, ws, n.NodeKind(), n.NodeID())
		wantErr(t, "Node(deleted)", err, graph.ErrNotFound)
		wantErr(t, "DeleteNode(deleted)", s.DeleteNode(ctx, ws, n.NodeKind(), n.NodeID(), 0), graph.ErrNotFound)
	}
	for _, kind := range graph.Kinds {
		got, err := s.Nodes(ctx, ws, kind)
		if err != nil || len(got) != 0 {
			t.Errorf("Nodes(%s) after deleting all = %v, %v; want none", kind, got, err)
		}
	}
	// A deleted id can be used again, by any kind.
	h.create(ws, graph.Goal{ID: "cfo", Name: "Goal reusing an id"})
}

func testDefaults(t *testing.T, h *harness) {
	ws := h.newWorkspace("d")
	h.create(ws,
		graph.Stakeholder{ID: "s", Name: "S", Level: "employee", Influence: 1, Interest: 1},
		graph.Trajectory{ID: "t", Name: "T"},
		graph.Enabler{ID: "en", Name: "E"},
		graph.Engagement{ID: "e", Date: "2026-01-02", With: []string{"s"}},
	)
	want := []graph.Node{
		graph.Stakeholder{ID: "s", Name: "S", Kind: "person", Level: "employee", Influence: 1, Interest: 1, Attitude: "unknown"},
		graph.Trajectory{ID: "t", Name: "T", Status: "idea"},
		graph.Enabler{ID: "en", Name: "E", Kind: "other", Status: "missing"},
		graph.Engagement{ID: "e", Date: "2026-01-02", Channel: "other", With: []string{"s"}, About: []string{}},
	}
	for _, w := range want {
		got, _, err := h.s.Node(t.Context(), ws, w.NodeKind(), w.NodeID())
		if err != nil {
			t.Fatalf("Node(%q): %v", w.NodeID(), err)
		}
		sameJSON(t, "node with defaults", got, w)
	}
}

func testNodeValidation(t *testing.T, h *harness) {
	t.Run("Defaults", func(t *testing.T) { testDefaults(t, h.sub(t)) })
	ws := h.newWorkspace("v")
	h.create(ws, sampleNodes()...)
	ctx := t.Context()
	bad := func(f func(*graph.Stakeholder)) graph.Node {
		s := cfo
		s.ID = "new-person"
		f(&s)
		return s
	}
	tests := []struct {
		name  string
		node  graph.Node
		field string
		value string
	}{
		{"StakeholderID", bad(func(s *graph.Stakeholder) { s.ID = "Bad Id" }), "id", "Bad Id"},
		{"StakeholderIDTooLong", bad(func(s *graph.Stakeholder) { s.ID = strings.Repeat("a", 65) }), "id", strings.Repeat("a", 65)},
		{"StakeholderName", bad(func(s *graph.Stakeholder) { s.Name = "" }), "name", ""},
		{"StakeholderKind", bad(func(s *graph.Stakeholder) { s.Kind = "robot" }), "kind", "robot"},
		{"StakeholderLevel", bad(func(s *graph.Stakeholder) { s.Level = "ceo" }), "level", "ceo"},
		{"StakeholderInfluence", bad(func(s *graph.Stakeholder) { s.Influence = 7 }), "influence", "7"},
		{"StakeholderInterest", bad(func(s *graph.Stakeholder) { s.Interest = 0 }), "interest", "0"},
		{"StakeholderAttitude", bad(func(s *graph.Stakeholder) { s.Attitude = "hostile" }), "attitude", "hostile"},
		{"StakeholderTag", bad(func(s *graph.Stakeholder) { s.Tags = []string{"ok", " "} }), "tags[1]", " "},
		{"TrajectoryStatus", graph.Trajectory{ID: "t-new", Name: "T", Status: "paused"}, "status", "paused"},
		{"TrajectoryStart", graph.Trajectory{ID: "t-new", Name: "T", Start: "2026-13-01"}, "start", "2026-13-01"},
		{"TrajectoryEndBeforeStart", graph.Trajectory{ID: "t-new", Name: "T", Start: "2026-05-01", End: "2026-04-30"}, "end", "2026-04-30"},
		{"TrajectoryReviewBy", graph.Trajectory{ID: "t-new", Name: "T", ReviewBy: "soon"}, "reviewBy", "soon"},
		{"GoalName", graph.Goal{ID: "g-new"}, "name", ""},
		{"EnablerKind", graph.Enabler{ID: "en-new", Name: "E", Kind: "tool"}, "kind", "tool"},
		{"EnablerStatus", graph.Enabler{ID: "en-new", Name: "E", Status: "done"}, "status", "done"},
		{"EnablerOwnerID", graph.Enabler{ID: "en-new", Name: "E", Owner: "Not An Id"}, "owner", "Not An Id"},
		{"EngagementNoOne", graph.Engagement{ID: "e-new", Date: "2026-01-01"}, "with", ""},
		{"EngagementDate", graph.Engagement{ID: "e-new", Date: "12-09-2026", With: []string{"cfo"}}, "date", "12-09-2026"},
		{"EngagementChannel", graph.Engagement{ID: "e-new", Date: "2026-01-01", Channel: "email", With: []string{"cfo"}}, "channel", "email"},
		{"EngagementTwice", graph.Engagement{ID: "e-new", Date: "2026-01-01", With: []string{"cfo", "cfo"}}, "with[1]", "cfo"},
	}
	before := h.export(ws)
	rev := h.revision(ws)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.s.CreateNode(ctx, ws, tc.node)
			wantProblems(t, "CreateNode", err, [2]string{tc.field, tc.value})
			if graph.ValidID(tc.node.NodeID()) {
				_, _, err = h.s.Node(ctx, ws, tc.node.NodeKind(), tc.node.NodeID())
				wantErr(t, "Node(refused)", err, graph.ErrNotFound)
			}
		})
	}
	// The same problems refuse an update of an existing node.
	broken := cfo
	broken.Influence = 9
	_, err := h.s.UpdateNode(ctx, ws, broken, 0)
	wantProblems(t, "UpdateNode", err, [2]string{"influence", "9"})
	sameJSON(t, "workspace after refused writes", h.export(ws), before)
	if r := h.revision(ws); r != rev {
		t.Errorf("refused writes changed the revision from %q to %q", rev, r)
	}
}

func testReferences(t *testing.T, h *harness) {
	ws := h.newWorkspace("r")
	h.create(ws, sampleNodes()...)
	ctx := t.Context()
	before := h.export(ws)
	rev := h.revision(ws)
	nodes := []struct {
		name  string
		node  graph.Node
		field string
		value string
	}{
		{"EngagementWithUnknown", graph.Engagement{ID: "e-new", Date: "2026-01-01", With: []string{"ghost"}}, "with[0]", "ghost"},
		{"EngagementWithTrajectory", graph.Engagement{ID: "e-new", Date: "2026-01-01", With: []string{"ai-basis"}}, "with[0]", "ai-basis"},
		{"EngagementAboutGoal", graph.Engagement{ID: "e-new", Date: "2026-01-01", With: []string{"cfo"}, About: []string{"digitaal"}}, "about[0]", "digitaal"},
		{"EnablerOwnerUnknown", graph.Enabler{ID: "en-new", Name: "E", Owner: "nobody"}, "owner", "nobody"},
		{"EnablerOwnerTrajectory", graph.Enabler{ID: "en-new", Name: "E", Owner: "ai-basis"}, "owner", "ai-basis"},
	}
	for _, tc := range nodes {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.s.CreateNode(ctx, ws, tc.node)
			wantProblems(t, "CreateNode", err, [2]string{tc.field, tc.value})
		})
	}
	rels := []struct {
		name  string
		rel   graph.Relation
		field string
		value string
	}{
		{"StakeToGoal", graph.Stake{Stakeholder: "cfo", Trajectory: "digitaal", Role: "sponsor"}, "trajectory", "digitaal"},
		{"StakeOfUnknown", graph.Stake{Stakeholder: "ghost", Trajectory: "ai-basis", Role: "sponsor"}, "stakeholder", "ghost"},
		{"StakeOfTrajectory", graph.Stake{Stakeholder: "leiderschap", Trajectory: "ai-basis", Role: "owner"}, "stakeholder", "leiderschap"},
		{"InfluenceToTrajectory", graph.Influence{From: "cfo", To: "ai-basis", Strength: 0.5}, "to", "ai-basis"},
		{"ReportsToFromGoal", graph.ReportsTo{From: "digitaal", To: "cfo"}, "from", "digitaal"},
		{"SupportsStakeholder", graph.Supports{Trajectory: "ai-basis", Goal: "cfo"}, "goal", "cfo"},
		{"DependsOnGoal", graph.DependsOn{Trajectory: "ai-basis", On: "digitaal"}, "on", "digitaal"},
		{"DependsOnUnknown", graph.DependsOn{Trajectory: "ai-basis", On: "ghost"}, "on", "ghost"},
		{"DependsOfEnabler", graph.DependsOn{Trajectory: "lms", On: "ai-basis"}, "trajectory", "lms"},
	}
	for _, tc := range rels {
		t.Run(tc.name, func(t *testing.T) {
			wantProblems(t, "AddRelation", h.s.AddRelation(ctx, ws, tc.rel), [2]string{tc.field, tc.value})
		})
	}
	badOwner := lms
	badOwner.Owner = "digitaal"
	_, err := h.s.UpdateNode(ctx, ws, badOwner, 0)
	wantProblems(t, "UpdateNode(owner is a goal)", err, [2]string{"owner", "digitaal"})
	sameJSON(t, "workspace after refused writes", h.export(ws), before)
	if r := h.revision(ws); r != rev {
		t.Errorf("refused writes changed the revision from %q to %q", rev, r)
	}
}

func testDuplicateIDs(t *testing.T, h *harness) {
	ws := h.newWorkspace("dup")
	h.create(ws, sampleNodes()...)
	ctx := t.Context()
	before := h.export(ws)
	for _, n := range []graph.Node{
		graph.Stakeholder{ID: "cfo", Name: "Another", Level: "employee", Influence: 1, Interest: 1},
		graph.Goal{ID: "cfo", Name: "Goal with a stakeholder's id"},
		graph.Trajectory{ID: "digitaal", Name: "Trajectory with a goal's id"},
		graph.Enabler{ID: "e1", Name: "Enabler with an engagement's id"},
		graph.Engagement{ID: "lms", Date: "2026-01-01", With: []string{"cfo"}},
	} {
		t.Run(string(n.NodeKind())+"/"+n.NodeID(), func(t *testing.T) {
			_, err := h.s.CreateNode(ctx, ws, n)
			wantErr(t, "CreateNode(taken id)", err, graph.ErrConflict)
		})
	}
	sameJSON(t, "workspace after refused creates", h.export(ws), before)
}

func testVersions(t *testing.T, h *harness) {
	ws := h.newWorkspace("ver")
	ctx := t.Context()
	s := h.s
	v1, err := s.CreateNode(ctx, ws, hrDir)
	if err != nil {
		t.Fatal(err)
	}
	node := hrDir
	update := func(notes string, version int64) (int64, error) {
		node.Notes = notes
		return s.UpdateNode(ctx, ws, node, version)
	}
	v2, err := update("second", v1)
	if err != nil || v2 <= v1 {
		t.Fatalf("UpdateNode(version %d) = %d, %v; want a version above it", v1, v2, err)
	}
	_, err = update("stale", v1)
	wantErr(t, "UpdateNode(stale version)", err, graph.ErrStale, graph.ErrConflict)
	_, err = update("future", v2+100)
	wantErr(t, "UpdateNode(future version)", err, graph.ErrStale, graph.ErrConflict)
	got, v, _ := s.Node(ctx, ws, graph.KindStakeholder, "hr-dir")
	if got.(graph.Stakeholder).Notes != "second" || v != v2 {
		t.Errorf("after refused updates: notes %q version %d; want \"second\" at %d", got.(graph.Stakeholder).Notes, v, v2)
	}
	v3, err := update("unconditional", 0)
	if err != nil || v3 <= v2 {
		t.Fatalf("UpdateNode(version 0) = %d, %v; want a version above %d", v3, err, v2)
	}
	v4, err := update("fourth", v3)
	if err != nil || v4 <= v3 {
		t.Fatalf("UpdateNode(current version) = %d, %v; want a version above %d", v4, err, v3)
	}
	wantErr(t, "DeleteNode(stale version)", s.DeleteNode(ctx, ws, graph.KindStakeholder, "hr-dir", v3), graph.ErrStale, graph.ErrConflict)
	if _, _, err := s.Node(ctx, ws, graph.KindStakeholder, "hr-dir"); err != nil {
		t.Fatalf("a stale delete removed the node: %v", err)
	}
	if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, "hr-dir", v4); err != nil {
		t.Fatalf("DeleteNode(current version): %v", err)
	}
	// Created again, a node gets a version none of its predecessors had.
	v, err = s.CreateNode(ctx, ws, hrDir)
	if err != nil || slices.Contains([]int64{v1, v2, v3, v4}, v) || v < 1 {
		t.Errorf("CreateNode after delete = %d, %v; want a version other than %v", v, err, []int64{v1, v2, v3, v4})
	}
	if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, "hr-dir", 0); err != nil {
		t.Errorf("DeleteNode(version 0): %v", err)
	}
}

// testVersionsNeverReused: a version read before a node, or its whole
// workspace, was deleted never matches what is created after it under the
// same id, whether by CreateNode or ImportBundle, so that an old ETag can
// neither pass If-None-Match for other content nor overwrite it.
func testVersionsNeverReused(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.wsID("reuse")
	h.cleanup(ws)
	seen := map[int64]string{}
	note := func(what string, v int64) {
		t.Helper()
		if v < 1 {
			t.Errorf("%s: version %d, want a positive one", what, v)
		}
		if prev, ok := seen[v]; ok {
			t.Errorf("%s: version %d was handed out before, by %s", what, v, prev)
		}
		seen[v] = what
	}
	read := func(what string) int64 {
		t.Helper()
		_, v, err := s.Node(ctx, ws, graph.KindStakeholder, hrDir.ID)
		if err != nil {
			t.Fatalf("%s: Node: %v", what, err)
		}
		return v
	}
	// stale checks that every version handed out before is refused now.
	stale := func(what string) {
		t.Helper()
		for v, by := range seen {
			if v == read(what) {
				continue
			}
			n := hrDir
			n.Notes = "written with the version of " + by
			_, err := s.UpdateNode(ctx, ws, n, v)
			wantErr(t, what+": UpdateNode(version of "+by+")", err, graph.ErrStale)
			wantErr(t, what+": DeleteNode(version of "+by+")", s.DeleteNode(ctx, ws, graph.KindStakeholder, hrDir.ID, v), graph.ErrStale)
		}
	}

	for round := range 2 {
		if err := s.CreateWorkspace(ctx, graph.Workspace{ID: ws, Name: "Reuse", Language: graph.LangEN}); err != nil {
			t.Fatalf("round %d: CreateWorkspace: %v", round, err)
		}
		v, err := s.CreateNode(ctx, ws, hrDir)
		if err != nil {
			t.Fatalf("round %d: CreateNode: %v", round, err)
		}
		note(fmt.Sprintf("CreateNode in workspace incarnation %d", round), v)
		stale(fmt.Sprintf("round %d after create", round))
		if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, hrDir.ID, v); err != nil {
			t.Fatalf("round %d: DeleteNode: %v", round, err)
		}
		v, err = s.CreateNode(ctx, ws, hrDir)
		if err != nil {
			t.Fatalf("round %d: CreateNode again: %v", round, err)
		}
		note(fmt.Sprintf("CreateNode after DeleteNode, incarnation %d", round), v)
		stale(fmt.Sprintf("round %d after re-create", round))

		b := h.export(ws)
		if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
			t.Fatalf("round %d: ImportBundle: %v", round, err)
		}
		note(fmt.Sprintf("ImportBundle over the workspace, incarnation %d", round), read("after import"))
		stale(fmt.Sprintf("round %d after import", round))
		if err := s.DeleteWorkspace(ctx, ws, graph.Precondition{}); err != nil {
			t.Fatalf("round %d: DeleteWorkspace: %v", round, err)
		}
	}
	// A workspace created by an import after a delete: its nodes too.
	b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: ws, Name: "Reuse", Language: graph.LangEN},
		Stakeholders: []graph.Stakeholder{hrDir}}
	if err := s.ImportBundle(ctx, b, graph.Precondition{Absent: true}); err != nil {
		t.Fatalf("ImportBundle of a new workspace: %v", err)
	}
	note("ImportBundle creating the workspace again", read("after the last import"))
	stale("after the last import")
}

// testCreateNamed: graph.CreateNamed gives a node without an id one made
// from its name (an engagement's from its date), counting up past ids
// taken by nodes of any kind, and refuses an invalid node without making
// an id for it.
func testCreateNamed(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.newWorkspace("named")
	h.create(ws, graph.Goal{ID: "jan-de-vries-2", Name: "A goal that took the id"})
	for _, tc := range []struct {
		n    graph.Node
		want string
	}{
		{graph.Stakeholder{Name: "Jan de Vriës", Level: "employee", Influence: 2, Interest: 2}, "jan-de-vries"},
		{graph.Stakeholder{Name: "Jan de Vries", Level: "employee", Influence: 2, Interest: 2}, "jan-de-vries-3"},
		{&graph.Trajectory{Name: "Jan de Vries"}, "jan-de-vries-4"},
		{graph.Engagement{Date: "2026-11-30", With: []string{"jan-de-vries"}}, "2026-11-30"},
		{graph.Engagement{Date: "2026-11-30", With: []string{"jan-de-vries-3"}}, "2026-11-30-2"},
		{graph.Goal{ID: "given", Name: "Has an id"}, "given"},
	} {
		n, v, err := graph.CreateNamed(ctx, s, ws, tc.n)
		if err != nil {
			t.Fatalf("CreateNamed(%+v): %v", tc.n, err)
		}
		if n.NodeID() != tc.want {
			t.Errorf("CreateNamed(%+v) = id %q, want %q", tc.n, n.NodeID(), tc.want)
		}
		got, gv, err := s.Node(ctx, ws, n.NodeKind(), tc.want)
		if err != nil || gv != v {
			t.Errorf("Node(%s) = version %d, %v; CreateNamed said %d", tc.want, gv, err, v)
		}
		sameJSON(t, "stored node", got, n)
	}
	_, _, err := graph.CreateNamed(ctx, s, ws, graph.Stakeholder{Name: "Piet", Level: "janitor", Influence: 2, Interest: 2})
	wantProblems(t, "CreateNamed(invalid)", err, [2]string{"level", "janitor"})
	if _, _, err := s.Node(ctx, ws, graph.KindStakeholder, "piet"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("an invalid node was stored: %v", err)
	}
}
