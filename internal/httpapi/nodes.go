package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// nodeSpec describes the REST resource of one node kind: its collection
// name, its list filters and how a filter matches.
type nodeSpec[T graph.Node] struct {
	plural  string   // collection path and list key, e.g. "stakeholders"
	schema  string   // OpenAPI schema name
	filters []string // list filters besides q, limit and offset
	match   func(n T, f url.Values) bool
	text    func(n T) []string // fields q searches
}

func eq(f url.Values, name, v string) bool {
	want := f.Get(name)
	return want == "" || want == v
}

func has(f url.Values, name string, list []string) bool {
	want := f.Get(name)
	return want == "" || slices.Contains(list, want)
}

var stakeholderKind = nodeSpec[graph.Stakeholder]{
	plural: "stakeholders", schema: "Stakeholder",
	filters: []string{"kind", "unit", "level", "attitude", "tag"},
	match: func(n graph.Stakeholder, f url.Values) bool {
		return eq(f, "kind", n.Kind) && eq(f, "unit", n.Unit) && eq(f, "level", n.Level) &&
			eq(f, "attitude", n.Attitude) && has(f, "tag", n.Tags)
	},
	text: func(n graph.Stakeholder) []string { return []string{n.ID, n.Name, n.Title, n.Unit, n.Notes} },
}

var trajectoryKind = nodeSpec[graph.Trajectory]{
	plural: "trajectories", schema: "Trajectory",
	filters: []string{"status"},
	match:   func(n graph.Trajectory, f url.Values) bool { return eq(f, "status", n.Status) },
	text:    func(n graph.Trajectory) []string { return []string{n.ID, n.Name, n.Purpose, n.Measure} },
}

var goalKind = nodeSpec[graph.Goal]{
	plural: "goals", schema: "Goal",
	match: func(graph.Goal, url.Values) bool { return true },
	text:  func(n graph.Goal) []string { return []string{n.ID, n.Name, n.Horizon} },
}

var enablerKind = nodeSpec[graph.Enabler]{
	plural: "enablers", schema: "Enabler",
	filters: []string{"kind", "status", "owner"},
	match: func(n graph.Enabler, f url.Values) bool {
		return eq(f, "kind", n.Kind) && eq(f, "status", n.Status) && eq(f, "owner", n.Owner)
	},
	text: func(n graph.Enabler) []string { return []string{n.ID, n.Name} },
}

var engagementKind = nodeSpec[graph.Engagement]{
	plural: "engagements", schema: "Engagement",
	filters: []string{"channel", "with", "about", "resultsShared"},
	match: func(n graph.Engagement, f url.Values) bool {
		rs := f.Get("resultsShared")
		return eq(f, "channel", n.Channel) && has(f, "with", n.With) && has(f, "about", n.About) &&
			(rs == "" || (rs == "true") == n.ResultsShared)
	},
	text: func(n graph.Engagement) []string { return []string{n.ID, n.Summary, n.Date} },
}

func nodeRoutes[T graph.Node](s *Server, k nodeSpec[T]) []route {
	coll := api + "/workspaces/:ws/" + k.plural
	one := coll + "/:id"
	h := nodeHandlers[T]{s: s, k: k}
	listQuery := append(append([]string{"q"}, k.filters...), pageQuery...)
	return []route{
		{method: "GET", path: coll, access: accessWorkspace, role: RoleViewer, tag: k.plural, summary: "List " + k.plural + " (filters, q: text search, limit/offset; total counts every match)", query: listQuery, status: 200, resp: k.schema + "List", handler: h.list},
		{method: "POST", path: coll, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Create one of the " + k.plural, body: k.schema, status: 201, resp: k.schema, handler: h.create},
		{method: "GET", path: one, access: accessWorkspace, role: RoleViewer, tag: k.plural, summary: "Get one of the " + k.plural + " (ETag: its version)", status: 200, resp: k.schema, handler: h.get},
		{method: "PUT", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Replace one of the " + k.plural + " with the document GET returned, edited (If-Match)", body: k.schema, status: 200, resp: k.schema, handler: h.put},
		{method: "PATCH", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Change fields of one of the " + k.plural + " with a JSON merge patch (If-Match)", body: k.schema + "Patch", status: 200, resp: k.schema, handler: h.patch},
		{method: "DELETE", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Delete one of the " + k.plural + " with its relationships (If-Match)", status: 204, handler: h.delete},
	}
}

type nodeHandlers[T graph.Node] struct {
	s *Server
	k nodeSpec[T]
}

func (h nodeHandlers[T]) list(c *gin.Context) {
	allowed := append(append([]string{"q"}, h.k.filters...), pageQuery...)
	if err := checkQuery(c, allowed); err != nil {
		fail(c, err)
		return
	}
	offset, limit, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	ws := c.Param("ws")
	all, err := graph.List[T](c.Request.Context(), h.s.store, ws)
	if err == nil && len(all) == 0 {
		// An empty list and an unknown workspace look alike: ask.
		_, err = h.s.store.Workspace(c.Request.Context(), ws)
	}
	if err != nil {
		fail(c, err)
		return
	}
	f := c.Request.URL.Query()
	q := strings.ToLower(f.Get("q"))
	matched := all[:0:0]
	for _, n := range all {
		if h.k.match(n, f) && (q == "" || textMatch(h.k.text(n), q)) {
			matched = append(matched, n)
		}
	}
	c.JSON(http.StatusOK, gin.H{
		h.k.plural: paginate(matched, offset, limit),
		"total":    len(matched),
		"offset":   offset,
		"limit":    limit,
	})
}

func textMatch(fields []string, q string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

func applyDefaults(n any) {
	if d, ok := n.(interface{ ApplyDefaults() }); ok {
		d.ApplyDefaults()
	}
}

func (h nodeHandlers[T]) create(c *gin.Context) {
	var n T
	if err := bindJSON(c, &n, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	applyDefaults(&n)
	v, err := h.s.store.CreateNode(c.Request.Context(), c.Param("ws"), n)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.Header("Location", c.Request.URL.Path+"/"+url.PathEscape(n.NodeID()))
	c.JSON(http.StatusCreated, n)
}

func (h nodeHandlers[T]) get(c *gin.Context) {
	n, v, err := graph.Get[T](c.Request.Context(), h.s.store, c.Param("ws"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	tag := etag(v)
	c.Header("ETag", tag)
	if noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.JSON(http.StatusOK, n)
}

// idMismatch refuses a body whose id differs from the path's: a PUT or
// PATCH cannot rename (ids are referenced everywhere).
func idMismatch(path, body string) error {
	return newError(http.StatusBadRequest, CodeInvalid, "the id in the body must equal the id in the path",
		FieldError{Field: "id", Value: body, Reason: "must equal " + path + ": an id cannot be changed"})
}

func (h nodeHandlers[T]) put(c *gin.Context) {
	version, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return
	}
	var n T
	if err := bindJSON(c, &n, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	id := c.Param("id")
	if n.NodeID() != id {
		fail(c, idMismatch(id, n.NodeID()))
		return
	}
	applyDefaults(&n)
	h.update(c, n, version)
}

func (h nodeHandlers[T]) update(c *gin.Context, n T, version int64) {
	ws := c.Param("ws")
	// The store looks nodes up by id alone; make sure the id is of this
	// kind before replacing it.
	if _, _, err := graph.Get[T](c.Request.Context(), h.s.store, ws, n.NodeID()); err != nil {
		fail(c, err)
		return
	}
	v, err := h.s.store.UpdateNode(c.Request.Context(), ws, n, version)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.JSON(http.StatusOK, n)
}

// patch applies an RFC 7396 JSON merge patch to the stored node. Without
// If-Match the version read here guards the write, so a concurrent change
// between read and write is refused rather than lost.
func (h nodeHandlers[T]) patch(c *gin.Context) {
	version, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return
	}
	var patch map[string]any
	if err := bindJSON(c, &patch, DefaultBodyLimit, "application/merge-patch+json"); err != nil {
		fail(c, err)
		return
	}
	ws, id := c.Param("ws"), c.Param("id")
	cur, v, err := graph.Get[T](c.Request.Context(), h.s.store, ws, id)
	if err != nil {
		fail(c, err)
		return
	}
	if version == 0 {
		version = v
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		fail(c, err)
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		fail(c, err)
		return
	}
	merged, err := json.Marshal(mergePatch(doc, patch))
	if err != nil {
		fail(c, err)
		return
	}
	var n T
	if err := decodeStrict(bytes.NewReader(merged), &n); err != nil {
		fail(c, err)
		return
	}
	if n.NodeID() != id {
		fail(c, idMismatch(id, n.NodeID()))
		return
	}
	applyDefaults(&n)
	nv, err := h.s.store.UpdateNode(c.Request.Context(), ws, n, version)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(nv))
	c.JSON(http.StatusOK, n)
}

// mergePatch applies patch to doc as RFC 7396 says: null deletes, objects
// merge recursively, anything else replaces.
func mergePatch(doc, patch map[string]any) map[string]any {
	for k, pv := range patch {
		if pv == nil {
			delete(doc, k)
			continue
		}
		if pm, ok := pv.(map[string]any); ok {
			dm, _ := doc[k].(map[string]any)
			if dm == nil {
				dm = map[string]any{}
			}
			doc[k] = mergePatch(dm, pm)
			continue
		}
		doc[k] = pv
	}
	return doc
}

func (h nodeHandlers[T]) delete(c *gin.Context) {
	version, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return
	}
	var zero T
	if err := h.s.store.DeleteNode(c.Request.Context(), c.Param("ws"), zero.NodeKind(), c.Param("id"), version); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
