package httpapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestHistoryScenario walks DESIGN §10 through the API: a change is
// recorded with its actor, at reads the past, compare names the change
// field by field, and the refusals have their statuses.
func TestHistoryScenario(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	var snap graph.Snapshot
	e.expect(e.do("POST", ws+"/snapshots", e.editor, map[string]string{"name": "MT november"}), http.StatusCreated).json(t, &snap)
	if snap.ID != "mt-november" || snap.At == "" {
		t.Fatalf("snapshot = %+v", snap)
	}
	e.expect(e.do("PATCH", ws+"/stakeholders/dir-ruimte", e.editor, map[string]any{"attitude": "supporter"}), http.StatusOK)

	// History: newest first, with the token as actor.
	var page struct {
		Events []graph.Event `json:"events"`
		Next   string        `json:"next"`
	}
	e.expect(e.do("GET", ws+"/history?limit=1", e.viewer, nil), http.StatusOK).json(t, &page)
	if len(page.Events) != 1 || page.Next == "" {
		t.Fatalf("history page = %+v", page)
	}
	ev := page.Events[0]
	if ev.Action != "update" || ev.Kind != "stakeholder" || ev.ID != "dir-ruimte" || !strings.HasPrefix(string(ev.Actor), "token:") ||
		!bytes.Contains(ev.Before, []byte(`"attitude":"critic"`)) || !bytes.Contains(ev.After, []byte(`"attitude":"supporter"`)) {
		t.Errorf("newest event = %+v (%s → %s)", ev, ev.Before, ev.After)
	}
	var next struct {
		Events []graph.Event `json:"events"`
	}
	e.expect(e.do("GET", ws+"/history?limit=1&cursor="+page.Next, e.viewer, nil), http.StatusOK).json(t, &next)
	if len(next.Events) != 1 || next.Events[0].Seq >= ev.Seq {
		t.Errorf("second page = %+v", next.Events)
	}

	// at: the snapshot, and an instant, read the past everywhere.
	var old graph.Stakeholder
	e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte?at=mt-november", e.viewer, nil), http.StatusOK).json(t, &old)
	if old.Attitude != "critic" {
		t.Errorf("at the snapshot the attitude is %q, want critic", old.Attitude)
	}
	var now graph.Stakeholder
	e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte", e.viewer, nil), http.StatusOK).json(t, &now)
	if now.Attitude != "supporter" {
		t.Errorf("now the attitude is %q", now.Attitude)
	}
	var b graph.Bundle
	e.expect(e.do("GET", ws+"/bundle?at="+url.QueryEscape(snap.At), e.viewer, nil), http.StatusOK).json(t, &b)
	for _, s := range b.Stakeholders {
		if s.ID == "dir-ruimte" && s.Attitude != "critic" {
			t.Errorf("bundle at %s has dir-ruimte %s", snap.At, s.Attitude)
		}
	}
	e.expect(e.do("GET", ws+"/findings?at=mt-november", e.viewer, nil), http.StatusOK)

	// compare: exactly the change.
	var cmp graph.Comparison
	e.expect(e.do("GET", ws+"/compare?from=mt-november", e.viewer, nil), http.StatusOK).json(t, &cmp)
	if len(cmp.Nodes.Changed) != 1 || cmp.Nodes.Changed[0].ID != "dir-ruimte" || len(cmp.Nodes.Added)+len(cmp.Nodes.Removed) != 0 {
		t.Fatalf("compare nodes = %+v", cmp.Nodes)
	}
	fc := cmp.Nodes.Changed[0].Fields["attitude"]
	if string(fc.From) != `"critic"` || string(fc.To) != `"supporter"` || len(cmp.Nodes.Changed[0].Fields) != 1 {
		t.Errorf("changed fields = %+v", cmp.Nodes.Changed[0].Fields)
	}

	// Refusals.
	for _, tc := range []struct {
		path   string
		method string
		status int
		field  string
	}{
		{ws + "/bundle?at=2000-01-01", "GET", http.StatusNotFound, ""},
		{ws + "/stakeholders?at=no-such-snapshot", "GET", http.StatusNotFound, ""},
		{ws + "/stakeholders?at=31-9-2026", "GET", http.StatusBadRequest, "at"},
		{ws + "/compare?from=2030-01-01&to=2029-01-01", "GET", http.StatusBadRequest, "from"},
		{ws + "/compare", "GET", http.StatusBadRequest, "from"},
		{ws + "/stakeholders/nobody/erase", "POST", http.StatusNotFound, ""},
		{ws + "/goals?at=mt-november", "POST", http.StatusBadRequest, "at"},
	} {
		r := e.do(tc.method, tc.path, e.admin, nil)
		if r.status != tc.status {
			t.Errorf("%s %s = %d, want %d: %s", tc.method, tc.path, r.status, tc.status, r.body)
			continue
		}
		d := r.apiError(t)
		if tc.status == http.StatusNotFound && (d.Message == "not found" || d.Message == "") && !strings.Contains(tc.path, "erase") {
			t.Errorf("%s: the 404 says only %q; it should say why", tc.path, d.Message)
		}
		if tc.field != "" && (len(d.Fields) == 0 || d.Fields[0].Field != tc.field) {
			t.Errorf("%s: error fields %+v, want %s named", tc.path, d.Fields, tc.field)
		}
	}

	// Retention: past the cut-off answers 410.
	var set map[string]any
	e.expect(e.do("PATCH", ws, e.admin, map[string]any{"retentionMonths": 6, "ldUnit": "Opleidingen"}), http.StatusOK).json(t, &set)
	if set["retentionMonths"] != float64(6) || set["ldUnit"] != "Opleidingen" {
		t.Errorf("settings = %v", set)
	}
	e.expect(e.do("PATCH", ws, e.editor, map[string]any{"retentionMonths": 1}), http.StatusForbidden)
	r := e.expect(e.do("PATCH", ws, e.admin, map[string]any{"retentionMonths": 0.5}), http.StatusBadRequest)
	if d := r.apiError(t); len(d.Fields) == 0 || d.Fields[0].Field != "retentionMonths" {
		t.Errorf("a fractional retention: %+v", d)
	}
	mid := time.Now().UTC()
	time.Sleep(time.Millisecond)
	if _, err := e.store.PurgeHistory(t.Context(), demo.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.expect(e.do("GET", ws+"/bundle?at="+url.QueryEscape(mid.Format(time.RFC3339Nano)), e.viewer, nil), http.StatusGone)
}

// TestEraseThroughTheAPI checks that after an erasure no answer of the
// API names the person, while the past keeps their alias.
func TestEraseThroughTheAPI(t *testing.T) {
	e := newEnv(t, withRenderer(newRealRenderer(t)))
	ws := "/api/v1/workspaces/" + demo.ID
	var person graph.Stakeholder
	e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte", e.viewer, nil), http.StatusOK).json(t, &person)
	e.expect(e.do("PATCH", ws+"/stakeholders/dir-ruimte", e.editor, map[string]any{"notes": "Wil eerst de business case zien"}), http.StatusOK)
	e.expect(e.do("POST", ws+"/snapshots", e.editor, map[string]string{"name": "voor"}), http.StatusCreated)

	// A map of the past, drawn (and cached) before the erasure.
	if m := e.expect(e.do("GET", ws+"/maps/grid.svg?at=voor", e.viewer, nil), http.StatusOK); !bytes.Contains(m.body, []byte(person.Name)) {
		t.Fatalf("the grid at the snapshot does not show %s: the check below would prove nothing", person.Name)
	}
	pd := e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte/personal-data", e.admin, nil), http.StatusOK)
	if !bytes.Contains(pd.body, []byte(person.Name)) || !bytes.Contains(pd.body, []byte("business case")) {
		t.Fatalf("personal data lacks the person: %s", pd.body[:min(400, len(pd.body))])
	}

	// A share link naming the person, and one that does not.
	e.expect(e.do("POST", ws+"/share-links", e.editor, map[string]any{"target": "map:path", "params": map[string]string{"from": "dir-ruimte", "to": "burgemeester"}}), http.StatusCreated)
	e.expect(e.do("POST", ws+"/share-links", e.editor, map[string]any{"target": "workspace"}), http.StatusCreated)

	e.expect(e.do("POST", ws+"/stakeholders/dir-ruimte/erase", e.editor, nil), http.StatusForbidden)
	var er struct {
		Alias   string `json:"alias"`
		Revoked int    `json:"revokedShareLinks"`
	}
	e.expect(e.do("POST", ws+"/stakeholders/dir-ruimte/erase", e.admin, nil), http.StatusOK).json(t, &er)
	if !strings.HasPrefix(er.Alias, "erased-") || er.Revoked != 1 {
		t.Errorf("erasure = %+v, want an alias and the one link naming them revoked", er)
	}
	secrets := []string{person.Name, person.Title, "business case", "dir-ruimte"}
	for _, path := range []string{ws + "/bundle", ws + "/history?limit=1000", ws + "/snapshots", ws + "/compare?from=voor",
		ws + "/bundle?at=voor", ws + "/stakeholders?at=voor", ws + "/findings?at=voor", ws + "/findings", ws + "/grid?at=voor",
		ws + "/maps/grid.svg?at=voor", ws + "/maps/stakeholders.svg?at=voor", ws + "/maps/changes.svg?from=voor", ws + "/share-links"} {
		r := e.expect(e.do("GET", path, e.admin, nil), http.StatusOK)
		for _, x := range secrets {
			if x != "" && bytes.Contains(r.body, []byte(x)) {
				t.Errorf("GET %s still names %q after the erasure", path, x)
			}
		}
	}
	r := e.expect(e.do("GET", ws+"/stakeholders/"+er.Alias+"?at=voor", e.admin, nil), http.StatusOK)
	if !bytes.Contains(r.body, []byte(`"attitude":"unknown"`)) {
		t.Errorf("the past holds the alias as %s", r.body)
	}
	e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte/personal-data", e.admin, nil), http.StatusNotFound)
}

// TestCalendarFeed checks the feed's content type and that people are
// named only when asked.
func TestCalendarFeed(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	e.expect(e.do("PATCH", ws+"/stakeholders/dir-ruimte", e.editor, map[string]any{"contactEvery": 30}), http.StatusOK)
	var p graph.Stakeholder
	e.expect(e.do("GET", ws+"/stakeholders/dir-ruimte", e.viewer, nil), http.StatusOK).json(t, &p)
	r := e.expect(e.do("GET", ws+"/calendar.ics", e.viewer, nil), http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("content type %q", ct)
	}
	if !bytes.Contains(r.body, []byte("BEGIN:VEVENT")) || bytes.Contains(r.body, []byte(p.Name)) {
		t.Errorf("feed without names: %s", r.body)
	}
	r = e.expect(e.do("GET", ws+"/calendar.ics?names=true", e.viewer, nil), http.StatusOK)
	if !bytes.Contains(r.body, []byte(p.Name)) {
		t.Errorf("feed with names does not name %s", p.Name)
	}

	// The secret URL a calendar provider subscribes to, without a token.
	var feed struct {
		ID, URL string
		Names   bool
	}
	e.expect(e.do("POST", ws+"/calendar-feeds", e.viewer, map[string]bool{"names": true}), http.StatusCreated).json(t, &feed)
	if !strings.HasPrefix(feed.URL, "/calendar/") || !feed.Names {
		t.Fatalf("feed = %+v", feed)
	}
	r = e.expect(e.do("GET", feed.URL, "", nil), http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") || !bytes.Contains(r.body, []byte(p.Name)) {
		t.Errorf("the feed's URL answers %s without %s", r.header.Get("Content-Type"), p.Name)
	}
	var list struct {
		Feeds []struct{ ID string } `json:"feeds"`
	}
	e.expect(e.do("GET", ws+"/calendar-feeds", e.viewer, nil), http.StatusOK).json(t, &list)
	if len(list.Feeds) != 1 || list.Feeds[0].ID != feed.ID {
		t.Errorf("feeds = %+v", list.Feeds)
	}
	e.expect(e.do("GET", strings.Replace(feed.URL, "/calendar/", "/calendar/x", 1), "", nil), http.StatusNotFound)
	e.expect(e.do("DELETE", ws+"/calendar-feeds/"+feed.ID, e.viewer, nil), http.StatusNoContent)
	e.expect(e.do("GET", feed.URL, "", nil), http.StatusNotFound)
}

// TestChangesMapRoute draws the changes map through the API.
func TestChangesMapRoute(t *testing.T) {
	e := newEnv(t, withRenderer(newRealRenderer(t)))
	ws := "/api/v1/workspaces/" + demo.ID
	e.expect(e.do("POST", ws+"/snapshots", e.editor, map[string]string{"name": "voor"}), http.StatusCreated)
	var p graph.Stakeholder
	e.expect(e.do("PATCH", ws+"/stakeholders/dir-ruimte", e.editor, map[string]any{"attitude": "champion", "interest": 5}), http.StatusOK).json(t, &p)
	r := e.expect(e.do("GET", ws+"/maps/changes.svg?from=voor", e.viewer, nil), http.StatusOK)
	if !bytes.Contains(r.body, []byte(p.Name)) || !bytes.Contains(r.body, []byte(`class="edge"`)) {
		t.Errorf("the changes map lacks %s or the arrow", p.Name)
	}
	r = e.expect(e.do("GET", ws+"/maps/changes.svg", e.viewer, nil), http.StatusBadRequest)
	if d := r.apiError(t); len(d.Fields) == 0 || d.Fields[0].Field != "from" {
		t.Errorf("changes map without from: %+v", d)
	}
}
