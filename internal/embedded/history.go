package embedded

import (
	"bytes"
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

// History layout, beside the workspaces (an import drops and rebuilds a
// workspace's bucket; its history must survive that):
//
//	history                  its sequence numbers events, file-wide, so a
//	                         seq is never reused, not even by a workspace
//	                         deleted and created again
//	history/<ws>/
//	    events/<seq>         8-byte big-endian seq → JSON graph.Event
//	    snapshots/<id>       JSON graph.Snapshot with its seq
//	    created, purged      RFC 3339 instants
//	    settings             JSON graph.Settings
//	    erased               8-byte count of erasures, for erased-<n>
var (
	bucketHistory   = []byte("history")
	bucketEvents    = []byte("events")
	bucketSnapshots = []byte("snapshots")
	keyCreated      = []byte("created")
	keyPurged       = []byte("purged")
	keySettings     = []byte("settings")
	keyErased       = []byte("erased")
	keyLastAt       = []byte("last")
)

var _ graph.History = (*Store)(nil)

// now stamps events; a var so that tests of the package can step it.
var now = time.Now

// recording is switched off only by the benchmarks, to measure a write
// without its event in the same run as one with it.
var recording = true

// historyOf returns the history bucket of a workspace, creating it (and
// the file's history bucket) when create is set; nil when absent.
func historyOf(tx *bolt.Tx, ws string, create bool) (*bolt.Bucket, error) {
	all := tx.Bucket(bucketHistory)
	if all == nil {
		if !create {
			return nil, nil
		}
		var err error
		if all, err = tx.CreateBucket(bucketHistory); err != nil {
			return nil, err
		}
	}
	h := all.Bucket([]byte(ws))
	if h != nil || !create {
		return h, nil
	}
	h, err := all.CreateBucket([]byte(ws))
	if err != nil {
		return nil, err
	}
	for _, name := range [][]byte{bucketEvents, bucketSnapshots} {
		if _, err := h.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// record appends events to a workspace's history inside the write
// transaction of the change they describe, stamping seq, at and actor.
func record(ctx context.Context, tx *bolt.Tx, ws string, events ...graph.Event) error {
	if len(events) == 0 || !recording {
		return nil
	}
	h, err := historyOf(tx, ws, true)
	if err != nil {
		return err
	}
	eb := h.Bucket(bucketEvents)
	// Keys only grow: full pages halve the history's share of the file.
	eb.FillPercent = 1.0
	seqs := tx.Bucket(bucketHistory)
	at := graph.Stamp(now(), string(h.Get(keyLastAt)))
	actor := graph.ActorOf(ctx)
	for _, e := range events {
		seq, err := seqs.NextSequence()
		if err != nil {
			return err
		}
		e.Seq, e.At, e.Actor = int64(seq), at, actor
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := eb.Put(seqKey(e.Seq), data); err != nil {
			return err
		}
	}
	return h.Put(keyLastAt, []byte(at))
}

// created marks the instant a workspace came into being: its history
// starts there.
func created(tx *bolt.Tx, ws string) error {
	h, err := historyOf(tx, ws, true)
	if err != nil {
		return err
	}
	return h.Put(keyCreated, []byte(graph.Stamp(now(), string(h.Get(keyLastAt)))))
}

// dropHistory deletes a workspace's history with the workspace.
func dropHistory(tx *bolt.Tx, ws string) error {
	all := tx.Bucket(bucketHistory)
	if all == nil {
		return nil
	}
	err := all.DeleteBucket([]byte(ws))
	if errors.Is(err, bolterrors.ErrBucketNotFound) {
		return nil
	}
	return err
}

func seqKey(seq int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(seq)) }

// Events lists a workspace's events newest first. Seq and at grow
// together, so a query bounded below stops reading where it is reached.
func (s *Store) Events(ctx context.Context, ws string, q graph.EventQuery) ([]graph.Event, error) {
	out := []graph.Event{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		h, err := historyOf(tx, ws, false)
		if h == nil || err != nil {
			return err
		}
		c := h.Bucket(bucketEvents).Cursor()
		var k, v []byte
		if q.Before > 0 {
			k, v = c.Seek(seqKey(q.Before))
			if k == nil {
				k, v = c.Last()
			}
		} else {
			k, v = c.Last()
		}
		since := ""
		if !q.Since.IsZero() {
			since = q.Since.UTC().Format(graph.EventTime)
		}
		for ; k != nil; k, v = c.Prev() {
			seq := int64(binary.BigEndian.Uint64(k))
			if seq <= q.After {
				break
			}
			if q.Before > 0 && seq >= q.Before {
				continue
			}
			var e graph.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("event %d: %w", seq, err)
			}
			if since != "" && beforeInstant(e.At, q.Since) {
				break
			}
			if q.Match(e) {
				out = append(out, e)
				if q.Limit > 0 && len(out) >= q.Limit {
					break
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, op("Events", ws, err)
	}
	return out, nil
}

func beforeInstant(at string, t time.Time) bool {
	x, err := time.Parse(time.RFC3339Nano, at)
	return err == nil && x.Before(t)
}

// HistoryState says how far a workspace's history reaches.
func (s *Store) HistoryState(ctx context.Context, ws string) (graph.HistoryState, error) {
	var st graph.HistoryState
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		h, err := historyOf(tx, ws, false)
		if h == nil || err != nil {
			return err
		}
		var perr error
		st, perr = historyState(h)
		return perr
	})
	return st, op("HistoryState", ws, err)
}

func historyState(h *bolt.Bucket) (graph.HistoryState, error) {
	st := graph.HistoryState{Created: string(h.Get(keyCreated)), PurgedBefore: string(h.Get(keyPurged))}
	if k, _ := h.Bucket(bucketEvents).Cursor().Last(); k != nil {
		st.LastSeq = int64(binary.BigEndian.Uint64(k))
	}
	if v := h.Get(keySettings); v != nil {
		if err := json.Unmarshal(v, &st.Settings); err != nil {
			return st, fmt.Errorf("corrupt settings: %w", err)
		}
	}
	return st, nil
}

// CreateSnapshot names the current state.
func (s *Store) CreateSnapshot(ctx context.Context, ws string, sn graph.Snapshot) (graph.Snapshot, error) {
	if err := graph.Invalid(graph.ValidateSnapshot(sn)); err != nil {
		return sn, op("CreateSnapshot", ws, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		h, err := historyOf(tx, ws, true)
		if err != nil {
			return err
		}
		sb := h.Bucket(bucketSnapshots)
		if sn.ID == "" {
			sn.ID = graph.SnapshotID(sn.Name, func(id string) bool { return sb.Get([]byte(id)) != nil })
		} else if sb.Get([]byte(sn.ID)) != nil {
			return fmt.Errorf("snapshot %q exists: %w", sn.ID, graph.ErrConflict)
		}
		st, err := historyState(h)
		if err != nil {
			return err
		}
		sn.Seq = st.LastSeq
		sn.At = graph.Stamp(now(), string(h.Get(keyLastAt)))
		data, err := json.Marshal(storedSnapshot{sn, sn.Seq})
		if err != nil {
			return err
		}
		return sb.Put([]byte(sn.ID), data)
	})
	return sn, op("CreateSnapshot", ws, err)
}

// storedSnapshot keeps the seq that graph.Snapshot leaves out of its JSON.
type storedSnapshot struct {
	graph.Snapshot
	Seq int64 `json:"seq"`
}

// Snapshots lists a workspace's snapshots, oldest first.
func (s *Store) Snapshots(ctx context.Context, ws string) ([]graph.Snapshot, error) {
	out := []graph.Snapshot{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		h, err := historyOf(tx, ws, false)
		if h == nil || err != nil {
			return err
		}
		return h.Bucket(bucketSnapshots).ForEach(func(k, v []byte) error {
			var st storedSnapshot
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("snapshot %s: %w", k, err)
			}
			st.Snapshot.Seq = st.Seq
			out = append(out, st.Snapshot)
			return nil
		})
	})
	if err != nil {
		return nil, op("Snapshots", ws, err)
	}
	graph.SortSnapshots(out)
	return out, nil
}

// UpdateWorkspace sets the workspace's fields and settings.
func (s *Store) UpdateWorkspace(ctx context.Context, w graph.Workspace, set graph.Settings, pre graph.Precondition) error {
	w.ApplyDefaults()
	ps := graph.ValidateWorkspace(w)
	ps = append(ps, graph.ValidateSettings(set)...)
	if err := graph.Invalid(ps); err != nil {
		return op("UpdateWorkspace", w.ID, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := wsBucket(tx, w.ID)
		if err != nil {
			return err
		}
		if err := checkPrecondition(b, pre); err != nil {
			return err
		}
		old, err := readWorkspace(b)
		if err != nil {
			return err
		}
		h, err := historyOf(tx, w.ID, true)
		if err != nil {
			return err
		}
		st, err := historyState(h)
		if err != nil {
			return err
		}
		if old == w && st.Settings == set {
			return nil
		}
		data, err := json.Marshal(w)
		if err != nil {
			return err
		}
		if err := b.Put(keyWorkspace, data); err != nil {
			return err
		}
		sdata, err := json.Marshal(set)
		if err != nil {
			return err
		}
		if err := h.Put(keySettings, sdata); err != nil {
			return err
		}
		if err := record(ctx, tx, w.ID, graph.SettingsEvent(old, w, st.Settings, set)); err != nil {
			return err
		}
		_, err = touch(tx, b)
		return err
	})
	return op("UpdateWorkspace", w.ID, err)
}

// PurgeHistory removes events and snapshots from before the instant.
func (s *Store) PurgeHistory(ctx context.Context, ws string, before time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		h, err := historyOf(tx, ws, true)
		if err != nil {
			return err
		}
		eb := h.Bucket(bucketEvents)
		var old [][]byte
		c := eb.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e struct{ At string }
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("event %x: %w", k, err)
			}
			if !beforeInstant(e.At, before) {
				break
			}
			old = append(old, bytes.Clone(k))
		}
		if err := deleteAll(eb, old); err != nil {
			return err
		}
		n = len(old)
		sb := h.Bucket(bucketSnapshots)
		var snaps [][]byte
		if err := sb.ForEach(func(k, v []byte) error {
			var sn graph.Snapshot
			if err := json.Unmarshal(v, &sn); err != nil {
				return err
			}
			if beforeInstant(sn.At, before) {
				snaps = append(snaps, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		if err := deleteAll(sb, snaps); err != nil {
			return err
		}
		if prev := string(h.Get(keyPurged)); prev == "" || beforeInstant(prev, before) {
			return h.Put(keyPurged, []byte(before.UTC().Format(graph.EventTime)))
		}
		return nil
	})
	return n, op("PurgeHistory", ws, err)
}

// EraseStakeholder deletes a person as DeleteNode does and rewrites the
// workspace's history so that only erased-<n>, its kind and attitude
// unknown remain. The freed pages of the file still hold the old bytes
// until Compact rewrites it.
func (s *Store) EraseStakeholder(ctx context.Context, ws, id string) (string, error) {
	var alias string
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		n, _, err := getNode(w, graph.KindStakeholder, id)
		if err != nil {
			return err
		}
		h, err := historyOf(tx, ws, true)
		if err != nil {
			return err
		}
		count := uint64(0)
		if v := h.Get(keyErased); len(v) == 8 {
			count = binary.BigEndian.Uint64(v)
		}
		look := lookup(w)
		for {
			count++
			alias = graph.ErasedAlias(int64(count))
			if _, taken := look(alias); !taken {
				break
			}
		}
		if err := h.Put(keyErased, binary.BigEndian.AppendUint64(nil, count)); err != nil {
			return err
		}
		seq, err := touch(tx, w)
		if err != nil {
			return err
		}
		var events []graph.Event
		if err := deleteNode(w, n, seq, &events); err != nil {
			return err
		}
		// Rewrite the past first, then add the deletion (itself rewritten)
		// and the audit record.
		eb := h.Bucket(bucketEvents)
		needle := []byte(strconv.Quote(id))
		var rewritten []kv
		if err := eb.ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, needle) {
				return nil
			}
			var e graph.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("event %x: %w", k, err)
			}
			changed, err := graph.EraseFromEvent(&e, id, alias)
			if err != nil || !changed {
				return err
			}
			data, err := json.Marshal(e)
			if err != nil {
				return err
			}
			rewritten = append(rewritten, kv{bytes.Clone(k), data})
			return nil
		}); err != nil {
			return err
		}
		if err := putSorted(eb, rewritten); err != nil {
			return err
		}
		for i := range events {
			if _, err := graph.EraseFromEvent(&events[i], id, alias); err != nil {
				return err
			}
		}
		events = append(events, graph.ErasureEvent(alias))
		return record(ctx, tx, ws, events...)
	})
	return alias, op("EraseStakeholder", ws, err)
}
