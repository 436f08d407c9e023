package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/stakemap/stakemap/graph"
)

// A damaged file must give an error that names it, never a crash. bbolt
// trusts its file: it reads pages through a memory map without checking
// page numbers against the file's length (a truncated file faults with
// SIGBUS) and asserts its invariants by panicking. So the store checks the
// file's meta pages and length before bbolt sees it (checkFile), and runs
// every transaction under guard, which turns a fault or a panic inside
// bbolt into an error matching graph.ErrCorrupt.

// corruptError names a damaged database file and what is wrong with it.
type corruptError struct{ path, what string }

func (e *corruptError) Error() string {
	return "database file " + e.path + " is damaged: " + e.what
}

func (e *corruptError) Is(target error) bool { return target == graph.ErrCorrupt }

// diskFullError says that a write failed because the disk (or quota) is
// full. It matches graph.ErrStorageFull and unwraps to the system's error.
type diskFullError struct {
	path string
	err  error
}

func (e *diskFullError) Error() string {
	return "the disk holding " + e.path + " is full, so nothing was written (free some space and try again): " + e.err.Error()
}

func (e *diskFullError) Is(target error) bool { return target == graph.ErrStorageFull }

func (e *diskFullError) Unwrap() error { return e.err }

// storageError gives a write error its kind: a full disk becomes a
// diskFullError; anything else is left as it is.
func (s *Store) storageError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return &diskFullError{path: s.path, err: err}
	}
	return err
}

// guard runs fn, turning a fault on the memory-mapped file or a panic
// inside bbolt into an error that matches graph.ErrCorrupt. bbolt rolls
// its transaction back while the panic unwinds, so the store stays usable
// for the parts of the file that are sound.
func guard(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			err = &corruptError{path: path, what: fmt.Sprintf("a part of it cannot be read (%v)", r)}
		}
	}()
	return fn()
}

// bbolt's meta page: a 16-byte page header, then magic, version, page
// size, flags, the root bucket (page, sequence), the freelist page, the
// high-water mark (pages in use), the transaction id and an FNV-64a
// checksum of everything before it, all in the machine's byte order.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltPageHeader   = 16
	boltMetaSize     = 64
	boltNoFreelist   = ^uint64(0)
	boltChecksumSpan = 56
)

type boltMeta struct {
	pageSize              uint32
	root, freelist, pages uint64
	txid                  uint64
	valid                 bool
	reason                string
}

// readMeta reads and verifies the meta page at offset off.
func readMeta(f io.ReaderAt, off int64) boltMeta {
	buf := make([]byte, boltPageHeader+boltMetaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		return boltMeta{reason: "cannot be read"}
	}
	m := buf[boltPageHeader:]
	le := binary.NativeEndian
	if le.Uint32(m[0:]) != boltMagic {
		return boltMeta{reason: "has no bbolt marker"}
	}
	if v := le.Uint32(m[4:]); v != boltVersion {
		return boltMeta{reason: fmt.Sprintf("has layout version %d, not %d", v, boltVersion)}
	}
	h := fnv.New64a()
	h.Write(m[:boltChecksumSpan])
	if h.Sum64() != le.Uint64(m[boltChecksumSpan:]) {
		return boltMeta{reason: "fails its checksum"}
	}
	return boltMeta{
		pageSize: le.Uint32(m[8:]),
		root:     le.Uint64(m[16:]),
		freelist: le.Uint64(m[32:]),
		pages:    le.Uint64(m[40:]),
		txid:     le.Uint64(m[48:]),
		valid:    true,
	}
}

// metas reads a file's two meta pages and says which one bbolt uses. As
// bbolt does: the page size comes from the first meta page, or, when that
// one is broken, from the second, searched at every possible size; the
// one used is the valid one with the higher transaction id, so that is
// the one whose pages must be in the file.
func metas(f io.ReaderAt, size int64) (m0, m1, used boltMeta) {
	m0 = readMeta(f, 0)
	if m0.valid {
		m1 = readMeta(f, int64(m0.pageSize))
	} else {
		for i := range 15 {
			if pos := int64(1024) << i; pos < size-1024 {
				if m := readMeta(f, pos); m.valid && int64(m.pageSize) == pos {
					m1 = m
					break
				}
			}
		}
	}
	used = m0
	if !m0.valid || (m1.valid && m1.txid > m0.txid) {
		used = m1
	}
	return m0, m1, used
}

// CheckFile reports, as an error matching graph.ErrCorrupt that names the
// file, whether its start and length are damaged: what Open refuses before
// bbolt reads the file. A file that does not exist is no error.
func CheckFile(path string) error { return checkFile(path) }

// checkFile refuses a file bbolt would crash on or mistake for something
// else: an empty file (it is not an empty store), a file without a valid
// meta page, and a file shorter than its last transaction says (truncated:
// reading the missing pages through the memory map would fault). A file
// that does not exist yet is fine: Open creates it.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	damaged := func(format string, args ...any) error {
		return &corruptError{path: path, what: fmt.Sprintf(format, args...)}
	}
	size := fi.Size()
	switch {
	case !fi.Mode().IsRegular():
		return damaged("it is not a regular file")
	case size == 0:
		return damaged("it is empty (0 bytes), which is not a stakemap database; move it away to start a new one")
	}
	m0, m1, m := metas(f, size)
	if !m.valid {
		return damaged("neither of its two meta pages is valid (the first %s): it is not a stakemap database, or its start was overwritten", m0.reason)
	}
	// bbolt would fall back to the other meta page, silently losing the
	// last change when the broken one was the newer: a sound file always
	// has two valid meta pages.
	if !m0.valid {
		return damaged("its first meta page %s, so its last change may be lost", m0.reason)
	}
	if !m1.valid {
		return damaged("its second meta page %s, so its last change may be lost", orDefault(m1.reason, "cannot be found"))
	}
	if m.pageSize < 512 || m.pageSize&(m.pageSize-1) != 0 {
		return damaged("its meta page gives an impossible page size (%d)", m.pageSize)
	}
	if m.root >= m.pages || (m.freelist >= m.pages && m.freelist != boltNoFreelist) {
		return damaged("its meta page points past its own end (root page %d, freelist page %d, %d pages)", m.root, m.freelist, m.pages)
	}
	if need := m.pages * uint64(m.pageSize); need/uint64(m.pageSize) != m.pages || uint64(size) < need {
		return damaged("it is %d bytes long, but its last transaction needs %d bytes: the file was cut short (truncated)", size, need)
	}
	return nil
}

// damaged checks a workspace read from the file as an import would and
// reports what no import could have written, as a corruptError. Text that
// breaks the text limits is left alone: values stored before the limits
// stay readable and exportable (stakemap check lists them).
func (s *Store) damaged(b *graph.Bundle) error {
	var list []graph.Problem
	if ve, ok := errors.AsType[*graph.ValidationError](b.Validate()); ok {
		for _, p := range ve.Problems {
			if !p.TextLimit() {
				list = append(list, p)
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	what := fmt.Sprintf("workspace %s holds %d records no import could have written, e.g. %s", b.Workspace.ID, len(list), list[0])
	return &corruptError{path: s.path, what: what}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
