package main_test

import (
	"bytes"
	"encoding/json"
	"html"
	stdpng "image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestServeHistoryPages drives the history pages of a running server as a
// browser would (forms, cookies): the compare view draws its changes map
// in a render worker, and the calendar link made on the account page is
// served where a calendar provider fetches it, and reads as iCalendar in
// Python's icalendar, without names unless asked.
func TestServeHistoryPages(t *testing.T) {
	const email, pass = "beheer@example.org", "a long admin password"
	base := startServe(t, "STAKEMAP_ADMIN_EMAIL="+email, "STAKEMAP_ADMIN_PASSWORD="+pass)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	do := func(method, path string, form url.Values) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
		if method == "POST" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
		}
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body), res.Header
	}
	if code, body, _ := do("POST", "/login", url.Values{"email": {email}, "password": {pass}}); code != 200 || !strings.Contains(body, "Gemeente Oostvoorde") {
		t.Fatalf("sign in: %d", code)
	}

	// A snapshot, a change, and the compare view with its map.
	if code, body, _ := do("POST", "/w/oostvoorde/snapshots", url.Values{"name": {"MT november"}}); code != 200 || !strings.Contains(body, "Momentopname gemaakt.") {
		t.Fatalf("snapshot: %d", code)
	}
	if code, _, _ := do("POST", "/w/oostvoorde/contacts", url.Values{"date": {"1-12-2026"}, "with": {"Ruud Smit"}, "channel": {"meeting"}}); code != 200 {
		t.Fatalf("contact: %d", code)
	}
	code, page, _ := do("GET", "/w/oostvoorde/compare", nil)
	m := regexp.MustCompile(`href="(/w/oostvoorde/compare/changes\.png\?[^"]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil || !strings.Contains(page, "Toegevoegd (1)") {
		t.Fatalf("compare view: %d, map link %v", code, m)
	}
	code, png, hdr := do("GET", html.UnescapeString(m[1]), nil)
	if code != 200 || !strings.HasPrefix(png, "\x89PNG") || !strings.Contains(hdr.Get("Content-Disposition"), "verschuivingen-sinds-mt-november.png") {
		t.Errorf("changes map: %d %s %s", code, hdr.Get("Content-Type"), hdr.Get("Content-Disposition"))
	}
	if cfg, err := stdpng.DecodeConfig(strings.NewReader(png)); err != nil || cfg.Width != 1920 || cfg.Height != 1080 {
		t.Errorf("changes map for a slide: %dx%d, %v; want 1920x1080", cfg.Width, cfg.Height, err)
	}

	// A contact rhythm for Ruud Smit, set in his form, puts him in the feed.
	_, page, _ = do("GET", "/w/oostvoorde/stakeholders/controller", nil)
	ver := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if ver == nil {
		t.Fatal("no version in the person's form")
	}
	if code, body, _ := do("POST", "/w/oostvoorde/stakeholders/controller", url.Values{"name": {"Ruud Smit"}, "kind": {"person"},
		"title": {"Concerncontroller"}, "unit": {"Financiën"}, "level": {"management"}, "influence": {"4"}, "interest": {"2"},
		"attitude": {"critic"}, "contactEvery": {"14"}, "version": {ver[1]}}); code != 200 || !strings.Contains(body, "Opgeslagen.") {
		t.Fatalf("person form: %d", code)
	}

	// The calendar link, made on the account page.
	code, page, _ = do("POST", "/account/calendar", url.Values{"workspace": {"oostvoorde"}})
	m = regexp.MustCompile(`id="calendar-url" type="text" readonly value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("account page: %d, no calendar link", code)
	}
	link := html.UnescapeString(m[1])
	if !strings.HasPrefix(link, base+"/calendar/") {
		t.Fatalf("calendar link %q is not on %s", link, base)
	}
	res, err := http.Get(link) // a calendar provider: no cookies
	if err != nil {
		t.Fatal(err)
	}
	feed, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import icalendar").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-icalendar is needed in CI: %v", err)
		}
		t.Skip("python3-icalendar not installed (apt-get install python3-icalendar)")
	}
	cmd := exec.Command(py, "-c", `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
print(json.dumps([str(ev["SUMMARY"]) + " " + str(ev.get("DESCRIPTION", "")) for ev in cal.walk("VEVENT")]))`)
	cmd.Stdin = bytes.NewReader(feed)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("icalendar could not read the feed: %v", err)
	}
	var events []string
	if err := json.Unmarshal(out, &events); err != nil || len(events) == 0 {
		t.Fatalf("events %v, %v", events, err)
	}
	due := false
	for _, ev := range events {
		due = due || strings.Contains(ev, "Concerncontroller")
		if strings.Contains(ev, "Ruud Smit") {
			t.Errorf("a feed without names names Ruud Smit: %q", ev)
		}
	}
	if !due {
		t.Errorf("Ruud Smit's contact rhythm is not in the feed: %q", events)
	}
}
