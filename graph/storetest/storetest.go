// Package storetest is the conformance suite of graph.Store: every backend
// runs Run against itself, so that all backends keep one contract. It also
// offers Generate, realistic test data for tests and benchmarks.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/stakemap/stakemap/graph"
)

// Run checks that the stores newStore returns keep the graph.Store
// contract. newStore is called once per subtest; it may return a fresh
// store or a handle on a shared one (a server): every subtest works in
// workspaces of its own, named uniquely per run, and deletes them when it
// ends. The suite never calls Close: newStore's caller closes what it
// opens, typically with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	t.Helper()
	token := runToken()
	tests := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"Workspaces", testWorkspaces},
		{"Nodes", testNodes},
		{"NodeValidation", testNodeValidation},
		{"References", testReferences},
		{"DuplicateIDs", testDuplicateIDs},
		{"Versions", testVersions},
		{"VersionsNeverReused", testVersionsNeverReused},
		{"CreateNamed", testCreateNamed},
		{"Relations", testRelations},
		{"RelationValidation", testRelationValidation},
		{"DeleteCascade", testDeleteCascade},
		{"Revision", testRevision},
		{"Isolation", testIsolation},
		{"BundleRoundTrip", testBundleRoundTrip},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ImportReplaces", testImportReplaces},
		{"Concurrency", testConcurrency},
		{"CanceledContext", testCanceledContext},
		{"Preconditions", testPreconditions},
		{"HistoryEvents", testHistoryEvents},
		{"HistoryRebuild", testHistoryRebuild},
		{"Snapshots", testSnapshots},
		{"HistoryLifecycle", testHistoryLifecycle},
		{"Erasure", testErasure},
		{"Records", testRecords},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t, s: newStore(t), token: token}
			tc.fn(t, h)
		})
	}
}

// sub is the harness of a subtest: its helpers fail and clean up in t, and
// its workspace ids differ from the parent's.
func (h *harness) sub(t *testing.T) *harness {
	return &harness{t: t, s: h.s, token: h.token}
}

func runToken() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// harness is one subtest's view of the store under test.
type harness struct {
	t     *testing.T
	s     graph.Store
	token string
}

// wsID returns a workspace id unique to this run, subtest and suffix, and
// short enough for the id rules.
func (h *harness) wsID(suffix string) string {
	f := fnv.New32a()
	f.Write([]byte(h.t.Name()))
	return fmt.Sprintf("st-%s-%08x-%s", h.token, f.Sum32(), suffix)
}

// newWorkspace creates an empty workspace that is deleted when the test
// ends.
func (h *harness) newWorkspace(suffix string) string {
	h.t.Helper()
	id := h.wsID(suffix)
	if err := h.s.CreateWorkspace(h.t.Context(), graph.Workspace{ID: id, Name: "Test " + suffix, Language: graph.LangEN}); err != nil {
		h.t.Fatalf("CreateWorkspace(%s): %v", id, err)
	}
	h.cleanup(id)
	return id
}

func (h *harness) cleanup(ws string) {
	h.t.Cleanup(func() { _ = h.s.DeleteWorkspace(context.Background(), ws, graph.Precondition{}) })
}

func (h *harness) create(ws string, nodes ...graph.Node) {
	h.t.Helper()
	for _, n := range nodes {
		if _, err := h.s.CreateNode(h.t.Context(), ws, n); err != nil {
			h.t.Fatalf("CreateNode(%s, %s %q): %v", ws, n.NodeKind(), n.NodeID(), err)
		}
	}
}

func (h *harness) relate(ws string, rels ...graph.Relation) {
	h.t.Helper()
	for _, r := range rels {
		if err := h.s.AddRelation(h.t.Context(), ws, r); err != nil {
			h.t.Fatalf("AddRelation(%s, %+v): %v", ws, r, err)
		}
	}
}

func (h *harness) export(ws string) *graph.Bundle {
	h.t.Helper()
	b, err := h.s.ExportBundle(h.t.Context(), ws)
	if err != nil {
		h.t.Fatalf("ExportBundle(%s): %v", ws, err)
	}
	return b
}

func (h *harness) revision(ws string) string {
	h.t.Helper()
	r, err := h.s.Revision(h.t.Context(), ws)
	if err != nil {
		h.t.Fatalf("Revision(%s): %v", ws, err)
	}
	return r
}

func (h *harness) importBundle(b *graph.Bundle) {
	h.t.Helper()
	if err := h.s.ImportBundle(h.t.Context(), b, graph.Precondition{}); err != nil {
		h.t.Fatalf("ImportBundle(%s): %v", b.Workspace.ID, err)
	}
}

// jsonOf is how the suite compares values: what a user sees in the
// stakemap/v1 document, so that nil and empty lists count as the same
// where JSON omits them.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return string(b)
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := jsonOf(t, got), jsonOf(t, want)
	if g != w {
		t.Errorf("%s differs:\n%s", what, diffLines(g, w))
	}
}

// diffLines shows the first lines where two texts differ.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(g), len(w)) && shown < 8; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  got:  %s\n  want: %s\n", i+1, gl, wl)
			shown++
		}
	}
	if shown == 0 {
		return "(texts differ in length only)"
	}
	return b.String()
}

// wantErr checks that err matches every target under errors.Is.
func wantErr(t *testing.T, what string, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want %v", what, targets)
		return
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("%s: got %v, want an error matching %v", what, err, target)
		}
	}
}

// wantProblems checks that err is ErrInvalid with a *graph.ValidationError
// that names every (field, value) pair given.
func wantProblems(t *testing.T, what string, err error, fieldValues ...[2]string) {
	t.Helper()
	if !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("%s: got %v, want ErrInvalid", what, err)
		return
	}
	ve, ok := errors.AsType[*graph.ValidationError](err)
	if !ok {
		t.Errorf("%s: error %v carries no *graph.ValidationError", what, err)
		return
	}
	for _, fv := range fieldValues {
		if !slices.ContainsFunc(ve.Problems, func(p graph.Problem) bool { return p.Field == fv[0] && p.Value == fv[1] }) {
			t.Errorf("%s: no problem with field %q and value %q in %v", what, fv[0], fv[1], ve.Problems)
		}
	}
}

func intp(i int) *int { return &i }

// Sample nodes used across subtests: one of every kind, with every field
// set somewhere.
var (
	cfo        = graph.Stakeholder{ID: "cfo", Name: "Carla Visser", Kind: "person", Title: "CFO", Unit: "Financiën", Level: "executive", Influence: 5, Interest: 2, Attitude: "neutral", Notes: "Wants numbers", Tags: []string{"budget", "key"}}
	hrDir      = graph.Stakeholder{ID: "hr-dir", Name: "Henk de Boer", Kind: "person", Title: "HR director", Unit: "HR", Level: "executive", Influence: 4, Interest: 5, Attitude: "champion", ContactEvery: 30}
	teamLead   = graph.Stakeholder{ID: "teamlead-a", Name: "Anouk Smit", Kind: "person", Unit: "Zorg", Level: "management", Influence: 3, Interest: 4, Attitude: "supporter"}
	council    = graph.Stakeholder{ID: "or", Name: "Ondernemingsraad", Kind: "group", Level: "employee", Influence: 3, Interest: 3, Attitude: "critic"}
	aiBasis    = graph.Trajectory{ID: "ai-basis", Name: "AI-basisvaardigheden", Purpose: "Everyone uses AI safely", Status: "running", Start: "2026-01-15", End: "2026-12-31", ReviewBy: "2026-06-01", Measure: "Observed use after 3 months"}
	leadership = graph.Trajectory{ID: "leiderschap", Name: "Leiderschap", Status: "planned"}
	digital    = graph.Goal{ID: "digitaal", Name: "Digitale overheid", Horizon: "2028"}
	lms        = graph.Enabler{ID: "lms", Name: "Nieuw LMS", Kind: "system", Status: "planned", Owner: "hr-dir"}
	kickoff    = graph.Engagement{ID: "e1", Date: "2026-09-12", Channel: "meeting", With: []string{"cfo", "hr-dir"}, About: []string{"ai-basis"}, Summary: "Kick-off", ResultsShared: true}
)

// sampleNodes returns one node of every kind plus what they refer to, in
// an order that creates references after their targets.
func sampleNodes() []graph.Node {
	return []graph.Node{cfo, hrDir, teamLead, council, aiBasis, leadership, digital, lms, kickoff}
}

func sampleRelations() []graph.Relation {
	return []graph.Relation{
		graph.Stake{Stakeholder: "cfo", Trajectory: "ai-basis", Role: "sponsor", Influence: intp(4)},
		graph.Stake{Stakeholder: "hr-dir", Trajectory: "ai-basis", Role: "owner", Interest: intp(5), Influence: intp(3)},
		graph.Stake{Stakeholder: "hr-dir", Trajectory: "ai-basis", Role: "expert"},
		graph.Stake{Stakeholder: "teamlead-a", Trajectory: "leiderschap", Role: "learner"},
		graph.Influence{From: "hr-dir", To: "cfo", Strength: 0.8},
		graph.Influence{From: "cfo", To: "hr-dir", Strength: 0.5},
		graph.Influence{From: "or", To: "hr-dir", Strength: 1},
		graph.ReportsTo{From: "teamlead-a", To: "hr-dir"},
		graph.ReportsTo{From: "hr-dir", To: "cfo"},
		graph.Supports{Trajectory: "ai-basis", Goal: "digitaal"},
		graph.Supports{Trajectory: "leiderschap", Goal: "digitaal"},
		graph.DependsOn{Trajectory: "ai-basis", On: "lms", Note: "LMS must be live"},
		graph.DependsOn{Trajectory: "leiderschap", On: "ai-basis"},
	}
}

// sampleWorkspace creates a workspace holding sampleNodes and
// sampleRelations.
func (h *harness) sampleWorkspace(suffix string) string {
	h.t.Helper()
	ws := h.newWorkspace(suffix)
	h.create(ws, sampleNodes()...)
	h.relate(ws, sampleRelations()...)
	return ws
}
