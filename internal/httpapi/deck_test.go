package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
	"github.com/stakemap/stakemap/internal/render"
)

// RenderDeck makes decks with the real renderer, as the command does.
func (rr *realRenderer) RenderDeck(ctx context.Context, b *graph.Bundle, req httpapi.DeckRequest) (httpapi.MapResult, error) {
	rr.mu.Lock()
	rr.n++
	rr.mu.Unlock()
	dr := render.DeckRequest{Bundle: b, Trajectories: req.Trajectories, All: req.All, Lang: req.Lang, Anonymize: req.Anonymize, AsOf: req.AsOf, High: req.High}
	for _, p := range req.Paths {
		dr.Paths = append(dr.Paths, render.PathEnds{From: p[0], To: p[1]})
	}
	res, err := rr.r.Deck(ctx, dr)
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName}, nil
}

// TestDeckRoute: a viewer downloads a deck of the trajectories and paths
// asked for, with an ETag; bad parameters are 400 naming them, unknown ids
// 404, and nobody without a token for the workspace gets one.
func TestDeckRoute(t *testing.T) {
	rr := newRealRenderer(t)
	e := newEnv(t, withRenderer(rr))
	base := "/api/v1/workspaces/" + demo.ID + "/deck.pptx"

	r := e.expect(e.do("GET", base+"?trajectory=ai-basis&path=ld-adviseur:controller&lang=en", e.viewer, nil), http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.presentationml.presentation" {
		t.Errorf("content type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "deck-"+demo.ID+".pptx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	z, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatalf("the deck is not a zip package: %v", err)
	}
	slides := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "ppt/slides/slide") && strings.HasSuffix(f.Name, ".xml") {
			slides++
		}
	}
	if want := 2 + 3 + 1 + 1; slides != want {
		t.Errorf("%d slides, want %d (title, overview, 3 for ai-basis, a path, dependencies)", slides, want)
	}
	tag := r.header.Get("ETag")
	e.expect(e.do("GET", base+"?trajectory=ai-basis&path=ld-adviseur:controller&lang=en", e.viewer, nil, "If-None-Match", tag), http.StatusNotModified)

	for _, c := range []struct {
		query  string
		status int
		field  string
	}{
		{"?path=ld-adviseur", http.StatusBadRequest, "path"},
		{"?high=9", http.StatusBadRequest, "high"},
		{"?lang=fr", http.StatusBadRequest, "lang"},
		{"?asOf=1-11-2026", http.StatusBadRequest, "asOf"},
		{"?trajectroy=ai-basis", http.StatusBadRequest, "trajectroy"},
		{"?trajectory=nope", http.StatusNotFound, ""},
		{"?path=ld-adviseur:nope", http.StatusNotFound, ""},
	} {
		t.Run(strings.TrimPrefix(c.query, "?"), func(t *testing.T) {
			e := e.with(t)
			r := e.expect(e.do("GET", base+c.query, e.viewer, nil), c.status)
			if c.field == "" {
				return
			}
			found := false
			for _, f := range r.apiError(t).Fields {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("error %s does not name %s", r.body, c.field)
			}
		})
	}
	e.expect(e.do("GET", base, "", nil), http.StatusUnauthorized)
	// Another workspace's token learns nothing, not even that it exists.
	e.expect(e.do("GET", base, e.foreign, nil), http.StatusNotFound)
}
