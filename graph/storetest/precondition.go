package storetest

import (
	"context"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// testPreconditions checks that whole-workspace writes honour their
// precondition inside the write, so that HTTP's If-Match and
// If-None-Match on a bundle or a workspace never overwrite a change they
// did not see.
func testPreconditions(t *testing.T, h *harness) {
	ctx := context.Background()
	ws := h.sampleWorkspace("pre")
	rev := h.revision(ws)
	b := h.export(ws)
	b.Workspace.Name = "Changed"

	for _, tc := range []struct {
		name string
		pre  graph.Precondition
	}{
		{"WrongRevision", graph.Precondition{Revision: rev + "x"}},
		{"Absent", graph.Precondition{Absent: true}},
	} {
		err := h.s.ImportBundle(ctx, b, tc.pre)
		wantErr(t, "ImportBundle("+tc.name+")", err, graph.ErrStale)
		err = h.s.DeleteWorkspace(ctx, ws, tc.pre)
		wantErr(t, "DeleteWorkspace("+tc.name+")", err, graph.ErrStale)
	}
	if r := h.revision(ws); r != rev {
		t.Fatalf("a refused conditional write changed the revision from %q to %q", rev, r)
	}
	if err := h.s.ImportBundle(ctx, b, graph.Precondition{Revision: rev, Exists: true}); err != nil {
		t.Fatalf("ImportBundle(current revision): %v", err)
	}
	if got := h.export(ws).Workspace.Name; got != "Changed" {
		t.Errorf("conditional import did not apply: name %q", got)
	}
	err := h.s.ImportBundle(ctx, b, graph.Precondition{Revision: rev})
	wantErr(t, "ImportBundle(revision before the last write)", err, graph.ErrStale)

	fresh := b.Clone()
	fresh.Workspace.ID = h.wsID("fresh")
	h.cleanup(fresh.Workspace.ID)
	wantErr(t, "ImportBundle(Exists, new workspace)", h.s.ImportBundle(ctx, fresh, graph.Precondition{Exists: true}), graph.ErrStale)
	if err := h.s.ImportBundle(ctx, fresh, graph.Precondition{Absent: true}); err != nil {
		t.Fatalf("ImportBundle(Absent, new workspace): %v", err)
	}
	wantErr(t, "DeleteWorkspace(Exists, unknown)", h.s.DeleteWorkspace(ctx, h.wsID("none"), graph.Precondition{Exists: true}), graph.ErrStale)
	if err := h.s.DeleteWorkspace(ctx, ws, graph.Precondition{Revision: h.revision(ws)}); err != nil {
		t.Fatalf("DeleteWorkspace(current revision): %v", err)
	}
}
