// Package webui is the workbench: the server-rendered pages on which an
// L&D consultant keeps the stakeholder register, sets roles, places people
// on a trajectory's power–interest grid, logs contacts and sees the
// findings change, in Dutch or English. Every page works as plain HTML
// forms (POST → 303 → GET); a few small script modules add dragging on the
// grid and type-ahead. It writes through the same graph.Store as the JSON
// API and never calls that API over HTTP.
package webui

import (
	"context"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/history"
	"github.com/stakemap/stakemap/internal/lru"
	"github.com/stakemap/stakemap/internal/merge"
	"github.com/stakemap/stakemap/web"
)

// Auth is what the pages need from sign-in: who makes a request, signing
// in with e-mail and password, and signing out. access.Service provides it.
type Auth interface {
	// Authenticate returns the principal of a request (session cookie or
	// bearer token), or access.ErrUnauthenticated / ErrBadCredentials.
	Authenticate(r *http.Request) (access.Principal, error)
	// SignIn checks e-mail and password and returns the session cookie:
	// access.ErrBadCredentials, or access.ErrThrottled (a
	// *access.ThrottledError) after too many failures.
	SignIn(ctx context.Context, email, password, client string) (*http.Cookie, access.Principal, error)
	// SignOut ends the request's session and returns the cookie that
	// clears it in the browser.
	SignOut(ctx context.Context, r *http.Request) (*http.Cookie, error)
}

// OIDC is the single sign-on part of access.Service; an Auth that also
// implements it (and has it enabled) gets a sign-in button for it, and
// shows its failures on the sign-in page.
type OIDC interface {
	OIDCEnabled() bool
	OIDCLogin(w http.ResponseWriter, r *http.Request, fail access.OIDCFailure)
	OIDCCallback(w http.ResponseWriter, r *http.Request, fail access.OIDCFailure)
}

// MapRequest asks for one map, as the maps page and its downloads do.
type MapRequest struct {
	Kind, Format          string
	Trajectory, From, To  string
	Mode                  string
	K                     int
	Lang                  string
	Anonymize, Attachment bool
	// Before is the earlier state a changes map compares the bundle with,
	// and Since what it is called on the map.
	Before *graph.Bundle
	Since  string
	// AsOf is the date (YYYY-MM-DD) of the findings a map marks and its
	// "as of" line: the pages' today, in Dutch time.
	AsOf string
}

// MapResult is a drawn map.
type MapResult struct {
	Data                  []byte
	ContentType, FileName string
}

// Renderer draws maps; the service passes its render workers.
type Renderer interface {
	RenderMap(ctx context.Context, b *graph.Bundle, req MapRequest) (MapResult, error)
}

// DeckRequest asks for the PowerPoint deck of a workspace: one
// trajectory, or every active one when Trajectory is empty.
type DeckRequest struct {
	Trajectory, Lang string
	Anonymize        bool
	// AsOf is the date of the deck's findings, as MapRequest.AsOf.
	AsOf string
}

// DeckRenderer makes decks. A Renderer that also implements it gets a
// "download the presentation" button on the maps page.
type DeckRenderer interface {
	RenderDeck(ctx context.Context, b *graph.Bundle, req DeckRequest) (MapResult, error)
}

// Config wires the pages to the backend and the rest of the service.
type Config struct {
	// Backend stores the workspaces and answers the analyses. Required.
	Backend graph.Backend
	// Auth signs people in. Required.
	Auth Auth
	// Renderer draws maps; nil leaves the maps out.
	Renderer Renderer
	// ReadInput reads an uploaded workbook, CSV sheet or stakemap/v1
	// document (told apart by name and content) for an import, wording in
	// lang (the person's) what the file does not decide the language of.
	// Nil: the import page only exports.
	ReadInput func(r io.Reader, name, lang string) (*merge.Input, error)
	// WriteBundle writes a workspace as "xlsx" or "json". Nil: no export.
	WriteBundle func(w io.Writer, b *graph.Bundle, format string) error
	// Logger receives internal errors (never names of people); nil
	// discards.
	Logger *slog.Logger
	// Now is the clock (for "today" in forms and analyses); nil: time.Now.
	Now func() time.Time
	// Links revokes and rewrites the share links that name a person
	// being erased; nil where no share links are kept.
	Links history.Links
	// Calendar makes, lists and revokes calendar feed URLs on the account
	// page; nil leaves that section out.
	Calendar CalendarFeeds
	// ExternalURL is the address people reach the service at
	// (https://stakemap.example.org), which the share links and calendar
	// URLs the pages show start with; empty: the address each request
	// came to.
	ExternalURL string
}

// Server serves the pages. Create it with New.
type Server struct {
	cfg     Config
	store   graph.Backend
	log     *slog.Logger
	pages   map[string]*template.Template
	mux     *http.ServeMux
	pending *pendingImports
	// cache keeps recently read workspaces by revision, findingCache their
	// findings by revision, language and day: a page view after a page
	// view reads nothing twice.
	cache        *lru.Cache[*wsData]
	findingCache *lru.Cache[[]graph.Finding]
	shareCache   *shareImages
}

// MaxUpload bounds an uploaded import file (DESIGN §14: imports ≤ 64 MB).
const MaxUpload = 64 << 20

// maxForm bounds every other form body.
const maxForm = 1 << 20

// New parses the templates and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Backend == nil || cfg.Auth == nil {
		return nil, errors.New("webui: a backend and sign-in are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages, err := parseTemplates(web.FS)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: cfg.Backend, log: cfg.Logger, pages: pages, pending: newPendingImports(8, 30*time.Minute),
		cache:        lru.New(16, 256<<20, func(d *wsData) int64 { return d.size() }),
		findingCache: lru.New(64, 32<<20, func(fs []graph.Finding) int64 { return int64(len(fs)) * 512 }),
		shareCache:   &shareImages{max: 256, m: map[string]shareImage{}}}
	s.mux = s.routes()
	return s, nil
}

// Handler serves every page and asset; cross-origin form posts are refused.
func (s *Server) Handler() http.Handler {
	return http.NewCrossOriginProtection().Handler(s.mux)
}

func parseTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := n[len("templates/"):]
		if base == "layout.html" || base == "parts.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/parts.html", n)
		if err != nil {
			return nil, err
		}
		out[base[:len(base)-len(".html")]] = t
	}
	return out, nil
}
