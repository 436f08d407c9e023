package neo4jstore

import (
	"encoding/json"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// TestEventRoundTrip checks, without a server, that an event written as
// event-append's row reads back through decodeEvent as it was: the
// columns event-list returns are the row's fields.
func TestEventRoundTrip(t *testing.T) {
	cfo := graph.Stakeholder{ID: "cfo", Name: "Carla", Kind: "person", Level: "executive", Influence: 5, Interest: 2, Attitude: "neutral"}
	after := cfo
	after.Attitude = "supporter"
	events := []graph.Event{
		graph.NodeEvent(cfo, after),
		graph.NodeEvent(nil, cfo),
		graph.RelationEvent(graph.Stake{Stakeholder: "cfo", Trajectory: "t", Role: "sponsor"}, nil),
		graph.WorkspaceEvent(nil, &graph.Workspace{ID: "w", Name: "W", Language: "nl"}),
		graph.ErasureEvent("erased-1"),
	}
	for i, e := range events {
		e.Seq, e.At, e.Actor = int64(i+1), "2026-12-01T10:00:00.000000001Z", "token:abc"
		row := eventRow(e)
		row["at"], row["actor"] = e.At, string(e.Actor)
		keys := []string{"seq", "at", "actor", "action", "kind", "id", "key", "before", "after"}
		vals := make([]any, len(keys))
		for j, k := range keys {
			vals[j] = row[k]
		}
		got, err := decodeEvent(&neo4j.Record{Keys: keys, Values: vals})
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(e)
		if string(g) != string(w) {
			t.Errorf("event %d read back as\n%s\nwant\n%s", i, g, w)
		}
		if e.Key != nil {
			ids := row["keyIds"].([]string)
			if len(ids) != len(e.Key) {
				t.Errorf("event %d: keyIds %v for key %v", i, ids, e.Key)
			}
		}
	}
}
