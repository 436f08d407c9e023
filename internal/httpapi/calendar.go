package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

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
