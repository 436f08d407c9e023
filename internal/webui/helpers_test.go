package webui_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/webui"
)

// fakeAuth signs people in with a fixed table of accounts and keeps
// sessions in memory: the pages' side of sign-in, without the accounts
// package.
type fakeAuth struct {
	mu       sync.Mutex
	accounts map[string]account
	sessions map[string]access.Principal
	shares   map[string]access.ShareLink
	tokens   map[string]access.Token
}

type account struct {
	password string
	p        access.Principal
}

const sessionCookie = "test_session"

func (a *fakeAuth) Authenticate(r *http.Request) (access.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return access.Principal{}, access.ErrUnauthenticated
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.sessions[c.Value]
	if !ok {
		return access.Principal{}, access.ErrBadCredentials
	}
	return p, nil
}

func (a *fakeAuth) SignIn(_ context.Context, email, password, _ string) (*http.Cookie, access.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.accounts[email]
	if !ok || acc.password != password {
		return nil, access.Principal{}, access.ErrBadCredentials
	}
	var raw [16]byte
	rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	a.sessions[id] = acc.p
	return &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}, acc.p, nil
}

func (a *fakeAuth) SignOut(_ context.Context, r *http.Request) (*http.Cookie, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, access.ErrUnauthenticated
	}
	a.mu.Lock()
	delete(a.sessions, c.Value)
	a.mu.Unlock()
	return &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1}, nil
}

// Accounts of the test service: one per role on the demo workspace, an
// English-speaking editor, and an outsider with a role elsewhere only.
const (
	password    = "correct horse battery"
	adminMail   = "admin@example.org"
	editorMail  = "redacteur@example.org"
	englishMail = "editor@example.org"
	viewerMail  = "kijker@example.org"
	otherMail   = "ander@example.org"
)

type backend struct {
	*embedded.Store
	*analysis.Engine
}

type env struct {
	t     testing.TB
	store graph.Backend
	srv   *httptest.Server
	demo  *graph.Bundle
	ui    *webui.Server
}

type option func(*webui.Config)

func newEnv(tb testing.TB, opts ...option) *env {
	tb.Helper()
	st, err := embedded.Open(filepath.Join(tb.TempDir(), "stakemap.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	b, err := demo.Bundle()
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.ImportBundle(context.Background(), b, graph.Precondition{}); err != nil {
		tb.Fatal(err)
	}
	be := backend{st, analysis.New(st)}
	role := func(r string) map[string]string { return map[string]string{demo.ID: r} }
	auth := &fakeAuth{sessions: map[string]access.Principal{}, shares: map[string]access.ShareLink{
		"traject-anoniem": {ID: "l1", Workspace: demo.ID, Target: "trajectory:veiligheidscultuur", ExpiresAt: "2099-12-31", Anonymize: true},
		"werkruimte":      {ID: "l2", Workspace: demo.ID, Target: "workspace", ExpiresAt: "2099-12-31"},
		"kaart":           {ID: "l3", Workspace: demo.ID, Target: "map:grid", Params: &access.ShareParams{Trajectory: "ai-basis"}, ExpiresAt: "2099-12-31", Anonymize: true},
	}, accounts: map[string]account{
		adminMail:   {password, access.Principal{Via: access.ViaSession, AccountID: "a1", Email: adminMail, Name: "Anna Admin", Global: access.RoleAdmin}},
		editorMail:  {password, access.Principal{Via: access.ViaSession, AccountID: "a2", Email: editorMail, Name: "Ruud Redacteur", Lang: "nl", Workspaces: role(access.RoleEditor)}},
		englishMail: {password, access.Principal{Via: access.ViaSession, AccountID: "a3", Email: englishMail, Name: "Emma Editor", Lang: "en", Workspaces: role(access.RoleEditor)}},
		viewerMail:  {password, access.Principal{Via: access.ViaSession, AccountID: "a4", Email: viewerMail, Name: "Kees Kijker", Workspaces: role(access.RoleViewer)}},
		otherMail:   {password, access.Principal{Via: access.ViaSession, AccountID: "a5", Email: otherMail, Name: "Olga Ander", Workspaces: map[string]string{"elders": access.RoleAdmin}}},
	}}
	cfg := webui.Config{Backend: be, Auth: auth, Logger: slog.New(slog.NewTextHandler(testLog{tb}, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	ui, err := webui.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(ui.Handler())
	tb.Cleanup(srv.Close)
	return &env{t: tb, store: be, srv: srv, demo: b, ui: ui}
}

// client is one person's browser: a cookie jar, redirects not followed so
// that tests see the 303s.
type client struct {
	e  *env
	hc *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn returns a client signed in as the account.
func (e *env) signIn(mail string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"email": {mail}, "password": {password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d %s", mail, res.status, res.body)
	}
	return c
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(body), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// A browser marks its same-origin posts so; cross-origin protection
	// lets them through.
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (r response) has(t testing.TB, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %q (status %d)", w, r.status)
		}
	}
}

func (r response) lacks(t testing.TB, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if strings.Contains(r.body, w) {
			t.Errorf("page has %q, which it should not", w)
		}
	}
}

func expect(t testing.TB, r response, status int) response {
	t.Helper()
	if r.status != status {
		body := r.body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("status %d, want %d; location %q\n%s", r.status, status, r.location, body)
	}
	return r
}

// testLog sends the service's log to the test's, shown when a test fails.
type testLog struct{ tb testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// ShareLink makes the fake sign-in serve share links: the secrets of
// links are the keys of shares.
func (a *fakeAuth) ShareLink(_ context.Context, secret string) (access.ShareLink, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.shares[secret]
	if !ok {
		return access.ShareLink{}, access.ErrBadCredentials
	}
	return l, nil
}

// The account side of the fake: passwords change in the account table,
// tokens live in a map, signing out everywhere drops every session of
// the account.
func (a *fakeAuth) ChangePassword(_ context.Context, p access.Principal, current, next string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc := a.accounts[p.Email]
	if acc.password != current {
		return graph.Invalid([]graph.Problem{{Field: "current", Reason: "is not your current password"}})
	}
	if len(next) < 8 {
		return graph.Invalid([]graph.Problem{{Field: "password", Reason: "needs 8 characters or more"}})
	}
	acc.password = next
	a.accounts[p.Email] = acc
	return nil
}

func (a *fakeAuth) PersonalTokens(_ context.Context, p access.Principal) ([]access.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []access.Token
	for _, t := range a.tokens {
		if t.Account == p.AccountID {
			out = append(out, t)
		}
	}
	return out, nil
}

func (a *fakeAuth) CreateToken(_ context.Context, by access.Principal, req access.TokenRequest) (string, access.Token, error) {
	if !by.Can(req.Workspace, req.Role) {
		return "", access.Token{}, access.ErrForbidden
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id := fmt.Sprintf("t%d", len(a.tokens)+1)
	t := access.Token{ID: id, Name: req.Name, Workspace: req.Workspace, Role: req.Role, Account: by.AccountID, ExpiresAt: req.ExpiresAt}
	if a.tokens == nil {
		a.tokens = map[string]access.Token{}
	}
	a.tokens[id] = t
	return "smk_" + id + ".geheim", t, nil
}

func (a *fakeAuth) RevokeToken(_ context.Context, by access.Principal, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t, ok := a.tokens[id]; !ok || t.Account != by.AccountID {
		return graph.ErrNotFound
	}
	delete(a.tokens, id)
	return nil
}

func (a *fakeAuth) SignOutEverywhere(_ context.Context, p access.Principal) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, s := range a.sessions {
		if s.AccountID == p.AccountID {
			delete(a.sessions, k)
		}
	}
	return nil
}

// The members side of the fake: roles on the demo workspace live in the
// account table, as the principal's Workspaces.
func (a *fakeAuth) Members(_ context.Context, by access.Principal, ws string) ([]access.Member, error) {
	if !by.Can(ws, access.RoleAdmin) {
		return nil, access.ErrForbidden
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []access.Member
	for mail, acc := range a.accounts {
		if r := acc.p.Workspaces[ws]; r != "" {
			out = append(out, access.Member{Account: acc.p.AccountID, Email: mail, Name: acc.p.Name, Role: r})
		}
	}
	return out, nil
}

func (a *fakeAuth) SetMember(_ context.Context, by access.Principal, ws, account, role string) (access.Member, error) {
	if !by.Can(ws, access.RoleAdmin) {
		return access.Member{}, access.ErrForbidden
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.accounts[account]
	if !ok {
		return access.Member{}, graph.ErrNotFound
	}
	m := maps.Clone(acc.p.Workspaces)
	if m == nil {
		m = map[string]string{}
	}
	m[ws] = role
	acc.p.Workspaces = m
	a.accounts[account] = acc
	return access.Member{Account: acc.p.AccountID, Email: account, Name: acc.p.Name, Role: role}, nil
}

func (a *fakeAuth) RemoveMember(_ context.Context, by access.Principal, ws, account string) error {
	if !by.Can(ws, access.RoleAdmin) {
		return access.ErrForbidden
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.accounts[account]
	if !ok || acc.p.Workspaces[ws] == "" {
		return graph.ErrNotFound
	}
	m := maps.Clone(acc.p.Workspaces)
	delete(m, ws)
	acc.p.Workspaces = m
	a.accounts[account] = acc
	return nil
}

// testClock is a settable time for the access service, to let links
// expire.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// withAccess signs people in with the real access service over the
// test's own store — accounts, sessions and share links as the service
// keeps them — with the accounts of the fake made as real ones. The
// service's clock starts now and moves with clk.
func withAccess(tb testing.TB, clk *testClock) option {
	return func(c *webui.Config) {
		tb.Helper()
		ctx := context.Background()
		if clk.now.IsZero() {
			clk.now = time.Now()
		}
		svc, err := access.New(ctx, access.Config{Store: c.Backend, Now: clk.Now,
			PasswordWork: access.PasswordWork{Time: 1, Memory: 1024, Threads: 1}, Logger: c.Logger})
		if err != nil {
			tb.Fatal(err)
		}
		local := access.Principal{Via: access.ViaLocal}
		for _, a := range []struct{ mail, name, lang, global, role string }{
			{adminMail, "Anna Admin", "", access.RoleAdmin, ""},
			{editorMail, "Ruud Redacteur", "nl", "", access.RoleEditor},
			{englishMail, "Emma Editor", "en", "", access.RoleEditor},
			{viewerMail, "Kees Kijker", "", "", access.RoleViewer},
			{otherMail, "Olga Ander", "", "", ""},
		} {
			if _, err := svc.CreateAccount(ctx, local, access.NewAccount{Email: a.mail, Name: a.name, Password: password, Role: a.global, Lang: a.lang}); err != nil {
				tb.Fatal(err)
			}
			if a.role != "" {
				if _, err := svc.SetMember(ctx, local, demo.ID, a.mail, a.role); err != nil {
					tb.Fatal(err)
				}
			}
		}
		c.Auth = svc
	}
}

func (a *fakeAuth) AddMember(ctx context.Context, by access.Principal, ws string, m access.NewMember) (access.Member, string, error) {
	initial := ""
	a.mu.Lock()
	if _, ok := a.accounts[m.Email]; !ok {
		initial = "eerste-wachtwoord"
		a.accounts[m.Email] = account{initial, access.Principal{Via: access.ViaSession, AccountID: m.Email, Email: m.Email, Name: m.Name}}
	}
	a.mu.Unlock()
	mb, err := a.SetMember(ctx, by, ws, m.Email, m.Role)
	return mb, initial, err
}
