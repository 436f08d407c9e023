package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
)

// anyoneRoutes may be called by everyone signed in: the handler shows
// each only their own (tokens) or what they may read (workspaces).
var anyoneRoutes = []string{"GET /api/v1/workspaces", "GET /api/v1/account", "GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/:id",
	"POST /api/v1/workspaces/:ws/calendar-feeds", "DELETE /api/v1/workspaces/:ws/calendar-feeds/:id"}

// secretRoutes take no token: the secret in their path is the credential,
// and an unknown one is 404.
var secretRoutes = []string{"/calendar/:file"}

// strongReads are reads that need more than a viewer: share links
// (editors) and members (admins).
var strongReads = []string{"/api/v1/workspaces/:ws/share-links", "/api/v1/workspaces/:ws/members"}

var publicRoutes = []string{"/healthz", "/readyz", "/metrics", "/api/openapi.json"}

// concrete fills a gin route's parameters with values that exist.
func concrete(e *env, ws, path string) string {
	r := strings.NewReplacer(":ws", ws, ":id", e.demo.Stakeholders[1].ID, ":file", "stakeholders.svg")
	return r.Replace(path)
}

// TestAccessOnEveryRoute walks every route the router serves: public ones
// answer without a token; every other one refuses a missing token (401),
// a token of another workspace (404, as if it did not exist) and, for
// writes and token management, a viewer (403).
func TestAccessOnEveryRoute(t *testing.T) {
	// Time runs fast for the access service: the wrong tokens of every
	// route would otherwise get this one client throttled.
	e := newEnvWith(t, fastClock)
	routes := e.api.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			e := e.with(t)
			path := concrete(e, demo.ID, rt.Path)
			if slices.Contains(publicRoutes, rt.Path) {
				e.expect(e.do(rt.Method, path, "", nil), http.StatusOK)
				return
			}
			if slices.Contains(secretRoutes, rt.Path) {
				e.expect(e.do(rt.Method, path, "", nil), http.StatusNotFound)
				return
			}
			// A HEAD answer has no body to read the code from.
			head := rt.Method == http.MethodHead
			r := e.expect(e.do(rt.Method, path, "", nil), http.StatusUnauthorized)
			if !head && r.apiError(t).Code != "unauthorized" {
				t.Errorf("code %q", r.apiError(t).Code)
			}
			e.expect(e.do(rt.Method, path, "smk_"+strings.Repeat("x", 8)+".guess", nil), http.StatusUnauthorized)
			perWorkspace := strings.Contains(rt.Path, ":ws")
			if perWorkspace {
				r := e.expect(e.do(rt.Method, path, e.foreign, nil), http.StatusNotFound)
				if !head && r.apiError(t).Code != "not_found" {
					t.Errorf("foreign token: code %q", r.apiError(t).Code)
				}
			}
			read := rt.Method == http.MethodGet || head
			switch {
			case slices.Contains(anyoneRoutes, strings.Replace(rt.Method, "HEAD", "GET", 1)+" "+rt.Path):
				// Open to everyone signed in; the handler narrows.
			case !read || !perWorkspace || slices.Contains(strongReads, rt.Path):
				// Writes need an editor, managing people an admin.
				e.expect(e.do(rt.Method, path, e.viewer, nil), http.StatusForbidden)
			default:
				// A viewer passes the access check of every read.
				r := e.do(rt.Method, path, e.viewer, nil)
				if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
					t.Errorf("viewer refused a read: %d %s", r.status, r.body)
				}
			}
		})
	}
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z]+)`)

// TestOpenAPIDescribesEveryRoute fails on any route the router serves that
// the OpenAPI document lacks, and on any operation it documents that the
// router does not serve.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t)
	r := e.expect(e.do("GET", "/api/openapi.json", "", nil), http.StatusOK)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	served := map[string]bool{}
	for _, rt := range e.api.Routes() {
		p := ginParam.ReplaceAllString(rt.Path, "{$1}")
		m := strings.ToLower(rt.Method)
		served[m+" "+p] = true
		op, ok := doc.Paths[p][m]
		if !ok {
			t.Errorf("%s %s is served but not in the OpenAPI document", rt.Method, p)
			continue
		}
		if op["summary"] == "" || op["responses"] == nil {
			t.Errorf("%s %s: no summary or responses", rt.Method, p)
		}
		for _, name := range ginParam.FindAllStringSubmatch(rt.Path, -1) {
			if !strings.Contains(string(mustJSON(t, op["parameters"])), `"name":"`+name[1]+`"`) {
				t.Errorf("%s %s: path parameter %s undocumented", rt.Method, p, name[1])
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !served[m+" "+p] {
				t.Errorf("the document lists %s %s, which is not served", m, p)
			}
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
