package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// compactTxSize bounds the size of each write of a compaction, so that
// compacting a large file does not hold it all in memory.
const compactTxSize = 64 << 20

// Compact rewrites the database file at path into a new file holding only
// live data, then puts it in the old one's place. bbolt keeps freed pages
// in the file with their old bytes; after an erasure, only a compaction
// makes sure that no byte of the file holds the erased person. The file
// must not be open elsewhere. It returns the sizes before and after.
func Compact(path string) (before, after int64, err error) {
	fail := func(err error) (int64, int64, error) {
		return 0, 0, fmt.Errorf("embedded.Compact %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	src, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fail(&inUseError{path})
	}
	if err != nil {
		return fail(err)
	}
	tmp := path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, info.Mode().Perm(), &bolt.Options{Timeout: lockTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		src.Close()
		return fail(err)
	}
	err = bolt.Compact(dst, src, compactTxSize)
	if err == nil {
		err = dst.Sync()
	}
	err = errors.Join(err, dst.Close())
	if err != nil {
		src.Close()
		os.Remove(tmp)
		return fail(err)
	}
	// Rename while the old file is still locked, so no other process
	// opens it between; the lock goes with the old inode.
	if err := os.Rename(tmp, path); err != nil {
		src.Close()
		os.Remove(tmp)
		return fail(err)
	}
	if err := src.Close(); err != nil {
		return fail(err)
	}
	if err := syncDir(path); err != nil {
		return fail(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	return info.Size(), st.Size(), nil
}

// syncDir makes a rename in the file's directory durable.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
