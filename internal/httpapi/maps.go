package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// MapKinds and MapFormats are the maps the service draws and the formats
// it draws them in.
var (
	MapKinds   = []string{"stakeholders", "grid", "path", "dependencies"}
	MapFormats = []string{"svg", "png", "pdf", "dot"}
)

// MapRequest asks for one map of one workspace.
type MapRequest struct {
	Workspace  string
	Kind       string // one of MapKinds
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
// graph.ErrInvalid or graph.ErrNotFound become 400 and 404.
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

// mapPages are the pages a map is drawn on; the first is the default.
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
	if req.Page != "" && !slices.Contains(mapPages, req.Page) {
		fail(c, badParam("page", req.Page, "must be one of "+strings.Join(mapPages, ", ")))
		return
	}
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
	if _, set := c.GetQuery("scale"); set && !(req.Scale >= 1 && req.Scale <= 4) {
		fail(c, badParam("scale", c.Query("scale"), "must be from 1 to 4 (times the page's pixels)"))
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
	res, err := s.mapFor(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	tag := `"` + res.Key + `"`
	c.Header("ETag", tag)
	c.Header("Cache-Control", "private, no-cache")
	if noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
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
