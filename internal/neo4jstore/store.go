// Package neo4jstore is stakemap's Neo4j backend: a graph.Store and
// graph.Analyzer on Neo4j 5 (self-hosted Community or Enterprise, a
// cluster, or Aura) through the official Go driver. The analyses run as
// Cypher inside the database; every statement is listed in cypher.go.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/stakemap/stakemap/graph"
)

// Config says where the Neo4j server is and how to log in.
type Config struct {
	// URI is the server address, e.g. bolt://localhost:7687 or
	// neo4j+s://xxxx.databases.neo4j.io for Aura.
	URI string
	// Username defaults to neo4j.
	Username string
	Password string
	// Database is the database to use; empty means the server's default.
	Database string
}

// ConfigFromEnv reads a Config from NEO4J_URI, NEO4J_USERNAME,
// NEO4J_PASSWORD and NEO4J_DATABASE through getenv (os.Getenv in
// production).
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		URI:      strings.TrimSpace(getenv("NEO4J_URI")),
		Username: strings.TrimSpace(getenv("NEO4J_USERNAME")),
		Password: getenv("NEO4J_PASSWORD"),
		Database: strings.TrimSpace(getenv("NEO4J_DATABASE")),
	}
}

// schemes are the URI schemes the driver speaks: bolt for one server,
// neo4j for a routing cluster or Aura, each optionally with TLS.
var schemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

// normalize fills the default user name and checks the address.
func (c Config) normalize() (Config, error) {
	if c.Username == "" {
		c.Username = "neo4j"
	}
	if c.URI == "" {
		return c, graph.Invalid([]graph.Problem{{Field: "neo4j-uri", Reason: "is required, e.g. bolt://localhost:7687"}})
	}
	u, err := url.Parse(c.URI)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
		return c, graph.Invalid([]graph.Problem{{Field: "neo4j-uri", Value: c.URI,
			Reason: "is not a Neo4j address: use scheme://host:port with scheme " + strings.Join(schemes, ", ")}})
	}
	return c, nil
}

// Connection attempts at start-up: a Neo4j container that is still
// starting refuses connections for a moment, a wrong address or password
// should still fail within seconds.
const (
	connectAttempts = 3
	connectBackoff  = 500 * time.Millisecond
)

// Store is a graph.Backend on Neo4j. It is safe for concurrent use: the
// driver is shared, every call opens its own session.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	target   string
}

var _ graph.Backend = (*Store)(nil)

// Open connects to Neo4j, verifies the connection (retrying briefly) and
// creates the constraints and indexes the backend relies on when they do
// not exist yet.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, fmt.Errorf("neo4jstore.Open: %w", err)
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""),
		func(c *config.Config) {
			c.SocketConnectTimeout = 5 * time.Second
			c.ConnectionAcquisitionTimeout = 30 * time.Second
			c.MaxTransactionRetryTime = 15 * time.Second
			c.UserAgent = "stakemap"
		})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore.Open %s: %w", cfg.URI, err)
	}
	s := &Store{driver: driver, database: cfg.Database, target: cfg.URI}
	if err := s.verify(ctx); err != nil {
		_ = driver.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		_ = driver.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("neo4jstore.Open %s: create constraints and indexes: %w", cfg.URI, err)
	}
	return s, nil
}

// verify calls VerifyConnectivity, retrying connection failures a few
// times; a refused login is not retried.
func (s *Store) verify(ctx context.Context) error {
	var err error
	for attempt := 1; attempt <= connectAttempts; attempt++ {
		err = s.driver.VerifyConnectivity(ctx)
		if err == nil {
			return nil
		}
		if e, ok := errors.AsType[*neo4j.Neo4jError](err); ok && strings.HasPrefix(e.Code, "Neo.ClientError.Security.") {
			return fmt.Errorf("neo4jstore.Open: Neo4j at %s refused the login: %w", s.target, err)
		}
		if attempt == connectAttempts || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * connectBackoff):
		}
	}
	return fmt.Errorf("neo4jstore.Open: cannot reach Neo4j at %s (tried %d times): %w", s.target, connectAttempts, err)
}

// schemaStatements are run at start-up, each in its own transaction (Neo4j
// does not mix schema and data changes in one).
var schemaStatements = []string{
	stSchemaNodeID, stSchemaWorkspaceID, stSchemaNodeWorkspace,
	stSchemaStakeholderWS, stSchemaTrajectoryWS, stSchemaGoalWS, stSchemaEnablerWS, stSchemaEngagementWS,
	stSchemaEventSeq, stSchemaSnapshotWS, stSchemaHistoryWS,
	stSchemaRecordID, stSchemaRecordWS, stSchemaRecordOwner,
	stSchemaSequenceName,
}

func (s *Store) ensureSchema(ctx context.Context) error {
	for _, name := range schemaStatements {
		_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := run(ctx, tx, name, params{})
			return struct{}{}, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	if err := s.driver.Close(context.Background()); err != nil {
		return fmt.Errorf("neo4jstore.Close: %w", err)
	}
	return nil
}

// params are the parameters of one statement.
type params = map[string]any

// session opens a session. All sessions share the driver's bookmark
// manager, so on a cluster a read sees every write this process has made
// (causal consistency), even though each call has a session of its own.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// readTx and writeTx run work in a managed transaction of a new session.
// The driver retries work on transient failures, so work must be
// idempotent and consume every result before it returns.
func readTx[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err := neo4j.ExecuteRead(ctx, sess, work)
	return v, mapError(err)
}

func writeTx[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	v, err := neo4j.ExecuteWrite(ctx, sess, work)
	return v, mapError(err)
}

// errMoved says that a write committed while a read was going on.
var errMoved = errors.New("the workspace kept changing while it was read; try again")

// readAttempts bounds how often a read starts again because a write
// committed while it was reading.
const readAttempts = 5

// consistentRead runs work in a read transaction between two readings of
// the workspace's revision, and runs it again while they differ. Neo4j
// reads at read-committed isolation: the statements of one transaction
// (and even one statement) can see a write that commits while they run,
// so findings, grids, paths or an export assembled from several reads
// could match neither the data before that write nor after it. Every
// write changes the revision, so equal revisions prove that the answer is
// of one state of the workspace. work gets the workspace as read first;
// a missing workspace is ErrNotFound.
func consistentRead[T any](ctx context.Context, s *Store, ws string, work func(tx neo4j.ManagedTransaction, w graph.Workspace) (T, error)) (T, error) {
	return retryWhileMoved(func() (T, error) {
		return readTx(ctx, s, func(tx neo4j.ManagedTransaction) (T, error) {
			return readBetween(ctx, tx, ws, work)
		})
	})
}

// retryWhileMoved runs attempt again, up to readAttempts times in all,
// while it fails with errMoved.
func retryWhileMoved[T any](attempt func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range readAttempts {
		if v, err = attempt(); !errors.Is(err, errMoved) {
			break
		}
	}
	return v, err
}

// readBetween runs work between two readings of the workspace's revision
// in tx, and answers errMoved when they differ.
func readBetween[T any](ctx context.Context, tx neo4j.ManagedTransaction, ws string, work func(tx neo4j.ManagedTransaction, w graph.Workspace) (T, error)) (T, error) {
	var zero T
	w, before, err := workspace(ctx, tx, ws)
	if err != nil {
		return zero, err
	}
	v, workErr := work(tx, w)
	// Even an error (a trajectory not found, say) counts only when no
	// write came between: it may belong to a half-seen write.
	_, after, err := workspace(ctx, tx, ws)
	if err != nil {
		return zero, err
	}
	if before != after {
		return zero, errMoved
	}
	return v, workErr
}

// codeConstraint is the server's code for a write that breaks a
// uniqueness constraint: two writers raced for one id.
const codeConstraint = "Neo.ClientError.Schema.ConstraintValidationFailed"

// codeEntityNotFound is the server's code for a statement that touches a
// node or relationship deleted by a transaction that committed first: a
// write that raced DeleteWorkspace and lost.
const codeEntityNotFound = "Neo.ClientError.Statement.EntityNotFound"

// errGone marks an error that says the workspace (or a node in it) was
// deleted while a transaction was using it. It matches graph.ErrNotFound,
// which is what the embedded backend answers after a delete.
var errGone = fmt.Errorf("it was deleted meanwhile: %w", graph.ErrNotFound)

// mapError turns a constraint violation into graph.ErrConflict and a write
// that lost a race with a delete into graph.ErrNotFound (not a server
// error), and leaves every other error as it is.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*neo4j.Neo4jError](err); ok {
		switch e.Code {
		case codeConstraint:
			return fmt.Errorf("%s: %w", e.Msg, graph.ErrConflict)
		case codeEntityNotFound:
			return fmt.Errorf("%s: %w", e.Msg, errGone)
		}
	}
	return err
}

var paramPattern = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// statementParams returns the sorted parameter names a statement uses.
func statementParams(text string) []string {
	var names []string
	for _, m := range paramPattern.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

var paramCache sync.Map // statement name → []string

// checkParams reports a statement run with parameters other than the ones
// it uses: a missing one would silently be null in Cypher.
func checkParams(name string, p params) error {
	want, ok := paramCache.Load(name)
	if !ok {
		want, _ = paramCache.LoadOrStore(name, statementParams(cypher(name)))
	}
	got := make([]string, 0, len(p))
	for k := range p {
		got = append(got, k)
	}
	slices.Sort(got)
	if !slices.Equal(got, want.([]string)) {
		return fmt.Errorf("statement %s takes parameters %v, was given %v", name, want, got)
	}
	return nil
}

// run runs the named statement in tx and collects its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, name string, p params) ([]*neo4j.Record, error) {
	if err := checkParams(name, p); err != nil {
		return nil, err
	}
	res, err := tx.Run(ctx, cypher(name), p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return recs, nil
}

// op wraps err with the method and its subject in a *graph.OpError,
// which keeps it inspectable with errors.Is and loggable without ids.
func op(method, subject string, err error) error {
	if err == nil {
		return nil
	}
	return &graph.OpError{Op: "neo4jstore." + method, Subject: subject, Err: err}
}

func notFound(what, id string) error {
	return fmt.Errorf("%s %q: %w", what, id, graph.ErrNotFound)
}

// Record accessors: a missing or null value gives the zero value, a value
// of another type is an error (the data was not written by stakemap).

func str(r *neo4j.Record, key string) (string, error) {
	v, _ := r.Get(key)
	return asString(key, v)
}

func asString(key string, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	return "", fmt.Errorf("%s: want a string, have %T", key, v)
}

func asInt(key string, v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return x, nil
	}
	return 0, fmt.Errorf("%s: want an integer, have %T", key, v)
}

func asFloat(key string, v any) (float64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("%s: want a number, have %T", key, v)
}

func asStrings(key string, v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s[%d]: want a string, have %T", key, i, e)
			}
			out[i] = s
		}
		return out, nil
	case []string:
		return x, nil
	}
	return nil, fmt.Errorf("%s: want a list, have %T", key, v)
}

func get(r *neo4j.Record, key string) any {
	v, _ := r.Get(key)
	return v
}

// Workspaces lists every workspace, sorted by id.
func (s *Store) Workspaces(ctx context.Context) ([]graph.Workspace, error) {
	out, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) ([]graph.Workspace, error) {
		recs, err := run(ctx, tx, stWorkspaceList, params{})
		if err != nil {
			return nil, err
		}
		out := make([]graph.Workspace, 0, len(recs))
		for _, r := range recs {
			w, err := decodeWorkspace(r)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
		return out, nil
	})
	if err != nil {
		return nil, op("Workspaces", "", err)
	}
	slices.SortFunc(out, func(a, b graph.Workspace) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func decodeWorkspace(r *neo4j.Record) (graph.Workspace, error) {
	var w graph.Workspace
	var err error
	if w.ID, err = str(r, "id"); err != nil {
		return w, err
	}
	if w.Name, err = str(r, "name"); err != nil {
		return w, err
	}
	if w.Language, err = str(r, "language"); err != nil {
		return w, err
	}
	if w.LDUnit, err = str(r, "ldUnit"); err != nil {
		return w, err
	}
	w.ApplyDefaults()
	return w, nil
}

// workspace reads one workspace and its revision in tx.
func workspace(ctx context.Context, tx neo4j.ManagedTransaction, id string) (graph.Workspace, string, error) {
	recs, err := run(ctx, tx, stWorkspaceGet, params{"workspace": id})
	if err != nil {
		return graph.Workspace{}, "", err
	}
	if len(recs) == 0 {
		return graph.Workspace{}, "", notFound("workspace", id)
	}
	w, err := decodeWorkspace(recs[0])
	if err != nil {
		return w, "", err
	}
	rev, err := str(recs[0], "revision")
	return w, rev, err
}

// Workspace returns one workspace, or ErrNotFound.
func (s *Store) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	w, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Workspace, error) {
		w, _, err := workspace(ctx, tx, id)
		return w, err
	})
	return w, op("Workspace", id, err)
}

// CreateWorkspace adds an empty workspace; the uniqueness constraint on
// Workspace.id turns a taken id into ErrConflict.
func (s *Store) CreateWorkspace(ctx context.Context, w graph.Workspace) error {
	w.ApplyDefaults()
	if err := graph.Invalid(graph.ValidateWorkspace(w)); err != nil {
		return op("CreateWorkspace", w.ID, err)
	}
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := run(ctx, tx, stWorkspaceCreate, params{"workspace": w.ID, "name": w.Name, "language": w.Language, "ldUnit": w.LDUnit}); err != nil {
			return struct{}{}, err
		}
		if err := startHistory(ctx, tx, w.ID); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, record(ctx, tx, w.ID, graph.WorkspaceEvent(nil, &w))
	})
	if err != nil && errors.Is(err, graph.ErrConflict) {
		err = fmt.Errorf("workspace %q exists: %w", w.ID, graph.ErrConflict)
	}
	return op("CreateWorkspace", w.ID, err)
}

// touch takes the workspace's write lock by giving it a new revision, and
// returns the write's number in the workspace's seq, the version of every
// node the write changes; ErrNotFound when there is no such workspace.
// Every write transaction calls it (or workspace-merge) first.
func touch(ctx context.Context, tx neo4j.ManagedTransaction, ws string) (int64, error) {
	recs, err := run(ctx, tx, stWorkspaceTouch, params{"workspace": ws})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, notFound("workspace", ws)
	}
	return writeSeq(ctx, tx, ws, recs[0])
}

// writeSeq returns the seq of a touched workspace's record, starting a new
// incarnation when the workspace has none yet: a new workspace, or one
// written before versions had incarnations.
func writeSeq(ctx context.Context, tx neo4j.ManagedTransaction, ws string, r *neo4j.Record) (int64, error) {
	if v := get(r, "seq"); v != nil {
		return asInt("seq", v)
	}
	recs, err := run(ctx, tx, stSequenceIncarnation, params{})
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, errors.New("the incarnation sequence returned nothing")
	}
	n, err := asInt("value", get(recs[0], "value"))
	if err != nil {
		return 0, err
	}
	if n < 1 || n >= 1<<31 {
		return 0, fmt.Errorf("incarnation %d is out of range", n)
	}
	seq := n << 32
	_, err = run(ctx, tx, stWorkspaceStartSeq, params{"workspace": ws, "seq": seq})
	return seq, err
}

// checkPrecondition checks pre inside a write transaction. A workspace
// that exists is locked first, so that its revision cannot change between
// the check and the write that follows in the same transaction. With no
// condition it costs nothing.
func checkPrecondition(ctx context.Context, tx neo4j.ManagedTransaction, ws string, pre graph.Precondition) error {
	if pre == (graph.Precondition{}) {
		return nil
	}
	recs, err := run(ctx, tx, stWorkspaceLock, params{"workspace": ws})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return pre.Check(false, "")
	}
	rev, err := str(recs[0], "revision")
	if err != nil {
		return err
	}
	return pre.Check(true, rev)
}

// DeleteWorkspace removes a workspace and everything in it, in one
// transaction.
func (s *Store) DeleteWorkspace(ctx context.Context, id string, pre graph.Precondition) error {
	_, err := writeTx(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if err := checkPrecondition(ctx, tx, id, pre); err != nil {
			return struct{}{}, err
		}
		if _, err := touch(ctx, tx, id); err != nil {
			return struct{}{}, err
		}
		if _, err := run(ctx, tx, stWorkspaceClear, params{"workspace": id}); err != nil {
			return struct{}{}, err
		}
		if _, err := run(ctx, tx, stWorkspaceRecordsClear, params{"workspace": id}); err != nil {
			return struct{}{}, err
		}
		if _, err := run(ctx, tx, stWorkspaceDelete, params{"workspace": id}); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, dropHistory(ctx, tx, id)
	})
	return op("DeleteWorkspace", id, err)
}

// Revision returns the workspace's revision: a random UUID set by every
// write, so a value is never reused, not even after the workspace is
// deleted and created again.
func (s *Store) Revision(ctx context.Context, ws string) (string, error) {
	rev, err := readTx(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		_, rev, err := workspace(ctx, tx, ws)
		return rev, err
	})
	return rev, op("Revision", ws, err)
}
