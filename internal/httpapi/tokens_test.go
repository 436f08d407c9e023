package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

// signIn makes an account with a role on the demo workspace (or a
// global one for "*") and returns the cookie header of its session.
func (e *env) signIn(email, ws, role string) string {
	e.t.Helper()
	ctx := e.t.Context()
	local := access.Principal{Via: access.ViaLocal}
	na := access.NewAccount{Email: email, Password: "kx7-Wq2!pass"}
	if ws == "*" {
		na.Role = role
	}
	a, err := e.access.CreateAccount(ctx, local, na)
	if err != nil {
		e.t.Fatal(err)
	}
	if ws != "*" && ws != "" {
		if _, err := e.access.SetMember(ctx, local, ws, a.ID, role); err != nil {
			e.t.Fatal(err)
		}
	}
	c, _, err := e.access.SignIn(ctx, email, "kx7-Wq2!pass", "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Name + "=" + c.Value
}

// TestCookieAndBearerSameRoles: a person signed in and a token of the
// same role may do the same things, and nothing more.
func TestCookieAndBearerSameRoles(t *testing.T) {
	e := newEnv(t)
	viewer := e.signIn("vera@example.org", demo.ID, httpapi.RoleViewer)
	editor := e.signIn("ed@example.org", demo.ID, httpapi.RoleEditor)
	sh := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + e.demo.Stakeholders[0].ID
	for _, tc := range []struct {
		name, token, cookie string
		read, write         int
	}{
		{"viewer token", e.viewer, "", 200, 403},
		{"viewer session", "", viewer, 200, 403},
		{"editor token", e.editor, "", 200, 200},
		{"editor session", "", editor, 200, 200},
		{"other workspace's admin", e.foreign, "", 404, 404},
		{"nobody", "", "", 401, 401},
		{"forged cookie", "", "stakemap_session=" + strings.Repeat("A", 43), 401, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			e.expect(e.do("GET", sh, tc.token, nil, "Cookie", tc.cookie), tc.read)
			e.expect(e.do("PATCH", sh, tc.token, `{"attitude":"supporter"}`, "Cookie", tc.cookie), tc.write)
		})
	}
	var me httpapi.Me
	e.expect(e.do("GET", "/api/v1/account", "", nil, "Cookie", editor), 200).json(t, &me)
	if me.Via != "session" || me.Account == nil || me.Account.Email != "ed@example.org" || me.Workspaces[demo.ID] != "editor" {
		t.Errorf("me %+v", me)
	}
	r := e.expect(e.do("GET", "/api/v1/workspaces", "", nil, "Cookie", viewer), 200)
	if !bytes.Contains(r.body, []byte(demo.ID)) || bytes.Contains(r.body, []byte(`"other"`)) {
		t.Errorf("workspaces of a demo viewer: %s", r.body)
	}
}

// TestViewerSeesNotes documents the decision: members of a workspace,
// viewers too, see all of it; share links are the restricted view.
func TestViewerSeesNotes(t *testing.T) {
	e := newEnv(t)
	for _, s := range e.demo.Stakeholders {
		if s.Notes == "" {
			continue
		}
		r := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/stakeholders/"+s.ID, e.viewer, nil), 200)
		if !bytes.Contains(r.body, []byte(`"notes"`)) {
			t.Errorf("a viewer does not see notes: %s", r.body)
		}
		return
	}
	t.Fatal("the demo has no notes")
}

// TestCrossOriginWrites: every unsafe route refuses a cookie-carrying
// request from another origin, before it is authenticated or run;
// same-origin requests and bearer tokens without a cookie pass.
func TestCrossOriginWrites(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("root@example.org", "*", httpapi.RoleAdmin)
	n := 0
	for _, r := range e.api.Routes() {
		if r.Method == "GET" || r.Method == "HEAD" || r.Method == "OPTIONS" {
			continue
		}
		n++
		path := strings.NewReplacer(":ws", demo.ID, ":id", "x", ":file", "x", "*file", "x").Replace(r.Path)
		for _, h := range [][]string{
			{"Origin", "https://evil.example"},
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.example"},
		} {
			got := e.do(r.Method, path, "", `{}`, append([]string{"Cookie", admin}, h...)...)
			if got.status != http.StatusForbidden || !bytes.Contains(got.body, []byte("cross-origin")) {
				t.Errorf("%s %s with %v: %d %s, want 403 cross-origin", r.Method, path, h, got.status, got.body)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d unsafe routes checked", n)
	}
	// The same request from the page's own origin, or from a script
	// with a bearer token, goes through.
	sh := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + e.demo.Stakeholders[0].ID
	e.expect(e.do("PATCH", sh, "", `{"attitude":"critic"}`, "Cookie", admin, "Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL), 200)
	e.expect(e.do("PATCH", sh, e.admin, `{"attitude":"critic"}`, "Origin", "https://dashboard.example"), 200)
	// Reading from another origin is not a write: allowed (the browser's
	// same-origin policy keeps the answer from the other page).
	e.expect(e.do("GET", sh, "", nil, "Cookie", admin, "Sec-Fetch-Site", "cross-site"), 200)
}

// TestBadTokensThrottled: after 20 wrong tokens from one client, 429
// with Retry-After, even for a good token; the log holds no token.
func TestBadTokensThrottled(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/workspaces/" + demo.ID + "/findings"
	var r response
	n := 0
	for ; n < 50; n++ {
		if r = e.do("GET", path, "smk_wrong.guess"+strconv.Itoa(n), nil); r.status == http.StatusTooManyRequests {
			break
		}
		if r.status != http.StatusUnauthorized {
			t.Fatalf("wrong token: %d", r.status)
		}
	}
	if n != 20 {
		t.Fatalf("throttled after %d wrong tokens, want 20", n)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || r.apiError(t).Code != "throttled" {
		t.Errorf("Retry-After %q, body %s", r.header.Get("Retry-After"), r.body)
	}
	e.expect(e.do("GET", path, e.viewer, nil), http.StatusTooManyRequests)
}

func TestTokenRoutes(t *testing.T) {
	e := newEnv(t)
	var nt httpapi.NewToken
	r := e.expect(e.do("POST", "/api/v1/tokens", e.admin, `{"workspace":"`+demo.ID+`","role":"viewer","name":"dashboard","expiresAt":"2099-01-01"}`), http.StatusCreated)
	r.json(t, &nt)
	if nt.Secret == "" || nt.ID == "" || nt.Role != "viewer" || nt.Name != "dashboard" || nt.ExpiresAt != "2099-01-01" {
		t.Fatalf("new token %s", r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("a new token's answer may be cached: %q", r.header.Get("Cache-Control"))
	}
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", nt.Secret, nil), http.StatusOK)
	r = e.expect(e.do("GET", "/api/v1/tokens", e.admin, nil), http.StatusOK)
	if bytes.Contains(r.body, []byte(nt.Secret)) || !bytes.Contains(r.body, []byte(nt.ID)) || !bytes.Contains(r.body, []byte(`"lastUsedAt"`)) {
		t.Errorf("token list %s", r.body)
	}

	t.Run("UpToOwnRole", func(t *testing.T) {
		e := e.with(t)
		viewer := e.signIn("vera@example.org", demo.ID, httpapi.RoleViewer)
		e.expect(e.do("POST", "/api/v1/tokens", "", `{"workspace":"`+demo.ID+`","role":"editor"}`, "Cookie", viewer), http.StatusForbidden)
		var own httpapi.NewToken
		e.expect(e.do("POST", "/api/v1/tokens", "", `{"workspace":"`+demo.ID+`","role":"viewer"}`, "Cookie", viewer), http.StatusCreated).json(t, &own)
		r := e.expect(e.do("GET", "/api/v1/tokens", "", nil, "Cookie", viewer), http.StatusOK)
		if !bytes.Contains(r.body, []byte(own.ID)) || bytes.Contains(r.body, []byte(nt.ID)) {
			t.Errorf("a viewer's token list: %s", r.body)
		}
		e.expect(e.do("DELETE", "/api/v1/tokens/"+nt.ID, "", nil, "Cookie", viewer), http.StatusNotFound)
	})
	t.Run("WorkspaceAdminStaysInItsWorkspace", func(t *testing.T) {
		e := e.with(t)
		e.expect(e.do("POST", "/api/v1/tokens", e.foreign, `{"workspace":"`+demo.ID+`","role":"viewer"}`), http.StatusForbidden)
		e.expect(e.do("POST", "/api/v1/tokens", e.foreign, `{"workspace":"*","role":"admin"}`), http.StatusForbidden)
		e.expect(e.do("POST", "/api/v1/tokens", e.foreign, `{"workspace":"other","role":"viewer"}`), http.StatusCreated)
		e.expect(e.do("DELETE", "/api/v1/tokens/"+nt.ID, e.foreign, nil), http.StatusNotFound)
		r := e.expect(e.do("GET", "/api/v1/tokens", e.foreign, nil), http.StatusOK)
		if bytes.Contains(r.body, []byte(`"`+demo.ID+`"`)) {
			t.Errorf("foreign admin sees tokens of %s: %s", demo.ID, r.body)
		}
	})
	t.Run("BadRequest", func(t *testing.T) {
		e := e.with(t)
		r := e.expect(e.do("POST", "/api/v1/tokens", e.admin, `{"workspace":"`+demo.ID+`","role":"owner"}`), http.StatusBadRequest)
		if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "role" || f[0].Value != "owner" {
			t.Errorf("fields %+v", f)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		e := e.with(t)
		e.expect(e.do("DELETE", "/api/v1/tokens/"+nt.ID, e.admin, nil), http.StatusNoContent)
		e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", nt.Secret, nil), http.StatusUnauthorized)
		e.expect(e.do("DELETE", "/api/v1/tokens/"+nt.ID, e.admin, nil), http.StatusNotFound)
	})
}

// TestDeletedWorkspaceGrantsNothing is issue #9: after a workspace is
// deleted, its editor token cannot make it again, and neither its
// tokens, members nor share links reach the new workspace an admin makes
// with the same id.
func TestDeletedWorkspaceGrantsNothing(t *testing.T) {
	e := newEnv(t)
	member := e.signIn("vera@example.org", demo.ID, httpapi.RoleViewer)
	var link access.NewShareLink
	e.expect(e.do("POST", "/api/v1/workspaces/"+demo.ID+"/share-links", e.admin, `{"target":"workspace"}`), http.StatusCreated).json(t, &link)
	bundle := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/bundle", e.editor, nil), http.StatusOK).body

	e.expect(e.do("DELETE", "/api/v1/workspaces/"+demo.ID, e.admin, nil), http.StatusNoContent)
	e.expect(e.do("PUT", "/api/v1/workspaces/"+demo.ID+"/bundle", e.editor, bundle), http.StatusUnauthorized)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID, "", nil, "Cookie", member), http.StatusNotFound)

	e.expect(e.do("PUT", "/api/v1/workspaces/"+demo.ID+"/bundle", e.admin, bundle), http.StatusCreated)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/bundle", e.editor, nil), http.StatusUnauthorized)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/bundle", e.viewer, nil), http.StatusUnauthorized)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID, "", nil, "Cookie", member), http.StatusNotFound)
	if _, err := e.access.ShareLink(t.Context(), strings.TrimPrefix(link.URL, "/s/")); err == nil {
		t.Error("the share link of the deleted workspace shows the new one")
	}
	r := e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/share-links", e.admin, nil), http.StatusOK)
	if bytes.Contains(r.body, []byte(link.ID)) {
		t.Errorf("share links of the new workspace: %s", r.body)
	}
}

func TestShareLinkRoutes(t *testing.T) {
	e := newEnv(t)
	base := "/api/v1/workspaces/" + demo.ID + "/share-links"
	r := e.expect(e.do("POST", base, e.editor, `{"target":"map:grid","params":{"lang":"en"},"expiresAt":"2099-01-01"}`), http.StatusBadRequest)
	if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "expiresAt" {
		t.Errorf("more than 365 days ahead: %s", r.body)
	}
	var l access.NewShareLink
	r = e.expect(e.do("POST", base, e.editor, `{"target":"map:grid","params":{"lang":"en"}}`), http.StatusCreated)
	r.json(t, &l)
	var doc map[string]any
	r.json(t, &doc)
	for _, k := range []string{"id", "url", "target", "expiresAt", "anonymize"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("answer lacks %q: %s", k, r.body)
		}
	}
	if !l.Anonymize || !strings.HasPrefix(l.URL, "/s/") || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("link %s (Cache-Control %q)", r.body, r.header.Get("Cache-Control"))
	}
	e.expect(e.do("POST", base, e.viewer, `{"target":"workspace"}`), http.StatusForbidden)
	e.expect(e.do("GET", base, e.viewer, nil), http.StatusForbidden)
	e.expect(e.do("POST", "/api/v1/workspaces/other/share-links", e.editor, `{"target":"workspace"}`), http.StatusNotFound)

	// A share link's secret opens no API route.
	secret := strings.TrimPrefix(l.URL, "/s/")
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", secret, nil), http.StatusUnauthorized)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", "", nil, "Cookie", "stakemap_session="+secret), http.StatusUnauthorized)

	for range 3 {
		if _, err := e.access.ShareLink(t.Context(), secret); err != nil {
			t.Fatal(err)
		}
	}
	var list struct{ ShareLinks []access.ShareLink }
	e.expect(e.do("GET", base, e.editor, nil), http.StatusOK).json(t, &list)
	if len(list.ShareLinks) != 1 || list.ShareLinks[0].AccessCount != 3 || list.ShareLinks[0].LastAccess == nil {
		t.Errorf("list %+v", list)
	}
	e.expect(e.do("DELETE", base+"/"+l.ID, e.editor, nil), http.StatusForbidden) // made by the token, not by an account
	e.expect(e.do("DELETE", base+"/"+l.ID, e.admin, nil), http.StatusNoContent)
	if _, err := e.access.ShareLink(t.Context(), secret); err == nil {
		t.Error("revoked link still works")
	}
}

func TestUserAndMemberRoutes(t *testing.T) {
	e := newEnv(t)
	var a access.Account
	r := e.expect(e.do("POST", "/api/v1/users", e.admin, `{"email":"ann@example.org","name":"Ann","password":"kx7-Wq2!pass"}`), http.StatusCreated)
	r.json(t, &a)
	if a.ID == "" || a.Email != "ann@example.org" || !a.Password || bytes.Contains(r.body, []byte("argon2")) {
		t.Fatalf("account %s", r.body)
	}
	r = e.expect(e.do("POST", "/api/v1/users", e.admin, `{"email":"bob@example.org","password":"password"}`), http.StatusBadRequest)
	if f := r.apiError(t).Fields; len(f) != 1 || f[0].Field != "password" || f[0].Value != "" {
		t.Errorf("common password: %s", r.body)
	}
	e.expect(e.do("GET", "/api/v1/users", e.foreign, nil), http.StatusForbidden)
	e.expect(e.do("GET", "/api/v1/users/ann@example.org", e.admin, nil), http.StatusOK)

	members := "/api/v1/workspaces/" + demo.ID + "/members"
	e.expect(e.do("PUT", members+"/ann@example.org", e.editor, `{"role":"editor"}`), http.StatusForbidden)
	e.expect(e.do("PUT", members+"/ann@example.org", e.admin, `{"role":"editor"}`), http.StatusOK)
	e.expect(e.do("PUT", members+"/nobody@example.org", e.admin, `{"role":"editor"}`), http.StatusNotFound)
	r = e.expect(e.do("GET", members, e.admin, nil), http.StatusOK)
	if !bytes.Contains(r.body, []byte(`"role":"editor"`)) || !bytes.Contains(r.body, []byte("ann@example.org")) {
		t.Errorf("members %s", r.body)
	}
	c, _, err := e.access.SignIn(t.Context(), "ann@example.org", "kx7-Wq2!pass", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cookie := c.Name + "=" + c.Value
	sh := "/api/v1/workspaces/" + demo.ID + "/stakeholders/" + e.demo.Stakeholders[0].ID
	e.expect(e.do("PATCH", sh, "", `{"attitude":"supporter"}`, "Cookie", cookie), http.StatusOK)
	e.expect(e.do("PATCH", "/api/v1/users/"+a.ID, e.admin, `{"password":"a-new-Pass-99"}`), http.StatusOK)
	e.expect(e.do("GET", sh, "", nil, "Cookie", cookie), http.StatusUnauthorized) // a new password ends sessions
	e.expect(e.do("DELETE", members+"/"+a.ID, e.admin, nil), http.StatusNoContent)
	e.expect(e.do("DELETE", "/api/v1/users/"+a.ID, e.admin, nil), http.StatusNoContent)
	e.expect(e.do("GET", "/api/v1/users/"+a.ID, e.admin, nil), http.StatusNotFound)
}

// TestLogsHoldNoSecrets: one line per request with status and duration,
// and neither the token, the body nor the concrete path.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.expect(e.do("PATCH", "/api/v1/workspaces/"+demo.ID+"/stakeholders/"+e.demo.Stakeholders[0].ID, e.editor, `{"notes":"Confidential remark"}`), http.StatusOK)
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/stakeholders?q=Confidential", "wrong-token", nil), http.StatusUnauthorized)
	out := logs.String()
	for _, secret := range []string{e.editor, "wrong-token", "Confidential", e.demo.Stakeholders[0].ID + " "} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "status=200") || !strings.Contains(lines[0], "ms=") ||
		!strings.Contains(lines[0], "route=/api/v1/workspaces/:ws/stakeholders/:id") || !strings.Contains(lines[1], "status=401") {
		t.Errorf("log lines:\n%s", out)
	}
}
