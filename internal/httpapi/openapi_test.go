package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/demo"
)

// openapiDir holds the pinned OpenAPI tools (`npm ci` there): two
// validators of the document written by others, and ajv for the answers.
var openapiDir = filepath.Join("..", "..", ".ci", "openapi")

// openapiTools returns node, skipping when node or the tools are missing,
// except under CI, where that is a failure.
func openapiTools(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(openapiDir, "node_modules", "@redocly", "cli"))
	}
	if err != nil {
		msg := "the OpenAPI checks need node and `npm ci` in .ci/openapi: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// runTool runs an npm tool's command line in .ci/openapi.
func runTool(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), filepath.Join("node_modules", ".bin", name), args...)
	cmd.Dir = openapiDir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// validateDocument runs both independent validators on a document.
func validateDocument(t *testing.T, doc []byte) (string, error) {
	t.Helper()
	path := writeTemp(t, "openapi.json", doc)
	out, err := runTool(t, "swagger-cli", "validate", path)
	if err != nil {
		return "swagger-cli: " + out, err
	}
	lint, err := runTool(t, "redocly", "lint", "--format=stylish", path)
	return out + lint, err
}

// TestOpenAPIPassesIndependentValidators: the document the server serves
// passes @apidevtools/swagger-cli and @redocly/cli (recommended rules)
// with no error; and the validators do catch a broken document.
func TestOpenAPIPassesIndependentValidators(t *testing.T) {
	openapiTools(t)
	e := newEnv(t)
	doc := e.expect(e.do("GET", "/api/openapi.json", "", nil), http.StatusOK).body
	out, err := validateDocument(t, doc)
	if err != nil {
		t.Fatalf("the OpenAPI document does not validate: %v\n%s", err, out)
	}
	if !strings.Contains(out, "is valid") || !strings.Contains(out, "Your API description is valid") {
		t.Errorf("validators' output:\n%s", out)
	}
	t.Logf("validators:\n%s", lastLines(out, 3))

	// A path parameter left undeclared, and a status that is no status.
	var broken map[string]any
	if err := json.Unmarshal(doc, &broken); err != nil {
		t.Fatal(err)
	}
	paths := broken["paths"].(map[string]any)
	one := paths["/api/v1/workspaces/{ws}"].(map[string]any)["get"].(map[string]any)
	delete(one, "parameters")
	one["responses"].(map[string]any)["2000"] = map[string]any{"description": "nonsense"}
	data, _ := json.Marshal(broken)
	if out, err := validateDocument(t, data); err == nil {
		t.Errorf("the validators passed a broken document:\n%s", out)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// answer is one real answer of the service, as answers.mjs reads it.
type answer struct {
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Status      int               `json:"status"`
	ContentType string            `json:"contentType"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
}

func record(route string, r response, method string) answer {
	h := map[string]string{}
	for k := range r.header {
		h[strings.ToLower(k)] = r.header.Get(k)
	}
	return answer{Method: method, Path: ginParam.ReplaceAllString(route, "{$1}"), Status: r.status,
		ContentType: r.header.Get("Content-Type"), Headers: h, Body: string(r.body)}
}

// sample is a request of a route, run in the order of the samples (a
// write may need what an earlier one made).
type sample struct {
	route, path, body string
	headers           []string
	token             func(e *env) string
}

// samples cover the success answers of the routes and the errors worth
// seeing; every route also gets a bare request, one without a token, one
// with a stale If-Match and, for a GET, a conditional one.
func samples(e *env) []sample {
	ws := "/api/v1/workspaces/" + demo.ID
	sh, tr := e.demo.Stakeholders, e.demo.Trajectories
	admin := func(e *env) string { return e.admin }
	one := ws + "/stakeholders/nieuwe-collega"
	stake := `{"stakeholder":"` + sh[1].ID + `","trajectory":"` + tr[2].ID + `","role":"informed"}`
	return []sample{
		{route: "GET /healthz", path: "/healthz"},
		{route: "GET /readyz", path: "/readyz"},
		{route: "GET /metrics", path: "/metrics"},
		{route: "GET /api/openapi.json", path: "/api/openapi.json"},
		{route: "GET /api/v1/workspaces", path: "/api/v1/workspaces"},
		{route: "GET /api/v1/workspaces/:ws", path: ws},
		{route: "GET /api/v1/workspaces/:ws", path: "/api/v1/workspaces/nope", token: admin},
		{route: "GET /api/v1/workspaces/:ws/bundle", path: ws + "/bundle"},
		{route: "PUT /api/v1/workspaces/:ws/bundle", path: "/api/v1/workspaces/scratch/bundle", body: scratchBundle},
		{route: "PUT /api/v1/workspaces/:ws/bundle", path: "/api/v1/workspaces/scratch/bundle", body: scratchBundle},
		{route: "PUT /api/v1/workspaces/:ws/bundle", path: "/api/v1/workspaces/scratch/bundle", body: scratchBundle, headers: []string{"If-None-Match", "*"}},
		{route: "PUT /api/v1/workspaces/:ws/bundle", path: "/api/v1/workspaces/scratch/bundle", body: `{"format":"stakemap/v1","workspace":{"id":"scratch","name":"\ud800"}}`},
		{route: "DELETE /api/v1/workspaces/:ws", path: "/api/v1/workspaces/scratch", headers: []string{"If-Match", `"stale"`}, token: admin},
		{route: "DELETE /api/v1/workspaces/:ws", path: "/api/v1/workspaces/scratch", token: admin},
		{route: "POST /api/v1/tokens", path: "/api/v1/tokens", body: `{"workspace":"` + demo.ID + `","role":"viewer"}`, token: admin},
		{route: "GET /api/v1/tokens", path: "/api/v1/tokens", token: admin},
		{route: "DELETE /api/v1/tokens/:id", path: "/api/v1/tokens/nope", token: admin},
		{route: "GET /api/v1/workspaces/:ws/findings", path: ws + "/findings?asOf=2026-11-01&lang=en"},
		{route: "GET /api/v1/workspaces/:ws/findings", path: ws + "/findings?high=9"},
		{route: "GET /api/v1/workspaces/:ws/grid", path: ws + "/grid?trajectory=" + tr[0].ID},
		{route: "GET /api/v1/workspaces/:ws/grid", path: ws + "/grid"},
		{route: "GET /api/v1/workspaces/:ws/paths", path: ws + "/paths?from=" + sh[0].ID + "&to=" + sh[len(sh)-1].ID + "&k=3"},
		{route: "GET /api/v1/workspaces/:ws/paths", path: ws + "/paths?from=" + sh[0].ID + "&to=nobody"},
		{route: "GET /api/v1/workspaces/:ws/brokers", path: ws + "/brokers?top=5"},
		{route: "GET /api/v1/workspaces/:ws/maps/:file", path: ws + "/maps/stakeholders.svg"},
		{route: "GET /api/v1/workspaces/:ws/maps/:file", path: ws + "/maps/pie.svg"},
		{route: "GET /api/v1/workspaces/:ws/stakeholders", path: ws + "/stakeholders?level=board&limit=2"},
		{route: "POST /api/v1/workspaces/:ws/stakeholders", path: ws + "/stakeholders", body: `{"name":"Nieuwe Collega","level":"employee","influence":2,"interest":3}`},
		{route: "POST /api/v1/workspaces/:ws/stakeholders", path: ws + "/stakeholders", body: `{"id":"nieuwe-collega","name":"Nieuwe Collega","level":"employee","influence":2,"interest":3}`},
		{route: "POST /api/v1/workspaces/:ws/stakeholders", path: ws + "/stakeholders", body: `{"name":"Nieuwe Collega","level":"janitor","influence":2,"interest":3}`},
		{route: "GET /api/v1/workspaces/:ws/stakeholders/:id", path: one},
		{route: "PUT /api/v1/workspaces/:ws/stakeholders/:id", path: one, body: `{"id":"nieuwe-collega","name":"Nieuwe Collega","kind":"person","level":"employee","influence":3,"interest":3,"attitude":"neutral"}`},
		{route: "PATCH /api/v1/workspaces/:ws/stakeholders/:id", path: one, body: `{"title":"Adviseur"}`, headers: []string{"Content-Type", "application/merge-patch+json"}},
		{route: "PATCH /api/v1/workspaces/:ws/stakeholders/:id", path: one, body: `{"name":null}`},
		{route: "PATCH /api/v1/workspaces/:ws/stakeholders/:id", path: one, body: `{"title":"X"}`, headers: []string{"If-Match", `"1"`}},
		{route: "DELETE /api/v1/workspaces/:ws/stakeholders/:id", path: one},
		{route: "POST /api/v1/workspaces/:ws/engagements", path: ws + "/engagements", body: `{"date":"2026-11-30","channel":"meeting","with":["` + sh[0].ID + `"]}`},
		{route: "GET /api/v1/workspaces/:ws/engagements/:id", path: ws + "/engagements/2026-11-30"},
		{route: "POST /api/v1/workspaces/:ws/stakes", path: ws + "/stakes", body: stake},
		{route: "POST /api/v1/workspaces/:ws/stakes", path: ws + "/stakes", body: stake},
		{route: "GET /api/v1/workspaces/:ws/stakes", path: ws + "/stakes?role=informed"},
		{route: "DELETE /api/v1/workspaces/:ws/stakes", path: ws + "/stakes?stakeholder=" + sh[1].ID + "&trajectory=" + tr[2].ID + "&role=informed"},
	}
}

var scratchBundle = `{"format":"stakemap/v1","workspace":{"id":"scratch","name":"Kladblok","language":"nl"},
 "stakeholders":[{"id":"a","name":"A","level":"board","influence":5,"interest":4}]}`

// TestAnswersMatchOpenAPI records real answers of every route (successes
// where a sample exists; for every route a bare request, one without a
// token, and HEAD) and validates them with ajv against the document the
// server serves: every status declared, every body valid.
func TestAnswersMatchOpenAPI(t *testing.T) {
	node := openapiTools(t)
	e := newEnv(t, withRenderer(newRealRenderer(t)))
	doc := e.expect(e.do("GET", "/api/openapi.json", "", nil), http.StatusOK).body
	var answers []answer
	routes := map[string]bool{}
	for _, rt := range e.api.Routes() {
		routes[rt.Method+" "+rt.Path] = true
	}
	for _, s := range samples(e) {
		if !routes[s.route] {
			t.Errorf("sample for %s, which the router does not serve", s.route)
			continue
		}
		method, route, _ := strings.Cut(s.route, " ")
		tok := e.editor
		if s.token != nil {
			tok = s.token(e)
		}
		var body any
		if s.body != "" {
			body = s.body
		}
		answers = append(answers, record(route, e.do(method, s.path, tok, body, s.headers...), method))
		if method == http.MethodGet {
			// HEAD answers as GET does, without the body.
			answers = append(answers, record(route, e.do(http.MethodHead, s.path, tok, nil, s.headers...), http.MethodHead))
		}
	}
	for _, rt := range e.api.Routes() {
		path := concrete(e, demo.ID, rt.Path)
		answers = append(answers, record(rt.Path, e.do(rt.Method, path, e.admin, nil), rt.Method))
		if slices.Contains(publicRoutes, rt.Path) {
			continue
		}
		answers = append(answers, record(rt.Path, e.do(rt.Method, path, "", nil), rt.Method))
		answers = append(answers, record(rt.Path, e.do(rt.Method, path, e.admin, nil, "If-Match", `"stale"`), rt.Method))
		if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
			first := e.do(rt.Method, path, e.admin, nil)
			if tag := first.header.Get("ETag"); tag != "" {
				answers = append(answers, record(rt.Path, e.do(rt.Method, path, e.admin, nil, "If-None-Match", tag), rt.Method))
			}
		}
	}
	statuses := map[int]int{}
	for _, a := range answers {
		statuses[a.Status]++
	}
	t.Logf("%d answers of %d routes; by status: %v", len(answers), len(e.api.Routes()), statuses)
	for _, want := range []int{200, 201, 204, 304, 400, 401, 404, 409, 412} {
		if statuses[want] == 0 {
			t.Errorf("no %d answer was recorded: the samples should cover it", want)
		}
	}

	out, err := checkAnswers(t, node, doc, answers)
	if err != nil {
		t.Fatalf("answers do not match the document: %v\n%s", err, out)
	}
	t.Log(lastLines(out, 1))

	// The check must catch an answer the document does not allow.
	bad := []answer{
		{Method: "GET", Path: "/api/v1/workspaces/{ws}/stakeholders/{id}", Status: 200, ContentType: "application/json",
			Headers: map[string]string{"etag": `"1"`}, Body: `{"id":"x","name":"X","level":"janitor","influence":9,"interest":1,"kind":"person","attitude":"neutral"}`},
		{Method: "GET", Path: "/healthz", Status: 418, ContentType: "application/json", Body: `{}`},
		{Method: "POST", Path: "/api/v1/workspaces/{ws}/goals", Status: 201, ContentType: "application/json", Body: `{"id":"g","name":"G"}`},
	}
	out, err = checkAnswers(t, node, doc, bad)
	if err == nil || !strings.Contains(out, "3 failed") {
		t.Errorf("the answer check passed answers the document forbids:\n%s", out)
	}
}

func checkAnswers(t *testing.T, node string, doc []byte, answers []answer) (string, error) {
	t.Helper()
	data, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	docPath := writeTemp(t, "openapi.json", doc)
	answersPath := writeTemp(t, "answers.json", data)
	cmd := exec.CommandContext(t.Context(), node, "answers.mjs", docPath, answersPath)
	cmd.Dir = openapiDir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestOpenAPIDeclaresWhatTheIssueNames spot-checks the document for what
// clients rely on: 201/304/412/429 where they occur, ETag and Location
// headers, required fields, enums, text limits, typed query parameters
// and merge-patch bodies.
func TestOpenAPIDeclaresWhatTheIssueNames(t *testing.T) {
	e := newEnv(t)
	var doc map[string]any
	if err := json.Unmarshal(e.api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	get := func(path ...string) any {
		var v any = doc
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s: not an object at %q", strings.Join(path, "/"), p)
			}
			if v, ok = m[p]; !ok {
				t.Fatalf("%s: no %q", strings.Join(path, "/"), p)
			}
		}
		return v
	}
	one := "/api/v1/workspaces/{ws}/stakeholders/{id}"
	coll := "/api/v1/workspaces/{ws}/stakeholders"
	get("paths", coll, "post", "responses", "201", "headers", "Location")
	get("paths", coll, "post", "responses", "201", "headers", "ETag")
	get("paths", one, "get", "responses", "304")
	get("paths", one, "get", "responses", "200", "headers", "ETag")
	get("paths", one, "put", "responses", "412")
	get("paths", one, "delete", "responses", "412")
	get("paths", one, "get", "responses", "429")
	get("paths", one, "head", "responses", "304")
	get("paths", "/api/v1/workspaces/{ws}/bundle", "put", "responses", "201", "headers", "Location")
	get("paths", "/api/v1/workspaces/{ws}", "delete", "responses", "412")
	get("paths", one, "patch", "requestBody", "content", "application/merge-patch+json")
	if r := get("components", "schemas", "Stakeholder", "required"); !slices.Contains(toStrings(r), "name") {
		t.Errorf("Stakeholder.required = %v", r)
	}
	if en := toStrings(get("components", "schemas", "Stakeholder", "properties", "attitude", "enum")); !slices.Contains(en, "blocker") {
		t.Errorf("attitude enum %v", en)
	}
	if ml := get("components", "schemas", "Stakeholder", "properties", "name", "maxLength"); ml != float64(200) {
		t.Errorf("name maxLength %v", ml)
	}
	params := map[string]any{}
	for _, p := range get("paths", "/api/v1/workspaces/{ws}/findings", "get", "parameters").([]any) {
		pm := p.(map[string]any)
		params[pm["name"].(string)] = pm["schema"]
	}
	if s := params["high"].(map[string]any); s["type"] != "integer" || s["maximum"] != float64(5) {
		t.Errorf("high: %v", s)
	}
	mapParams := map[string]any{}
	for _, p := range get("paths", "/api/v1/workspaces/{ws}/maps/{file}", "get", "parameters").([]any) {
		pm := p.(map[string]any)
		mapParams[pm["name"].(string)] = pm["schema"]
	}
	if s := mapParams["anonymize"].(map[string]any); s["type"] != "boolean" {
		t.Errorf("anonymize: %v", s)
	}
	if s := get("paths", "/api/v1/tokens", "post", "responses", "201"); s == nil {
		t.Error("no 201 for tokens")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
