package render_test

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/render"
)

// BenchmarkWorkspaceMap300 renders the map of a 300-stakeholder workspace
// (the default summary, and the full map) as SVG through the worker pool,
// and the same DOT sources with the system's native Graphviz (dot -Tsvg)
// as the baseline.
func BenchmarkWorkspaceMap300(b *testing.B) {
	r := newRenderer(b, render.Options{CacheEntries: -1})
	bundle := storetest.Generate(11, 300, 12, 900)
	for _, full := range []bool{false, true} {
		name := map[bool]string{false: "summary", true: "full"}[full]
		req := render.Request{Bundle: bundle, Kind: render.KindStakeholders, Format: "svg", AsOf: day(), Full: full}
		b.Run(name+"/stakemap", func(b *testing.B) {
			for b.Loop() {
				if _, err := r.Render(b.Context(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/native-dot", func(b *testing.B) {
			if _, err := exec.LookPath("dot"); err != nil {
				b.Skip("dot (Debian package graphviz) is missing")
			}
			req := req
			req.Format = "dot"
			src, err := r.Render(b.Context(), req)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				cmd := exec.Command("dot", "-Tsvg")
				cmd.Stdin = bytes.NewReader(src.Data)
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWorkspaceMap1000 renders the (summarised) map of a
// 1,000-stakeholder workspace.
func BenchmarkWorkspaceMap1000(b *testing.B) {
	r := newRenderer(b, render.Options{CacheEntries: -1})
	bundle := storetest.Generate(13, 1000, 40, 3000)
	for _, f := range []string{"svg", "png"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := r.Render(b.Context(), render.Request{Bundle: bundle, Kind: render.KindStakeholders, Format: f, AsOf: day()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPNG renders the demo workspace map as a 1920-pixel PNG, and a
// cached render of it.
func BenchmarkPNG(b *testing.B) {
	bundle := demoBundle(b)
	req := render.Request{Bundle: bundle, Kind: render.KindStakeholders, Trajectory: "ai-basis", Format: "png", AsOf: day()}
	b.Run("uncached", func(b *testing.B) {
		r := newRenderer(b, render.Options{CacheEntries: -1})
		for b.Loop() {
			if _, err := r.Render(b.Context(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		r := newRenderer(b, render.Options{})
		if _, err := r.Render(b.Context(), req); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := r.Render(b.Context(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestRSSSoak renders many uncached maps and compares this process's RSS
// after 100 and after all of them; set STAKEMAP_RENDER_SOAK to the number
// of renders (e.g. 10000) to run it.
func TestRSSSoak(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("STAKEMAP_RENDER_SOAK"))
	if n < 200 {
		t.Skip("set STAKEMAP_RENDER_SOAK=10000 to run the soak test")
	}
	r := newRenderer(t, render.Options{CacheEntries: -1})
	b := demoBundle(t)
	var at100 int
	for i := range n {
		// Mostly SVG (the layouts, in the workers), every tenth a PNG (the
		// painter, in this process); High varies so nothing repeats.
		format := "svg"
		if i%10 == 0 {
			format = "png"
		}
		req := render.Request{Bundle: b, Kind: []string{render.KindGrid, render.KindDependencies}[i%2], Format: format,
			AsOf: day(), High: 1 + i%5, Scale: 1, Lang: []string{"nl", "en"}[i/2%2], Anonymize: i/4%2 == 1}
		if _, err := r.Render(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		if i+1 == 100 {
			runtime.GC()
			at100 = rssKB(t, os.Getpid())
		}
	}
	runtime.GC()
	end := rssKB(t, os.Getpid())
	idle, _ := render.WorkerPIDs(r)
	workers := 0
	for _, pid := range idle {
		workers += rssKB(t, pid)
	}
	t.Logf("RSS after 100 renders %d KB, after %d renders %d KB (+%d KB); workers now %d KB in all; %d workers started",
		at100, n, end, end-at100, workers, render.WorkersStarted(r))
	if end-at100 > 50<<10 {
		t.Errorf("RSS grew by %d KB, more than 50 MB", end-at100)
	}
}

// tenTrajectories is a workspace of 120 stakeholders and 10 running
// trajectories, the deck target's size.
func tenTrajectories() *graph.Bundle {
	b := storetest.Generate(17, 120, 10, 400)
	for i := range b.Trajectories {
		b.Trajectories[i].Status = "running"
	}
	return b
}

// cpuSeconds is the CPU time this process has used. The deck and slide
// benchmarks run Graphviz in-process, so that it counts too: on a shared
// machine CPU time says more than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// loopCPU runs f in b.Loop and reports its CPU seconds per run.
func loopCPU(b *testing.B, f func() error) {
	start := cpuSeconds()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-start)/float64(b.N), "cpu-s/op")
}

// inProcess is a renderer without workers or cache.
func inProcess(b *testing.B) *render.Renderer {
	r, err := render.NewRenderer(render.Options{InProcess: true, CacheEntries: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkDeck10 makes the deck of a 10-trajectory workspace (21 maps and
// the text slides), and as the baseline draws the same maps one by one
// through Render, in the same run.
func BenchmarkDeck10(b *testing.B) {
	bundle := tenTrajectories()
	r := inProcess(b)
	b.Run("deck", func(b *testing.B) {
		loopCPU(b, func() error {
			_, err := r.Deck(b.Context(), render.DeckRequest{Bundle: bundle, AsOf: day()})
			return err
		})
	})
	b.Run("maps-one-by-one", func(b *testing.B) {
		var reqs []render.Request
		for _, t := range bundle.Trajectories {
			reqs = append(reqs,
				render.Request{Bundle: bundle, Kind: render.KindStakeholders, Trajectory: t.ID, Format: "png", AsOf: day()},
				render.Request{Bundle: bundle, Kind: render.KindGrid, Trajectory: t.ID, Format: "png", AsOf: day()})
		}
		reqs = append(reqs, render.Request{Bundle: bundle, Kind: render.KindDependencies, Format: "png", AsOf: day()})
		loopCPU(b, func() error {
			for _, req := range reqs {
				if _, err := r.Render(b.Context(), req); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// BenchmarkSlidePNG60 draws the stakeholder map and the grid of a
// 60-person trajectory as slide PNGs, and as the baseline the same maps on
// an auto page (round one's natural size, 1920 pixels wide).
func BenchmarkSlidePNG60(b *testing.B) {
	bundle := sixtyPersonTrajectory()
	r := inProcess(b)
	for _, kind := range []string{render.KindStakeholders, render.KindGrid} {
		for _, page := range []string{render.PageSlide, render.PageAuto} {
			req := render.Request{Bundle: bundle, Kind: kind, Trajectory: bundle.Trajectories[0].ID, Format: "png", Page: page, AsOf: day()}
			b.Run(kind+"/"+page, func(b *testing.B) {
				loopCPU(b, func() error {
					_, err := r.Render(b.Context(), req)
					return err
				})
			})
		}
	}
}
