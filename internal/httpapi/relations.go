package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// relSpec describes the REST collection of one relationship kind. Its key
// fields are the query parameters that delete one and filter the list.
type relSpec struct {
	kind   graph.RelKind
	schema string
	keys   [3]string // names of RelKey.A, .B, .C ("" when unused)
	decode func(c *gin.Context) (graph.Relation, error)
}

func decodeAs[T graph.Relation](c *gin.Context) (graph.Relation, error) {
	var r T
	err := bindJSON(c, &r, DefaultBodyLimit)
	return r, err
}

var relKinds = []relSpec{
	{kind: graph.RelStake, schema: "Stake", keys: [3]string{"stakeholder", "trajectory", "role"}, decode: decodeAs[graph.Stake]},
	{kind: graph.RelInfluence, schema: "Influence", keys: [3]string{"from", "to"}, decode: decodeAs[graph.Influence]},
	{kind: graph.RelReportsTo, schema: "ReportsTo", keys: [3]string{"from", "to"}, decode: decodeAs[graph.ReportsTo]},
	{kind: graph.RelSupports, schema: "Supports", keys: [3]string{"trajectory", "goal"}, decode: decodeAs[graph.Supports]},
	{kind: graph.RelDependsOn, schema: "DependsOn", keys: [3]string{"trajectory", "on"}, decode: decodeAs[graph.DependsOn]},
}

func (k relSpec) keyParams() []string {
	var ps []string
	for _, p := range k.keys {
		if p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

func relationRoutes(s *Server, k relSpec) []route {
	coll := api + "/workspaces/:ws/" + string(k.kind)
	keys := k.keyParams()
	return []route{
		{method: "GET", path: coll, access: accessWorkspace, role: RoleViewer, tag: "relationships", summary: "List " + string(k.kind) + " (key fields filter; limit/offset)", query: append(append([]string{}, keys...), pageQuery...), status: 200, resp: k.schema + "List",
			handler: func(c *gin.Context) { s.listRelations(c, k) }},
		{method: "POST", path: coll, access: accessWorkspace, role: RoleEditor, tag: "relationships", summary: "Add one of the " + string(k.kind), body: k.schema, status: 201, resp: k.schema,
			handler: func(c *gin.Context) { s.addRelation(c, k) }},
		{method: "DELETE", path: coll, access: accessWorkspace, role: RoleEditor, tag: "relationships", summary: "Remove one of the " + string(k.kind) + ", named by all its key fields as query parameters", query: keys, status: 204,
			handler: func(c *gin.Context) { s.removeRelation(c, k) }},
	}
}

func (s *Server) listRelations(c *gin.Context, k relSpec) {
	offset, limit, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	ws := c.Param("ws")
	all, err := s.store.Relations(c.Request.Context(), ws, k.kind)
	if err == nil && len(all) == 0 {
		_, err = s.store.Workspace(c.Request.Context(), ws)
	}
	if err != nil {
		fail(c, err)
		return
	}
	f := c.Request.URL.Query()
	matched := []graph.Relation{}
	for _, r := range all {
		key := r.Key()
		if eq(f, k.keys[0], key.A) && eq(f, k.keys[1], key.B) && (k.keys[2] == "" || eq(f, k.keys[2], key.C)) {
			matched = append(matched, r)
		}
	}
	c.JSON(http.StatusOK, gin.H{
		string(k.kind): paginate(matched, offset, limit),
		"total":        len(matched),
		"offset":       offset,
		"limit":        limit,
	})
}

func (s *Server) addRelation(c *gin.Context, k relSpec) {
	r, err := k.decode(c)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.store.AddRelation(c.Request.Context(), c.Param("ws"), r); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, r)
}

func (s *Server) removeRelation(c *gin.Context, k relSpec) {
	var vals [3]string
	var missing []FieldError
	for i, name := range k.keys {
		if name == "" {
			continue
		}
		vals[i] = c.Query(name)
		if vals[i] == "" {
			missing = append(missing, FieldError{Field: name, Reason: "is required: a relationship is named by all its key fields"})
		}
	}
	if len(missing) > 0 {
		fail(c, newError(http.StatusBadRequest, CodeInvalid, "missing query parameter "+missing[0].Field, missing...))
		return
	}
	key := graph.RelKey{A: vals[0], B: vals[1], C: vals[2]}
	if err := s.store.RemoveRelation(c.Request.Context(), c.Param("ws"), k.kind, key); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
