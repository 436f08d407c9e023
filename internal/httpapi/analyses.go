package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// The analysis handlers answer with the same JSON documents as the CLI's
// --json output, computed by the backend's graph.Analyzer. Parameter
// problems come back as 400 naming the parameter: the names of
// FindingParams and PathQuery problems are the query parameters' names.

func (s *Server) findings(c *gin.Context) {
	if err := checkQuery(c, []string{"asOf", "high", "window", "only", "lang"}); err != nil {
		fail(c, err)
		return
	}
	high, err := queryInt(c, "high", 0, 1, 5)
	if err != nil {
		fail(c, err)
		return
	}
	window, err := queryInt(c, "window", 0, 1, 36500)
	if err != nil {
		fail(c, err)
		return
	}
	p := graph.FindingParams{AsOf: c.Query("asOf"), High: high, Window: window, Only: c.Query("only"), Lang: c.Query("lang")}
	fs, err := s.store.Findings(c.Request.Context(), c.Param("ws"), p)
	if err != nil {
		fail(c, err)
		return
	}
	if fs == nil {
		fs = []graph.Finding{}
	}
	c.JSON(http.StatusOK, gin.H{"findings": fs})
}

func (s *Server) grid(c *gin.Context) {
	if err := checkQuery(c, []string{"trajectory", "high"}); err != nil {
		fail(c, err)
		return
	}
	high, err := queryInt(c, "high", 0, 1, 5)
	if err != nil {
		fail(c, err)
		return
	}
	g, err := s.store.Grid(c.Request.Context(), c.Param("ws"), c.Query("trajectory"), high)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

func (s *Server) paths(c *gin.Context) {
	if err := checkQuery(c, []string{"from", "to", "mode", "k", "maxHops", "hierarchyStrength"}); err != nil {
		fail(c, err)
		return
	}
	k, err := queryInt(c, "k", 0, 1, graph.MaxK)
	if err != nil {
		fail(c, err)
		return
	}
	hops, err := queryInt(c, "maxHops", 0, 1, graph.MaxMaxHops)
	if err != nil {
		fail(c, err)
		return
	}
	hs, err := queryFloat(c, "hierarchyStrength")
	if err != nil {
		fail(c, err)
		return
	}
	if _, set := c.GetQuery("hierarchyStrength"); set && !(hs > 0 && hs <= 1) {
		fail(c, badParam("hierarchyStrength", c.Query("hierarchyStrength"), "must be greater than 0 and at most 1"))
		return
	}
	q := graph.PathQuery{From: c.Query("from"), To: c.Query("to"), Mode: c.Query("mode"), K: k, MaxHops: hops, HierarchyStrength: hs}
	ps, err := s.store.Paths(c.Request.Context(), c.Param("ws"), q)
	if err != nil {
		fail(c, err)
		return
	}
	if ps == nil {
		ps = []graph.Path{}
	}
	c.JSON(http.StatusOK, gin.H{"paths": ps})
}

func (s *Server) brokers(c *gin.Context) {
	if err := checkQuery(c, []string{"top"}); err != nil {
		fail(c, err)
		return
	}
	top, err := queryInt(c, "top", 0, 1, graph.MaxTop)
	if err != nil {
		fail(c, err)
		return
	}
	bs, err := s.store.Brokers(c.Request.Context(), c.Param("ws"), top)
	if err != nil {
		fail(c, err)
		return
	}
	if bs == nil {
		bs = []graph.Broker{}
	}
	c.JSON(http.StatusOK, gin.H{"brokers": bs})
}
