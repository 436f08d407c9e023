package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/history"
)

// The history half of the suite (DESIGN §10): every write is recorded in
// its own transaction, the events suffice to rebuild every earlier state,
// snapshots, settings, retention and erasure.

func (h *harness) hist() graph.History {
	h.t.Helper()
	hs, ok := h.s.(graph.History)
	if !ok {
		h.t.Fatalf("%T does not implement graph.History: every backend keeps history", h.s)
	}
	return hs
}

func (h *harness) events(ws string, q graph.EventQuery) []graph.Event {
	h.t.Helper()
	es, err := h.hist().Events(h.t.Context(), ws, q)
	if err != nil {
		h.t.Fatalf("Events(%s, %+v): %v", ws, q, err)
	}
	return es
}

func (h *harness) historyStore() history.Store {
	return struct {
		graph.Store
		graph.History
	}{h.s, h.hist()}
}

// testHistoryEvents checks what each write records, and the order,
// filters and paging of Events.
func testHistoryEvents(t *testing.T, h *harness) {
	ctx := graph.WithActor(t.Context(), "account:ann")
	ws := h.newWorkspace("ev")
	if _, err := h.s.CreateNode(ctx, ws, cfo); err != nil {
		t.Fatal(err)
	}
	h.create(ws, hrDir, aiBasis)
	changed := cfo
	changed.Attitude = "supporter"
	if _, err := h.s.UpdateNode(ctx, ws, changed, 0); err != nil {
		t.Fatal(err)
	}
	h.relate(ws, graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "sponsor"})
	h.create(ws, graph.Engagement{ID: "e1", Date: "2026-09-12", Channel: "meeting", With: []string{"cfo"}, About: []string{"ai-basis"}})
	if err := h.s.DeleteNode(ctx, ws, graph.KindStakeholder, "cfo", 0); err != nil {
		t.Fatal(err)
	}

	all := h.events(ws, graph.EventQuery{})
	type brief struct{ Action, Kind, ID string }
	var got []brief
	for _, e := range all {
		got = append(got, brief{e.Action, e.Kind, e.ID})
	}
	// Newest first: the cascade of the delete (the stake, the engagement
	// left with nobody), then the person.
	want := []brief{
		{"delete", "stakeholder", "cfo"},
		{"delete", "engagement", "e1"},
		{"delete", "stake", ""},
		{"create", "engagement", "e1"},
		{"create", "stake", ""},
		{"update", "stakeholder", "cfo"},
		{"create", "trajectory", "ai-basis"},
		{"create", "stakeholder", "hr-dir"},
		{"create", "stakeholder", "cfo"},
		{"create", "workspace", ws},
	}
	sortCascade := func(bs []brief) {
		// The order within one write's cascade is the backend's; compare
		// it as a set.
		if len(bs) >= 3 {
			slices.SortFunc(bs[:3], func(a, b brief) int { return strings.Compare(a.Kind+a.ID, b.Kind+b.ID) })
		}
	}
	sortCascade(got)
	sortCascade(want)
	sameJSON(t, "events", got, want)
	for i, e := range all {
		if i > 0 && (e.Seq >= all[i-1].Seq || e.At > all[i-1].At) {
			t.Errorf("event %d (seq %d, at %s) is not older than the one before (seq %d, at %s)", i, e.Seq, e.At, all[i-1].Seq, all[i-1].At)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.At); err != nil {
			t.Errorf("event %d: at %q is not RFC 3339", e.Seq, e.At)
		}
	}
	update := all[5]
	if update.Actor != "account:ann" {
		t.Errorf("update recorded actor %q, want the context's account:ann", update.Actor)
	}
	if all[6].Actor != "" {
		t.Errorf("a write without an actor recorded %q, want it empty rather than guessed", all[6].Actor)
	}
	var before, after graph.Stakeholder
	if json.Unmarshal(update.Before, &before) != nil || json.Unmarshal(update.After, &after) != nil || before.Attitude != "neutral" || after.Attitude != "supporter" {
		t.Errorf("update event before/after = %s / %s, want attitude neutral → supporter", update.Before, update.After)
	}
	if string(all[0].After) != "null" || string(all[9].Before) != "null" {
		t.Errorf("a deletion's after (%s) and a creation's before (%s) must be null", all[0].After, all[9].Before)
	}
	stake := all[4]
	sameJSON(t, "stake key", stake.Key, map[string]string{"stakeholder": "cfo", "trajectory": "ai-basis", "role": "sponsor"})

	// Filters and paging.
	onCFO := h.events(ws, graph.EventQuery{ID: "cfo"})
	if n := len(onCFO); n != 5 {
		t.Errorf("events about cfo (its own and its stake's) = %d, want 5", n)
	}
	if n := len(h.events(ws, graph.EventQuery{Kind: "engagement"})); n != 2 {
		t.Errorf("engagement events = %d, want 2", n)
	}
	page := h.events(ws, graph.EventQuery{Limit: 4})
	next := h.events(ws, graph.EventQuery{Limit: 4, Before: page[len(page)-1].Seq})
	if len(page) != 4 || len(next) != 4 || next[0].Seq != all[4].Seq {
		t.Errorf("paging by 4 gave %d then %d events starting at seq %d, want 4, 4 and seq %d", len(page), len(next), next[0].Seq, all[4].Seq)
	}
	if es := h.events(ws, graph.EventQuery{Since: time.Now().Add(time.Hour)}); len(es) != 0 {
		t.Errorf("events since an hour from now = %d, want 0", len(es))
	}

	if _, err := h.hist().Events(t.Context(), h.wsID("nope"), graph.EventQuery{}); err == nil {
		t.Error("Events of an unknown workspace: no error")
	} else {
		wantErr(t, "Events(unknown)", err, graph.ErrNotFound)
	}
}

// testHistoryRebuild checks that undoing the recorded events rebuilds
// every earlier state exactly, through every kind of write.
func testHistoryRebuild(t *testing.T, h *harness) {
	ctx := t.Context()
	ws := h.newWorkspace("rb")
	var states []*graph.Bundle
	var seqs []int64
	mark := func() {
		t.Helper()
		states = append(states, h.export(ws))
		st, err := h.hist().HistoryState(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, st.LastSeq)
	}
	mark()
	h.create(ws, sampleNodes()...)
	mark()
	h.relate(ws, sampleRelations()...)
	mark()
	changed := hrDir
	changed.Attitude, changed.ContactEvery = "critic", 30
	if _, err := h.s.UpdateNode(ctx, ws, changed, 0); err != nil {
		t.Fatal(err)
	}
	mark()
	if err := h.s.RemoveRelation(ctx, ws, graph.RelInfluence, graph.RelKey{A: "hr-dir", B: "cfo"}); err != nil {
		t.Fatal(err)
	}
	mark()
	if err := h.s.DeleteNode(ctx, ws, graph.KindStakeholder, "hr-dir", 0); err != nil {
		t.Fatal(err)
	}
	mark()
	b := states[2].Clone()
	b.Stakeholders = slices.DeleteFunc(b.Stakeholders, func(s graph.Stakeholder) bool { return s.ID == "or" })
	b.Influences = slices.DeleteFunc(b.Influences, func(i graph.Influence) bool { return i.From == "or" })
	b.Goals = append(b.Goals, graph.Goal{ID: "g2", Name: "Second goal"})
	b.Workspace.Name = "Renamed"
	h.importBundle(b)
	mark()

	for i := range states {
		all := h.events(ws, graph.EventQuery{After: seqs[i]})
		got := h.export(ws)
		if err := history.Undo(got, all); err != nil {
			t.Fatalf("undo to state %d: %v", i, err)
		}
		sameJSON(t, "state "+string(rune('0'+i))+" rebuilt from the events", got, states[i])
	}
	// The import recorded one event per changed entity.
	imp := h.events(ws, graph.EventQuery{After: seqs[5]})
	c, err := graph.Compare(states[5], states[6])
	if err != nil {
		t.Fatal(err)
	}
	entities := 1 + len(c.Nodes.Added) + len(c.Nodes.Removed) + len(c.Nodes.Changed) +
		len(c.Relations.Added) + len(c.Relations.Removed) + len(c.Relations.Changed)
	if len(imp) != entities {
		t.Errorf("the import changed %d entities (the workspace among them) but recorded %d events", entities, len(imp))
	}
}

// testSnapshots checks naming a state and listing names.
func testSnapshots(t *testing.T, h *harness) {
	ctx := t.Context()
	hs := h.hist()
	ws := h.sampleWorkspace("sn")
	s1, err := hs.CreateSnapshot(ctx, ws, graph.Snapshot{Name: "MT oktober"})
	if err != nil {
		t.Fatal(err)
	}
	if s1.ID != "mt-oktober" || s1.At == "" {
		t.Errorf("snapshot = %+v, want id mt-oktober and an at", s1)
	}
	h.create(ws, graph.Goal{ID: "g2", Name: "Two"})
	s2, err := hs.CreateSnapshot(ctx, ws, graph.Snapshot{Name: "MT oktober"})
	if err != nil {
		t.Fatal(err)
	}
	if s2.ID != "mt-oktober-2" {
		t.Errorf("second snapshot of the same name got id %q, want mt-oktober-2", s2.ID)
	}
	if _, err := hs.CreateSnapshot(ctx, ws, graph.Snapshot{ID: "mt-oktober", Name: "x"}); err == nil {
		t.Error("a taken snapshot id: no error")
	} else {
		wantErr(t, "CreateSnapshot(taken)", err, graph.ErrConflict)
	}
	_, err = hs.CreateSnapshot(ctx, ws, graph.Snapshot{Name: " "})
	wantProblems(t, "CreateSnapshot(no name)", err, [2]string{"name", " "})
	_, err = hs.CreateSnapshot(ctx, ws, graph.Snapshot{ID: "2026-11-01", Name: "x"})
	wantProblems(t, "CreateSnapshot(date id)", err, [2]string{"id", "2026-11-01"})
	list, err := hs.Snapshots(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "mt-oktober" || list[1].ID != "mt-oktober-2" {
		t.Fatalf("Snapshots = %+v, want the two, oldest first", list)
	}
	p, err := history.Resolve(ctx, hs, ws, "at", "mt-oktober")
	if err != nil {
		t.Fatal(err)
	}
	past, err := history.State(ctx, h.historyStore(), ws, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(past.Goals) != 1 {
		t.Errorf("at the first snapshot there are %d goals, want 1", len(past.Goals))
	}
	if _, err := history.Resolve(ctx, hs, ws, "at", "no-such-snapshot"); err == nil {
		t.Error("an unknown snapshot: no error")
	} else {
		wantErr(t, "Resolve(unknown snapshot)", err, graph.ErrNotFound)
	}
}

// testHistoryLifecycle checks that a workspace deleted and created again
// starts a new history, that an at before it existed is not found, and
// settings with retention.
func testHistoryLifecycle(t *testing.T, h *harness) {
	ctx := t.Context()
	hs := h.hist()
	ws := h.sampleWorkspace("lc")
	if _, err := hs.CreateSnapshot(ctx, ws, graph.Snapshot{Name: "old"}); err != nil {
		t.Fatal(err)
	}
	oldLast := h.events(ws, graph.EventQuery{Limit: 1})[0].Seq
	if err := h.s.DeleteWorkspace(ctx, ws, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	h.newWorkspaceID(ws)
	es := h.events(ws, graph.EventQuery{})
	if len(es) != 1 || es[0].Kind != graph.KindWorkspace || es[0].Action != graph.ActionCreate {
		t.Errorf("a re-created workspace's history = %+v, want only its creation", es)
	}
	if len(es) > 0 && es[0].Seq <= oldLast {
		t.Errorf("the new history reuses seq %d (old history ended at %d)", es[0].Seq, oldLast)
	}
	if snaps, _ := hs.Snapshots(ctx, ws); len(snaps) != 0 {
		t.Errorf("a re-created workspace kept snapshots %+v", snaps)
	}
	_, err := history.State(ctx, h.historyStore(), ws, history.Point{Raw: "2000-01-01", At: time.Date(2000, 1, 1, 23, 59, 59, 0, time.UTC)})
	wantErr(t, "State(before creation)", err, graph.ErrNotFound)

	// Settings.
	w, err := h.s.Workspace(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	w.Name, w.LDUnit = "Renamed", "L&D"
	err = hs.UpdateWorkspace(ctx, w, graph.Settings{RetentionMonths: -1}, graph.Precondition{})
	wantProblems(t, "UpdateWorkspace(retention -1)", err, [2]string{"retentionMonths", "-1"})
	err = hs.UpdateWorkspace(ctx, w, graph.Settings{RetentionMonths: 12}, graph.Precondition{Revision: "stale"})
	wantErr(t, "UpdateWorkspace(stale)", err, graph.ErrStale)
	if err := hs.UpdateWorkspace(ctx, w, graph.Settings{RetentionMonths: 12}, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	st, err := hs.HistoryState(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if st.Settings.RetentionMonths != 12 {
		t.Errorf("retentionMonths = %d, want 12", st.Settings.RetentionMonths)
	}
	if got, _ := h.s.Workspace(ctx, ws); got.Name != "Renamed" || got.LDUnit != "L&D" {
		t.Errorf("workspace after UpdateWorkspace = %+v", got)
	}
	if b := h.export(ws); b.Workspace.Name != "Renamed" || strings.Contains(jsonOf(t, b), "retention") {
		t.Errorf("the export must hold the new name and no settings: %+v", b.Workspace)
	}
	last := h.events(ws, graph.EventQuery{Limit: 1})[0]
	if last.Kind != graph.KindWorkspace || !bytes.Contains(last.After, []byte(`"retentionMonths":12`)) {
		t.Errorf("settings event = %+v", last)
	}

	// Purge everything up to now: the events go, the state stays.
	h.create(ws, graph.Goal{ID: "g", Name: "G"})
	n, err := hs.PurgeHistory(ctx, ws, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(h.events(ws, graph.EventQuery{})) != 0 {
		t.Errorf("purge removed %d events, %d left; want 3 and 0", n, len(h.events(ws, graph.EventQuery{})))
	}
	if st, _ := hs.HistoryState(ctx, ws); st.PurgedBefore == "" {
		t.Error("purge left no mark of its cut-off")
	}
	_, err = history.State(ctx, h.historyStore(), ws, history.Point{Raw: "then", At: time.Now().Add(-time.Millisecond)})
	wantErr(t, "State(before the cut-off)", err, graph.ErrGone)
	if len(h.export(ws).Goals) != 1 {
		t.Error("purging history changed the current state")
	}
}

func (h *harness) newWorkspaceID(id string) {
	h.t.Helper()
	if err := h.s.CreateWorkspace(h.t.Context(), graph.Workspace{ID: id, Name: "Again", Language: graph.LangEN}); err != nil {
		h.t.Fatalf("CreateWorkspace(%s): %v", id, err)
	}
}

// testErasure checks GDPR art. 17: the person leaves current data as a
// delete does and every event, key and list, and one audit event without
// personal data records it.
func testErasure(t *testing.T, h *harness) {
	ctx := t.Context()
	hs := h.hist()
	ws := h.sampleWorkspace("er")
	changed := cfo
	changed.Attitude, changed.Notes = "critic", "Zegt nee tegen alles"
	if _, err := h.s.UpdateNode(ctx, ws, changed, 0); err != nil {
		t.Fatal(err)
	}
	solo := graph.Engagement{ID: "e2", Date: "2026-10-01", Channel: "informal", With: []string{"cfo"}, About: []string{}}
	h.create(ws, solo)
	if _, err := hs.CreateSnapshot(ctx, ws, graph.Snapshot{Name: "before"}); err != nil {
		t.Fatal(err)
	}
	st0, _ := hs.HistoryState(ctx, ws)

	_, err := hs.EraseStakeholder(ctx, ws, "nobody")
	wantErr(t, "EraseStakeholder(unknown)", err, graph.ErrNotFound)
	if st, _ := hs.HistoryState(ctx, ws); st.LastSeq != st0.LastSeq {
		t.Error("erasing an unknown person recorded something")
	}

	alias, err := hs.EraseStakeholder(graph.WithActor(ctx, "account:dpo"), ws, "cfo")
	if err != nil {
		t.Fatal(err)
	}
	if alias != "erased-1" {
		t.Errorf("alias = %q, want erased-1", alias)
	}
	cur := h.export(ws)
	for _, s := range cur.Stakeholders {
		if s.ID == "cfo" || s.ID == alias {
			t.Errorf("current data still holds %q", s.ID)
		}
	}
	for _, e := range cur.Engagements {
		if e.ID == "e2" || slices.Contains(e.With, "cfo") {
			t.Errorf("engagement %+v survived the erasure as it is", e)
		}
	}
	all := h.events(ws, graph.EventQuery{})
	raw := jsonOf(t, all)
	for _, secret := range []string{`"cfo"`, cfo.Name, cfo.Title, cfo.Notes, changed.Notes, "budget"} {
		if strings.Contains(raw, secret) {
			t.Errorf("history still holds %q after the erasure", secret)
		}
	}
	if !strings.Contains(raw, `"erased-1"`) {
		t.Error("history does not name the alias")
	}
	audit := all[0]
	if audit.Action != graph.ActionErase || audit.ID != alias || audit.Actor != "account:dpo" || string(audit.Before) != "null" || string(audit.After) != "null" {
		t.Errorf("audit event = %+v", audit)
	}
	// The past keeps the alias in its place: kind, attitude unknown,
	// nothing else.
	p, err := history.Resolve(ctx, hs, ws, "at", "before")
	if err != nil {
		t.Fatal(err)
	}
	past, err := history.State(ctx, h.historyStore(), ws, p)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(past.Stakeholders, func(s graph.Stakeholder) bool { return s.ID == alias })
	if i < 0 {
		t.Fatalf("the past has no %s: %+v", alias, past.Stakeholders)
	}
	want := graph.Stakeholder{ID: alias, Kind: "person", Attitude: "unknown"}
	sameJSON(t, "erased person in the past", past.Stakeholders[i], want)
	if !slices.ContainsFunc(past.Stakes, func(s graph.Stake) bool { return s.Stakeholder == alias }) {
		t.Error("the past lost the erased person's stake instead of keeping it under the alias")
	}
	if strings.Contains(jsonOf(t, past), "Carla") {
		t.Error("the rebuilt past holds the name")
	}
	again, err := hs.EraseStakeholder(ctx, ws, "hr-dir")
	if err != nil {
		t.Fatal(err)
	}
	if again != "erased-2" {
		t.Errorf("second alias = %q, want erased-2", again)
	}
}
