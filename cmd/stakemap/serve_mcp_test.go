package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/stakemap/stakemap/internal/assistant"
)

const testAdminToken = "admin-token-for-the-mcp-tests-0123456789"

// startServe runs stakemap serve --demo on a free loopback port with an
// admin token from the environment and returns its base URL.
func startServe(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--render-workers", "1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAKEMAP_DB=", "NEO4J_URI=", "STAKEMAP_ADMIN_TOKEN="+testAdminToken)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`listening.*addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("stakemap serve did not start listening")
	}
	return ""
}

// apiToken makes a token of role for the demo workspace through the API.
func apiToken(t *testing.T, base, role string) string {
	t.Helper()
	body := `{"workspace": "oostvoorde", "role": "` + role + `", "name": "assistant-` + role + `"}`
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST /api/v1/tokens: %d %v", resp.StatusCode, err)
	}
	return out.Token
}

// apiGet reads an API answer with a token.
func apiGet(t *testing.T, base, token, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, buf.String())
	}
	return buf.Bytes()
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	var names []string
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

// TestServeMCP drives /mcp of a running server with the SDK's client over
// streamable HTTP: a viewer's token is offered and allowed the read tools
// only, an editor's writes, no token is refused, and stakemap mcp --url
// bridges stdio to the same endpoint.
func TestServeMCP(t *testing.T) {
	base := startServe(t)
	viewer, editor := apiToken(t, base, "viewer"), apiToken(t, base, "editor")
	connectHTTP := func(token string) (*mcp.ClientSession, error) {
		return mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(),
			&mcp.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: assistant.BearerClient(token)}, nil)
	}

	if cs, err := connectHTTP("smk_wrong.token"); err == nil {
		cs.Close()
		t.Error("/mcp accepted a wrong token")
	}

	vs, err := connectHTTP(viewer)
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	readTools := []string{"brokers", "compare", "find_stakeholders", "findings", "get_stakeholder", "grid", "history", "influence_paths", "list_workspaces", "render_map"}
	if got := toolNames(t, vs); !slices.Equal(got, readTools) {
		t.Errorf("a viewer is offered %v, want %v", got, readTools)
	}
	res, err := vs.CallTool(t.Context(), &mcp.CallToolParams{Name: "set_attitude", Arguments: map[string]any{"id": "controller", "attitude": "blocker"}})
	if err == nil && !res.IsError {
		t.Error("a viewer called set_attitude")
	}

	// The findings over /mcp are the API's findings.
	res, err = vs.CallTool(t.Context(), &mcp.CallToolParams{Name: "findings", Arguments: map[string]any{"only": "strategy"}})
	if err != nil || res.IsError {
		t.Fatalf("findings: %v %v", err, res)
	}
	got, _ := json.Marshal(res.StructuredContent)
	if want := apiGet(t, base, viewer, "/api/v1/workspaces/oostvoorde/findings?only=strategy"); !sameDoc(t, got, want) {
		t.Errorf("findings over /mcp:\n %s\nover the API:\n %s", got, want)
	}

	es, err := connectHTTP(editor)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	if names := toolNames(t, es); !slices.Contains(names, "set_attitude") || !slices.Contains(names, "log_contact") {
		t.Errorf("an editor is offered %v", names)
	}
	res, err = es.CallTool(t.Context(), &mcp.CallToolParams{Name: "set_attitude", Arguments: map[string]any{"id": "controller", "attitude": "champion"}})
	if err != nil || res.IsError {
		t.Fatalf("set_attitude as editor: %v %v", err, res)
	}
	if !bytes.Contains(apiGet(t, base, viewer, "/api/v1/workspaces/oostvoorde/stakeholders/controller"), []byte(`"attitude":"champion"`)) {
		t.Error("the editor's set_attitude does not show in the API")
	}

	t.Run("Bridge", func(t *testing.T) {
		cmd := exec.Command(bin, "mcp", "--url", base)
		cmd.Env = append(os.Environ(), "STAKEMAP_TOKEN="+viewer)
		bs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer bs.Close()
		if got := toolNames(t, bs); !slices.Equal(got, readTools) {
			t.Errorf("the bridge offers a viewer %v", got)
		}
		res, err := bs.CallTool(t.Context(), &mcp.CallToolParams{Name: "grid", Arguments: map[string]any{"trajectory": "veiligheidscultuur"}})
		if err != nil || res.IsError {
			t.Fatalf("grid through the bridge: %v %v", err, res)
		}
		got, _ := json.Marshal(res.StructuredContent)
		if want := apiGet(t, base, viewer, "/api/v1/workspaces/oostvoorde/grid?trajectory=veiligheidscultuur"); !sameDoc(t, got, want) {
			t.Errorf("grid through the bridge:\n %s\nover the API:\n %s", got, want)
		}
	})
}
