package webui_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/webui"
)

// Single sign-on in Chromium: the pages on the real access service, with
// an in-process OpenID provider (mockoidc: discovery, signed ID tokens,
// PKCE) whose authorization endpoint signs in the next queued user at
// once, as a provider does for someone already signed in there.

// Who signs on: an account an admin made for single sign-on only, an
// editor of the demo workspace, and the domain whose people get an
// account at their first sign-on.
const (
	ssoMail   = "lieke.van.rijn@oostvoorde.example"
	ssoName   = "Lieke van Rijn"
	ssoDomain = "oostvoorde.example"
)

// ssoEnv is the pages signing people in with access.Service and its
// single sign-on.
type ssoEnv struct {
	*env
	acc *access.Service
	op  *mockoidc.MockOIDC
}

func newSSOEnv(t *testing.T) *ssoEnv {
	t.Helper()
	// newEnv gives the store with the demo workspace; its pages, on the
	// fake sign-in, are replaced by pages on the real one below.
	e := newEnv(t)
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = op.Shutdown() })
	// The provider sends the browser back to the service's own address,
	// so the address is known before the service is made.
	srv := httptest.NewUnstartedServer(nil)
	origin := "http://" + srv.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(testLog{t}, nil))
	oc := op.Config()
	acc, err := access.New(t.Context(), access.Config{Store: e.store, ExternalURL: origin, Logger: log,
		OIDC: &access.OIDCConfig{Issuer: oc.Issuer, ClientID: oc.ClientID, ClientSecret: oc.ClientSecret,
			AllowedDomains: []string{ssoDomain}}})
	if err != nil {
		t.Fatal(err)
	}
	// As `stakemap user add MAIL --name NAME --member oostvoorde=editor`
	// does: no password, single sign-on only.
	admin := access.Principal{Via: access.ViaLocal}
	a, err := acc.CreateAccount(t.Context(), admin, access.NewAccount{Email: ssoMail, Name: ssoName})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.SetMember(t.Context(), admin, demo.ID, a.ID, access.RoleEditor); err != nil {
		t.Fatal(err)
	}
	ui, err := webui.New(webui.Config{Backend: e.store, Auth: acc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = ui.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	if srv.URL != origin {
		t.Fatalf("the service listens at %s, not at %s", srv.URL, origin)
	}
	e.srv, e.ui = srv, ui
	return &ssoEnv{env: e, acc: acc, op: op}
}

// speaks makes the tab ask for pages in lang, as a browser set to that
// language does.
func (tb *tab) speaks(lang string) {
	tb.t.Helper()
	tb.run("speak "+lang, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": lang + ";q=1"}})
		return err
	}))
}

// cookie returns the value of the tab's cookie for the service, or "".
func (tb *tab) cookie(name string) string {
	tb.t.Helper()
	var res network.GetCookiesResult
	tb.run("cookies", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		res, err = cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.e.srv.URL + "/"}})
		return err
	}))
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// signOn clicks the single sign-on button of the sign-in page the tab
// shows and waits for the page the browser ends on, after the provider
// and back (the provider answers with redirects only, so the next page
// that loads is the last).
func (tb *tab) signOn(label string) {
	tb.t.Helper()
	if p := tb.path(); !strings.HasPrefix(p, "/login") {
		tb.t.Fatalf("not on the sign-in page but on %s", p)
	}
	tb.submit("//main", label)
	if at := eval[string](tb, "location.origin"); at != tb.e.srv.URL {
		tb.t.Fatalf("the browser ended at %s, not back at the service\n%s", at, tb.textNoFail())
	}
}

// refused waits for Chromium's log line of the page at path answered
// with status, and takes it off the tab's console errors: the page
// refuses on purpose, and the line proves the browser got that status.
func (tb *tab) refused(path string, status int) {
	tb.t.Helper()
	line := fmt.Sprintf("status of %d", status)
	deadline := time.Now().Add(5 * time.Second)
	for {
		tb.mu.Lock()
		n, kept := 0, tb.errs[:0]
		for _, m := range tb.errs {
			if strings.Contains(m, line) && strings.Contains(m, tb.e.srv.URL+path) {
				n++
			} else {
				kept = append(kept, m)
			}
		}
		tb.errs = kept
		tb.mu.Unlock()
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Errorf("the browser was not answered %d for %s", status, path)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sessionRefused asks for the workspace with a session cookie of the
// given value, outside the browser: a session that ended on the server
// sends the request to the sign-in page.
func (e *ssoEnv) sessionRefused(t *testing.T, value string) bool {
	t.Helper()
	c := e.client()
	req, _ := http.NewRequest("GET", e.srv.URL+ws, nil)
	req.AddCookie(&http.Cookie{Name: "stakemap_session", Value: value})
	r := c.do(req)
	return r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/login")
}

// TestJourneySingleSignOn: issue #10 done-when. A person signs in with the
// organisation's provider in Chromium, does what an editor may and not
// what an admin may, and signs out; a person the provider does not vouch
// for, or who has no account, ends on a page in their language that says
// why, and is not signed in.
func TestJourneySingleSignOn(t *testing.T) {
	e := newSSOEnv(t)

	t.Run("an editor signs on, edits a person, is refused the settings and signs out", func(t *testing.T) {
		tb := e.tab(t)
		tb.speaks("nl")
		tb.open(ws)
		if p := tb.path(); !strings.HasPrefix(p, "/login?next=") {
			t.Fatalf("a stranger on the workspace is on %s, not the sign-in page", p)
		}
		if lang := eval[string](tb, "document.documentElement.lang"); lang != "nl" {
			t.Fatalf("the sign-in page speaks %q to a Dutch browser", lang)
		}
		e.op.QueueUser(ssoUser(ssoMail, true))
		tb.signOn("Aanmelden met uw organisatieaccount")
		if p := tb.path(); p != ws {
			t.Fatalf("signed on, the browser is on %s, want the workspace %s", p, ws)
		}
		tb.sees("Aangemeld als "+ssoName, "Gemeente Oostvoorde", "Afmelden")
		tb.seesNot("Instellingen")
		session := tb.cookie("stakemap_session")
		if session == "" {
			t.Fatal("no session cookie after signing on")
		}
		if tb.cookie("stakemap_oidc") != "" {
			t.Error("the sign-on attempt's cookie outlived the sign-on")
		}

		// An editor may change a person.
		tb.open(ws + "/stakeholders/controller")
		att := formWith("Houding")
		tb.choose(att, "Houding", "neutraal")
		tb.submit(att, "Opslaan")
		tb.sees("Opgeslagen.")
		p, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller")
		if err != nil || p.Attitude != "neutral" {
			t.Errorf("stored %+v, %v: want attitude neutral", p, err)
		}

		// An editor may not change the workspace's settings.
		tb.open(ws + "/settings")
		tb.refused(ws+"/settings", http.StatusForbidden)
		tb.sees("Geen toegang", "Uw rol in deze werkruimte staat dit niet toe.")
		tb.seesNot("Opslaan")

		tb.open(ws)
		tb.submit("//header", "Afmelden")
		if p := tb.path(); p != "/login" {
			t.Errorf("signed out, the browser is on %s", p)
		}
		if c := tb.cookie("stakemap_session"); c != "" {
			t.Error("the browser kept the session cookie")
		}
		if !e.sessionRefused(t, session) {
			t.Error("the session still lets a request in after signing out")
		}
		tb.open(ws)
		if p := tb.path(); !strings.HasPrefix(p, "/login") {
			t.Errorf("after signing out the workspace opens (%s)", p)
		}
	})

	for _, tc := range []struct {
		name, lang, label string
		user              *mockoidc.MockUser
		says              string
		saysNot           []string
	}{
		{name: "an unverified address is refused, in Dutch", lang: "nl", label: "Aanmelden met uw organisatieaccount",
			user:    ssoUser(ssoMail, false),
			says:    "Aanmelden met uw organisatieaccount is mislukt. De identiteitsprovider heeft uw e-mailadres niet geverifieerd.",
			saysNot: []string{"verified", "failed"}},
		{name: "an address without an account of another domain is refused, in English", lang: "en", label: "Sign in with your organisation account",
			user:    ssoUser("someone@elsewhere.example", true),
			says:    "Signing in with your organisation account failed. There is no stakemap account for your e-mail address: ask an administrator to add you.",
			saysNot: []string{"stakemap-account", "mislukt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := e.tab(t)
			tb.speaks(tc.lang)
			tb.open("/login")
			e.op.QueueUser(tc.user)
			tb.signOn(tc.label)
			tb.refused(access.OIDCCallbackPath, http.StatusForbidden)
			if lang := eval[string](tb, "document.documentElement.lang"); lang != tc.lang {
				t.Errorf("the page speaks %q, want %q", lang, tc.lang)
			}
			// The sign-in page again, saying why in the alert, with the
			// button to try again.
			if alert := eval[string](tb, `document.querySelector("[role=alert]")?.innerText ?? ""`); alert != tc.says {
				t.Errorf("the alert says %q, want %q", alert, tc.says)
			}
			tb.seesNot(tc.saysNot...)
			tb.run("find the button again", chromedp.WaitVisible(named("//main", tc.label)))
			tb.axe()
			if c := tb.cookie("stakemap_session"); c != "" {
				t.Error("a refused person got a session cookie")
			}
			tb.open(ws)
			if p := tb.path(); !strings.HasPrefix(p, "/login") {
				t.Errorf("a refused person opens the workspace (%s)", p)
			}
		})
	}
}

func ssoUser(email string, verified bool) *mockoidc.MockUser {
	u := mockoidc.DefaultUser()
	u.Email, u.EmailVerified, u.Subject = email, verified, "sub-"+email
	return u
}
