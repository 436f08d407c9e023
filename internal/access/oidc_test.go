package access_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/stakemap/stakemap/internal/access"
)

// oidcFixture is a service with single sign-on against an in-process
// OpenID provider (mockoidc: real discovery, signed ID tokens, PKCE).
type oidcFixture struct {
	*fixture
	op *mockoidc.MockOIDC
}

const externalURL = "http://stakemap.test"

func newOIDCFixture(t *testing.T) *oidcFixture {
	t.Helper()
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = op.Shutdown() })
	cfg := op.Config()
	f := newFixture(t, func(c *access.Config) {
		c.ExternalURL = externalURL
		c.OIDC = &access.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			AllowedDomains: []string{"hospital.example"}}
	})
	// ID tokens are stamped with the provider's real clock.
	f.clock.mu.Lock()
	f.clock.now = time.Now()
	f.clock.mu.Unlock()
	return &oidcFixture{fixture: f, op: op}
}

// attempt is one sign-on in progress: the provider's redirect back to
// the service, and the cookie the browser got when it left.
type attempt struct {
	callback *url.URL
	cookie   *http.Cookie
}

// start runs OIDCLogin and the provider's authorization endpoint for
// user, with the authorization URL changed by edit when not nil.
func (f *oidcFixture) start(user *mockoidc.MockUser, next string, edit func(url.Values)) attempt {
	f.t.Helper()
	w := httptest.NewRecorder()
	f.svc.OIDCLogin(w, httptest.NewRequestWithContext(f.t.Context(), "GET", externalURL+access.OIDCLoginPath+"?next="+url.QueryEscape(next), nil), nil)
	res := w.Result()
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("OIDCLogin: %d %s", res.StatusCode, w.Body)
	}
	auth, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		f.t.Fatal(err)
	}
	q := auth.Query()
	for _, p := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(p) == "" {
			f.t.Fatalf("authorization URL without %s: %s", p, auth)
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("redirect_uri") != externalURL+access.OIDCCallbackPath {
		f.t.Errorf("authorization URL %s", auth)
	}
	if edit != nil {
		edit(q)
		auth.RawQuery = q.Encode()
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "stakemap_oidc" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		f.t.Fatalf("attempt cookie %+v", cookie)
	}
	f.op.QueueUser(user)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ares, err := client.Get(auth.String())
	if err != nil {
		f.t.Fatal(err)
	}
	ares.Body.Close()
	back, err := url.Parse(ares.Header.Get("Location"))
	if err != nil || ares.StatusCode != http.StatusFound || back.Query().Get("code") == "" {
		f.t.Fatalf("provider answered %d, Location %q", ares.StatusCode, ares.Header.Get("Location"))
	}
	return attempt{callback: back, cookie: cookie}
}

// finish runs OIDCCallback as the browser would (with cookie, when not
// nil) and returns the answer.
func (f *oidcFixture) finish(a attempt, cookie *http.Cookie) *http.Response {
	f.t.Helper()
	r := httptest.NewRequestWithContext(f.t.Context(), "GET", a.callback.String(), nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	f.svc.OIDCCallback(w, r, nil)
	return w.Result()
}

func sessionCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "stakemap_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

func user(email string, verified bool) *mockoidc.MockUser {
	u := mockoidc.DefaultUser()
	u.Email, u.EmailVerified, u.Subject = email, verified, "sub-"+email
	return u
}

func TestOIDC(t *testing.T) {
	f := newOIDCFixture(t)
	if !f.svc.OIDCEnabled() {
		t.Fatal("OIDC not enabled")
	}
	id := f.account("anouk@gemeente.example", "kx7-Wq2!pass")

	t.Run("AccountByVerifiedEmail", func(t *testing.T) {
		a := f.start(user("anouk@gemeente.example", true), "/w/oostvoorde?tab=maps", nil)
		res := f.finish(a, a.cookie)
		c := sessionCookie(res)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/w/oostvoorde?tab=maps" || c == nil || !c.HttpOnly {
			t.Fatalf("callback: %d Location %q cookie %+v", res.StatusCode, res.Header.Get("Location"), c)
		}
		p, err := f.auth(c, "")
		if err != nil || p.AccountID != id {
			t.Errorf("signed in as %+v, %v", p, err)
		}
		// Replaying the same callback fails: an attempt is used once.
		if res := f.finish(a, a.cookie); res.StatusCode != http.StatusBadRequest || sessionCookie(res) != nil {
			t.Errorf("replayed callback: %d", res.StatusCode)
		}
	})
	t.Run("FirstPasswordNotAskedAfterSingleSignOn", func(t *testing.T) {
		// Added by e-mail on Toegang (a first password made), she signs
		// in with single sign-on and never uses that password.
		if _, _, err := f.svc.AddMember(t.Context(), f.local, "oostvoorde", access.NewMember{Email: "bram@gemeente.example", Role: access.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		a := f.start(user("bram@gemeente.example", true), "/", nil)
		p, err := f.auth(sessionCookie(f.finish(a, a.cookie)), "")
		if err != nil || p.Email != "bram@gemeente.example" || p.MustChangePassword {
			t.Errorf("signed in with single sign-on as %+v, %v: want no first password to replace", p, err)
		}
	})
	t.Run("ProvisionedForAllowedDomain", func(t *testing.T) {
		a := f.start(user("nurse@hospital.example", true), "https://evil.example/", nil)
		res := f.finish(a, a.cookie)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("callback: %d Location %q (an outside next must become /)", res.StatusCode, res.Header.Get("Location"))
		}
		p, err := f.auth(sessionCookie(res), "")
		if err != nil || p.Email != "nurse@hospital.example" || p.Global != "" || len(p.Workspaces) != 0 {
			t.Errorf("provisioned %+v, %v: want an account with no role", p, err)
		}
	})
	for _, tc := range []struct {
		name   string
		user   *mockoidc.MockUser
		edit   func(url.Values)
		mangle func(*attempt) *http.Cookie
		before func()
		status int
		says   string
	}{
		{name: "NoAccount", user: user("someone@elsewhere.example", true), status: 403, says: "no stakemap account"},
		{name: "UnverifiedEmail", user: user("anouk@gemeente.example", false), status: 403, says: "not verified"},
		{name: "WrongState", user: user("anouk@gemeente.example", true), status: 400, says: "state",
			mangle: func(a *attempt) *http.Cookie {
				q := a.callback.Query()
				q.Set("state", strings.Repeat("A", 43))
				a.callback.RawQuery = q.Encode()
				return a.cookie
			}},
		{name: "OtherBrowser", user: user("anouk@gemeente.example", true), status: 400, says: "state",
			mangle: func(*attempt) *http.Cookie { return nil }},
		{name: "WrongNonce", user: user("anouk@gemeente.example", true), status: 401, says: "nonce",
			edit: func(q url.Values) { q.Set("nonce", "a-nonce-of-another-attempt") }},
		{name: "ExpiredIDToken", user: user("anouk@gemeente.example", true), status: 401, says: "expired",
			before: func() { f.op.AccessTTL = time.Minute }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
				defer func() { f.op.AccessTTL = 10 * time.Minute }()
			}
			a := f.start(tc.user, "/", tc.edit)
			cookie := a.cookie
			if tc.mangle != nil {
				cookie = tc.mangle(&a)
			}
			if tc.name == "ExpiredIDToken" {
				f.clock.Add(3 * time.Minute) // past the token's minute, within the attempt's ten
				defer f.clock.Add(-3 * time.Minute)
			}
			res := f.finish(a, cookie)
			data, _ := io.ReadAll(res.Body)
			body := string(data)
			if res.StatusCode != tc.status || sessionCookie(res) != nil || !strings.Contains(body, tc.says) {
				t.Errorf("callback: %d %q, want %d saying %q and no session", res.StatusCode, body, tc.status, tc.says)
			}
			if !strings.Contains(body, "Aanmelden mislukt") {
				t.Errorf("error page without Dutch: %q", body)
			}
		})
	}
}

// TestOIDCFailurePage: a caller's failure page gets the status and an
// error that Message words in the person's language, and nothing else is
// written for it.
func TestOIDCFailurePage(t *testing.T) {
	f := newOIDCFixture(t)
	f.account("anouk@gemeente.example", "kx7-Wq2!pass")
	for _, tc := range []struct {
		name   string
		user   *mockoidc.MockUser
		status int
		nl, en string
	}{
		{name: "UnverifiedEmail", user: user("anouk@gemeente.example", false), status: 403,
			nl: "De identiteitsprovider heeft uw e-mailadres niet geverifieerd.", en: "The identity provider has not verified your e-mail address."},
		{name: "NoAccount", user: user("someone@elsewhere.example", true), status: 403,
			nl: "Er is geen stakemap-account voor uw e-mailadres: vraag een beheerder u toe te voegen.", en: "There is no stakemap account for your e-mail address: ask an administrator to add you."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := f.start(tc.user, "/", nil)
			r := httptest.NewRequestWithContext(t.Context(), "GET", a.callback.String(), nil)
			r.AddCookie(a.cookie)
			w := httptest.NewRecorder()
			var got []string
			f.svc.OIDCCallback(w, r, func(w http.ResponseWriter, _ *http.Request, status int, err error) {
				got = append(got, fmt.Sprint(status), access.Message(err, "nl"), access.Message(err, "en"))
				w.WriteHeader(status)
			})
			want := []string{fmt.Sprint(tc.status), tc.nl, tc.en}
			if !slices.Equal(got, want) {
				t.Errorf("the failure page got %q, want %q", got, want)
			}
			res := w.Result()
			if res.StatusCode != tc.status || sessionCookie(res) != nil || w.Body.Len() != 0 {
				t.Errorf("answer %d, %d bytes written besides the failure page, session %v", res.StatusCode, w.Body.Len(), sessionCookie(res))
			}
		})
	}
}
