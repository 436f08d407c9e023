package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
)

// The OpenAPI document is built from the same route table as the router,
// and a test walks the router's routes against it, so it cannot drift.

var pathParam = regexp.MustCompile(`[:*]([A-Za-z]+)`)

// openAPIPath turns gin's /a/:b/*c into OpenAPI's /a/{b}/{c}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

type schemaSet map[string]any

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// schemaOf describes a Go type by its JSON encoding; named structs become
// components.
func (ss schemaSet) schemaOf(t reflect.Type) any {
	switch t.Kind() {
	case reflect.Pointer:
		return ss.schemaOf(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": ss.schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": ss.schemaOf(t.Elem())}
	case reflect.Struct:
		if t.PkgPath() == "time" {
			return map[string]any{"type": "string", "format": "date-time"}
		}
		if _, done := ss[t.Name()]; !done {
			ss[t.Name()] = nil // reserve against recursion
			props := map[string]any{}
			ss.fields(t, props)
			ss[t.Name()] = map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		}
		return ref(t.Name())
	}
	return map[string]any{}
}

func (ss schemaSet) fields(t reflect.Type, props map[string]any) {
	for f := range t.Fields() {
		if f.Anonymous {
			ss.fields(f.Type, props)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = ss.schemaOf(f.Type)
	}
}

func listSchema(key, item string) map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		key:      map[string]any{"type": "array", "items": ref(item)},
		"total":  map[string]any{"type": "integer", "description": "matches before pagination"},
		"offset": map[string]any{"type": "integer"},
		"limit":  map[string]any{"type": "integer"},
	}}
}

func wrap(key string, item any) map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{key: item}}
}

func (s *Server) schemas() schemaSet {
	ss := schemaSet{}
	for _, v := range []any{graph.Workspace{}, graph.Bundle{}, graph.Stakeholder{}, graph.Trajectory{}, graph.Goal{},
		graph.Enabler{}, graph.Engagement{}, graph.Stake{}, graph.Influence{}, graph.ReportsTo{}, graph.Supports{},
		graph.DependsOn{}, graph.Finding{}, graph.Grid{}, graph.Path{}, graph.Broker{}, ErrorBody{}} {
		ss.schemaOf(reflect.TypeOf(v))
	}
	for _, v := range accessSchemas {
		ss.schemaOf(reflect.TypeOf(v))
	}
	for _, l := range accessLists {
		ss[l[0]] = wrap(l[1], map[string]any{"type": "array", "items": ref(l[2])})
	}
	ss["Status"] = wrap("status", map[string]any{"type": "string"})
	ss["OpenAPI"] = map[string]any{"type": "object"}
	ss["WorkspaceList"] = wrap("workspaces", map[string]any{"type": "array", "items": ref("Workspace")})
	ss["Findings"] = wrap("findings", map[string]any{"type": "array", "items": ref("Finding")})
	ss["Paths"] = wrap("paths", map[string]any{"type": "array", "items": ref("Path")})
	ss["Brokers"] = wrap("brokers", map[string]any{"type": "array", "items": ref("Broker")})
	for _, n := range []struct{ key, schema string }{{"stakeholders", "Stakeholder"}, {"trajectories", "Trajectory"},
		{"goals", "Goal"}, {"enablers", "Enabler"}, {"engagements", "Engagement"}} {
		ss[n.schema+"List"] = listSchema(n.key, n.schema)
		ss[n.schema+"Patch"] = map[string]any{"type": "object", "description": "JSON merge patch (RFC 7396) of a " + n.schema + ": null removes a field"}
	}
	for _, k := range relKinds {
		ss[k.schema+"List"] = listSchema(string(k.kind), k.schema)
	}
	return ss
}

var paramDocs = map[string]string{
	"ws": "workspace id", "id": "entity id", "file": "{kind}.{format}, e.g. stakeholders.svg",
	"limit": "page size, 1–1000 (default 100)", "offset": "items to skip (default 0)", "q": "case-insensitive text search",
	"asOf": "date YYYY-MM-DD (default today, UTC)", "high": "threshold 1–5 (default 4)", "window": "days an engagement counts as recent (default 90)",
	"only": "co-ownership | visibility | strategy", "lang": "nl | en (default: the workspace's language)",
	"trajectory": "trajectory id", "from": "stakeholder id", "to": "stakeholder id", "mode": "paths: shortest | strongest (default strongest); import: merge | replace (default merge, replace for JSON)",
	"k": "number of alternative paths, 1–20 (default 1)", "maxHops": "1–20 (default 6)", "hierarchyStrength": "strength of a reports-to edge, (0, 1] (default 0.5)",
	"top": "number of brokers, 1–10000 (default 10)", "anonymize": "true: names replaced by title and unit", "full": "true: draw every stakeholder of a large workspace instead of the summary (slow)", "scale": "PNG pixels multiplied, 1–4 (default 1: a slide is 1920 × 1080)",
	"page": "slide | a4 | a4-landscape | auto (default slide; auto: the map's natural size)", "part": "part N of a map too large for its page (fixed pages; header X-Map-Parts gives the count)",
	"context": "true: a path map also draws the people next to the paths", "all": "true: every trajectory, active ones first",
	"path":     "influence paths FROM:TO, several separated by commas",
	"download": "true: Content-Disposition attachment",
	"dryRun":   "true: answer what the import would change and write nothing", "prefer": "sheet | stakemap: which side wins a conflict",
	"prune": "true: merge also removes what the file's sheets lack",
}

// OpenAPI returns the OpenAPI 3 document of every route.
func (s *Server) OpenAPI() []byte {
	s.openapiOnce.Do(func() { s.openapiDoc = s.buildOpenAPI() })
	return s.openapiDoc
}

func (s *Server) buildOpenAPI() []byte {
	paths := map[string]map[string]any{}
	errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": ref("ErrorBody")}}}
	for _, r := range s.routes {
		p := openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": paramDocs[m[1]], "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q, "in": "query", "description": paramDocs[q], "schema": map[string]any{"type": "string"}})
		}
		if slices.Contains([]string{"PUT", "PATCH", "DELETE"}, r.method) && strings.Contains(r.path, "/:id") {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "description": "ETag from GET; a stale one gives 412", "schema": map[string]any{"type": "string"}})
		}
		op := map[string]any{
			"tags":        []string{r.tag},
			"summary":     r.summary,
			"operationId": strings.ToLower(r.method) + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(openAPIPath(r.path), "/", "_"), "{", ""), "}", ""),
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.body != "" {
			limit := "1 MB"
			if r.body == "Bundle" {
				limit = "20 MB"
			}
			op["requestBody"] = map[string]any{"required": true, "description": "strict JSON: unknown fields and trailing data are refused; at most " + limit,
				"content": map[string]any{"application/json": map[string]any{"schema": ref(r.body)}}}
		}
		ok := map[string]any{"description": http.StatusText(r.status)}
		switch {
		case r.resp != "":
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(r.resp)}}
		case len(r.content) > 0:
			ct := map[string]any{}
			for _, t := range r.content {
				ct[t] = map[string]any{}
			}
			ok["content"] = ct
		}
		op["responses"] = map[string]any{statusText(r.status): ok, "default": errResp}
		if r.access == accessPublic {
			op["security"] = []any{}
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "stakemap API",
			"version": "1",
			"description": "Stakeholder maps for learning trajectories. Every /api/v1 route needs Authorization: Bearer <token> or the session cookie of a signed-in person (same roles); cookie-authenticated writes from another origin are refused. " +
				"Errors have one shape: {\"error\": {\"code\", \"message\", \"fields\": [{\"field\", \"value\", \"reason\"}]}}.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		"paths":    paths,
		"components": map[string]any{"schemas": s.schemas(), "securitySchemes": map[string]any{
			"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "stakemap_session", "description": "__Host-stakemap_session behind https"}}},
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // only maps of strings and numbers: cannot fail
	}
	return out
}

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.OpenAPI())
}
