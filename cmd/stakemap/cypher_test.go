package main_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// TestCypher runs `stakemap cypher` as a user does, without any server
// (NEO4J_URI is cleared by run) and with a Neo4j address that nothing
// listens on: printing the statements must not connect.
func TestCypher(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"cypher", "--json"},
		{"--neo4j-uri", "bolt://127.0.0.1:1", "cypher", "--json"},
	} {
		res := mustRun(t, dir, nil, args...)
		var statements []struct {
			Name      string `json:"name"`
			Statement string `json:"statement"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &statements); err != nil {
			t.Fatalf("%v: output is not a JSON array of statements: %v\n%s", args, err, res.stdout)
		}
		names := map[string]string{}
		for _, s := range statements {
			names[s.Name] = s.Statement
		}
		for code := range graph.CodeGroups {
			if !strings.Contains(names[code], "$workspace") {
				t.Errorf("%v: no statement for finding %s taking $workspace", args, code)
			}
		}
	}

	res := mustRun(t, dir, nil, "cypher")
	for _, want := range []string{"// missing-sponsor\nMATCH (t:Trajectory {workspace: $workspace})", "// schema-node-id\nCREATE CONSTRAINT"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("listing lacks %q", want)
		}
	}
}
