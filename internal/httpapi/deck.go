package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// DeckRequest asks for the PowerPoint deck of one workspace.
type DeckRequest struct {
	Workspace string
	// Trajectories in the order to present them; empty: every active one.
	Trajectories []string
	// All presents every trajectory, active first, when Trajectories is
	// empty.
	All bool
	// Paths are the influence paths to present, as {from, to}.
	Paths     [][2]string
	Lang      string
	Anonymize bool
	AsOf      string
	High      int
}

// DeckRenderer makes decks. A Renderer that also implements it serves
// GET …/deck.pptx; errors wrapping graph.ErrInvalid or graph.ErrNotFound
// become 400 and 404.
type DeckRenderer interface {
	RenderDeck(ctx context.Context, b *graph.Bundle, req DeckRequest) (MapResult, error)
}

var deckQuery = []string{"trajectory", "path", "all", "lang", "anonymize", "asOf", "high"}

// maxDeckItems bounds the trajectories and paths one deck request names.
const maxDeckItems = 60

// renderDeck serves the deck: ?trajectory=a,b&path=x:y,z:w&all=&lang=
// &anonymize=&asOf=&high= (and at=, a past state, whose date is then the
// default asOf). Lists are comma-separated, since ids never hold a comma
// or a colon; the parameter table checks the single values.
func (s *Server) renderDeck(c *gin.Context) {
	req := DeckRequest{Workspace: c.Param("ws"), Lang: c.Query("lang"), AsOf: c.Query("asOf")}
	if v := c.Query("trajectory"); v != "" {
		req.Trajectories = strings.Split(v, ",")
	}
	if v := c.Query("path"); v != "" {
		for p := range strings.SplitSeq(v, ",") {
			from, to, ok := strings.Cut(p, ":")
			if !ok || from == "" || to == "" || strings.Contains(to, ":") {
				fail(c, badParam("path", p, "must be FROM:TO, two stakeholder ids (several separated by commas)"))
				return
			}
			req.Paths = append(req.Paths, [2]string{from, to})
		}
	}
	if len(req.Trajectories) > maxDeckItems || len(req.Paths) > maxDeckItems {
		fail(c, badParam("trajectory", strconv.Itoa(len(req.Trajectories)+len(req.Paths)), "at most "+strconv.Itoa(maxDeckItems)+" trajectories and paths"))
		return
	}
	var err error
	if req.All, err = queryBool(c, "all"); err != nil {
		fail(c, err)
		return
	}
	if req.Anonymize, err = queryBool(c, "anonymize"); err != nil {
		fail(c, err)
		return
	}
	if req.High, err = intQuery(c, "high", 0); err != nil {
		fail(c, err)
		return
	}
	decks, ok := s.cfg.Renderer.(DeckRenderer)
	if !ok {
		fail(c, newError(http.StatusServiceUnavailable, CodeUnavailable, "decks are not available in this service"))
		return
	}
	ctx := c.Request.Context()
	if f := past(ctx); f != nil && req.AsOf == "" {
		req.AsOf = f.Point().Date()
	}
	res, err := s.deckFor(ctx, decks, req)
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
	// A browser shows no deck: it is always a download.
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": res.FileName}))
	c.Header("Content-Length", strconv.Itoa(len(res.Data)))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, res.ContentType, res.Data)
}

// deckFor draws a deck under the same bound as maps: a workspace has at
// most MapsInFlight maps and decks being drawn, each holding an export.
func (s *Server) deckFor(ctx context.Context, decks DeckRenderer, req DeckRequest) (MapResult, error) {
	if !s.mapsBusy.enter(req.Workspace) {
		return MapResult{}, fmt.Errorf("%w: %d maps of this workspace are being drawn already", ErrUnavailable, MapsInFlight)
	}
	defer s.mapsBusy.leave(req.Workspace)
	b, err := s.store.ExportBundle(ctx, req.Workspace)
	if err != nil {
		return MapResult{}, err
	}
	return decks.RenderDeck(ctx, b, req)
}
