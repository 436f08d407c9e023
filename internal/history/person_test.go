package history_test

import (
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// TestEventsAbout: a person's history holds the contacts with them, a
// trajectory's the contacts about it, newest first, keeping to the
// query's kind and limit.
func TestEventsAbout(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	if err := s.CreateWorkspace(ctx, graph.Workspace{ID: "w", Name: "W"}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []graph.Node{
		graph.Stakeholder{ID: "ann", Name: "Ann", Kind: "person", Level: "employee", Influence: 2, Interest: 3},
		graph.Stakeholder{ID: "bob", Name: "Bob", Kind: "person", Level: "employee", Influence: 2, Interest: 3},
		graph.Stakeholder{ID: "annie", Name: "Annie", Kind: "person", Level: "employee", Influence: 2, Interest: 3},
		graph.Trajectory{ID: "t", Name: "T", Status: "idea"},
		graph.Engagement{ID: "c1", Date: "2026-11-02", Channel: "meeting", With: []string{"bob", "ann"}},
		graph.Engagement{ID: "c2", Date: "2026-11-03", Channel: "meeting", With: []string{"bob"}, About: []string{"t"}},
		graph.Engagement{ID: "c3", Date: "2026-11-04", Channel: "report", With: []string{"annie"}, Summary: `"ann"`},
	} {
		if _, err := s.CreateNode(ctx, "w", n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteNode(ctx, "w", graph.KindEngagement, "c1", 0); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		q    graph.EventQuery
		want []string
	}{
		{"all", graph.EventQuery{ID: "ann"}, []string{"delete c1", "create c1", "create ann"}},
		{"newest two", graph.EventQuery{ID: "ann", Limit: 2}, []string{"delete c1", "create c1"}},
		{"people only", graph.EventQuery{ID: "ann", Kind: string(graph.KindStakeholder)}, []string{"create ann"}},
		{"contacts only", graph.EventQuery{ID: "ann", Kind: string(graph.KindEngagement)}, []string{"delete c1", "create c1"}},
		{"someone else", graph.EventQuery{ID: "bob"}, []string{"delete c1", "create c2", "create c1", "create bob"}},
		{"a trajectory", graph.EventQuery{ID: "t"}, []string{"create c2", "create t"}},
	} {
		es, err := history.EventsAbout(ctx, s, "w", c.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Action+" "+e.ID)
		}
		if jsonOf(t, got) != jsonOf(t, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
