package webui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/history"
)

// ActorNames makes the fake sign-in name the accounts of the history by
// their display names, as access.Service does.
func (a *fakeAuth) ActorNames(_ context.Context, ids []string) (map[string]string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]string{}
	for _, acc := range a.accounts {
		for _, id := range ids {
			if acc.p.AccountID == id {
				out[id] = acc.p.Name
			}
		}
	}
	return out, nil
}

// savePerson posts a person's form as the page would, with the stored
// values and the changes given.
func savePerson(t *testing.T, e *env, c *client, id string, change map[string]string) {
	t.Helper()
	p, ver, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"name": {p.Name}, "kind": {p.Kind}, "title": {p.Title}, "unit": {p.Unit}, "level": {p.Level},
		"influence": {strconv.Itoa(p.Influence)}, "interest": {strconv.Itoa(p.Interest)}, "attitude": {p.Attitude},
		"notes": {p.Notes}, "tags": {strings.Join(p.Tags, ", ")}, "version": {strconv.FormatInt(ver, 10)}}
	if p.ContactEvery > 0 {
		f.Set("contactEvery", strconv.Itoa(p.ContactEvery))
	}
	for k, v := range change {
		f.Set(k, v)
	}
	expect(t, c.post(ws+"/stakeholders/"+id, f), http.StatusSeeOther)
}

// text is a page's text without tags, spaces folded, for reading
// sentences that the markup breaks up.
func text(body string) string {
	body = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, "")
	for _, r := range [][2]string{{"&amp;", "&"}, {"&#39;", "'"}, {"&quot;", `"`}, {"&lt;", "<"}, {"&gt;", ">"}} {
		body = strings.ReplaceAll(body, r[0], r[1])
	}
	return strings.Join(strings.Fields(body), " ")
}

func (r response) says(t testing.TB, wants ...string) {
	t.Helper()
	txt := text(r.body)
	for _, w := range wants {
		if !strings.Contains(txt, w) {
			t.Errorf("page does not say %q (status %d)", w, r.status)
		}
	}
}

func (r response) saysNot(t testing.TB, wants ...string) {
	t.Helper()
	txt := text(r.body)
	for _, w := range wants {
		if strings.Contains(txt, w) {
			t.Errorf("page says %q, which it should not", w)
		}
	}
}

// TestHistoryPage: changes made on the pages are listed newest first, in
// words, with who made them; the filters narrow the list, bad dates are
// named, and the list is paged.
func TestHistoryPage(t *testing.T) {
	e := newEnv(t)
	editor := e.signIn(editorMail)
	savePerson(t, e, editor, "controller", map[string]string{"attitude": "supporter", "influence": "5"})
	expect(t, editor.post(ws+"/contacts", url.Values{"date": {"1-12-2026"}, "with": {"Ruud Smit"}, "about": {"AI-basisvaardigheden"},
		"channel": {"meeting"}, "summary": {"Begroting besproken"}}), http.StatusSeeOther)

	page := expect(t, editor.get(ws+"/history"), http.StatusOK)
	page.says(t, "Geschiedenis",
		"Contact van 01-12-2026 (overleg) met Ruud Smit over AI-basisvaardigheden (contactmoment): toegevoegd, door Ruud Redacteur",
		"Ruud Smit (belanghebbende): Invloed: 4 → 5; Houding: criticus → voorstander, door Ruud Redacteur")
	txt := text(page.body)
	if strings.Index(txt, "Contact van 01-12-2026") > strings.Index(txt, "Houding: criticus → voorstander") {
		t.Error("the history is not newest first")
	}
	// The demo was imported without an actor; the import's events say so.
	page.says(t, "door onbekend")
	// The time is the minute, in the display zone.
	if !regexp.MustCompile(`door Ruud Redacteur, \d\d-\d\d-\d{4} \d\d:\d\d`).MatchString(txt) {
		t.Errorf("no time in the Dutch way: %.300s", txt)
	}

	// Filters: by kind, by name, by period.
	byKind := expect(t, editor.get(ws+"/history?kind=engagement"), http.StatusOK)
	byKind.says(t, "Contact van 01-12-2026")
	byKind.saysNot(t, "Houding: criticus → voorstander")
	byName := expect(t, editor.get(ws+"/history?who="+url.QueryEscape("ruud smit")), http.StatusOK)
	// A person's history holds the contacts with them; a trajectory's,
	// the contacts about it.
	byName.says(t, "Houding: criticus → voorstander", "Ruud Smit rapporteert aan", "Contact van 01-12-2026")
	byName.saysNot(t, "Lotte Meijer")
	expect(t, editor.get(ws+"/history?who="+url.QueryEscape("AI-basisvaardigheden")), http.StatusOK).says(t, "Contact van 01-12-2026")
	expect(t, editor.get(ws+"/history?who="+url.QueryEscape("ruud smit")+"&kind=stakeholder"), http.StatusOK).saysNot(t, "Contact van 01-12-2026")
	future := expect(t, editor.get(ws+"/history?since="+time.Now().AddDate(0, 0, 2).Format("02-01-2006")), http.StatusOK)
	future.says(t, "Geen wijzigingen die aan deze filters voldoen.")
	bad := expect(t, editor.get(ws+"/history?since=31-9-2026&who=Ruud+Smid"), http.StatusOK)
	bad.says(t, "31-9-2026 bestaat niet: september heeft 30 dagen.", "Onbekend: Ruud Smid. Bedoelt u Ruud Smit?")
	expect(t, editor.get(ws+"/history?kind=nonsense"), http.StatusOK).says(t, "Kies een van: belanghebbende, traject")

	// Paging: the demo's import alone is more than a page.
	first := page
	next := regexp.MustCompile(`href="(/w/oostvoorde/history\?before=\d+)"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatal("no link to older changes")
	}
	older := expect(t, editor.get(strings.ReplaceAll(next[1], "&amp;", "&")), http.StatusOK)
	older.says(t, "Nieuwste wijzigingen")
	older.saysNot(t, "Houding: criticus → voorstander")
	if n := strings.Count(first.body, "<li><span class=\"subject\">"); n != 50 {
		t.Errorf("first page shows %d events, want 50", n)
	}

	// In English for an English-speaking person.
	en := expect(t, e.signIn(englishMail).get(ws+"/history?who=controller"), http.StatusOK)
	en.says(t, "History", "Ruud Smit (stakeholder): Influence: 4 → 5; Attitude: critic → supporter, by Ruud Redacteur")
	if !regexp.MustCompile(`by Ruud Redacteur, \d{4}-\d\d-\d\d \d\d:\d\d`).MatchString(text(en.body)) {
		t.Error("no time in the English way")
	}
	// A viewer reads it; a stranger to the workspace does not.
	expect(t, e.signIn(viewerMail).get(ws+"/history"), http.StatusOK)
	expect(t, e.signIn(otherMail).get(ws+"/history"), http.StatusNotFound)
}

// TestCompareAndSnapshots: a snapshot, then changes; the compare view
// since the snapshot shows exactly those changes, field by field, and the
// findings they settled.
func TestCompareAndSnapshots(t *testing.T) {
	e := newEnv(t, withMaps(t))
	editor := e.signIn(editorMail)
	// Before the meeting: one change.
	savePerson(t, e, editor, "hr-adviseur", map[string]string{"interest": "5"})
	// No snapshot yet: the view compares from when the workspace began
	// (less than 30 days ago) to now, with the first change in it.
	expect(t, editor.get(ws+"/compare"), http.StatusOK).says(t, "Sinds het laatste MT-overleg", "Daan de Groot (belanghebbende): Belang: 4 → 5")

	expect(t, editor.post(ws+"/snapshots", url.Values{"name": {""}}), http.StatusOK).says(t, "Vul dit veld in.")
	r := expect(t, editor.post(ws+"/snapshots", url.Values{"name": {"MT 12 november"}}), http.StatusSeeOther)
	made := expect(t, editor.get(r.location), http.StatusOK)
	made.says(t, "Momentopname gemaakt.", "MT 12 november", "Er is in deze periode niets veranderd.")
	if !strings.Contains(made.body, `<option value="mt-12-november" selected>`) {
		t.Error("the compare view does not start from the new snapshot")
	}

	// After the meeting: an attitude changes and a contact is logged.
	savePerson(t, e, editor, "controller", map[string]string{"attitude": "supporter"})
	expect(t, editor.post(ws+"/contacts", url.Values{"date": {time.Now().Format("02-01-2006")}, "with": {"Ruud Smit"},
		"about": {"AI-basisvaardigheden"}, "channel": {"meeting"}}), http.StatusSeeOther)

	page := expect(t, editor.get(ws+"/compare"), http.StatusOK)
	page.says(t, "Van MT 12 november (", "tot nu (",
		"Gewijzigd (1) Ruud Smit (belanghebbende): Houding: criticus → voorstander",
		"Toegevoegd (1) Contact van ", "Opgeloste bevindingen (2)", "Ruud Smit heeft veel invloed maar geen recent contact",
		"Afdeling Financiën heeft geen recent contact")
	page.saysNot(t, "Daan de Groot", "Belang: 4 → 5")
	// The changes map, as an image and as a PNG download for a slide.
	svg := regexp.MustCompile(`<img src="(/w/oostvoorde/compare/changes\.svg\?[^"]+)"`).FindStringSubmatch(page.body)
	png := regexp.MustCompile(`href="(/w/oostvoorde/compare/changes\.png\?[^"]+)"`).FindStringSubmatch(page.body)
	if svg == nil || png == nil {
		t.Fatal("no changes map on the compare view")
	}
	img := expect(t, editor.get(strings.ReplaceAll(svg[1], "&amp;", "&")), http.StatusOK)
	if ct := img.header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") || !strings.Contains(img.body, "Ruud Smit") {
		t.Errorf("changes map: %s, names Ruud Smit: %v", ct, strings.Contains(img.body, "Ruud Smit"))
	}
	dl := expect(t, editor.get(strings.ReplaceAll(png[1], "&amp;", "&")), http.StatusOK)
	if !strings.HasPrefix(dl.body, "\x89PNG") || !strings.Contains(dl.header.Get("Content-Disposition"), "verschuivingen-sinds-mt-12-november.png") {
		t.Errorf("PNG download: %q %q", dl.header.Get("Content-Type"), dl.header.Get("Content-Disposition"))
	}

	// From a date, to a date: what happened before the snapshot too.
	// Today as the person sees it: a date means a day in Dutch time.
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(ams).Format("02-01-2006")
	expect(t, editor.get(ws+"/compare?fromDate="+today), http.StatusOK).says(t, "Belang: 4 → 5", "Houding: criticus → voorstander")
	// Problems are named at their fields.
	expect(t, editor.get(ws+"/compare?fromDate=31-9-2026"), http.StatusOK).says(t, "31-9-2026 bestaat niet", "Dit kan niet worden getoond")
	expect(t, editor.get(ws+"/compare?fromDate=01-01-2020"), http.StatusOK).says(t, "Toen bestond deze werkruimte nog niet.")
	expect(t, editor.get(ws+"/compare?from=geen-idee"), http.StatusOK).says(t, "Deze momentopname bestaat niet (meer).")
	// In English.
	expect(t, e.signIn(englishMail).get(ws+"/compare"), http.StatusOK).says(t, "Since the last MT meeting",
		"Ruud Smit (stakeholder): Attitude: critic → supporter", "Resolved findings (2)")
	// A viewer compares but makes no snapshot.
	viewer := e.signIn(viewerMail)
	expect(t, viewer.get(ws+"/compare"), http.StatusOK).lacks(t, `action="/w/oostvoorde/snapshots"`)
	expect(t, viewer.post(ws+"/snapshots", url.Values{"name": {"stiekem"}}), http.StatusForbidden)
}

// TestContactRhythmOnPersonPage: the rhythm is edited in the person's form
// and the page says when the last contact was and when the next is due.
func TestContactRhythmOnPersonPage(t *testing.T) {
	e := newEnv(t)
	editor := e.signIn(editorMail)
	last := time.Now().AddDate(0, 0, -40)
	expect(t, editor.post(ws+"/contacts", url.Values{"date": {last.Format("02-01-2006")}, "with": {"Ingrid de Boer"},
		"channel": {"meeting"}}), http.StatusSeeOther)
	savePerson(t, e, editor, "teamleider-financien", map[string]string{"contactEvery": "30"})
	page := expect(t, editor.get(ws+"/stakeholders/teamleider-financien"), http.StatusOK)
	page.has(t, `<label for="person-contactEvery">Contact elke (dagen)</label>`, `value="30"`)
	page.says(t, "Laatste contact: "+last.Format("02-01-2006"),
		"Volgend contact uiterlijk: "+last.AddDate(0, 0, 30).Format("02-01-2006")+" (elke 30 dagen) contact aan de beurt")
	savePerson(t, e, editor, "teamleider-financien", map[string]string{"contactEvery": "60"})
	page = expect(t, e.signIn(englishMail).get(ws+"/stakeholders/teamleider-financien"), http.StatusOK)
	page.says(t, "Last contact: "+last.Format("2006-01-02"), "Next contact by: "+last.AddDate(0, 0, 60).Format("2006-01-02")+" (every 60 days)")
	page.saysNot(t, "contact due")
}

// TestSettingsRetention: the settings page sets how long history is kept,
// through the settings of the history, and refuses a bad number.
func TestSettingsRetention(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn(adminMail)
	page := expect(t, admin.get(ws+"/settings"), http.StatusOK)
	page.has(t, `<label for="settings-retentionMonths">Geschiedenis bewaren (maanden)</label>`, `value="0"`)
	ver := regexp.MustCompile(`name="version" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	form := url.Values{"version": {ver}, "name": {"Gemeente Oostvoorde"}, "language": {"nl"}, "ldUnit": {""}, "retentionMonths": {"2000"}}
	expect(t, admin.post(ws+"/settings", form), http.StatusOK).says(t, "Kies een aantal maanden van 0 tot en met 1200.")
	form.Set("retentionMonths", "24")
	expect(t, admin.post(ws+"/settings", form), http.StatusSeeOther)
	st, err := e.store.(graph.History).HistoryState(context.Background(), demo.ID)
	if err != nil || st.Settings.RetentionMonths != 24 {
		t.Fatalf("retention %d, %v", st.Settings.RetentionMonths, err)
	}
	// Recorded as one change of the workspace, by the admin.
	expect(t, admin.get(ws+"/history?kind=workspace"), http.StatusOK).says(t, "Werkruimte (werkruimte): Geschiedenis bewaren (maanden): 0 → 24, door Anna Admin")
}

// TestEraseFlow: the admin downloads what is held about a person, then
// erases them after ticking that it cannot be undone; no page shows the
// name afterwards, the history included.
func TestEraseFlow(t *testing.T) {
	e := newEnv(t, withMaps(t))
	admin := e.signIn(adminMail)
	expect(t, admin.post(ws+"/snapshots", url.Values{"name": {"Voor de AVG"}}), http.StatusSeeOther)
	savePerson(t, e, admin, "controller", map[string]string{"attitude": "supporter", "notes": "Geheime notitie over Ruud"})

	person := expect(t, admin.get(ws+"/stakeholders/controller"), http.StatusOK)
	person.says(t, "Persoonsgegevens (AVG)", "Persoonsgegevens downloaden", "Wissen (AVG)")
	expect(t, e.signIn(editorMail).get(ws+"/stakeholders/controller"), http.StatusOK).saysNot(t, "Wissen (AVG)")
	expect(t, e.signIn(editorMail).get(ws+"/stakeholders/controller/personal-data"), http.StatusForbidden)

	dl := expect(t, admin.get(ws+"/stakeholders/controller/personal-data"), http.StatusOK)
	var pd history.PersonalData
	if err := json.Unmarshal([]byte(dl.body), &pd); err != nil || pd.Stakeholder.Name != "Ruud Smit" || len(pd.History) < 2 {
		t.Fatalf("personal data: %v, %+v", err, pd.Stakeholder)
	}
	if !strings.Contains(dl.header.Get("Content-Disposition"), "persoonsgegevens-controller.json") || dl.header.Get("Cache-Control") != "no-store" {
		t.Errorf("download headers: %v", dl.header)
	}
	// The same, to read and print for the person, in their language: no
	// field names or values of the JSON.
	read := expect(t, admin.get(ws+"/stakeholders/controller/personal-data/read"), http.StatusOK)
	read.says(t, "Persoonsgegevens van Ruud Smit", "Functie", "Houding", "voorstander", "Geheime notitie over Ruud",
		"Geschiedenis van deze gegevens", "Houding: criticus → voorstander", "Contactmomenten", "Sanne Mulder beïnvloedt Ruud Smit", "Ruud Smit rapporteert aan Sanne Mulder")
	read.saysNot(t, "attitude", "supporter", "executive")
	expect(t, e.signIn(editorMail).get(ws+"/stakeholders/controller/personal-data/read"), http.StatusForbidden)
	// A stake's own values are the person's data too.
	expect(t, admin.get(ws+"/stakeholders/manager-ruimte/personal-data/read"), http.StatusOK).says(t,
		"als bijdrager op Werken onder de Omgevingswet (op dit traject: invloed 4, belang —)")

	confirm := expect(t, admin.get(ws+"/stakeholders/controller/erase"), http.StatusOK)
	confirm.says(t, "Wissen is onomkeerbaar.", "ook uit de geschiedenis en de momentopnamen", "Ik begrijp dat dit niet ongedaan kan worden")
	expect(t, admin.post(ws+"/stakeholders/controller/erase", url.Values{}), http.StatusOK).says(t, "Vink aan dat u begrijpt")
	if _, _, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "controller"); err != nil {
		t.Fatal("erased without the tick")
	}
	r := expect(t, admin.post(ws+"/stakeholders/controller/erase", url.Values{"understood": {"on"}}), http.StatusSeeOther)
	expect(t, admin.get(r.location), http.StatusOK).says(t, "De persoon is gewist, ook uit de geschiedenis.")

	for _, path := range []string{ws, ws + "/stakeholders", ws + "/findings", ws + "/trajectories", ws + "/trajectories/ai-basis",
		ws + "/contacts", ws + "/history", ws + "/history?who=controller", ws + "/history?kind=stakeholder", ws + "/compare",
		ws + "/compare?from=voor-de-avg", ws + "/stakeholders/dir-bedrijfsvoering", ws + "/settings"} {
		page := admin.get(path)
		for _, trace := range []string{"Ruud Smit", "Concerncontroller", "Geheime notitie"} {
			if strings.Contains(page.body, trace) {
				t.Errorf("%s still shows %q", path, trace)
			}
		}
	}
	expect(t, admin.get(ws+"/stakeholders/controller"), http.StatusNotFound)
	expect(t, admin.get(ws+"/history?who=controller"), http.StatusOK).says(t, "Geen wijzigingen")
	expect(t, admin.get(ws+"/history?kind=stakeholder"), http.StatusOK).says(t, "gewist (belanghebbende): gewist op grond van de AVG, door Anna Admin")
}
