package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// deleteFromBundle is the reference model of DeleteNode: it returns b
// without the node id and with everything graph.Store's DeleteNode
// promises to clean up. Ids are unique across kinds, so matching every
// field against id is exact.
func deleteFromBundle(b *graph.Bundle, id string) *graph.Bundle {
	c := b.Clone()
	not := func(n graph.Node) bool { return n.NodeID() == id }
	c.Stakeholders = slices.DeleteFunc(c.Stakeholders, func(n graph.Stakeholder) bool { return not(n) })
	c.Trajectories = slices.DeleteFunc(c.Trajectories, func(n graph.Trajectory) bool { return not(n) })
	c.Goals = slices.DeleteFunc(c.Goals, func(n graph.Goal) bool { return not(n) })
	c.Enablers = slices.DeleteFunc(c.Enablers, func(n graph.Enabler) bool { return not(n) })
	c.Engagements = slices.DeleteFunc(c.Engagements, func(n graph.Engagement) bool { return not(n) })
	touches := func(r graph.Relation) bool { a, b := graph.Ends(r); return a == id || b == id }
	c.Stakes = slices.DeleteFunc(c.Stakes, func(r graph.Stake) bool { return touches(r) })
	c.Influences = slices.DeleteFunc(c.Influences, func(r graph.Influence) bool { return touches(r) })
	c.ReportsTo = slices.DeleteFunc(c.ReportsTo, func(r graph.ReportsTo) bool { return touches(r) })
	c.Supports = slices.DeleteFunc(c.Supports, func(r graph.Supports) bool { return touches(r) })
	c.DependsOn = slices.DeleteFunc(c.DependsOn, func(r graph.DependsOn) bool { return touches(r) })
	for i := range c.Enablers {
		if c.Enablers[i].Owner == id {
			c.Enablers[i].Owner = ""
		}
	}
	is := func(s string) bool { return s == id }
	for i := range c.Engagements {
		c.Engagements[i].With = slices.DeleteFunc(c.Engagements[i].With, is)
		c.Engagements[i].About = slices.DeleteFunc(c.Engagements[i].About, is)
	}
	c.Engagements = slices.DeleteFunc(c.Engagements, func(e graph.Engagement) bool { return len(e.With) == 0 })
	return c
}

func kindOf(b *graph.Bundle, id string) graph.Kind {
	k, _ := b.Lookup()(id)
	return k
}

func testDeleteCascade(t *testing.T, h *harness) {
	// The sample, with engagements that lose one person, their only person,
	// or one of their trajectories, and an enabler owned by the CFO.
	extra := []graph.Node{
		graph.Engagement{ID: "e2", Date: "2026-10-01", Channel: "presentation", With: []string{"cfo"}, About: []string{"ai-basis", "leiderschap"}},
		graph.Engagement{ID: "e3", Date: "2026-10-02", Channel: "workshop", With: []string{"hr-dir", "teamlead-a"}, About: []string{"leiderschap"}},
		graph.Enabler{ID: "budget", Name: "Opleidingsbudget", Kind: "budget", Status: "ready", Owner: "cfo"},
	}
	for _, id := range []string{"cfo", "hr-dir", "ai-basis", "leiderschap", "digitaal", "lms", "e1", "or"} {
		t.Run(id, func(t *testing.T) {
			h := h.sub(t)
			ws := h.newWorkspace("c")
			h.create(ws, sampleNodes()...)
			h.create(ws, extra...)
			h.relate(ws, sampleRelations()...)
			before := h.export(ws)
			if err := h.s.DeleteNode(t.Context(), ws, kindOf(before, id), id, 0); err != nil {
				t.Fatalf("DeleteNode(%q): %v", id, err)
			}
			sameJSON(t, "workspace after deleting "+id, h.export(ws), deleteFromBundle(before, id))
		})
	}
	t.Run("Explicit", func(t *testing.T) {
		h := h.sub(t)
		// Spelled out once, so that the model above is not the only word.
		ws := h.newWorkspace("x")
		h.create(ws, sampleNodes()...)
		h.create(ws, extra...)
		h.relate(ws, sampleRelations()...)
		if err := h.s.DeleteNode(t.Context(), ws, graph.KindStakeholder, "cfo", 0); err != nil {
			t.Fatal(err)
		}
		b := h.export(ws)
		for _, e := range b.Engagements {
			if e.ID == "e2" {
				t.Errorf("engagement e2 was with the CFO only and should be gone: %+v", e)
			}
			if e.ID == "e1" && !slices.Equal(e.With, []string{"hr-dir"}) {
				t.Errorf("engagement e1 with %v, want [hr-dir]", e.With)
			}
		}
		for _, e := range b.Enablers {
			if e.ID == "budget" && e.Owner != "" {
				t.Errorf("enabler budget still owned by %q", e.Owner)
			}
		}
		b.Relations(func(array string, i int, r graph.Relation) {
			if a, z := graph.Ends(r); a == "cfo" || z == "cfo" {
				t.Errorf("%s[%d] still refers to the deleted cfo: %+v", array, i, r)
			}
		})
		// A node created again with the deleted id starts clean.
		h.create(ws, cfo)
		b2 := h.export(ws)
		b2.Relations(func(array string, i int, r graph.Relation) {
			if a, z := graph.Ends(r); a == "cfo" || z == "cfo" {
				t.Errorf("re-created cfo got back %s[%d]: %+v", array, i, r)
			}
		})
	})
	t.Run("Generated", func(t *testing.T) {
		h := h.sub(t)
		// Many deletes in a row on realistic data, each checked against the
		// model.
		b := Generate(11, 40, 6, 260)
		b.Workspace.ID = h.wsID("gen")
		h.cleanup(b.Workspace.ID)
		h.importBundle(b)
		want := h.export(b.Workspace.ID)
		var victims []string
		for i := 0; i < len(b.Stakeholders); i += 5 {
			victims = append(victims, b.Stakeholders[i].ID)
		}
		victims = append(victims, b.Trajectories[0].ID, b.Trajectories[3].ID, b.Goals[0].ID, b.Enablers[0].ID, b.Engagements[2].ID)
		for _, id := range victims {
			kind := kindOf(want, id)
			if kind == "" {
				continue // an engagement already gone with its people
			}
			if err := h.s.DeleteNode(t.Context(), b.Workspace.ID, kind, id, 0); err != nil {
				t.Fatalf("DeleteNode(%s %q): %v", kind, id, err)
			}
			want = deleteFromBundle(want, id)
			got := h.export(b.Workspace.ID)
			if jsonOf(t, got) != jsonOf(t, want) {
				sameJSON(t, fmt.Sprintf("workspace after deleting %s %q", kind, id), got, want)
				return
			}
		}
	})
}

func testRevision(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.newWorkspace("rev")
	seen := map[string]string{}
	check := func(what string) {
		t.Helper()
		r := h.revision(ws)
		if prev, ok := seen[r]; ok {
			t.Errorf("revision %q after %s is the one seen after %s", r, what, prev)
		}
		seen[r] = what
	}
	same := func(what string) {
		t.Helper()
		r := h.revision(ws)
		if _, ok := seen[r]; !ok {
			t.Errorf("revision changed by %s", what)
			seen[r] = what
		}
	}
	check("create workspace")
	h.create(ws, cfo)
	check("CreateNode")
	h.create(ws, hrDir, aiBasis)
	check("more CreateNode")
	if _, err := s.UpdateNode(ctx, ws, changed(cfo), 0); err != nil {
		t.Fatal(err)
	}
	check("UpdateNode")
	h.relate(ws, graph.Influence{From: "cfo", To: "hr-dir", Strength: 0.4})
	check("AddRelation")
	if err := s.RemoveRelation(ctx, ws, graph.RelInfluence, graph.RelKey{A: "cfo", B: "hr-dir"}); err != nil {
		t.Fatal(err)
	}
	check("RemoveRelation")
	if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, "hr-dir", 0); err != nil {
		t.Fatal(err)
	}
	check("DeleteNode")

	// Reads and refused writes change nothing.
	_, _ = s.Nodes(ctx, ws, graph.KindStakeholder)
	_, _ = s.Relations(ctx, ws, graph.RelStake)
	_, vCFO, _ := s.Node(ctx, ws, graph.KindStakeholder, "cfo")
	h.export(ws)
	_, _ = s.CreateNode(ctx, ws, cfo)
	_, _ = s.UpdateNode(ctx, ws, cfo, vCFO+1)
	_ = s.AddRelation(ctx, ws, graph.Stake{Stakeholder: "cfo", Trajectory: "ghost", Role: "owner"})
	same("reads and refused writes")

	b := Generate(2, 10, 2, 20)
	b.Workspace.ID = ws
	h.importBundle(b)
	check("ImportBundle")
	h.importBundle(b)
	check("ImportBundle of the same bundle again")

	// Deleted and created again: a revision that was never used before,
	// for the empty workspace and for content that differs from before.
	if err := s.DeleteWorkspace(ctx, ws, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: ws, Name: "Again"}); err != nil {
		t.Fatal(err)
	}
	check("delete and create workspace")
	h.create(ws, council)
	check("CreateNode in re-created workspace")
	if err := s.DeleteWorkspace(ctx, ws, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	b2 := Generate(3, 10, 2, 20)
	b2.Workspace.ID = ws
	h.importBundle(b2)
	check("import into a deleted workspace")
}

func testIsolation(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	a := h.sampleWorkspace("a")
	b := h.sampleWorkspace("b")
	bBefore := h.export(b)
	vB := func() int64 {
		_, v, err := s.Node(ctx, b, graph.KindStakeholder, "hr-dir")
		if err != nil {
			t.Fatalf("Node(b, hr-dir): %v", err)
		}
		return v
	}()

	// Every kind of write in a, with the ids b has too.
	_, vA, err := s.Node(ctx, a, graph.KindStakeholder, "hr-dir")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateNode(ctx, a, changed(hrDir), vA); err != nil {
		t.Fatalf("UpdateNode(a): %v", err)
	}
	h.create(a, graph.Stakeholder{ID: "only-a", Name: "Only in A", Level: "employee", Influence: 2, Interest: 2})
	h.relate(a, graph.Influence{From: "only-a", To: "cfo", Strength: 0.3})
	if err := s.RemoveRelation(ctx, a, graph.RelSupports, graph.RelKey{A: "ai-basis", B: "digitaal"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteNode(ctx, a, graph.KindStakeholder, "cfo", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteNode(ctx, a, graph.KindTrajectory, "leiderschap", 0); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "workspace b after writes to a", h.export(b), bBefore)
	if _, v, _ := s.Node(ctx, b, graph.KindStakeholder, "hr-dir"); v != vB {
		t.Errorf("version in b moved from %d to %d by an update in a", vB, v)
	}

	// a's nodes are not visible from b, not even as references.
	_, _, err = s.Node(ctx, b, graph.KindStakeholder, "only-a")
	wantErr(t, "Node(b, id only in a)", err, graph.ErrNotFound)
	wantProblems(t, "AddRelation(b, end only in a)", s.AddRelation(ctx, b, graph.Influence{From: "only-a", To: "cfo", Strength: 0.3}), [2]string{"from", "only-a"})
	ns, err := s.Nodes(ctx, b, graph.KindStakeholder)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.NodeID() == "only-a" {
			t.Error("Nodes(b) lists a node of a")
		}
	}
	// The same new id may be taken in both.
	h.create(b, graph.Stakeholder{ID: "only-a", Name: "Also in B", Level: "employee", Influence: 2, Interest: 2})
	if err := s.DeleteNode(ctx, b, graph.KindStakeholder, "only-a", 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Node(ctx, a, graph.KindStakeholder, "only-a"); err != nil {
		t.Errorf("deleting only-a in b removed it from a: %v", err)
	}

	// Importing into a and deleting a leave b alone.
	imp := Generate(4, 12, 3, 40)
	imp.Workspace.ID = a
	h.importBundle(imp)
	sameJSON(t, "workspace b after import into a", h.export(b), bBefore)
	if err := s.DeleteWorkspace(ctx, a, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "workspace b after deleting a", h.export(b), bBefore)
}
