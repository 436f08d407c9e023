package main_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpSession starts stakemap mcp on the database in dir as an assistant
// would (a subprocess speaking stdio) and connects the SDK's own client.
func mcpSession(t *testing.T, dir string, args ...string) *mcp.ClientSession {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"mcp"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).
		Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect to stakemap mcp: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestMCPAnswersAsTheCLI asks the same questions of stakemap mcp (over
// stdio) and of the CLI with --json: the documents must be the same.
func TestMCPAnswersAsTheCLI(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	cs := mcpSession(t, dir)
	for _, tc := range mcpQuestions {
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: tc.tool, Arguments: tc.args})
		if err != nil || res.IsError {
			t.Fatalf("%s %v: %v %v", tc.tool, tc.args, err, res)
		}
		got, _ := json.Marshal(res.StructuredContent)
		want := mustRun(t, dir, nil, tc.cli...).stdout
		if !sameDoc(t, got, []byte(want)) {
			t.Errorf("%s %v:\n mcp %s\n cli %s", tc.tool, tc.args, got, want)
		}
	}
}

// mcpQuestions are questions asked of stakemap mcp and of the CLI.
var mcpQuestions = []struct {
	tool string
	args map[string]any
	cli  []string
}{
	{"findings", map[string]any{"asOf": "2026-11-01", "window": 60}, []string{"analyze", "--as-of", "2026-11-01", "--window", "60", "--json"}},
	{"findings", map[string]any{"only": "visibility"}, []string{"analyze", "--only", "visibility", "--json"}},
	{"grid", map[string]any{"trajectory": "veiligheidscultuur"}, []string{"grid", "--trajectory", "veiligheidscultuur", "--json"}},
	{"grid", map[string]any{"high": 5}, []string{"grid", "--high", "5", "--json"}},
	{"influence_paths", map[string]any{"from": "ld-adviseur", "to": "controller", "k": 3}, []string{"path", "--from", "ld-adviseur", "--to", "controller", "--k", "3", "--json"}},
	{"influence_paths", map[string]any{"from": "ld-adviseur", "to": "controller", "mode": "shortest"}, []string{"path", "--from", "ld-adviseur", "--to", "controller", "--mode", "shortest", "--json"}},
	{"brokers", map[string]any{"top": 5}, []string{"brokers", "--top", "5", "--json"}},
}

// TestMCPRenderMap asks for a map and checks that the PNG is a slide-sized
// image and that its SVG comes along.
func TestMCPRenderMap(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	cs := mcpSession(t, dir)
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "render_map", Arguments: map[string]any{"kind": "grid", "trajectory": "veiligheidscultuur", "lang": "en"}})
	if err != nil || res.IsError {
		t.Fatalf("render_map: %v %v", err, res)
	}
	var img *mcp.ImageContent
	var svg *mcp.EmbeddedResource
	for _, c := range res.Content {
		switch c := c.(type) {
		case *mcp.ImageContent:
			img = c
		case *mcp.EmbeddedResource:
			svg = c
		}
	}
	if img == nil || img.MIMEType != "image/png" || svg == nil || svg.Resource.MIMEType != "image/svg+xml" {
		t.Fatalf("render_map content: %+v", res.Content)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil || cfg.Width < 1000 {
		t.Errorf("PNG: %v, %dx%d", err, cfg.Width, cfg.Height)
	}
	if !bytes.Contains([]byte(svg.Resource.Text), []byte("<svg")) {
		t.Errorf("SVG resource holds no SVG")
	}
}

// TestMCPResources reads a workspace's document as a resource.
func TestMCPResources(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	cs := mcpSession(t, dir, "--db", filepath.Join(dir, "stakemap.db"))
	res, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "stakemap://workspaces/oostvoorde/bundle"})
	if err != nil {
		t.Fatal(err)
	}
	want := mustRun(t, dir, nil, "export").stdout
	if len(res.Contents) != 1 || !sameDoc(t, []byte(res.Contents[0].Text), []byte(want)) {
		t.Errorf("bundle resource differs from the export")
	}
	if _, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "stakemap://workspaces/elsewhere/bundle"}); err == nil {
		t.Error("an unknown workspace's resource was read")
	}
}

// sameDoc compares two JSON documents by value.
func sameDoc(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %s", a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// TestMCPHistoryAsTheCLI changes the workspace through stakemap mcp after
// a snapshot, then asks history and compare of the assistant and of the
// CLI: the same events, the same compare document, and the change recorded
// as made by the command line's user.
func TestMCPHistoryAsTheCLI(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	mustRun(t, dir, nil, "snapshot", "--name", "MT november", "--id", "mt-november")
	cs := mcpSession(t, dir)
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "set_attitude", Arguments: map[string]any{"id": "controller", "attitude": "champion"}})
	if err != nil || res.IsError {
		t.Fatalf("set_attitude: %v %v", err, res)
	}
	to := time.Now().UTC().Add(time.Second).Format(time.RFC3339)

	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "compare", Arguments: map[string]any{"from": "mt-november", "to": to}})
	if err != nil || res.IsError {
		t.Fatalf("compare: %v %v", err, res)
	}
	got, _ := json.Marshal(res.StructuredContent)
	want := mustRun(t, dir, nil, "compare", "--from", "mt-november", "--to", to, "--json").stdout
	if !sameDoc(t, got, []byte(want)) {
		t.Errorf("compare:\n mcp %s\n cli %s", got, want)
	}
	if !bytes.Contains(got, []byte(`"attitude":{"from":`)) {
		t.Errorf("compare does not show the attitude change: %s", got)
	}

	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "history", Arguments: map[string]any{"id": "Ruud Smit", "limit": 5}})
	if err != nil || res.IsError {
		t.Fatalf("history: %v %v", err, res)
	}
	var mcpEvents, cliEvents struct{ Events []map[string]any }
	data, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(data, &mcpEvents)
	json.Unmarshal([]byte(mustRun(t, dir, nil, "history", "--id", "controller", "--limit", "5", "--json").stdout), &cliEvents)
	a, _ := json.Marshal(mcpEvents.Events)
	b, _ := json.Marshal(cliEvents.Events)
	if len(mcpEvents.Events) == 0 || !bytes.Equal(a, b) {
		t.Errorf("history:\n mcp %s\n cli %s", a, b)
	}
	if actor := mcpEvents.Events[0]["actor"]; actor != "cli" {
		t.Errorf("the assistant's change is recorded as made by %v, want cli", actor)
	}
}
