package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// TestClientScript walks through what an API client does, against a real
// embedded store: import a workspace, read it, edit with and without a
// current ETag, send bad input, go without or with a foreign token, fetch
// maps with ETags and compare the analyses with the analysis package's own
// answers.
func TestClientScript(t *testing.T) {
	rr := newRealRenderer(t)
	e := newEnv(t, withRenderer(rr))

	// Import a workspace from a stakemap/v1 document.
	b := *e.demo
	b.Workspace = graph.Workspace{ID: "acme", Name: "Acme", Language: "en"}
	var doc bytes.Buffer
	if err := bundle.Encode(&doc, &b); err != nil {
		t.Fatal(err)
	}
	e.expect(e.do("PUT", "/api/v1/workspaces/acme/bundle", e.admin, doc.Bytes()), http.StatusCreated)
	e.expect(e.do("PUT", "/api/v1/workspaces/acme/bundle", e.admin, doc.Bytes()), http.StatusOK)

	t.Run("ExportEqualsImport", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("GET", "/api/v1/workspaces/acme/bundle", e.admin, nil), http.StatusOK)
		if !bytes.Equal(r.body, doc.Bytes()) {
			t.Errorf("exported document differs from the imported one")
		}
		tag := r.header.Get("ETag")
		e.expect(e.do("GET", "/api/v1/workspaces/acme/bundle", e.admin, nil, "If-None-Match", tag), http.StatusNotModified)
	})

	t.Run("BundleAllOrNothing", func(t *testing.T) {
		e := e.with(t)
		bad := strings.Replace(doc.String(), `"influence": 5`, `"influence": 9`, 1)
		bad = strings.Replace(bad, `"attitude": "neutral"`, `"attitude": "grumpy"`, 1)
		r := e.expect(e.do("PUT", "/api/v1/workspaces/acme/bundle", e.admin, bad), http.StatusBadRequest)
		fields := map[string]string{}
		for _, f := range r.apiError(t).Fields {
			fields[f.Field] = f.Value
		}
		if fields["influence"] != "9" || fields["attitude"] != "grumpy" {
			t.Errorf("fields %v: want both problems, influence 9 and attitude grumpy", fields)
		}
		r = e.expect(e.do("GET", "/api/v1/workspaces/acme/bundle", e.admin, nil), http.StatusOK)
		if !bytes.Equal(r.body, doc.Bytes()) {
			t.Errorf("a refused import changed the workspace")
		}
		r = e.expect(e.do("PUT", "/api/v1/workspaces/elsewhere/bundle", e.admin, doc.Bytes()), http.StatusBadRequest)
		if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "workspace.id" || f[0].Value != "acme" {
			t.Errorf("path/document mismatch: fields %+v", f)
		}
	})

	// Read one stakeholder; a PUT of exactly that document succeeds.
	id := e.demo.Stakeholders[0].ID
	path := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + id
	r := e.expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
	tag1 := r.header.Get("ETag")
	if tag1 == "" {
		t.Fatal("GET of one stakeholder sent no ETag")
	}
	var sh graph.Stakeholder
	r.json(t, &sh)
	if sh.ID != id {
		t.Fatalf("got %q, want %q", sh.ID, id)
	}
	// A PUT that changes nothing keeps the version: clients holding the
	// ETag are not told their copy is stale when it is not.
	r = e.expect(e.do("PUT", path, e.editor, r.body, "If-Match", tag1), http.StatusOK)
	if got := r.header.Get("ETag"); got != tag1 {
		t.Errorf("ETag changed by a PUT that changed nothing: %s, was %s", got, tag1)
	}
	edited := sh
	edited.Notes = "first edit"
	r = e.expect(e.do("PUT", path, e.editor, edited, "If-Match", tag1), http.StatusOK)
	tag2 := r.header.Get("ETag")
	if tag2 == tag1 {
		t.Errorf("ETag did not change on write: %s", tag2)
	}

	t.Run("StaleIfMatch", func(t *testing.T) {
		e := e.with(t)
		sh.Notes = "edited from a stale read"
		r := e.expect(e.do("PUT", path, e.editor, sh, "If-Match", tag1), http.StatusPreconditionFailed)
		if c := r.apiError(t).Code; c != "stale" {
			t.Errorf("code %q", c)
		}
		e.expect(e.do("PATCH", path, e.editor, `{"notes": "x"}`, "If-Match", tag1), http.StatusPreconditionFailed)
		e.expect(e.do("DELETE", path, e.editor, nil, "If-Match", tag1), http.StatusPreconditionFailed)
	})

	t.Run("MergePatch", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("PATCH", path, e.editor, `{"attitude": "champion", "notes": null}`, "If-Match", tag2, "Content-Type", "application/merge-patch+json"), http.StatusOK)
		var got graph.Stakeholder
		r.json(t, &got)
		if got.Attitude != "champion" || got.Notes != "" || got.Name != sh.Name {
			t.Errorf("after patch: %+v", got)
		}
		r = e.expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
		if r.header.Get("ETag") == tag2 {
			t.Error("PATCH did not change the version")
		}
	})

	t.Run("BadInputNamesTheField", func(t *testing.T) {
		e := e.with(t)
		for _, tc := range []struct {
			name, method, path, body, field, value string
		}{
			{"EnumValue", "POST", "/stakeholders", `{"id":"new-one","name":"N","level":"janitor","influence":3,"interest":3}`, "level", "janitor"},
			{"Range", "PATCH", "/stakeholders/" + id, `{"influence": 7}`, "influence", "7"},
			{"UnknownField", "POST", "/goals", `{"id":"g9","name":"G","colour":"red"}`, "colour", ""},
			{"WrongType", "POST", "/goals", `{"id":"g9","name":5}`, "name", "number"},
			{"Reference", "POST", "/stakes", `{"stakeholder":"nobody","trajectory":"` + e.demo.Trajectories[0].ID + `","role":"sponsor"}`, "stakeholder", "nobody"},
			{"QueryParam", "GET", "/findings?high=9", "", "high", "9"},
			{"UnknownQueryParam", "GET", "/stakeholders?levle=board", "", "levle", "board"},
			{"PathMode", "GET", "/paths?from=a&to=b&mode=fastest", "", "mode", "fastest"},
			{"AsOf", "GET", "/findings?asOf=2026-13-01", "", "asOf", "2026-13-01"},
			{"MapKind", "GET", "/maps/pie.svg", "", "kind", "pie"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := e.with(t)
				var body any
				if tc.body != "" {
					body = tc.body
				}
				r := e.expect(e.do(tc.method, "/api/v1/workspaces/"+demo.ID+tc.path, e.editor, body), http.StatusBadRequest)
				d := r.apiError(t)
				i := slices.IndexFunc(d.Fields, func(f httpapi.FieldError) bool { return f.Field == tc.field })
				if i < 0 || d.Fields[i].Value != tc.value {
					t.Errorf("fields %+v: want field %q with value %q", d.Fields, tc.field, tc.value)
				}
			})
		}
	})

	t.Run("MissingToken", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("GET", path, "", nil), http.StatusUnauthorized)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		e.expect(e.do("GET", path, "smk_nope.nope", nil), http.StatusUnauthorized)
	})

	t.Run("ForeignToken", func(t *testing.T) {
		e := e.with(t)
		e.expect(e.do("GET", path, e.foreign, nil), http.StatusNotFound)
		r := e.expect(e.do("GET", "/api/v1/workspaces", e.foreign, nil), http.StatusOK)
		var list struct{ Workspaces []graph.Workspace }
		r.json(t, &list)
		if len(list.Workspaces) != 1 || list.Workspaces[0].ID != "other" {
			t.Errorf("foreign token lists %+v", list.Workspaces)
		}
	})

	t.Run("Maps", func(t *testing.T) {
		e := e.with(t)
		base := "/api/v1/workspaces/" + demo.ID + "/maps/"
		for _, tc := range []struct{ file, ctype, magic string }{
			{"stakeholders.svg", "image/svg+xml", "<svg"},
			{"grid.png", "image/png", "\x89PNG"},
			{"dependencies.pdf", "application/pdf", "%PDF"},
			{"stakeholders.dot", "text/vnd.graphviz", "graph"},
		} {
			t.Run(tc.file, func(t *testing.T) {
				e := e.with(t)
				r := e.expect(e.do("GET", base+tc.file, e.viewer, nil), http.StatusOK)
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
					t.Errorf("content type %q", ct)
				}
				if !bytes.Contains(r.body[:min(len(r.body), 512)], []byte(tc.magic)) {
					t.Errorf("body does not start like %s: %.40q", tc.ctype, r.body)
				}
				if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "filename=") {
					t.Errorf("Content-Disposition %q", cd)
				}
				tag := r.header.Get("ETag")
				n := rr.renders()
				r = e.expect(e.do("GET", base+tc.file, e.viewer, nil, "If-None-Match", tag), http.StatusNotModified)
				if len(r.body) != 0 || r.header.Get("ETag") != tag {
					t.Errorf("304 with body %d bytes or ETag %q", len(r.body), r.header.Get("ETag"))
				}
				if rr.renders() != n {
					t.Error("a repeated map was rendered again")
				}
			})
		}
		r := e.expect(e.do("GET", base+"stakeholders.svg?download=true", e.viewer, nil), http.StatusOK)
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("download Content-Disposition %q", cd)
		}
		r = e.expect(e.do("GET", base+"stakeholders.svg", e.viewer, nil), http.StatusOK)
		tag := r.header.Get("ETag")
		e.expect(e.do("PATCH", path, e.editor, `{"title": "Changed"}`), http.StatusOK)
		r = e.expect(e.do("GET", base+"stakeholders.svg", e.viewer, nil, "If-None-Match", tag), http.StatusOK)
		if r.header.Get("ETag") == tag {
			t.Error("map ETag unchanged after the workspace changed")
		}
	})

	t.Run("AnalysesEqualTheAnalyzer", func(t *testing.T) {
		e := e.with(t)
		snap, err := e.store.ExportBundle(t.Context(), demo.ID)
		if err != nil {
			t.Fatal(err)
		}
		asOf := time.Now().UTC().Format(time.DateOnly)
		check := func(t *testing.T, query string, want any) {
			t.Helper()
			r := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+query, e.viewer, nil), http.StatusOK)
			wantJSON, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			var got, exp any
			r.json(t, &got)
			if err := json.Unmarshal(wantJSON, &exp); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(exp) {
				t.Errorf("GET %s:\n got %s\nwant %s", query, r.body, wantJSON)
			}
		}
		for _, p := range []graph.FindingParams{{AsOf: asOf}, {AsOf: "2026-06-01", High: 3, Window: 30, Only: graph.GroupVisibility, Lang: graph.LangEN}} {
			fs, err := analysis.Findings(t.Context(), snap, p)
			if err != nil {
				t.Fatal(err)
			}
			q := fmt.Sprintf("/findings?asOf=%s", p.AsOf)
			if p.High != 0 {
				q += fmt.Sprintf("&high=%d&window=%d&only=%s&lang=%s", p.High, p.Window, p.Only, p.Lang)
			}
			if len(fs) == 0 {
				t.Fatalf("%s: the demo should have findings", q)
			}
			check(t, q, map[string]any{"findings": fs})
		}
		traj := snap.Trajectories[0].ID
		g, err := analysis.Grid(snap, traj, 3)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "/grid?trajectory="+traj+"&high=3", g)
		from, to := snap.Influences[0].From, snap.Stakeholders[len(snap.Stakeholders)-1].ID
		ps, err := analysis.Paths(t.Context(), snap, graph.PathQuery{From: from, To: to, Mode: graph.ModeShortest, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "/paths?from="+from+"&to="+to+"&mode=shortest&k=3", map[string]any{"paths": ps})
		bs, err := analysis.Brokers(t.Context(), snap, 5)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "/brokers?top=5", map[string]any{"brokers": bs})
		e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/paths?from="+from+"&to=nobody", e.viewer, nil), http.StatusNotFound)
	})

	t.Run("DeleteWithCurrentETag", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("GET", path, e.viewer, nil), http.StatusOK)
		e.expect(e.do("DELETE", path, e.viewer, nil, "If-Match", r.header.Get("ETag")), http.StatusForbidden)
		e.expect(e.do("DELETE", path, e.editor, nil, "If-Match", r.header.Get("ETag")), http.StatusNoContent)
		e.expect(e.do("GET", path, e.viewer, nil), http.StatusNotFound)
	})
}
