package render_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/render"
)

// needTool skips without the external tool, except in CI where it fails.
func needTool(tb testing.TB, name, pkg string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is missing (Debian package %s)", name, pkg)
		}
		tb.Skipf("%s is missing (Debian package %s)", name, pkg)
	}
}

func day() string { return asOf.Format(time.DateOnly) }

func mustRender(tb testing.TB, r *render.Renderer, req render.Request) render.Result {
	tb.Helper()
	if req.AsOf == "" {
		req.AsOf = day()
	}
	res, err := r.Render(tb.Context(), req)
	if err != nil {
		tb.Fatalf("render %s %s: %v", req.Kind, req.Format, err)
	}
	return res
}

// TestFormatsLookTheSame renders every map kind as SVG, PNG and PDF on
// the pages a user asks for, checks that all three have the page's size
// (the PNG in pixels, the SVG's size and viewBox, the PDF's page as
// pdfinfo reads it), then rasterises the SVG (rsvg-convert) and the PDF
// (pdftoppm) and compares both with the PNG.
func TestFormatsLookTheSame(t *testing.T) {
	needTool(t, "rsvg-convert", "librsvg2-bin")
	needTool(t, "pdftoppm", "poppler-utils")
	needTool(t, "pdfinfo", "poppler-utils")
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	for _, req := range []render.Request{
		{Kind: render.KindStakeholders, Trajectory: "ai-basis"},
		{Kind: render.KindStakeholders},
		{Kind: render.KindGrid},
		{Kind: render.KindPath, From: "ld-adviseur", To: "controller", K: 3},
		{Kind: render.KindDependencies, Lang: "en"},
		{Kind: render.KindGrid, Trajectory: "ai-basis", Page: render.PageA4},
		{Kind: render.KindStakeholders, Trajectory: "leiderschap", Page: render.PageA4Landscape},
		{Kind: render.KindDependencies, Page: render.PageAuto},
	} {
		t.Run(req.Kind+"-"+req.Trajectory+"-"+req.Page, func(t *testing.T) {
			req.Bundle = b
			dir := t.TempDir()
			files := map[string]string{}
			data := map[string][]byte{}
			for _, f := range []string{"svg", "png", "pdf"} {
				req.Format = f
				data[f] = mustRender(t, r, req).Data
				files[f] = filepath.Join(dir, "map."+f)
				if err := os.WriteFile(files[f], data[f], 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ours := readPNG(t, files["png"])
			w, h := ours.Bounds().Dx(), ours.Bounds().Dy()
			if size, ok := pageSizes[req.Page]; ok {
				checkPageSize(t, size, ours.Bounds().Size(), data["svg"], files["pdf"])
			}
			run(t, "rsvg-convert", "-w", fmt.Sprint(w), "-h", fmt.Sprint(h), "-b", "white", "-o", filepath.Join(dir, "svg.png"), files["svg"])
			run(t, "pdftoppm", "-png", "-singlefile", "-scale-to-x", fmt.Sprint(w), "-scale-to-y", fmt.Sprint(h), files["pdf"], filepath.Join(dir, "pdf"))
			for _, other := range []string{"svg.png", "pdf.png"} {
				img := readPNG(t, filepath.Join(dir, other))
				if img.Bounds().Size() != ours.Bounds().Size() {
					t.Fatalf("%s is %v, png is %v", other, img.Bounds().Size(), ours.Bounds().Size())
				}
				if d := rmse(grey(img), grey(ours)); d >= 0.08 {
					t.Errorf("%s differs from png: normalised RMSE %.4f ≥ 0.08", other, d)
				} else {
					t.Logf("%s vs png: normalised RMSE %.4f", other, d)
				}
			}
		})
	}
}

func run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func readPNG(tb testing.TB, path string) image.Image {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return img
}

// grey turns an image into greyscale values in [0,1], blurred by a 3×3 box
// so that anti-aliasing differences between rasterisers do not count.
func grey(img image.Image) [][]float64 {
	b := img.Bounds()
	g := make([][]float64, b.Dy())
	for y := range g {
		g[y] = make([]float64, b.Dx())
		for x := range g[y] {
			g[y][x] = luma(img, b.Min.X+x, b.Min.Y+y)
		}
	}
	out := make([][]float64, len(g))
	for y := range g {
		out[y] = make([]float64, len(g[y]))
		for x := range g[y] {
			var s float64
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					yy, xx := y+dy, x+dx
					if yy >= 0 && yy < len(g) && xx >= 0 && xx < len(g[yy]) {
						s += g[yy][xx]
						n++
					}
				}
			}
			out[y][x] = s / float64(n)
		}
	}
	return out
}

// luma is a pixel's Rec. 601 grey value in [0,1], read straight from the
// pixel array of the image types the decoders give: the tests handle many
// full-HD images, and under the race detector At is slow.
func luma(img image.Image, x, y int) float64 {
	switch m := img.(type) {
	case *image.RGBA:
		p := m.Pix[m.PixOffset(x, y):]
		return (0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])) / 255
	case *image.NRGBA:
		p := m.Pix[m.PixOffset(x, y):]
		a := float64(p[3]) / 255
		return ((0.299*float64(p[0])+0.587*float64(p[1])+0.114*float64(p[2]))*a + 255*(1-a)) / 255
	case *image.Gray:
		return float64(m.Pix[m.PixOffset(x, y)]) / 255
	}
	r, g, bb, _ := img.At(x, y).RGBA()
	return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bb)) / 65535
}

func rmse(a, b [][]float64) float64 {
	var s float64
	n := 0
	for y := range a {
		for x := range a[y] {
			d := a[y][x] - b[y][x]
			s += d * d
			n++
		}
	}
	return math.Sqrt(s / float64(n))
}

// TestEveryoneIsOnTheMap: the natural-size workspace map names every
// stakeholder, and so do the parts of the slide-sized one together, each
// part saying which it is.
func TestEveryoneIsOnTheMap(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	named := func(svg string, s graph.Stakeholder) bool {
		return strings.Contains(svg, html.EscapeString(s.Name)) || strings.Contains(svg, strings.ReplaceAll(html.EscapeString(s.Name), "-", "&#45;"))
	}
	auto := string(mustRender(t, r, render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg", Page: render.PageAuto}).Data)
	for _, s := range b.Stakeholders {
		if !named(auto, s) {
			t.Errorf("stakeholder %s (%q) is not on the natural-size workspace map", s.ID, s.Name)
		}
	}
	overview := mustRender(t, r, render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg"})
	if overview.Note == "" || overview.Parts != 0 {
		t.Errorf("slide overview: note %q, parts %d; want a summary note and no parts", overview.Note, overview.Parts)
	}
	seen := map[string]int{}
	first := mustRender(t, r, render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg", Part: 1})
	if first.Parts < 2 {
		t.Fatalf("the demo workspace fits one slide part (%d parts); the test needs more", first.Parts)
	}
	for part := 1; part <= first.Parts; part++ {
		res := mustRender(t, r, render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg", Part: part})
		if res.Parts != first.Parts {
			t.Errorf("part %d says %d parts, part 1 said %d", part, res.Parts, first.Parts)
		}
		want := fmt.Sprintf("Deel %d van %d", part, first.Parts)
		if !strings.Contains(string(res.Data), want) {
			t.Errorf("part %d does not say %q", part, want)
		}
		for _, s := range b.Stakeholders {
			if named(string(res.Data), s) {
				seen[s.ID]++
			}
		}
	}
	for _, s := range b.Stakeholders {
		if seen[s.ID] == 0 {
			t.Errorf("stakeholder %s is on none of the %d parts", s.ID, first.Parts)
		}
	}
	_, err := r.Render(t.Context(), render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg", Part: first.Parts + 1, AsOf: day()})
	if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "part") {
		t.Errorf("part %d of %d: err = %v, want ErrInvalid naming the part", first.Parts+1, first.Parts, err)
	}
}

// TestAnonymizedMapsNameNobody renders every kind with anonymize and looks
// for the names and ids of persons in the output.
func TestAnonymizedMapsNameNobody(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	var persons []graph.Stakeholder
	for _, s := range b.Stakeholders {
		if s.Kind == "person" {
			persons = append(persons, s)
		}
	}
	if len(persons) == 0 {
		t.Fatal("demo workspace has no persons")
	}
	from, to := b.Influences[0].From, b.Influences[len(b.Influences)-1].To
	var allTitles string
	for _, s := range b.Stakeholders {
		allTitles += s.Title + " " + s.Unit + "\n"
	}
	// PNG and PDF are painted from the same layout as the SVG (the PDF's
	// text as outlines), so the SVG and the DOT source carry every text.
	for _, kind := range render.Kinds {
		for _, f := range []string{"svg", "dot"} {
			req := render.Request{Bundle: b, Kind: kind, Format: f, Anonymize: true, From: from, To: to, K: 3}
			if kind == render.KindChanges {
				req.Before = earlier(b)
			}
			res := mustRender(t, r, req)
			texts := map[string]string{"file name": res.FileName, f: string(res.Data)}
			for where, text := range texts {
				for _, s := range persons {
					leaks := []string{s.Name, html.EscapeString(s.Name)}
					// An id that is a plain word of some title (e.g.
					// "controller") says nothing about a person.
					if !strings.Contains(strings.ToLower(allTitles), s.ID) {
						leaks = append(leaks, s.ID)
					}
					for _, leak := range leaks {
						if strings.Contains(text, leak) {
							t.Errorf("%s %s: %s contains %q of person %s", kind, f, where, leak, s.ID)
						}
					}
				}
			}
		}
	}
}

// TestSameInputSameBytes renders every format twice, a second apart, without
// the cache.
func TestSameInputSameBytes(t *testing.T) {
	r := newRenderer(t, render.Options{CacheEntries: -1})
	b := demoBundle(t)
	for _, f := range render.Formats {
		req := render.Request{Bundle: b, Kind: render.KindStakeholders, Trajectory: "ai-basis", Format: f, AsOf: day()}
		one := mustRender(t, r, req)
		// Cross a second boundary: timestamps must not reach the output.
		time.Sleep(1100 * time.Millisecond)
		two := mustRender(t, r, req)
		if !bytes.Equal(one.Data, two.Data) {
			t.Errorf("%s: two renders differ", f)
		}
		if one.Key != two.Key || len(one.Key) != 64 {
			t.Errorf("%s: keys %q and %q", f, one.Key, two.Key)
		}
		key, err := r.Key(req)
		if err != nil || key != one.Key {
			t.Errorf("%s: Key() = %q, %v; Render's key %q", f, key, err, one.Key)
		}
	}
}

// TestLabelsFitTheirShapes lays the maps out and checks that every text
// line, measured with the painter's font, lies inside its node.
func TestLabelsFitTheirShapes(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	for _, kind := range render.Kinds {
		req := render.Request{Bundle: b, Kind: kind, Format: "dot", From: b.Influences[0].From, To: b.Influences[len(b.Influences)-1].To, K: 2}
		engine := "dot"
		if kind == render.KindChanges {
			req.Before, engine = earlier(b), "neato"
		}
		dot := mustRender(t, r, req).Data
		js, err := render.Layout(engine, "json", dot)
		if err != nil {
			t.Fatal(err)
		}
		var l struct {
			Objects []struct {
				Name   string `json:"name"`
				Pos    string `json:"pos"`
				Width  string `json:"width"`
				Height string `json:"height"`
				LDraw  []struct {
					Op       string    `json:"op"`
					Size     float64   `json:"size"`
					Fontchar int       `json:"fontchar"`
					Pt       []float64 `json:"pt"`
					Align    string    `json:"align"`
					Text     string    `json:"text"`
				} `json:"_ldraw_"`
			} `json:"objects"`
		}
		if err := json.Unmarshal(js, &l); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, o := range l.Objects {
			if o.Pos == "" {
				continue
			}
			var cx, cy, w, h float64
			fmt.Sscanf(o.Pos, "%g,%g", &cx, &cy)
			fmt.Sscanf(o.Width, "%g", &w)
			fmt.Sscanf(o.Height, "%g", &h)
			w, h = w*72, h*72
			size, bold := 14.0, false
			for _, op := range o.LDraw {
				switch op.Op {
				case "F":
					size = op.Size
				case "t":
					bold = op.Fontchar&1 != 0
				case "T":
					tw := render.TextWidth(op.Text, size, bold)
					x0 := op.Pt[0]
					switch op.Align {
					case "c":
						x0 -= tw / 2
					case "r":
						x0 -= tw
					}
					if x0 < cx-w/2-0.5 || x0+tw > cx+w/2+0.5 || op.Pt[1] < cy-h/2 || op.Pt[1] > cy+h/2 {
						t.Errorf("%s map: %q (%.1f pt wide at %.1f) does not fit node %s (%.1f wide at %.1f)", kind, op.Text, tw, x0, o.Name, w, cx-w/2)
					}
					checked++
				}
			}
		}
		if checked == 0 {
			t.Errorf("%s map: no labels checked", kind)
		}
	}
}

// TestBadRequests are refused with ErrInvalid or ErrNotFound.
func TestBadRequests(t *testing.T) {
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	for _, tc := range []struct {
		name string
		req  render.Request
		want error
	}{
		{"Kind", render.Request{Bundle: b, Kind: "pie", Format: "svg"}, graph.ErrInvalid},
		{"Format", render.Request{Bundle: b, Kind: "grid", Format: "gif"}, graph.ErrInvalid},
		{"Scale", render.Request{Bundle: b, Kind: "grid", Format: "png", Scale: -1}, graph.ErrInvalid},
		{"PathWithoutEnds", render.Request{Bundle: b, Kind: "path", Format: "svg"}, graph.ErrInvalid},
		{"Trajectory", render.Request{Bundle: b, Kind: "grid", Format: "svg", Trajectory: "nope"}, graph.ErrNotFound},
		{"PathUnknownStakeholder", render.Request{Bundle: b, Kind: "path", Format: "svg", From: "nope", To: b.Stakeholders[0].ID}, graph.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Render(t.Context(), tc.req)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestLargeWorkspaceIsSummarised: a 1,000-stakeholder workspace gives a
// summary with a note, not a map Graphviz would take a minute on.
func TestLargeWorkspaceIsSummarised(t *testing.T) {
	if testing.Short() {
		t.Skip("large workspace")
	}
	r := newRenderer(t, render.Options{})
	big := storetest.Generate(3, 1000, 20, 2000)
	for _, page := range []string{render.PageAuto, render.PageSlide} {
		res := mustRender(t, r, render.Request{Bundle: big, Kind: render.KindStakeholders, Format: "svg", Page: page})
		if res.Note == "" || !strings.Contains(string(res.Data), strings.Fields(res.Note)[0]) {
			t.Errorf("%s: no summary note on the map; note %q", page, res.Note)
		}
	}
	full := mustRender(t, r, render.Request{Bundle: big, Kind: render.KindStakeholders, Format: "dot", Full: true, Page: render.PageAuto})
	if n := strings.Count(string(full.Data), "fillcolor"); n < 1000 {
		t.Errorf("full dot source has %d filled nodes, want ≥ 1000", n)
	}
}

// TestConcurrentRenders run on two workers and each gets its own map.
func TestConcurrentRenders(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 2, CacheEntries: -1})
	b := demoBundle(t)
	var reqs []render.Request
	for _, k := range []string{render.KindGrid, render.KindDependencies} {
		for _, lang := range []string{"nl", "en"} {
			reqs = append(reqs, render.Request{Bundle: b, Kind: k, Format: "svg", Lang: lang, AsOf: day()})
		}
	}
	want := make([][]byte, len(reqs))
	for i, req := range reqs {
		want[i] = mustRender(t, r, req).Data
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(reqs))
	for range 4 {
		for i, req := range reqs {
			wg.Go(func() {
				res, err := r.Render(t.Context(), req)
				if err != nil {
					errs <- err
				} else if !bytes.Equal(res.Data, want[i]) {
					errs <- fmt.Errorf("request %d: concurrent render differs from sequential one", i)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// rssKB reads a process's resident set size.
func rssKB(tb testing.TB, pid int) int {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	tb.Fatalf("no VmRSS for %d", pid)
	return 0
}

// TestWorkersAreRecycled: after RecycleAfter layouts a worker is replaced,
// so no worker's memory keeps growing.
func TestWorkersAreRecycled(t *testing.T) {
	const recycle = 5
	r := newRenderer(t, render.Options{Workers: 1, RecycleAfter: recycle, CacheEntries: -1})
	b := demoBundle(t)
	maxRSS := 0
	for i := range 4 * recycle {
		mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Format: "svg", High: 1 + i%5})
		idle, _ := render.WorkerPIDs(r)
		for _, pid := range idle {
			maxRSS = max(maxRSS, rssKB(t, pid))
		}
	}
	if n := render.WorkersStarted(r); n < 4 {
		t.Errorf("%d workers started for %d layouts with recycling after %d, want ≥ 4", n, 4*recycle, recycle)
	}
	if maxRSS > 400<<10 {
		t.Errorf("a worker grew to %d KB", maxRSS)
	}
	t.Logf("largest worker RSS %d KB", maxRSS)
}

// TestDeadlineKillsOnlyTheLateRender: a render past its deadline fails with
// ErrTimeout while another render on the other worker completes.
func TestDeadlineKillsOnlyTheLateRender(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a slow layout")
	}
	// The deadline leaves the small map seconds even on a loaded machine
	// under the race detector; the large map needs far more.
	r := newRenderer(t, render.Options{Workers: 2, Timeout: 5 * time.Second, CacheEntries: -1})
	big := storetest.Generate(5, 2000, 10, 5000)
	b := demoBundle(t)
	var wg sync.WaitGroup
	var slowErr error
	wg.Go(func() {
		_, slowErr = r.Render(t.Context(), render.Request{Bundle: big, Kind: render.KindStakeholders, Format: "svg", Full: true, Page: render.PageAuto, AsOf: day()})
	})
	time.Sleep(200 * time.Millisecond)
	mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Format: "svg"})
	wg.Wait()
	if !errors.Is(slowErr, render.ErrTimeout) {
		t.Fatalf("slow render: err = %v, want ErrTimeout", slowErr)
	}
	mustRender(t, r, render.Request{Bundle: b, Kind: render.KindDependencies, Format: "svg"})
}

// TestCrashedWorkerIsReplaced kills a worker in the middle of a render: the
// render is retried on a fresh worker and the next renders succeed.
func TestCrashedWorkerIsReplaced(t *testing.T) {
	r := newRenderer(t, render.Options{Workers: 1, CacheEntries: -1})
	b := demoBundle(t)
	mustRender(t, r, render.Request{Bundle: b, Kind: render.KindGrid, Format: "svg"})
	done := make(chan error, 1)
	go func() {
		_, err := r.Render(t.Context(), render.Request{Bundle: b, Kind: render.KindStakeholders, Format: "svg", AsOf: day()})
		done <- err
	}()
	killed := false
	for range 200 {
		if _, busy := render.WorkerPIDs(r); len(busy) > 0 {
			syscall.Kill(busy[0], syscall.SIGKILL)
			killed = true
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !killed {
		t.Fatal("never saw a busy worker")
	}
	if err := <-done; err != nil {
		t.Logf("render during the crash: %v", err)
	}
	mustRender(t, r, render.Request{Bundle: b, Kind: render.KindDependencies, Format: "svg"})
	if n := render.WorkersStarted(r); n < 2 {
		t.Errorf("%d workers started, want a replacement", n)
	}
}
