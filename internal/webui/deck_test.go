package webui_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestDeckDownload: the maps page offers the deck of what it shows, to a
// viewer too, as a PowerPoint file PowerPoint and LibreOffice can open
// (the deck package's tests open them in LibreOffice).
func TestDeckDownload(t *testing.T) {
	e := newEnv(t, withMaps(t))
	viewer := e.signIn(viewerMail)
	page := expect(t, viewer.get(ws+"/maps?trajectory=ai-basis&language=nl"), http.StatusOK)
	page.has(t, "Presentatie downloaden (PowerPoint)")
	start := strings.Index(page.body, ws+"/deck.pptx?")
	if start < 0 {
		t.Fatal("no deck link on the maps page")
	}
	href := page.body[start:]
	href = strings.ReplaceAll(href[:strings.IndexByte(href, '"')], "&amp;", "&")
	if !strings.Contains(href, "trajectory=ai-basis") {
		t.Errorf("the deck link %q is not of the trajectory shown", href)
	}
	res := expect(t, viewer.get(href), http.StatusOK)
	if !strings.Contains(res.header.Get("Content-Disposition"), "attachment") || !strings.Contains(res.header.Get("Content-Type"), "presentationml") {
		t.Errorf("deck headers: %v", res.header)
	}
	z, err := zip.NewReader(bytes.NewReader([]byte(res.body)), int64(len(res.body)))
	if err != nil {
		t.Fatalf("the deck is no zip: %v", err)
	}
	slides := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "ppt/slides/slide") && strings.HasSuffix(f.Name, ".xml") {
			slides++
		}
	}
	if slides < 2 {
		t.Errorf("the deck has %d slides", slides)
	}

	expect(t, viewer.get(ws+"/deck.pptx?trajectory=no-such-trajectory"), http.StatusNotFound)
	// Without a session: sent to sign in, no deck.
	if r := e.client().get(href); r.status != http.StatusSeeOther {
		t.Errorf("deck without a session: %d", r.status)
	}
}
