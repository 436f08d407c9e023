package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// inspector returns the MCP Inspector's command (an MCP client we did not
// write, installed by npm ci in .ci/mcp), skipping without it except in
// CI, where it must be there.
func inspector(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	bin := filepath.Join(dir, ".ci", "mcp", "node_modules", ".bin", "mcp-inspector")
	_, err := os.Stat(bin)
	if _, nerr := exec.LookPath("node"); err != nil || nerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the MCP Inspector is missing (%v, %v): CI must run npm ci in .ci/mcp", err, nerr)
		}
		t.Skip("no MCP Inspector: run npm ci in .ci/mcp to test stakemap mcp with it")
	}
	return bin
}

// inspect runs one Inspector CLI request against stakemap mcp on db and
// decodes its JSON answer.
func inspect(t *testing.T, insp, db string, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(insp, append([]string{"--cli", bin, "mcp", "--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("inspector %v: %v\n%s", args, err, out)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("inspector %v: not JSON: %s", args, out)
	}
	return v
}

// TestMCPWithInspector drives stakemap mcp with the MCP Inspector's
// command-line mode: it lists the tools and calls every one of them, and
// the analyses answer what the CLI's --json answers.
func TestMCPWithInspector(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node for every call")
	}
	insp := inspector(t)
	dir := t.TempDir()
	mustRun(t, dir, nil, "demo")
	db := filepath.Join(dir, "stakemap.db")

	var names []string
	for _, tool := range inspect(t, insp, db, "--method", "tools/list")["tools"].([]any) {
		names = append(names, tool.(map[string]any)["name"].(string))
	}
	slices.Sort(names)
	want := []string{"brokers", "compare", "find_stakeholders", "findings", "get_stakeholder", "grid", "history", "influence_paths", "list_workspaces", "log_contact", "render_map", "set_attitude", "set_role"}
	if !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}

	callTool := func(name string, args map[string]any) map[string]any {
		t.Helper()
		argv := []string{"--method", "tools/call", "--tool-name", name}
		for k, v := range args {
			raw, _ := json.Marshal(v)
			s := string(raw)
			if str, ok := v.(string); ok {
				s = str
			}
			argv = append(argv, "--tool-arg", fmt.Sprintf("%s=%s", k, s))
		}
		res := inspect(t, insp, db, argv...)
		if res["isError"] == true {
			t.Fatalf("%s %v: %v", name, args, res["content"])
		}
		return res
	}
	for _, q := range mcpQuestions {
		got, _ := json.Marshal(callTool(q.tool, q.args)["structuredContent"])
		if want := mustRun(t, dir, nil, q.cli...).stdout; !sameDoc(t, got, []byte(want)) {
			t.Errorf("%s %v:\n inspector %s\n cli %s", q.tool, q.args, got, want)
		}
	}
	callTool("list_workspaces", nil)
	callTool("find_stakeholders", map[string]any{"attitude": "critic"})
	callTool("get_stakeholder", map[string]any{"id": "controller"})
	callTool("set_attitude", map[string]any{"id": "controller", "attitude": "supporter"})
	callTool("set_role", map[string]any{"stakeholder": "controller", "trajectory": "veiligheidscultuur", "role": "informed"})
	callTool("log_contact", map[string]any{"with": []string{"controller"}, "date": "30-11-2026", "summary": "koffie"})
	img := callTool("render_map", map[string]any{"kind": "grid"})
	if c := img["content"].([]any); len(c) < 2 || c[0].(map[string]any)["type"] != "image" {
		t.Errorf("render_map content: %v", c)
	}

	var after struct {
		Stakeholders []struct{ ID, Attitude string }
		Engagements  []struct {
			Date, Summary string
			With          []string
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, dir, nil, "export").stdout), &after); err != nil {
		t.Fatal(err)
	}
	for _, s := range after.Stakeholders {
		if s.ID == "controller" && s.Attitude != "supporter" {
			t.Errorf("set_attitude: the controller is %q", s.Attitude)
		}
	}
	if !slices.ContainsFunc(after.Engagements, func(e struct {
		Date, Summary string
		With          []string
	}) bool {
		return e.Date == "2026-11-30" && e.Summary == "koffie" && slices.Equal(e.With, []string{"controller"})
	}) {
		t.Error("log_contact: the contact of 30-11-2026 is not in the export")
	}
}
