package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/access"
)

// The OpenAPI document is built from the same route table as the router
// and from the same parameter specs the requests are checked against; a
// test walks the router's routes against it, two independent validators
// check it and real answers of every route are validated against it, so
// it cannot drift.

var pathParam = regexp.MustCompile(`[:*]([A-Za-z]+)`)

// openAPIPath turns gin's /a/:b/*c into OpenAPI's /a/{b}/{c}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

type schema = map[string]any

type schemaSet map[string]any

func ref(name string) schema { return schema{"$ref": "#/components/schemas/" + name} }

// Schemas of values validation constrains beyond their Go type.
func idSchema() schema          { return schema{"type": "string", "pattern": graph.IDPattern} }
func textSchema(max int) schema { return schema{"type": "string", "maxLength": max} }
func nameSchema() schema {
	return schema{"type": "string", "minLength": 1, "maxLength": graph.MaxShortText}
}
func enumSchema(values []string) schema { return schema{"type": "string", "enum": values} }
func scaleSchema() schema               { return schema{"type": "integer", "minimum": 1, "maximum": 5} }
func dateSchema() schema                { return schema{"type": "string", "format": "date"} }
func idsSchema(minItems int) schema {
	s := schema{"type": "array", "items": idSchema()}
	if minItems > 0 {
		s["minItems"] = minItems
	}
	return s
}

// schemaRule adds to the schema of a Go type what the domain's validation
// enforces: required fields and the constraints of fields.
type schemaRule struct {
	required []string
	fields   map[string]schema
}

// schemaRules are keyed by Go type name. Node schemas do not require id:
// a node created without one gets one made from its name.
var schemaRules = map[string]schemaRule{
	"Workspace": {required: []string{"id", "name"}, fields: map[string]schema{
		"id": idSchema(), "name": nameSchema(), "language": enumSchema(graph.Languages), "ldUnit": textSchema(graph.MaxShortText)}},
	"Stakeholder": {required: []string{"name", "level", "influence", "interest"}, fields: map[string]schema{
		"id": idSchema(), "name": nameSchema(), "kind": enumSchema(graph.StakeholderKinds),
		"title": textSchema(graph.MaxShortText), "unit": textSchema(graph.MaxShortText), "level": enumSchema(graph.Levels),
		"influence": scaleSchema(), "interest": scaleSchema(), "attitude": enumSchema(graph.Attitudes),
		"notes":        textSchema(graph.MaxLongText),
		"tags":         {"type": "array", "maxItems": graph.MaxTags, "items": schema{"type": "string", "minLength": 1, "maxLength": graph.MaxTagText}},
		"contactEvery": {"type": "integer", "minimum": 1, "maximum": 365, "description": "days between contacts L&D intends"}}},
	"Trajectory": {required: []string{"name"}, fields: map[string]schema{
		"id": idSchema(), "name": nameSchema(), "purpose": textSchema(graph.MaxLongText), "status": enumSchema(graph.TrajectoryStatus),
		"start": dateSchema(), "end": dateSchema(), "reviewBy": dateSchema(), "measure": textSchema(graph.MaxLongText)}},
	"Goal": {required: []string{"name"}, fields: map[string]schema{
		"id": idSchema(), "name": nameSchema(), "horizon": textSchema(graph.MaxShortText)}},
	"Enabler": {required: []string{"name"}, fields: map[string]schema{
		"id": idSchema(), "name": nameSchema(), "kind": enumSchema(graph.EnablerKinds), "status": enumSchema(graph.EnablerStatus), "owner": idSchema()}},
	"Engagement": {required: []string{"date", "with"}, fields: map[string]schema{
		"id": idSchema(), "date": dateSchema(), "channel": enumSchema(graph.Channels), "with": idsSchema(1), "about": idsSchema(0),
		"summary": textSchema(graph.MaxLongText)}},
	"Stake": {required: []string{"stakeholder", "trajectory", "role"}, fields: map[string]schema{
		"stakeholder": idSchema(), "trajectory": idSchema(), "role": enumSchema(graph.Roles), "interest": scaleSchema(), "influence": scaleSchema()}},
	"Influence": {required: []string{"from", "to"}, fields: map[string]schema{
		"from": idSchema(), "to": idSchema(),
		"strength": {"type": "number", "minimum": 0, "maximum": 1, "description": "greater than 0 and at most 1 (default 0.5)"}}},
	"ReportsTo": {required: []string{"from", "to"}, fields: map[string]schema{"from": idSchema(), "to": idSchema()}},
	"Supports":  {required: []string{"trajectory", "goal"}, fields: map[string]schema{"trajectory": idSchema(), "goal": idSchema()}},
	"DependsOn": {required: []string{"trajectory", "on"}, fields: map[string]schema{
		"trajectory": idSchema(), "on": idSchema(), "note": textSchema(graph.MaxLongText)}},
	"Bundle": {required: []string{"format", "workspace"}, fields: map[string]schema{"format": enumSchema([]string{graph.Format})}},
	"Finding": {required: []string{"code", "severity", "subject", "related", "message"}, fields: map[string]schema{
		"code": enumSchema(slices.Sorted(maps.Keys(graph.CodeGroups))), "severity": enumSchema(graph.Severities)}},
	"Grid": {required: []string{"quadrants"}, fields: map[string]schema{
		"quadrants": {"type": "object", "additionalProperties": false, "properties": quadrantProps()}}},
	"Path":         {required: []string{"nodes", "hops", "strength"}, fields: map[string]schema{"nodes": idsSchema(1), "hops": {"type": "integer", "minimum": 0}, "strength": {"type": "number", "minimum": 0, "maximum": 1}}},
	"Broker":       {required: []string{"id", "score"}, fields: map[string]schema{"id": idSchema(), "score": {"type": "number", "minimum": 0}}},
	"ErrorBody":    {required: []string{"error"}},
	"ErrorDetail":  {required: []string{"code", "message"}},
	"FieldError":   {required: []string{"field", "value", "reason"}},
	"TokenRequest": {required: []string{"workspace", "role"}, fields: map[string]schema{"role": enumSchema(access.Roles)}},
	"Grant":        {required: []string{"id", "workspace", "role"}, fields: map[string]schema{"role": enumSchema(access.Roles)}},
	"NewToken":     {required: []string{"token", "id", "workspace", "role"}, fields: map[string]schema{"role": enumSchema(access.Roles)}},
}

func quadrantProps() schema {
	out := schema{}
	for _, q := range graph.Quadrants {
		out[q] = idsSchema(0)
	}
	return out
}

// schemaOf describes a Go type by its JSON encoding; named structs become
// components, with their schemaRule applied.
func (ss schemaSet) schemaOf(t reflect.Type) any {
	switch t.Kind() {
	case reflect.Pointer:
		return ss.schemaOf(t.Elem())
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return schema{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return schema{"type": "number"}
	case reflect.Slice:
		return schema{"type": "array", "items": ss.schemaOf(t.Elem())}
	case reflect.Map:
		return schema{"type": "object", "additionalProperties": ss.schemaOf(t.Elem())}
	case reflect.Struct:
		if t.PkgPath() == "time" {
			return schema{"type": "string", "format": "date-time"}
		}
		if _, done := ss[t.Name()]; !done {
			ss[t.Name()] = nil // reserve against recursion
			props := schema{}
			ss.fields(t, props)
			s := schema{"type": "object", "properties": props, "additionalProperties": false}
			if rule, ok := schemaRules[t.Name()]; ok {
				for name, fs := range rule.fields {
					props[name] = fs
				}
				if len(rule.required) > 0 {
					s["required"] = rule.required
				}
			}
			ss[t.Name()] = s
		}
		return ref(t.Name())
	}
	return schema{}
}

func (ss schemaSet) fields(t reflect.Type, props schema) {
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

// patchSchema describes a JSON merge patch of a node: any of its fields,
// none required; null removes an optional field and is refused for a
// required one.
func (ss schemaSet) patchSchema(t reflect.Type) schema {
	full := ss[t.Name()].(schema)
	optional := optionalFields(t)
	props := schema{}
	for name, p := range full["properties"].(schema) {
		if optional[name] {
			q := maps.Clone(p.(schema))
			q["nullable"] = true
			p = q
		}
		props[name] = p
	}
	return schema{"type": "object", "properties": props, "additionalProperties": false,
		"description": "JSON merge patch (RFC 7396) of a " + t.Name() + ": the fields to change; null removes an optional field"}
}

func listSchema(key, item string) schema {
	return schema{"type": "object", "additionalProperties": false, "required": []string{key, "total", "offset", "limit"}, "properties": schema{
		key:      schema{"type": "array", "items": ref(item)},
		"total":  schema{"type": "integer", "minimum": 0, "description": "matches before pagination"},
		"offset": schema{"type": "integer", "minimum": 0},
		"limit":  schema{"type": "integer", "minimum": 1},
	}}
}

func wrap(key string, item any) schema {
	return schema{"type": "object", "additionalProperties": false, "required": []string{key}, "properties": schema{key: item}}
}

func (s *Server) schemas() schemaSet {
	ss := schemaSet{}
	for _, v := range []any{graph.Workspace{}, graph.Bundle{}, graph.Stakeholder{}, graph.Trajectory{}, graph.Goal{},
		graph.Enabler{}, graph.Engagement{}, graph.Stake{}, graph.Influence{}, graph.ReportsTo{}, graph.Supports{},
		graph.DependsOn{}, graph.Finding{}, graph.Grid{}, graph.Path{}, graph.Broker{}, ErrorBody{}} {
		ss.schemaOf(reflect.TypeOf(v))
	}
	historySchemas(ss)
	for _, v := range accessSchemas {
		ss.schemaOf(reflect.TypeOf(v))
	}
	for _, l := range accessLists {
		ss[l[0]] = wrap(l[1], schema{"type": "array", "items": ref(l[2])})
	}
	ss["Status"] = wrap("status", schema{"type": "string"})
	ss["OpenAPI"] = schema{"type": "object", "required": []string{"openapi", "info", "paths"}, "properties": schema{
		"openapi": schema{"type": "string"}, "info": schema{"type": "object"}, "paths": schema{"type": "object"}}}
	ss["WorkspaceList"] = wrap("workspaces", schema{"type": "array", "items": ref("Workspace")})
	ss["Findings"] = wrap("findings", schema{"type": "array", "items": ref("Finding")})
	ss["Paths"] = wrap("paths", schema{"type": "array", "items": ref("Path")})
	ss["Brokers"] = wrap("brokers", schema{"type": "array", "items": ref("Broker")})
	for _, n := range []struct {
		key string
		t   reflect.Type
	}{{"stakeholders", reflect.TypeFor[graph.Stakeholder]()}, {"trajectories", reflect.TypeFor[graph.Trajectory]()},
		{"goals", reflect.TypeFor[graph.Goal]()}, {"enablers", reflect.TypeFor[graph.Enabler]()}, {"engagements", reflect.TypeFor[graph.Engagement]()}} {
		ss[n.t.Name()+"List"] = listSchema(n.key, n.t.Name())
		ss[n.t.Name()+"Patch"] = ss.patchSchema(n.t)
	}
	for _, k := range relKinds {
		ss[k.schema+"List"] = listSchema(string(k.kind), k.schema)
	}
	return ss
}

var pathParamDocs = map[string]string{
	"ws": "workspace id", "id": "id", "file": "{kind}.{format}, e.g. stakeholders.svg", "*file": "asset path",
}

// OpenAPI returns the OpenAPI 3 document of every route.
func (s *Server) OpenAPI() []byte {
	s.openapiOnce.Do(func() {
		s.openapiDoc = s.buildOpenAPI()
		sum := sha256.Sum256(s.openapiDoc)
		s.openapiTag = quoteTag(hex.EncodeToString(sum[:8]))
	})
	return s.openapiDoc
}

// Statuses a route can answer besides its success status, by what makes
// them possible; every answer the service gives is declared, which the
// tests check against real answers.
func errorStatuses(r route) []int {
	api := r.access != accessPublic
	var out []int
	if api || len(r.query) > 0 || r.body != "" {
		out = append(out, http.StatusBadRequest)
	}
	if api {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if strings.Contains(r.path, ":") || (!api && strings.Contains(r.path, "*")) {
		out = append(out, http.StatusNotFound)
	}
	if r.method == http.MethodPost {
		out = append(out, http.StatusConflict)
	}
	if api || r.etag {
		out = append(out, http.StatusPreconditionFailed)
	}
	if r.body != "" || r.method == http.MethodPut || r.method == http.MethodPatch || r.method == http.MethodPost {
		out = append(out, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if api {
		out = append(out, http.StatusTooManyRequests)
	}
	out = append(out, http.StatusInternalServerError, http.StatusServiceUnavailable)
	if api && r.method != http.MethodGet {
		out = append(out, http.StatusInsufficientStorage)
	}
	return out
}

var errorWhy = map[int]string{
	http.StatusBadRequest:            "bad parameter, header or body; fields names each offending one",
	http.StatusUnauthorized:          "no or bad credentials",
	http.StatusForbidden:             "role too weak",
	http.StatusNotFound:              "no such workspace or entity (or one of another workspace)",
	http.StatusConflict:              "the id or relationship exists already",
	http.StatusPreconditionFailed:    "If-Match or If-None-Match does not hold: read it again",
	http.StatusRequestEntityTooLarge: "body over the limit",
	http.StatusUnsupportedMediaType:  "body of a content type the route does not take",
	http.StatusTooManyRequests:       "too many failed sign-ins from this client: wait Retry-After seconds",
	http.StatusInternalServerError:   "our fault; the log has the kind of cause",
	http.StatusServiceUnavailable:    "temporarily unavailable (store unreachable, work took too long): try again later",
	http.StatusInsufficientStorage:   "the server's disk is full: nothing was saved",
}

func header(desc string, required bool) schema {
	return schema{"description": desc, "required": required, "schema": schema{"type": "string"}}
}

func (s *Server) buildOpenAPI() []byte {
	paths := map[string]schema{}
	errContent := schema{"application/json": schema{"schema": ref("ErrorBody")}}
	tags := []string{}
	for _, r := range s.routes {
		p := openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = schema{}
		}
		if !slices.Contains(tags, r.tag) {
			tags = append(tags, r.tag)
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			doc := pathParamDocs[m[1]]
			if strings.Contains(r.path, "*"+m[1]) {
				doc = pathParamDocs["*"+m[1]]
			}
			params = append(params, schema{"name": m[1], "in": "path", "required": true, "description": doc, "schema": schema{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, queryParam(r.tag, q))
		}
		if takesAt(r) {
			params = append(params, atParam)
		}
		api := r.access != accessPublic
		if api || r.etag {
			if r.method == http.MethodGet || r.method == http.MethodPut {
				params = append(params, schema{"name": "If-None-Match", "in": "header", "schema": schema{"type": "string"},
					"description": `ETags (or *): a GET answers 304 when one is current; a write is refused (412) when one is (If-None-Match: * on PUT: create only)`})
			}
			params = append(params, schema{"name": "If-Match", "in": "header", "schema": schema{"type": "string"},
				"description": `ETags (or *): refused with 412 unless one is current; compared strongly (W/ never matches)`})
		}

		ok := schema{"description": http.StatusText(r.status)}
		hdrs := schema{}
		if r.etag && (r.method == http.MethodGet || r.method == http.MethodPatch || (r.method == http.MethodPut && r.body != "Bundle")) {
			hdrs["ETag"] = header("the current version; send it back in If-Match or If-None-Match", true)
		}
		if r.method == http.MethodPost && slices.Contains(nodeSchemas, r.resp) {
			hdrs["Location"] = header("the new node, with the id it was given", true)
			hdrs["ETag"] = header("the new node's version", true)
		}
		if len(hdrs) > 0 {
			ok["headers"] = hdrs
		}
		switch {
		case r.resp != "":
			ok["content"] = schema{"application/json": schema{"schema": ref(r.resp)}}
		case len(r.content) > 0:
			ct := schema{}
			for _, t := range r.content {
				ct[t] = schema{"schema": schema{"type": "string", "format": "binary"}}
			}
			ok["content"] = ct
		}
		responses := schema{strconv.Itoa(r.status): ok}
		if r.method == http.MethodPut && r.body == "Bundle" {
			created := maps.Clone(ok)
			created["description"] = "Created: the workspace did not exist"
			created["headers"] = schema{"Location": header("the workspace's bundle", true)}
			responses["201"] = created
		}
		if r.method == http.MethodGet && (api || r.etag) {
			responses["304"] = schema{"description": "Not Modified: the ETag in If-None-Match is current", "headers": schema{"ETag": header("the current version", r.etag)}}
		}
		for _, st := range errorStatuses(r) {
			responses[strconv.Itoa(st)] = schema{"$ref": "#/components/responses/" + errorResponseName(st)}
		}
		responses["default"] = schema{"$ref": "#/components/responses/Error"}

		op := schema{
			"tags":        []string{r.tag},
			"summary":     r.summary,
			"operationId": operationID(r.method, r.path),
			"responses":   responses,
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.body != "" {
			types := r.bodyTypes
			if len(types) == 0 {
				types = []string{"application/json"}
			}
			content := schema{}
			for _, t := range types {
				content[t] = schema{"schema": ref(r.body)}
			}
			op["requestBody"] = schema{"required": true, "content": content,
				"description": "strict JSON: valid UTF-8, unknown fields, keys given twice and trailing data are refused; at most " + humanBytes(r.bodyLimit())}
		}
		if !api {
			op["security"] = []any{}
		}
		paths[p][strings.ToLower(r.method)] = op
		if r.method == http.MethodGet {
			paths[p]["head"] = headOf(op)
		}
	}
	errResponses := schema{"Error": schema{"description": "an error", "content": errContent}}
	for st, why := range errorWhy {
		e := schema{"description": why, "content": errContent}
		switch st {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			e["headers"] = schema{"Retry-After": header("seconds to wait before trying again", false)}
		case http.StatusUnauthorized:
			e["headers"] = schema{"WWW-Authenticate": header("how to authenticate", false)}
		}
		errResponses[errorResponseName(st)] = e
	}
	tagList := []any{}
	for _, t := range tags {
		tagList = append(tagList, schema{"name": t, "description": tagDocs[t]})
	}
	doc := schema{
		"openapi": "3.0.3",
		"info": schema{
			"title":   "stakemap API",
			"version": "1",
			"license": schema{"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
			"description": "Stakeholder maps for learning trajectories. Every /api/v1 route needs Authorization: Bearer <token> or the session cookie of a signed-in person (same roles); cookie-authenticated writes from another origin are refused. " +
				"Errors have one shape: {\"error\": {\"code\", \"message\", \"fields\": [{\"field\", \"value\", \"reason\"}]}}. " +
				"Every GET also answers HEAD; every route evaluates If-Match and If-None-Match (RFC 9110).",
		},
		"servers":  []any{schema{"url": "/"}},
		"tags":     tagList,
		"security": []any{schema{"bearer": []any{}}, schema{"session": []any{}}},
		"paths":    paths,
		"components": schema{"schemas": s.schemas(), "responses": errResponses,
			"securitySchemes": schema{
				"bearer":  schema{"type": "http", "scheme": "bearer"},
				"session": schema{"type": "apiKey", "in": "cookie", "name": "stakemap_session", "description": "__Host-stakemap_session behind https"}}},
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // only maps of strings and numbers: cannot fail
	}
	return out
}

var nodeSchemas = []string{"Stakeholder", "Trajectory", "Goal", "Enabler", "Engagement"}

var tagDocs = map[string]string{
	"service":       "health, readiness, metrics and this document",
	"workspaces":    "workspaces and their stakemap/v1 documents",
	"tokens":        "API tokens",
	"analyses":      "findings, grid, influence paths and brokers",
	"maps":          "maps as SVG, PNG, PDF or DOT",
	"relationships": "stakes, influences, reporting lines, supports and dependencies",
	"stakeholders":  "people, groups, units and external parties",
	"trajectories":  "learning trajectories",
	"goals":         "strategic goals",
	"enablers":      "what trajectories need: systems, processes, budgets…",
	"engagements":   "logged contacts",
}

// queryParam describes a query parameter from its spec.
func queryParam(tag, name string) schema {
	p := specFor(tag, name)
	sc := schema{"type": p.typ}
	if p.hi > p.lo {
		sc["minimum"], sc["maximum"] = p.lo, p.hi
		if p.typ == "integer" {
			sc["minimum"], sc["maximum"] = int(p.lo), int(p.hi)
		}
	}
	if len(p.enum) > 0 {
		sc["enum"] = p.enum
	}
	if p.date {
		sc["format"] = "date"
	}
	if p.def != "" {
		switch p.typ {
		case "integer":
			n, _ := strconv.Atoi(p.def)
			sc["default"] = n
		case "number":
			f, _ := strconv.ParseFloat(p.def, 64)
			sc["default"] = f
		case "boolean":
			sc["default"] = p.def == "true"
		default:
			sc["default"] = p.def
		}
	}
	return schema{"name": name, "in": "query", "description": p.doc, "schema": sc}
}

// headOf is the HEAD operation of a GET: the same answers without bodies.
func headOf(get schema) schema {
	head := maps.Clone(get)
	head["operationId"] = "head" + strings.TrimPrefix(get["operationId"].(string), "get")
	head["summary"] = "Headers of: " + get["summary"].(string)
	responses := schema{}
	for st, r := range get["responses"].(schema) {
		h := maps.Clone(r.(schema))
		if _, shared := h["$ref"]; shared {
			// An error's shared response: HEAD has the status and
			// headers, and no body.
			h = schema{"description": "as GET (no body)"}
		}
		delete(h, "content")
		responses[st] = h
	}
	head["responses"] = responses
	return head
}

// errorResponseName names the shared response of an error status, e.g.
// PreconditionFailed.
func errorResponseName(status int) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(http.StatusText(status))
}

func operationID(method, path string) string {
	id := strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "-", "_").Replace(openAPIPath(path))
	return strings.ToLower(method) + id
}

func (s *Server) openapi(c *gin.Context) {
	doc := s.OpenAPI()
	c.Header("ETag", s.openapiTag)
	c.Header("Cache-Control", "no-cache")
	if !checkConditions(c, resourceState{exists: true, etag: s.openapiTag}) {
		return
	}
	c.Data(http.StatusOK, "application/json", doc)
}
