package webui_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
)

// TestJourneySameName: the demo has a Fatima El Amrani (Wethouder
// Sociaal Domein); an editor adds a second one, in Dutch and in English.
// Adding her is asked about, not refused, and so is a unit spelled
// differently in case only; from then on the type-ahead, the findings
// and the contact form tell the two apart, and a finding's fix link
// fills in the right one and saves.
func TestJourneySameName(t *testing.T) {
	for _, c := range []struct {
		mail                                            string
		name, title, unit, save, samePrompt, sameOK     string
		unitOld, with, logged, unengaged, fix, regTitle string
	}{
		{editorMail, "Naam", "Functie", "Afdeling", "Opslaan", "Er staat al iemand met deze naam in het register: Fatima El Amrani (Wethouder Sociaal Domein, Bestuur).",
			"Ja, een andere persoon met dezelfde naam: toch opslaan", "De bestaande afdeling Sociaal Domein", "Met", "Contact opgeslagen.",
			"Fatima El Amrani heeft veel invloed maar geen recent contact", "Oplossen: sleutelfiguur zonder contact, Fatima El Amrani (Wethouder Sociaal Domein, Bestuur)", "Persoon toevoegen"},
		{englishMail, "Name", "Title", "Unit", "Save", "The register has someone with this name already: Fatima El Amrani (Wethouder Sociaal Domein, Bestuur).",
			"Yes, another person with the same name: save anyway", "The existing unit Sociaal Domein", "With", "Contact saved.",
			"Fatima El Amrani has high influence but no recent contact", "Fix: key stakeholder not engaged, Fatima El Amrani (Wethouder Sociaal Domein, Bestuur)", "Add a person"},
	} {
		t.Run(c.mail, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			tb := e.tab(t)
			tb.signIn(c.mail)
			tb.open(ws + "/stakeholders")
			tb.submit("//main", c.regTitle)
			tb.fill("//form", c.name, "Fatima El Amrani")
			tb.fill("//form", c.title, "Adviseur")
			tb.fill("//form", c.unit, "sociaal domein")
			tb.submit("//form", c.save)
			tb.sees(c.samePrompt, "Sociaal Domein")
			tb.axe()
			if n := len(eval[[]any](tb, `[...document.querySelectorAll("[aria-invalid=true]")]`)); n != 0 {
				t.Errorf("a question is shown as %d errors", n)
			}
			tb.run("tick", chromedp.Click(field("//form", c.sameOK)))
			tb.run("pick", chromedp.Click(field("//form", c.unitOld)))
			tb.submit("//form", c.save)
			p, _, err := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "fatima-el-amrani")
			if err != nil || p.Title != "Adviseur" || p.Unit != "Sociaal Domein" {
				t.Fatalf("stored %+v %v", p, err)
			}
			tb.sees("fatima-el-amrani")

			// The finding about the first one says which, and its fix
			// fills in the contact form with her, which saves.
			tb.open(ws + "/findings")
			tb.sees(c.unengaged, "(Fatima El Amrani (Wethouder Sociaal Domein, Bestuur))")
			tb.submit("//main", c.fix)
			if got := eval[string](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)=`+xq(c.with)+`]/@for', document, null, 2, null).stringValue).value`); got != "Fatima El Amrani (Wethouder Sociaal Domein, Bestuur)" {
				t.Errorf("the fix link filled in %q", got)
			}
			tb.submit("//form[.//label[normalize-space(.)="+xq(c.with)+"]]", c.save)
			tb.sees(c.logged)
			tb.open(ws + "/findings")
			tb.seesNot(c.unengaged)

			// The type-ahead offers both, told apart; the second one saves.
			tb.open(ws + "/contacts")
			tb.run("type-ahead", chromedp.SendKeys(field("", c.with), "fatima"),
				void(chromedp.Poll[bool](`document.querySelectorAll('[role=listbox]:not([hidden]) [role=option]').length >= 2`)))
			opts := eval[[]string](tb, `[...document.querySelectorAll('[role=listbox]:not([hidden]) [role=option]')].map(o => o.textContent)`)
			if !slices.Contains(opts, "Fatima El Amrani (Adviseur, Sociaal Domein)") || !slices.Contains(opts, "Fatima El Amrani (Wethouder Sociaal Domein, Bestuur)") {
				t.Fatalf("type-ahead options %q", opts)
			}
			i := slices.Index(opts, "Fatima El Amrani (Adviseur, Sociaal Domein)")
			for range i + 1 {
				tb.keys(kb.ArrowDown)
			}
			tb.enter()
			tb.submit("//form[.//label[normalize-space(.)="+xq(c.with)+"]]", c.save)
			tb.sees(c.logged)
			es, err := graph.List[graph.Engagement](ctx, e.store, demo.ID)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, en := range es {
				found = found || slices.Equal(en.With, []string{"fatima-el-amrani"})
			}
			if !found {
				t.Error("no contact with the second Fatima was stored")
			}
			if strings.Contains(tb.text(), "past bij meerdere") || strings.Contains(tb.text(), "matches several") {
				t.Error("a name was refused as ambiguous")
			}
		})
	}
}

// TestAccessibilityAccess runs axe on the pages of sharing and accounts,
// with their one-time answers, and shares a trajectory with the keyboard
// alone.
func TestAccessibilityAccess(t *testing.T) {
	e := newEnv(t, withAccess(t, &testClock{}))
	tb := e.tab(t)
	tb.signIn(adminMail)
	for _, path := range []string{ws + "/members", "/users", ws + "/share-links", ws + "/share?target=map%3Apath&from=ld-adviseur&to=controller&mode=strongest&k=3", "/?list=1"} {
		t.Run(path, func(t *testing.T) {
			tb.t = t
			tb.open(path)
			tb.axe()
		})
	}
	tb.t = t
	tb.open(ws + "/members")
	tb.fill(formWith("Naam"), "E-mailadres", "hr.directeur@example.org")
	tb.fill(formWith("Naam"), "Naam", "Petra de Wit")
	tb.submit(formWith("Naam"), "Toegang geven")
	tb.sees("Account gemaakt voor Petra de Wit", "Eerste")
	tb.shot("access")
	tb.axe()
	// Outside a workspace the page speaks the browser's language.
	tb.open("/users")
	tb.submit("//table", "New password: hr.directeur@example.org")
	tb.sees("First password for hr.directeur@example.org")
	tb.axe()

	// Share a trajectory with the keyboard: Tab to Delen, Enter, Tab to
	// the button, Enter.
	tb.open(ws + "/trajectories/wijkgericht")
	tb.tabTo(named("//main", "Delen — Wijkgericht werken Sociaal Domein"))
	tb.enterAndWait()
	tb.sees("Traject: Wijkgericht werken Sociaal Domein")
	tb.tabTo(named("//form", "Link maken"))
	tb.enterAndWait()
	tb.sees("Uw link")
	tb.axe()
}
