package neo4jstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/graph/storetest"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/neo4jstore"
)

// testConfig returns the server of the integration tests from
// STAKEMAP_TEST_NEO4J_URI, _USER and _PASSWORD, or skips the test: they
// need a real Neo4j 5 server, and none is faked.
func testConfig(t *testing.T) neo4jstore.Config {
	t.Helper()
	uri := os.Getenv("STAKEMAP_TEST_NEO4J_URI")
	if uri == "" {
		t.Skip("no Neo4j server: set STAKEMAP_TEST_NEO4J_URI (and _USER, _PASSWORD) to run the Neo4j integration tests, e.g. against `docker compose up neo4j`")
	}
	return neo4jstore.Config{
		URI:      uri,
		Username: os.Getenv("STAKEMAP_TEST_NEO4J_USER"),
		Password: os.Getenv("STAKEMAP_TEST_NEO4J_PASSWORD"),
		Database: os.Getenv("STAKEMAP_TEST_NEO4J_DATABASE"),
	}
}

// mustOpen opens the test server once per test and closes it at the end.
func mustOpen(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s, err := neo4jstore.Open(t.Context(), testConfig(t))
	if err != nil {
		t.Fatalf("open the test server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	s := mustOpen(t)
	// The suite works in workspaces of its own, unique per run, so one
	// store serves every subtest.
	storetest.Run(t, func(*testing.T) graph.Store { return s })
}

// TestAnalysesAgree imports generated workspaces into Neo4j and checks
// that every analysis answers exactly as the Go analyses of the embedded
// backend do on the same bundle (messages included).
func TestAnalysesAgree(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	for seed := range int64(4) {
		b := storetest.Generate(seed, 40+int(seed)*20, 8, 150)
		storetest.AddRhythms(b, seed)
		b.Workspace.ID = fmt.Sprintf("agree-%d-%d", os.Getpid(), seed)
		if err := s.ImportBundle(ctx, b, graph.Precondition{}); err != nil {
			t.Fatalf("import: %v", err)
		}
		t.Cleanup(func() { _ = s.DeleteWorkspace(context.Background(), b.Workspace.ID, graph.Precondition{}) })
		ws := b.Workspace.ID
		same := func(what string, got, want any, gotErr, wantErr error) {
			t.Helper()
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("%s: neo4j error %v, analysis error %v", what, gotErr, wantErr)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("%s differs:\nneo4j:    %s\nanalysis: %s", what, g, w)
			}
		}
		for _, p := range []graph.FindingParams{
			{AsOf: "2026-11-23"},
			{AsOf: "2026-03-01", High: 3, Window: 30, Lang: graph.LangEN},
			{AsOf: "2027-01-01", High: 5, Window: 365, Only: graph.GroupVisibility},
		} {
			got, gerr := s.Findings(ctx, ws, p)
			want, werr := analysis.Findings(t.Context(), b, p)
			same(fmt.Sprintf("seed %d findings %+v", seed, p), got, want, gerr, werr)
		}
		for _, tr := range []string{"", b.Trajectories[0].ID} {
			for _, high := range []int{0, 3} {
				got, gerr := s.Grid(ctx, ws, tr, high)
				want, werr := analysis.Grid(b, tr, high)
				same(fmt.Sprintf("seed %d grid %q high %d", seed, tr, high), got, want, gerr, werr)
			}
		}
		for i := range 5 {
			q := graph.PathQuery{From: b.Stakeholders[i].ID, To: b.Stakeholders[len(b.Stakeholders)-1-i].ID,
				Mode: []string{graph.ModeStrongest, graph.ModeShortest}[i%2], K: 1 + i, HierarchyStrength: 0.3 + 0.1*float64(i)}
			got, gerr := s.Paths(ctx, ws, q)
			want, werr := analysis.Paths(t.Context(), b, q)
			same(fmt.Sprintf("seed %d paths %+v", seed, q), got, want, gerr, werr)
		}
		got, gerr := s.Brokers(ctx, ws, 10)
		want, werr := analysis.Brokers(t.Context(), b, 10)
		same(fmt.Sprintf("seed %d brokers", seed), got, want, gerr, werr)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.Findings(ctx, "no-such-workspace", graph.FindingParams{}); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Findings of a missing workspace: %v", err)
		}
		if _, err := s.Grid(ctx, "no-such-workspace", "", 0); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Grid of a missing workspace: %v", err)
		}
	})
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"NEO4J_URI":      " bolt://db.example:7687 ",
		"NEO4J_USERNAME": "stakemap",
		"NEO4J_PASSWORD": " secret with spaces ",
		"NEO4J_DATABASE": "maps",
	}
	got := neo4jstore.ConfigFromEnv(func(k string) string { return env[k] })
	want := neo4jstore.Config{URI: "bolt://db.example:7687", Username: "stakemap", Password: " secret with spaces ", Database: "maps"}
	if got != want {
		t.Errorf("ConfigFromEnv = %+v, want %+v", got, want)
	}
	if got := neo4jstore.ConfigFromEnv(func(string) string { return "" }); got != (neo4jstore.Config{}) {
		t.Errorf("empty environment gave %+v", got)
	}
}

func TestOpenRefusesBadAddresses(t *testing.T) {
	for _, uri := range []string{"", "localhost:7687", "http://localhost:7474", "bolt://"} {
		t.Run(uri, func(t *testing.T) {
			_, err := neo4jstore.Open(t.Context(), neo4jstore.Config{URI: uri})
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Open(%q) = %v, want ErrInvalid", uri, err)
			}
			if !strings.Contains(err.Error(), "neo4j-uri") {
				t.Errorf("error %q does not name the setting", err)
			}
		})
	}
}

// TestOpenFailsOnClosedPort opens a port, closes it again, and expects
// Open to give up with a message that names the address and the cause.
func TestOpenFailsOnClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	uri := "bolt://" + addr
	_, err = neo4jstore.Open(t.Context(), neo4jstore.Config{URI: uri, Username: "neo4j", Password: "x"})
	if err == nil {
		t.Fatalf("Open(%s) succeeded with nothing listening", uri)
	}
	msg := err.Error()
	for _, want := range []string{uri, "cannot reach", "refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
}

func TestOpenHonoursCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: "bolt://127.0.0.1:1"}); err == nil {
		t.Fatal("Open with a canceled context succeeded")
	}
}
