package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/render"
	"github.com/stakemap/stakemap/internal/webui"
)

// routeServe sends the API's paths to the API and every other path to the
// pages (sign-in and single sign-on included).
func routeServe(api, pages http.Handler) *http.ServeMux {
	m := http.NewServeMux()
	// Calendar feeds are the API's too: a calendar provider fetches them
	// by their secret URL.
	for _, p := range []string{"/api/", "/healthz", "/readyz", "/metrics", access.CalendarBase} {
		m.Handle(p, api)
	}
	m.Handle("/", pages)
	return m
}

// pageMaps adapts the render package to the pages' Renderer.
type pageMaps struct{ r *render.Renderer }

func (m pageMaps) RenderMap(ctx context.Context, b *graph.Bundle, req webui.MapRequest) (webui.MapResult, error) {
	res, err := m.r.Render(ctx, render.Request{Bundle: b, Before: req.Before, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang, Anonymize: req.Anonymize, AsOf: req.AsOf, Since: req.Since})
	if err != nil {
		return webui.MapResult{}, err
	}
	return webui.MapResult{Data: res.Data, ContentType: res.ContentType, FileName: res.FileName}, nil
}

// RenderDeck makes the maps page's deck with the same renderer.
func (m pageMaps) RenderDeck(ctx context.Context, b *graph.Bundle, req webui.DeckRequest) (webui.MapResult, error) {
	dr := render.DeckRequest{Bundle: b, Lang: req.Lang, Anonymize: req.Anonymize, AsOf: req.AsOf}
	if req.Trajectory != "" {
		dr.Trajectories = []string{req.Trajectory}
	}
	res, err := m.r.Deck(ctx, dr)
	if err != nil {
		return webui.MapResult{}, err
	}
	return webui.MapResult{Data: res.Data, ContentType: res.ContentType, FileName: res.FileName}, nil
}

// writeDownload writes a workspace for the export buttons.
func writeDownload(w io.Writer, b *graph.Bundle, format string) error {
	switch format {
	case "xlsx":
		return bundle.WriteXLSX(w, b)
	case "json":
		return bundle.Encode(w, b)
	}
	return fmt.Errorf("export: unknown format %q: %w", format, graph.ErrInvalid)
}

// The pages take access.Service for all of their sign-in needs.
var (
	_ webui.Auth          = (*access.Service)(nil)
	_ webui.OIDC          = (*access.Service)(nil)
	_ webui.ShareLinks    = (*access.Service)(nil)
	_ webui.Accounts      = (*access.Service)(nil)
	_ webui.DeckRenderer  = pageMaps{}
	_ webui.Members       = (*access.Service)(nil)
	_ webui.Sharing       = (*access.Service)(nil)
	_ webui.Users         = (*access.Service)(nil)
	_ webui.ActorNames    = (*access.Service)(nil)
	_ webui.CalendarFeeds = (*access.Service)(nil)
)
