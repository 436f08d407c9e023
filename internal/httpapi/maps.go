package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// MapKinds and MapFormats are the maps the service draws and the formats
// it draws them in.
var (
	MapKinds   = []string{"stakeholders", "grid", "path", "dependencies", "changes"}
	MapFormats = []string{"svg", "png", "pdf", "dot"}
)

// MapRequest asks for one map of one workspace.
type MapRequest struct {
	Workspace string
	Kind      string // one of MapKinds
	// Before is the earlier state of a changes map (From and To are then
	// its two points), and Since what the map calls it; the other kinds
	// leave them empty.
	Before     *graph.Bundle
	Since      string
	Format     string // one of MapFormats
	Trajectory string
	From, To   string // the path map's ends
	Mode       string
	K          int
	Lang       string
	Anonymize  bool
	Scale      float64 // PNG pixels multiplied, 1–4; 0: 1
	// Page is slide (the default), a4, a4-landscape or auto.
	Page string
	// Part asks for part N of a map too large for its page; 0: the whole
	// map, summarised where needed.
	Part int
	// Context also draws the people next to a path map's paths.
	Context bool
	// Full draws every stakeholder of a large workspace instead of the
	// summary on an auto page; slow, and a map nobody can read on a slide.
	Full bool
	// AsOf is the date of the findings a map marks; empty: today. A map
	// of a past state (at=) is drawn as of that state's date.
	AsOf string
}

// MapResult is a drawn map. Key identifies its content (it changes when
// the workspace or the request does) and becomes the ETag.
type MapResult struct {
	Data        []byte
	ContentType string
	Key         string
	FileName    string
	// Parts is how many parts the map has when a part was asked for.
	Parts int
}

// Renderer draws a map of a workspace snapshot. The service needs only this
// method; the command wires the real renderer in. Errors wrapping
// graph.ErrInvalid or graph.ErrNotFound become 400 and 404, ErrUnavailable
// (a render past its deadline, no renderer free) 503 with Retry-After. The
// renderer owns the limits of a map (its scale and pixels, its nodes, its
// time) and must stop when ctx ends: the client went away.
type Renderer interface {
	RenderMap(ctx context.Context, b *graph.Bundle, req MapRequest) (MapResult, error)
}

// RendererFunc adapts a function to Renderer.
type RendererFunc func(ctx context.Context, b *graph.Bundle, req MapRequest) (MapResult, error)

// RenderMap calls f.
func (f RendererFunc) RenderMap(ctx context.Context, b *graph.Bundle, req MapRequest) (MapResult, error) {
	return f(ctx, b, req)
}

var mapQuery = []string{"trajectory", "from", "to", "mode", "k", "lang", "anonymize", "full", "scale", "page", "part", "context", "download"}

// mapPages are the pages a map is drawn on; the first is the default. The
// parameter table checks page against them.
var mapPages = []string{"slide", "a4", "a4-landscape", "auto"}

func (s *Server) renderMap(c *gin.Context) {
	if err := checkQuery(c, mapQuery); err != nil {
		fail(c, err)
		return
	}
	file := c.Param("file")
	kind, format, ok := strings.Cut(file, ".")
	if !ok || !slices.Contains(MapKinds, kind) {
		fail(c, badParam("kind", kind, "must be one of "+strings.Join(MapKinds, ", ")+", followed by .svg, .png, .pdf or .dot"))
		return
	}
	if !slices.Contains(MapFormats, format) {
		fail(c, badParam("format", format, "must be one of "+strings.Join(MapFormats, ", ")))
		return
	}
	req := MapRequest{Workspace: c.Param("ws"), Kind: kind, Format: format,
		Trajectory: c.Query("trajectory"), From: c.Query("from"), To: c.Query("to"),
		Mode: c.Query("mode"), Lang: c.Query("lang"), Page: c.Query("page")}
	var err error
	if req.Part, err = queryInt(c, "part", 0, 1, 1000); err != nil {
		fail(c, err)
		return
	}
	if req.Context, err = queryBool(c, "context"); err != nil {
		fail(c, err)
		return
	}
	if req.K, err = queryInt(c, "k", 0, 1, graph.MaxK); err != nil {
		fail(c, err)
		return
	}
	if req.Anonymize, err = queryBool(c, "anonymize"); err != nil {
		fail(c, err)
		return
	}
	if req.Full, err = queryBool(c, "full"); err != nil {
		fail(c, err)
		return
	}
	if req.Scale, err = queryFloat(c, "scale"); err != nil {
		fail(c, err)
		return
	}
	if req.Lang != "" && req.Lang != "nl" && req.Lang != "en" {
		fail(c, badParam("lang", req.Lang, "must be nl or en"))
		return
	}
	download, err := queryBool(c, "download")
	if err != nil {
		fail(c, err)
		return
	}
	if s.cfg.Renderer == nil {
		fail(c, newError(http.StatusServiceUnavailable, CodeUnavailable, "maps are not available in this service"))
		return
	}
	if f := past(c.Request.Context()); f != nil {
		req.AsOf = f.Point().Date()
	}
	var res MapResult
	if kind == "changes" {
		res, err = s.changesMap(c.Request.Context(), req)
	} else {
		res, err = s.mapFor(c.Request.Context(), req)
	}
	if err != nil {
		failBounded(c, err)
		return
	}
	tag := quoteTag(res.Key)
	c.Header("ETag", tag)
	c.Header("Cache-Control", "private, no-cache")
	if !checkConditions(c, resourceState{exists: true, etag: tag}) {
		return
	}
	name := res.FileName
	if name == "" {
		name = req.Workspace + "-" + kind + "." + format
	}
	disp := "inline"
	if download {
		disp = "attachment"
	}
	c.Header("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name}))
	if res.Parts > 0 {
		c.Header("X-Map-Parts", strconv.Itoa(res.Parts))
	}
	c.Header("Content-Length", strconv.Itoa(len(res.Data)))
	c.Header("X-Content-Type-Options", "nosniff")
	if format == "svg" {
		// An SVG opened directly must not run script in our origin.
		c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	c.Data(http.StatusOK, res.ContentType, res.Data)
}

// maxCachedMap is the largest map the service's cache keeps: a quarter of
// its 32 MiB, so that one huge map cannot evict everything else.
const maxCachedMap = 8 << 20

// MapsInFlight is the most maps of one workspace the service draws at
// once; more are answered 503 at once. Each holds an export of the
// workspace while it waits for the renderer, so this bounds the memory a
// client can tie up by asking for many maps together.
const MapsInFlight = 16

// inflight counts the maps being drawn per workspace.
type inflight struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

func newInflight(max int) *inflight { return &inflight{max: max, n: map[string]int{}} }

// enter takes a place for a map of ws, or reports that all are taken.
func (f *inflight) enter(ws string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[ws] >= f.max {
		return false
	}
	f.n[ws]++
	return true
}

func (f *inflight) leave(ws string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[ws]--; f.n[ws] <= 0 {
		delete(f.n, ws)
	}
}

// mapFor serves a map from the service's own cache when the workspace's
// revision, the request and the day (findings depend on it) are unchanged,
// so that a repeated map costs a revision lookup instead of an export,
// a hash of the whole workspace and a render.
func (s *Server) mapFor(ctx context.Context, req MapRequest) (MapResult, error) {
	rev, err := s.store.Revision(ctx, req.Workspace)
	if err != nil {
		return MapResult{}, err
	}
	key := fmt.Sprintf("%s|%s|%+v", rev, time.Now().UTC().Format(time.DateOnly), req)
	if res, ok := s.maps.Get(key); ok {
		return res, nil
	}
	if !s.mapsBusy.enter(req.Workspace) {
		return MapResult{}, fmt.Errorf("%w: %d maps of this workspace are being drawn already", ErrUnavailable, MapsInFlight)
	}
	defer s.mapsBusy.leave(req.Workspace)
	b, err := s.store.ExportBundle(ctx, req.Workspace)
	if err != nil {
		return MapResult{}, err
	}
	res, err := s.cfg.Renderer.RenderMap(ctx, b, req)
	if err != nil {
		return MapResult{}, err
	}
	if int64(len(res.Data)) <= maxCachedMap {
		s.maps.Put(key, res)
	}
	return res, nil
}
