package webui_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestAccessibility runs axe-core on every page of the workbench, forms
// with problems shown included: no serious or critical violation of WCAG
// 2.1 A or AA, and nothing written to the console.
func TestAccessibility(t *testing.T) {
	e := newEnv(t, withMaps(t), withBundles())
	stranger := e.tab(t)
	stranger.open("/login")
	stranger.axe()
	// The sign-in page's one purpose: typing starts in the address.
	if got := eval[string](stranger, `document.activeElement.id + " " + document.activeElement.autocomplete`); got != "login-email username" {
		t.Errorf("on the sign-in page the focus is on %q, want the address field", got)
	}
	stranger.open("/s/traject-anoniem")
	stranger.axe()
	stranger.open("/s/werkruimte")
	stranger.axe()

	tb := e.tab(t)
	tb.signIn(adminMail)
	for _, path := range []string{
		"/", ws, ws + "/findings", ws + "/stakeholders", ws + "/stakeholders?attitude=critic&sort=influence&desc=1",
		ws + "/stakeholders/new", ws + "/stakeholders/controller", ws + "/stakeholders/controller/delete", ws + "/stakeholders/controller/personal-data/read",
		ws + "/trajectories", ws + "/trajectories/new", ws + "/trajectories/veiligheidscultuur", ws + "/trajectories/wijkgericht",
		ws + "/contacts", ws + "/paths?from=Noor+Bos&to=Henk+Jansen&mode=strongest&k=3", ws + "/maps",
		ws + "/import", ws + "/settings", ws + "/members", "/account",
	} {
		t.Run(path, func(t *testing.T) {
			tb.t = t
			tb.open(path)
			tb.axe()
		})
	}
	tb.t = t
	// Forms that show problems.
	tb.open(ws + "/stakeholders/new")
	tb.fill("//form", "Naam", "")
	tb.submit("//form", "Opslaan")
	tb.sees("Vul dit veld in.")
	tb.axe()
	tb.open(ws + "/contacts")
	tb.fill("//form", "Datum", "31-9-2026")
	tb.fill("//form", "Met", "Niemand Bekend")
	tb.submit("//form[.//label[.='Met']]", "Opslaan")
	tb.sees("september heeft 30 dagen")
	tb.axe()
	// The import check, with what it would change.
	file := filepath.Join(t.TempDir(), "belanghebbenden.csv")
	os.WriteFile(file, []byte("Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding\nRuud Smit;Concerncontroller;Financiën;management;4;2;voorstander\nJan de Vries;Inkoper;Financiën;medewerker;2;3;neutraal\n"), 0o644)
	tb.open(ws + "/import")
	tb.run("upload", chromedp.SetUploadFiles(field("", "Bestand"), []string{file}))
	tb.submit("//form[.//label[.='Bestand']]", "Controleren")
	tb.sees("Wat deze import verandert", "Jan de Vries")
	tb.axe()
	// The 404 page (whose status Chromium logs, as it should).
	if r := e.signIn(adminMail).get(ws + "/stakeholders/nobody"); r.status != http.StatusNotFound {
		t.Errorf("404 page: %d", r.status)
	}
}

// TestKeyboardOnly walks journeys 2, 4 and 5 with the keyboard alone:
// Tab to reach things, typing, arrows and Enter.
func TestKeyboardOnly(t *testing.T) {
	e := newEnv(t)
	tb := e.tab(t)
	tb.signIn(editorMail)
	ctx := context.Background()

	t.Run("register: add a person", func(t *testing.T) {
		tb.t = t
		tb.open(ws + "/stakeholders")
		tb.tabTo(named("//main", "Persoon toevoegen"))
		tb.enterAndWait()
		tb.tabTo(field("//form", "Naam"))
		tb.keys("Karin Toetsenbord")
		tb.tabTo(field("//form", "Functie"))
		tb.keys("Teamleider")
		tb.tabTo(named("//form", "Opslaan"))
		tb.enterAndWait()
		tb.sees("Karin Toetsenbord", "Opgeslagen.")
		p, _, err := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "karin-toetsenbord")
		if err != nil || p.Title != "Teamleider" {
			t.Fatalf("stored %+v, %v", p, err)
		}
	})
	t.Run("trajectory: move a person on the grid", func(t *testing.T) {
		tb.t = t
		tb.open(ws + "/trajectories/veiligheidscultuur")
		tb.tabTo(chromedp.Search(`//button[normalize-space(.)="Ton Kuipers"]`))
		tb.keys(kb.ArrowUp + kb.ArrowUp + kb.ArrowUp + kb.ArrowRight)
		waitStake(t, e, "voorman-groen", "veiligheidscultuur", 5, 5)
		if got := eval[string](tb, `document.activeElement.textContent.trim()`); got != "Ton Kuipers" {
			t.Errorf("focus moved to %q", got)
		}
	})
	t.Run("log a contact", func(t *testing.T) {
		tb.t = t
		tb.open(ws + "/contacts")
		tb.tabTo(field("//form", "Met"))
		tb.keys("ruud s")
		tb.run("suggestions", void(chromedp.Poll[bool](`document.querySelector('[role=listbox]:not([hidden]) [role=option]') !== null`)))
		tb.keys(kb.ArrowDown)
		tb.enter()
		tb.tabTo(field("//form", "Over"))
		tb.keys("AI-basisvaardigheden")
		tb.tabTo(named("//form[.//label[.='Met']]", "Opslaan"))
		tb.enterAndWait()
		tb.sees("Contact opgeslagen.")
		tb.seesNot("Ruud Smit heeft veel invloed maar geen recent contact")
	})
	tb.t = t
}

// enterAndWait presses Enter on a link or button that loads a page.
func (tb *tab) enterAndWait() {
	tb.t.Helper()
	tb.run("mark page", chromedp.Evaluate[chromedp.Void]("window.__stale = true"))
	tb.enter()
	tb.waitNewPage()
}

// TestLargeRegister: 1,000 people, 50 to a page, and the register is
// interactive in Chromium within 1.5 s (Navigation Timing).
func TestLargeRegister(t *testing.T) {
	e := newEnv(t)
	b := storetest.Generate(11, 1000, 40, 3000)
	b.Workspace.ID, b.Workspace.Name = "groot", "Groot Ziekenhuis"
	if err := e.store.ImportBundle(context.Background(), b, graph.Precondition{}); err != nil {
		t.Fatal(err)
	}
	tb := e.tab(t)
	tb.signIn(adminMail)
	tb.open("/w/groot/stakeholders")
	if n := eval[int](tb, `document.querySelectorAll("table.register tbody tr").length`); n != 50 {
		t.Errorf("%d rows on the first page, want 50", n)
	}
	tb.sees("1000 of 1000 stakeholders", "Page 1 of 20")
	interactive := eval[float64](tb, `performance.getEntriesByType("navigation")[0].domInteractive`)
	t.Logf("register of 1,000 people: interactive after %.0f ms", interactive)
	if interactive > 1500 {
		t.Errorf("interactive after %.0f ms, want ≤ 1500", interactive)
	}
	tb.submit("//nav[@aria-label='Pagination']", "Next")
	tb.sees("Page 2 of 20")
	first := eval[string](tb, `document.querySelector("table.register tbody th").innerText`)
	if strings.TrimSpace(first) == "" {
		t.Error("page 2 is empty")
	}
}
