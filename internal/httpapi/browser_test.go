package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/internal/demo"
)

// chromium returns the browser to drive, skipping the test when there is
// none, except in CI, where a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH; CI must install it (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: install it to test the web page in a browser")
	return ""
}

// TestPageInBrowser loads the web page in headless Chromium with a viewer
// token and checks what a user sees: the workspace, its findings in Dutch
// and its maps drawn from blob: URLs, and no error.
func TestPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := chromium(t)
	e := newEnv(t, withRenderer(newRealRenderer(t)))
	// The page keeps the token in sessionStorage; a test-only page on the
	// same origin puts it there the way the token form does, then opens /.
	mux := http.NewServeMux()
	mux.HandleFunc("/test-login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><script>sessionStorage.setItem("stakemap.token", "` + e.viewer + `"); location.replace("/#` + demo.ID + `");</script>`))
	})
	mux.Handle("/", e.api.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dir := t.TempDir()
	shot := filepath.Join(dir, "page.png")
	run := func(extra ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + filepath.Join(dir, "profile"),
			"--virtual-time-budget=15000", "--window-size=1280,2400"}, extra...)
		args = append(args, srv.URL+"/test-login")
		out, err := exec.CommandContext(ctx, browser, args...).Output()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		return string(out)
	}
	dom := run("--dump-dom")
	for _, want := range []string{
		`lang="nl"`,
		`<h2 id="ws-name">` + e.demo.Workspace.Name + `</h2>`,
		`Bevindingen`,
		`<code>missing-`,
		`Stakeholderkaart`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`<img[^>]+src="blob:`).FindAllString(dom, -1)); n != 3 {
		t.Errorf("%d maps shown from blob: URLs, want 3", n)
	}
	if strings.Contains(dom, "mislukt") || strings.Contains(dom, "niet geaccepteerd") {
		t.Errorf("page shows an error:\n%s", dom)
	}
	if strings.Contains(dom, e.viewer) {
		t.Error("the token appears in the page")
	}
	run("--screenshot=" + shot)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot missing or blank: %v", err)
	}
	if dst := os.Getenv("STAKEMAP_SCREENSHOT"); dst != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(dst, data, 0o644)
	}
}

// TestPageLanguage: the page starts in the language Accept-Language asks
// for (Dutch when it names neither) and is served with a strict CSP.
func TestPageLanguage(t *testing.T) {
	e := newEnv(t)
	for accept, want := range map[string]string{"": "nl", "en-GB,en;q=0.9": "en", "nl-BE": "nl", "de-DE,en;q=0.5": "en", "fr": "nl"} {
		r := e.expect(e.do("GET", "/", "", nil, "Accept-Language", accept), http.StatusOK)
		if !strings.Contains(string(r.body), `<html lang="`+want+`">`) {
			t.Errorf("Accept-Language %q: want lang %s", accept, want)
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	}
	r := e.expect(e.do("GET", "/static/app.js", "", nil), http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/javascript") {
		t.Errorf("app.js content type %q", r.header.Get("Content-Type"))
	}
	e.expect(e.do("GET", "/static/../web.go", "", nil), http.StatusNotFound)
	e.expect(e.do("GET", "/static/index.html", "", nil), http.StatusNotFound)
}
