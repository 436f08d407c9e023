package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/stakemap/stakemap/graph"
)

// importFill packs pages full: an import writes every bucket in key order
// into fresh buckets, so half-empty pages (bbolt's default for random
// inserts) would only double the file and the pages to write.
const importFill = 1.0

// arena hands out byte slices from large blocks: an import creates
// hundreds of thousands of small keys that must stay valid until commit,
// and one allocation per block keeps the garbage collector out of the way.
type arena struct{ block []byte }

func (a *arena) alloc(n int) []byte {
	if len(a.block)+n > cap(a.block) {
		a.block = make([]byte, 0, max(n, 1<<20))
	}
	start := len(a.block)
	a.block = a.block[:start+n]
	return a.block[start : start+n : start+n]
}

func (a *arena) join(parts ...string) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	b := a.alloc(n)[:0]
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

type kv struct{ k, v []byte }

// plan is a validated bundle encoded into the sorted key/value lists of
// every bucket, ready to be written in one pass.
type plan struct {
	ws    graph.Workspace
	ids   []kv
	nodes map[graph.Kind][]kv
	rels  map[graph.RelKind][]kv
	revs  map[graph.RelKind][][]byte
	refs  [][]byte
}

func encodeBundle(b *graph.Bundle) (*plan, error) {
	var a arena
	p := &plan{ws: b.Workspace, nodes: map[graph.Kind][]kv{}, rels: map[graph.RelKind][]kv{}, revs: map[graph.RelKind][][]byte{}}
	var err error
	b.Nodes(func(_ string, _ int, n graph.Node) {
		if err != nil {
			return
		}
		var v []byte
		if v, err = encodeNode(n, 1); err != nil {
			return
		}
		id := []byte(n.NodeID())
		p.nodes[n.NodeKind()] = append(p.nodes[n.NodeKind()], kv{id, v})
		p.ids = append(p.ids, kv{id, []byte{kindCodes[n.NodeKind()]}})
		p.refs = append(p.refs, nodeRefs(n)...)
	})
	if err != nil {
		return nil, err
	}
	b.Relations(func(_ string, _ int, r graph.Relation) {
		kind, key := r.RelKind(), r.Key()
		var k []byte
		if key.C != "" {
			k = a.join(key.A, key.B, key.C)
		} else {
			k = a.join(key.A, key.B)
		}
		p.rels[kind] = append(p.rels[kind], kv{k, encodeRelValue(r)})
		if key.C != "" {
			p.revs[kind] = append(p.revs[kind], a.join(key.B, key.A, key.C))
		} else {
			p.revs[kind] = append(p.revs[kind], a.join(key.B, key.A))
		}
	})
	slices.SortFunc(p.ids, func(x, y kv) int { return bytes.Compare(x.k, y.k) })
	slices.SortFunc(p.refs, bytes.Compare)
	for _, list := range p.revs {
		slices.SortFunc(list, bytes.Compare)
	}
	// The bundle is canonical, and canonical order is byte order of the
	// encoded keys; checking is cheap and guards the layout's assumption.
	for kind, list := range p.nodes {
		if !slices.IsSortedFunc(list, func(x, y kv) int { return bytes.Compare(x.k, y.k) }) {
			return nil, fmt.Errorf("%s not in key order", kind)
		}
	}
	for kind, list := range p.rels {
		if !slices.IsSortedFunc(list, func(x, y kv) int { return bytes.Compare(x.k, y.k) }) {
			return nil, fmt.Errorf("%s not in key order", kind)
		}
	}
	return p, nil
}

// ImportBundle validates b and replaces its workspace with it in one
// transaction. Every node gets the version of the import, a number the
// file has never given before, so a caller holding an older version
// cannot overwrite imported data.
func (s *Store) ImportBundle(ctx context.Context, b *graph.Bundle, pre graph.Precondition) error {
	if b == nil {
		return op("ImportBundle", "", graph.Invalid([]graph.Problem{{Field: "bundle", Reason: "is missing"}}))
	}
	c := b.Clone()
	c.ApplyDefaults()
	ws := c.Workspace.ID
	if err := c.Validate(); err != nil {
		return op("ImportBundle", ws, err)
	}
	c.Canonicalize()
	p, err := encodeBundle(c)
	if err != nil {
		return op("ImportBundle", ws, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketWorkspaces)
		old := all.Bucket([]byte(ws))
		if err := checkPrecondition(old, pre); err != nil {
			return err
		}
		var before *graph.Bundle
		if old != nil {
			var err error
			if before, err = bucketBundle(old); err != nil {
				return err
			}
			if err := all.DeleteBucket([]byte(ws)); err != nil {
				return err
			}
		} else {
			if err := dropHistory(tx, ws); err != nil {
				return err
			}
			if err := created(tx, ws); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, ws, graph.DiffBundles(before, c)...); err != nil {
			return err
		}
		w, seq, err := createWorkspace(tx, p.ws, importFill)
		if err != nil {
			return err
		}
		for _, list := range p.nodes {
			for _, e := range list {
				binary.BigEndian.PutUint64(e.v, uint64(seq))
			}
		}
		if err := putSorted(w.Bucket(bucketIDs), p.ids); err != nil {
			return err
		}
		for _, k := range graph.Kinds {
			if err := putSorted(w.Bucket(nodeBucket(k)), p.nodes[k]); err != nil {
				return err
			}
		}
		for _, k := range graph.RelKinds {
			if err := putSorted(w.Bucket(relBucket(k)), p.rels[k]); err != nil {
				return err
			}
		}
		for _, k := range graph.RelKinds {
			if err := putAll(w.Bucket(revBucket(k)), p.revs[k], nil); err != nil {
				return err
			}
		}
		if err := putAll(w.Bucket(bucketRefs), p.refs, nil); err != nil {
			return err
		}
		// The last chance to give up: after this the commit is all or nothing.
		return ctx.Err()
	})
	return op("ImportBundle", ws, err)
}

func putSorted(b *bolt.Bucket, list []kv) error {
	for _, e := range list {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// ExportBundle reads the whole workspace in one read transaction, so the
// document is a consistent snapshot. A workspace whose records are damaged
// is an error matching graph.ErrCorrupt rather than a document that would
// not import back.
func (s *Store) ExportBundle(ctx context.Context, ws string) (*graph.Bundle, error) {
	b, err := s.readBundle(ctx, ws)
	if err != nil {
		return nil, op("ExportBundle", ws, err)
	}
	// Every record decoded; now the whole must be what an import could
	// have written, or the document would not import back: a damaged file
	// can decode into valid JSON with a wrong value or a lost reference.
	if err := s.damaged(b); err != nil {
		return nil, op("ExportBundle", ws, err)
	}
	return b, nil
}

// readBundle reads and decodes a workspace in one read transaction, in
// canonical order with defaults applied.
func (s *Store) readBundle(ctx context.Context, ws string) (*graph.Bundle, error) {
	var b *graph.Bundle
	err := s.view(ctx, func(tx *bolt.Tx) error {
		w, err := wsBucket(tx, ws)
		if err != nil {
			return err
		}
		b, err = bucketBundle(w)
		return err
	})
	return b, err
}

// bucketBundle reads a workspace bucket as a bundle in canonical order
// with defaults applied: for an export, or for the old state an import
// compares the new one with.
func bucketBundle(w *bolt.Bucket) (*graph.Bundle, error) {
	b := &graph.Bundle{Format: graph.Format}
	var err error
	if b.Workspace, err = readWorkspace(w); err != nil {
		return nil, err
	}
	if err := exportNodes(w, &b.Stakeholders); err != nil {
		return nil, err
	}
	if err := exportNodes(w, &b.Trajectories); err != nil {
		return nil, err
	}
	if err := exportNodes(w, &b.Goals); err != nil {
		return nil, err
	}
	if err := exportNodes(w, &b.Enablers); err != nil {
		return nil, err
	}
	if err := exportNodes(w, &b.Engagements); err != nil {
		return nil, err
	}
	if err := errors.Join(
		exportRels(w, &b.Stakes),
		exportRels(w, &b.Influences),
		exportRels(w, &b.ReportsTo),
		exportRels(w, &b.Supports),
		exportRels(w, &b.DependsOn),
	); err != nil {
		return nil, err
	}
	b.ApplyDefaults()
	// Stored order is canonical already; sorting sorted data is linear and
	// keeps the promise should the canonical order ever gain a rule.
	b.Canonicalize()
	return b, nil
}

func exportNodes[T graph.Node](w *bolt.Bucket, out *[]T) error {
	var zero T
	kind := zero.NodeKind()
	nb := w.Bucket(nodeBucket(kind))
	list := []T{}
	err := nb.ForEach(func(k, v []byte) error {
		n, _, err := decodeNode(kind, v)
		if err != nil {
			return fmt.Errorf("%s %s: %w", kind, k, err)
		}
		list = append(list, n.(T))
		return nil
	})
	*out = list
	return err
}

func exportRels[T graph.Relation](w *bolt.Bucket, out *[]T) error {
	var zero T
	kind := zero.RelKind()
	rb := w.Bucket(relBucket(kind))
	list := []T{}
	err := rb.ForEach(func(k, v []byte) error {
		r, err := decodeRel(kind, k, v)
		if err != nil {
			return err
		}
		list = append(list, r.(T))
		return nil
	})
	*out = list
	return err
}
