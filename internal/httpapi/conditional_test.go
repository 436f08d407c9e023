package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
)

// TestIfMatchOnNodes: a well-formed If-Match that does not name the
// current version is a 412 on every write and changes nothing; a list that
// names it, or *, lets the write through; a malformed one is a 400 naming
// the header. If-None-Match answers 304 on reads (weak comparison) and 412
// on writes.
func TestIfMatchOnNodes(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + e.demo.Stakeholders[2].ID
	r := e.expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
	tag, doc := r.header.Get("ETag"), r.body
	edited := bytes.Replace(doc, []byte(`"level":`), []byte(`"notes":"edited","level":`), 1)
	if bytes.Equal(edited, doc) || bytes.Contains(doc, []byte(`"notes"`)) {
		t.Fatalf("the test needs a stakeholder without notes: %s", doc)
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		r := e.with(t).expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
		if r.header.Get("ETag") != tag || !bytes.Equal(r.body, doc) {
			t.Errorf("changed: ETag %s (was %s), body %s", r.header.Get("ETag"), tag, r.body)
		}
	}
	writes := []struct {
		method string
		body   any
	}{{"PUT", edited}, {"PATCH", `{"notes":"edited"}`}, {"DELETE", nil}}
	weak := "W/" + tag
	for _, h := range []string{`"stale"`, weak, `""`, `"999999999"`, `"stale", ` + weak, `"a","b"`} {
		for _, w := range writes {
			t.Run(w.method+" If-Match "+h, func(t *testing.T) {
				e := e.with(t)
				r := e.expect(e.do(w.method, path, e.editor, w.body, "If-Match", h), http.StatusPreconditionFailed)
				if c := r.apiError(t).Code; c != "stale" {
					t.Errorf("code %q", c)
				}
				unchanged(t)
			})
		}
	}
	for _, h := range []string{`3`, `"unterminated`, `W/`, `"a" "b"`, `*, "a"`} {
		t.Run("Malformed "+h, func(t *testing.T) {
			e := e.with(t)
			r := e.expect(e.do("PATCH", path, e.editor, `{"notes":"edited"}`, "If-Match", h), http.StatusBadRequest)
			if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "If-Match" {
				t.Errorf("fields %+v", f)
			}
			unchanged(t)
		})
	}
	t.Run("IfNoneMatchOnWrites", func(t *testing.T) {
		e := e.with(t)
		for _, h := range []string{"*", tag, weak, `"x", ` + tag} {
			e.expect(e.do("PUT", path, e.editor, edited, "If-None-Match", h), http.StatusPreconditionFailed)
		}
		unchanged(t)
	})
	t.Run("IfNoneMatchOnReads", func(t *testing.T) {
		e := e.with(t)
		for _, h := range []string{tag, weak, `"x", ` + tag, "*"} {
			r := e.expect(e.do("GET", path, e.viewer, nil, "If-None-Match", h), http.StatusNotModified)
			if r.header.Get("ETag") != tag || len(r.body) != 0 {
				t.Errorf("If-None-Match %s: 304 with ETag %q and %d bytes", h, r.header.Get("ETag"), len(r.body))
			}
		}
		e.expect(e.do("GET", path, e.viewer, nil, "If-None-Match", `"x"`), http.StatusOK)
		// If-Match on a read: 412 when it does not hold.
		e.expect(e.do("GET", path, e.viewer, nil, "If-Match", `"x"`), http.StatusPreconditionFailed)
		e.expect(e.do("GET", path, e.viewer, nil, "If-Match", tag), http.StatusOK)
	})
	t.Run("ListWithTheCurrentTag", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("PATCH", path, e.editor, `{"notes":"edited"}`, "If-Match", `"stale", `+weak+`, `+tag), http.StatusOK)
		next := r.header.Get("ETag")
		if next == tag {
			t.Fatal("the ETag did not change")
		}
		r = e.expect(e.do("PUT", path, e.editor, doc, "If-Match", "*"), http.StatusOK)
		e.expect(e.do("DELETE", path, e.editor, nil, "If-Match", `"x",`+r.header.Get("ETag")), http.StatusNoContent)
	})
}

// TestETagsAreNotReused reproduces the report: a node deleted and created
// again under its id must not match the ETag its predecessor had, neither
// for If-None-Match (a 304 for other content) nor for If-Match (an
// overwrite of content the client never saw). The same for a workspace
// deleted and created again.
func TestETagsAreNotReused(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	goal := ws + "/goals/reborn"
	r := e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"reborn","name":"Eerste"}`), http.StatusCreated)
	old := r.header.Get("ETag")
	e.expect(e.do("DELETE", goal, e.editor, nil), http.StatusNoContent)
	r = e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"reborn","name":"Tweede"}`), http.StatusCreated)
	if r.header.Get("ETag") == old {
		t.Fatalf("the re-created node has its predecessor's ETag %s", old)
	}
	r = e.expect(e.do("GET", goal, e.viewer, nil, "If-None-Match", old), http.StatusOK)
	if !strings.Contains(string(r.body), "Tweede") {
		t.Errorf("body %s", r.body)
	}
	e.expect(e.do("PUT", goal, e.editor, `{"id":"reborn","name":"Overschreven"}`, "If-Match", old), http.StatusPreconditionFailed)
	e.expect(e.do("PATCH", goal, e.editor, `{"name":"Overschreven"}`, "If-Match", old), http.StatusPreconditionFailed)

	// The whole workspace deleted and imported again.
	wsTag := e.revision(demo.ID)
	nodeTag := e.expect(e.do("GET", goal, e.viewer, nil), http.StatusOK).header.Get("ETag")
	doc := e.expect(e.do("GET", ws+"/bundle", e.admin, nil), http.StatusOK).body
	e.expect(e.do("DELETE", ws, e.admin, nil), http.StatusNoContent)
	e.expect(e.do("PUT", ws+"/bundle", e.admin, doc), http.StatusCreated)
	// The workspace's own tokens died with it; a global admin reads on.
	e.expect(e.do("GET", goal, e.admin, nil, "If-None-Match", nodeTag), http.StatusOK)
	e.expect(e.do("GET", ws, e.admin, nil, "If-None-Match", wsTag), http.StatusOK)
	e.expect(e.do("DELETE", goal, e.admin, nil, "If-Match", nodeTag), http.StatusPreconditionFailed)
}

// TestConditionalWorkspaceWrites: PUT …/bundle and DELETE /workspaces/{ws}
// honour If-Match and If-None-Match against the workspace's revision.
func TestConditionalWorkspaceWrites(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	doc := e.expect(e.do("GET", ws+"/bundle", e.admin, nil), http.StatusOK).body
	rev := e.revision(demo.ID)
	changed := bytes.Replace(doc, []byte(`"name": "Gemeente Oostvoorde"`), []byte(`"name": "Gemeente Oostvoorde (kopie)"`), 1)
	if bytes.Equal(changed, doc) {
		t.Fatal("the test's edit did not apply to the demo document")
	}
	// If-None-Match: * creates only: it never replaces.
	r := e.expect(e.do("PUT", ws+"/bundle", e.admin, changed, "If-None-Match", "*"), http.StatusPreconditionFailed)
	if r.apiError(t).Code != "stale" {
		t.Errorf("code %s", r.body)
	}
	for _, h := range []string{`"stale"`, "W/" + rev, `""`} {
		e.expect(e.do("PUT", ws+"/bundle", e.admin, changed, "If-Match", h), http.StatusPreconditionFailed)
		e.expect(e.do("DELETE", ws, e.admin, nil, "If-Match", h), http.StatusPreconditionFailed)
	}
	if e.revision(demo.ID) != rev {
		t.Fatal("a refused conditional write changed the workspace")
	}
	e.expect(e.do("GET", ws+"/bundle", e.admin, nil, "If-None-Match", "W/"+rev), http.StatusNotModified)
	e.expect(e.do("PUT", ws+"/bundle", e.admin, changed, "If-Match", `"old", `+rev), http.StatusOK)
	if e.revision(demo.ID) == rev {
		t.Fatal("the conditional import did not apply")
	}
	e.expect(e.do("DELETE", ws, e.admin, nil, "If-Match", rev), http.StatusPreconditionFailed)
	e.expect(e.do("DELETE", ws, e.admin, nil, "If-Match", e.revision(demo.ID)), http.StatusNoContent)

	// Absent: If-Match: * does not hold, If-None-Match: * creates.
	e.expect(e.do("PUT", ws+"/bundle", e.admin, doc, "If-Match", "*"), http.StatusPreconditionFailed)
	e.expect(e.do("GET", ws, e.admin, nil), http.StatusNotFound)
	r = e.expect(e.do("PUT", ws+"/bundle", e.admin, doc, "If-None-Match", "*"), http.StatusCreated)
	if r.header.Get("Location") != ws+"/bundle" {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	e.expect(e.do("DELETE", "/api/v1/workspaces/nope", e.admin, nil, "If-Match", "*"), http.StatusNotFound)
}

// TestConditionsOnRoutesWithoutETag: a collection has no ETag, so an
// If-Match naming one, or If-None-Match: *, is a 412 there too, and
// nothing is written.
func TestConditionsOnRoutesWithoutETag(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	rev := e.revision(demo.ID)
	e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"cond","name":"G"}`, "If-Match", `"x"`), http.StatusPreconditionFailed)
	e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"cond","name":"G"}`, "If-None-Match", "*"), http.StatusPreconditionFailed)
	key := "stakeholder=" + e.demo.Stakes[0].Stakeholder + "&trajectory=" + e.demo.Stakes[0].Trajectory + "&role=" + e.demo.Stakes[0].Role
	e.expect(e.do("DELETE", ws+"/stakes?"+key, e.editor, nil, "If-Match", `"x"`), http.StatusPreconditionFailed)
	if e.revision(demo.ID) != rev {
		t.Fatal("a refused conditional write changed the workspace")
	}
	e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"cond","name":"G"}`, "If-Match", "*"), http.StatusCreated)
	e.expect(e.do("GET", ws+"/goals", e.viewer, nil, "If-None-Match", `"x"`), http.StatusOK)
}

// TestHeadAnswersLikeGet: every GET route answers HEAD with GET's status
// and headers and no body.
func TestHeadAnswersLikeGet(t *testing.T) {
	e := newEnv(t)
	n := 0
	for _, rt := range e.api.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		n++
		t.Run(rt.Path, func(t *testing.T) {
			e := e.with(t)
			path := concrete(e, demo.ID, rt.Path)
			get := e.do("GET", path, e.admin, nil)
			head := e.do("HEAD", path, e.admin, nil)
			if head.status != get.status || len(head.body) != 0 {
				t.Fatalf("HEAD: %d with %d bytes; GET: %d", head.status, len(head.body), get.status)
			}
			for _, h := range []string{"Content-Type", "ETag", "Cache-Control", "Content-Disposition"} {
				if head.header.Get(h) != get.header.Get(h) {
					t.Errorf("%s: HEAD %q, GET %q", h, head.header.Get(h), get.header.Get(h))
				}
			}
			if cl := get.header.Get("Content-Length"); cl != "" && rt.Path != "/metrics" && head.header.Get("Content-Length") != cl {
				t.Errorf("Content-Length: HEAD %q, GET %q", head.header.Get("Content-Length"), cl)
			}
		})
	}
	if n < 20 {
		t.Errorf("only %d GET routes", n)
	}
	r := e.expect(e.do("DELETE", "/healthz", "", nil), http.StatusMethodNotAllowed)
	if a := r.header.Get("Allow"); a != "GET, HEAD" {
		t.Errorf("Allow %q", a)
	}
	r = e.expect(e.do("POST", "/api/v1/workspaces/"+demo.ID+"/stakeholders/x", e.admin, nil), http.StatusMethodNotAllowed)
	if a := r.header.Get("Allow"); a != "DELETE, GET, HEAD, PATCH, PUT" {
		t.Errorf("Allow %q", a)
	}
}

// TestCacheControl: answers with a secret are no-store, the rest of the
// API private, errors included.
func TestCacheControl(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	for _, tc := range []struct {
		method, path, token, body, want string
		status                          int
	}{
		{"POST", "/api/v1/tokens", e.admin, `{"workspace":"` + demo.ID + `","role":"viewer"}`, "no-store", http.StatusCreated},
		{"POST", "/api/v1/tokens", e.admin, `{"workspace":"` + demo.ID + `","role":"owner"}`, "no-store", http.StatusBadRequest},
		{"GET", ws + "/stakeholders", e.viewer, "", "private", http.StatusOK},
		{"GET", ws + "/stakeholders/nobody", e.viewer, "", "private", http.StatusNotFound},
		{"GET", ws, "", "", "private", http.StatusUnauthorized},
		{"GET", ws + "/findings", e.viewer, "", "private", http.StatusOK},
		{"GET", "/api/v1/tokens", e.admin, "", "private", http.StatusOK},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		r := e.expect(e.do(tc.method, tc.path, tc.token, body), tc.status)
		if got := r.header.Get("Cache-Control"); got != tc.want {
			t.Errorf("%s %s: Cache-Control %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestQueryParameters: every route checks its parameters against their
// specs: unknown ones, repeated ones and values out of range or not of the
// type are a 400 naming the parameter.
func TestQueryParameters(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	for _, tc := range []struct{ path, param, value string }{
		{"/stakeholders/" + e.demo.Stakeholders[0].ID + "?fields=name", "fields", "name"},
		{"/stakeholders?level=janitor", "level", "janitor"},
		{"/stakeholders?limit=1001", "limit", "1001"},
		{"/stakeholders?limit=1&limit=2", "limit", "1,2"},
		{"/engagements?resultsShared=maybe", "resultsShared", "maybe"},
		{"/enablers?kind=person", "kind", "person"},
		{"/findings?only=everything", "only", "everything"},
		{"/paths?from=a&to=b&k=21", "k", "21"},
		{"/paths?from=a&to=b&hierarchyStrength=0", "hierarchyStrength", "0"},
		{"/maps/stakeholders.svg?anonymize=yes please", "anonymize", "yes please"},
	} {
		r := e.expect(e.do("GET", ws+strings.ReplaceAll(tc.path, " ", "%20"), e.viewer, nil), http.StatusBadRequest)
		if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != tc.param || f[0].Value != tc.value {
			t.Errorf("%s: fields %+v", tc.path, f)
		}
	}
	e.expect(e.do("GET", ws+"/engagements?resultsShared=1", e.viewer, nil), http.StatusOK)
	e.expect(e.do("GET", ws+"/stakeholders?level=", e.viewer, nil), http.StatusOK)
}
