package webui_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/webui"
)

// The history journeys in Chromium, by labels and names as a person
// works: what changed since the last MT meeting, the history, the
// calendar link and the person's rights.

// historyWords are the words of one language that the journey reads.
type historyWords struct {
	mail, attitude, save, saved, supporter, with, about, logged     string
	history, compare, snapName, snapMake, snapMade                  string
	changed, unknownToSupporter, criticToSupporter, resolved, added string
	by, unengaged, attitudeUnknown                                  string
}

// TestJourneyWhatChanged: an editor changes an attitude and logs a
// contact, takes a snapshot, changes more; the compare view since the
// snapshot shows exactly the later changes and the findings they settled,
// with the changes map; the history lists every change with its actor.
func TestJourneyWhatChanged(t *testing.T) {
	for _, w := range []historyWords{
		{editorMail, "Houding", "Opslaan", "Opgeslagen.", "voorstander", "Met", "Over", "Contact opgeslagen.",
			"Geschiedenis", "Vergelijken", "Naam", "Momentopname maken", "Momentopname gemaakt.",
			"Gewijzigd (1)", "Houding: onbekend → voorstander", "Houding: criticus → voorstander", "Opgeloste bevindingen (3)", "Toegevoegd (1)",
			"door Ruud Redacteur", "Ruud Smit heeft veel invloed maar geen recent contact", "houding onbekend"},
		{englishMail, "Attitude", "Save", "Saved.", "supporter", "With", "About", "Contact saved.",
			"History", "Compare", "Name", "Take a snapshot", "Snapshot taken.",
			"Changed (1)", "Attitude: unknown → supporter", "Attitude: critic → supporter", "Resolved findings (3)", "Added (1)",
			"by Emma Editor", "Ruud Smit has high influence but no recent contact", "attitude unknown"},
	} {
		t.Run(w.mail, func(t *testing.T) {
			e := newEnv(t, withMaps(t))
			tb := e.tab(t)
			tb.signIn(w.mail)

			// Before the meeting: an attitude changes, a contact is logged.
			tb.open(ws + "/stakeholders/controller")
			tb.choose(formWith(w.attitude), w.attitude, w.supporter)
			tb.submit(formWith(w.attitude), w.save)
			tb.sees(w.saved)
			tb.open(ws + "/contacts")
			tb.fill(formWith(w.with), w.with, "Daan de Groot")
			tb.fill(formWith(w.with), w.about, "AI-basisvaardigheden")
			tb.submit(formWith(w.with), w.save)
			tb.sees(w.logged)

			// The meeting: a snapshot, from the menu and the history.
			tb.submit("//nav", w.history)
			tb.submit("//main", w.compare)
			tb.fill(formWith(w.snapName), w.snapName, "MT 12 november")
			tb.submit(formWith(w.snapName), w.snapMake)
			tb.sees(w.snapMade, "MT 12 november")

			// After it: more changes.
			tb.open(ws + "/stakeholders/or-voorzitter")
			tb.choose(formWith(w.attitude), w.attitude, w.supporter)
			tb.submit(formWith(w.attitude), w.save)
			tb.open(ws + "/contacts")
			tb.fill(formWith(w.with), w.with, "Ruud Smit")
			tb.fill(formWith(w.with), w.about, "AI-basisvaardigheden")
			tb.submit(formWith(w.with), w.save)
			tb.sees(w.logged)

			// Since the meeting: exactly the later changes.
			tb.open(ws)
			tb.submit("//main", map[string]string{editorMail: "Wat er veranderde sinds het laatste MT-overleg", englishMail: "What changed since the last MT meeting"}[w.mail])
			tb.sees("MT 12 november", w.changed, "Gijs Verbeek", w.unknownToSupporter, w.added, w.resolved, w.unengaged, w.attitudeUnknown)
			tb.seesNot(w.criticToSupporter, "Daan de Groot")
			loaded := eval[bool](tb, `(async () => { const img = document.querySelector("figure.map img"); if (!img.complete) await new Promise(r => img.onload = img.onerror = r); return img.naturalWidth > 100 })()`, chromedp.EvalAwaitPromise)
			if !loaded {
				t.Error("the changes map did not load")
			}
			png := eval[string](tb, `fetch(document.querySelector("a[href*='changes.png']").href).then(r => r.headers.get("content-type") + " " + r.headers.get("content-disposition"))`, chromedp.EvalAwaitPromise)
			if !strings.HasPrefix(png, "image/png attachment") {
				t.Errorf("PNG download: %s", png)
			}
			tb.axe()
			if w.mail == editorMail {
				// The README's picture: the changes and the map.
				eval[chromedp.Void](tb, `document.getElementById("cmp-what").scrollIntoView()`)
				tb.shot("compare")
			}

			// The history: every change, newest first, with its actor.
			tb.submit("//main", w.history)
			tb.sees("Gijs Verbeek", w.unknownToSupporter, w.criticToSupporter, w.by)
			txt := tb.text()
			if strings.Index(txt, w.unknownToSupporter) > strings.Index(txt, w.criticToSupporter) {
				t.Error("the history is not newest first")
			}
			tb.fill("//form[@role='search']", map[string]string{editorMail: "Persoon of traject", englishMail: "Person or trajectory"}[w.mail], "Ruud Smit")
			tb.submit("//form[@role='search']", map[string]string{editorMail: "Filteren", englishMail: "Filter"}[w.mail])
			tb.sees(w.criticToSupporter)
			tb.seesNot(w.unknownToSupporter)
			tb.axe()
		})
	}
}

// TestKeyboardSnapshot takes a snapshot and compares from it with the
// keyboard alone.
func TestKeyboardSnapshot(t *testing.T) {
	e := newEnv(t)
	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open(ws + "/compare")
	tb.tabTo(field("//form", "Naam"))
	tb.keys("MT december")
	tb.tabTo(named("//form", "Momentopname maken"))
	tb.enterAndWait()
	tb.sees("Momentopname gemaakt.")
	tb.tabTo(chromedp.Search(`//aside//a[starts-with(normalize-space(.), "MT december")]`))
	tb.enterAndWait()
	if p := tb.path(); !strings.HasSuffix(p, "/compare?from=mt-december") {
		t.Errorf("the snapshot's link went to %s", p)
	}
	tb.sees("Van MT december")
}

// withCalendar makes calendar links with the access service that signs
// people in (withAccess, given before it): a feed answers only while its
// maker's account may read the workspace.
func withCalendar(t *testing.T, svc **access.Service) option {
	return func(c *webui.Config) {
		s, ok := c.Auth.(*access.Service)
		if !ok {
			t.Fatal("withCalendar needs withAccess before it")
		}
		c.Calendar, *svc = s, s
	}
}

// TestJourneyCalendarLink: on the account page a person makes a calendar
// link (names off unless ticked), sees it once with how to subscribe,
// and revokes it.
func TestJourneyCalendarLink(t *testing.T) {
	var svc *access.Service
	e := newEnv(t, withAccess(t, &testClock{}), withCalendar(t, &svc))
	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open("/account")
	tb.sees("Agenda-abonnement", "Nog geen agendalinks.", "Abonneren via internet", "Via URL")
	if eval[bool](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)="Namen tonen"]/@for', document, null, 2, null).stringValue).checked`) {
		t.Error("Namen tonen is on by default")
	}
	tb.submit(formWith("Namen tonen"), "Link maken")
	link := eval[string](tb, `document.getElementById("calendar-url").value`)
	u, err := url.Parse(link)
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Path, "/calendar/") || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("calendar link %q", link)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/calendar/"), ".ics")
	// The test service is on 127.0.0.1, which Outlook cannot reach.
	tb.sees("Let op: 127.0.0.1 is deze computer.")
	ruud, err := svc.Account(context.Background(), access.Principal{Via: access.ViaLocal}, editorMail)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := svc.CalendarFeed(context.Background(), secret)
	if err != nil || feed.Workspace != demo.ID || feed.Names || feed.Owner != ruud.ID {
		t.Fatalf("the link resolves to %+v, %v", feed, err)
	}
	tb.run("copy", chromedp.Click(named("//main", "Kopiëren")))
	tb.axe()
	// Shown once: a reload forgets it.
	tb.open("/account")
	if n := eval[int](tb, `document.querySelectorAll("#calendar-url").length`); n != 0 {
		t.Error("the calendar link is shown again")
	}
	tb.sees("Gemeente Oostvoorde", "nee")
	tb.submit("//section[@id='calendar']//table", "Intrekken: agendalink Gemeente Oostvoorde, "+eval[string](tb, `document.querySelector("#calendar td:nth-child(3)").textContent.trim()`))
	tb.sees("Agendalink ingetrokken.", "Nog geen agendalinks.")
	if _, err := svc.CalendarFeed(context.Background(), secret); !errors.Is(err, access.ErrBadCredentials) {
		t.Errorf("a revoked link still works: %v", err)
	}
}

// TestJourneyErase: an admin downloads what is held about a person and
// erases them; afterwards no page names them, the history included.
func TestJourneyErase(t *testing.T) {
	e := newEnv(t, withMaps(t))
	tb := e.tab(t)
	tb.signIn(adminMail)
	tb.open(ws + "/stakeholders/controller")
	href := eval[string](tb, `[...document.querySelectorAll("a")].find(a => a.textContent.trim() === "Persoonsgegevens downloaden (JSON)").href`)
	got := eval[string](tb, `fetch(`+xq(href)+`).then(r => r.json()).then(d => d.stakeholder.name)`, chromedp.EvalAwaitPromise)
	if got != "Ruud Smit" {
		t.Errorf("personal data names %q", got)
	}
	// The same to read and print, by its label, with axe.
	tb.submit("//main", "Persoonsgegevens bekijken en afdrukken")
	tb.sees("Persoonsgegevens van Ruud Smit", "Dit zijn alle gegevens die Gemeente Oostvoorde over u vastlegt")
	tb.axe()
	tb.open(ws + "/stakeholders/controller")
	tb.submit("//main", "Wissen (AVG)")
	tb.sees("Wissen is onomkeerbaar.", "ook uit de geschiedenis en de momentopnamen")
	tb.axe()
	tb.submit("//main//form", "Definitief wissen")
	tb.sees("Vink aan dat u begrijpt")
	tb.run("tick", chromedp.Click(field("//main//form", "Ik begrijp dat dit niet ongedaan kan worden")))
	tb.submit("//main//form", "Definitief wissen")
	tb.sees("De persoon is gewist, ook uit de geschiedenis.")
	if _, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("still stored: %v", err)
	}
	for _, path := range []string{ws, ws + "/stakeholders", ws + "/findings", ws + "/trajectories/ai-basis", ws + "/history",
		ws + "/history?kind=stakeholder", ws + "/compare", ws + "/paths", ws + "/maps"} {
		tb.open(path)
		tb.seesNot("Ruud Smit", "Concerncontroller")
		if html := eval[string](tb, "document.documentElement.outerHTML"); strings.Contains(html, "Ruud Smit") {
			t.Errorf("%s holds the name in its markup", path)
		}
	}
	tb.open(ws + "/history?kind=stakeholder")
	tb.sees("gewist")
}
