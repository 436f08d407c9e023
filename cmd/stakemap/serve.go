package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/bundle"
	"github.com/stakemap/stakemap/internal/demo"
	"github.com/stakemap/stakemap/internal/history"
	"github.com/stakemap/stakemap/internal/httpapi"
	"github.com/stakemap/stakemap/internal/render"
	"github.com/stakemap/stakemap/internal/webui"
)

func init() { register(newServeCmd) }

func newServeCmd() *cobra.Command {
	var (
		o       serveOptions
		logJSON bool
		domains string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the workbench (web pages), the HTTP API and its OpenAPI document",
		Long: `Serve runs the HTTP service: the workbench (the web pages, Dutch and
English) at /, the JSON API under /api/v1, the OpenAPI document at
/api/openapi.json, /healthz, /readyz, Prometheus metrics at /metrics and
the assistant (MCP) at /mcp.

People sign in with an account (e-mail and password, or single sign-on
with OpenID Connect); scripts send a bearer token. Accounts, sessions,
tokens and share links live in the store, so several serve processes on
one Neo4j share them.

  STAKEMAP_ADMIN_EMAIL, STAKEMAP_ADMIN_PASSWORD  make sure this account
      exists as an admin of everything (password: 12 characters or more)
  STAKEMAP_ADMIN_TOKEN  a bearer token for scripts with the admin role
      (32 characters or more; unset: none)
  STAKEMAP_OIDC_CLIENT_SECRET  the client secret of --oidc-client-id

--demo on a loopback address also makes a demo account and prints its
password once. A token file of an earlier version (--tokens) is moved into
the store at the first start. --no-auth serves everyone as an admin and is
refused on any address but the loopback interface.

SIGINT or SIGTERM stops the service gracefully: running requests finish,
then the store is closed.`,
		Example: `  stakemap serve --demo
  STAKEMAP_ADMIN_EMAIL=it@example.org STAKEMAP_ADMIN_PASSWORD=... stakemap serve --addr 0.0.0.0:8080 --db /data/stakemap.db --external-url https://stakemap.example.org`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var handler slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), nil)
			if logJSON {
				handler = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
			}
			log := slog.New(handler)
			if o.noAuth && !httpapi.IsLoopback(o.addr) {
				return fmt.Errorf("serve: --no-auth is only allowed on a loopback address such as 127.0.0.1:8080, not %s: %w", o.addr, graph.ErrInvalid)
			}
			for _, d := range strings.Split(domains, ",") {
				if d = strings.TrimSpace(d); d != "" {
					o.oidcDomains = append(o.oidcDomains, d)
				}
			}
			o.adminToken = os.Getenv("STAKEMAP_ADMIN_TOKEN")
			o.adminEmail, o.adminPassword = os.Getenv("STAKEMAP_ADMIN_EMAIL"), os.Getenv("STAKEMAP_ADMIN_PASSWORD")
			o.oidcSecret = os.Getenv("STAKEMAP_OIDC_CLIENT_SECRET")
			o.announce = func(email, password string) {
				fmt.Fprintf(cmd.ErrOrStderr(), "\nDemo account (shown once; only a hash of the password is stored):\n\n    e-mail:   %s\n    password: %s\n\n", email, password)
			}
			return runServe(cmd.Context(), log, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", envOr("STAKEMAP_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT (env STAKEMAP_ADDR)")
	f.BoolVar(&o.demo, "demo", false, "load the demo workspace when the store has no workspace, and on a loopback address make a demo account")
	f.StringVar(&o.tokens, "tokens", os.Getenv("STAKEMAP_TOKENS"), "token file of an earlier version, moved into the store at start (env STAKEMAP_TOKENS; default: the --db file with .tokens appended, or stakemap.tokens with Neo4j)")
	f.BoolVar(&o.noAuth, "no-auth", false, "serve everyone as an admin, without signing in (loopback addresses only)")
	f.StringVar(&o.externalURL, "external-url", os.Getenv("STAKEMAP_EXTERNAL_URL"), "address people reach the service at, e.g. https://stakemap.example.org: https makes cookies Secure; single sign-on needs it (env STAKEMAP_EXTERNAL_URL)")
	f.StringVar(&o.oidcIssuer, "oidc-issuer", os.Getenv("STAKEMAP_OIDC_ISSUER"), "OpenID Connect issuer URL for single sign-on (env STAKEMAP_OIDC_ISSUER)")
	f.StringVar(&o.oidcClientID, "oidc-client-id", os.Getenv("STAKEMAP_OIDC_CLIENT_ID"), "client id at the OpenID provider (env STAKEMAP_OIDC_CLIENT_ID; the secret: STAKEMAP_OIDC_CLIENT_SECRET)")
	f.StringVar(&domains, "oidc-allowed-domains", os.Getenv("STAKEMAP_OIDC_ALLOWED_DOMAINS"), "comma-separated e-mail domains whose people get an account (no role yet) at their first single sign-on (env STAKEMAP_OIDC_ALLOWED_DOMAINS)")
	f.BoolVar(&logJSON, "log-json", false, "write logs as JSON lines instead of text")
	f.IntVar(&o.workers, "render-workers", 2, "map rendering worker processes")
	f.IntVar(&o.workerMemoryMiB, "render-memory", 512, "memory one map rendering worker may use, in MiB")
	return cmd
}

type serveOptions struct {
	addr, tokens, externalURL string
	demo, noAuth              bool
	workers, workerMemoryMiB  int
	adminToken                string
	adminEmail, adminPassword string
	oidcIssuer, oidcClientID  string
	oidcSecret                string
	oidcDomains               []string
	announce                  func(email, password string)
}

func runServe(ctx context.Context, log *slog.Logger, o serveOptions) (err error) {
	if backendFlags.at != "" {
		return graph.Invalid([]graph.Problem{{Field: "at", Value: backendFlags.at, Reason: "is for reads; the service takes at per request"}})
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
	// Retention runs at start and daily; it stops before the store closes.
	if hs, err := historyOf(backend); err == nil {
		rctx, stopRetention := context.WithCancel(ctx)
		wait := history.RunRetention(rctx, hs, 24*time.Hour, log)
		defer func() { stopRetention(); wait() }()
	}
	acc, err := openServeAccess(ctx, log, backend, o)
	if err != nil {
		return err
	}
	if o.demo {
		if err := loadDemo(ctx, log, backend); err != nil {
			return err
		}
	}

	renderer, err := render.NewRenderer(render.Options{Workers: o.workers, WorkerMemory: int64(o.workerMemoryMiB) << 20, Handlers: renderJobs})
	if err != nil {
		return err
	}
	defer renderer.Close()

	srv, err := httpapi.New(httpapi.Config{
		Backend:      backend,
		Access:       acc,
		NoAuth:       o.noAuth,
		Renderer:     mapRenderer{renderer},
		DecodeBundle: bundle.Decode,
		EncodeBundle: bundle.Encode,
		ReadInput:    bundle.ReadInputFrom,
		Logger:       log,
	})
	if err != nil {
		return err
	}
	var signIn webui.Auth = acc
	if o.noAuth {
		signIn = localSignIn{}
	}
	pages, err := webui.New(webui.Config{
		Backend:     backend,
		Auth:        signIn,
		Renderer:    pageMaps{renderer},
		ReadInput:   bundle.ReadInputIn,
		WriteBundle: writeDownload,
		Logger:      log,
		Links:       acc,
		Calendar:    acc,
		ExternalURL: o.externalURL,
	})
	if err != nil {
		return err
	}
	mux := routeServe(srv.Handler(), pages.Handler())
	mux.Handle(mcpPath, mcpHandler(acc, o.noAuth, backend, assistantMaps{renderer}, log))
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Share-link counts are written every minute and once more at the end.
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { acc.Run(bg); close(done) }()
	defer func() { stopBG(); <-done }()
	log.Info("listening", "addr", ln.Addr().String(), "auth", !o.noAuth, "sso", acc.OIDCEnabled())
	// The API guards itself; the guard around everything covers the pages.
	if err := httpapi.Serve(ctx, ln, acc.CrossOriginGuard(mux, httpapi.CrossOriginDenied), log); err != nil {
		return err
	}
	log.Info("drained; closing the store")
	return nil
}

// openServeAccess starts sign-in: the access service, the migration of
// an old token file, the admin account of the environment and, for
// --demo on loopback, the demo account.
func openServeAccess(ctx context.Context, log *slog.Logger, store graph.Store, o serveOptions) (*access.Service, error) {
	cfg := access.Config{Store: store, ExternalURL: o.externalURL, AdminToken: o.adminToken, Logger: log}
	if o.oidcIssuer != "" || o.oidcClientID != "" {
		cfg.OIDC = &access.OIDCConfig{Issuer: o.oidcIssuer, ClientID: o.oidcClientID, ClientSecret: o.oidcSecret, AllowedDomains: o.oidcDomains}
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	acc, err := access.New(octx, cfg)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	path := o.tokens
	switch {
	case path != "":
	case backendFlags.neo4jURI != "":
		path = "stakemap.tokens" // where earlier versions kept them with Neo4j
	default:
		path = backendFlags.db + ".tokens"
	}
	n, warnings, err := acc.ImportTokenFile(ctx, path)
	for _, w := range warnings {
		log.Warn(w)
	}
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if n > 0 {
		log.Info("tokens moved from the token file into the store", "tokens", n, "file", path+".migrated")
	}
	if o.adminEmail != "" || o.adminPassword != "" {
		if o.adminEmail == "" {
			return nil, fmt.Errorf("serve: %w", graph.Invalid([]graph.Problem{{Field: "STAKEMAP_ADMIN_EMAIL", Reason: "is required with STAKEMAP_ADMIN_PASSWORD"}}))
		}
		created, err := acc.EnsureAdmin(ctx, o.adminEmail, o.adminPassword)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		if created {
			log.Info("admin account made from STAKEMAP_ADMIN_EMAIL")
		}
	}
	if o.demo && !o.noAuth {
		if httpapi.IsLoopback(o.addr) {
			password, created, err := acc.EnsureDemoAccount(ctx)
			if err != nil {
				return nil, fmt.Errorf("serve: %w", err)
			}
			if created {
				o.announce(access.DemoEmail, password)
			}
		} else {
			log.Warn("no demo account: --demo makes one on a loopback address only")
		}
	}
	if ok, err := acc.HasAdmin(ctx); err == nil && !ok && !o.noAuth {
		log.Warn("nobody can administer this service: set STAKEMAP_ADMIN_EMAIL and STAKEMAP_ADMIN_PASSWORD, or run `stakemap user add EMAIL --role admin --password-stdin` with the service stopped")
	}
	return acc, nil
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
	case errors.Is(err, render.ErrTooLarge), errors.Is(err, render.ErrOutOfMemory):
		return httpapi.MapResult{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: "trajectory", Value: strings.Join(req.Trajectories, ","),
			Reason: "a map of the deck is too large to draw: ask for fewer or smaller trajectories"}}))
	case errors.Is(err, render.ErrTimeout), errors.Is(err, render.ErrBusy):
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
		Bundle: b, Before: req.Before, Since: req.Since, Kind: req.Kind, Format: req.Format, Trajectory: req.Trajectory,
		From: req.From, To: req.To, Mode: req.Mode, K: req.K, Lang: req.Lang,
		Anonymize: req.Anonymize, Scale: req.Scale, Full: req.Full, AsOf: req.AsOf, Page: req.Page, Part: req.Part, Context: req.Context,
	})
	switch {
	case errors.Is(err, render.ErrOutOfMemory):
		field, value := "format", req.Format
		if req.Scale > 0 {
			field, value = "scale", strconv.FormatFloat(req.Scale, 'g', -1, 64)
		}
		return httpapi.MapResult{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: field, Value: value,
			Reason: "the map needs more memory than a renderer may use: ask for a smaller scale, SVG, or one trajectory"}}))
	case errors.Is(err, render.ErrTooLarge):
		return httpapi.MapResult{}, fmt.Errorf("render: %w", graph.Invalid([]graph.Problem{{Field: "trajectory", Value: req.Trajectory,
			Reason: "the map has too many nodes to draw: narrow it to one trajectory"}}))
	case errors.Is(err, render.ErrTimeout), errors.Is(err, render.ErrBusy):
		return httpapi.MapResult{}, fmt.Errorf("%w: %w", httpapi.ErrUnavailable, err)
	}
	if err != nil {
		return httpapi.MapResult{}, err
	}
	return httpapi.MapResult{Data: res.Data, ContentType: res.ContentType, Key: res.Key, FileName: res.FileName, Parts: res.Parts}, nil
}
