package render_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/render"
)

// deckParts reads every part of a .pptx package.
func deckParts(tb testing.TB, data []byte) map[string][]byte {
	tb.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return parts
}

// spaces folds runs of white space, so that text reflowed by a PDF
// reader compares with the text it came from.
func spaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestDeckInLibreOffice converts a deck of the demo workspace with
// LibreOffice Impress, as a user opening it would: it has the title, the
// overview, three slides per active trajectory, a path slide and the
// dependency map, every page renders, the findings' advice is in the
// PDF's text layer, and the map slides show the same pixels as the PNG
// maps.
func TestDeckInLibreOffice(t *testing.T) {
	needTool(t, "soffice", "libreoffice-impress-nogui")
	needTool(t, "pdftoppm", "poppler-utils")
	needTool(t, "pdftotext", "poppler-utils")
	needTool(t, "pdfinfo", "poppler-utils")
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	// Two trajectories keep the conversion short; which trajectories a
	// deck takes by default is TestDeckChoices's.
	asked := []string{"ai-basis", "leiderschap"}
	req := render.DeckRequest{Bundle: b, AsOf: day(), Trajectories: asked, Paths: []render.PathEnds{{From: "ld-adviseur", To: "controller"}}}
	res, err := r.Deck(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.ContentType != render.ContentTypePPTX || res.FileName != "deck-oostvoorde.pptx" {
		t.Errorf("content type %q, file name %q", res.ContentType, res.FileName)
	}
	var active []graph.Trajectory // the trajectories presented
	for _, id := range asked {
		for _, tr := range b.Trajectories {
			if tr.ID == id {
				active = append(active, tr)
			}
		}
	}
	wantPages := 2 + 3*len(active) + 1 + 1

	dir := t.TempDir()
	deck := filepath.Join(dir, "deck.pptx")
	if err := os.WriteFile(deck, res.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so that the conversion neither waits for nor
	// disturbs another LibreOffice.
	profile := "file://" + filepath.Join(dir, "profile")
	cmd := exec.Command("soffice", "-env:UserInstallation="+profile, "--headless", "--convert-to", "pdf", "--outdir", dir, deck)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "deck.pdf")
	info, err := exec.Command("pdfinfo", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count\n%s", info)
	}
	if pages, _ := strconv.Atoi(string(m[1])); pages != wantPages {
		t.Fatalf("LibreOffice made %d pages, want %d (title, overview, 3 × %d trajectories, a path, the dependencies)", pages, wantPages, len(active))
	}
	if !regexp.MustCompile(`Page size:\s+960(\.\d+)? x 540`).Match(info) {
		t.Errorf("pages are not 16:9 960 × 540 pt:\n%s", info)
	}

	// The text layer: titles and every trajectory's advice.
	txt, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	all := spaces(string(txt))
	findings, err := analysis.Findings(t.Context(), b, graph.FindingParams{AsOf: day()})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Gemeente Oostvoorde", "Overzicht", "Bevindingen — " + active[0].Name, "HOOG"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	for _, tr := range active {
		for _, f := range findings {
			if f.Subject != tr.ID {
				continue
			}
			// The advice's first words; a PDF may hyphenate or break later.
			words := strings.Fields(f.Message)
			head := strings.Join(words[:min(6, len(words))], " ")
			if !strings.Contains(all, head) {
				t.Errorf("the PDF's text lacks the advice %q of %s on %s", head, f.Code, tr.ID)
			}
		}
	}

	// Every page renders: some ink on white.
	run(t, "pdftoppm", "-png", "-scale-to-x", "1920", "-scale-to-y", "1080", pdf, filepath.Join(dir, "page"))
	pagePNG := func(n int) string {
		for _, f := range []string{"page-%d.png", "page-%02d.png"} {
			p := filepath.Join(dir, fmt.Sprintf(f, n))
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		t.Fatalf("page %d was not rasterised", n)
		return ""
	}
	for n := 1; n <= wantPages; n++ {
		img := readPNG(t, pagePNG(n))
		dark := 0
		bb := img.Bounds()
		for y := bb.Min.Y; y < bb.Max.Y; y += 4 {
			for x := bb.Min.X; x < bb.Max.X; x += 4 {
				if r, g, b, _ := img.At(x, y).RGBA(); (r+g+b)/3 < 0x8000 {
					dark++
				}
			}
		}
		if dark < 50 {
			t.Errorf("page %d is (nearly) blank: %d dark samples", n, dark)
		}
	}

	// The map slides are the PNG maps.
	for _, c := range []struct {
		page int
		req  render.Request
	}{
		{3, render.Request{Kind: render.KindStakeholders, Trajectory: active[0].ID}},
		{4, render.Request{Kind: render.KindGrid, Trajectory: active[0].ID}},
		{wantPages - 1, render.Request{Kind: render.KindPath, From: "ld-adviseur", To: "controller", K: 3}},
		{wantPages, render.Request{Kind: render.KindDependencies}},
	} {
		c.req.Bundle, c.req.Format = b, "png"
		ours, _, err := image.Decode(bytes.NewReader(mustRender(t, r, c.req).Data))
		if err != nil {
			t.Fatal(err)
		}
		page := readPNG(t, pagePNG(c.page))
		if page.Bounds().Size() != ours.Bounds().Size() {
			t.Fatalf("page %d is %v, the map %v", c.page, page.Bounds().Size(), ours.Bounds().Size())
		}
		if d := rmse(grey(page), grey(ours)); d >= 0.05 {
			t.Errorf("page %d differs from the %s map: normalised RMSE %.4f ≥ 0.05", c.page, c.req.Kind, d)
		} else {
			t.Logf("page %d vs %s map: normalised RMSE %.4f", c.page, c.req.Kind, d)
		}
	}

	// Speaker notes explain the findings shown.
	parts := deckParts(t, res.Data)
	notes := string(parts["ppt/notesSlides/notesSlide5.xml"])
	if !strings.Contains(notes, "een actief traject") {
		t.Errorf("the notes of %s's findings slide do not define its findings", active[0].ID)
	}
	// Notes are read aloud: no rule codes, and only slides the deck has.
	for name, data := range parts {
		if !strings.HasPrefix(name, "ppt/notesSlides/") {
			continue
		}
		for code := range graph.CodeGroups {
			if strings.Contains(string(data), code) {
				t.Errorf("%s names the rule %s", name, code)
			}
		}
	}
	if noPaths, err := r.Deck(t.Context(), render.DeckRequest{Bundle: b, AsOf: day(), Trajectories: asked[:1]}); err != nil {
		t.Fatal(err)
	} else if strings.Contains(string(deckParts(t, noPaths.Data)["ppt/notesSlides/notesSlide1.xml"]), "invloedspaden") {
		t.Error("the notes of a deck without paths promise path slides")
	}
}

// ellipsisRunes shortens s as the deck shortens slide titles.
func ellipsisRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// tinyPNG is a 16 × 9 white PNG.
func tinyPNG(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 16, 9))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestDeckChoices: --trajectory picks and orders, --all adds the inactive
// ones after the active, English decks speak English, an anonymised deck
// names no person anywhere in its text, and bad requests are refused.
func TestDeckChoices(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	slides := func(parts map[string][]byte) int {
		n := 0
		for name := range parts {
			if strings.HasPrefix(name, "ppt/slides/slide") && strings.HasSuffix(name, ".xml") {
				n++
			}
		}
		return n
	}
	// The maps are stood in for by a small PNG naming them in its size:
	// these tests are about the slides around them.
	var (
		mu    sync.Mutex
		drawn []render.Request
	)
	deck := func(req render.DeckRequest) map[string][]byte {
		t.Helper()
		req.Bundle, req.AsOf = b, day()
		drawn = nil
		data, err := render.BuildDeck(t.Context(), req, func(m render.Request) ([]byte, error) {
			mu.Lock() // maps are drawn two at a time
			defer mu.Unlock()
			drawn = append(drawn, m)
			return tinyPNG(t), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return deckParts(t, data)
	}
	two := deck(render.DeckRequest{Trajectories: []string{"leiderschap", "ai-basis"}, Lang: "en", Anonymize: true})
	if n := slides(two); n != 2+6+1 {
		t.Errorf("two trajectories: %d slides, want 9", n)
	}
	// The maps asked of the renderer: slide PNGs with the deck's options.
	var kinds []string
	for _, m := range drawn {
		kinds = append(kinds, m.Kind+":"+m.Trajectory)
		if m.Format != "png" || m.Page != render.PageSlide || m.Lang != "en" || !m.Anonymize || m.AsOf != day() {
			t.Errorf("map %s drawn as %s on %q, lang %q, anonymised %v, as of %s", m.Kind, m.Format, m.Page, m.Lang, m.Anonymize, m.AsOf)
		}
	}
	slices.Sort(kinds)
	if want := "dependencies: grid:ai-basis grid:leiderschap stakeholders:ai-basis stakeholders:leiderschap"; strings.Join(kinds, " ") != want {
		t.Errorf("maps drawn: %v, want %s", kinds, want)
	}
	if !bytes.Contains(two["ppt/slides/slide5.xml"], []byte("Leiderschap")) || !bytes.Contains(two["ppt/slides/slide8.xml"], []byte("AI-basis")) {
		t.Errorf("the trajectories are not in the order asked for")
	}
	var active []string
	for _, tr := range b.Trajectories {
		if graph.IsActive(tr.Status) {
			active = append(active, tr.Name)
		}
	}
	def := deck(render.DeckRequest{})
	if n := slides(def); n != 2+3*len(active)+1 {
		t.Errorf("default deck: %d slides, want %d (every active trajectory)", n, 2+3*len(active)+1)
	}
	for i, name := range active {
		slide := fmt.Sprintf("ppt/slides/slide%d.xml", 2+3*(i+1))
		if !bytes.Contains(def[slide], []byte(html.EscapeString(ellipsisRunes("Bevindingen — "+name, 70)))) {
			t.Errorf("default deck: %s is not the findings of %q", slide, name)
		}
	}
	all := deck(render.DeckRequest{All: true, Lang: "en"})
	if n := slides(all); n != 2+3*len(b.Trajectories)+1 {
		t.Errorf("--all: %d slides, want %d", n, 2+3*len(b.Trajectories)+1)
	}
	last := fmt.Sprintf("ppt/slides/slide%d.xml", 2+3*len(b.Trajectories))
	if !bytes.Contains(all[last], []byte("Findings — Onboarding")) {
		t.Errorf("--all: the inactive trajectory does not come last (%s)", last)
	}
	if !bytes.Contains(all["ppt/slides/slide2.xml"], []byte("Overview")) {
		t.Errorf("an English deck has no English overview")
	}

	anon := deck(render.DeckRequest{Anonymize: true, Paths: []render.PathEnds{{From: "ld-adviseur", To: "controller"}}})
	for name, data := range anon {
		if !strings.HasSuffix(name, ".xml") {
			continue
		}
		for _, s := range b.Stakeholders {
			if s.Kind == "person" && bytes.Contains(data, []byte(s.Name)) {
				t.Errorf("anonymised deck: %s names %q", name, s.Name)
			}
		}
	}

	for _, c := range []struct {
		name string
		req  render.DeckRequest
		want error
	}{
		{"UnknownTrajectory", render.DeckRequest{Trajectories: []string{"nope"}}, graph.ErrNotFound},
		{"UnknownPathEnd", render.DeckRequest{Paths: []render.PathEnds{{From: "ld-adviseur", To: "nope"}}}, graph.ErrNotFound},
		{"High", render.DeckRequest{High: 9}, graph.ErrInvalid},
		{"AsOf", render.DeckRequest{AsOf: "1-11-2026"}, graph.ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.Bundle = b
			if _, err := r.Deck(t.Context(), c.req); !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestDeckDeadline: a deck is one job under the render deadline; one that
// outlives it fails with ErrTimeout (its worker is killed).
func TestDeckDeadline(t *testing.T) {
	r := newRenderer(t, render.Options{Timeout: time.Millisecond, QueueTimeout: time.Minute, CacheEntries: -1})
	_, err := r.Deck(t.Context(), render.DeckRequest{Bundle: demoBundle(t), AsOf: day()})
	if !errors.Is(err, render.ErrTimeout) {
		t.Errorf("err = %v, want ErrTimeout", err)
	}
}
