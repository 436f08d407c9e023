package neo4jstore

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/stakemap/stakemap/graph"
)

// allowedNames are the only labels and relationship types the backend may
// use: those of the design.
var allowedNames = []string{
	"Node", "Workspace", "Sequence", "Stakeholder", "Trajectory", "Goal", "Enabler", "Engagement", "Record",
	"STAKE", "INFLUENCES", "REPORTS_TO", "SUPPORTS", "DEPENDS_ON", "WITH", "ABOUT",
	"History", "Event", "Snapshot", "Sequence",
}

// labelPattern finds label and type expressions: a colon directly followed
// by a name, e.g. (n:Node:Stakeholder), [r:WITH|ABOUT], d:Enabler. Map
// entries in the statements are written `key: value`, with a space.
var labelPattern = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*(?:\|[A-Za-z_][A-Za-z0-9_]*)*)`)

// namesUsed returns the labels and relationship types a statement uses.
func namesUsed(text string) []string {
	var out []string
	for _, m := range labelPattern.FindAllStringSubmatch(text, -1) {
		out = append(out, strings.Split(m[1], "|")...)
	}
	return out
}

func TestStatementsAreNamedOnceAndNotEmpty(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Statements() {
		if s.Name == "" || strings.TrimSpace(s.Statement) == "" {
			t.Errorf("statement %q is empty or unnamed", s.Name)
		}
		if seen[s.Name] {
			t.Errorf("statement %q is in the table twice", s.Name)
		}
		seen[s.Name] = true
		if strings.Contains(s.Statement, ";") {
			t.Errorf("statement %q contains a semicolon: one statement per entry", s.Name)
		}
	}
}

func TestEveryFindingCodeHasAStatement(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Statements() {
		names[s.Name] = true
	}
	for _, code := range slices.Sorted(maps.Keys(graph.CodeGroups)) {
		if !names[code] {
			t.Errorf("finding %s has no statement named after it", code)
		}
	}
	if got, want := len(findingCodes), len(graph.CodeGroups); got != want {
		t.Errorf("Findings runs %d codes, the design has %d", got, want)
	}
	for _, code := range findingCodes {
		if _, ok := graph.CodeGroups[code]; !ok {
			t.Errorf("Findings runs %q, which is no finding code", code)
		}
		// Finding statements may only take the finding parameters.
		for _, p := range statementParams(cypher(code)) {
			if !slices.Contains([]string{"workspace", "asOf", "high", "window"}, p) {
				t.Errorf("finding %s takes $%s, which Findings does not supply", code, p)
			}
		}
	}
}

func TestStatementsUseOnlyAllowedLabelsAndTypes(t *testing.T) {
	// The check itself must catch a stray label.
	if got := namesUsed("MATCH (n:Node:Person)-[:KNOWS|STAKE]->(m {workspace: $workspace})"); !slices.Equal(got, []string{"Node", "Person", "KNOWS", "STAKE"}) {
		t.Fatalf("namesUsed = %v", got)
	}
	used := map[string]bool{}
	for _, s := range Statements() {
		for _, n := range namesUsed(s.Statement) {
			used[n] = true
			if !slices.Contains(allowedNames, n) {
				t.Errorf("statement %s uses label or type %q, which is not in the data model", s.Name, n)
			}
		}
	}
	for _, n := range allowedNames {
		if !used[n] {
			t.Errorf("no statement uses %q", n)
		}
	}
	for _, l := range labels {
		if !slices.Contains(allowedNames, l) {
			t.Errorf("label %q of a node kind is not allowed", l)
		}
	}
}

func TestStatementsScopeToWorkspace(t *testing.T) {
	// Every statement except the schema, the database-wide sequences, the
	// list of all workspaces and the records (the service's own state,
	// found by kind and id; those of a workspace carry it as a property)
	// must be bound to one workspace.
	for _, s := range Statements() {
		if strings.HasPrefix(s.Name, "schema-") || strings.HasPrefix(s.Name, "sequence-") || s.Name == stWorkspaceList {
			continue
		}
		if strings.HasPrefix(s.Name, "record-") {
			if !strings.Contains(s.Statement, "$kind") {
				t.Errorf("record statement %s does not take $kind", s.Name)
			}
			continue
		}
		if !slices.Contains(statementParams(s.Statement), "workspace") && !strings.Contains(s.Statement, "UNWIND $rows") {
			t.Errorf("statement %s does not take $workspace", s.Name)
		}
	}
}

// constValues reads the string constants of the package's source.
func constValues(t *testing.T, files []*ast.File) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, _ := strconv.Unquote(lit.Value)
							out[name.Name] = v
						}
					}
				}
			}
		}
	}
	return out
}

// TestCallSitesPassTheStatementsParameters reads the package's source and
// checks that every call run(ctx, tx, stX, params{...}) names exactly the
// $parameters of statement stX. Calls with computed names are checked at
// run time by checkParams (TestCheckParams).
func TestCallSitesPassTheStatementsParameters(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := constValues(t, files)
	checked := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 4 {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "run" {
				return true
			}
			nameID, ok := call.Args[2].(*ast.Ident)
			if !ok {
				return true // computed name: checked at run time
			}
			name, ok := consts[nameID.Name]
			if !ok {
				return true // a variable holding a name
			}
			pos := fset.Position(call.Pos())
			lit, ok := call.Args[3].(*ast.CompositeLit)
			if !ok {
				t.Errorf("%s: run %s with parameters built elsewhere; write them as a params{...} literal", pos, name)
				return true
			}
			var keys []string
			for _, e := range lit.Elts {
				kv := e.(*ast.KeyValueExpr)
				k, _ := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if want := statementParams(cypher(name)); !slices.Equal(keys, want) {
				t.Errorf("%s: statement %s takes %v, the call passes %v", pos, name, want, keys)
			}
			checked++
			return true
		})
	}
	if checked < 20 {
		t.Errorf("checked only %d call sites; the source scan is broken", checked)
	}
}

func TestCheckParams(t *testing.T) {
	tests := []struct {
		name string
		p    params
		ok   bool
	}{
		{stStakeRemove, params{"workspace": "w", "source": "a", "target": "b", "role": "owner"}, true},
		{stStakeRemove, params{"workspace": "w", "source": "a", "target": "b"}, false},
		{stInfluenceRemove, params{"workspace": "w", "source": "a", "target": "b", "role": "owner"}, false},
		{stWorkspaceList, params{}, true},
	}
	for _, tc := range tests {
		if err := checkParams(tc.name, tc.p); (err == nil) != tc.ok {
			t.Errorf("checkParams(%s, %v) = %v, want ok=%v", tc.name, tc.p, err, tc.ok)
		}
	}
}

// rowFields returns the row.x fields an UNWIND statement reads.
func rowFields(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`row\.([A-Za-z_]+)`).FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestRowsCarryTheFieldsTheStatementsRead(t *testing.T) {
	one := 3
	samples := []graph.Relation{
		graph.Stake{Stakeholder: "a", Trajectory: "t", Role: "owner", Interest: &one},
		graph.Influence{From: "a", To: "b", Strength: 0.5},
		graph.ReportsTo{From: "a", To: "b"},
		graph.Supports{Trajectory: "t", Goal: "g"},
		graph.DependsOn{Trajectory: "t", On: "u", Note: "n"},
	}
	for _, r := range samples {
		row := encodeRel(r)
		name := relStatements[r.RelKind()].add
		if got, want := slices.Sorted(maps.Keys(row)), rowFields(cypher(name)); !slices.Equal(got, want) {
			t.Errorf("%s: rows have %v, the statement reads %v", name, got, want)
		}
	}
	for _, name := range []string{stEngagementLinkWith, stEngagementLinkAbout} {
		if got := rowFields(cypher(name)); !slices.Equal(got, []string{"engagement", "target"}) {
			t.Errorf("%s reads %v, linkEngagements writes engagement and target", name, got)
		}
	}
	if len(relStatements) != len(graph.RelKinds) || len(createStatements) != len(graph.Kinds) {
		t.Errorf("every node and relationship kind needs its statements")
	}
}

func TestNodesRoundTripThroughProperties(t *testing.T) {
	nodes := []graph.Node{
		graph.Stakeholder{ID: "cfo", Name: "Chief", Kind: "person", Title: "CFO", Unit: "Financiën", Level: "executive",
			Influence: 5, Interest: 2, Attitude: "neutral", Notes: "n", Tags: []string{"b", "a"}, ContactEvery: 30},
		graph.Stakeholder{ID: "hr", Name: "HR", Kind: "unit", Level: "management", Influence: 1, Interest: 1, Attitude: "unknown"},
		graph.Trajectory{ID: "ai", Name: "AI", Purpose: "p", Status: "running", Start: "2026-01-01", End: "2026-12-31",
			ReviewBy: "2026-06-01", Measure: "m"},
		graph.Goal{ID: "g", Name: "Goal", Horizon: "2030"},
		graph.Enabler{ID: "lms", Name: "LMS", Kind: "system", Status: "planned", Owner: "cfo"},
		graph.Engagement{ID: "e1", Date: "2026-09-12", Channel: "meeting", With: []string{"cfo"}, About: []string{}, ResultsShared: true},
	}
	for _, n := range nodes {
		p := encodeNode("ws", n, 7)
		if p["workspace"] != "ws" || p["version"] != int64(7) {
			t.Errorf("%s: workspace or version missing: %v", n.NodeID(), p)
		}
		// The driver hands lists back as []any.
		if tags, ok := p["tags"].([]string); ok {
			anyTags := make([]any, len(tags))
			for i, s := range tags {
				anyTags[i] = s
			}
			p["tags"] = anyTags
		}
		var with, about []string
		if e, ok := n.(graph.Engagement); ok {
			with, about = e.With, e.About
		}
		got, v, err := decodeNode(n.NodeKind(), p, with, about)
		if err != nil {
			t.Fatalf("%s: %v", n.NodeID(), err)
		}
		if v != 7 {
			t.Errorf("%s: version %d", n.NodeID(), v)
		}
		if !equalJSON(t, got, n) {
			t.Errorf("%s: round trip gave %+v, want %+v", n.NodeID(), got, n)
		}
	}
	if _, _, err := decodeNode(graph.KindGoal, map[string]any{"id": "g", "name": 3}, nil, nil); err == nil {
		t.Error("a property of the wrong type must be an error")
	}
}

// unboundedPatterns finds variable-length relationships without an upper
// bound ([:T*], [*2..], [:T*1..]) and quantified path patterns without
// one (+, *, {n,}), whose cost grows with the number of paths in the data.
var unboundedPatterns = regexp.MustCompile(`\[[^\]]*\*\s*(\d+\s*)?(\.\.\s*)?\]|\)\s*[+*]|\{\s*\d*\s*,\s*\}|(?i)shortestPath|allShortestPaths`)

func TestStatementsHaveNoUnboundedPaths(t *testing.T) {
	for _, tc := range []struct {
		text      string
		unbounded bool
	}{
		{"MATCH (a)-[:DEPENDS_ON*]->(b)", true},
		{"MATCH (a)-[r:DEPENDS_ON*2..]->(b)", true},
		{"MATCH (a)-[* ]->(b)", true},
		{"MATCH p = (a)(()-[:X]->())+(b)", true},
		{"MATCH p = (a)(()-[:X]->()){1,}(b)", true},
		{"MATCH p = shortestPath((a)-[:X*..5]->(b))", true},
		{"MATCH (a)-[:DEPENDS_ON*1..3]->(b)", false},
		{"MATCH (a)-[:X]->(b) RETURN count(*) AS n, a.x * 2 AS y", false},
	} {
		if got := unboundedPatterns.MatchString(tc.text); got != tc.unbounded {
			t.Fatalf("the check says unbounded=%v for %q", got, tc.text)
		}
	}
	for _, s := range Statements() {
		if m := unboundedPatterns.FindString(s.Statement); m != "" {
			t.Errorf("statement %s has an unbounded path pattern %q: fetch the edges and search in Go", s.Name, m)
		}
	}
}

// TestParametersBoundedBeforeAnyStatement shows that the Neo4j backend
// refuses out-of-range parameters as the embedded one does, before it
// sends anything: a window of millions of days would otherwise leave
// Neo4j's date range in date($asOf) - duration({days: $window}) and fail
// as a server error where the embedded backend answered. (The store has
// no driver here: reaching the server would panic.)
func TestParametersBoundedBeforeAnyStatement(t *testing.T) {
	s := &Store{}
	ctx := t.Context()
	for _, err := range []error{
		func() error { _, err := s.Findings(ctx, "w", graph.FindingParams{Window: 1_000_000_000}); return err }(),
		func() error {
			_, err := s.Findings(ctx, "w", graph.FindingParams{Window: graph.MaxWindow + 1})
			return err
		}(),
		func() error { _, err := s.Grid(ctx, "w", "", 6); return err }(),
		func() error {
			_, err := s.Paths(ctx, "w", graph.PathQuery{From: "a", To: "b", MaxHops: 21})
			return err
		}(),
		func() error {
			_, err := s.Paths(ctx, "w", graph.PathQuery{From: "a", To: "b", K: graph.MaxK + 1})
			return err
		}(),
		func() error { _, err := s.Brokers(ctx, "w", graph.MaxTop+1); return err }(),
	} {
		if !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	}
}

func TestMapError(t *testing.T) {
	tests := []struct {
		name string
		in   error
		want error
	}{
		{"ErrConflict", &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "exists"}, graph.ErrConflict},
		// A write that raced DeleteWorkspace: not found, as the embedded
		// backend answers, rather than a server error.
		{"ErrNotFound", fmt.Errorf("node-update: %w", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.EntityNotFound", Msg: "Node with id 7 has been deleted in this transaction"}), graph.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mapError(tc.in); !errors.Is(got, tc.want) {
				t.Errorf("mapError(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	other := &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}
	if got := mapError(other); errors.Is(got, graph.ErrNotFound) || errors.Is(got, graph.ErrConflict) {
		t.Errorf("mapError(%v) = %v: other errors stay as they are", other, got)
	}
}
