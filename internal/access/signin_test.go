package access_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		password string
		min      int
		ok       bool
	}{
		{"short", access.MinPasswordLength, false},
		{"1234567", access.MinPasswordLength, false},
		{"trustno1", access.MinPasswordLength, false},   // common, 8 characters
		{"Superman", access.MinPasswordLength, false},   // common, whatever the case
		{"password1", access.MinPasswordLength, false},  // common
		{"Wachtwoord", access.MinPasswordLength, false}, // common in Dutch
		{"welkom01", access.MinPasswordLength, false},   // common in Dutch
		{"ann@example.org", access.MinPasswordLength, false},
		{"kx7-Wq2!", access.MinPasswordLength, true},
		{"kx7-Wq2!", access.MinAdminPasswordLength, false},
		{"a long passphrase of words", access.MinAdminPasswordLength, true},
		{strings.Repeat("x", access.MaxPasswordLength+1), access.MinPasswordLength, false},
		{"abc\xffdefgh", access.MinPasswordLength, false},
	} {
		ps := access.CheckPassword(tc.password, tc.min, "ann@example.org", "Ann")
		if (len(ps) == 0) != tc.ok {
			t.Errorf("CheckPassword(%.20q, %d) = %v, want ok=%v", tc.password, tc.min, ps, tc.ok)
		}
		for _, p := range ps {
			if p.Field != "password" || p.Value != "" {
				t.Errorf("problem %+v: must name the field and never echo the password", p)
			}
		}
	}
}

// TestSignIn: the cookie's flags, a new session id every time, and the
// same answer for a wrong password as for an unknown address.
func TestSignIn(t *testing.T) {
	f := newFixture(t)
	id := f.account("ann@example.org", "kx7-Wq2!pass")
	c1, p := f.signIn("ANN@example.org ", "kx7-Wq2!pass")
	if p.AccountID != id || p.Via != access.ViaSession || p.Email != "ann@example.org" {
		t.Errorf("principal %+v", p)
	}
	if !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || c1.Path != "/" || c1.Secure || c1.Name != "stakemap_session" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over http", c1)
	}
	if len(c1.Value) < 43 {
		t.Errorf("session id %q: want at least 256 bits", c1.Value)
	}
	if exp := f.clock.Now().Add(access.SessionLifetime); !c1.Expires.Equal(exp) {
		t.Errorf("cookie expires %v, want %v", c1.Expires, exp)
	}
	c2, _ := f.signIn("ann@example.org", "kx7-Wq2!pass")
	if c2.Value == c1.Value {
		t.Error("signing in again gave the same session id (fixation)")
	}
	// The store keeps a hash, never the session id.
	rs, _ := f.store.Records(t.Context(), graph.RecordQuery{Kind: "session", Owner: id})
	for _, r := range rs {
		if strings.Contains(string(r.Data)+r.ID, c1.Value) {
			t.Error("the store holds a session id in the clear")
		}
	}
	for _, p := range []*http.Cookie{c1, c2} {
		if got, err := f.auth(p, ""); err != nil || got.AccountID != id {
			t.Errorf("Authenticate(cookie) = %+v, %v", got, err)
		}
	}

	_, _, wrong := f.svc.SignIn(t.Context(), "ann@example.org", "wrong password", "192.0.2.7")
	_, _, unknown := f.svc.SignIn(t.Context(), "nobody@example.org", "kx7-Wq2!pass", "192.0.2.8")
	if !errors.Is(wrong, access.ErrBadCredentials) || !errors.Is(unknown, access.ErrBadCredentials) || wrong.Error() != unknown.Error() {
		t.Errorf("wrong password: %v; unknown address: %v; want the same ErrBadCredentials", wrong, unknown)
	}

	if _, err := f.auth(nil, ""); !errors.Is(err, access.ErrUnauthenticated) {
		t.Errorf("no credentials: %v", err)
	}
	for _, v := range []string{"x", c1.Value + "x", strings.Repeat("A", 43)} {
		if _, err := f.auth(&http.Cookie{Name: "stakemap_session", Value: v}, ""); !errors.Is(err, access.ErrBadCredentials) {
			t.Errorf("forged cookie %q: %v", v, err)
		}
	}
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	f := newFixture(t, func(c *access.Config) { c.ExternalURL = "https://stakemap.example.org" })
	c, _ := f.signIn(adminEmail, adminPassword)
	if !c.Secure || c.Name != "__Host-stakemap_session" || !c.HttpOnly {
		t.Errorf("cookie %+v: want Secure, HttpOnly, __Host- prefix", c)
	}
	if _, err := f.auth(c, ""); err != nil {
		t.Errorf("Authenticate: %v", err)
	}
	out, err := f.svc.SignOut(t.Context(), f.request(c, ""))
	if err != nil || out.MaxAge >= 0 || !out.Secure || out.Name != c.Name {
		t.Errorf("clearing cookie %+v, %v", out, err)
	}
}

// TestThrottle: failures are throttled per e-mail address (known or not:
// the same answer) and per client; a throttled attempt with the right
// password is refused too; the wait ends.
func TestThrottle(t *testing.T) {
	f := newFixture(t)
	f.account("ann@example.org", "kx7-Wq2!pass")
	ctx := t.Context()
	for _, email := range []string{"ann@example.org", "nobody@example.org"} {
		var err error
		n := 0
		for ; n < 50; n++ {
			// A new client each time: only the per-address limit applies.
			_, _, err = f.svc.SignIn(ctx, email, "wrong password", "198.51.100."+strconv.Itoa(n))
			if errors.Is(err, access.ErrThrottled) {
				break
			}
		}
		te, ok := errors.AsType[*access.ThrottledError](err)
		if !ok || n != 10 || te.RetryAfter <= 0 {
			t.Fatalf("%s: throttled after %d failures (%v), want 10", email, n, err)
		}
	}
	if _, _, err := f.svc.SignIn(ctx, "ann@example.org", "kx7-Wq2!pass", "203.0.113.1"); !errors.Is(err, access.ErrThrottled) {
		t.Errorf("right password while throttled: %v, want ErrThrottled", err)
	}
	f.clock.Add(2 * time.Minute)
	if _, _, err := f.svc.SignIn(ctx, "ann@example.org", "kx7-Wq2!pass", "203.0.113.1"); err != nil {
		t.Errorf("after waiting: %v", err)
	}

	// Per client: bad bearer tokens from one address.
	var err error
	n := 0
	for ; n < 100; n++ {
		r := f.request(nil, "smk_nope.nope")
		r.RemoteAddr = "203.0.113.9:4000"
		if _, err = f.svc.Authenticate(r); errors.Is(err, access.ErrThrottled) {
			break
		}
	}
	if n != 20 {
		t.Errorf("bearer tokens throttled after %d failures (%v), want 20", n, err)
	}
	// Another address is not throttled; an IPv6 neighbour in the same /64 is.
	if access.ClientKey("2001:db8:1:2::1") != access.ClientKey("2001:db8:1:2:ffff::9") || access.ClientKey("2001:db8:1:3::1") == access.ClientKey("2001:db8:1:2::1") {
		t.Error("IPv6 clients are not keyed by /64")
	}
}

// TestSessionLifetime: idle expiry after 8 hours, absolute after 7 days,
// and last-seen written at most once a minute.
func TestSessionLifetime(t *testing.T) {
	f := newFixture(t)
	c, _ := f.signIn(adminEmail, adminPassword)
	before := f.store.updates.Load()
	for range 100 {
		if _, err := f.auth(c, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Second)
	}
	if n := f.store.updates.Load() - before; n != 1 {
		t.Errorf("100 requests over 100 s wrote the session %d times, want 1 (once a minute)", n)
	}
	f.clock.Add(access.SessionIdle - time.Minute)
	if _, err := f.auth(c, ""); err != nil {
		t.Fatalf("just within the idle limit: %v", err)
	}
	// Used every 7 hours, the session lives until 7 days after sign-in.
	for f.clock.Now().Before(time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC)) {
		f.clock.Add(7 * time.Hour)
		_, err := f.auth(c, "")
		if f.clock.Now().Before(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)) && err != nil {
			t.Fatalf("at %v: %v", f.clock.Now(), err)
		}
	}
	f.clock.Add(2 * time.Hour)
	if _, err := f.auth(c, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("after 7 days: %v, want ErrBadCredentials", err)
	}
	c, _ = f.signIn(adminEmail, adminPassword)
	f.clock.Add(access.SessionIdle + time.Second)
	if _, err := f.auth(c, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("after 8 idle hours: %v, want ErrBadCredentials", err)
	}
}

// TestSessionsEnd: sign-out ends the session on the server; sign out
// everywhere, a password change and removing the account end them all.
func TestSessionsEnd(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.account("ann@example.org", "kx7-Wq2!pass")
	a, _ := f.signIn("ann@example.org", "kx7-Wq2!pass")
	b, pb := f.signIn("ann@example.org", "kx7-Wq2!pass")

	clear, err := f.svc.SignOut(ctx, f.request(a, ""))
	if err != nil || clear.MaxAge >= 0 || clear.Value != "" {
		t.Fatalf("SignOut: %+v %v", clear, err)
	}
	if _, err := f.auth(a, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("the signed-out cookie, replayed: %v", err)
	}
	if _, err := f.auth(b, ""); err != nil {
		t.Errorf("another session after sign-out: %v", err)
	}

	// A password change keeps the session making it and ends the others.
	c, _ := f.signIn("ann@example.org", "kx7-Wq2!pass")
	if err := f.svc.ChangePassword(ctx, pb, "wrong", "another-Pass-1"); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("ChangePassword with a wrong current password: %v", err)
	}
	if err := f.svc.ChangePassword(ctx, pb, "kx7-Wq2!pass", "another-Pass-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth(b, ""); err != nil {
		t.Errorf("the session that changed the password: %v", err)
	}
	if _, err := f.auth(c, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("another session after a password change: %v", err)
	}
	if _, _, err := f.svc.SignIn(ctx, "ann@example.org", "kx7-Wq2!pass", "192.0.2.1"); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	d, pd := f.signIn("ann@example.org", "another-Pass-1")
	if err := f.svc.SignOutEverywhere(ctx, pd); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*http.Cookie{b, d} {
		if _, err := f.auth(c, ""); !errors.Is(err, access.ErrBadCredentials) {
			t.Errorf("after sign out everywhere: %v", err)
		}
	}

	e, _ := f.signIn("ann@example.org", "another-Pass-1")
	tok, _, err := f.svc.CreateToken(ctx, access.Principal{Via: access.ViaSession, AccountID: id, Global: access.RoleViewer},
		access.TokenRequest{Workspace: "*", Role: access.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveAccount(ctx, f.admin, "ann@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth(e, ""); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("session of a removed account: %v", err)
	}
	if _, err := f.auth(nil, tok); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("token of a removed account: %v", err)
	}
	if left, _ := f.store.Records(ctx, graph.RecordQuery{Owner: id}); len(left) != 0 {
		t.Errorf("records left of the removed account: %v", left)
	}
	if err := f.svc.RemoveAccount(ctx, f.admin, adminEmail); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("removing one's own account: %v", err)
	}
}

// TestRoles: memberships give roles per workspace; the same principal
// comes from a session and from the account's token, capped by the
// token's role; a workspace deleted and made again grants nothing.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.account("ed@example.org", "kx7-Wq2!pass")
	f.member(demo.ID, "ed@example.org", access.RoleEditor)
	f.member("other", id, access.RoleViewer)
	c, p := f.signIn("ed@example.org", "kx7-Wq2!pass")
	if p.Role(demo.ID) != access.RoleEditor || p.Role("other") != access.RoleViewer || p.Role("third") != "" || p.Global != "" {
		t.Fatalf("principal %+v", p)
	}
	if _, _, err := f.svc.CreateToken(ctx, p, access.TokenRequest{Workspace: demo.ID, Role: access.RoleAdmin}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("an editor made an admin token: %v", err)
	}
	if _, _, err := f.svc.CreateToken(ctx, p, access.TokenRequest{Workspace: "other", Role: access.RoleEditor}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a viewer made an editor token: %v", err)
	}
	all, tk, err := f.svc.CreateToken(ctx, p, access.TokenRequest{Workspace: "*", Role: access.RoleEditor, Name: "my scripts"})
	if err != nil || tk.Name != "my scripts" || tk.Account != id {
		t.Fatalf("CreateToken(*): %+v %v", tk, err)
	}
	one, tk1, err := f.svc.CreateToken(ctx, p, access.TokenRequest{Workspace: demo.ID, Role: access.RoleViewer})
	if err != nil || tk1.Name != "token-"+tk1.ID {
		t.Fatalf("CreateToken(demo): %+v %v", tk1, err)
	}
	if mine, err := f.svc.PersonalTokens(ctx, p); err != nil || len(mine) != 2 {
		t.Errorf("PersonalTokens: %+v %v", mine, err)
	}
	if mine, _ := f.svc.PersonalTokens(ctx, f.admin); len(mine) != 0 {
		t.Errorf("an admin's personal tokens include another's: %+v", mine)
	}
	pt, err := f.auth(nil, all)
	if err != nil || pt.Role(demo.ID) != access.RoleEditor || pt.Role("other") != access.RoleViewer || pt.AccountID != id || pt.TokenName != "my scripts" {
		t.Errorf("the account's * token: %+v %v", pt, err)
	}
	if pt.Actor() != "token:my scripts" {
		t.Errorf("actor %q", pt.Actor())
	}
	if p1, _ := f.auth(nil, one); p1.Role(demo.ID) != access.RoleViewer || p1.Role("other") != "" {
		t.Errorf("the account's viewer token of demo: %+v", p1)
	}
	// A lost membership is lost in the tokens too.
	if err := f.svc.RemoveMember(ctx, f.admin, demo.ID, id); err != nil {
		t.Fatal(err)
	}
	if p1, _ := f.auth(nil, one); p1.Role(demo.ID) != "" {
		t.Errorf("token after the membership ended: %+v", p1)
	}
	if ps, _ := f.auth(c, ""); ps.Role(demo.ID) != "" {
		t.Errorf("session after the membership ended: %+v", ps)
	}

	// Deleting a workspace deletes its tokens and memberships; one made
	// again with the same id grants nothing to them.
	f.member(demo.ID, id, access.RoleEditor)
	wsTok, _, err := f.svc.CreateToken(ctx, f.local, access.TokenRequest{Workspace: demo.ID, Role: access.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteWorkspace(ctx, demo.ID, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.CreateWorkspace(ctx, graph.Workspace{ID: demo.ID, Name: "A new client"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth(nil, wsTok); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("token of the deleted workspace: %v", err)
	}
	if ps, _ := f.auth(c, ""); ps.Role(demo.ID) != "" {
		t.Errorf("member of the deleted workspace has role %q on the new one", ps.Role(demo.ID))
	}
	if pt, _ := f.auth(nil, all); pt.Role(demo.ID) != "" {
		t.Errorf("the account's * token has role %q on the new workspace", pt.Role(demo.ID))
	}
}

func TestTokens(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	tok, tk, err := f.svc.CreateToken(ctx, f.admin, access.TokenRequest{Workspace: demo.ID, Role: access.RoleViewer, ExpiresAt: "2026-12-03"})
	if err != nil || tk.ExpiresAt != "2026-12-03" || tk.LastUsedAt != nil {
		t.Fatalf("CreateToken: %+v %v", tk, err)
	}
	if !strings.HasPrefix(tok, access.TokenPrefix+tk.ID+".") {
		t.Errorf("token %q", tok)
	}
	if _, err := f.auth(nil, tok); err != nil {
		t.Fatal(err)
	}
	ts, _ := f.svc.Tokens(ctx, f.admin)
	var used *time.Time
	for _, x := range ts {
		if x.ID == tk.ID {
			used = x.LastUsedAt
		}
	}
	if used == nil || !used.Equal(f.clock.Now()) {
		t.Errorf("lastUsedAt %v, want %v", used, f.clock.Now())
	}
	f.clock.Add(62 * time.Hour) // 2026-12-03 23:00: the last day
	if _, err := f.auth(nil, tok); err != nil {
		t.Errorf("on its last day: %v", err)
	}
	f.clock.Add(time.Hour)
	if _, err := f.auth(nil, tok); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("expired token: %v", err)
	}
	for _, req := range []access.TokenRequest{
		{Workspace: demo.ID, Role: "owner"},
		{Workspace: "Not A Slug", Role: access.RoleViewer},
		{Workspace: demo.ID, Role: access.RoleViewer, ExpiresAt: "2026-12-01"},
		{Workspace: demo.ID, Role: access.RoleViewer, ExpiresAt: "tomorrow"},
	} {
		if _, _, err := f.svc.CreateToken(ctx, f.admin, req); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("CreateToken(%+v): %v, want ErrInvalid", req, err)
		}
	}
	if _, _, err := f.svc.CreateToken(ctx, f.admin, access.TokenRequest{Workspace: "no-such-ws", Role: access.RoleViewer}); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("token of a workspace that does not exist: %v", err)
	}
}

func TestAdminToken(t *testing.T) {
	_, err := access.New(t.Context(), access.Config{Store: newFixture(t).store, AdminToken: "too-short"})
	if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "STAKEMAP_ADMIN_TOKEN") {
		t.Errorf("short admin token: %v", err)
	}
	secret := strings.Repeat("s3cr3t-", 6)
	f := newFixture(t, func(c *access.Config) { c.AdminToken = secret })
	p, err := f.auth(nil, secret)
	if err != nil || p.Global != access.RoleAdmin {
		t.Errorf("admin token: %+v %v", p, err)
	}
}

func TestEnsureAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.svc.EnsureAdmin(ctx, "boss@example.org", "only11chars"); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("11-character admin password: %v", err)
	}
	created, err := f.svc.EnsureAdmin(ctx, adminEmail, adminPassword)
	if err != nil || created {
		t.Errorf("EnsureAdmin again: %v %v", created, err)
	}
	// A new password in the environment replaces the old one.
	if _, err := f.svc.EnsureAdmin(ctx, adminEmail, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SignIn(ctx, adminEmail, adminPassword, "192.0.2.1"); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("old admin password still works: %v", err)
	}
	f.signIn(adminEmail, "a brand new passphrase")
	pw, created, err := f.svc.EnsureDemoAccount(ctx)
	if err != nil || !created || len(pw) < 12 {
		t.Fatalf("EnsureDemoAccount: %q %v %v", pw, created, err)
	}
	if _, p := f.signIn(access.DemoEmail, pw); p.Global != access.RoleAdmin {
		t.Errorf("demo account %+v", p)
	}
	if pw2, created, err := f.svc.EnsureDemoAccount(ctx); err != nil || created || pw2 != "" {
		t.Errorf("EnsureDemoAccount again: %q %v %v", pw2, created, err)
	}
}

func TestAccountsNeedAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.account("ann@example.org", "kx7-Wq2!pass")
	_, ann := f.signIn("ann@example.org", "kx7-Wq2!pass")
	if _, err := f.svc.Accounts(ctx, ann); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("Accounts by a non-admin: %v", err)
	}
	if _, err := f.svc.CreateAccount(ctx, ann, access.NewAccount{Email: "x@example.org"}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("CreateAccount by a non-admin: %v", err)
	}
	if _, err := f.svc.Account(ctx, ann, adminEmail); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Account of another by a non-admin: %v", err)
	}
	role := access.RoleAdmin
	if _, err := f.svc.UpdateAccount(ctx, ann, ann.AccountID, access.AccountUpdate{Role: &role}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a non-admin made themself admin: %v", err)
	}
	if _, err := f.svc.CreateAccount(ctx, f.admin, access.NewAccount{Email: "ANN@example.org"}); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("second account of an address: %v", err)
	}
	_, err := f.svc.CreateAccount(ctx, f.admin, access.NewAccount{Email: "not an address", Role: "boss", Password: "123456"})
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok || len(ve.Problems) != 3 {
		t.Errorf("bad account: %v, want three problems (email, role, password)", err)
	} else if nl := access.Message(err, "nl"); !strings.Contains(nl, "e-mailadres") || !strings.Contains(nl, "wachtwoord") {
		t.Errorf("Dutch message %q", nl)
	}
	list, err := f.svc.Accounts(ctx, f.admin)
	if err != nil || len(list) != 2 || list[0].Email != adminEmail || !list[0].Password {
		t.Errorf("Accounts: %+v %v", list, err)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "/",
		"/w/oostvoorde":              "/w/oostvoorde",
		"/w/x?tab=maps#grid":         "/w/x?tab=maps#grid",
		"https://evil.example/":      "/",
		"//evil.example/":            "/",
		"/\\evil.example":            "/",
		"\\\\evil.example":           "/",
		"javascript:alert(1)":        "/",
		"/%0d%0aSet-Cookie:x":        "/%0d%0aSet-Cookie:x",
		"/\r\nLocation: http://x":    "/",
		"http:/evil.example":         "/",
		"w/relative":                 "/",
		"/\t/evil.example":           "/",
		"/.//evil.example":           "/.//evil.example",
		"https:evil.example":         "/",
		"//@evil.example":            "/",
		"/login?next=//evil.example": "/login?next=//evil.example",
	} {
		if got := access.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReasonInDutch: the reasons the pages show next to a field read as
// Dutch, numbers included.
func TestReasonInDutch(t *testing.T) {
	for _, tc := range []struct{ en, nl string }{
		{"must have at least 8 characters", "moet minstens 8 tekens hebben"},
		{"must have at most 128 characters", "mag hoogstens 128 tekens hebben"},
		{"is not your current password", "is niet uw huidige wachtwoord"},
		{"is one of the most common passwords: choose another", "is een van de meest gebruikte wachtwoorden: kies een ander"},
	} {
		if got := access.Reason(tc.en, "nl"); got != tc.nl {
			t.Errorf("Reason(%q) = %q, want %q", tc.en, got, tc.nl)
		}
		if got := access.Reason(tc.en, "en"); got != tc.en {
			t.Errorf("Reason(%q, en) = %q", tc.en, got)
		}
	}
}
