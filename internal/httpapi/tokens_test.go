package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
)

func TestTokenFileHoldsOnlyHashes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.tokens")
	ts, err := httpapi.OpenTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, g, err := ts.Create("acme", httpapi.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := tok[strings.LastIndex(tok, ".")+1:]
	if bytes.Contains(data, []byte(secret)) {
		t.Error("the token file contains the secret")
	}
	reopened, err := httpapi.OpenTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := reopened.Verify(tok)
	if !ok || got.ID != g.ID || got.Workspace != "acme" || got.Role != httpapi.RoleEditor {
		t.Errorf("after reopening: %+v %v", got, ok)
	}
	for _, bad := range []string{"", tok + "x", tok[:len(tok)-1], strings.Replace(tok, g.ID, "other", 1), "smk_" + g.ID} {
		if _, ok := reopened.Verify(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, _, err := ts.Create("acme", "owner"); err == nil {
		t.Error("accepted role owner")
	}
	if _, _, err := ts.Create("Not A Slug", httpapi.RoleViewer); err == nil {
		t.Error("accepted a bad workspace id")
	}
	if reopened.HasAdmin() {
		t.Error("HasAdmin without an admin token")
	}
	reopened.SetAdminToken("from-the-environment")
	if g, ok := reopened.Verify("from-the-environment"); !ok || g.Role != httpapi.RoleAdmin || g.Workspace != httpapi.AllWorkspaces {
		t.Errorf("environment admin token: %+v %v", g, ok)
	}
}

func TestTokenRoutes(t *testing.T) {
	e := newEnv(t)
	var nt httpapi.NewToken
	r := e.expect(e.do("POST", "/api/v1/tokens", e.admin, `{"workspace":"`+demo.ID+`","role":"viewer"}`), http.StatusCreated)
	r.json(t, &nt)
	if nt.Token == "" || nt.ID == "" || nt.Role != "viewer" {
		t.Fatalf("new token %s", r.body)
	}
	e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", nt.Token, nil), http.StatusOK)
	r = e.expect(e.do("GET", "/api/v1/tokens", e.admin, nil), http.StatusOK)
	if bytes.Contains(r.body, []byte(nt.Token)) || !bytes.Contains(r.body, []byte(nt.ID)) {
		t.Errorf("token list %s", r.body)
	}

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
		e.expect(e.do("GET", "/api/v1/workspaces/"+demo.ID+"/findings", nt.Token, nil), http.StatusUnauthorized)
		e.expect(e.do("DELETE", "/api/v1/tokens/"+nt.ID, e.admin, nil), http.StatusNotFound)
	})
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
