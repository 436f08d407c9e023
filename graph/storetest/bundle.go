package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// messy returns b as a user might write it: every array backwards, the id
// lists of engagements unsorted, and every defaulted field left out.
func messy(b *graph.Bundle) *graph.Bundle {
	c := b.Clone()
	c.Format = ""
	if c.Workspace.Language == graph.LangNL {
		c.Workspace.Language = ""
	}
	for i := range c.Stakeholders {
		s := &c.Stakeholders[i]
		if s.Kind == "person" {
			s.Kind = ""
		}
		if s.Attitude == "unknown" {
			s.Attitude = ""
		}
	}
	for i := range c.Trajectories {
		if c.Trajectories[i].Status == "idea" {
			c.Trajectories[i].Status = ""
		}
	}
	for i := range c.Enablers {
		e := &c.Enablers[i]
		if e.Kind == "other" {
			e.Kind = ""
		}
		if e.Status == "missing" {
			e.Status = ""
		}
	}
	for i := range c.Engagements {
		e := &c.Engagements[i]
		if e.Channel == "other" {
			e.Channel = ""
		}
		if len(e.About) == 0 {
			e.About = nil
		}
		slices.Reverse(e.With)
		slices.Reverse(e.About)
	}
	slices.Reverse(c.Stakeholders)
	slices.Reverse(c.Trajectories)
	slices.Reverse(c.Goals)
	slices.Reverse(c.Enablers)
	slices.Reverse(c.Engagements)
	slices.Reverse(c.Stakes)
	slices.Reverse(c.Influences)
	slices.Reverse(c.ReportsTo)
	slices.Reverse(c.Supports)
	slices.Reverse(c.DependsOn)
	return c
}

func testBundleRoundTrip(t *testing.T, h *harness) {
	want := Generate(3, 60, 8, 400)
	AddRhythms(want, 3)
	if want.Workspace.LDUnit == "" || !slices.ContainsFunc(want.Stakeholders, func(s graph.Stakeholder) bool { return s.ContactEvery > 0 }) {
		t.Fatal("the round trip must carry an ldUnit and contactEvery values")
	}
	want.Workspace.ID = h.wsID("rt")
	h.cleanup(want.Workspace.ID)
	in := messy(want)
	inJSON := jsonOf(t, in)
	h.importBundle(in)
	if jsonOf(t, in) != inJSON {
		t.Error("ImportBundle changed the caller's bundle")
	}
	got := h.export(want.Workspace.ID)
	sameJSON(t, "export of the imported bundle (canonical, defaults applied)", got, want)

	// Export → import → export is the identity.
	h.importBundle(got)
	sameJSON(t, "export after re-importing the export", h.export(want.Workspace.ID), got)

	// The listings agree with the export.
	ctx := t.Context()
	for _, kind := range graph.RelKinds {
		rels, err := h.s.Relations(ctx, want.Workspace.ID, kind)
		if err != nil {
			t.Fatal(err)
		}
		var fromBundle []graph.Relation
		got.Relations(func(_ string, _ int, r graph.Relation) {
			if r.RelKind() == kind {
				fromBundle = append(fromBundle, r)
			}
		})
		sameJSON(t, "Relations("+string(kind)+") against the export", rels, fromBundle)
	}
	stakeholders, err := graph.List[graph.Stakeholder](ctx, h.s, want.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "stakeholders against the export", stakeholders, got.Stakeholders)
	engagements, err := graph.List[graph.Engagement](ctx, h.s, want.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "engagements against the export", engagements, got.Engagements)

	// The sample workspace built node by node exports what was built.
	ws := h.sampleWorkspace("nodes")
	built := h.export(ws)
	sample := &graph.Bundle{Workspace: graph.Workspace{ID: ws, Name: "Test nodes", Language: graph.LangEN}}
	for _, n := range sampleNodes() {
		sample.AddNode(n)
	}
	for _, r := range sampleRelations() {
		sample.AddRelation(r)
	}
	sample.ApplyDefaults()
	sample.Canonicalize()
	sameJSON(t, "export of a workspace built node by node", built, sample)

	// An empty workspace exports empty arrays, not nulls.
	empty := h.newWorkspace("empty")
	sameJSON(t, "export of an empty workspace", h.export(empty), &graph.Bundle{
		Format: graph.Format, Workspace: graph.Workspace{ID: empty, Name: "Test empty", Language: graph.LangEN},
		Stakeholders: []graph.Stakeholder{}, Trajectories: []graph.Trajectory{}, Goals: []graph.Goal{},
		Enablers: []graph.Enabler{}, Stakes: []graph.Stake{}, Influences: []graph.Influence{},
		ReportsTo: []graph.ReportsTo{}, Supports: []graph.Supports{}, DependsOn: []graph.DependsOn{},
		Engagements: []graph.Engagement{},
	})
}

// planted returns a copy of b with seven mistakes of different kinds, and
// the (field, value) of the problem each must produce.
func planted(b *graph.Bundle) (*graph.Bundle, [][2]string) {
	c := b.Clone()
	c.Stakeholders[0].Influence = 9
	c.Goals = append(c.Goals, graph.Goal{ID: c.Stakeholders[1].ID, Name: "Goal with a stakeholder's id"})
	c.Stakes = append(c.Stakes, graph.Stake{Stakeholder: c.Stakeholders[2].ID, Trajectory: c.Goals[0].ID, Role: "sponsor"})
	c.Engagements = append(c.Engagements, graph.Engagement{ID: "planted-e", Date: "2026-03-03", Channel: "meeting", With: []string{"ghost"}})
	c.Influences = append(c.Influences, graph.Influence{From: c.Stakeholders[3].ID, To: c.Stakeholders[3].ID, Strength: 0.5})
	dup := c.Supports[0]
	c.Supports = append(c.Supports, dup)
	c.Trajectories[0].Start = "2026-02-30"
	return c, [][2]string{
		{"influence", "9"},
		{"id", c.Stakeholders[1].ID},
		{"trajectory", c.Goals[0].ID},
		{"with[0]", "ghost"},
		{"to", c.Stakeholders[3].ID},
		{"supports", dup.Trajectory + " → " + dup.Goal},
		{"start", "2026-02-30"},
	}
}

func testImportAllOrNothing(t *testing.T, h *harness) {
	ctx := t.Context()
	good := Generate(5, 30, 5, 150)
	t.Run("ReplacingExisting", func(t *testing.T) {
		h := h.sub(t)
		ws := h.sampleWorkspace("old")
		before := h.export(ws)
		rev := h.revision(ws)
		in := good.Clone()
		in.Workspace.ID = ws
		bad, problems := planted(in)
		err := h.s.ImportBundle(ctx, bad, graph.Precondition{})
		wantProblems(t, "ImportBundle(planted errors)", err, problems...)
		sameJSON(t, "workspace after a refused import", h.export(ws), before)
		if r := h.revision(ws); r != rev {
			t.Errorf("a refused import changed the revision from %q to %q", rev, r)
		}
	})
	t.Run("NewWorkspace", func(t *testing.T) {
		h := h.sub(t)
		in := good.Clone()
		in.Workspace.ID = h.wsID("new")
		h.cleanup(in.Workspace.ID)
		bad, problems := planted(in)
		wantProblems(t, "ImportBundle(planted errors)", h.s.ImportBundle(ctx, bad, graph.Precondition{}), problems...)
		_, err := h.s.Workspace(ctx, in.Workspace.ID)
		wantErr(t, "Workspace(refused import)", err, graph.ErrNotFound)
	})
	t.Run("Header", func(t *testing.T) {
		h := h.sub(t)
		in := good.Clone()
		in.Workspace = graph.Workspace{ID: h.wsID("hdr"), Name: "", Language: "fr"}
		h.cleanup(in.Workspace.ID)
		in.Format = "stakemap/v0"
		wantProblems(t, "ImportBundle(bad header)", h.s.ImportBundle(ctx, in, graph.Precondition{}),
			[2]string{"format", "stakemap/v0"}, [2]string{"name", ""}, [2]string{"language", "fr"})
		_, err := h.s.Workspace(ctx, in.Workspace.ID)
		wantErr(t, "Workspace(refused import)", err, graph.ErrNotFound)
	})
}

func testImportReplaces(t *testing.T, h *harness) {
	ws := h.wsID("rep")
	h.cleanup(ws)
	first := Generate(5, 40, 6, 200)
	first.Workspace.ID = ws
	h.importBundle(first)
	second := Generate(6, 20, 3, 50)
	second.Workspace.ID = ws
	second.Workspace.Name = "Replaced"
	h.importBundle(second)
	sameJSON(t, "export after a replacing import", h.export(ws), second)
	got, err := h.s.Workspace(t.Context(), ws)
	if err != nil || got.Name != "Replaced" {
		t.Errorf("Workspace after import = %+v, %v; want the new name", got, err)
	}
	// Nodes only the first import had are gone for every method.
	gone := first.Stakeholders[len(first.Stakeholders)-1].ID
	if _, _, err := h.s.Node(t.Context(), ws, graph.KindStakeholder, gone); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Node(%q) after a replacing import: %v, want ErrNotFound", gone, err)
	}
	// And their ids can be used again.
	h.create(ws, graph.Goal{ID: gone, Name: "Reused id"})
}

func testConcurrency(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	ws := h.newWorkspace("conc")
	person := func(id string) graph.Stakeholder {
		return graph.Stakeholder{ID: id, Name: "P " + id, Level: "employee", Influence: 2, Interest: 3, Attitude: "neutral"}
	}
	const workers = 6

	t.Run("Creates", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, workers*10)
		wins := make(chan int, workers)
		for w := range workers {
			wg.Go(func() {
				for i := range 5 {
					if _, err := s.CreateNode(ctx, ws, person(fmt.Sprintf("w%d-%d", w, i))); err != nil {
						errs <- err
					}
				}
				// Everybody also tries the same id: one must win.
				_, err := s.CreateNode(ctx, ws, person("contested"))
				switch {
				case err == nil:
					wins <- w
				case !errors.Is(err, graph.ErrConflict):
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		close(wins)
		for err := range errs {
			t.Errorf("concurrent create: %v", err)
		}
		if n := len(wins); n != 1 {
			t.Errorf("%d creates of one id succeeded, want exactly 1", n)
		}
		ns, err := s.Nodes(ctx, ws, graph.KindStakeholder)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != workers*5+1 {
			t.Errorf("%d stakeholders after concurrent creates, want %d", len(ns), workers*5+1)
		}
	})

	t.Run("RacingUpdates", func(t *testing.T) {
		h := h.sub(t)
		h.create(ws, person("raced"))
		for round := range 3 {
			_, v, err := s.Node(ctx, ws, graph.KindStakeholder, "raced")
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			won := make(chan string, workers)
			for w := range workers {
				wg.Go(func() {
					p := person("raced")
					p.Notes = fmt.Sprintf("round %d by %d", round, w)
					_, err := s.UpdateNode(ctx, ws, p, v)
					switch {
					case err == nil:
						won <- p.Notes
					case !errors.Is(err, graph.ErrStale):
						t.Errorf("racing update: %v, want nil or ErrStale", err)
					}
				})
			}
			wg.Wait()
			close(won)
			var winners []string
			for w := range won {
				winners = append(winners, w)
			}
			if len(winners) != 1 {
				t.Fatalf("round %d: %d updates with version %d succeeded, want exactly 1", round, len(winners), v)
			}
			got, v2, err := s.Node(ctx, ws, graph.KindStakeholder, "raced")
			if err != nil {
				t.Fatal(err)
			}
			if got.(graph.Stakeholder).Notes != winners[0] || v2 <= v {
				t.Errorf("round %d: stored %q at version %d; want the winner's %q above version %d", round, got.(graph.Stakeholder).Notes, v2, winners[0], v)
			}
		}
	})

	t.Run("NoLostUpdate", func(t *testing.T) {
		h := h.sub(t)
		h.create(ws, person("counter"))
		const each = 4
		var wg sync.WaitGroup
		for range workers / 2 {
			wg.Go(func() {
				for done := 0; done < each; {
					n, v, err := s.Node(ctx, ws, graph.KindStakeholder, "counter")
					if err != nil {
						t.Error(err)
						return
					}
					p := n.(graph.Stakeholder)
					p.Tags = append(p.Tags, fmt.Sprintf("t%03d", len(p.Tags)))
					_, err = s.UpdateNode(ctx, ws, p, v)
					switch {
					case err == nil:
						done++
					case !errors.Is(err, graph.ErrStale):
						t.Error(err)
						return
					}
				}
			})
		}
		// Readers see whole snapshots meanwhile.
		stop := make(chan struct{})
		var readers sync.WaitGroup
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := s.ExportBundle(ctx, ws)
				if err != nil {
					t.Errorf("ExportBundle during writes: %v", err)
					return
				}
				if err := b.Validate(); err != nil {
					t.Errorf("ExportBundle during writes gave an invalid snapshot: %v", err)
					return
				}
			}
		})
		wg.Wait()
		close(stop)
		readers.Wait()
		n, _, err := s.Node(ctx, ws, graph.KindStakeholder, "counter")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(n.(graph.Stakeholder).Tags); got != workers/2*each {
			t.Errorf("%d increments survived, want %d: an update was lost", got, workers/2*each)
		}
	})

	t.Run("Relations", func(t *testing.T) {
		h := h.sub(t)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range 4 {
					from, to := fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("w%d-%d", (w+1)%workers, i)
					if err := s.AddRelation(ctx, ws, graph.Influence{From: from, To: to, Strength: 0.5}); err != nil {
						t.Errorf("AddRelation: %v", err)
					}
				}
				// A delete beside the other writers takes its edges along.
				doomed := fmt.Sprintf("w%d-4", w)
				r := graph.ReportsTo{From: doomed, To: fmt.Sprintf("w%d-0", w)}
				if err := s.AddRelation(ctx, ws, r); err != nil {
					t.Errorf("AddRelation: %v", err)
				}
				if err := s.DeleteNode(ctx, ws, graph.KindStakeholder, doomed, 0); err != nil {
					t.Errorf("DeleteNode: %v", err)
				}
			})
		}
		wg.Wait()
		b := h.export(ws)
		if err := b.Validate(); err != nil {
			t.Fatalf("workspace after concurrent writes is inconsistent: %v", err)
		}
		if len(b.Influences) != workers*4 || len(b.ReportsTo) != 0 {
			t.Errorf("%d influences and %d reportsTo, want %d and 0", len(b.Influences), len(b.ReportsTo), workers*4)
		}
	})
}

func testCanceledContext(t *testing.T, h *harness) {
	ws := h.sampleWorkspace("ctx")
	before := h.export(ws)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.s.CreateNode(ctx, ws, graph.Goal{ID: "late", Name: "Too late"}); err == nil {
		t.Error("CreateNode with a canceled context succeeded")
	}
	b := Generate(8, 10, 2, 20)
	b.Workspace.ID = ws
	if err := h.s.ImportBundle(ctx, b, graph.Precondition{}); err == nil {
		t.Error("ImportBundle with a canceled context succeeded")
	}
	sameJSON(t, "workspace after canceled writes", h.export(ws), before)
}
