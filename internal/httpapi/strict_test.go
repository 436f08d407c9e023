package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// TestStrictBodies: unknown fields, trailing data, wrong content types and
// oversized bodies are refused before anything is stored.
func TestStrictBodies(t *testing.T) {
	e := newEnv(t)
	goals := "/api/v1/workspaces/" + demo.ID + "/goals"
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		code              string
	}{
		{"UnknownField", `{"id":"g1","name":"G","extra":1}`, "application/json", 400, "invalid"},
		{"TrailingGarbage", `{"id":"g1","name":"G"} {"id":"g2"}`, "application/json", 400, "invalid"},
		{"TrailingText", `{"id":"g1","name":"G"}xyz`, "application/json", 400, "invalid"},
		{"Truncated", `{"id":"g1","name":`, "application/json", 400, "invalid"},
		{"Empty", ``, "application/json", 400, "invalid"},
		{"NotJSON", `id=g1`, "application/x-www-form-urlencoded", 415, "unsupported_media_type"},
		{"TooLarge", `{"id":"g1","name":"` + strings.Repeat("x", 1<<20) + `"}`, "application/json", 413, "too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			r := e.expect(e.do("POST", goals, e.editor, tc.body, "Content-Type", tc.ctype), tc.status)
			if c := r.apiError(t).Code; c != tc.code {
				t.Errorf("code %q, want %q", c, tc.code)
			}
			e.expect(e.do("GET", goals+"/g1", e.viewer, nil), http.StatusNotFound)
		})
	}
	t.Run("InfluenceUnknownField", func(t *testing.T) {
		e := e.with(t)
		body := `{"from":"` + e.demo.Stakeholders[0].ID + `","to":"` + e.demo.Stakeholders[1].ID + `","strenght":0.9}`
		r := e.expect(e.do("POST", "/api/v1/workspaces/"+demo.ID+"/influences", e.editor, body), http.StatusBadRequest)
		if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "strenght" {
			t.Errorf("fields %+v", f)
		}
	})
	t.Run("BundleTooLarge", func(t *testing.T) {
		e := e.with(t)
		// Declared too large: refused before it is read.
		prefix := `{"format":"stakemap/v1","workspace":{"id":"big","name":"Big"},"goals":[` + strings.Repeat(" ", 100)
		body := io.MultiReader(strings.NewReader(prefix), io.LimitReader(spaces{}, httpapi.BundleBodyLimit))
		r := e.send("PUT", "/api/v1/workspaces/big/bundle", e.admin, body, int64(len(prefix))+httpapi.BundleBodyLimit)
		e.expect(r, http.StatusRequestEntityTooLarge)
		if !strings.Contains(r.apiError(t).Message, "64 MB") {
			t.Errorf("message %q", r.apiError(t).Message)
		}
		e.expect(e.do("GET", "/api/v1/workspaces/big", e.admin, nil), http.StatusNotFound)
	})
	t.Run("StreamedBodyTooLarge", func(t *testing.T) {
		e := e.with(t)
		// Of unknown length (chunked): read up to the limit, then refused.
		body := io.MultiReader(strings.NewReader(`{"id":"g1","name":"`), io.LimitReader(spaces{}, httpapi.DefaultBodyLimit), strings.NewReader(`"}`))
		r := e.expect(e.send("POST", goals, e.editor, body, -1), http.StatusRequestEntityTooLarge)
		if c := r.apiError(t).Code; c != "too_large" {
			t.Errorf("code %q", c)
		}
		e.expect(e.do("GET", goals+"/g1", e.viewer, nil), http.StatusNotFound)
	})
}

// spaces reads as endless JSON whitespace.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestExportImportsBack: a workspace whose export is larger than the old
// 20 MB bundle limit (notes of 10,000 characters on 2,150 people: about
// 21 MB) exports and imports back through the API unchanged.
func TestExportImportsBack(t *testing.T) {
	e := newEnv(t)
	b := &graph.Bundle{Format: graph.Format, Workspace: graph.Workspace{ID: "large", Name: "Large", Language: graph.LangNL}}
	notes := strings.Repeat("Gesprek over het leertraject; volgende stap afgesproken. ", graph.MaxLongText/57)
	for i := range 2150 {
		b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: fmt.Sprintf("p%04d", i), Name: fmt.Sprintf("Persoon %d", i),
			Level: "employee", Influence: 1 + i%5, Interest: 1 + (i/5)%5, Notes: notes})
	}
	if err := e.store.ImportBundle(t.Context(), b, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	exported := e.expect(e.do("GET", "/api/v1/workspaces/large/bundle", e.admin, nil), http.StatusOK).body
	if len(exported) <= 20<<20 {
		t.Fatalf("export is %d bytes; the test needs more than the old 20 MB limit", len(exported))
	}
	e.expect(e.do("DELETE", "/api/v1/workspaces/large", e.admin, nil), http.StatusNoContent)
	e.expect(e.do("PUT", "/api/v1/workspaces/large/bundle", e.admin, exported), http.StatusCreated)
	// Compared in Go rather than by exporting again: the same check at
	// half the cost of a test that is among the slowest under -race.
	again, err := e.store.ExportBundle(t.Context(), "large")
	if err != nil {
		t.Fatal(err)
	}
	b.ApplyDefaults()
	if !reflect.DeepEqual(again, b) {
		t.Error("the workspace imported from its export differs from the one exported")
	}
}

// TestCRUDOfEveryKind creates, lists, reads, replaces and deletes one node
// of each kind and adds, lists and removes one relationship of each kind.
func TestCRUDOfEveryKind(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	sh := e.demo.Stakeholders
	traj := e.demo.Trajectories
	nodes := []struct {
		plural string
		node   any
	}{
		{"stakeholders", graph.Stakeholder{ID: "new-person", Name: "Nieuw", Kind: "person", Level: "management", Influence: 2, Interest: 5, Attitude: "supporter", Unit: "Testafdeling"}},
		{"trajectories", graph.Trajectory{ID: "new-traj", Name: "Nieuw traject", Status: "idea"}},
		{"goals", graph.Goal{ID: "new-goal", Name: "Nieuw doel"}},
		{"enablers", graph.Enabler{ID: "new-enabler", Name: "Nieuw systeem", Kind: "system", Status: "ready"}},
		{"engagements", graph.Engagement{ID: "new-eng", Date: "2026-10-01", Channel: "meeting", With: []string{sh[0].ID}, About: []string{}}},
	}
	for _, n := range nodes {
		t.Run(n.plural, func(t *testing.T) {
			e := e.with(t)
			data, _ := json.Marshal(n.node)
			id := strings.Split(strings.Split(string(data), `"id":"`)[1], `"`)[0]
			r := e.expect(e.do("POST", ws+"/"+n.plural, e.editor, data), http.StatusCreated)
			if r.header.Get("Location") != ws+"/"+n.plural+"/"+id {
				t.Errorf("Location %q", r.header.Get("Location"))
			}
			e.expect(e.do("POST", ws+"/"+n.plural, e.editor, data), http.StatusConflict)
			r = e.expect(e.do("GET", ws+"/"+n.plural+"?q="+id+"&limit=1", e.viewer, nil), http.StatusOK)
			var list map[string]json.RawMessage
			r.json(t, &list)
			if string(list["total"]) != "1" || !strings.Contains(string(list[n.plural]), id) {
				t.Errorf("list: %s", r.body)
			}
			r = e.expect(e.do("GET", ws+"/"+n.plural+"/"+id, e.viewer, nil), http.StatusOK)
			if !bytes.Equal(bytes.TrimSpace(r.body), data) {
				t.Errorf("GET returned %s, created %s", r.body, data)
			}
			e.expect(e.do("PUT", ws+"/"+n.plural+"/"+id, e.editor, r.body, "If-Match", r.header.Get("ETag")), http.StatusOK)
			e.expect(e.do("PUT", ws+"/"+n.plural+"/other-id", e.editor, r.body), http.StatusNotFound)
			renamed := strings.Replace(string(r.body), `"id":"`+id+`"`, `"id":"renamed"`, 1)
			r = e.expect(e.do("PUT", ws+"/"+n.plural+"/"+id, e.editor, renamed), http.StatusBadRequest)
			if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "id" || f[0].Value != "renamed" {
				t.Errorf("renaming PUT: fields %+v", f)
			}
			e.expect(e.do("DELETE", ws+"/"+n.plural+"/"+id, e.editor, nil), http.StatusNoContent)
			e.expect(e.do("GET", ws+"/"+n.plural+"/"+id, e.viewer, nil), http.StatusNotFound)
		})
	}
	t.Run("WrongKindIsNotFound", func(t *testing.T) {
		e := e.with(t)
		e.expect(e.do("GET", ws+"/goals/"+sh[0].ID, e.viewer, nil), http.StatusNotFound)
		e.expect(e.do("PUT", ws+"/trajectories/"+sh[0].ID, e.editor, `{"id":"`+sh[0].ID+`","name":"T","status":"idea"}`), http.StatusNotFound)
	})

	goal := e.demo.Goals[0].ID
	rels := []struct {
		kind, body, key string
	}{
		{"stakes", `{"stakeholder":"` + sh[2].ID + `","trajectory":"` + traj[1].ID + `","role":"expert"}`, "stakeholder=" + sh[2].ID + "&trajectory=" + traj[1].ID + "&role=expert"},
		{"influences", `{"from":"` + sh[3].ID + `","to":"` + sh[4].ID + `"}`, "from=" + sh[3].ID + "&to=" + sh[4].ID},
		{"reportsTo", `{"from":"` + sh[5].ID + `","to":"` + sh[6].ID + `"}`, "from=" + sh[5].ID + "&to=" + sh[6].ID},
		{"supports", `{"trajectory":"` + traj[2].ID + `","goal":"` + goal + `"}`, "trajectory=" + traj[2].ID + "&goal=" + goal},
		{"dependsOn", `{"trajectory":"` + traj[3].ID + `","on":"` + traj[4].ID + `","note":"n"}`, "trajectory=" + traj[3].ID + "&on=" + traj[4].ID},
	}
	for _, rel := range rels {
		t.Run(rel.kind, func(t *testing.T) {
			e := e.with(t)
			// The demo may hold it already: start from its absence.
			e.do("DELETE", ws+"/"+rel.kind+"?"+rel.key, e.editor, nil)
			r := e.expect(e.do("POST", ws+"/"+rel.kind, e.editor, rel.body), http.StatusCreated)
			if rel.kind == "influences" && !strings.Contains(string(r.body), `"strength":0.5`) {
				t.Errorf("influence without strength: %s", r.body)
			}
			e.expect(e.do("POST", ws+"/"+rel.kind, e.editor, rel.body), http.StatusConflict)
			r = e.expect(e.do("GET", ws+"/"+rel.kind+"?"+rel.key, e.viewer, nil), http.StatusOK)
			var list map[string]json.RawMessage
			r.json(t, &list)
			if string(list["total"]) != "1" {
				t.Errorf("list by key: %s", r.body)
			}
			first := strings.SplitN(rel.key, "&", 2)[0]
			r = e.expect(e.do("DELETE", ws+"/"+rel.kind+"?"+first, e.editor, nil), http.StatusBadRequest)
			if len(r.apiError(t).Fields) == 0 {
				t.Error("missing key fields not named")
			}
			e.expect(e.do("DELETE", ws+"/"+rel.kind+"?"+rel.key, e.editor, nil), http.StatusNoContent)
			e.expect(e.do("DELETE", ws+"/"+rel.kind+"?"+rel.key, e.editor, nil), http.StatusNotFound)
		})
	}
	t.Run("FiltersAndPages", func(t *testing.T) {
		e := e.with(t)
		var all struct {
			Stakeholders []graph.Stakeholder
			Total        int
		}
		e.expect(e.do("GET", ws+"/stakeholders?limit=1000", e.viewer, nil), http.StatusOK).json(t, &all)
		if all.Total != len(all.Stakeholders) || all.Total < 5 {
			t.Fatalf("total %d, got %d", all.Total, len(all.Stakeholders))
		}
		var page struct {
			Stakeholders  []graph.Stakeholder
			Total, Offset int
		}
		e.expect(e.do("GET", ws+"/stakeholders?limit=2&offset=3", e.viewer, nil), http.StatusOK).json(t, &page)
		if page.Total != all.Total || len(page.Stakeholders) != 2 || page.Stakeholders[0].ID != all.Stakeholders[3].ID {
			t.Errorf("page: %+v", page)
		}
		want := 0
		for _, s := range all.Stakeholders {
			if s.Level == "executive" {
				want++
			}
		}
		var ex struct{ Total int }
		e.expect(e.do("GET", ws+"/stakeholders?level=executive", e.viewer, nil), http.StatusOK).json(t, &ex)
		if ex.Total != want || want == 0 {
			t.Errorf("level=executive: %d, want %d", ex.Total, want)
		}
		e.expect(e.do("GET", ws+"/stakeholders?limit=0", e.viewer, nil), http.StatusBadRequest)
		e.expect(e.do("GET", "/api/v1/workspaces/nope/stakeholders", e.admin, nil), http.StatusNotFound)
	})
}

// TestWorkspaceETag: a workspace's ETag is its revision; it changes with
// any change inside the workspace.
func TestWorkspaceETag(t *testing.T) {
	e := newEnv(t)
	ws := "/api/v1/workspaces/" + demo.ID
	r := e.expect(e.do("GET", ws, e.viewer, nil), http.StatusOK)
	tag := r.header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	e.expect(e.do("GET", ws, e.viewer, nil, "If-None-Match", tag), http.StatusNotModified)
	e.expect(e.do("POST", ws+"/goals", e.editor, `{"id":"etag-goal","name":"G"}`), http.StatusCreated)
	r = e.expect(e.do("GET", ws, e.viewer, nil, "If-None-Match", tag), http.StatusOK)
	if r.header.Get("ETag") == tag {
		t.Error("ETag unchanged after a change in the workspace")
	}
}
