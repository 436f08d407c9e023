package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// faultyBackend fails the writes of one workspace with an injected error,
// wrapped as a store wraps its errors: with the workspace, the node id and
// here even a name in the message, which must never reach the log.
type faultyBackend struct {
	graph.Backend
	workspace string
	err       error
}

// CreateNode fails valid nodes, as a store fails at writing what it has
// validated.
func (f faultyBackend) CreateNode(ctx context.Context, ws string, n graph.Node) (int64, error) {
	if ws == f.workspace && len(graph.ValidateNode(graph.NormalizeNode(n), "")) == 0 {
		return 0, fmt.Errorf("embedded.CreateNode %s/%s (%v): %w", ws, n.NodeID(), n, f.err)
	}
	return f.Backend.CreateNode(ctx, ws, n)
}

func (f faultyBackend) ImportBundle(ctx context.Context, b *graph.Bundle, pre graph.Precondition) error {
	if b.Workspace.ID == f.workspace {
		return fmt.Errorf("embedded.ImportBundle %s: %w", b.Workspace.ID, f.err)
	}
	return f.Backend.ImportBundle(ctx, b, pre)
}

func withBackend(wrap func(graph.Backend) graph.Backend) envOption {
	return func(c *httpapi.Config) { c.Backend = wrap(c.Backend) }
}

func withLogger(l *slog.Logger) envOption {
	return func(c *httpapi.Config) { c.Logger = l }
}

// diskFull is what writing to a full disk gives: ENOSPC inside a path
// error, which names the file.
var diskFull = &fs.PathError{Op: "write", Path: "/srv/Geheime-Map-7q/stakemap.db", Err: syscall.ENOSPC}

// TestDiskFull: a write that fails because the disk is full answers 507
// with a message saying so, and the log says so too.
func TestDiskFull(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, withLogger(slog.New(slog.NewJSONHandler(&log, nil))),
		withBackend(func(b graph.Backend) graph.Backend {
			return faultyBackend{Backend: b, workspace: "other", err: diskFull}
		}))
	r := e.expect(e.do("POST", "/api/v1/workspaces/other/goals", e.admin, `{"id":"g","name":"G"}`), http.StatusInsufficientStorage)
	d := r.apiError(t)
	if d.Code != httpapi.CodeStorageFull || !strings.Contains(d.Message, "disk is full") || !strings.Contains(d.Message, "nothing was saved") {
		t.Errorf("answer %s", r.body)
	}
	e.expect(e.do("PUT", "/api/v1/workspaces/other/bundle", e.admin, `{"format":"stakemap/v1","workspace":{"id":"other","name":"O"}}`), http.StatusInsufficientStorage)
	out := log.String()
	for _, want := range []string{`"msg":"request failed"`, `"code":"storage_full"`, `"status":507`, "no space left on device", `"op":"POST /api/v1/workspaces/:ws/goals"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Geheime-Map-7q") {
		t.Errorf("the log names the file: %s", out)
	}
}

// TestStoreErrorKinds: the stores' own kinds of failure (graph.OpError
// around ErrStorageFull or ErrCorrupt) answer 507 and 500 with their codes,
// and the log gets the store's operation and kind, not its subject.
func TestStoreErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{&graph.OpError{Op: "embedded.CreateNode", Subject: "other/g-secret", Err: fmt.Errorf("%w: %w", graph.ErrStorageFull, diskFull)}, http.StatusInsufficientStorage, httpapi.CodeStorageFull},
		{&graph.OpError{Op: "embedded.CreateNode", Subject: "other/g-secret", Err: fmt.Errorf("page 7 of /srv/x.db: %w", graph.ErrCorrupt)}, http.StatusInternalServerError, httpapi.CodeCorrupt},
	} {
		var log syncBuffer
		e := newEnv(t, withLogger(slog.New(slog.NewTextHandler(&log, nil))),
			withBackend(func(b graph.Backend) graph.Backend { return faultyBackend{Backend: b, workspace: "other", err: tc.err} }))
		r := e.expect(e.do("POST", "/api/v1/workspaces/other/goals", e.admin, `{"id":"g-secret","name":"G"}`), tc.status)
		if d := r.apiError(t); d.Code != tc.code {
			t.Errorf("%v: code %s", tc.err, d.Code)
		}
		out := log.String()
		if !strings.Contains(out, "store=\"embedded.CreateNode: ") || strings.Contains(out, "g-secret") || strings.Contains(out, "/srv/") {
			t.Errorf("%v: log:\n%s", tc.err, out)
		}
	}
}

// TestLogsHoldNoData sends requests that fail in every way the service
// fails (each carrying recognisable ids, names, a token, body text and
// query values) and checks that the log has the operation and the error
// code of each, and none of the data.
func TestLogsHoldNoData(t *testing.T) {
	var log syncBuffer
	secretWS := "ws-secret-q7"
	e := newEnv(t, withLogger(slog.New(slog.NewTextHandler(&log, nil))), withRenderer(nil),
		withBackend(func(b graph.Backend) graph.Backend {
			return faultyBackend{Backend: b, workspace: secretWS, err: errors.New("boom while writing Anneke Geheimnaam-K9 of " + secretWS)}
		}))
	if err := e.store.CreateWorkspace(t.Context(), graph.Workspace{ID: secretWS, Name: "Geheime Klant BV", Language: "nl"}); err != nil {
		t.Fatal(err)
	}
	ws := "/api/v1/workspaces/" + secretWS
	mint := func(role string) string {
		tok, _, err := e.access.CreateToken(t.Context(), access.Principal{Via: access.ViaLocal}, access.TokenRequest{Workspace: secretWS, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	token, viewer := mint(httpapi.RoleEditor), mint(httpapi.RoleViewer)
	secrets := []string{secretWS, "node-secret-z3", "Anneke", "Geheimnaam-K9", "body-secret-x5", "query-secret-m2", "Geheime Klant",
		token, strings.SplitN(token, ".", 2)[1], "smk_guess-secret"}
	person := `{"id":"node-secret-z3","name":"Anneke Geheimnaam-K9","level":"employee","influence":2,"interest":3}`
	for _, tc := range []struct {
		method, path, token, body string
		headers                   []string
		status                    int
	}{
		{"POST", ws + "/stakeholders", token, `{"name":"body-secret-x5",`, nil, 400},
		{"POST", ws + "/stakeholders", token, `{"id":"node-secret-z3","name":"Anneke Geheimnaam-K9","level":"body-secret-x5","influence":2,"interest":3}`, nil, 400},
		{"POST", ws + "/stakeholders", token, "{\"name\":\"Anneke Geheimnaam-K9\xff\"}", nil, 400},
		{"GET", ws + "/stakeholders?query-secret-m2=query-secret-m2", token, "", nil, 400},
		{"GET", ws + "/stakeholders/node-secret-z3", "smk_guess-secret.x", "", nil, 401},
		{"POST", ws + "/goals", viewer, `{"name":"body-secret-x5"}`, nil, 403},
		{"GET", ws + "/stakeholders/node-secret-z3", token, "", nil, 404},
		{"GET", "/api/v1/workspaces/ws-secret-q7-other/goals", e.admin, "", nil, 404},
		{"POST", ws + "/stakeholders/node-secret-z3", token, person, nil, 405},
		{"PATCH", "/api/v1/workspaces/" + e.demo.Workspace.ID + "/stakeholders/" + e.demo.Stakeholders[0].ID, e.editor, `{"notes":"body-secret-x5"}`, []string{"If-Match", `"query-secret-m2"`}, 412},
		{"POST", ws + "/goals", token, `{"id":"g","name":"` + strings.Repeat("body-secret-x5", 80000) + `"}`, nil, 413},
		{"POST", ws + "/goals", token, `name=body-secret-x5`, []string{"Content-Type", "text/plain"}, 415},
		{"POST", ws + "/stakeholders", token, person, nil, 500},
		{"PUT", ws + "/bundle", token, `{"format":"stakemap/v1","workspace":{"id":"` + secretWS + `","name":"Geheime Klant BV"}}`, nil, 500},
		{"GET", ws + "/maps/stakeholders.svg?trajectory=query-secret-m2", token, "", nil, 503},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		e.expect(e.do(tc.method, tc.path, tc.token, body, tc.headers...), tc.status)
	}
	out := log.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log contains %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"error=invalid", "error=unauthorized", "error=forbidden", "error=not_found", "error=method_not_allowed",
		"error=stale", "error=too_large", "error=unsupported_media_type", "error=internal", "error=unavailable",
		`msg="request failed" op="POST /api/v1/workspaces/:ws/stakeholders" status=500 code=internal store=internal cause=*errors.errorString`,
		`op="PUT /api/v1/workspaces/:ws/bundle"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s:\n%s", want, out)
		}
	}
}

// TestPanicsAreLoggedWithoutTheirValue: a panic's value can hold request
// data; the log names its type (or the runtime's fixed message) and the
// operation.
func TestPanicsAreLoggedWithoutTheirValue(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, withLogger(slog.New(slog.NewTextHandler(&log, nil))),
		withBackend(func(b graph.Backend) graph.Backend { return panicky{b} }))
	r := e.expect(e.do("GET", "/api/v1/workspaces/oostvoorde/brokers", e.viewer, nil), http.StatusInternalServerError)
	if r.apiError(t).Code != "internal" {
		t.Errorf("answer %s", r.body)
	}
	out := log.String()
	if strings.Contains(out, "Anneke") || !strings.Contains(out, "panic=string") || !strings.Contains(out, `op="GET /api/v1/workspaces/:ws/brokers"`) {
		t.Errorf("log:\n%s", out)
	}
}

type panicky struct{ graph.Backend }

func (panicky) Brokers(context.Context, string, int) ([]graph.Broker, error) {
	panic("Anneke Geheimnaam has no brokers")
}
