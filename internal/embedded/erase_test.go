package embedded_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/embedded"
)

// TestEraseThenCompact checks DESIGN §10's promise on the raw file: after
// an erasure and a compaction, no byte of the database holds the person's
// name, title, notes or id, though the file held them before.
func TestEraseThenCompact(t *testing.T) {
	ctx := graph.WithActor(t.Context(), graph.ActorCLI)
	path := filepath.Join(t.TempDir(), "erase.db")
	s, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	person := graph.Stakeholder{ID: "wilhelmina-oosterbroek", Name: "Wilhelmina Oosterbroek-Pauw", Kind: "person",
		Title: "Directeur Vastgoedbeheer", Unit: "Vastgoed", Level: "executive", Influence: 5, Interest: 2,
		Attitude: "critic", Notes: "Heeft bezwaar tegen klassikale trainingen"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateWorkspace(ctx, graph.Workspace{ID: "w", Name: "W"}))
	_, err = s.CreateNode(ctx, "w", person)
	must(err)
	_, err = s.CreateNode(ctx, "w", graph.Stakeholder{ID: "bob", Name: "Bob", Level: "management", Influence: 2, Interest: 2})
	must(err)
	_, err = s.CreateNode(ctx, "w", graph.Trajectory{ID: "t", Name: "T", Status: "running"})
	must(err)
	must(s.AddRelation(ctx, "w", graph.Stake{Stakeholder: person.ID, Trajectory: "t", Role: "sponsor"}))
	must(s.AddRelation(ctx, "w", graph.Influence{From: "bob", To: person.ID, Strength: 0.7}))
	_, err = s.CreateNode(ctx, "w", graph.Engagement{ID: "e", Date: "2026-10-01", Channel: "meeting", With: []string{"bob", person.ID}})
	must(err)
	for _, att := range []string{"neutral", "supporter"} {
		p := person
		p.Attitude, p.Notes = att, person.Notes+" ("+att+")"
		_, err = s.UpdateNode(ctx, "w", p, 0)
		must(err)
	}
	_, err = s.CreateSnapshot(ctx, "w", graph.Snapshot{Name: "Before"})
	must(err)
	// The whole workspace replaced once more, so that the file has freed
	// pages full of the person.
	b, err := s.ExportBundle(ctx, "w")
	must(err)
	b.Workspace.Name = "W2"
	must(s.ImportBundle(ctx, b, graph.Precondition{}))

	secrets := []string{person.Name, person.Title, "Heeft bezwaar", person.ID}
	must(s.Close())
	raw, err := os.ReadFile(path)
	must(err)
	for _, x := range secrets {
		if !bytes.Contains(raw, []byte(x)) {
			t.Fatalf("the file never held %q: the test would prove nothing", x)
		}
	}

	s, err = embedded.Open(path)
	must(err)
	alias, err := s.EraseStakeholder(ctx, "w", person.ID)
	must(err)
	must(s.Close())
	before, after, err := embedded.Compact(path)
	must(err)
	t.Logf("compacted %d → %d bytes; erased as %s", before, after, alias)
	raw, err = os.ReadFile(path)
	must(err)
	for _, x := range secrets {
		if i := bytes.Index(raw, []byte(x)); i >= 0 {
			t.Errorf("after erase and compact the file still holds %q at byte %d", x, i)
		}
	}

	// The compacted file is a working store with the rest intact.
	s, err = embedded.Open(path)
	must(err)
	defer s.Close()
	got, err := s.ExportBundle(ctx, "w")
	must(err)
	if len(got.Stakeholders) != 1 || got.Stakeholders[0].ID != "bob" || len(got.Engagements) != 1 {
		t.Errorf("after compaction the workspace is %+v", got)
	}
	es, err := s.Events(ctx, "w", graph.EventQuery{Limit: 1})
	must(err)
	if len(es) != 1 || es[0].Action != graph.ActionErase {
		t.Errorf("newest event after compaction = %+v, want the erasure", es)
	}
	if _, err := s.CreateNode(ctx, "w", graph.Goal{ID: "g", Name: "G"}); err != nil {
		t.Errorf("writing to the compacted file: %v", err)
	}
	if es2, _ := s.Events(ctx, "w", graph.EventQuery{Limit: 1}); len(es2) == 1 && es2[0].Seq <= es[0].Seq {
		t.Errorf("seq went back after compaction: %d after %d", es2[0].Seq, es[0].Seq)
	}
}
