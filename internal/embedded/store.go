// Package embedded is stakemap's default backend: every workspace in one
// local file (a bbolt B+tree), no server. A write returns only after its
// transaction is committed and synced to disk, so an acknowledged write
// survives a crash, and a crash mid-write leaves the previous state.
package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/stakemap/stakemap/graph"
)

// lockTimeout bounds the wait for the file lock: another process holding
// the file should give an error, not a hang.
const lockTimeout = 500 * time.Millisecond

// initialMmapSize is 1 GiB of address space on 64-bit systems, where it
// is free, and bbolt's default elsewhere.
const initialMmapSize = (strconv.IntSize / 64) << 30

// ErrInUse reports that another process has the database file open.
var ErrInUse = errors.New("database file in use")

// inUseError names the file another process holds, and matches ErrInUse.
type inUseError struct{ path string }

func (e *inUseError) Error() string {
	return "database file " + e.path + " is in use by another stakemap process; stop that process or use another file"
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }

// Store is a graph.Store kept in one bbolt file. It is safe for concurrent
// use: bbolt runs any number of readers beside one writer.
type Store struct {
	db   *bolt.DB
	path string
}

var _ graph.Store = (*Store)(nil)

// Open opens the database file at path, creating it when it does not
// exist. A damaged file (empty, truncated, without a valid meta page, or
// one bbolt fails on while opening) is an error matching graph.ErrCorrupt
// that names the file.
func Open(path string) (*Store, error) {
	if err := checkFile(path); err != nil {
		return nil, fmt.Errorf("embedded.Open: %w", err)
	}
	var db *bolt.DB
	err := guard(path, func() (err error) {
		db, err = openBolt(path)
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded.Open: %w", &inUseError{path})
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		err = &corruptError{path: path, what: err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("embedded.Open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	// A file that is set up already needs only a read: a write transaction
	// on every open would cost every command, reads included, an fsync.
	ready := false
	err = s.guarded(func() error {
		return db.View(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil || tx.Bucket(bucketWorkspaces) == nil {
				return nil
			}
			if f := string(meta.Get(keyFormat)); f != fileFormat {
				return fmt.Errorf("not a stakemap database of a known layout (format %q)", f)
			}
			ready = true
			return nil
		})
	})
	if err == nil && !ready {
		err = s.guarded(func() error { return s.storageError(setUp(db)) })
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded.Open %s: %w", path, err)
	}
	return s, nil
}

// openBolt opens the file with the store's bbolt options.
func openBolt(path string) (*bolt.DB, error) {
	return bolt.Open(path, 0o600, &bolt.Options{
		Timeout: lockTimeout,
		// The hashmap freelist keeps page allocation fast in a file that
		// has seen many large imports.
		FreelistType: bolt.FreelistMapType,
		// Each time bbolt grows its memory map inside a write, it copies
		// every key the transaction touched out of the old map: a large
		// import would grow it a dozen times. Reserving address space up
		// front (not memory; the file does not grow with it) avoids that.
		InitialMmapSize: initialMmapSize,
	})
}

// setUp gives a new file its meta and workspaces buckets, or refuses a
// bbolt file that belongs to another program.
func setUp(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			if tx.Bucket(bucketWorkspaces) != nil {
				return errors.New("not a stakemap database")
			}
			var err error
			if meta, err = tx.CreateBucket(bucketMeta); err != nil {
				return err
			}
			if err := meta.Put(keyFormat, []byte(fileFormat)); err != nil {
				return err
			}
		}
		if f := string(meta.Get(keyFormat)); f != fileFormat {
			return fmt.Errorf("not a stakemap database of a known layout (format %q)", f)
		}
		_, err := tx.CreateBucketIfNotExists(bucketWorkspaces)
		return err
	})
}

// Path returns the file the store keeps its data in.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded.Close %s: %w", s.path, err)
	}
	return nil
}

// op wraps err with the method and its subject in a *graph.OpError,
// which keeps it inspectable with errors.Is and loggable without ids.
func op(name, subject string, err error) error {
	if err == nil {
		return nil
	}
	return &graph.OpError{Op: "embedded." + name, Subject: subject, Err: err}
}

func notFound(what, id string) error {
	return fmt.Errorf("%s %q: %w", what, id, graph.ErrNotFound)
}

// view and update run fn in a read or write transaction after checking
// the context (bbolt itself cannot be interrupted), guarded against a
// damaged file; update gives a full disk its own error.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.guarded(func() error { return s.db.View(fn) })
	if err != nil && graph.ErrorKind(err) == "internal" {
		// A read fails on its own only when what it reads does not decode
		// (a record of the wrong length, JSON cut short): damage.
		err = &corruptError{path: s.path, what: err.Error()}
	}
	return err
}

func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.guarded(func() error { return s.storageError(s.db.Update(fn)) })
}

// guarded is guard for the store's file.
func (s *Store) guarded(fn func() error) error { return guard(s.path, fn) }

func wsBucket(tx *bolt.Tx, ws string) (*bolt.Bucket, error) {
	b := tx.Bucket(bucketWorkspaces).Bucket([]byte(ws))
	if b == nil {
		return nil, notFound("workspace", ws)
	}
	return b, nil
}

// touch gives the workspace a new revision: the next number of a sequence
// kept in the file, so a revision is never reused, not even after the
// workspace is deleted and created again. The same number is the version
// of every node the write changes, which makes node versions unique in the
// file too: an ETag read before a node was deleted never matches the node
// created after it under the same id.
func touch(tx *bolt.Tx, w *bolt.Bucket) (int64, error) {
	seq, err := tx.Bucket(bucketMeta).NextSequence()
	if err != nil {
		return 0, err
	}
	return int64(seq), w.Put(keyRevision, binary.BigEndian.AppendUint64(nil, seq))
}

func readWorkspace(w *bolt.Bucket) (graph.Workspace, error) {
	var ws graph.Workspace
	if err := json.Unmarshal(w.Get(keyWorkspace), &ws); err != nil {
		return ws, fmt.Errorf("corrupt workspace record: %w", err)
	}
	return ws, nil
}

// Workspaces lists every workspace, sorted by id.
func (s *Store) Workspaces(ctx context.Context) ([]graph.Workspace, error) {
	out := []graph.Workspace{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketWorkspaces)
		return all.ForEachBucket(func(k []byte) error {
			w, err := readWorkspace(all.Bucket(k))
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			out = append(out, w)
			return nil
		})
	})
	return out, op("Workspaces", "", err)
}

// Workspace returns one workspace, or ErrNotFound.
func (s *Store) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	var w graph.Workspace
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := wsBucket(tx, id)
		if err != nil {
			return err
		}
		w, err = readWorkspace(b)
		return err
	})
	return w, op("Workspace", id, err)
}

// CreateWorkspace adds an empty workspace (language nl when unset).
func (s *Store) CreateWorkspace(ctx context.Context, w graph.Workspace) error {
	w.ApplyDefaults()
	if err := graph.Invalid(graph.ValidateWorkspace(w)); err != nil {
		return op("CreateWorkspace", w.ID, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketWorkspaces)
		if all.Bucket([]byte(w.ID)) != nil {
			return fmt.Errorf("workspace %q exists: %w", w.ID, graph.ErrConflict)
		}
		if _, _, err := createWorkspace(tx, w, 0); err != nil {
			return err
		}
		// A workspace created again after a delete starts a new history.
		if err := dropHistory(tx, w.ID); err != nil {
			return err
		}
		if err := created(tx, w.ID); err != nil {
			return err
		}
		return record(ctx, tx, w.ID, graph.WorkspaceEvent(nil, &w))
	})
	return op("CreateWorkspace", w.ID, err)
}

// createWorkspace makes the bucket of a new workspace with its fixed
// sub-buckets, filled to fillPercent (0: bbolt's default), and returns it
// with the sequence number of the write.
func createWorkspace(tx *bolt.Tx, w graph.Workspace, fillPercent float64) (*bolt.Bucket, int64, error) {
	b, err := tx.Bucket(bucketWorkspaces).CreateBucket([]byte(w.ID))
	if err != nil {
		return nil, 0, err
	}
	data, err := json.Marshal(w)
	if err != nil {
		return nil, 0, err
	}
	if err := b.Put(keyWorkspace, data); err != nil {
		return nil, 0, err
	}
	names := [][]byte{bucketIDs, bucketRefs}
	for _, k := range graph.Kinds {
		names = append(names, nodeBucket(k))
	}
	for _, k := range graph.RelKinds {
		names = append(names, relBucket(k), revBucket(k))
	}
	for _, name := range names {
		sub, err := b.CreateBucket(name)
		if err != nil {
			return nil, 0, err
		}
		if fillPercent > 0 {
			sub.FillPercent = fillPercent
		}
	}
	seq, err := touch(tx, b)
	return b, seq, err
}

// DeleteWorkspace removes a workspace and everything in it.
func (s *Store) DeleteWorkspace(ctx context.Context, id string, pre graph.Precondition) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketWorkspaces)
		if err := checkPrecondition(all.Bucket([]byte(id)), pre); err != nil {
			return err
		}
		err := all.DeleteBucket([]byte(id))
		if errors.Is(err, bolterrors.ErrBucketNotFound) {
			return notFound("workspace", id)
		}
		if err != nil {
			return err
		}
		// Tokens, memberships and share links of the workspace go with it,
		// so that none of them reaches a later workspace of the same id.
		if _, err := deleteRecordsTx(tx, graph.RecordQuery{Workspace: id}); err != nil {
			return err
		}
		return dropHistory(tx, id)
	})
	return op("DeleteWorkspace", id, err)
}

// Revision returns the sequence number of the workspace's last write.
func (s *Store) Revision(ctx context.Context, ws string) (string, error) {
	var rev string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		rev, err = revisionOf(b)
		return err
	})
	return rev, op("Revision", ws, err)
}

func revisionOf(w *bolt.Bucket) (string, error) {
	v := w.Get(keyRevision)
	if len(v) != 8 {
		return "", errors.New("corrupt revision record")
	}
	return strconv.FormatUint(binary.BigEndian.Uint64(v), 10), nil
}

// checkPrecondition checks pre against a workspace bucket, nil when the
// workspace does not exist.
func checkPrecondition(w *bolt.Bucket, pre graph.Precondition) error {
	if w == nil {
		return pre.Check(false, "")
	}
	rev, err := revisionOf(w)
	if err != nil {
		return err
	}
	return pre.Check(true, rev)
}

// lookup resolves ids against the stored nodes of a workspace.
func lookup(w *bolt.Bucket) graph.Lookup {
	ids := w.Bucket(bucketIDs)
	return func(id string) (graph.Kind, bool) {
		v := ids.Get([]byte(id))
		if len(v) != 1 {
			return "", false
		}
		k, ok := codeKinds[v[0]]
		return k, ok
	}
}
