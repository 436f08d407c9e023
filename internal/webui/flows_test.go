package webui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
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
	// The same name again gets the next free id.
	r = expect(t, c.post(ws+"/stakeholders", person), http.StatusSeeOther)
	if !strings.HasPrefix(r.location, ws+"/stakeholders/jan-de-vries-2?") {
		t.Fatalf("second: %q", r.location)
	}

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
