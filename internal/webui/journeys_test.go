package webui_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/render"
	"github.com/stakemap/stakemap/internal/webui"
)

// Journeys 1–10 of the workbench, walked in Chromium by labels and names.

// TestJourneyOverviewAndFindings: journeys 1 and 6. The overview shows the
// counts, the findings grouped and most severe first, and every
// trajectory; a finding's "Fix" link leads to where it is fixed.
func TestJourneyOverviewAndFindings(t *testing.T) {
	e := newEnv(t)
	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open(ws)
	tb.sees("Gemeente Oostvoorde", "41\nBelanghebbenden", "Gedeeld eigenaarschap", "Zichtbaarheid", "Alle trajecten", "Recente contacten")
	first := eval[string](tb, `document.querySelector("main ul.findings li .badge").innerText`)
	if !strings.EqualFold(first, "hoog") {
		t.Errorf("first finding has severity %q, want hoog", first)
	}
	links := eval[int](tb, `[...document.querySelectorAll("a")].filter(a => /\/trajectories\/[^/]+$/.test(a.pathname)).map(a => a.pathname).filter((p, i, all) => all.indexOf(p) === i).length`)
	if links != len(e.demo.Trajectories) {
		t.Errorf("links to %d trajectories, want %d", links, len(e.demo.Trajectories))
	}
	tb.shot("overview")

	tb.submit("//nav", "Bevindingen")
	tb.sees("Gedeeld eigenaarschap", "Zichtbaarheid", "Strategie en afhankelijkheden")
	// Wijkgericht werken has no sponsor: its fix link opens the roles panel.
	tb.submit("//li[contains(., 'Wijkgericht werken Sociaal Domein heeft geen sponsor')]", "Oplossen: geen sponsor, Wijkgericht werken Sociaal Domein")
	if p := tb.path(); p != ws+"/trajectories/wijkgericht#roles" {
		t.Errorf("fix link led to %s", p)
	}
	tb.sees("Ontbreekt", "Er is geen sponsor voor dit traject.")
}

// TestJourneyRegister: journey 2, in English. Search and filter the
// register, add a person (the id made from the name), edit them, delete
// them after confirming.
func TestJourneyRegister(t *testing.T) {
	e := newEnv(t)
	tb := e.tab(t)
	tb.signIn(englishMail)
	tb.open(ws)
	tb.submit("//nav", "Register")
	tb.sees("Stakeholder register", "41 of 41 stakeholders")
	tb.fill("//form[@role='search']", "Search", "financ")
	tb.choose("//form[@role='search']", "Attitude", "critic")
	tb.submit("//form[@role='search']", "Filter")
	tb.sees("Ruud Smit", "1 of 41 stakeholders")
	tb.seesNot("Ingrid de Boer")

	tb.submit("", "Add a person")
	tb.fill("", "Name", "Jan de Vriës")
	tb.fill("", "Title", "Inkoper")
	tb.fill("", "Unit", "Financiën")
	tb.choose("", "Level", "management")
	tb.choose("", "Influence", "4")
	tb.choose("", "Attitude", "supporter")
	tb.submit("//form", "Save")
	if p := tb.path(); !strings.HasPrefix(p, ws+"/stakeholders/jan-de-vries") {
		t.Fatalf("after saving: %s", p)
	}
	tb.sees("Jan de Vriës", "Saved.")

	tb.choose(formWith("Attitude"), "Attitude", "champion")
	tb.submit(formWith("Attitude"), "Save")
	tb.sees("Saved.")
	p, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "jan-de-vries")
	if err != nil || p.Attitude != "champion" || p.Influence != 4 || p.Unit != "Financiën" {
		t.Fatalf("stored %+v %v", p, err)
	}

	tb.submit("", "Delete this person")
	tb.sees("Delete Jan de Vriës?")
	tb.submit("//form", "Yes, delete")
	tb.sees("Jan de Vriës was deleted.", "41 of 41 stakeholders")
	if _, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "jan-de-vries"); err == nil {
		t.Error("the person is still stored")
	}
}

// TestJourneyPerson: journey 3. A person's page: give them a role, say
// who influences them, set their manager, and go to "log a contact" with
// them filled in.
func TestJourneyPerson(t *testing.T) {
	e := newEnv(t)
	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open(ws + "/stakeholders/controller")
	tb.sees("Ruud Smit", "Rollen op trajecten", "Beïnvloedt", "Wordt beïnvloed door", "Rapportagelijn", "Contacten", "Bevindingen over deze persoon")
	roles := formWith("Traject")
	tb.choose(roles, "Traject", "AI-basisvaardigheden")
	tb.choose(roles, "Rol", "sponsor")
	tb.submit(roles, "Opslaan")
	tb.sees("AI-basisvaardigheden\tsponsor")

	infl := formWith("Andere persoon")
	tb.choose(infl, "Richting", "Ruud Smit wordt beïnvloed door …")
	tb.fill(infl, "Andere persoon", "Noor Bos")
	tb.fill(infl, "Sterkte", "0,8")
	tb.submit(infl, "Opslaan")
	tb.sees("Noor Bos (Sterkte 0,8)")

	tb.submit("//main", "Contact loggen")
	if got := eval[string](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)="Met"]/@for', document, null, 2, null).stringValue).value`); got != "Ruud Smit" {
		t.Errorf("Met is %q, want Ruud Smit", got)
	}
}

// TestJourneyTrajectory: journey 4. The trajectory page names everyone
// with a stake, marks the missing roles, and a person dragged on the grid
// gets that influence and interest on this trajectory.
func TestJourneyTrajectory(t *testing.T) {
	e := newEnv(t, withMaps(t))
	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open(ws + "/trajectories/veiligheidscultuur")
	tb.sees("Veiligheidscultuur Buitendienst", "Wim Hoekstra", "Mehmet Yıldız", "Medewerkers Buitendienst", "OR-commissie Ontwikkeling", "Ton Kuipers", "Macht-belangmatrix", "Stakeholderkaart")
	tb.shot("trajectory")
	// Drag Ton Kuipers (influence 2, interest 4) to influence 5, interest 5.
	tb.run("drag", chromedp.ScrollIntoView(chromedp.CSS(`table.board`)),
		chromedp.DragAndDrop(chromedp.Search(`//button[normalize-space(.)="Ton Kuipers"]`), chromedp.CSS(`td.cell[data-influence="5"][data-interest="5"]`)))
	waitStake(t, e, "voorman-groen", "veiligheidscultuur", 5, 5)
	tb.seesSoon("Ton Kuipers: Invloed 5, belang 5")
	// The map image is drawn and shown.
	ok := eval[bool](tb, `(async () => { const img = document.querySelector("figure.map img"); if (!img.complete) await new Promise(r => img.onload = img.onerror = r); return img.naturalWidth > 100 })()`, chromedp.EvalAwaitPromise)
	if !ok {
		t.Error("the stakeholder map did not load")
	}
	// A trajectory without a sponsor: an empty, marked slot.
	tb.open(ws + "/trajectories/wijkgericht")
	tb.sees("Ontbreekt")
	tb.fill(formWith("Belanghebbende"), "Belanghebbende", "Kees van den Berg")
	tb.choose(formWith("Belanghebbende"), "Rol", "sponsor")
	tb.submit(formWith("Belanghebbende"), "Opslaan")
	tb.sees("Opgeslagen.")
	if n := eval[int](tb, `document.querySelectorAll(".slot.missing").length`); n != 0 {
		t.Errorf("%d roles still marked missing after adding the sponsor", n)
	}
}

// waitStake waits until the person's stakes on the trajectory have the
// influence and interest (a drag saves in the background).
func waitStake(t *testing.T, e *env, who, traj string, infl, intr int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rs, err := e.store.Relations(context.Background(), demo.ID, graph.RelStake)
		if err != nil {
			t.Fatal(err)
		}
		ok, any := true, false
		for _, r := range rs {
			if s := r.(graph.Stake); s.Stakeholder == who && s.Trajectory == traj {
				any = true
				if s.Influence == nil || *s.Influence != infl || s.Interest == nil || *s.Interest != intr {
					ok = false
				}
			}
		}
		if any && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s never got influence %d, interest %d", who, traj, infl, intr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestJourneyContact: journey 5, in Dutch and English. Log a contact with
// the type-ahead; the finding it settles is gone from the overview.
func TestJourneyContact(t *testing.T) {
	for _, c := range []struct {
		mail, with, about, save, unengaged, date, logged string
	}{
		{editorMail, "Met", "Over", "Opslaan", "Ruud Smit heeft veel invloed maar geen recent contact", "Datum", "Contact opgeslagen."},
		{englishMail, "With", "About", "Save", "Ruud Smit has high influence but no recent contact", "Date", "Contact saved."},
	} {
		t.Run(c.mail, func(t *testing.T) {
			e := newEnv(t)
			tb := e.tab(t)
			tb.signIn(c.mail)
			tb.open(ws)
			tb.sees(c.unengaged)
			tb.open(ws + "/contacts")
			today := eval[string](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)=`+xq(c.date)+`]/@for', document, null, 2, null).stringValue).value`)
			if today == "" {
				t.Fatal("no date filled in")
			}
			tb.run("type-ahead", chromedp.SendKeys(field("", c.with), "ruud s"),
				void(chromedp.Poll[bool](`document.querySelector('[role=listbox]:not([hidden]) [role=option]') !== null`)))
			tb.keys(kb.ArrowDown)
			tb.enter()
			if got := eval[string](tb, `document.activeElement.value`); got != "Ruud Smit, " {
				t.Errorf("type-ahead gave %q", got)
			}
			tb.fill("", c.about, "AI-basisvaardigheden")
			tb.submit("//form[.//label[normalize-space(.)="+xq(c.with)+"]]", c.save)
			tb.sees(c.logged)
			tb.seesNot(c.unengaged)
		})
	}
}

// TestJourneyPathsMapsImport: journeys 7, 8 and 9.
func TestJourneyPathsMapsImport(t *testing.T) {
	e := newEnv(t, withMaps(t), withBundles())
	tb := e.tab(t)
	tb.signIn(adminMail)

	tb.open(ws + "/paths")
	tb.fill("//form", "Van", "Noor Bos")
	tb.fill("//form", "Naar", "Henk Jansen")
	tb.submit("//form", "Zoek paden")
	tb.sees("Noor Bos", "Henk Jansen", "stap(pen), sterkte 0,")
	if n := eval[int](tb, `document.querySelectorAll("ol.paths li").length`); n < 1 {
		t.Error("no paths shown")
	}
	tb.shot("paths")

	tb.submit("//nav", "Kaarten")
	tb.choose("//form", "Kaart", "macht-belangmatrix")
	tb.choose("//form", "Traject", "AI-basisvaardigheden")
	tb.submit("//form", "Toon kaart")
	ok := eval[bool](tb, `(async () => { const img = document.querySelector("figure.map img"); if (!img.complete) await new Promise(r => img.onload = img.onerror = r); return img.naturalWidth > 100 })()`, chromedp.EvalAwaitPromise)
	if !ok {
		t.Error("the map preview did not load")
	}
	for _, format := range []string{"SVG", "PNG", "PDF"} {
		href := eval[string](tb, `[...document.querySelectorAll("a")].find(a => a.textContent.trim().startsWith(`+xq(format)+`)).href`)
		res, err := e.client().hc.Get(href)
		if err == nil {
			res.Body.Close()
		}
		// The download link needs the session: a stranger is sent to sign in.
		if err != nil || res.StatusCode != 303 {
			t.Errorf("%s download without a session: %v %v", format, err, res.StatusCode)
		}
		data := eval[string](tb, `fetch(`+xq(href)+`).then(r => r.headers.get("content-type") + " " + r.headers.get("content-disposition"))`, chromedp.EvalAwaitPromise)
		if !strings.Contains(data, "attachment") {
			t.Errorf("%s download: %s", format, data)
		}
	}
	href := eval[string](tb, `[...document.querySelectorAll("a")].find(a => a.textContent.trim() == "Presentatie downloaden (PowerPoint)").href`)
	if data := eval[string](tb, `fetch(`+xq(href)+`).then(r => r.headers.get("content-type") + " " + r.headers.get("content-disposition"))`, chromedp.EvalAwaitPromise); !strings.Contains(data, "presentationml") || !strings.Contains(data, "attachment") {
		t.Errorf("deck download: %s", data)
	}

	// Import: a stakemap/v1 document in which one person changed.
	b := e.demo.Clone()
	for i := range b.Stakeholders {
		if b.Stakeholders[i].ID == "controller" {
			b.Stakeholders[i].Attitude = "supporter"
		}
	}
	file := filepath.Join(t.TempDir(), "oostvoorde.json")
	var buf bytes.Buffer
	if err := bundle.Encode(&buf, b); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o644)
	tb.open(ws + "/import")
	tb.run("upload", chromedp.SetUploadFiles(field("", "Bestand"), []string{file}))
	tb.submit("//form", "Controleren")
	tb.sees("Wat deze import verandert", "Manier: vervangen", "Gewijzigd (1)", "Ruud Smit (belanghebbende): Houding: criticus → voorstander")
	if p, _, _ := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller"); p.Attitude != "critic" {
		t.Fatal("the check wrote to the store")
	}
	tb.submit("", "Toepassen")
	tb.sees("Import toegepast. Items: 0 toegevoegd, 1 gewijzigd, 0 verwijderd.", "Elke wijziging staat in de Geschiedenis.")
	if p, _, _ := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller"); p.Attitude != "supporter" {
		t.Error("the import was not applied")
	}
}

// TestJourneyTwoEditors: journey 10. Two people edit the same person; the
// second save says someone else changed it, keeps what they typed, and
// reloading shows the first person's change.
func TestJourneyTwoEditors(t *testing.T) {
	e := newEnv(t)
	anna, ruud := e.tab(t), e.tab(t)
	anna.signIn(adminMail)
	ruud.signIn(editorMail)
	anna.open(ws + "/stakeholders/controller")
	ruud.open(ws + "/stakeholders/controller")
	anna.fill(formWith("Functie"), "Functie", "Concerncontroller a.i.")
	anna.submit(formWith("Functie"), "Opslaan")
	anna.sees("Opgeslagen.")
	ruud.choose(formWith("Houding"), "Houding", "voorstander")
	ruud.submit(formWith("Houding"), "Opslaan")
	ruud.sees("Iemand anders heeft dit intussen gewijzigd")
	if v := eval[string](ruud, `document.getElementById(document.evaluate('//label[normalize-space(.)="Houding"]/@for', document, null, 2, null).stringValue).value`); v != "supporter" {
		t.Errorf("what was typed is lost: attitude %q", v)
	}
	ruud.submit("", "Opnieuw laden")
	if v := eval[string](ruud, `document.getElementById(document.evaluate('//label[normalize-space(.)="Functie"]/@for', document, null, 2, null).stringValue).value`); v != "Concerncontroller a.i." {
		t.Errorf("after reloading: title %q", v)
	}
	p, _, _ := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller")
	if p.Title != "Concerncontroller a.i." || p.Attitude != "critic" {
		t.Errorf("stored %q %q", p.Title, p.Attitude)
	}
}

// withMaps draws maps with the real renderer, in this process.
func withMaps(t *testing.T) option {
	r := sharedRenderer(t)
	return func(c *webui.Config) { c.Renderer = r }
}

func withBundles() option {
	return func(c *webui.Config) {
		c.ReadInput = bundle.ReadInputIn
		c.WriteBundle = func(w io.Writer, b *graph.Bundle, format string) error {
			if format == "xlsx" {
				return bundle.WriteXLSX(w, b)
			}
			return bundle.Encode(w, b)
		}
	}
}

type testMaps struct{ r *render.Renderer }

func (m testMaps) RenderDeck(ctx context.Context, b *graph.Bundle, req webui.DeckRequest) (webui.MapResult, error) {
	dr := render.DeckRequest{Bundle: b, Lang: req.Lang, Anonymize: req.Anonymize}
	if req.Trajectory != "" {
		dr.Trajectories = []string{req.Trajectory}
	}
	res, err := m.r.Deck(ctx, dr)
	if err != nil {
		return webui.MapResult{}, err
	}
	return webui.MapResult{Data: res.Data, ContentType: res.ContentType, FileName: res.FileName}, nil
}

func (m testMaps) RenderMap(ctx context.Context, b *graph.Bundle, req webui.MapRequest) (webui.MapResult, error) {
	res, err := m.r.Render(ctx, render.Request{Bundle: b, Before: req.Before, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang, Anonymize: req.Anonymize})
	if err != nil {
		return webui.MapResult{}, err
	}
	return webui.MapResult{Data: res.Data, ContentType: res.ContentType, FileName: res.FileName}, nil
}

var (
	rendererOnce sync.Once
	renderer     *render.Renderer
	rendererErr  error
)

func sharedRenderer(t *testing.T) webui.Renderer {
	t.Helper()
	rendererOnce.Do(func() { renderer, rendererErr = render.NewRenderer(render.Options{InProcess: true}) })
	if rendererErr != nil {
		t.Fatal(rendererErr)
	}
	return testMaps{renderer}
}
