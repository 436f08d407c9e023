package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/stakemap/stakemap/graph"
)

func badKind(kind graph.Kind) error {
	return graph.Invalid([]graph.Problem{{Field: "kind", Value: string(kind), Reason: "is not a node kind"}})
}

func badRelKind(kind graph.RelKind) error {
	return graph.Invalid([]graph.Problem{{Field: "kind", Value: string(kind), Reason: "is not a relationship kind"}})
}

func checkVersion(kind graph.Kind, id string, stored, want int64) error {
	if want != 0 && want != stored {
		return fmt.Errorf("%s %q is at version %d, not %d: %w", kind, id, stored, want, graph.ErrStale)
	}
	return nil
}

// CreateNode adds a node (defaults applied) at the version of the write,
// a number the file has never given before.
func (s *Store) CreateNode(ctx context.Context, ws string, n graph.Node) (int64, error) {
	if n = graph.NormalizeNode(n); n == nil {
		return 0, op("CreateNode", ws, badKind(""))
	}
	subject := ws + "/" + n.NodeID()
	if err := graph.Invalid(graph.ValidateNode(n, "")); err != nil {
		return 0, op("CreateNode", subject, err)
	}
	var version int64
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		if k, taken := lookup(w)(n.NodeID()); taken {
			return fmt.Errorf("id %q is taken by a %s: %w", n.NodeID(), k, graph.ErrConflict)
		}
		if err := graph.Invalid(graph.NodeRefProblems(n, "", lookup(w))); err != nil {
			return err
		}
		if version, err = touch(tx, w); err != nil {
			return err
		}
		if err := putNode(w, n, version); err != nil {
			return err
		}
		if err := w.Bucket(bucketIDs).Put([]byte(n.NodeID()), []byte{kindCodes[n.NodeKind()]}); err != nil {
			return err
		}
		if err := putAll(w.Bucket(bucketRefs), nodeRefs(n), nil); err != nil {
			return err
		}
		return record(ctx, tx, ws, graph.NodeEvent(nil, n))
	})
	if err != nil {
		return 0, op("CreateNode", subject, err)
	}
	return version, nil
}

func putNode(w *bolt.Bucket, n graph.Node, version int64) error {
	v, err := encodeNode(n, version)
	if err != nil {
		return err
	}
	return w.Bucket(nodeBucket(n.NodeKind())).Put([]byte(n.NodeID()), v)
}

func putAll(b *bolt.Bucket, keys [][]byte, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	for _, k := range keys {
		if err := b.Put(k, value); err != nil {
			return err
		}
	}
	return nil
}

func deleteAll(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// getNode reads a node of a kind; ErrNotFound when the id is absent or of
// another kind.
func getNode(w *bolt.Bucket, kind graph.Kind, id string) (graph.Node, int64, error) {
	nb := w.Bucket(nodeBucket(kind))
	if nb == nil {
		return nil, 0, badKind(kind)
	}
	v := nb.Get([]byte(id))
	if v == nil {
		return nil, 0, notFound(string(kind), id)
	}
	return decodeNode(kind, v)
}

// Node returns the node of that kind and id with its version.
func (s *Store) Node(ctx context.Context, ws string, kind graph.Kind, id string) (graph.Node, int64, error) {
	var (
		n   graph.Node
		ver int64
	)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		n, ver, err = getNode(w, kind, id)
		return err
	})
	return n, ver, op("Node", ws+"/"+id, err)
}

// UpdateNode replaces a node when version is current (or 0) and returns
// the new version.
func (s *Store) UpdateNode(ctx context.Context, ws string, n graph.Node, version int64) (int64, error) {
	if n = graph.NormalizeNode(n); n == nil {
		return 0, op("UpdateNode", ws, badKind(""))
	}
	subject := ws + "/" + n.NodeID()
	if err := graph.Invalid(graph.ValidateNode(n, "")); err != nil {
		return 0, op("UpdateNode", subject, err)
	}
	var next int64
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		old, stored, err := getNode(w, n.NodeKind(), n.NodeID())
		if err != nil {
			return err
		}
		if err := checkVersion(n.NodeKind(), n.NodeID(), stored, version); err != nil {
			return err
		}
		if err := graph.Invalid(graph.NodeRefProblems(n, "", lookup(w))); err != nil {
			return err
		}
		refs := w.Bucket(bucketRefs)
		if err := deleteAll(refs, nodeRefs(old)); err != nil {
			return err
		}
		if err := putAll(refs, nodeRefs(n), nil); err != nil {
			return err
		}
		if next, err = touch(tx, w); err != nil {
			return err
		}
		if err := putNode(w, n, next); err != nil {
			return err
		}
		if e := graph.NodeEvent(old, n); !bytes.Equal(e.Before, e.After) {
			return record(ctx, tx, ws, e)
		}
		return nil
	})
	if err != nil {
		return 0, op("UpdateNode", subject, err)
	}
	return next, nil
}

// DeleteNode removes a node and cleans up after it as graph.Store says.
func (s *Store) DeleteNode(ctx context.Context, ws string, kind graph.Kind, id string, version int64) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		n, stored, err := getNode(w, kind, id)
		if err != nil {
			return err
		}
		if err := checkVersion(kind, id, stored, version); err != nil {
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
		return record(ctx, tx, ws, events...)
	})
	return op("DeleteNode", ws+"/"+id, err)
}

// deleteNode removes n, every relationship at it and every reference to
// it, using the indexes: a prefix scan per relationship kind and one of
// the refs bucket. Nodes that lose a reference get version seq. It
// appends the events of every change to events.
func deleteNode(w *bolt.Bucket, n graph.Node, seq int64, events *[]graph.Event) error {
	id := n.NodeID()
	prefix := refPrefix(id)
	for _, kind := range graph.RelKinds {
		fwd, rev := w.Bucket(relBucket(kind)), w.Bucket(revBucket(kind))
		// Relationships where id is the first end, then the second.
		first, second := scanPrefix(fwd, prefix), scanPrefix(rev, prefix)
		for _, k := range first {
			if err := relationGone(fwd, kind, k, events); err != nil {
				return err
			}
			if err := errors.Join(fwd.Delete(k), rev.Delete(reverseKey(k))); err != nil {
				return err
			}
		}
		for _, k := range second {
			if err := relationGone(fwd, kind, reverseKey(k), events); err != nil {
				return err
			}
			if err := errors.Join(rev.Delete(k), fwd.Delete(reverseKey(k))); err != nil {
				return err
			}
		}
	}
	refs := w.Bucket(bucketRefs)
	for _, k := range scanPrefix(refs, prefix) {
		code, rest, ok := splitRef(k)
		if !ok {
			return fmt.Errorf("corrupt index entry %q", k)
		}
		if err := unlink(w, code, string(rest), id, seq, events); err != nil {
			return err
		}
		if err := refs.Delete(k); err != nil {
			return err
		}
	}
	if err := deleteAll(refs, nodeRefs(n)); err != nil {
		return err
	}
	if err := w.Bucket(bucketIDs).Delete([]byte(id)); err != nil {
		return err
	}
	*events = append(*events, graph.NodeEvent(n, nil))
	return w.Bucket(nodeBucket(n.NodeKind())).Delete([]byte(id))
}

// relationGone appends the deletion event of the relationship stored
// under the forward key k.
func relationGone(fwd *bolt.Bucket, kind graph.RelKind, k []byte, events *[]graph.Event) error {
	r, err := decodeRel(kind, k, fwd.Get(k))
	if err != nil {
		return err
	}
	*events = append(*events, graph.RelationEvent(r, nil))
	return nil
}

// scanPrefix returns copies of the keys of b that start with prefix.
func scanPrefix(b *bolt.Bucket, prefix []byte) [][]byte {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// unlink removes the reference to id from the node src that holds it: an
// engagement's with or about, an enabler's owner. The changed node gets
// version seq; an engagement left with nobody is deleted.
func unlink(w *bolt.Bucket, code byte, src, id string, seq int64, events *[]graph.Event) error {
	kind := graph.KindEngagement
	if code == refOwner {
		kind = graph.KindEnabler
	}
	n, _, err := getNode(w, kind, src)
	if err != nil {
		return fmt.Errorf("index entry for %q: %w", src, err)
	}
	old := n
	switch x := n.(type) {
	case graph.Enabler:
		x.Owner = ""
		n = x
	case graph.Engagement:
		x.With, x.About = slices.Clone(x.With), slices.Clone(x.About)
		if code == refWith {
			x.With = slices.DeleteFunc(x.With, func(s string) bool { return s == id })
			if len(x.With) == 0 {
				return deleteNode(w, old, seq, events)
			}
		} else {
			x.About = slices.DeleteFunc(x.About, func(s string) bool { return s == id })
		}
		n = x
	}
	*events = append(*events, graph.NodeEvent(old, n))
	return putNode(w, n, seq)
}

// Nodes lists the nodes of one kind sorted by id.
func (s *Store) Nodes(ctx context.Context, ws string, kind graph.Kind) ([]graph.Node, error) {
	out := []graph.Node{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		nb := w.Bucket(nodeBucket(kind))
		if nb == nil {
			return badKind(kind)
		}
		return nb.ForEach(func(k, v []byte) error {
			n, _, err := decodeNode(kind, v)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			out = append(out, n)
			return nil
		})
	})
	if err != nil {
		return nil, op("Nodes", ws+"/"+string(kind), err)
	}
	return out, nil
}
