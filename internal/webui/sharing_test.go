package webui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/webui"
)

// withClock gives the pages the same clock as the access service.
func withClock(clk *testClock) option {
	return func(c *webui.Config) { c.Now = clk.Now }
}

var (
	madeURL  = regexp.MustCompile(`id="made-url" type="text" readonly value="([^"]+)"`)
	imageURL = regexp.MustCompile(`id="img-\d" type="text" readonly value="([^"]+)"`)
)

// TestSharing: an editor shares a map from the pages — what, until when,
// anonymised — gets the link and its image addresses once, sees the link
// used on the shared-links page and revokes it; a revoked or expired link
// answers 410. Real share links (the access service), real maps.
func TestSharing(t *testing.T) {
	clk := &testClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	e := newEnv(t, withAccess(t, clk), withClock(clk), withMaps(t))
	ruud := e.signIn(editorMail)

	maps := expect(t, ruud.get(ws+"/maps?map=grid&trajectory=veiligheidscultuur&language=nl"), http.StatusOK)
	share := html.UnescapeString(regexp.MustCompile(`href="(/w/oostvoorde/share\?[^"]+)"`).FindStringSubmatch(maps.body)[1])
	form := expect(t, ruud.get(share), http.StatusOK)
	form.has(t, "Wat deelt u?", "Kaart: macht-belangmatrix van Veiligheidscultuur Buitendienst", "De hele werkruimte: Gemeente Oostvoorde",
		`value="31-12-2026"`, "uiterlijk 01-12-2027", `name="anonymize" type="checkbox" value="on" checked`,
		"Een functie die maar één persoon heeft, maakt die persoon toch herkenbaar", "Manager Buitendienst, Openbare Ruimte")

	post := url.Values{"target": {"map:grid"}, "trajectory": {"veiligheidscultuur"}, "lang": {"nl"}, "anonymize": {"on"}}
	for _, c := range []struct{ expires, says string }{
		{"5-1-2028", "Hoogstens 365 dagen vooruit: uiterlijk 01-12-2027."},
		{"30-11-2026", "Deze datum ligt in het verleden."},
		{"31-2-2027", "31-2-2027 bestaat niet: februari heeft 28 dagen."},
		{"", "Vul dit veld in."},
	} {
		post.Set("expiresAt", c.expires)
		r := expect(t, ruud.post(ws+"/share", post), http.StatusOK)
		r.has(t, c.says, "Het formulier is niet opgeslagen")
		r.lacks(t, "/s/")
	}
	expect(t, ruud.get(ws+"/share-links"), http.StatusOK).has(t, "Nog geen gedeelde links.")

	post.Set("expiresAt", "31-12-2026")
	made := expect(t, ruud.post(ws+"/share", post), http.StatusOK)
	made.has(t, "Uw link", "werkt tot en met 31-12-2026", "functie en afdeling, niet met naam", "SharePoint, Confluence of Teams", "Afbeelding (PNG)")
	link := madeURL.FindStringSubmatch(made.body)
	images := imageURL.FindAllStringSubmatch(made.body, -1)
	if link == nil || len(images) != 3 || !strings.HasPrefix(link[1], e.srv.URL+"/s/") || images[1][1] != link[1]+".png" {
		t.Fatalf("link %v, images %v", link, images)
	}
	path := strings.TrimPrefix(link[1], e.srv.URL)

	anyone := e.client()
	page := expect(t, anyone.get(path), http.StatusOK)
	page.has(t, "<h1>Macht-belangmatrix</h1>", "Personen staan erin met functie en afdeling")
	svg := expect(t, anyone.get(path+".svg"), http.StatusOK)
	if !strings.Contains(svg.body, "Manager Buitendienst") || strings.Contains(svg.body, "Wim Hoekstra") {
		t.Error("the anonymised map shows a name, or not the title")
	}
	png := expect(t, anyone.get(path+".png"), http.StatusOK)
	if png.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png.body, "\x89PNG") {
		t.Errorf("png: %s", png.header.Get("Content-Type"))
	}

	// The image follows the register, drawn again at most once a minute.
	p, ver, err := graph.Get[graph.Stakeholder](context.Background(), e.store, demo.ID, "manager-buitendienst")
	if err != nil {
		t.Fatal(err)
	}
	p.Title = "Hoofd Buitendienst"
	if _, err := e.store.UpdateNode(context.Background(), demo.ID, p, ver); err != nil {
		t.Fatal(err)
	}
	if again := anyone.get(path + ".svg"); again.body != svg.body {
		t.Error("drawn again within the minute")
	}
	clk.Add(61 * time.Second)
	if now := anyone.get(path + ".svg"); !strings.Contains(now.body, "Hoofd Buitendienst") {
		t.Error("a minute later the image still shows the old title")
	}

	list := expect(t, ruud.get(ws+"/share-links"), http.StatusOK)
	list.has(t, "Kaart: macht-belangmatrix van Veiligheidscultuur Buitendienst", "actief", "Intrekken")
	list.lacks(t, path)
	// Another editor sees the link but may not revoke it; an admin may.
	emma := e.signIn(englishMail)
	theirs := expect(t, emma.get(ws+"/share-links"), http.StatusOK)
	theirs.has(t, "Map: power–interest grid of Veiligheidscultuur Buitendienst", "active")
	theirs.lacks(t, `name="id"`)
	id := regexp.MustCompile(`name="id" value="([0-9a-f]+)"`).FindStringSubmatch(list.body)[1]
	expect(t, emma.post(ws+"/share-links/revoke", url.Values{"id": {id}}), http.StatusForbidden)
	expect(t, anyone.get(path+".png"), http.StatusOK)

	r := expect(t, ruud.post(ws+"/share-links/revoke", url.Values{"id": {id}}), http.StatusSeeOther)
	expect(t, ruud.get(r.location), http.StatusOK).has(t, "Link ingetrokken", "ingetrokken")
	expect(t, anyone.get(path+".png"), http.StatusGone)
	expect(t, anyone.get(path), http.StatusGone).has(t, "Deze link is ingetrokken of verlopen.")
	expect(t, anyone.get("/s/"+strings.Repeat("A", 43)+".png"), http.StatusNotFound)

	// A trajectory link, not anonymised, expires after its last day.
	tr := expect(t, ruud.get(ws+"/trajectories/wijkgericht"), http.StatusOK)
	tr.has(t, `href="/w/oostvoorde/share?target=trajectory%3Awijkgericht"`)
	made = expect(t, ruud.post(ws+"/share", url.Values{"target": {"trajectory:wijkgericht"}, "expiresAt": {"2-12-2026"}}), http.StatusOK)
	made.has(t, "werkt tot en met 02-12-2026")
	made.lacks(t, "functie en afdeling, niet met naam", "Afbeelding (PNG)")
	path = strings.TrimPrefix(madeURL.FindStringSubmatch(made.body)[1], e.srv.URL)
	expect(t, anyone.get(path), http.StatusOK).has(t, "Wijkgericht werken Sociaal Domein", "Kees van den Berg")
	clk.Add(48 * time.Hour)
	expect(t, anyone.get(path), http.StatusGone)
	expect(t, anyone.get(path+".svg"), http.StatusGone)
	ruud = e.signIn(editorMail) // the session idled out meanwhile
	expect(t, ruud.get(ws+"/share-links"), http.StatusOK).has(t, "verlopen", "Traject: Wijkgericht werken Sociaal Domein")

	// Viewers cannot share.
	kees := e.signIn(viewerMail)
	expect(t, kees.get(ws+"/share"), http.StatusForbidden)
	expect(t, kees.get(ws+"/share-links"), http.StatusForbidden)
	expect(t, kees.get(ws+"/maps"), http.StatusOK).lacks(t, "/share")
}

// imageWidth waits for the page's image with the id to load or fail and
// returns its natural width: 0 when it did not load.
const imageWidth = `(async () => { const img = document.getElementById("kaart");
	if (!img.complete) await new Promise(r => { img.onload = r; img.onerror = r; });
	return img.naturalWidth })()`

// TestJourneyShareMap: Marieke shares a map with the HR director by link
// from the maps page, in Chromium; the PNG address pasted as an image
// into a page of another site (an intranet) shows the map; after she
// revokes the link on Gedeelde links the image is gone (410), and an
// expired link's image likewise.
func TestJourneyShareMap(t *testing.T) {
	clk := &testClock{now: time.Now().UTC()}
	e := newEnv(t, withAccess(t, clk), withClock(clk), withMaps(t))
	intranet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="nl"><head><title>Intranet L&amp;D</title></head><body><h1>Stand van zaken</h1><img id="kaart" alt="De macht-belangmatrix" src="%s"></body></html>`,
			html.EscapeString(r.URL.Query().Get("src")))
	}))
	t.Cleanup(intranet.Close)
	if strings.TrimPrefix(intranet.URL, "http://") == strings.TrimPrefix(e.srv.URL, "http://") {
		t.Fatal("the intranet must be another origin")
	}

	tb := e.tab(t)
	tb.signIn(editorMail)
	tb.open(ws + "/maps")
	tb.choose("//form", "Kaart", "macht-belangmatrix")
	tb.choose("//form", "Traject", "Veiligheidscultuur Buitendienst")
	tb.submit("//form", "Toon kaart")
	tb.submit("//main", "Delen — macht-belangmatrix van Veiligheidscultuur Buitendienst")
	tb.sees("Wat deelt u?", "Kaart: macht-belangmatrix van Veiligheidscultuur Buitendienst", "maakt die persoon toch herkenbaar", "Manager Buitendienst, Openbare Ruimte")
	if !eval[bool](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)="Anoniem (functie en afdeling in plaats van namen)"]/@for', document, null, 2, null).stringValue).checked`) {
		t.Error("anonymised is not on by default")
	}
	tb.axe()
	tb.submit("//form", "Link maken")
	tb.sees("Uw link", "SharePoint, Confluence of Teams")
	tb.shot("share")
	tb.axe()
	png := eval[string](tb, `document.getElementById(document.evaluate('//label[normalize-space(.)="Afbeelding (PNG)"]/@for', document, null, 2, null).stringValue).value`)
	if !strings.HasPrefix(png, e.srv.URL+"/s/") || !strings.HasSuffix(png, ".png") {
		t.Fatalf("PNG address %q", png)
	}
	if eval[bool](tb, `[...document.querySelectorAll("button[data-copy]")].some(b => b.hidden)`) {
		t.Error("a copy button stayed hidden")
	}
	tb.run("copy", chromedp.Click(named("", "Kopiëren: Afbeelding (PNG)")))
	if got := eval[string](tb, `document.activeElement.value || ""`); got != png {
		t.Errorf("copying selected %q", got)
	}

	embed := intranet.URL + "/?" + url.Values{"src": {png}}.Encode()
	tb.openURL(embed)
	if w := eval[int](tb, imageWidth, chromedp.EvalAwaitPromise); w < 100 {
		t.Fatalf("the shared map on another site is %d px wide", w)
	}

	tb.open(ws + "/share-links")
	tb.sees("Kaart: macht-belangmatrix van Veiligheidscultuur Buitendienst", "actief")
	tb.axe()
	tb.run("mark page", chromedp.Evaluate[chromedp.Void]("window.__stale = true"))
	tb.run("revoke", chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(.), "Intrekken: Kaart: macht-belangmatrix")]`)))
	tb.waitNewPage()
	tb.sees("Link ingetrokken", "ingetrokken")

	tb.openURL(embed)
	if w := eval[int](tb, imageWidth, chromedp.EvalAwaitPromise); w != 0 {
		t.Errorf("the revoked link's image still shows (%d px)", w)
	}
	tb.forgive("410")
	expect(t, e.client().get(strings.TrimPrefix(png, e.srv.URL)), http.StatusGone)
	// The page of a revoked link says why, accessibly.
	tb.openURL(strings.TrimSuffix(png, ".png"))
	tb.sees("This link was revoked or has expired.") // a stranger: the browser's language
	tb.forgive("410")
	tb.axe()

	// A link that ran out.
	made := expect(t, e.signIn(editorMail).post(ws+"/share", url.Values{"target": {"map:stakeholders"}, "trajectory": {"ai-basis"},
		"expiresAt": {clk.Now().AddDate(0, 0, 1).Format("02-01-2006")}, "anonymize": {"on"}}), http.StatusOK)
	expiring := imageURL.FindAllStringSubmatch(made.body, -1)[1][1]
	embed = intranet.URL + "/?" + url.Values{"src": {expiring}}.Encode()
	tb.openURL(embed)
	if w := eval[int](tb, imageWidth, chromedp.EvalAwaitPromise); w < 100 {
		t.Fatalf("the second link's map is %d px wide", w)
	}
	clk.Add(72 * time.Hour)
	tb.openURL(embed + "&again=1")
	if w := eval[int](tb, imageWidth, chromedp.EvalAwaitPromise); w != 0 {
		t.Errorf("the expired link's image still shows (%d px)", w)
	}
	tb.forgive("410")
	expect(t, e.client().get(strings.TrimPrefix(expiring, e.srv.URL)), http.StatusGone)
}
