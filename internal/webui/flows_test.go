package webui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
)

const ws = "/w/" + demo.ID

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	t.Run("a page sends a stranger to the sign-in page and back", func(t *testing.T) {
		c := e.client()
		r := expect(t, c.get(ws+"/stakeholders?unit=Financi%C3%ABn"), http.StatusSeeOther)
		if r.location != "/login?next="+url.QueryEscape("/w/oostvoorde/stakeholders?unit=Financi%C3%ABn") {
			t.Fatalf("location %q", r.location)
		}
		expect(t, c.get(r.location), http.StatusOK).has(t, "Aanmelden", `name="email"`, `name="password"`, `type="password"`)
		r = expect(t, c.post("/login", url.Values{"email": {editorMail}, "password": {password}, "next": {"/w/oostvoorde/stakeholders?unit=Financi%C3%ABn"}}), http.StatusSeeOther)
		if r.location != "/w/oostvoorde/stakeholders?unit=Financi%C3%ABn" {
			t.Fatalf("after sign-in: %q", r.location)
		}
		expect(t, c.get(r.location), http.StatusOK).has(t, "Ruud Smit")
		expect(t, c.post("/logout", nil), http.StatusSeeOther)
		expect(t, c.get(ws), http.StatusSeeOther)
	})
	t.Run("wrong password: the form again, e-mail kept, nothing revealed", func(t *testing.T) {
		r := expect(t, e.client().post("/login", url.Values{"email": {editorMail}, "password": {"nope"}}), http.StatusOK)
		r.has(t, "Onjuist e-mailadres of wachtwoord.", `value="`+editorMail+`"`)
		r2 := expect(t, e.client().post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"nope"}}), http.StatusOK)
		r2.has(t, "Onjuist e-mailadres of wachtwoord.")
	})
	t.Run("empty fields are named", func(t *testing.T) {
		r := expect(t, e.client().post("/login", url.Values{"email": {""}, "password": {""}}), http.StatusOK)
		if strings.Count(r.body, "Vul dit veld in.") != 2 {
			t.Errorf("want both fields flagged:\n%s", r.body)
		}
	})
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		t.Run("next stays on the site: "+next, func(t *testing.T) {
			r := expect(t, e.client().post("/login", url.Values{"email": {editorMail}, "password": {password}, "next": {next}}), http.StatusSeeOther)
			if r.location != "/" {
				t.Errorf("next %q led to %q", next, r.location)
			}
		})
	}
	t.Run("a cross-origin post is refused", func(t *testing.T) {
		c := e.signIn(editorMail)
		req, _ := http.NewRequest("POST", e.srv.URL+ws+"/contacts", strings.NewReader("date=1-1-2026&with=cfo"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := c.do(req); r.status != http.StatusForbidden {
			t.Errorf("cross-site post: %d", r.status)
		}
	})
}

func TestNotFoundAndRoles(t *testing.T) {
	e := newEnv(t)
	editor, viewer, outsider := e.signIn(editorMail), e.signIn(viewerMail), e.signIn(otherMail)
	for _, path := range []string{"/w/nowhere", ws + "/stakeholders/nobody", ws + "/trajectories/nothing", ws + "/stakeholders/ai-basis", "/w/" + demo.ID + "/bogus", "/nothing/here"} {
		expect(t, editor.get(path), http.StatusNotFound).has(t, "Niet gevonden", "Terug naar het overzicht")
	}
	// A workspace the person has no role on is not there for them.
	expect(t, outsider.get(ws), http.StatusNotFound)
	expect(t, outsider.get(ws+"/stakeholders/controller"), http.StatusNotFound)
	// A viewer reads but does not write, and sees no forms.
	expect(t, viewer.get(ws+"/stakeholders/controller"), http.StatusOK).lacks(t, `action="/w/oostvoorde/stakeholders/controller"`)
	expect(t, viewer.post(ws+"/contacts", url.Values{"date": {"1-12-2026"}, "with": {"Ruud Smit"}, "channel": {"meeting"}}), http.StatusForbidden)
	expect(t, editor.get(ws+"/settings"), http.StatusForbidden)
	expect(t, e.signIn(adminMail).get(ws+"/settings"), http.StatusOK)
}

// TestPersonForm: adding a person makes the id from the name; bad input
// is shown next to the fields in Dutch, keeps what was typed and saves
// nothing.
func TestPersonForm(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(editorMail)
	person := url.Values{"name": {"Jan de Vriës"}, "title": {"Teamleider"}, "unit": {"Financiën"}, "kind": {"person"}, "level": {"management"},
		"influence": {"4"}, "interest": {"3"}, "attitude": {"supporter"}, "contactEvery": {"30"}, "tags": {"mt, budget"}}
	r := expect(t, c.post(ws+"/stakeholders", person), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, ws+"/stakeholders/jan-de-vries?") {
		t.Fatalf("location %q", r.location)
	}
	expect(t, c.get(r.location), http.StatusOK).has(t, "Jan de Vriës", "Opgeslagen.", `value="Teamleider"`)
	p, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "jan-de-vries")
	if err != nil || p.Unit != "Financiën" || p.ContactEvery != 30 || len(p.Tags) != 2 {
		t.Fatalf("stored %+v, %v", p, err)
	}
	// The same name again is asked about first, then gets the next free
	// id.
	expect(t, c.post(ws+"/stakeholders", person), http.StatusOK).has(t,
		"Er staat al iemand met deze naam in het register: Jan de Vriës (Teamleider, Financiën). Is dit een andere persoon?",
		"Ja, een andere persoon met dezelfde naam: toch opslaan", `value="Teamleider"`)
	person.Set("sameName", "on")
	r = expect(t, c.post(ws+"/stakeholders", person), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, ws+"/stakeholders/jan-de-vries-2?") {
		t.Fatalf("second: %q", r.location)
	}
	// The history tells the two apart, as the forms do.
	expect(t, c.get(ws+"/history"), http.StatusOK).has(t, ">Jan de Vriës (jan-de-vries-2)</a>", ">Jan de Vriës (jan-de-vries)</a>")

	bad := url.Values{"name": {""}, "title": {"Hoofd Inkoop"}, "kind": {"person"}, "level": {"baas"}, "influence": {"9"}, "interest": {"3"},
		"attitude": {"voorstandr"}, "contactEvery": {"400"}, "id": {"Niet Goed!"}}
	r = expect(t, c.post(ws+"/stakeholders", bad), http.StatusOK)
	r.has(t, "Het formulier is niet opgeslagen", "Vul dit veld in.", "Kies een getal van 1 tot en met 5.",
		"Kies een van: bestuur, directie, management, medewerker, extern.", "Kies een aantal dagen van 1 tot en met 365.",
		`value="Hoofd Inkoop"`, `value="Niet Goed!"`, `aria-invalid="true"`)
	all, _ := graph.List[graph.Stakeholder](context.Background(), e.store, demo.ID)
	if len(all) != len(e.demo.Stakeholders)+2 {
		t.Errorf("bad input stored something: %d people", len(all))
	}
	// In English for an English-speaking person.
	r = expect(t, e.signIn(englishMail).post(ws+"/stakeholders", bad), http.StatusOK)
	r.has(t, "Fill in this field.", "Choose a number from 1 to 5.", "Choose one of: board, executive, management, employee, external.")
}

// TestTwoEditors is journey 10 without a browser: both open the same
// person, the first saves, the second's save is refused with a message,
// keeps what they typed, and the first's change stands.
func TestTwoEditors(t *testing.T) {
	e := newEnv(t)
	anna, ruud := e.signIn(adminMail), e.signIn(editorMail)
	page := expect(t, anna.get(ws+"/stakeholders/controller"), http.StatusOK)
	expect(t, ruud.get(ws+"/stakeholders/controller"), http.StatusOK)
	ver := between(page.body, `name="version" value="`, `"`)
	if ver == "" {
		t.Fatal("no version in the form")
	}
	form := func(attitude string) url.Values {
		return url.Values{"version": {ver}, "name": {"Ruud Smit"}, "title": {"Controller"}, "unit": {"Financiën"}, "kind": {"person"},
			"level": {"management"}, "influence": {"4"}, "interest": {"2"}, "attitude": {attitude}}
	}
	expect(t, anna.post(ws+"/stakeholders/controller", form("supporter")), http.StatusSeeOther)
	r := expect(t, ruud.post(ws+"/stakeholders/controller", form("blocker")), http.StatusOK)
	r.has(t, "Iemand anders heeft dit intussen gewijzigd", "Opnieuw laden", `<option value="blocker" selected>`)
	p, _, _ := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller")
	if p.Attitude != "supporter" {
		t.Errorf("attitude %q: the second save overwrote the first", p.Attitude)
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// TestLogContact is the loop of journey 5: a contact with the controller,
// dated the Dutch way, settles the finding that L&D never reached them.
func TestLogContact(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(editorMail)
	before := expect(t, c.get(ws), http.StatusOK)
	before.has(t, "Ruud Smit heeft veel invloed maar geen recent contact")
	page := expect(t, c.get(ws+"/contacts?with=Ruud+Smit"), http.StatusOK)
	today := between(page.body, `id="contact-date" name="date" type="text" value="`, `"`)
	if len(today) != 10 || today[2] != '-' {
		t.Fatalf("date not filled in the Dutch way: %q", today)
	}
	page.has(t, `value="Ruud Smit"`)

	t.Run("bad input is named and kept", func(t *testing.T) {
		r := expect(t, c.post(ws+"/contacts", url.Values{"date": {"31-9-2026"}, "with": {"Ruud Smitt, Niemand Bekend"}, "about": {"AI-basis"}, "channel": {"meeting"}, "summary": {"Begroting"}}), http.StatusOK)
		r.has(t, "31-9-2026 bestaat niet: september heeft 30 dagen.", "Onbekend: Ruud Smitt. Bedoelt u Ruud Smit?", "Onbekend: Niemand Bekend.", `value="Ruud Smitt, Niemand Bekend"`, ">Begroting</textarea>")
	})
	r := expect(t, c.post(ws+"/contacts", url.Values{"date": {today}, "with": {"ruud smit"}, "about": {"AI-basisvaardigheden"}, "channel": {"meeting"}, "summary": {"Begroting 2027"}}), http.StatusSeeOther)
	after := expect(t, c.get(r.location), http.StatusOK)
	after.has(t, "Contact opgeslagen.", "Opgelost door dit contact")
	after.lacks(t, "Ruud Smit heeft veel invloed maar geen recent contact")
	es, _ := graph.List[graph.Engagement](context.Background(), e.store, demo.ID)
	found := false
	for _, en := range es {
		if len(en.With) == 1 && en.With[0] == "controller" && len(en.About) == 1 && en.About[0] == "ai-basis" && en.Summary == "Begroting 2027" {
			found = true
		}
	}
	if !found {
		t.Error("the contact was not stored as typed")
	}
}

// TestRelationshipForms sets roles, influences, a manager and a place on
// the grid through the forms and checks the store.
func TestRelationshipForms(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(editorMail)
	ctx := context.Background()
	has := func(kind graph.RelKind, key graph.RelKey) bool {
		rs, err := e.store.Relations(ctx, demo.ID, kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Key() == key {
				return true
			}
		}
		return false
	}
	p := ws + "/stakeholders/controller"
	expect(t, c.post(p+"/roles", url.Values{"trajectory": {"ai-basis"}, "role": {"sponsor"}}), http.StatusSeeOther)
	if !has(graph.RelStake, graph.RelKey{A: "controller", B: "ai-basis", C: "sponsor"}) {
		t.Error("role not added")
	}
	expect(t, c.post(p+"/roles/change", url.Values{"trajectory": {"ai-basis"}, "role": {"sponsor"}, "newRole": {"owner"}}), http.StatusSeeOther)
	if has(graph.RelStake, graph.RelKey{A: "controller", B: "ai-basis", C: "sponsor"}) || !has(graph.RelStake, graph.RelKey{A: "controller", B: "ai-basis", C: "owner"}) {
		t.Error("role not changed")
	}
	expect(t, c.post(p+"/roles/remove", url.Values{"trajectory": {"ai-basis"}, "role": {"owner"}}), http.StatusSeeOther)
	if has(graph.RelStake, graph.RelKey{A: "controller", B: "ai-basis", C: "owner"}) {
		t.Error("role not removed")
	}
	expect(t, c.post(p+"/influences", url.Values{"direction": {"in"}, "other": {"Noor Bos"}, "strength": {"0,8"}}), http.StatusSeeOther)
	rs, _ := e.store.Relations(ctx, demo.ID, graph.RelInfluence)
	ok := false
	for _, r := range rs {
		if in := r.(graph.Influence); in.From == "ld-adviseur" && in.To == "controller" && in.Strength == 0.8 {
			ok = true
		}
	}
	if !ok {
		t.Error("influence Noor Bos → controller 0.8 not stored")
	}
	expect(t, c.get(p), http.StatusOK).has(t, "Noor Bos", "0,8")
	r := expect(t, c.post(p+"/influences", url.Values{"direction": {"out"}, "other": {"Ruud Smit"}, "strength": {"2"}}), http.StatusOK)
	r.has(t, "Iemand kan niet met zichzelf verbonden zijn.", "Kies een sterkte groter dan 0 en hooguit 1")
	expect(t, c.post(p+"/manager", url.Values{"manager": {"Sanne Mulder"}}), http.StatusOK).has(t, "Dit verband bestaat al.")
	expect(t, c.post(p+"/manager", url.Values{"manager": {"Henk Jansen"}}), http.StatusSeeOther)
	if !has(graph.RelReportsTo, graph.RelKey{A: "controller", B: "gemeentesecretaris"}) {
		t.Error("manager not set")
	}

	// The grid: the arbo-adviseur's influence and interest on one
	// trajectory change, their own values stay.
	tp := ws + "/trajectories/veiligheidscultuur"
	expect(t, c.post(tp+"/grid", url.Values{"stakeholder": {"arbo-adviseur"}, "influence": {"5"}, "interest": {"4"}}), http.StatusSeeOther)
	stakes, _ := e.store.Relations(ctx, demo.ID, graph.RelStake)
	for _, r := range stakes {
		if s := r.(graph.Stake); s.Stakeholder == "arbo-adviseur" && s.Trajectory == "veiligheidscultuur" {
			if s.Influence == nil || *s.Influence != 5 || s.Interest == nil || *s.Interest != 4 {
				t.Errorf("stake %+v", s)
			}
		}
	}
	me, _, _ := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "arbo-adviseur")
	if me.Influence != 2 {
		t.Errorf("own influence changed to %d", me.Influence)
	}
	expect(t, c.get(tp), http.StatusOK).has(t, `data-id="arbo-adviseur" data-influence="5" data-interest="4"`)
	// A trajectory without a sponsor shows the empty, marked slot.
	expect(t, c.get(ws+"/trajectories/wijkgericht"), http.StatusOK).has(t, `class="slot missing"`, "Er is geen sponsor voor dit traject.")
}

func TestTrajectoryForms(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(editorMail)
	ctx := context.Background()
	r := expect(t, c.post(ws+"/trajectories", url.Values{"name": {"Feedback geven"}, "status": {"planned"}, "start": {"1-2-2027"},
		"end": {"30-6-2027"}, "reviewBy": {"2027-03-15"}, "measure": {"360-graden-feedback"}}), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, ws+"/trajectories/feedback-geven?") {
		t.Fatalf("location %q", r.location)
	}
	tr, _, err := graph.Get[graph.Trajectory](ctx, e.store, demo.ID, "feedback-geven")
	if err != nil || tr.Start != "2027-02-01" || tr.End != "2027-06-30" || tr.ReviewBy != "2027-03-15" {
		t.Fatalf("stored %+v %v", tr, err)
	}
	expect(t, c.get(r.location), http.StatusOK).has(t, `value="01-02-2027"`, "Ontbreekt")
	r = expect(t, c.post(ws+"/trajectories", url.Values{"name": {"X"}, "status": {"bezig"}, "start": {"29-2-2027"}}), http.StatusOK)
	r.has(t, "29-2-2027 bestaat niet: februari heeft 28 dagen.", "Kies een van: idee, gepland, lopend, afgerond, gestopt.")

	p := ws + "/trajectories/feedback-geven"
	expect(t, c.post(p+"/goals", url.Values{"goal": {"Digitale gemeente"}}), http.StatusOK).has(t, "Onbekend: Digitale gemeente.")
	goal := e.demo.Goals[0]
	expect(t, c.post(p+"/goals", url.Values{"goal": {goal.Name}}), http.StatusSeeOther)
	expect(t, c.post(p+"/dependencies", url.Values{"on": {"AI-basisvaardigheden"}, "note": {"eerst de basis"}}), http.StatusSeeOther)
	page := expect(t, c.get(p), http.StatusOK)
	page.has(t, goal.Name, "AI-basisvaardigheden", "eerst de basis")
	expect(t, c.post(p+"/dependencies/remove", url.Values{"on": {"ai-basis"}}), http.StatusSeeOther)
	expect(t, c.post(p+"/goals/remove", url.Values{"goal": {goal.ID}}), http.StatusSeeOther)
	if ds, _ := e.store.Relations(ctx, demo.ID, graph.RelDependsOn); slices.ContainsFunc(ds, func(r graph.Relation) bool { return r.Key().A == "feedback-geven" }) {
		t.Error("dependency not removed")
	}
	// Delete after confirming.
	confirm := expect(t, c.get(p+"/delete"), http.StatusOK)
	confirm.has(t, "Feedback geven verwijderen?")
	ver := between(confirm.body, `name="version" value="`, `"`)
	expect(t, c.post(p+"/delete", url.Values{"version": {ver}}), http.StatusSeeOther)
	expect(t, c.get(p), http.StatusNotFound)
}

func TestSettingsAndExport(t *testing.T) {
	e := newEnv(t, withBundles())
	admin := e.signIn(adminMail)
	page := expect(t, admin.get(ws+"/settings"), http.StatusOK)
	page.has(t, "Geschiedenis bewaren (maanden)", `name="retentionMonths" type="number" value="0"`)
	ver := between(page.body, `name="version" value="`, `"`)
	expect(t, admin.post(ws+"/settings", url.Values{"version": {ver}, "name": {"Gemeente Oostvoorde"}, "language": {"nl"}, "retentionMonths": {"2000"}}), http.StatusOK).
		has(t, "Kies een aantal maanden van 0 tot en met 1200.")
	expect(t, admin.post(ws+"/settings", url.Values{"version": {ver}, "name": {"Gemeente Oostvoorde"}, "language": {"en"}, "ldUnit": {"HR & Organisatie"}, "retentionMonths": {"24"}}), http.StatusSeeOther)
	w, _ := e.store.Workspace(context.Background(), demo.ID)
	if w.Language != "en" || w.LDUnit != "HR & Organisatie" {
		t.Fatalf("stored %+v", w)
	}
	st, err := e.store.(graph.History).HistoryState(context.Background(), demo.ID)
	if err != nil || st.Settings.RetentionMonths != 24 {
		t.Fatalf("retention %+v %v", st.Settings, err)
	}
	// The change is one settings event, not a whole workspace written again.
	evs, err := e.store.(graph.History).Events(context.Background(), demo.ID, graph.EventQuery{Limit: 5})
	if err != nil || len(evs) == 0 || evs[0].Kind != "workspace" {
		t.Fatalf("latest events %+v %v", evs, err)
	}
	// The workspace language is now English for people without their own.
	expect(t, admin.get(ws), http.StatusOK).has(t, "Overview")
	// A stale settings form is refused and changes nothing.
	r := expect(t, admin.post(ws+"/settings", url.Values{"version": {ver}, "name": {"Anders"}, "language": {"nl"}}), http.StatusOK)
	r.has(t, "Someone else changed this meanwhile")
	if w, _ := e.store.Workspace(context.Background(), demo.ID); w.Name != "Gemeente Oostvoorde" {
		t.Error("a stale settings form was saved")
	}
	for _, f := range []struct{ file, ctype, magic string }{
		{"oostvoorde.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"oostvoorde.json", "application/json", "{"},
	} {
		r := expect(t, admin.get(ws+"/export/"+f.file), http.StatusOK)
		if r.header.Get("Content-Type") != f.ctype || !strings.HasPrefix(r.body, f.magic) || !strings.Contains(r.header.Get("Content-Disposition"), f.file) {
			t.Errorf("%s: %s %q", f.file, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
		}
	}
	expect(t, admin.get(ws+"/export/oostvoorde.exe"), http.StatusNotFound)
}

func TestPathsForm(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(editorMail)
	// Whom to start from: L&D's own people (tagged L&D in the demo).
	expect(t, c.get(ws+"/paths"), http.StatusOK).has(t, `id="path-from" name="from" type="text" value="Joëlle Hendriks"`,
		"Meestal begint u bij iemand van L&amp;D: Joëlle Hendriks, Noor Bos.")
	r := expect(t, c.get(ws+"/paths?from=Noor+Bos&to=Henk+Jansen&mode=strongest&k=3"), http.StatusOK)
	r.has(t, "hoe groter, hoe sterker de invloedslijn")
	if !regexp.MustCompile(`stap\(pen\), sterkte 0,\d+ — een (sterke|redelijke|zwakke) lijn`).MatchString(r.body) {
		t.Errorf("strength in words missing:\n%s", between(r.body, `<ol class="paths">`, `</ol>`))
	}
	r = expect(t, c.get(ws+"/paths?from=Noor+Boss&to=Henk+Jansen&mode=strongest&k=50"), http.StatusOK)
	r.has(t, "Onbekend: Noor Boss. Bedoelt u Noor Bos?", "Kies een aantal van 1 tot en met 20.", `value="Noor Boss"`)
	r = expect(t, c.get(ws+"/paths?from=Noor+Bos&to=Henk+Jansen&mode=shortest&k=2"), http.StatusOK)
	if strings.Count(between(r.body, `<ol class="paths">`, `</ol>`), "<li>") != 2 {
		t.Errorf("want 2 paths:\n%s", between(r.body, `<ol class="paths">`, `</ol>`))
	}
}

// TestNewWorkspace: a global admin starts a workspace for a new client in
// the browser; nobody else may. With one workspace, signing in opens it.
func TestNewWorkspace(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(adminMail)
	if r := expect(t, admin.get("/"), http.StatusSeeOther); r.location != ws {
		t.Errorf("with one workspace / leads to %q", r.location)
	}
	expect(t, admin.get(ws), http.StatusOK).has(t, `href="/?list=1"`)
	expect(t, admin.get("/?list=1"), http.StatusOK).has(t, "Nieuwe werkruimte", "Gemeente Oostvoorde")
	r := expect(t, admin.post("/", url.Values{"name": {"Zorggroep Noord"}, "language": {"nl"}}), http.StatusSeeOther)
	if r.location != "/w/zorggroep-noord/stakeholders" {
		t.Fatalf("location %q", r.location)
	}
	expect(t, admin.get(r.location), http.StatusOK).has(t, "Zorggroep Noord", "0 van 0 belanghebbenden")
	expect(t, admin.post("/", url.Values{"name": {""}, "language": {"fr"}, "id": {"zorggroep-noord"}}), http.StatusOK).has(t, "Vul dit veld in.", "Kies een van: Nederlands, Engels.")
	expect(t, admin.post("/", url.Values{"name": {"Nog eens"}, "language": {"nl"}, "id": {"zorggroep-noord"}}), http.StatusOK).has(t, "Deze id is al in gebruik.")
	expect(t, e.signIn(editorMail).post("/", url.Values{"name": {"Stiekem"}, "language": {"nl"}}), http.StatusForbidden)
}

// postFile posts a form with a file, as the import page does.
func (c *client) postFile(path, field, name string, data []byte, values url.Values) response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range values {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// TestImportMerge: a register kept in Excel (here its CSV sheet, without
// ids) is merged into the workspace: the check shows what it adds and
// changes and writes nothing; applying writes exactly that; a file of
// another workspace and a changed workspace are refused.
func TestImportMerge(t *testing.T) {
	e := newEnv(t, withBundles())
	c := e.signIn(editorMail)
	ctx := context.Background()
	sheet := "Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding\nRuud Smit;Concerncontroller;Financiën;management;4;2;voorstander\nJan de Vries;Inkoper;Financiën;medewerker;2;3;neutraal\n"
	r := expect(t, c.postFile(ws+"/import", "file", "belanghebbenden.csv", []byte(sheet), url.Values{"mode": {"auto"}}), http.StatusOK)
	r.has(t, "Manier: samenvoegen", "Toegevoegd (1)", "Jan de Vries", "Gewijzigd (1)", "Ruud Smit", "Houding: criticus → voorstander")
	r.lacks(t, "Verwijderd (")
	if _, _, err := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "jan-de-vries"); err == nil {
		t.Fatal("the check wrote to the store")
	}
	pending := between(r.body, `name="pending" value="`, `"`)
	expect(t, c.post(ws+"/import/apply", url.Values{"pending": {pending}}), http.StatusSeeOther)
	if p, _, err := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "jan-de-vries"); err != nil || p.Title != "Inkoper" {
		t.Fatalf("after applying: %+v %v", p, err)
	}
	all, _ := graph.List[graph.Stakeholder](ctx, e.store, demo.ID)
	if len(all) != len(e.demo.Stakeholders)+1 {
		t.Errorf("%d people after merging one in; nothing should have gone", len(all))
	}
	// Applying twice does nothing: the check is gone.
	expect(t, c.post(ws+"/import/apply", url.Values{"pending": {pending}}), http.StatusOK).has(t, "Deze controle is verlopen")

	// A check, then someone else changes the workspace: applying is refused.
	r = expect(t, c.postFile(ws+"/import", "file", "belanghebbenden.csv", []byte(strings.Replace(sheet, "Inkoper", "Hoofd Inkoop", 1)), nil), http.StatusOK)
	pending = between(r.body, `name="pending" value="`, `"`)
	expect(t, e.signIn(adminMail).post(ws+"/contacts", url.Values{"date": {"1-12-2026"}, "with": {"Noor Bos"}, "channel": {"meeting"}}), http.StatusSeeOther)
	r = expect(t, c.post(ws+"/import/apply", url.Values{"pending": {pending}}), http.StatusOK)
	r.has(t, "De werkruimte is gewijzigd sinds de controle")
	if p, _, _ := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "jan-de-vries"); p.Title != "Inkoper" {
		t.Error("a stale import was applied")
	}

	// A stakemap/v1 document of another workspace.
	other := e.demo.Clone()
	other.Workspace.ID = "elders"
	var buf bytes.Buffer
	bundle.Encode(&buf, other)
	expect(t, c.postFile(ws+"/import", "file", "elders.json", buf.Bytes(), nil), http.StatusOK).has(t, "Dit bestand hoort bij werkruimte elders, niet bij oostvoorde.")
	// Something that is no workspace at all.
	expect(t, c.postFile(ws+"/import", "file", "notities.txt", []byte("hallo"), nil), http.StatusOK).has(t, "aria-invalid=\"true\"")
}

// TestImportConflicts: a workbook exported from stakemap, edited in Excel
// while a colleague changed the same field in stakemap, shows the
// conflict; applying asks which side wins and then writes that side.
func TestImportConflicts(t *testing.T) {
	e := newEnv(t, withBundles())
	c := e.signIn(editorMail)
	ctx := context.Background()
	wb := expect(t, c.get(ws+"/export/oostvoorde.xlsx"), http.StatusOK).body
	x, err := excelize.OpenReader(strings.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	edited := false
	for _, sheet := range x.GetSheetList() {
		rows, _ := x.GetRows(sheet)
		if len(rows) == 0 {
			continue
		}
		col := slices.Index(rows[0], "Houding")
		for i, row := range rows {
			if col >= 0 && slices.Contains(row, "Ruud Smit") {
				cell, _ := excelize.CoordinatesToCellName(col+1, i+1)
				x.SetCellValue(sheet, cell, "voorstander")
				edited = true
			}
		}
	}
	if !edited {
		t.Fatal("no Houding of Ruud Smit in the export")
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	// Meanwhile a colleague records another attitude in stakemap.
	p, ver, _ := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "controller")
	p.Attitude = "blocker"
	if _, err := e.store.UpdateNode(ctx, demo.ID, p, ver); err != nil {
		t.Fatal(err)
	}
	r := expect(t, c.postFile(ws+"/import", "file", "oostvoorde.xlsx", buf.Bytes(), url.Values{"mode": {"auto"}}), http.StatusOK)
	r.has(t, "Tegenstrijdig", "Ruud Smit", "<td>Houding</td><td>criticus</td><td>voorstander</td><td>blokkeerder</td>", "Wie wint bij een tegenstrijdigheid?")
	pending := between(r.body, `name="pending" value="`, `"`)
	r = expect(t, c.post(ws+"/import/apply", url.Values{"pending": {pending}}), http.StatusOK)
	r.has(t, "Er zijn tegenstrijdigheden: kies wie wint")
	if p, _, _ := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "controller"); p.Attitude != "blocker" {
		t.Fatalf("written without a choice: %q", p.Attitude)
	}
	expect(t, c.post(ws+"/import/apply", url.Values{"pending": {pending}, "prefer": {"sheet"}}), http.StatusSeeOther)
	if p, _, _ := graph.Get[graph.Stakeholder](ctx, e.store, demo.ID, "controller"); p.Attitude != "supporter" {
		t.Errorf("the sheet should have won: %q", p.Attitude)
	}
}

// TestShareLinks: a share link shows what it was made for and nothing
// else, to anyone, without signing in; its image is drawn from the same.
func TestShareLinks(t *testing.T) {
	e := newEnv(t, withMaps(t))
	anyone := e.client()
	expect(t, anyone.get("/s/geraden"), http.StatusNotFound)
	expect(t, anyone.get("/s/geraden.svg"), http.StatusNotFound)

	r := expect(t, anyone.get("/s/traject-anoniem"), http.StatusOK)
	r.has(t, "Veiligheidscultuur Buitendienst", "sponsor", "eigenaar", "Personen staan erin met functie en afdeling")
	r.lacks(t, "Wim Hoekstra", "Mehmet Yıldız", "AI-basisvaardigheden", "Afmelden", `href="/w/`)

	r = expect(t, anyone.get("/s/werkruimte"), http.StatusOK)
	r.has(t, "Gemeente Oostvoorde", "AI-basisvaardigheden", "Veiligheidscultuur Buitendienst")
	r.lacks(t, "Beslist mee over het decentrale opleidingsbudget") // notes never show

	img := expect(t, anyone.get("/s/kaart.svg"), http.StatusOK)
	if !strings.HasPrefix(img.header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(img.body, "<svg") {
		t.Fatalf("map image: %s", img.header.Get("Content-Type"))
	}
	if strings.Contains(img.body, "Sanne Mulder") {
		t.Error("an anonymised map names a person")
	}
	// No query parameter widens a link.
	if again := anyone.get("/s/kaart.svg?anonymize=false&trajectory=veiligheidscultuur"); again.body != img.body {
		t.Error("a query parameter changed what a link shows")
	}
	expect(t, anyone.get("/s/kaart.exe"), http.StatusNotFound)
}

// TestAccountPage: change the password, make and revoke a personal token
// (shown once), and sign out everywhere.
func TestAccountPage(t *testing.T) {
	e := newEnv(t)
	c, other := e.signIn(editorMail), e.signIn(editorMail)
	page := expect(t, c.get("/account"), http.StatusOK)
	page.has(t, "Mijn account", "Wachtwoord wijzigen", "Persoonlijke tokens", "Overal afmelden",
		"Gemeente Oostvoorde (redacteur)", `<option value="editor"`, "Uw werkruimtes", `<a href="/w/oostvoorde">Gemeente Oostvoorde (redacteur)</a>`)
	// An editor is offered no role above their own.
	page.lacks(t, `<option value="admin"`)
	r := expect(t, c.post("/account/password", url.Values{"current": {"fout"}, "next": {"nieuw-wachtwoord"}}), http.StatusOK)
	r.has(t, "Dit is niet uw huidige wachtwoord.")
	r.lacks(t, "nieuw-wachtwoord")
	expect(t, c.post("/account/password", url.Values{"current": {password}, "next": {"een nieuw wachtwoord"}}), http.StatusSeeOther)

	r = expect(t, c.post("/account/tokens", url.Values{"name": {"rapportage"}, "workspace": {demo.ID}, "role": {"admin"}}), http.StatusOK)
	r.has(t, "Een token kan niet meer dan uw eigen rol in deze werkruimte (redacteur).")
	r = expect(t, c.post("/account/tokens", url.Values{"name": {"rapportage"}, "workspace": {demo.ID}, "role": {"viewer"}, "expiresAt": {"31-12-2026"}}), http.StatusOK)
	r.has(t, "smk_t1.geheim", "rapportage", "31-12-2026")
	again := expect(t, c.get("/account"), http.StatusOK)
	again.has(t, "rapportage")
	again.lacks(t, "smk_t1.geheim")
	expect(t, c.post("/account/tokens/revoke", url.Values{"id": {"t1"}}), http.StatusSeeOther)
	expect(t, c.get("/account"), http.StatusOK).has(t, "Nog geen tokens.")

	expect(t, c.post("/account/signout-everywhere", nil), http.StatusSeeOther)
	expect(t, c.get(ws), http.StatusSeeOther)
	expect(t, other.get(ws), http.StatusSeeOther)
}

// TestMembersPage: a workspace admin gives people roles by e-mail —
// someone without an account gets one, with that role only, and a first
// password shown once — changes a role and takes it away; a service admin
// makes, resets and removes accounts on the users page. Real accounts
// (the access service), so the rules are the service's own.
func TestMembersPage(t *testing.T) {
	e := newEnv(t, withAccess(t, &testClock{}))
	admin := e.signIn(adminMail)
	// The service admin has no membership of their own; make Kees an admin
	// of the workspace to manage it as a workspace admin would.
	expect(t, admin.post(ws+"/members", url.Values{"account": {viewerMail}, "role": {"admin"}, "change": {"1"}}), http.StatusSeeOther)
	kees := e.signIn(viewerMail)
	expect(t, kees.get(ws+"/members"), http.StatusOK).has(t, "Wie heeft toegang", editorMail, viewerMail, "Toegang geven")

	r := expect(t, kees.post(ws+"/members", url.Values{"account": {"hr.directeur@example.org"}, "name": {"Petra de Wit"}, "role": {"viewer"}}), http.StatusOK)
	r.has(t, "Account gemaakt voor Petra de Wit (hr.directeur@example.org)", "rol lezer in deze werkruimte en verder niets", "Mijn account")
	initial := regexp.MustCompile(`id="initial-pw" type="text" readonly value="([a-z2-9-]+)"`).FindStringSubmatch(r.body)
	if initial == nil {
		t.Fatalf("no first password shown:\n%s", between(r.body, "<main", "</main>"))
	}
	expect(t, kees.get(ws+"/members"), http.StatusOK).lacks(t, initial[1])
	petra := e.client()
	expect(t, petra.post("/login", url.Values{"email": {"hr.directeur@example.org"}, "password": {initial[1]}}), http.StatusSeeOther)
	// Kees has seen that password: until Petra chooses her own, every
	// page leads to choosing it, and nothing else can be done.
	for path, want := range map[string]string{
		"/":                  "/account#pw-h",
		ws:                   "/account?after=%2Fw%2Foostvoorde#pw-h",
		ws + "/stakeholders": "/account?after=%2Fw%2Foostvoorde%2Fstakeholders#pw-h",
	} {
		if r := expect(t, petra.get(path), http.StatusSeeOther); r.location != want {
			t.Errorf("%s with a first password goes to %q, want %q", path, r.location, want)
		}
	}
	expect(t, petra.post("/account/tokens", url.Values{"workspace": {demo.ID}, "role": {"viewer"}}), http.StatusSeeOther)
	first := expect(t, petra.get("/account?after=%2Fw%2Foostvoorde%2Fstakeholders"), http.StatusOK)
	first.has(t, "Kies eerst een eigen wachtwoord.", "Wachtwoord wijzigen", `name="after" value="/w/oostvoorde/stakeholders"`)
	first.lacks(t, "Persoonlijke tokens", "Overal afmelden")
	after := ws + "/stakeholders"
	same := expect(t, petra.post("/account/password", url.Values{"current": {initial[1]}, "next": {initial[1]}, "after": {after}}), http.StatusOK)
	same.has(t, "Dit moet anders zijn dan uw huidige wachtwoord.", `name="after" value="/w/oostvoorde/stakeholders"`)
	same.lacks(t, initial[1])
	// Then on to the page she was going to.
	if r := expect(t, petra.post("/account/password", url.Values{"current": {initial[1]}, "next": {"mijn eigen wachtwoord"}, "after": {after}}), http.StatusSeeOther); r.location != after {
		t.Errorf("after her own password: %q, want %q", r.location, after)
	}
	expect(t, petra.get(after), http.StatusOK).has(t, "Uw eigen wachtwoord is ingesteld.")
	if r := expect(t, petra.get("/"), http.StatusSeeOther); r.location != ws {
		t.Errorf("the new viewer's start: %q", r.location)
	}
	page := expect(t, petra.get(ws), http.StatusOK)
	page.has(t, "Gemeente Oostvoorde")
	page.lacks(t, ">Contact loggen<", ">Import en export<", ">Oplossen<", ">Gedeelde links<")
	expect(t, petra.post(ws+"/contacts", url.Values{"date": {"1-12-2026"}, "with": {"cfo"}}), http.StatusForbidden)

	// An existing account keeps its name and password.
	expect(t, kees.post(ws+"/members", url.Values{"account": {otherMail}, "name": {"Iemand Anders"}, "role": {"editor"}}), http.StatusSeeOther)
	expect(t, e.signIn(otherMail).get(ws+"/stakeholders"), http.StatusOK)
	expect(t, kees.post(ws+"/members", url.Values{"account": {"geen@adres"}, "role": {"viewer"}}), http.StatusOK).has(t, "moet een e-mailadres zijn")
	r = expect(t, kees.post(ws+"/members", url.Values{"account": {"geen adres"}, "role": {"baas"}}), http.StatusOK)
	r.has(t, "Vul een e-mailadres in, zoals naam@voorbeeld.nl.", "Kies een van: lezer, redacteur, beheerder.")
	expect(t, kees.post(ws+"/members/remove", url.Values{"account": {otherMail}}), http.StatusSeeOther)
	expect(t, e.signIn(otherMail).get(ws+"/stakeholders"), http.StatusNotFound)
	expect(t, e.signIn(editorMail).get(ws+"/members"), http.StatusForbidden)

	// The users page is the service admins'.
	expect(t, kees.get("/users"), http.StatusForbidden)
	expect(t, admin.get(ws), http.StatusOK).has(t, `href="/users"`)
	expect(t, admin.get("/users"), http.StatusOK).has(t, "Gebruikers van deze dienst", "hr.directeur@example.org", "oostvoorde (lezer)")
	r = expect(t, admin.post("/users", url.Values{"email": {"nieuw@example.org"}, "name": {"Nina Nieuw"}, "role": {""}}), http.StatusOK)
	r.has(t, "Eerste wachtwoord voor Nina Nieuw (nieuw@example.org)")
	expect(t, admin.post("/users", url.Values{"email": {"nieuw@example.org"}}), http.StatusOK).has(t, "Dit e-mailadres heeft al een account.")
	r = expect(t, admin.post("/users/password", url.Values{"account": {"hr.directeur@example.org"}}), http.StatusOK)
	reset := regexp.MustCompile(`id="initial-pw" type="text" readonly value="([a-z2-9-]+)"`).FindStringSubmatch(r.body)
	if reset == nil {
		t.Fatal("no new password shown")
	}
	expect(t, e.client().post("/login", url.Values{"email": {"hr.directeur@example.org"}, "password": {"mijn eigen wachtwoord"}}), http.StatusOK).has(t, "Onjuist e-mailadres of wachtwoord.")
	expect(t, e.client().post("/login", url.Values{"email": {"hr.directeur@example.org"}, "password": {reset[1]}}), http.StatusSeeOther)
	expect(t, admin.get("/users/remove?account=nieuw%40example.org"), http.StatusOK).has(t, "Het account nieuw@example.org verwijderen?")
	r = expect(t, admin.post("/users/remove?account=nieuw%40example.org", nil), http.StatusSeeOther)
	expect(t, admin.get(r.location), http.StatusOK).has(t, "nieuw@example.org is verwijderd.")
	expect(t, admin.get("/users"), http.StatusOK).lacks(t, "nieuw@example.org")
}

// TestImportOwnRegister: Marieke's own register, mijn-register.csv, is
// told by its headers; its "Laatste contact" column is explained in
// Dutch; without it the register merges. The import page offers a blank
// template workbook that imports back and takes a filled-in row.
func TestImportOwnRegister(t *testing.T) {
	e := newEnv(t, withBundles())
	c := e.signIn(editorMail)
	register := "Naam;Functie;Afdeling;Niveau;Invloed;Belang;Houding;Laatste contact\nPetra de Wit;HR-directeur;HR & Organisatie;directie;5;4;neutraal;12-11-2026\n"
	r := expect(t, c.postFile(ws+"/import", "file", "mijn-register.csv", []byte(register), nil), http.StatusOK)
	r.has(t, "Het bestand is niet ingelezen: 1 probleem.", "kolom Laatste contact", "blad Contactmomenten", "Contact loggen")
	r.lacks(t, "is not a known sheet", "is geen bekend blad", "sheet ")
	// A file whose headers say nothing is explained in the person's
	// language, with the headers it would need.
	junk := expect(t, c.postFile(ws+"/import", "file", "rommel.csv", []byte("a;b;c\n1;2;3\n"), nil), http.StatusOK)
	junk.has(t, "Er is niets ingelezen of opgeslagen: hieronder staat wat er niet klopt.", "Het bestand is niet ingelezen: 1 probleem.", "wordt niet herkend", "Naam, Soort, Functie, Afdeling, Niveau, Invloed, Belang, Houding", "Belanghebbenden")
	junk.lacks(t, "is not recognised", "stakeholders, trajectories")
	// The same file for an English-speaking editor: the page speaks
	// English, the problem the sheet's Dutch.
	expect(t, e.signIn(englishMail).postFile(ws+"/import", "file", "mijn-register.csv", []byte(register), nil), http.StatusOK).
		has(t, "The file was not read: 1 problem.", "blad Contactmomenten")
	r = expect(t, c.postFile(ws+"/import", "file", "mijn-register.csv", []byte(strings.ReplaceAll(strings.ReplaceAll(register, ";Laatste contact", ""), ";12-11-2026", "")), nil), http.StatusOK)
	r.has(t, "Manier: samenvoegen", "Toegevoegd (1)", "Petra de Wit")
	expect(t, c.postFile(ws+"/import", "file", "kapot.xlsx", []byte("PK\x03\x04 kapot"), nil), http.StatusOK).
		has(t, "Het bestand kon niet worden gelezen. Is het een Excel-werkmap (.xlsx)")

	page := expect(t, c.get(ws+"/import"), http.StatusOK)
	page.has(t, "Leeg sjabloon (.xlsx)", `href="/w/oostvoorde/template.xlsx"`)
	tpl := expect(t, c.get(ws+"/template.xlsx"), http.StatusOK)
	if !strings.Contains(tpl.header.Get("Content-Disposition"), "stakemap-sjabloon.xlsx") {
		t.Errorf("template download: %v", tpl.header)
	}
	f, err := excelize.OpenReader(strings.NewReader(tpl.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Belanghebbenden")
	if err != nil || len(rows) != 1 || rows[0][0] != "Naam" {
		t.Fatalf("the register sheet of the template: %v %v", rows, err)
	}
	dvs, err := f.GetDataValidations("Belanghebbenden")
	if err != nil || len(dvs) < 3 {
		t.Errorf("drop-down lists in the template: %d %v", len(dvs), err)
	}
	r = expect(t, c.postFile(ws+"/import", "file", "stakemap-sjabloon.xlsx", []byte(tpl.body), nil), http.StatusOK)
	r.has(t, "Het bestand verandert niets.")
	for i, v := range []any{"Petra de Wit", "persoon", "HR-directeur", "HR & Organisatie", "directie", 5, 4, "neutraal"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue("Belanghebbenden", cell, v)
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	r = expect(t, c.postFile(ws+"/import", "file", "register.xlsx", filled.Bytes(), nil), http.StatusOK)
	r.has(t, "Toegevoegd (1)", "Petra de Wit")
	// Viewers export; they see no import form and no template.
	kijker := expect(t, e.signIn(viewerMail).get(ws+"/import"), http.StatusOK)
	kijker.has(t, "<h1>Exporteren</h1>", "Excel-werkmap (.xlsx)")
	kijker.lacks(t, `type="file"`, "Leeg sjabloon")
}
