package embedded

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stakemap/stakemap/graph"
)

// AddRelation adds a relationship whose ends exist.
func (s *Store) AddRelation(ctx context.Context, ws string, r graph.Relation) error {
	if r == nil {
		return op("AddRelation", ws, badRelKind(""))
	}
	r = graph.RelationValue(r)
	kind, key := r.RelKind(), r.Key()
	subject := ws + "/" + graph.DescribeRelation(kind, key)
	if err := graph.Invalid(graph.ValidateRelation(r, "")); err != nil {
		return op("AddRelation", subject, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		if err := graph.Invalid(graph.RelationRefProblems(r, "", lookup(w))); err != nil {
			return err
		}
		rb := w.Bucket(relBucket(kind))
		k := encodeRelKey(key)
		if rb.Get(k) != nil {
			return fmt.Errorf("%s exists: %w", graph.DescribeRelation(kind, key), graph.ErrConflict)
		}
		if err := rb.Put(k, encodeRelValue(r)); err != nil {
			return err
		}
		if err := w.Bucket(revBucket(kind)).Put(reverseKey(k), []byte{}); err != nil {
			return err
		}
		if err := record(ctx, tx, ws, graph.RelationEvent(nil, r)); err != nil {
			return err
		}
		_, err = touch(tx, w)
		return err
	})
	return op("AddRelation", subject, err)
}

// RemoveRelation removes the relationship of that kind and key.
func (s *Store) RemoveRelation(ctx context.Context, ws string, kind graph.RelKind, key graph.RelKey) error {
	subject := ws + "/" + graph.DescribeRelation(kind, key)
	if !validRelKind(kind) {
		return op("RemoveRelation", subject, badRelKind(kind))
	}
	// A key that no relationship can have names none; checking keeps a
	// crafted key (say, with a NUL inside) from aliasing a stored one.
	wellFormed := graph.ValidID(key.A) && graph.ValidID(key.B) && (key.C != "") == (kind == graph.RelStake) && !strings.ContainsRune(key.C, 0)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		rb := w.Bucket(relBucket(kind))
		k := encodeRelKey(key)
		if !wellFormed || rb.Get(k) == nil {
			return fmt.Errorf("%s: %w", graph.DescribeRelation(kind, key), graph.ErrNotFound)
		}
		var events []graph.Event
		if err := relationGone(rb, kind, k, &events); err != nil {
			return err
		}
		if err := record(ctx, tx, ws, events...); err != nil {
			return err
		}
		if err := rb.Delete(k); err != nil {
			return err
		}
		if err := w.Bucket(revBucket(kind)).Delete(reverseKey(k)); err != nil {
			return err
		}
		_, err = touch(tx, w)
		return err
	})
	return op("RemoveRelation", subject, err)
}

// Relations lists the relationships of one kind in canonical order: the
// order of the keys in the file.
func (s *Store) Relations(ctx context.Context, ws string, kind graph.RelKind) ([]graph.Relation, error) {
	out := []graph.Relation{}
	if !validRelKind(kind) {
		return nil, op("Relations", ws+"/"+string(kind), badRelKind(kind))
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		return w.Bucket(relBucket(kind)).ForEach(func(k, v []byte) error {
			r, err := decodeRel(kind, k, v)
			if err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, op("Relations", ws+"/"+string(kind), err)
	}
	return out, nil
}
