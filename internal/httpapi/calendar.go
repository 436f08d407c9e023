package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/internal/access"
	"github.com/stakemap/stakemap/internal/calendar"
)

// calendarFeed serves the workspace's contact rhythm and trajectory
// reviews as iCalendar. People are named by title and unit unless
// names=true: a calendar provider that subscribes keeps a copy.
func (s *Server) calendarFeed(c *gin.Context) {
	if err := checkQuery(c, []string{"names", "lang"}); err != nil {
		fail(c, err)
		return
	}
	names, err := queryBool(c, "names")
	if err != nil {
		fail(c, err)
		return
	}
	lang := c.Query("lang")
	if lang != "" && lang != "nl" && lang != "en" {
		fail(c, badParam("lang", lang, "must be nl or en"))
		return
	}
	ctx := c.Request.Context()
	b, err := s.store.ExportBundle(ctx, c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	asOf := time.Now()
	if f := past(ctx); f != nil {
		asOf = f.Point().At
	}
	feed := calendar.Feed(b, calendar.Options{AsOf: asOf, Names: names, Lang: lang})
	c.Header("Cache-Control", "private, max-age=300")
	c.Header("Content-Disposition", `inline; filename="stakemap.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", feed)
}

// CalendarFeedRequest asks for a subscribable feed.
type CalendarFeedRequest struct {
	// Names puts people's names in the events; the default, false, names
	// them by title and unit, since the calendar provider keeps a copy.
	Names bool `json:"names"`
}

func (s *Server) createCalendarFeed(c *gin.Context) {
	var req CalendarFeedRequest
	if err := bindJSON(c, &req, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	f, err := s.access.CreateCalendarFeed(c.Request.Context(), principalOf(c), c.Param("ws"), req.Names)
	if err != nil {
		fail(c, err)
		return
	}
	noStore(c)
	c.JSON(http.StatusCreated, f)
}

func (s *Server) listCalendarFeeds(c *gin.Context) {
	fs, err := s.access.CalendarFeeds(c.Request.Context(), principalOf(c), c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"feeds": fs})
}

func (s *Server) revokeCalendarFeed(c *gin.Context) {
	if err := s.access.RevokeCalendarFeed(c.Request.Context(), principalOf(c), c.Param("ws"), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// publicCalendarFeed serves /calendar/<secret>.ics to a calendar provider:
// the secret is the only credential, and a revoked or unknown one is 404.
func (s *Server) publicCalendarFeed(c *gin.Context) {
	secret, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || s.access == nil {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such calendar feed"))
		return
	}
	ctx := c.Request.Context()
	f, err := s.access.CalendarFeed(ctx, secret)
	if errors.Is(err, access.ErrBadCredentials) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such calendar feed: it was revoked, its workspace deleted, or its maker may no longer read the workspace"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	b, err := s.cfg.Backend.ExportBundle(ctx, f.Workspace)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", calendar.Feed(b, calendar.Options{Names: f.Names}))
}
