package httpapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
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
		shared, err := strconv.ParseBool(f.Get("resultsShared")) // checked with the route's parameters
		return eq(f, "channel", n.Channel) && has(f, "with", n.With) && has(f, "about", n.About) &&
			(err != nil || shared == n.ResultsShared)
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
		{method: "POST", path: coll, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Create one of the " + k.plural + "; without an id it gets one made from its " + idBaseDoc(k.plural) + " (Location and the body say which)", body: k.schema, status: 201, resp: k.schema, handler: h.create},
		{method: "GET", path: one, access: accessWorkspace, role: RoleViewer, tag: k.plural, summary: "Get one of the " + k.plural + " (ETag: its version)", status: 200, resp: k.schema, etag: true, handler: h.get},
		{method: "PUT", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Replace one of the " + k.plural + " with the document GET returned, edited (If-Match)", body: k.schema, status: 200, resp: k.schema, etag: true, handler: h.put},
		{method: "PATCH", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Change fields of one of the " + k.plural + " with a JSON merge patch (If-Match)", body: k.schema + "Patch", bodyTypes: []string{"application/merge-patch+json", "application/json"}, status: 200, resp: k.schema, etag: true, handler: h.patch},
		{method: "DELETE", path: one, access: accessWorkspace, role: RoleEditor, tag: k.plural, summary: "Delete one of the " + k.plural + " with its relationships (If-Match)", status: 204, etag: true, handler: h.delete},
	}
}

func idBaseDoc(plural string) string {
	if plural == "engagements" {
		return "date (2026-11-30, then 2026-11-30-2, …)"
	}
	return "name (Jan de Vries → jan-de-vries, then jan-de-vries-2, …)"
}

type nodeHandlers[T graph.Node] struct {
	s *Server
	k nodeSpec[T]
}

func (h nodeHandlers[T]) list(c *gin.Context) {
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

// create adds a node; one without an id gets one made from its name (an
// engagement's from its date), and the answer's Location and body say
// which.
func (h nodeHandlers[T]) create(c *gin.Context) {
	var n T
	if err := bindJSON(c, &n, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	stored, v, err := graph.CreateNamed(c.Request.Context(), h.s.store, c.Param("ws"), n)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.Header("Location", c.Request.URL.Path+"/"+url.PathEscape(stored.NodeID()))
	c.JSON(http.StatusCreated, stored)
}

func (h nodeHandlers[T]) get(c *gin.Context) {
	n, v, err := graph.Get[T](c.Request.Context(), h.s.store, c.Param("ws"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	tag := etag(v)
	c.Header("ETag", tag)
	if !checkConditions(c, resourceState{exists: true, etag: tag}) {
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

// current reads the node a write targets and evaluates the request's
// conditions against its version. It returns false when it has answered
// the request (404, 412, 400). version is what the store must find at
// write time: the version read when the request has a condition (or for
// a PATCH, always: it merges into what it read), otherwise 0.
func (h nodeHandlers[T]) current(c *gin.Context, always bool) (cur T, read, version int64, ok bool) {
	cur, read, err := graph.Get[T](c.Request.Context(), h.s.store, c.Param("ws"), c.Param("id"))
	if err != nil {
		fail(c, err)
		return cur, 0, 0, false
	}
	if !checkConditions(c, resourceState{exists: true, etag: etag(read)}) {
		return cur, 0, 0, false
	}
	if always || conditional(c) {
		version = read
	}
	return cur, read, version, true
}

func (h nodeHandlers[T]) put(c *gin.Context) {
	cur, read, version, ok := h.current(c, false)
	if !ok {
		return
	}
	var n T
	if err := bindJSON(c, &n, DefaultBodyLimit); err != nil {
		fail(c, err)
		return
	}
	if id := c.Param("id"); n.NodeID() != id {
		fail(c, idMismatch(id, n.NodeID()))
		return
	}
	h.update(c, cur, read, n, version)
}

// update stores n over cur unless it changes nothing: a write that
// changes nothing keeps the version (and the ETag clients hold).
func (h nodeHandlers[T]) update(c *gin.Context, cur T, read int64, n T, version int64) {
	next := graph.NormalizeNode(n)
	if sameNode(next, graph.NormalizeNode(cur)) {
		c.Header("ETag", etag(read))
		c.JSON(http.StatusOK, next)
		return
	}
	v, err := h.s.store.UpdateNode(c.Request.Context(), c.Param("ws"), next, version)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(v))
	c.JSON(http.StatusOK, next)
}

// sameNode compares two normalised nodes by their JSON, in which an empty
// list and no list are alike, as they are when stored.
func sameNode(a, b graph.Node) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// patch applies an RFC 7396 JSON merge patch to the stored node. The
// version read here guards the write, so a concurrent change between read
// and write is refused (412) rather than lost.
func (h nodeHandlers[T]) patch(c *gin.Context) {
	cur, read, version, ok := h.current(c, true)
	if !ok {
		return
	}
	var patch map[string]any
	if err := bindJSON(c, &patch, DefaultBodyLimit, "application/merge-patch+json"); err != nil {
		fail(c, err)
		return
	}
	if patch == nil {
		fail(c, newError(http.StatusBadRequest, CodeInvalid, "a merge patch must be a JSON object",
			FieldError{Field: "body", Value: "null", Reason: "must be a JSON object of the fields to change"}))
		return
	}
	if err := nullsOnRequired[T](patch); err != nil {
		fail(c, err)
		return
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
	if id := c.Param("id"); n.NodeID() != id {
		fail(c, idMismatch(id, n.NodeID()))
		return
	}
	h.update(c, cur, read, n, version)
}

// nullsOnRequired refuses a merge patch that sets a required field to
// null: RFC 7396 would remove it, leaving the node without a value it
// must have. Optional fields (omitempty in the JSON form) may be removed.
func nullsOnRequired[T graph.Node](patch map[string]any) error {
	optional := optionalFields(reflect.TypeFor[T]())
	var bad []FieldError
	for _, k := range slices.Sorted(maps.Keys(patch)) {
		if patch[k] == nil && !optional[k] {
			bad = append(bad, FieldError{Field: k, Value: "null", Reason: "is required and cannot be removed: send a value instead of null"})
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return newError(http.StatusBadRequest, CodeInvalid, "invalid patch: "+bad[0].Field+" "+bad[0].Reason, bad...)
}

// optionalFields are the JSON names of a struct's fields that may be
// absent: those marked omitempty (or omitzero).
func optionalFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		for o := range strings.SplitSeq(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				out[name] = true
			}
		}
	}
	return out
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
	_, _, version, ok := h.current(c, false)
	if !ok {
		return
	}
	var zero T
	if err := h.s.store.DeleteNode(c.Request.Context(), c.Param("ws"), zero.NodeKind(), c.Param("id"), version); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
