package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stakemap/stakemap/graph"
)

// Records live in their own top-level bucket, beside the workspaces, so
// that importing a workspace (which replaces its bucket) leaves them be:
//
//	records/
//	    id/<kind>\x00<id>              the record: JSON of storedRecord
//	    ws/<ws>\x00<kind>\x00<id>      index of a workspace's records
//	    owner/<owner>\x00<kind>\x00<id> index of an account's records
//
// Kinds, ids, owners and workspace ids hold no control characters
// (graph.ValidateRecord), so NUL separates them and prefix scans are
// exact.
var (
	bucketRecords = []byte("records")
	bucketRecByID = []byte("id")
	bucketRecByWS = []byte("ws")
	bucketRecByOw = []byte("owner")
)

type storedRecord struct {
	Workspace string          `json:"w,omitempty"`
	Owner     string          `json:"o,omitempty"`
	Version   int64           `json:"v"`
	Data      json.RawMessage `json:"d"`
}

func recKey(parts ...string) []byte {
	var b []byte
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// recordBuckets returns the record buckets, creating them in a write
// transaction (files made before records existed lack them) and nil in
// a read transaction when there are none yet.
func recordBuckets(tx *bolt.Tx) (byID, byWS, byOwner *bolt.Bucket, err error) {
	root := tx.Bucket(bucketRecords)
	if root == nil {
		if !tx.Writable() {
			return nil, nil, nil, nil
		}
		if root, err = tx.CreateBucket(bucketRecords); err != nil {
			return nil, nil, nil, err
		}
		for _, name := range [][]byte{bucketRecByID, bucketRecByWS, bucketRecByOw} {
			if _, err := root.CreateBucket(name); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return root.Bucket(bucketRecByID), root.Bucket(bucketRecByWS), root.Bucket(bucketRecByOw), nil
}

func getRecord(byID *bolt.Bucket, kind, id string) (graph.Record, error) {
	if byID == nil {
		return graph.Record{}, notFound(kind, id)
	}
	v := byID.Get(recKey(kind, id))
	if v == nil {
		return graph.Record{}, notFound(kind, id)
	}
	return decodeRecord(kind, id, v)
}

func decodeRecord(kind, id string, v []byte) (graph.Record, error) {
	var sr storedRecord
	if err := json.Unmarshal(v, &sr); err != nil {
		return graph.Record{}, fmt.Errorf("corrupt record %s %q: %w", kind, id, err)
	}
	return graph.Record{Kind: kind, ID: id, Workspace: sr.Workspace, Owner: sr.Owner, Data: sr.Data, Version: sr.Version}, nil
}

func putRecord(byID *bolt.Bucket, r graph.Record) error {
	v, err := json.Marshal(storedRecord{Workspace: r.Workspace, Owner: r.Owner, Version: r.Version, Data: r.Data})
	if err != nil {
		return err
	}
	return byID.Put(recKey(r.Kind, r.ID), v)
}

// CreateRecord adds a record at version 1.
func (s *Store) CreateRecord(ctx context.Context, r graph.Record) (int64, error) {
	if err := graph.Invalid(graph.ValidateRecord(r)); err != nil {
		return 0, op("CreateRecord", r.Kind, err)
	}
	r.Data = compactJSON(r.Data)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if r.Workspace != "" && tx.Bucket(bucketWorkspaces).Bucket([]byte(r.Workspace)) == nil {
			return notFound("workspace", r.Workspace)
		}
		byID, byWS, byOwner, err := recordBuckets(tx)
		if err != nil {
			return err
		}
		if byID.Get(recKey(r.Kind, r.ID)) != nil {
			return fmt.Errorf("%s %q exists: %w", r.Kind, r.ID, graph.ErrConflict)
		}
		r.Version = 1
		if err := putRecord(byID, r); err != nil {
			return err
		}
		if r.Workspace != "" {
			if err := byWS.Put(recKey(r.Workspace, r.Kind, r.ID), []byte{}); err != nil {
				return err
			}
		}
		if r.Owner != "" {
			if err := byOwner.Put(recKey(r.Owner, r.Kind, r.ID), []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, op("CreateRecord", r.Kind, err)
	}
	return 1, nil
}

// compactJSON stores Data without insignificant white space.
func compactJSON(data json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}

// UpdateRecord replaces a record's data when version is current (or 0).
func (s *Store) UpdateRecord(ctx context.Context, r graph.Record, version int64) (int64, error) {
	if err := graph.Invalid(graph.ValidateRecord(r)); err != nil {
		return 0, op("UpdateRecord", r.Kind, err)
	}
	r.Data = compactJSON(r.Data)
	var next int64
	err := s.update(ctx, func(tx *bolt.Tx) error {
		byID, _, _, err := recordBuckets(tx)
		if err != nil {
			return err
		}
		old, err := getRecord(byID, r.Kind, r.ID)
		if err != nil {
			return err
		}
		if err := sameHome(old, r); err != nil {
			return err
		}
		if version != 0 && version != old.Version {
			return fmt.Errorf("%s %q is at version %d, not %d: %w", r.Kind, r.ID, old.Version, version, graph.ErrStale)
		}
		r.Version = old.Version + 1
		next = r.Version
		return putRecord(byID, r)
	})
	if err != nil {
		return 0, op("UpdateRecord", r.Kind, err)
	}
	return next, nil
}

// sameHome refuses an update that would move a record to another
// workspace or owner: the indexes are made once, at create.
func sameHome(old, r graph.Record) error {
	var ps []graph.Problem
	if r.Workspace != old.Workspace {
		ps = append(ps, graph.Problem{Field: "workspace", Value: r.Workspace, Reason: "cannot change (it is " + old.Workspace + ")"})
	}
	if r.Owner != old.Owner {
		ps = append(ps, graph.Problem{Field: "owner", Value: r.Owner, Reason: "cannot change"})
	}
	return graph.Invalid(ps)
}

// Record returns one record.
func (s *Store) Record(ctx context.Context, kind, id string) (graph.Record, error) {
	var r graph.Record
	err := s.view(ctx, func(tx *bolt.Tx) error {
		byID, _, _, err := recordBuckets(tx)
		if err != nil {
			return err
		}
		r, err = getRecord(byID, kind, id)
		return err
	})
	return r, op("Record", kind, err)
}

// Records returns the records q selects, sorted by kind and id: from an
// index when q names a workspace or an owner, else by a scan of the kind.
func (s *Store) Records(ctx context.Context, q graph.RecordQuery) ([]graph.Record, error) {
	if err := graph.Invalid(graph.ValidateRecordQuery(q)); err != nil {
		return nil, op("Records", q.Kind, err)
	}
	out := []graph.Record{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = selectRecords(tx, q)
		return err
	})
	if err != nil {
		return nil, op("Records", q.Kind, err)
	}
	return out, nil
}

// selectRecords reads the records q selects, in (kind, id) order.
func selectRecords(tx *bolt.Tx, q graph.RecordQuery) ([]graph.Record, error) {
	out := []graph.Record{}
	byID, byWS, byOwner, err := recordBuckets(tx)
	if err != nil || byID == nil {
		return out, err
	}
	add := func(kind, id string) error {
		r, err := getRecord(byID, kind, id)
		if err != nil {
			return err
		}
		if q.Matches(r) {
			out = append(out, r)
		}
		return nil
	}
	// An index key is <first>\x00<kind>\x00<id>: its tail after the first
	// part sorts by kind, then id, as the answer must.
	scanIndex := func(b *bolt.Bucket, first string) error {
		prefix := recKey(first, q.Kind)
		if q.Kind == "" {
			prefix = append(recKey(first), 0)
		} else {
			prefix = append(prefix, 0)
		}
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			parts := bytes.SplitN(k[len(first)+1:], []byte{0}, 2)
			if len(parts) != 2 {
				return fmt.Errorf("corrupt record index key %q", k)
			}
			if err := add(string(parts[0]), string(parts[1])); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case q.Owner != "":
		return out, scanIndex(byOwner, q.Owner)
	case q.Workspace != "":
		return out, scanIndex(byWS, q.Workspace)
	}
	var prefix []byte
	if q.Kind != "" {
		prefix = append(recKey(q.Kind), 0)
	}
	c := byID.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		kind, id, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return nil, fmt.Errorf("corrupt record key %q", k)
		}
		r, err := decodeRecord(string(kind), string(id), v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// DeleteRecord removes one record with its index entries.
func (s *Store) DeleteRecord(ctx context.Context, kind, id string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		byID, _, _, err := recordBuckets(tx)
		if err != nil {
			return err
		}
		r, err := getRecord(byID, kind, id)
		if err != nil {
			return err
		}
		return deleteRecordTx(tx, r)
	})
	return op("DeleteRecord", kind, err)
}

func deleteRecordTx(tx *bolt.Tx, r graph.Record) error {
	byID, byWS, byOwner, err := recordBuckets(tx)
	if err != nil {
		return err
	}
	if err := byID.Delete(recKey(r.Kind, r.ID)); err != nil {
		return err
	}
	if r.Workspace != "" {
		if err := byWS.Delete(recKey(r.Workspace, r.Kind, r.ID)); err != nil {
			return err
		}
	}
	if r.Owner != "" {
		if err := byOwner.Delete(recKey(r.Owner, r.Kind, r.ID)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteRecords removes the records q selects.
func (s *Store) DeleteRecords(ctx context.Context, q graph.RecordQuery) (int, error) {
	if q.Empty() {
		return 0, op("DeleteRecords", "", graph.Invalid([]graph.Problem{{Field: "query", Reason: "must select something: deleting every record is never meant"}}))
	}
	if err := graph.Invalid(graph.ValidateRecordQuery(q)); err != nil {
		return 0, op("DeleteRecords", q.Kind, err)
	}
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = deleteRecordsTx(tx, q)
		return err
	})
	if err != nil {
		return 0, op("DeleteRecords", q.Kind, err)
	}
	return n, nil
}

func deleteRecordsTx(tx *bolt.Tx, q graph.RecordQuery) (int, error) {
	rs, err := selectRecords(tx, q)
	if err != nil {
		return 0, err
	}
	for _, r := range rs {
		if err := deleteRecordTx(tx, r); err != nil {
			return 0, err
		}
	}
	return len(rs), nil
}
