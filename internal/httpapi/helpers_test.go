package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/httpapi"
	"github.com/stakemap/stakemap/internal/render"
)

// backend pairs the embedded store with the Go analyses, as the command
// does.
type backend struct {
	*embedded.Store
	*analysis.Engine
}

// env is a running service over a real embedded store holding the demo
// workspace, with tokens of every role for it.
type env struct {
	t       testing.TB
	srv     *httptest.Server
	api     *httpapi.Server
	store   *embedded.Store
	access  *access.Service
	demo    *graph.Bundle
	admin   string // global admin
	editor  string // demo editor
	viewer  string // demo viewer
	foreign string // admin of another workspace
}

type envOption func(*httpapi.Config)

func withRenderer(r httpapi.Renderer) envOption {
	return func(c *httpapi.Config) { c.Renderer = r }
}

// fastClock makes every reading of the access service's clock ten
// seconds later than the one before, so that failed attempts drain
// faster than a test makes them.
func fastClock(c *access.Config) {
	var mu sync.Mutex
	now := time.Now()
	c.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(10 * time.Second)
		return now
	}
}

// fastPasswords keeps argon2id cheap in tests; the real cost is
// access.DefaultPasswordWork.
var fastPasswords = access.PasswordWork{Time: 1, Memory: 1024, Threads: 1}

func newEnv(tb testing.TB, opts ...envOption) *env {
	tb.Helper()
	return newEnvWith(tb, nil, opts...)
}

// newEnvWith is newEnv with the access service's configuration changed
// by setAccess (when not nil).
func newEnvWith(tb testing.TB, setAccess func(*access.Config), opts ...envOption) *env {
	tb.Helper()
	dir := tb.TempDir()
	st, err := embedded.Open(filepath.Join(dir, "stakemap.db"))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := demo.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.ImportBundle(tb.Context(), b, graph.Precondition{}); err != nil {
		tb.Fatal(err)
	}
	if err := st.CreateWorkspace(tb.Context(), graph.Workspace{ID: "other", Name: "Other client", Language: "en"}); err != nil {
		tb.Fatal(err)
	}
	e := &env{t: tb, store: st, demo: b}
	be := backend{st, analysis.New(st)}
	cfg := httpapi.Config{
		Backend:      be,
		DecodeBundle: bundle.Decode,
		EncodeBundle: bundle.Encode,
	}
	acfg := access.Config{Store: be, PasswordWork: fastPasswords}
	for _, o := range opts {
		o(&cfg)
	}
	if setAccess != nil {
		setAccess(&acfg)
	}
	if e.access, err = access.New(tb.Context(), acfg); err != nil {
		tb.Fatal(err)
	}
	cfg.Access = e.access
	mint := func(ws, role string) string {
		tok, _, err := e.access.CreateToken(tb.Context(), access.Principal{Via: access.ViaLocal},
			access.TokenRequest{Workspace: ws, Role: role})
		if err != nil {
			tb.Fatal(err)
		}
		return tok
	}
	e.admin = mint(httpapi.AllWorkspaces, httpapi.RoleAdmin)
	e.editor = mint(demo.ID, httpapi.RoleEditor)
	e.viewer = mint(demo.ID, httpapi.RoleViewer)
	e.foreign = mint("other", httpapi.RoleAdmin)
	e.api, err = httpapi.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	e.srv = httptest.NewServer(e.api.Handler())
	tb.Cleanup(func() {
		e.srv.Close()
		st.Close()
	})
	return e
}

// with returns a copy of e that reports to t, for use inside subtests.
func (e *env) with(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// response is a finished request: status, headers and the whole body.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError decodes the error shape every route answers with.
func (r response) apiError(tb testing.TB) httpapi.ErrorDetail {
	tb.Helper()
	var eb httpapi.ErrorBody
	r.json(tb, &eb)
	if eb.Error.Code == "" || eb.Error.Message == "" {
		tb.Fatalf("error body without code or message: %s", r.body)
	}
	return eb.Error
}

func (e *env) do(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.roundTrip(req)
}

// send makes a request with a streamed body: length is its declared
// Content-Length, or -1 for none (chunked).
func (e *env) send(method, path, token string, body io.Reader, length int64, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.roundTrip(req)
}

func (e *env) roundTrip(req *http.Request) response {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

func (e *env) expect(r response, status int) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// realRenderer adapts the real renderer (in-process Graphviz) to the
// service's Renderer and counts the renders that reach it.
type realRenderer struct {
	r  *render.Renderer
	mu sync.Mutex
	n  int
}

var (
	rendererOnce sync.Once
	sharedRender *render.Renderer
	rendererErr  error
)

// newRealRenderer shares one in-process renderer between the tests of the
// package: Graphviz's WebAssembly module is one per process anyway.
func newRealRenderer(tb testing.TB) *realRenderer {
	tb.Helper()
	rendererOnce.Do(func() {
		sharedRender, rendererErr = render.NewRenderer(render.Options{InProcess: true, CacheEntries: -1})
	})
	if rendererErr != nil {
		tb.Fatal(rendererErr)
	}
	return &realRenderer{r: sharedRender}
}

func (rr *realRenderer) RenderMap(ctx context.Context, b *graph.Bundle, req httpapi.MapRequest) (httpapi.MapResult, error) {
	rr.mu.Lock()
	rr.n++
	rr.mu.Unlock()
	res, err := rr.r.Render(ctx, render.Request{Bundle: b, Before: req.Before, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang, Anonymize: req.Anonymize, Scale: req.Scale, AsOf: req.AsOf,
		Page: req.Page, Part: req.Part, Context: req.Context, Full: req.Full})
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName, Parts: res.Parts}, nil
}

func (rr *realRenderer) renders() int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.n
}
