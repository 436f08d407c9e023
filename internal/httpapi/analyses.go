package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// The analysis handlers answer with the same JSON documents as the CLI's
// --json output, computed by the backend's graph.Analyzer. Parameter
// problems come back as 400 naming the parameter: the route's parameters
// are checked against their specs (params.go) before a handler runs, and
// the names of FindingParams and PathQuery problems are the query
// parameters' names. Each analysis stops at the analysis deadline (503)
// or when the client goes away.

func (s *Server) findings(c *gin.Context) {
	high, err := intQuery(c, "high", 0)
	if err != nil {
		fail(c, err)
		return
	}
	window, err := intQuery(c, "window", 0)
	if err != nil {
		fail(c, err)
		return
	}
	p := graph.FindingParams{AsOf: c.Query("asOf"), High: high, Window: window, Only: c.Query("only"), Lang: c.Query("lang")}
	ctx, cancel := s.analysisContext(c)
	defer cancel()
	fs, err := s.store.Findings(ctx, c.Param("ws"), p)
	if err != nil {
		failBounded(c, err)
		return
	}
	if fs == nil {
		fs = []graph.Finding{}
	}
	c.JSON(http.StatusOK, gin.H{"findings": fs})
}

func (s *Server) grid(c *gin.Context) {
	high, err := intQuery(c, "high", 0)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, cancel := s.analysisContext(c)
	defer cancel()
	g, err := s.store.Grid(ctx, c.Param("ws"), c.Query("trajectory"), high)
	if err != nil {
		failBounded(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

func (s *Server) paths(c *gin.Context) {
	k, err := intQuery(c, "k", 0)
	if err != nil {
		fail(c, err)
		return
	}
	hops, err := intQuery(c, "maxHops", 0)
	if err != nil {
		fail(c, err)
		return
	}
	hs, err := queryFloat(c, "hierarchyStrength") // its range is checked with the route's parameters
	if err != nil {
		fail(c, err)
		return
	}
	q := graph.PathQuery{From: c.Query("from"), To: c.Query("to"), Mode: c.Query("mode"), K: k, MaxHops: hops, HierarchyStrength: hs}
	ctx, cancel := s.analysisContext(c)
	defer cancel()
	ps, err := s.store.Paths(ctx, c.Param("ws"), q)
	if err != nil {
		failBounded(c, err)
		return
	}
	if ps == nil {
		ps = []graph.Path{}
	}
	c.JSON(http.StatusOK, gin.H{"paths": ps})
}

func (s *Server) brokers(c *gin.Context) {
	top, err := intQuery(c, "top", 0)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, cancel := s.analysisContext(c)
	defer cancel()
	bs, err := s.store.Brokers(ctx, c.Param("ws"), top)
	if err != nil {
		failBounded(c, err)
		return
	}
	if bs == nil {
		bs = []graph.Broker{}
	}
	c.JSON(http.StatusOK, gin.H{"brokers": bs})
}
