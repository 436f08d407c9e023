package neo4jstore

import (
	"context"
	"errors"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stakemap/stakemap/graph"
)

// racingTx is a read transaction on a scripted database in which a write
// commits while the transaction runs: an import that gives running
// trajectory t1 its sponsor and its owner at once, committed just before
// the statement named commitBefore. Reads see whatever is committed when
// they run, as under Neo4j's read-committed isolation. (Embedding the
// interface supplies the driver's unexported methods; only Run is used.)
type racingTx struct {
	neo4j.ManagedTransaction
	commitBefore string
	committed    bool
	ran          []string
}

func (tx *racingTx) Run(_ context.Context, cypherText string, _ map[string]any) (neo4j.ResultWithContext, error) {
	name := ""
	for _, s := range statements {
		if s.Statement == cypherText {
			name = s.Name
		}
	}
	tx.ran = append(tx.ran, name)
	if name == tx.commitBefore {
		tx.committed = true
	}
	row := func(keys []string, values ...any) *neo4j.Record { return &neo4j.Record{Keys: keys, Values: values} }
	var recs []*neo4j.Record
	switch name {
	case stWorkspaceGet:
		rev := "r1"
		if tx.committed {
			rev = "r2"
		}
		recs = append(recs, row([]string{"id", "name", "language", "ldUnit", "revision"}, "w", "W", "en", "", rev))
	case graph.CodeMissingSponsor, graph.CodeMissingOwner:
		if !tx.committed {
			recs = append(recs, row([]string{"subject", "related"}, "t1", []any{}))
		}
	}
	return &scriptedResult{recs: recs}, nil
}

type scriptedResult struct {
	neo4j.ResultWithContext
	recs []*neo4j.Record
}

func (r *scriptedResult) Collect(context.Context) ([]*neo4j.Record, error) { return r.recs, nil }

// TestFindingsReadOneState reproduces the race of issue #9: without the
// revision check, the write committing between missing-sponsor and
// missing-owner gave missing-sponsor without missing-owner, which matches
// neither the data before the import nor after it.
func TestFindingsReadOneState(t *testing.T) {
	ctx := t.Context()
	p := graph.FindingParams{AsOf: "2026-06-30", Only: graph.GroupCoOwnership}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	tx := &racingTx{commitBefore: graph.CodeMissingOwner}
	read := func(tx neo4j.ManagedTransaction, w graph.Workspace) (findingsRead, error) {
		return readFindings(ctx, tx, w, p)
	}

	// What the statements alone see: a state that never existed.
	torn, err := read(tx, graph.Workspace{ID: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if len(torn.findings) != 1 || torn.findings[0].Code != graph.CodeMissingSponsor {
		t.Fatalf("the script does not tear the read: %v", torn.findings)
	}

	// With the revision read before and after, the torn read is retried
	// and the answer is the state after the import: no findings.
	tx = &racingTx{commitBefore: graph.CodeMissingOwner}
	attempts := 0
	got, err := retryWhileMoved(func() (findingsRead, error) {
		attempts++
		return readBetween(ctx, tx, "w", read)
	})
	if err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || len(got.findings) != 0 {
		t.Errorf("after %d attempts: findings %v, want none after 2", attempts, got.findings)
	}

	// A workspace that never stops changing gives up with errMoved.
	_, err = retryWhileMoved(func() (findingsRead, error) {
		return readBetween(ctx, &racingTx{commitBefore: graph.CodeMissingOwner}, "w", read)
	})
	if !errors.Is(err, errMoved) {
		t.Errorf("endless writes: %v, want errMoved", err)
	}
}
