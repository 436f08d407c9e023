package neo4jstore_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/internal/neo4jstore"
)

// lintDir is the CI Cypher lint: Neo4j's own Cypher front end, installed
// with `npm ci` there.
var lintDir = filepath.Join("..", "..", ".ci", "cypherlint")

// lint runs the Cypher lint on statements, or skips when node or the
// lint's packages are missing (fails under CI, where they must be there).
func lint(t *testing.T, statements []neo4jstore.Statement) (string, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(lintDir, "node_modules", "@neo4j-cypher", "language-support"))
	}
	if err != nil {
		msg := "the Cypher lint needs node and `npm ci` in .ci/cypherlint: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	in, err := json.Marshal(statements)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, filepath.Join(lintDir, "lint.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestStatementsPassCypherLint(t *testing.T) {
	out, err := lint(t, neo4jstore.Statements())
	if err != nil {
		t.Fatalf("Cypher lint failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, " passed, 0 failed") {
		t.Errorf("lint output %q", out)
	}
}

func TestCypherLintCatchesErrors(t *testing.T) {
	bad := []neo4jstore.Statement{
		{Name: "fine", Statement: "MATCH (n:Node {workspace: $workspace}) RETURN n.id AS id"},
		{Name: "typo", Statement: "MATCH (n:Node {workspace: $workspace}) RETRUN n.id AS id"},
		{Name: "unbound", Statement: "MATCH (n:Node) RETURN m.id AS id"},
	}
	out, err := lint(t, bad)
	if err == nil {
		t.Fatalf("lint passed broken statements:\n%s", out)
	}
	for _, want := range []string{"FAIL typo", "FAIL unbound", "1 passed, 2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
}
