package embedded

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"os"
	"strings"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/stakemap/stakemap/graph"
)

// OpenReadOnly opens an existing database file for reading only, as
// checking and salvaging need: it never creates, sets up or changes the
// file, and other readers may have it open too. Unlike Open it accepts a
// file that is cut short: every read is guarded, so what lay in the
// missing part fails with graph.ErrCorrupt while the rest stays readable.
func OpenReadOnly(path string) (*Store, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("embedded.OpenReadOnly: %w", err)
	}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("embedded.OpenReadOnly: %w", &corruptError{path: path, what: "it is empty (0 bytes): there is nothing in it to read"})
	}
	var db *bolt.DB
	err = guard(path, func() (err error) {
		db, err = bolt.Open(path, 0o400, &bolt.Options{Timeout: lockTimeout, ReadOnly: true, InitialMmapSize: initialMmapSize})
		return err
	})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("embedded.OpenReadOnly: %w", &inUseError{path})
	case errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch):
		err = &corruptError{path: path, what: "neither of its two meta pages is valid: " + err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("embedded.OpenReadOnly %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	err = s.view(context.Background(), func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || tx.Bucket(bucketWorkspaces) == nil {
			return &corruptError{path: path, what: "it holds no stakemap data (no meta or workspaces bucket)"}
		}
		if f := string(meta.Get(keyFormat)); f != fileFormat {
			return fmt.Errorf("not a stakemap database of a known layout (format %q)", f)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded.OpenReadOnly %s: %w", path, err)
	}
	return s, nil
}

// WorkspaceIDs lists the ids of the workspaces in the file, sorted,
// without reading their records: unlike Workspaces it still answers when
// a workspace's own record is damaged.
func (s *Store) WorkspaceIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWorkspaces).ForEachBucket(func(k []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	return ids, op("WorkspaceIDs", "", err)
}

// Report is what Check found in a database file.
type Report struct {
	// Damage lists what is wrong with the file; empty when it is sound.
	Damage []string
	// TextLimits lists stored values that break the text limits: they stay
	// readable and exportable, and an import refuses them until they are
	// fixed.
	TextLimits []string
	// Workspaces is the number of workspaces in the file.
	Workspaces int
}

// maxReported bounds each list of a Report: a file with a damaged page
// can yield thousands of lines that say the same.
const maxReported = 50

func (r *Report) add(list *[]string, format string, args ...any) {
	switch n := len(*list); {
	case n < maxReported:
		*list = append(*list, fmt.Sprintf(format, args...))
	case n == maxReported:
		*list = append(*list, "… (more not shown)")
	}
}

// Check verifies the whole file: its meta pages and length, the elements
// of every page its trees and freelist reach (read from the file, before
// anything is read through the memory map), every page and key of every
// bucket (bbolt's own consistency check, after a guarded walk that reads
// every page, so that a page the file lacks is an error here rather than a
// fault in bbolt's checker), and every workspace decoded and validated as
// an export reads it. The error is for failures
// other than damage (a canceled context).
func (s *Store) Check(ctx context.Context) (Report, error) {
	var r Report
	fileErr := checkFile(s.path)
	if fileErr != nil {
		r.add(&r.Damage, "%v", fileErr)
	}
	// The pages first, read from the file: read through the memory map, a
	// damaged offset can land on any memory of the process, and what it
	// finds there (a length of gigabytes) has had check take all memory.
	// With damaged pages nothing more is read through the map.
	if err := s.checkPages(); errors.Is(err, graph.ErrCorrupt) {
		r.add(&r.Damage, "%v", err)
		return r, nil
	} else if err != nil {
		return r, err
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		w := &walker{h: fnv.New64a(), left: maxElements(tx.Size())}
		if err := w.walk(tx.Cursor(), 0); err != nil && !strings.Contains(err.Error(), s.path) {
			return fmt.Errorf("database file %s: %w", s.path, err)
		} else {
			return err
		}
	})
	if errors.Is(err, graph.ErrCorrupt) {
		r.add(&r.Damage, "%v", err)
	} else if err != nil {
		return r, err
	} else if fileErr == nil {
		// bbolt's checker reads pages on a goroutine of its own, where a
		// fault cannot be recovered: it runs only on a file whose length
		// holds every page, whose pages keep their elements and overflow
		// inside the file and are reached once each (checkPages: so the
		// trees claim no more pages than the file has), and whose every
		// page the walk has read.
		err = s.view(ctx, func(tx *bolt.Tx) error {
			for e := range tx.Check() {
				r.add(&r.Damage, "database file %s: %v", s.path, e)
			}
			return nil
		})
		if errors.Is(err, graph.ErrCorrupt) {
			r.add(&r.Damage, "%v", err)
		} else if err != nil {
			return r, err
		}
	}
	ids, err := s.WorkspaceIDs(ctx)
	if err != nil {
		if !errors.Is(err, graph.ErrCorrupt) {
			return r, err
		}
		r.add(&r.Damage, "%v", err)
	}
	r.Workspaces = len(ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		b, err := s.readBundle(ctx, id)
		if err != nil {
			r.add(&r.Damage, "workspace %s cannot be read: %v", id, err)
			continue
		}
		ve, ok := errors.AsType[*graph.ValidationError](b.Validate())
		if !ok {
			continue
		}
		for _, p := range ve.Problems {
			if p.TextLimit() {
				r.add(&r.TextLimits, "workspace %s: %s", id, p)
			} else {
				r.add(&r.Damage, "workspace %s: %s", id, p)
			}
		}
	}
	return r, nil
}

// walker reads every key and value below a cursor, descending into
// nested buckets, so that every page of the tree is touched. A damaged
// page can point back at one already read, making the tree a loop a
// cursor would follow for ever: left bounds the elements read by what a
// file of the size can hold.
type walker struct {
	h    hash.Hash
	left int64
}

// maxElements is more than a file of size bytes can hold: every element
// of a bbolt page takes a header of at least 16 bytes.
func maxElements(size int64) int64 { return size/16 + 1024 }

func (w *walker) walk(c *bolt.Cursor, depth int) error {
	if depth > 8 {
		return fmt.Errorf("buckets nested deeper than stakemap ever writes: %w", graph.ErrCorrupt)
	}
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if w.left--; w.left < 0 {
			return fmt.Errorf("the file's tree loops back on itself (more entries than its size can hold): %w", graph.ErrCorrupt)
		}
		if v == nil {
			if nested := c.Bucket().Bucket(k); nested != nil {
				if err := w.walk(nested.Cursor(), depth+1); err != nil {
					return err
				}
			}
			continue
		}
		// Hashing reads every byte, so overflow pages are touched too.
		w.h.Write(v)
	}
	return nil
}
