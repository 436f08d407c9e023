package calendar_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/calendar"
)

func sample() *graph.Bundle {
	long := "Directeur Bedrijfsvoering, Informatievoorziening; Facilitaire Zaken & Huisvesting — ‘ü’ “quotes” \\ en nog veel meer tekst"
	return &graph.Bundle{
		Workspace: graph.Workspace{ID: "w", Name: "Gemeente Oostvoorde", Language: "nl"},
		Stakeholders: []graph.Stakeholder{
			{ID: "anouk-jansen", Name: "Anouk Jansen", Title: "CFO", Unit: "Financiën", Level: "executive", ContactEvery: 30},
			{ID: "bram", Name: "Bram de Wit", Title: long, Unit: "Bedrijfsvoering", Level: "executive", ContactEvery: 14},
			{ID: "chris", Name: "Chris", Level: "employee"},
		},
		Trajectories: []graph.Trajectory{
			{ID: "ai", Name: "AI-basis, fase 1; pilot", Status: "running", ReviewBy: "2026-12-15", Purpose: "Regel 1\nRegel 2"},
			{ID: "old", Name: "Oud", Status: "done", ReviewBy: "2026-01-01"},
		},
		Engagements: []graph.Engagement{
			{ID: "e1", Date: "2026-11-10", With: []string{"anouk-jansen"}},
			{ID: "e2", Date: "2026-12-20", With: []string{"anouk-jansen"}}, // after asOf: not counted
		},
	}
}

func TestEvents(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	es := calendar.Events(sample(), calendar.Options{AsOf: asOf})
	if len(es) != 3 {
		t.Fatalf("events = %+v, want 3 (two contacts, one review)", es)
	}
	want := map[string]string{"Contact: CFO, Financiën": "2026-12-10", "Review leertraject: AI-basis, fase 1; pilot": "2026-12-15"}
	for _, e := range es {
		if d, ok := want[e.Summary]; ok && e.Date.Format(time.DateOnly) != d {
			t.Errorf("%s on %s, want %s", e.Summary, e.Date.Format(time.DateOnly), d)
		}
		if strings.Contains(e.Summary, "Bram") && !strings.HasPrefix(e.Summary, "Contact: ") {
			t.Errorf("summary %q", e.Summary)
		}
		if e.Summary == "Contact: Directeur Bedrijfsvoering" || strings.Contains(e.UID, "anouk") {
			t.Errorf("event %+v", e)
		}
	}
	// Dates in the text as the feed's language writes them.
	for _, e := range es {
		if e.Summary == "Contact: CFO, Financiën" && !strings.HasPrefix(e.Description, "Laatste contact 10 november 2026;") {
			t.Errorf("description %q", e.Description)
		}
	}
	// Never contacted: due on asOf.
	if es[0].Date.Format(time.DateOnly) != "2026-12-01" {
		t.Errorf("first event on %s, want the never-contacted person due on asOf", es[0].Date)
	}
	for _, e := range calendar.Events(sample(), calendar.Options{AsOf: asOf}) {
		if strings.Contains(e.Summary, "Anouk") {
			t.Error("a feed without names names a person")
		}
	}
	named := calendar.Events(sample(), calendar.Options{AsOf: asOf, Names: true, Lang: "en"})
	if !strings.Contains(named[1].Summary+named[2].Summary+named[0].Summary, "Anouk Jansen") {
		t.Errorf("with names: %+v", named)
	}
}

// TestFeedParsesWithIcalendar has the feed read by an independent
// parser, Python's icalendar, and checks RFC 5545's basics on the bytes.
func TestFeedParsesWithIcalendar(t *testing.T) {
	stamp := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	feed := calendar.Feed(sample(), calendar.Options{AsOf: stamp, Stamp: stamp})

	for i, line := range strings.Split(strings.TrimSuffix(string(feed), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare line break", i+1)
		}
	}
	if !bytes.HasSuffix(feed, []byte("END:VCALENDAR\r\n")) || bytes.Count(feed, []byte("\n")) != bytes.Count(feed, []byte("\r\n")) {
		t.Error("lines must end in CRLF")
	}
	if !bytes.Contains(feed, []byte("\r\n ")) {
		t.Error("the long title was not folded: the test proves nothing")
	}

	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import icalendar").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-icalendar is needed in CI: %v", err)
		}
		t.Skip("python3-icalendar not installed (apt-get install python3-icalendar)")
	}
	script := `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in cal.walk("VEVENT"):
    out.append({"uid": str(ev["UID"]), "summary": str(ev["SUMMARY"]),
                "description": str(ev.get("DESCRIPTION", "")),
                "start": ev.decoded("DTSTART").isoformat(), "stamp": ev.decoded("DTSTAMP").isoformat()})
print(json.dumps({"version": str(cal["VERSION"]), "events": out}))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("icalendar could not parse the feed: %v\n%s", err, stderr.String())
	}
	var got struct {
		Version string
		Events  []struct{ UID, Summary, Description, Start, Stamp string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := calendar.Events(sample(), calendar.Options{AsOf: stamp, Stamp: stamp})
	if got.Version != "2.0" || len(got.Events) != len(want) {
		t.Fatalf("parsed %+v, want %d events", got, len(want))
	}
	uids := map[string]bool{}
	for i, e := range got.Events {
		if e.Summary != want[i].Summary || e.Description != want[i].Description {
			t.Errorf("event %d read back as %q / %q, want %q / %q", i, e.Summary, e.Description, want[i].Summary, want[i].Description)
		}
		if e.Start != want[i].Date.Format(time.DateOnly) || !strings.HasPrefix(e.Stamp, "2026-12-01T10:00:00") {
			t.Errorf("event %d: start %s stamp %s", i, e.Start, e.Stamp)
		}
		if uids[e.UID] || e.UID == "" {
			t.Errorf("UID %q empty or repeated", e.UID)
		}
		uids[e.UID] = true
	}
}

// TestOverdueMovesToToday: a contact or review whose day has passed is on
// the feed's day, saying it is overdue and since when; one still to come
// keeps its day.
func TestOverdueMovesToToday(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, lang, match, date, summary, description string
	}{
		{"contact", "nl", "Directeur", "2026-12-01", "Achterstallig — Contact: Directeur", "Was aan de beurt op 15 november 2026. Laatste contact 1 november 2026; contact elke 14 dagen"},
		{"review", "nl", ": AI", "2026-12-01", "Achterstallig — Review leertraject: AI", "Was aan de beurt op 20 november 2026."},
		{"review", "en", ": AI", "2026-12-01", "Overdue — Trajectory review: AI", "Was due on 20 November 2026."},
		{"upcoming", "nl", "Later", "2026-12-24", "Review leertraject: Later", ""},
	} {
		b := &graph.Bundle{
			Workspace:    graph.Workspace{ID: "w", Name: "W", Language: "nl"},
			Stakeholders: []graph.Stakeholder{{ID: "d", Name: "D", Title: "Directeur", Level: "executive", ContactEvery: 14}},
			Trajectories: []graph.Trajectory{
				{ID: "ai", Name: "AI", Status: "running", ReviewBy: "2026-11-20"},
				{ID: "later", Name: "Later", Status: "planned", ReviewBy: "2026-12-24"},
			},
			Engagements: []graph.Engagement{{ID: "e", Date: "2026-11-01", With: []string{"d"}}},
		}
		found := false
		for _, e := range calendar.Events(b, calendar.Options{AsOf: asOf, Lang: c.lang}) {
			if !strings.Contains(e.Summary, c.match) {
				continue
			}
			found = true
			if got := e.Date.Format(time.DateOnly); got != c.date || e.Summary != c.summary || e.Description != c.description {
				t.Errorf("%s (%s): %s %q %q, want %s %q %q", c.name, c.lang, got, e.Summary, e.Description, c.date, c.summary, c.description)
			}
		}
		if !found {
			t.Errorf("%s: no event", c.name)
		}
	}
}
