package render_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/render"
)

// TestWriteSamples writes sample maps to $STAKEMAP_RENDER_SAMPLES for a
// person to look at; it does nothing without it.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("STAKEMAP_RENDER_SAMPLES")
	if dir == "" {
		t.Skip("set STAKEMAP_RENDER_SAMPLES to a directory to write sample maps")
	}
	r := newRenderer(t, render.Options{})
	b := demoBundle(t)
	big := storetest.Generate(7, 1000, 40, 3000)
	reqs := []render.Request{
		{Bundle: b, Kind: render.KindStakeholders},
		{Bundle: b, Kind: render.KindStakeholders, Trajectory: b.Trajectories[0].ID, Lang: "en"},
		{Bundle: b, Kind: render.KindGrid},
		{Bundle: b, Kind: render.KindDependencies},
		{Bundle: b, Kind: render.KindStakeholders, Anonymize: true},
		{Bundle: big, Kind: render.KindStakeholders},
	}
	if len(b.Influences) > 0 {
		reqs = append(reqs, render.Request{Bundle: b, Kind: render.KindPath, From: b.Influences[0].From, To: b.Stakeholders[len(b.Stakeholders)-1].ID, K: 3})
	}
	for i, req := range reqs {
		for _, f := range []string{"svg", "png", "pdf", "dot"} {
			req.Format = f
			req.AsOf = asOf.Format("2006-01-02")
			res, err := r.Render(t.Context(), req)
			if err != nil {
				t.Errorf("%d %s %s: %v", i, req.Kind, f, err)
				continue
			}
			name := filepath.Join(dir, string(rune('a'+i))+"-"+res.FileName)
			if err := os.WriteFile(name, res.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
