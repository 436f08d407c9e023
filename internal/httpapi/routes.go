package httpapi

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// accessRule says who may call a route.
type accessRule int

const (
	// accessPublic: no token (health, readiness, metrics, OpenAPI).
	accessPublic accessRule = iota
	// accessService: anyone signed in (session or token) whose strongest
	// role anywhere is at least the route's role, if it names one; the
	// handler narrows by workspace.
	accessService
	// accessWorkspace: a role on the path's workspace of at least the
	// route's role.
	accessWorkspace
	// accessGlobal: a role on every workspace of at least the route's
	// role (service admins).
	accessGlobal
)

// route is one entry of the route table: the router and the OpenAPI
// document are both built from it, and every route gets from it what
// every route needs: its body limit, Cache-Control, conditional requests
// (If-Match, If-None-Match), HEAD for a GET, and its documentation.
type route struct {
	method, path string
	access       accessRule
	role         string
	tag, summary string
	query        []string // the query parameters the route accepts
	body         string   // schema name of the request body, if any
	bodyTypes    []string // content types of the body (default application/json)
	status       int      // success status
	resp         string   // schema name of the success body, if any
	content      []string // content types of the success body (default JSON)
	handler      gin.HandlerFunc

	// limit bounds the request body in bytes; 0 means DefaultBodyLimit.
	limit int64
	// etag says the handler sends an ETag and evaluates If-Match and
	// If-None-Match against it itself (checkConditions); other routes get
	// them evaluated against a resource without an ETag.
	etag bool
	// secret says the answer carries a secret (a new token): it is sent
	// with Cache-Control: no-store instead of private.
	secret bool
}

// bodyLimit is the most a request to the route may send.
func (r route) bodyLimit() int64 {
	if r.limit > 0 {
		return r.limit
	}
	return DefaultBodyLimit
}

const api = "/api/v1"

var pageQuery = []string{"limit", "offset"}

func (s *Server) routeTable() []route {
	rs := []route{
		{method: "GET", path: "/healthz", tag: "service", summary: "Liveness: the process serves requests", status: 200, resp: "Status", handler: s.healthz},
		{method: "GET", path: "/readyz", tag: "service", summary: "Readiness: the store answers", status: 200, resp: "Status", handler: s.readyz},
		{method: "GET", path: "/metrics", tag: "service", summary: "Prometheus metrics", status: 200, content: []string{"text/plain"}, handler: s.metrics()},
		{method: "GET", path: "/api/openapi.json", tag: "service", summary: "This OpenAPI document (ETag)", status: 200, resp: "OpenAPI", etag: true, handler: s.openapi},

		{method: "GET", path: api + "/workspaces", access: accessService, role: RoleViewer, tag: "workspaces", summary: "List the workspaces the token can read", status: 200, resp: "WorkspaceList", handler: s.listWorkspaces},
		{method: "GET", path: api + "/workspaces/:ws", access: accessWorkspace, role: RoleViewer, tag: "workspaces", summary: "Get a workspace (ETag: its revision)", status: 200, resp: "Workspace", etag: true, handler: s.getWorkspace},
		{method: "DELETE", path: api + "/workspaces/:ws", access: accessWorkspace, role: RoleAdmin, tag: "workspaces", summary: "Delete a workspace and everything in it (If-Match: its revision)", status: 204, etag: true, handler: s.deleteWorkspace},
		{method: "GET", path: api + "/workspaces/:ws/bundle", access: accessWorkspace, role: RoleViewer, tag: "workspaces", summary: "Export the workspace as a stakemap/v1 document (ETag: revision)", status: 200, resp: "Bundle", etag: true, handler: s.getBundle},
		{method: "POST", path: api + "/workspaces/:ws/import", access: accessWorkspace, role: RoleEditor, tag: "workspaces", summary: "Merge or replace the workspace with an .xlsx, CSV or stakemap/v1 file; dryRun=true answers the compare document plus conflicts and writes nothing", query: []string{"mode", "dryRun", "prefer", "prune"}, status: 200, content: []string{"application/json"}, limit: BundleBodyLimit, etag: true, handler: s.importWorkspace},
		{method: "PUT", path: api + "/workspaces/:ws/bundle", access: accessWorkspace, role: RoleEditor, tag: "workspaces", summary: "Create (201) or replace (200) the workspace from a stakemap/v1 document, all or nothing (If-Match: revision; If-None-Match: * creates only)", body: "Bundle", status: 200, resp: "Workspace", limit: BundleBodyLimit, etag: true, handler: s.putBundle},

		{method: "GET", path: api + "/workspaces/:ws/findings", access: accessWorkspace, role: RoleViewer, tag: "analyses", summary: "Findings of the analyses", query: []string{"asOf", "high", "window", "only", "lang"}, status: 200, resp: "Findings", handler: s.findings},
		{method: "GET", path: api + "/workspaces/:ws/grid", access: accessWorkspace, role: RoleViewer, tag: "analyses", summary: "Power–interest grid of a trajectory or the workspace", query: []string{"trajectory", "high"}, status: 200, resp: "Grid", handler: s.grid},
		{method: "GET", path: api + "/workspaces/:ws/paths", access: accessWorkspace, role: RoleViewer, tag: "analyses", summary: "Influence paths between two stakeholders", query: []string{"from", "to", "mode", "k", "maxHops", "hierarchyStrength"}, status: 200, resp: "Paths", handler: s.paths},
		{method: "GET", path: api + "/workspaces/:ws/brokers", access: accessWorkspace, role: RoleViewer, tag: "analyses", summary: "Brokers: betweenness centrality on the influence network", query: []string{"top"}, status: 200, resp: "Brokers", handler: s.brokers},
		{method: "GET", path: api + "/workspaces/:ws/maps/:file", access: accessWorkspace, role: RoleViewer, tag: "maps", summary: "A map as {kind}.{format}: kind stakeholders|grid|path|dependencies, format svg|png|pdf|dot (ETag, If-None-Match)", query: mapQuery, status: 200, content: []string{"image/svg+xml", "image/png", "application/pdf", "text/vnd.graphviz"}, etag: true, handler: s.renderMap},
		{method: "GET", path: api + "/workspaces/:ws/deck.pptx", access: accessWorkspace, role: RoleViewer, tag: "maps", summary: "A 16:9 PowerPoint deck: title, overview, per trajectory its stakeholder map, grid and findings, path slides, the dependency map (ETag, If-None-Match)", query: deckQuery, status: 200, content: []string{"application/vnd.openxmlformats-officedocument.presentationml.presentation"}, etag: true, handler: s.renderDeck},
	}
	rs = append(rs, s.accessRoutes()...)
	rs = append(rs, nodeRoutes(s, stakeholderKind)...)
	rs = append(rs, nodeRoutes(s, trajectoryKind)...)
	rs = append(rs, nodeRoutes(s, goalKind)...)
	rs = append(rs, nodeRoutes(s, enablerKind)...)
	rs = append(rs, nodeRoutes(s, engagementKind)...)
	for _, rk := range relKinds {
		rs = append(rs, relationRoutes(s, rk)...)
	}
	rs = append(rs, historyRoutes(s)...)
	return rs
}

// authorize checks who makes the request (session cookie or bearer
// token, through the access package: the same roles either way) against
// the route's access rule, and puts the principal in the request's
// context, so that writes are recorded as made by it. A principal
// without a role on the path's workspace gets 404, as if the workspace
// did not exist, so that nobody learns which other clients the service
// holds.
func (s *Server) authorize(r route) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := s.authenticate(c)
		if !ok {
			return
		}
		var have string
		switch r.access {
		case accessWorkspace:
			if have = p.Role(c.Param("ws")); have == "" {
				fail(c, newError(http.StatusNotFound, CodeNotFound, "not found"))
				return
			}
		case accessGlobal:
			have = p.Global
		default:
			have = highest(p)
		}
		if r.role != "" && access.RoleRank(have) < access.RoleRank(r.role) {
			if have == "" {
				have = "none"
			}
			fail(c, newError(http.StatusForbidden, CodeForbidden, "this needs role "+r.role+"; yours is "+have))
			return
		}
		c.Set(ctxPrincipal, p)
		c.Request = c.Request.WithContext(access.NewContext(c.Request.Context(), p))
		c.Next()
	}
}

// page returns offset and limit from the query: limit 1–1000 (default 100).
func page(c *gin.Context) (offset, limit int, err error) {
	if limit, err = intQuery(c, "limit", 100); err != nil {
		return 0, 0, err
	}
	if offset, err = intQuery(c, "offset", 0); err != nil {
		return 0, 0, err
	}
	return offset, limit, nil
}

func paginate[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(len(items), offset+limit)]
}

func (s *Server) listWorkspaces(c *gin.Context) {
	all, err := s.store.Workspaces(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	p := principalOf(c)
	out := []graph.Workspace{}
	for _, w := range all {
		if p.Role(w.ID) != "" {
			out = append(out, w)
		}
	}
	c.JSON(http.StatusOK, gin.H{"workspaces": out})
}

// getWorkspace answers with the workspace and, as its ETag, the revision
// of everything in it.
func (s *Server) getWorkspace(c *gin.Context) {
	ctx := c.Request.Context()
	w, err := s.store.Workspace(ctx, c.Param("ws"))
	if err != nil {
		fail(c, err)
		return
	}
	rev, err := s.store.Revision(ctx, w.ID)
	if err != nil {
		fail(c, err)
		return
	}
	tag := quoteTag(rev)
	c.Header("ETag", tag)
	if !checkConditions(c, resourceState{exists: true, etag: tag}) {
		return
	}
	c.JSON(http.StatusOK, w)
}

// workspaceState reads the state of a workspace that conditional requests
// are evaluated against, and its revision.
func (s *Server) workspaceState(c *gin.Context, ws string) (resourceState, string, error) {
	rev, err := s.store.Revision(c.Request.Context(), ws)
	if errors.Is(err, graph.ErrNotFound) {
		return resourceState{}, "", nil
	}
	if err != nil {
		return resourceState{}, "", err
	}
	return resourceState{exists: true, etag: quoteTag(rev)}, rev, nil
}

// storePrecondition is the condition a write to a whole workspace hands
// to the store, which checks it inside its transaction: the conditions
// were evaluated against cur, and the write must not apply to any other
// state. "*" needs only existence (If-Match) or absence (If-None-Match).
func storePrecondition(c *gin.Context, cur resourceState, rev string) graph.Precondition {
	im, _ := parseTagList(c, "If-Match") // checkConditions has refused a malformed one
	inm, _ := parseTagList(c, "If-None-Match")
	switch {
	case !im.present && !inm.present:
		return graph.Precondition{}
	case len(im.tags) > 0 || len(inm.tags) > 0:
		if cur.exists {
			return graph.Precondition{Revision: rev}
		}
		return graph.Precondition{Absent: true}
	case inm.any:
		return graph.Precondition{Absent: true}
	}
	return graph.Precondition{Exists: true}
}

// deleteWorkspace deletes a workspace; with If-Match it deletes only the
// revision the client saw, checked inside the store's transaction.
func (s *Server) deleteWorkspace(c *gin.Context) {
	ws := c.Param("ws")
	cur, rev, err := s.workspaceState(c, ws)
	if err != nil {
		fail(c, err)
		return
	}
	if !cur.exists {
		fail(c, graph.ErrNotFound)
		return
	}
	if !checkConditions(c, cur) {
		return
	}
	if err := s.store.DeleteWorkspace(c.Request.Context(), ws, storePrecondition(c, cur, rev)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
