package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/httpapi"
	"github.com/stakemap/stakemap/internal/render"
)

func init() { register(newServeCmd) }

func newServeCmd() *cobra.Command {
	var (
		addr       string
		withDemo   bool
		tokensPath string
		noAuth     bool
		logJSON    bool
		workers    int
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API, its OpenAPI document and the web page",
		Long: `Serve runs the HTTP service: the JSON API under /api/v1, the OpenAPI
document at /api/openapi.json, /healthz, /readyz, Prometheus metrics at
/metrics and a read-only web page at /.

Every API request needs a bearer token. STAKEMAP_ADMIN_TOKEN sets an admin
token; without it, the first start creates one and prints it once. Tokens
are kept as SHA-256 hashes in the token file (default: the database file
with .tokens appended). --no-auth turns tokens off and is refused on any
address but the loopback interface.

SIGINT or SIGTERM stops the service gracefully: running requests finish,
then the store is closed.`,
		Example: `  stakemap serve --demo
  STAKEMAP_ADMIN_TOKEN=... stakemap serve --addr 0.0.0.0:8080 --db /data/stakemap.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var handler slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), nil)
			if logJSON {
				handler = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
			}
			log := slog.New(handler)
			if noAuth && !httpapi.IsLoopback(addr) {
				return fmt.Errorf("serve: --no-auth is only allowed on a loopback address such as 127.0.0.1:8080, not %s: %w", addr, graph.ErrInvalid)
			}
			return runServe(cmd.Context(), log, serveOptions{
				addr: addr, demo: withDemo, tokens: tokensPath, noAuth: noAuth, workers: workers,
				announce: func(token string) {
					fmt.Fprintf(cmd.ErrOrStderr(), "\nAdmin token (shown once; only its hash is stored):\n\n    %s\n\n", token)
				},
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", envOr("STAKEMAP_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT (env STAKEMAP_ADDR)")
	f.BoolVar(&withDemo, "demo", false, "load the demo workspace when the store has no workspace")
	f.StringVar(&tokensPath, "tokens", os.Getenv("STAKEMAP_TOKENS"), "token file (env STAKEMAP_TOKENS; default: the --db file with .tokens appended, or stakemap.tokens with Neo4j)")
	f.BoolVar(&noAuth, "no-auth", false, "serve without tokens (loopback addresses only)")
	f.BoolVar(&logJSON, "log-json", false, "write logs as JSON lines instead of text")
	f.IntVar(&workers, "render-workers", 2, "map rendering worker processes")
	return cmd
}

type serveOptions struct {
	addr, tokens string
	demo, noAuth bool
	workers      int
	announce     func(token string)
}

func runServe(ctx context.Context, log *slog.Logger, o serveOptions) (err error) {
	var tokens *httpapi.TokenStore
	if !o.noAuth {
		path := o.tokens
		if path == "" {
			path = backendFlags.db + ".tokens"
			if backendFlags.neo4jURI != "" {
				path = "stakemap.tokens"
			}
		}
		if tokens, err = httpapi.OpenTokens(path); err != nil {
			return err
		}
		tokens.SetAdminToken(os.Getenv("STAKEMAP_ADMIN_TOKEN"))
		if !tokens.HasAdmin() {
			token, _, err := tokens.Create(httpapi.AllWorkspaces, httpapi.RoleAdmin)
			if err != nil {
				return fmt.Errorf("create the first admin token: %w", err)
			}
			o.announce(token)
		}
	}

	backend, err := openBackend(ctx)
	if err != nil {
		return err
	}
	// Closed last, after the server has drained.
	defer func() {
		if cerr := backend.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	if o.demo {
		if err := loadDemo(ctx, log, backend); err != nil {
			return err
		}
	}

	renderer, err := render.NewRenderer(render.Options{Workers: o.workers})
	if err != nil {
		return err
	}
	defer renderer.Close()

	srv, err := httpapi.New(httpapi.Config{
		Backend:      backend,
		Tokens:       tokens,
		NoAuth:       o.noAuth,
		Renderer:     mapRenderer{renderer},
		DecodeBundle: bundle.Decode,
		EncodeBundle: bundle.Encode,
		Logger:       log,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "auth", !o.noAuth)
	if err := httpapi.Serve(ctx, ln, srv.Handler(), log); err != nil {
		return err
	}
	log.Info("drained; closing the store")
	return nil
}

// loadDemo imports the demo workspace into a store that has none.
func loadDemo(ctx context.Context, log *slog.Logger, s graph.Store) error {
	wss, err := s.Workspaces(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(wss) > 0 {
		log.Info("demo not loaded: the store has workspaces already", "workspaces", len(wss))
		return nil
	}
	b, err := demo.Bundle()
	if err != nil {
		return err
	}
	ictx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := s.ImportBundle(ictx, b, graph.Precondition{}); err != nil {
		return fmt.Errorf("demo: import: %w", err)
	}
	log.Info("demo workspace loaded", "workspace", b.Workspace.ID)
	return nil
}

// RenderDeck makes a deck with the same renderer.
func (m mapRenderer) RenderDeck(ctx context.Context, b *graph.Bundle, req httpapi.DeckRequest) (httpapi.MapResult, error) {
	dr := render.DeckRequest{Bundle: b, Trajectories: req.Trajectories, All: req.All, Lang: req.Lang,
		Anonymize: req.Anonymize, AsOf: req.AsOf, High: req.High}
	for _, p := range req.Paths {
		dr.Paths = append(dr.Paths, render.PathEnds{From: p[0], To: p[1]})
	}
	res, err := m.r.Deck(ctx, dr)
	switch {
	case errors.Is(err, render.ErrTooLarge):
		return httpapi.MapResult{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: "trajectory", Value: strings.Join(req.Trajectories, ","),
			Reason: "a map of the deck has too many nodes to draw"}}))
	case errors.Is(err, render.ErrTimeout):
		return httpapi.MapResult{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, err)
	}
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName}, nil
}

// mapRenderer adapts the render package to the service's Renderer.
type mapRenderer struct{ r *render.Renderer }

func (m mapRenderer) RenderMap(ctx context.Context, b *graph.Bundle, req httpapi.MapRequest) (httpapi.MapResult, error) {
	res, err := m.r.Render(ctx, render.Request{
		Bundle: b, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang,
		Anonymize: req.Anonymize, Scale: req.Scale, Full: req.Full, Page: req.Page, Part: req.Part, Context: req.Context,
	})
	switch {
	case errors.Is(err, render.ErrTooLarge):
		return httpapi.MapResult{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: "trajectory", Value: req.Trajectory,
			Reason: "the map has too many nodes to draw: narrow it to one trajectory"}}))
	case errors.Is(err, render.ErrTimeout):
		return httpapi.MapResult{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, err)
	}
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName, Parts: res.Parts}, nil
}
