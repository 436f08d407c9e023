package render_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/render"
)

func pathsOf(b *graph.Bundle, from, to string, k int) ([]graph.Path, error) {
	return analysis.Paths(context.Background(), b, graph.PathQuery{From: from, To: to, K: k})
}

// allKinds is one request of every map kind on the demo workspace.
func allKinds() []render.Request {
	return []render.Request{
		{Kind: render.KindStakeholders},
		{Kind: render.KindStakeholders, Trajectory: "ai-basis"},
		{Kind: render.KindGrid},
		{Kind: render.KindGrid, Trajectory: "leiderschap"},
		{Kind: render.KindPath, From: "ld-adviseur", To: "controller", K: 3},
		{Kind: render.KindDependencies},
	}
}

// pageSizes are the fixed pages in points and in pixels at scale 1.
var pageSizes = map[string]struct {
	wPt, hPt float64
	px       image.Point
}{
	"":                     {960, 540, image.Point{1920, 1080}},
	render.PageSlide:       {960, 540, image.Point{1920, 1080}},
	render.PageA4:          {595.28, 841.89, image.Point{1191, 1684}},
	render.PageA4Landscape: {841.89, 595.28, image.Point{1684, 1191}},
}

// checkPageSize checks that a map's PNG, SVG and PDF have the page's size:
// the PNG in pixels, the SVG's size and viewBox in points, the PDF's page
// as pdfinfo reads it.
func checkPageSize(t *testing.T, want struct {
	wPt, hPt float64
	px       image.Point
}, png image.Point, svg []byte, pdf string) {
	t.Helper()
	if png != want.px {
		t.Errorf("png is %v px, want %v", png, want.px)
	}
	s := string(svg)
	open := s[strings.Index(s, "<svg"):]
	open = open[:strings.Index(open, ">")]
	for _, attr := range []string{
		fmt.Sprintf(`width="%gpt"`, want.wPt), fmt.Sprintf(`height="%gpt"`, want.hPt),
		fmt.Sprintf(`viewBox="0 0 %g %g"`, want.wPt, want.hPt),
	} {
		if !strings.Contains(open, attr) {
			t.Errorf("svg root %s lacks %s", open, attr)
		}
	}
	out, err := exec.Command("pdfinfo", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gives no page size:\n%s", out)
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if math.Abs(w-want.wPt) > 0.5 || math.Abs(h-want.hPt) > 0.5 {
		t.Errorf("pdf page is %g × %g pt, want %g × %g", w, h, want.wPt, want.hPt)
	}
}

// TestScaleMultipliesPixels: scale 2 doubles a slide's pixels (the other
// pages and formats are checked with the pixel test; the API test asks
// for an A4 page at scale 2).
func TestScaleMultipliesPixels(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	for _, scale := range []float64{2} {
		img, _, err := image.Decode(bytes.NewReader(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindDependencies, Format: "png", Scale: scale}).Data))
		if err != nil {
			t.Fatal(err)
		}
		if want := (image.Point{int(1920 * scale), int(1080 * scale)}); img.Bounds().Size() != want {
			t.Errorf("scale %g: %v px, want %v", scale, img.Bounds().Size(), want)
		}
	}
}

// svgTextSizes reads every text of a page SVG with its size as printed:
// font-size times the scale of the map group it is in.
func svgTextSizes(tb testing.TB, svg []byte) map[string]float64 {
	tb.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	scales := []float64{1}
	sizes := map[string]float64{}
	var size float64
	inText := false
	scaleOf := regexp.MustCompile(`scale\(([\d.]+)\)`)
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch el := tok.(type) {
		case xml.StartElement:
			s := scales[len(scales)-1]
			for _, a := range el.Attr {
				if el.Name.Local == "g" && a.Name.Local == "transform" {
					if m := scaleOf.FindStringSubmatch(a.Value); m != nil {
						f, _ := strconv.ParseFloat(m[1], 64)
						s *= f
					}
				}
				if el.Name.Local == "text" && a.Name.Local == "font-size" {
					size, _ = strconv.ParseFloat(a.Value, 64)
					size *= s
				}
			}
			scales = append(scales, s)
			inText = el.Name.Local == "text"
		case xml.CharData:
			if inText && strings.TrimSpace(string(el)) != "" {
				text := strings.TrimSpace(string(el))
				if old, ok := sizes[text]; !ok || size < old {
					sizes[text] = size
				}
			}
		case xml.EndElement:
			scales = scales[:len(scales)-1]
			inText = false
		}
	}
	return sizes
}

// sixtyPersonTrajectory is a workspace whose first trajectory has 60
// stakeholders in many units, each with a stake on it.
func sixtyPersonTrajectory() *graph.Bundle {
	b := storetest.Generate(21, 60, 3, 120)
	t := b.Trajectories[0].ID
	has := map[string]bool{}
	for _, s := range b.Stakes {
		if s.Trajectory == t {
			has[s.Stakeholder] = true
		}
	}
	roles := []string{"learner", "contributor", "informed", "expert"}
	for i, s := range b.Stakeholders {
		if !has[s.ID] {
			b.Stakes = append(b.Stakes, graph.Stake{Stakeholder: s.ID, Trajectory: t, Role: roles[i%len(roles)]})
		}
	}
	b.Canonicalize()
	return b
}

// TestTextIsReadable: on a slide no text is smaller than 14 px, that is
// 7 pt of the 960-pt-wide page, for every map kind, for the demo and for
// large workspaces (summarised, or in parts).
func TestTextIsReadable(t *testing.T) {
	r := newRenderer(t, render.Options{})
	demo := demoBundle(t)
	sixty := sixtyPersonTrajectory()
	big := storetest.Generate(5, 300, 30, 900)
	reqs := allKinds()
	for i := range reqs {
		reqs[i].Bundle = demo
	}
	reqs = append(reqs,
		render.Request{Bundle: demo, Kind: render.KindStakeholders, Part: 2},
		render.Request{Bundle: demo, Kind: render.KindStakeholders, Page: render.PageA4},
		render.Request{Bundle: demo, Kind: render.KindPath, From: "ld-adviseur", To: "controller", K: 20},
		render.Request{Bundle: sixty, Kind: render.KindStakeholders, Trajectory: sixty.Trajectories[0].ID},
		render.Request{Bundle: sixty, Kind: render.KindGrid, Trajectory: sixty.Trajectories[0].ID},
		render.Request{Bundle: big, Kind: render.KindStakeholders},
		render.Request{Bundle: big, Kind: render.KindGrid},
		render.Request{Bundle: big, Kind: render.KindDependencies},
		render.Request{Bundle: big, Kind: render.KindDependencies, Part: 2},
	)
	for _, req := range reqs {
		name := fmt.Sprintf("%s-%d-%s-%s-part%d", req.Kind, len(req.Bundle.Stakeholders), req.Trajectory, req.Page, req.Part)
		t.Run(name, func(t *testing.T) {
			req.Format = "svg"
			res := mustRender(t, r, req)
			sizes := svgTextSizes(t, res.Data)
			if len(sizes) < 5 {
				t.Fatalf("only %d texts on the map", len(sizes))
			}
			smallest, which := math.Inf(1), ""
			for text := range sizes {
				// The DOT writer's neutral node ids (n1, n2, …) are never
				// meant to be read: a node without a label must stay empty.
				if nodeID.MatchString(text) {
					t.Errorf("the map shows the node id %q", text)
				}
			}
			for text, s := range sizes {
				if s < smallest {
					smallest, which = s, text
				}
			}
			if smallest < 7-0.01 {
				t.Errorf("%q is %.2f pt: %.1f px on a 1920-px slide, less than 14", which, smallest, 2*smallest)
			}
			t.Logf("%d texts, smallest %q at %.1f px; note %q", len(sizes), which, 2*smallest, res.Note)
		})
	}
}

var nodeID = regexp.MustCompile(`^n[0-9]+$`)

// TestGreyscale converts every map with attitudes to greyscale with an
// independent tool (pdftoppm -gray, from the PDF) and checks that the six
// attitudes stay apart: their fills darken from champion to blocker by a
// clear step, and where two fills are close their borders differ.
func TestGreyscale(t *testing.T) {
	needTool(t, "pdftoppm", "poppler-utils")
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	// Give the people of one trajectory every attitude, so that its map
	// shows them all.
	i := 0
	att := []string{"champion", "supporter", "neutral", "critic", "blocker", "unknown"}
	on := map[string]bool{}
	for _, s := range b.Stakes {
		if s.Trajectory == "ai-basis" {
			on[s.Stakeholder] = true
		}
	}
	for k := range b.Stakeholders {
		if on[b.Stakeholders[k].ID] {
			b.Stakeholders[k].Attitude = att[i%len(att)]
			i++
		}
	}
	for _, req := range []render.Request{
		{Kind: render.KindStakeholders, Trajectory: "ai-basis"},
		{Kind: render.KindGrid},
		{Kind: render.KindPath, From: "ld-adviseur", To: "controller", K: 3},
	} {
		t.Run(req.Kind+"-"+req.Trajectory, func(t *testing.T) {
			req.Bundle = b
			req.Format = "png"
			img, _, err := image.Decode(bytes.NewReader(mustRender(t, r, req).Data))
			if err != nil {
				t.Fatal(err)
			}
			req.Format = "pdf"
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "map.pdf"), mustRender(t, r, req).Data, 0o644); err != nil {
				t.Fatal(err)
			}
			w, h := img.Bounds().Dx(), img.Bounds().Dy()
			run(t, "pdftoppm", "-png", "-gray", "-singlefile", "-scale-to-x", fmt.Sprint(w), "-scale-to-y", fmt.Sprint(h),
				filepath.Join(dir, "map.pdf"), filepath.Join(dir, "grey"))
			gray := readPNG(t, filepath.Join(dir, "grey.png"))
			levels := map[string]float64{}
			patterns := map[string]string{}
			for _, a := range att {
				fill := render.AttitudeFill(a)
				boxes := regions(img, fill)
				if len(boxes) == 0 {
					t.Errorf("no %s box (%v) on the map", a, fill)
					continue
				}
				levels[a] = greyInside(gray, img, fill)
				patterns[a] = border(gray, boxes)
			}
			t.Logf("grey levels %v, borders %v", levels, patterns)
			for k := 0; k+1 < len(att)-1; k++ {
				x, y := att[k], att[k+1]
				if levels[x]-levels[y] < 0.1 {
					t.Errorf("%s (%.2f) and %s (%.2f) are less than 0.1 apart in grey, or in the wrong order", x, levels[x], y, levels[y])
				}
			}
			if levels["unknown"] < levels["champion"]+0.08 {
				t.Errorf("unknown (%.2f) is not clearly lighter than champion (%.2f)", levels["unknown"], levels["champion"])
			}
			for x, want := range map[string]string{"champion": "solid", "supporter": "solid", "neutral": "solid", "critic": "broken", "blocker": "broken", "unknown": "dotted"} {
				if patterns[x] != want {
					t.Errorf("%s border reads as %s, want %s", x, patterns[x], want)
				}
			}
		})
	}
}

// regions finds the boxes of exactly one fill colour: the bounding boxes
// of its connected areas of at least 300 pixels.
func regions(img image.Image, fill color.RGBA) []image.Rectangle {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	is := make([]bool, w*h)
	for y := range h {
		for x := range w {
			is[y*w+x] = sameColour(img, b.Min.X+x, b.Min.Y+y, fill)
		}
	}
	seen := make([]bool, w*h)
	var boxes []image.Rectangle
	for start := range is {
		if seen[start] || !is[start] {
			continue
		}
		box := image.Rect(start%w, start/w, start%w+1, start/w+1)
		stack := []int{start}
		seen[start] = true
		n := 0
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			px, py := p%w, p/w
			n++
			box = box.Union(image.Rect(px, py, px+1, py+1))
			for _, q := range [][2]int{{px + 1, py}, {px - 1, py}, {px, py + 1}, {px, py - 1}} {
				if q[0] < 0 || q[1] < 0 || q[0] >= w || q[1] >= h || seen[q[1]*w+q[0]] || !is[q[1]*w+q[0]] {
					continue
				}
				seen[q[1]*w+q[0]] = true
				stack = append(stack, q[1]*w+q[0])
			}
		}
		if n >= 300 {
			boxes = append(boxes, box)
		}
	}
	return boxes
}

// sameColour reports whether a pixel has the colour, give or take 2 per
// channel, reading the pixel array where it can (see luma).
func sameColour(img image.Image, x, y int, c color.RGBA) bool {
	var r, g, b uint8
	switch m := img.(type) {
	case *image.RGBA:
		p := m.Pix[m.PixOffset(x, y):]
		r, g, b = p[0], p[1], p[2]
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(x, y):]
		r, g, b = p[0], p[1], p[2]
	default:
		rr, gg, bb, _ := img.At(x, y).RGBA()
		r, g, b = uint8(rr>>8), uint8(gg>>8), uint8(bb>>8)
	}
	near := func(a, b uint8) bool { return a-b <= 2 || b-a <= 2 }
	return near(r, c.R) && near(g, c.G) && near(b, c.B)
}

// greyInside is the median grey, in the greyscale image, of the pixels
// that have the fill colour in the colour image.
func greyInside(gray, img image.Image, fill color.RGBA) float64 {
	var vs []float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if sameColour(img, x, y, fill) {
				vs = append(vs, luma(gray, x, y))
			}
		}
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

// border reads the border just outside the boxes' top and bottom edges
// (the middle 60%, away from rounded corners): "solid" when nearly every
// column has an ink-dark pixel there, "broken" when most do (dashes),
// "dotted" when few do. Ink-dark is darker than any fill blended with
// the background at the edge of a dash. Boxes narrower than 40 pixels
// are skipped.
func border(gray image.Image, boxes []image.Rectangle) string {
	dark, total := 0, 0
	for _, r := range boxes {
		if r.Dx() < 40 {
			continue
		}
		for _, y0 := range []int{r.Min.Y - 1, r.Max.Y} {
			for x := r.Min.X + r.Dx()/5; x < r.Max.X-r.Dx()/5; x++ {
				total++
				for dy := range 4 {
					y := y0 - dy
					if y0 == r.Max.Y {
						y = y0 + dy
					}
					if luma(gray, x, y) < 0.35 {
						dark++
						break
					}
				}
			}
		}
	}
	if total == 0 {
		return "none"
	}
	switch f := float64(dark) / float64(total); {
	case f > 0.93:
		return "solid"
	case f > 0.5:
		return "broken"
	case f > 0.1:
		return "dotted"
	}
	return "none"
}

// TestPathMapShowsThePaths: a path map draws the paths' people only; with
// Context it adds their neighbours.
func TestPathMapShowsThePaths(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	req := render.Request{Bundle: b, Kind: render.KindPath, Format: "svg", From: "ld-adviseur", To: "controller", K: 2}
	countNodes := func(svg []byte) int { return bytes.Count(svg, []byte(`class="node"`)) }
	plain := mustRender(t, r, req).Data
	req.Context = true
	context := mustRender(t, r, req).Data
	paths, err := pathsOf(b, "ld-adviseur", "controller", 2)
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]bool{}
	for _, p := range paths {
		for _, n := range p.Nodes {
			people[n] = true
		}
	}
	if got := countNodes(plain); got != len(people) {
		t.Errorf("path map has %d people, the paths %d", got, len(people))
	}
	if got := countNodes(context); got <= len(people) {
		t.Errorf("with context the map has %d people, no more than the paths' %d", got, len(people))
	}
	if !bytes.Contains(plain, []byte("2 stappen")) && !bytes.Contains(plain, []byte("3 stappen")) {
		t.Errorf("the legend does not count steps in Dutch")
	}
	if !bytes.Contains(plain, []byte("0,")) || bytes.Contains(plain, []byte(">1: 0.")) {
		t.Errorf("strengths are not written the Dutch way (0,70)")
	}
}

// TestAnonymisedNamesTellPeopleApart: anonymised externals are numbered,
// people who would share a label are numbered, and no label repeats the
// unit the map already shows.
func TestAnonymisedNamesTellPeopleApart(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	// A second controller in Financiën: same title and unit as the first.
	for _, s := range b.Stakeholders {
		if s.ID == "controller" {
			s.ID, s.Name = "controller-2", "Tweede Controller"
			b.Stakeholders = append(b.Stakeholders, s)
			break
		}
	}
	b.Canonicalize()
	grid := string(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Format: "svg", Anonymize: true, Page: render.PageAuto}).Data)
	for _, want := range []string{"Externe partij 1", "Externe partij 2", "Concerncontroller, Financiën (1)", "Concerncontroller, Financiën (2)"} {
		if !strings.Contains(grid, want) {
			t.Errorf("anonymised grid lacks %q", want)
		}
	}
	for _, s := range b.Stakeholders {
		if s.Kind == "external" && strings.Contains(grid, s.Name) {
			t.Errorf("anonymised grid names external %q", s.Name)
		}
	}
	m := string(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindStakeholders, Trajectory: "ai-basis", Format: "svg", Anonymize: true}).Data)
	if strings.Contains(m, "Informatiebeveiligingsadviseur (CISO), Informatievoorziening") {
		t.Errorf("a person in the Informatievoorziening cluster is labelled with the unit again")
	}
	if !strings.Contains(m, "Informatiebeveiligingsadviseur (CISO)") {
		t.Errorf("anonymised map lacks the CISO's title")
	}
}

// TestNamesakesToldApart: where a map shows names without titles (the
// grid, the changes map), two people of the same name get their titles.
func TestNamesakesToldApart(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t).Clone()
	b.Stakeholders = append(b.Stakeholders, graph.Stakeholder{ID: "fatima-2", Name: "Fatima el Amrani", Kind: "person",
		Title: "Teamleider", Unit: "Wijkteam", Level: "management", Influence: 3, Interest: 4, Attitude: "supporter"})
	svg := string(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Format: "svg", AsOf: day(), Page: render.PageAuto}).Data)
	if !strings.Contains(svg, "Fatima") {
		t.Fatal("no Fatima on the grid")
	}
	for _, want := range []string{"Fatima el Amrani (Teamleider)", "Fatima El Amrani (Wethouder"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the grid does not show %q", want)
		}
	}
	if strings.Contains(svg, "Ruud Smit (") {
		t.Error("a name nobody shares got a title")
	}
	// On a slide too: one trajectory's grid with both.
	b.Stakes = append(b.Stakes, graph.Stake{Stakeholder: "fatima-2", Trajectory: "wijkgericht", Role: "contributor"})
	slide := string(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Trajectory: "wijkgericht", Format: "svg", AsOf: day()}).Data)
	for _, want := range []string{"Fatima el Amrani (Teamleider)", "Fatima El Amrani (Wethoud"} {
		if !strings.Contains(slide, want) {
			t.Errorf("the slide's grid does not show %q", want)
		}
	}
}
