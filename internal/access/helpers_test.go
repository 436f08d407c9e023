package access_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/embedded"
)

// fast keeps argon2id cheap in tests; DefaultPasswordWork is checked on
// its own.
var fast = access.PasswordWork{Time: 1, Memory: 1024, Threads: 1}

// clock is a settable time for the service under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// countingStore counts record writes, to check how often the service
// writes.
type countingStore struct {
	*embedded.Store
	updates atomic.Int64
}

func (s *countingStore) UpdateRecord(ctx context.Context, r graph.Record, version int64) (int64, error) {
	s.updates.Add(1)
	return s.Store.UpdateRecord(ctx, r, version)
}

// fixture is a service over a real embedded store holding the demo
// workspace and an empty one, with an admin account.
type fixture struct {
	t     *testing.T
	store *countingStore
	svc   *access.Service
	clock *clock
	local access.Principal
	admin access.Principal
}

const adminEmail = "admin@example.org"
const adminPassword = "correct horse battery staple"

func newFixture(t *testing.T, set ...func(*access.Config)) *fixture {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "stakemap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := demo.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ImportBundle(t.Context(), b, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWorkspace(t.Context(), graph.Workspace{ID: "other", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: &countingStore{Store: st}, clock: &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		local: access.Principal{Via: access.ViaLocal}}
	cfg := access.Config{Store: f.store, Now: f.clock.Now, PasswordWork: fast}
	for _, s := range set {
		s(&cfg)
	}
	if f.svc, err = access.New(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.EnsureAdmin(t.Context(), adminEmail, adminPassword); err != nil {
		t.Fatal(err)
	}
	_, f.admin = f.signIn(adminEmail, adminPassword)
	return f
}

// account makes an account with a password and returns its id.
func (f *fixture) account(email, password string) string {
	f.t.Helper()
	a, err := f.svc.CreateAccount(f.t.Context(), f.local, access.NewAccount{Email: email, Password: password})
	if err != nil {
		f.t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	return a.ID
}

func (f *fixture) member(ws, account, role string) {
	f.t.Helper()
	if _, err := f.svc.SetMember(f.t.Context(), f.local, ws, account, role); err != nil {
		f.t.Fatalf("SetMember: %v", err)
	}
}

// signIn signs in from 192.0.2.1 and fails the test on error.
func (f *fixture) signIn(email, password string) (*http.Cookie, access.Principal) {
	f.t.Helper()
	c, p, err := f.svc.SignIn(f.t.Context(), email, password, "192.0.2.1")
	if err != nil {
		f.t.Fatalf("SignIn(%s): %v", email, err)
	}
	return c, p
}

// request is a request carrying a cookie and/or a bearer token.
func (f *fixture) request(c *http.Cookie, token string) *http.Request {
	r := httptest.NewRequestWithContext(f.t.Context(), "GET", "/api/v1/workspaces", nil)
	if c != nil {
		r.AddCookie(c)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

func (f *fixture) auth(c *http.Cookie, token string) (access.Principal, error) {
	return f.svc.Authenticate(f.request(c, token))
}
