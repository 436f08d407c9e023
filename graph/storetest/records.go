package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// testRecords checks the record store: create, read, optimistic updates,
// listing by every index in (kind, id) order, deletes, and validation.
// Every record it makes is owned by an owner unique to the run, so a
// shared server's other records never disturb it.
func testRecords(t *testing.T, h *harness) {
	ctx := t.Context()
	s := h.s
	owner := "st-owner-" + h.token
	other := "st-other-" + h.token
	ws := h.newWorkspace("rec")
	kind := "st-" + h.token[:6]
	t.Cleanup(func() {
		_, _ = s.DeleteRecords(t.Context(), graph.RecordQuery{Owner: owner})
		_, _ = s.DeleteRecords(t.Context(), graph.RecordQuery{Owner: other})
		_, _ = s.DeleteRecords(t.Context(), graph.RecordQuery{Kind: kind})
	})
	data := func(n int) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"n":%d,"text":"hé"}`, n)) }

	for _, r := range []graph.Record{
		{Kind: kind, ID: "b", Owner: owner, Data: data(1)},
		{Kind: kind, ID: "a", Owner: owner, Workspace: ws, Data: data(2)},
		{Kind: kind + "x", ID: "a", Owner: owner, Data: data(3)},
		{Kind: kind, ID: "c", Owner: other, Workspace: ws, Data: data(4)},
		{Kind: kind, ID: "user@example.org/x y", Data: data(5)},
	} {
		v, err := s.CreateRecord(ctx, r)
		if err != nil || v != 1 {
			t.Fatalf("CreateRecord(%s %s) = %d, %v; want 1", r.Kind, r.ID, v, err)
		}
	}
	_, err := s.CreateRecord(ctx, graph.Record{Kind: kind, ID: "a", Data: data(9)})
	wantErr(t, "CreateRecord(existing)", err, graph.ErrConflict)
	_, err = s.CreateRecord(ctx, graph.Record{Kind: kind, ID: "z", Workspace: h.wsID("none"), Data: data(9)})
	wantErr(t, "CreateRecord(no such workspace)", err, graph.ErrNotFound)

	r, err := s.Record(ctx, kind, "a")
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if r.Workspace != ws || r.Owner != owner || r.Version != 1 || !jsonEqual(r.Data, data(2)) {
		t.Errorf("Record = %+v (data %s)", r, r.Data)
	}
	_, err = s.Record(ctx, kind, "nope")
	wantErr(t, "Record(missing)", err, graph.ErrNotFound)

	ids := func(q graph.RecordQuery) string {
		t.Helper()
		rs, err := s.Records(ctx, q)
		if err != nil {
			t.Fatalf("Records(%+v): %v", q, err)
		}
		out := ""
		for _, r := range rs {
			if r.Kind == kind || r.Kind == kind+"x" {
				out += r.Kind[len(kind):] + ":" + r.ID + " "
			}
		}
		return out
	}
	for _, tc := range []struct {
		q    graph.RecordQuery
		want string
	}{
		{graph.RecordQuery{Owner: owner}, ":a :b x:a "},
		{graph.RecordQuery{Owner: owner, Kind: kind}, ":a :b "},
		{graph.RecordQuery{Workspace: ws}, ":a :c "},
		{graph.RecordQuery{Workspace: ws, Owner: other}, ":c "},
		{graph.RecordQuery{Kind: kind}, ":a :b :c :user@example.org/x y "},
		{graph.RecordQuery{Kind: kind + "x"}, "x:a "},
	} {
		if got := ids(tc.q); got != tc.want {
			t.Errorf("Records(%+v) = %q, want %q", tc.q, got, tc.want)
		}
	}

	t.Run("Update", func(t *testing.T) {
		r, _ := s.Record(ctx, kind, "b")
		r.Data = data(10)
		v, err := s.UpdateRecord(ctx, r, 1)
		if err != nil || v != 2 {
			t.Fatalf("UpdateRecord(version 1) = %d, %v", v, err)
		}
		r.Data = data(11)
		_, err = s.UpdateRecord(ctx, r, 1)
		wantErr(t, "UpdateRecord(stale)", err, graph.ErrStale)
		if v, err := s.UpdateRecord(ctx, r, 0); err != nil || v != 3 {
			t.Fatalf("UpdateRecord(0) = %d, %v", v, err)
		}
		got, _ := s.Record(ctx, kind, "b")
		if got.Version != 3 || !jsonEqual(got.Data, data(11)) {
			t.Errorf("after updates: %+v %s", got, got.Data)
		}
		moved := got
		moved.Owner = other
		_, err = s.UpdateRecord(ctx, moved, 0)
		wantErr(t, "UpdateRecord(new owner)", err, graph.ErrInvalid)
		moved = got
		moved.Workspace = ws
		_, err = s.UpdateRecord(ctx, moved, 0)
		wantErr(t, "UpdateRecord(new workspace)", err, graph.ErrInvalid)
		_, err = s.UpdateRecord(ctx, graph.Record{Kind: kind, ID: "nope", Data: data(1)}, 0)
		wantErr(t, "UpdateRecord(missing)", err, graph.ErrNotFound)
	})

	t.Run("ConcurrentUpdates", func(t *testing.T) {
		// Ten writers read version v and write v: exactly one wins, the
		// others are told their version is stale.
		r, _ := s.Record(ctx, kind, "b")
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Go(func() {
				c := r
				c.Data = data(100 + i)
				_, errs[i] = s.UpdateRecord(ctx, c, r.Version)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, graph.ErrStale):
				t.Errorf("concurrent update: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent updates of one version succeeded, want 1", won)
		}
	})

	t.Run("Validation", func(t *testing.T) {
		for _, r := range []graph.Record{
			{Kind: "", ID: "x", Data: data(1)},
			{Kind: "Bad Kind", ID: "x", Data: data(1)},
			{Kind: kind, ID: "", Data: data(1)},
			{Kind: kind, ID: "a\x00b", Data: data(1)},
			{Kind: kind, ID: "x", Owner: "o\nwner", Data: data(1)},
			{Kind: kind, ID: "x", Workspace: "Not A Workspace", Data: data(1)},
			{Kind: kind, ID: "x", Data: json.RawMessage(`[1]`)},
			{Kind: kind, ID: "x", Data: json.RawMessage(`{"a":`)},
		} {
			_, err := s.CreateRecord(ctx, r)
			wantErr(t, fmt.Sprintf("CreateRecord(%q %q %q %q %s)", r.Kind, r.ID, r.Owner, r.Workspace, r.Data), err, graph.ErrInvalid)
		}
		_, err := s.DeleteRecords(ctx, graph.RecordQuery{})
		wantErr(t, "DeleteRecords(everything)", err, graph.ErrInvalid)
		_, err = s.Records(ctx, graph.RecordQuery{Owner: "a\x00b"})
		wantErr(t, "Records(bad owner)", err, graph.ErrInvalid)
	})

	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteRecord(ctx, kind+"x", "a"); err != nil {
			t.Fatalf("DeleteRecord: %v", err)
		}
		wantErr(t, "DeleteRecord(again)", s.DeleteRecord(ctx, kind+"x", "a"), graph.ErrNotFound)
		if got := ids(graph.RecordQuery{Owner: owner}); got != ":a :b " {
			t.Errorf("owner's records after delete: %q", got)
		}
		n, err := s.DeleteRecords(ctx, graph.RecordQuery{Owner: other})
		if err != nil || n != 1 {
			t.Fatalf("DeleteRecords(owner) = %d, %v; want 1", n, err)
		}
		if got := ids(graph.RecordQuery{Workspace: ws}); got != ":a " {
			t.Errorf("workspace's records after deleting the other owner's: %q", got)
		}
	})

	t.Run("DieWithWorkspace", func(t *testing.T) {
		// A workspace's records go with it; a new workspace of the same
		// id starts without them; records of no workspace stay.
		if err := s.DeleteWorkspace(ctx, ws, graph.Precondition{}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Record(ctx, kind, "a")
		wantErr(t, "Record(of the deleted workspace)", err, graph.ErrNotFound)
		if err := s.CreateWorkspace(ctx, graph.Workspace{ID: ws, Name: "Again"}); err != nil {
			t.Fatal(err)
		}
		if got := ids(graph.RecordQuery{Workspace: ws}); got != "" {
			t.Errorf("re-created workspace has records %q", got)
		}
		if got := ids(graph.RecordQuery{Owner: owner}); got != ":b " {
			t.Errorf("owner's records after the workspace went: %q, want the service-wide one", got)
		}
		// Importing over a workspace keeps its records: it is the same one.
		if _, err := s.CreateRecord(ctx, graph.Record{Kind: kind, ID: "kept", Workspace: ws, Owner: owner, Data: data(1)}); err != nil {
			t.Fatal(err)
		}
		b := h.export(ws)
		b.Workspace.Name = "Imported"
		if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, kind, "kept"); err != nil {
			t.Errorf("a record of a workspace did not survive an import over it: %v", err)
		}
	})
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}
