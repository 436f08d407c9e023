package render_test

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/render"
)

// earlier is a state before b for the changes map: some people stood
// elsewhere and thought otherwise.
func earlier(b *graph.Bundle) *graph.Bundle {
	e := b.Clone()
	for i := 0; i < len(e.Stakeholders); i += 3 {
		s := &e.Stakeholders[i]
		s.Influence, s.Interest = 6-s.Influence, 6-s.Interest
		s.Attitude = "neutral"
	}
	return e
}

// TestChangesMap draws the changes map of two states and checks who is
// on it, how many arrows it has, and that anonymising names nobody.
func TestChangesMap(t *testing.T) {
	r := newRenderer(t, render.Options{InProcess: true, CacheEntries: -1})
	before := demoBundle(t)
	after := before.Clone()
	moved := map[string]bool{}
	for i := range after.Stakeholders {
		s := &after.Stakeholders[i]
		switch i {
		case 0: // moves and comes round
			s.Influence, s.Interest, s.Attitude = 5, 5, "champion"
			moved[s.Name] = true
		case 1: // only changes attitude, stays in place
			s.Attitude = "blocker"
			moved[s.Name] = true
		case 2: // moves only
			s.Interest = 6 - s.Interest
			if s.Interest == before.Stakeholders[2].Interest {
				s.Interest = 1
			}
			moved[s.Name] = true
		}
	}
	unchangedName := after.Stakeholders[5].Name
	svg := mustRender(t, r, render.Request{Bundle: after, Before: before, Kind: render.KindChanges, Format: "svg", AsOf: "2026-11-01"}).Data
	for name := range moved {
		if !bytes.Contains(svg, []byte(name)) {
			t.Errorf("the changes map does not show %s", name)
		}
	}
	if bytes.Contains(svg, []byte(unchangedName)) {
		t.Errorf("the changes map shows %s, who did not change", unchangedName)
	}
	if n := len(regexp.MustCompile(`class="edge"`).FindAll(svg, -1)); n != 2 {
		t.Errorf("%d arrows, want 2 (two people moved)", n)
	}
	// The slide says since when: the snapshot's name, and the date now.
	since := mustRender(t, r, render.Request{Bundle: after, Before: before, Kind: render.KindChanges, Format: "svg", AsOf: "2026-11-01", Since: "MT 12 oktober"}).Data
	if !bytes.Contains(since, []byte("Sinds MT 12 oktober · stand van 1 november 2026")) {
		t.Error("the changes map does not say since when")
	}
	anon := mustRender(t, r, render.Request{Bundle: after, Before: before, Kind: render.KindChanges, Format: "svg", Anonymize: true, AsOf: "2026-11-01"}).Data
	for name := range moved {
		if bytes.Contains(anon, []byte(name)) {
			t.Errorf("the anonymised changes map names %s", name)
		}
	}
	if _, err := r.Render(t.Context(), render.Request{Bundle: after, Kind: render.KindChanges, Format: "svg"}); err == nil {
		t.Error("a changes map without the earlier state: no error")
	}
	if out := os.Getenv("STAKEMAP_CHANGES_PNG"); out != "" {
		png := mustRender(t, r, render.Request{Bundle: after, Before: before, Kind: render.KindChanges, Format: "png", AsOf: "2026-11-01"}).Data
		os.WriteFile(out, png, 0o644)
	}
}
