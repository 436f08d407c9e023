package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/stakemap/stakemap/graph"
)

// History layout, beside the workspaces (an import drops and rebuilds a
// workspace's bucket; its history must survive that):
//
//	events/<ws>\x00<seq>     one event, in the compact form of
//	                         encodeEvent; seq is the 8-byte big-endian
//	                         number from the bucket's sequence, file-wide,
//	                         so it is never reused, not even by a
//	                         workspace deleted and created again
//	history/<ws>/
//	    snapshots/<id>       JSON graph.Snapshot with its seq
//	    created, purged      RFC 3339 instants
//	    settings             JSON graph.Settings
//	    erased               8-byte count of erasures, for erased-<n>
//
// All events live in one flat bucket, so that recording one dirties only
// the pages at its end, and a workspace's events are one key range.
var (
	bucketHistory   = []byte("history")
	bucketEvents    = []byte("events")
	bucketSnapshots = []byte("snapshots")
	keyCreated      = []byte("created")
	keyPurged       = []byte("purged")
	keySettings     = []byte("settings")
	keyErased       = []byte("erased")
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
	_, err = h.CreateBucket(bucketSnapshots)
	return h, err
}

// eventsOf returns the file's events bucket, creating it when create is
// set; nil when absent.
func eventsOf(tx *bolt.Tx, create bool) (*bolt.Bucket, error) {
	if eb := tx.Bucket(bucketEvents); eb != nil || !create {
		return eb, nil
	}
	return tx.CreateBucket(bucketEvents)
}

// eventKey is the key of a workspace's event; eventPrefix that of all its
// events.
func eventKey(ws string, seq int64) []byte {
	k := make([]byte, 0, len(ws)+9)
	k = append(append(k, ws...), 0)
	return binary.BigEndian.AppendUint64(k, uint64(seq))
}

func eventPrefix(ws string) []byte { return append([]byte(ws), 0) }

// lastEvent returns the key and value of a workspace's newest event, or
// nils.
func lastEvent(eb *bolt.Bucket, ws string) ([]byte, []byte) {
	if eb == nil {
		return nil, nil
	}
	c := eb.Cursor()
	end := append(eventPrefix(ws), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	var k, v []byte
	if k, _ = c.Seek(end); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, eventPrefix(ws)) {
		return nil, nil
	}
	return k, v
}

// lastAt is the at of a workspace's newest event, or "".
func lastAt(eb *bolt.Bucket, ws string) string {
	_, v := lastEvent(eb, ws)
	if at, ok := eventAt(v); ok {
		return at.Format(graph.EventTime)
	}
	return ""
}

// record appends events to a workspace's history inside the write
// transaction of the change they describe, stamping seq, at and actor.
func record(ctx context.Context, tx *bolt.Tx, ws string, events ...graph.Event) error {
	if len(events) == 0 || !recording {
		return nil
	}
	eb, err := eventsOf(tx, true)
	if err != nil {
		return err
	}
	// Keys only grow: full pages halve the history's share of the file.
	eb.FillPercent = 1.0
	at := graph.Stamp(now(), lastAt(eb, ws))
	atTime, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return err
	}
	actor := graph.ActorOf(ctx)
	for _, e := range events {
		seq, err := eb.NextSequence()
		if err != nil {
			return err
		}
		e.Seq, e.At, e.Actor = int64(seq), at, actor
		data, err := encodeEventAt(e, atTime)
		if err != nil {
			return err
		}
		if err := eb.Put(eventKey(ws, e.Seq), data); err != nil {
			return err
		}
	}
	return nil
}

// created marks the instant a workspace came into being: its history
// starts there.
func created(tx *bolt.Tx, ws string) error {
	h, err := historyOf(tx, ws, true)
	if err != nil {
		return err
	}
	return h.Put(keyCreated, []byte(graph.Stamp(now(), "")))
}

// dropHistory deletes a workspace's history with the workspace.
func dropHistory(tx *bolt.Tx, ws string) error {
	if eb := tx.Bucket(bucketEvents); eb != nil {
		if err := deleteAll(eb, scanPrefix(eb, eventPrefix(ws))); err != nil {
			return err
		}
	}
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

// Events lists a workspace's events newest first. Seq and at grow
// together, so a query bounded below stops reading where it is reached,
// and the at of each event is read before the rest is decoded.
func (s *Store) Events(ctx context.Context, ws string, q graph.EventQuery) ([]graph.Event, error) {
	out := []graph.Event{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if _, err := wsBucket(tx, ws); err != nil {
			return err
		}
		eb := tx.Bucket(bucketEvents)
		if eb == nil {
			return nil
		}
		prefix := eventPrefix(ws)
		c := eb.Cursor()
		var k, v []byte
		if q.Before > 0 {
			if k, _ = c.Seek(eventKey(ws, q.Before)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		} else {
			lk, _ := lastEvent(eb, ws)
			if lk == nil {
				return nil
			}
			k, v = c.Seek(lk)
		}
		for n := 0; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			seq := int64(binary.BigEndian.Uint64(k[len(prefix):]))
			if seq <= q.After {
				break
			}
			at, ok := eventAt(v)
			if !ok {
				return fmt.Errorf("corrupt event %d", seq)
			}
			if !q.Since.IsZero() && at.Before(q.Since) {
				break
			}
			if !q.Until.IsZero() && at.After(q.Until) {
				continue
			}
			e, err := decodeEvent(seq, v)
			if err != nil {
				return fmt.Errorf("event %d: %w", seq, err)
			}
			if q.Match(e) {
				out = append(out, e)
				if q.Limit > 0 && len(out) >= q.Limit {
					break
				}
			}
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
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
		var err error
		st, err = historyState(tx, ws)
		return err
	})
	return st, op("HistoryState", ws, err)
}

func historyState(tx *bolt.Tx, ws string) (graph.HistoryState, error) {
	var st graph.HistoryState
	if k, _ := lastEvent(tx.Bucket(bucketEvents), ws); k != nil {
		st.LastSeq = int64(binary.BigEndian.Uint64(k[len(k)-8:]))
	}
	h, err := historyOf(tx, ws, false)
	if h == nil || err != nil {
		return st, err
	}
	st.Created, st.PurgedBefore = string(h.Get(keyCreated)), string(h.Get(keyPurged))
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
		st, err := historyState(tx, ws)
		if err != nil {
			return err
		}
		sn.Seq = st.LastSeq
		sn.At = graph.Stamp(now(), lastAt(tx.Bucket(bucketEvents), ws))
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
		st, err := historyState(tx, w.ID)
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
		var old [][]byte
		if eb := tx.Bucket(bucketEvents); eb != nil {
			prefix := eventPrefix(ws)
			c := eb.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				at, ok := eventAt(v)
				if !ok {
					return fmt.Errorf("corrupt event %x", k)
				}
				if !at.Before(before) {
					break
				}
				old = append(old, bytes.Clone(k))
			}
			if err := deleteAll(eb, old); err != nil {
				return err
			}
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
		eb, err := eventsOf(tx, true)
		if err != nil {
			return err
		}
		prefix := eventPrefix(ws)
		var rewritten []kv
		c := eb.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			e, err := decodeEvent(int64(binary.BigEndian.Uint64(k[len(prefix):])), v)
			if err != nil {
				return fmt.Errorf("event %x: %w", k, err)
			}
			changed, err := graph.EraseFromEvent(&e, id, alias)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			data, err := encodeEvent(e)
			if err != nil {
				return err
			}
			rewritten = append(rewritten, kv{bytes.Clone(k), data})
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
