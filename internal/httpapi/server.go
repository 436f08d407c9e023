// Package httpapi is stakemap's HTTP service: the JSON API under /api/v1
// (gin), its OpenAPI document, health and metrics endpoints and sign-in by
// session cookie or bearer token (through internal/access). The web pages
// are internal/webui's.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/lru"
	"github.com/stakemap/stakemap/internal/merge"
)

// Body limits: a whole workspace may be large (every export must import
// back: a 15 MB workspace exports as about 26 MB of JSON), a single entity
// never is.
const (
	BundleBodyLimit  = 64 << 20
	DefaultBodyLimit = 1 << 20
)

// Config wires a Server to its collaborators.
type Config struct {
	// Backend stores the workspaces and answers the analyses. Required.
	Backend graph.Backend
	// Access signs people in and answers who a request is and what it
	// may do (sessions, tokens, accounts, share links). Required unless
	// NoAuth.
	Access *access.Service
	// NoAuth serves every request as a global admin: only for a service
	// bound to the loopback interface of a single user's machine.
	NoAuth bool
	// Renderer draws the maps; nil makes the map routes answer 503.
	Renderer Renderer
	// DecodeBundle reads a stakemap/v1 document strictly; EncodeBundle
	// writes one canonically. Nil: plain strict JSON.
	DecodeBundle func(io.Reader) (*graph.Bundle, error)
	EncodeBundle func(io.Writer, *graph.Bundle) error
	// ReadInput reads an uploaded workbook, CSV file or stakemap/v1
	// document (name tells the format) for the import route; nil makes
	// that route answer 503.
	ReadInput func(r io.Reader, name string) (*merge.Input, error)
	// Logger receives one line per request and every internal error; nil
	// discards.
	Logger *slog.Logger
	// AnalysisTimeout bounds one analysis request; 0 means
	// DefaultAnalysisTimeout.
	AnalysisTimeout time.Duration
}

// Server is the HTTP service. Create it with New and serve Handler.
type Server struct {
	cfg    Config
	store  graph.Backend
	hist   graph.History // nil when the backend keeps no history
	access *access.Service
	log    *slog.Logger
	engine *gin.Engine
	reg    *prometheus.Registry
	routes []route

	maps        *lru.Cache[MapResult]
	mapsBusy    *inflight
	openapiOnce sync.Once
	openapiDoc  []byte
	openapiTag  string

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

const ctxLogger = "stakemap.logger"

// New builds the service and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Backend == nil {
		return nil, errors.New("httpapi: no backend")
	}
	if cfg.Access == nil && !cfg.NoAuth {
		return nil, errors.New("httpapi: no access service and authentication not disabled")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DecodeBundle == nil {
		cfg.DecodeBundle = decodeBundleJSON
	}
	if cfg.EncodeBundle == nil {
		cfg.EncodeBundle = encodeBundleJSON
	}
	if cfg.AnalysisTimeout <= 0 {
		cfg.AnalysisTimeout = DefaultAnalysisTimeout
	}
	s := &Server{cfg: cfg, store: pastAware{cfg.Backend}, access: cfg.Access, log: cfg.Logger, reg: prometheus.NewRegistry(),
		maps: lru.New(128, 32<<20, func(m MapResult) int64 { return int64(len(m.Data)) }), mapsBusy: newInflight(MapsInFlight)}
	s.hist, _ = cfg.Backend.(graph.History)
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stakemap_http_requests_total",
		Help: "HTTP requests served, by method, route template and status.",
	}, []string{"method", "route", "status"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "stakemap_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by method and route template.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})
	s.reg.MustRegister(s.requests, s.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	// Behind no proxy by default: the client address is the peer's.
	if err := e.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.Use(s.accessLog, s.recovery)
	e.NoRoute(func(c *gin.Context) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such route: "+c.Request.Method+" "+c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		allow := s.allowed(c.Request.URL.Path)
		c.Header("Allow", strings.Join(allow, ", "))
		fail(c, newError(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method "+c.Request.Method+" is not allowed here; allowed: "+strings.Join(allow, ", ")))
	})
	s.engine = e
	s.routes = s.routeTable()
	for _, r := range s.routes {
		if s.access == nil && r.tag == "access" {
			continue // --no-auth without accounts: nothing to manage
		}
		handlers := []gin.HandlerFunc{prepare(r)}
		if r.access != accessPublic {
			// timeTravel takes at off the query before the parameter check.
			handlers = append(handlers, s.authorize(r), s.timeTravel(r), checkParams(r))
			if !r.etag {
				handlers = append(handlers, withoutETag)
			}
		}
		handlers = append(handlers, r.handler)
		e.Handle(r.method, r.path, handlers...)
		if r.method == http.MethodGet {
			// HEAD answers what GET would, without the body (net/http
			// drops it).
			e.Handle(http.MethodHead, r.path, handlers...)
		}
	}
	return s, nil
}

// Handler returns the http.Handler that serves every route, refusing
// writes that a browser sends from a page of another origin (CSRF).
func (s *Server) Handler() http.Handler {
	if s.access != nil {
		return s.access.CrossOriginGuard(s.engine, crossOriginDenied)
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(crossOriginDenied)
	return cop.Handler(s.engine)
}

// prepare gives every request of a route, before anything else reads it,
// the route's body limit and Cache-Control: private for the API (answers
// depend on who asks), no-store for answers that carry a secret.
func prepare(r route) gin.HandlerFunc {
	limit := r.bodyLimit()
	cache := ""
	switch {
	case r.secret:
		cache = "no-store"
	case r.access != accessPublic:
		cache = "private"
	}
	return func(c *gin.Context) {
		if cache != "" {
			c.Header("Cache-Control", cache)
		}
		// A body declared too large is refused before a byte of it is
		// read; one that turns out too large stops at the limit.
		if c.Request.ContentLength > limit {
			fail(c, &http.MaxBytesError{Limit: limit})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// withoutETag evaluates If-Match and If-None-Match for a route whose
// resource has no ETag: If-Match: * and If-None-Match with tags hold,
// If-Match with tags and If-None-Match: * do not.
func withoutETag(c *gin.Context) {
	if checkConditions(c, resourceState{exists: true}) {
		c.Next()
	}
}

// allowed lists the methods the routes serve at a concrete path, for the
// Allow header of a 405.
func (s *Server) allowed(path string) []string {
	var out []string
	for _, r := range s.routes {
		if templateMatches(r.path, path) && !slices.Contains(out, r.method) {
			out = append(out, r.method)
			if r.method == http.MethodGet {
				out = append(out, http.MethodHead)
			}
		}
	}
	slices.Sort(out)
	return out
}

// templateMatches reports whether a concrete path matches a gin route
// template (":name" one segment, "*name" the rest).
func templateMatches(tmpl, path string) bool {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	for i, t := range ts {
		if strings.HasPrefix(t, "*") {
			return true
		}
		if i >= len(ps) || (strings.HasPrefix(t, ":") && ps[i] == "") || (!strings.HasPrefix(t, ":") && t != ps[i]) {
			return false
		}
	}
	return len(ts) == len(ps)
}

// Routes lists the routes the router serves, as gin sees them.
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// accessLog writes one structured line per request and feeds the metrics.
// It logs the route template, never the concrete path, query, token or
// body: those can carry names of people.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Set(ctxLogger, s.log)
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	d := time.Since(start)
	s.requests.WithLabelValues(c.Request.Method, route, statusText(status)).Inc()
	s.duration.WithLabelValues(c.Request.Method, route).Observe(d.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("ms", float64(d.Microseconds())/1000),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.String("client", c.ClientIP()),
	}
	if code := c.GetString(ctxErrorCode); code != "" {
		attrs = append(attrs, slog.String("error", code))
	}
	s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

func statusText(code int) string { return strconv.Itoa(code) }

// recovery turns a panic into the usual 500 error body and logs it.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// The panic's value may hold request data: log its type, and
			// the runtime's own message, whose text is fixed.
			what := fmt.Sprintf("%T", v)
			if re, ok := v.(runtime.Error); ok {
				what = re.Error()
			}
			s.log.ErrorContext(c.Request.Context(), "panic", "op", c.Request.Method+" "+routeOf(c), "panic", what, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: CodeInternal, Message: "internal error"}})
			} else {
				c.Abort()
			}
		}
	}()
	c.Next()
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the store answers within two seconds.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.Workspaces(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "cause", errorKind(err))
		fail(c, newError(http.StatusServiceUnavailable, CodeUnavailable, "store unreachable"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) metrics() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// IsLoopback reports whether addr (HOST:PORT) listens on the loopback
// interface only. An empty host means every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ShutdownTimeout bounds how long Serve waits for in-flight requests.
const ShutdownTimeout = 20 * time.Second

// Serve serves h on ln until ctx is done, then stops accepting connections
// and waits up to ShutdownTimeout for in-flight requests to finish. The
// caller closes the store after Serve returns, when nothing uses it.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		// Rendering a large map to PDF can take a while.
		WriteTimeout:   120 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
