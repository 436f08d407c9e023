package embedded

import (
	"encoding/binary"
	"fmt"
	"os"
)

// bbolt's consistency check (tx.Check) reads pages on a goroutine of its
// own, where a fault on the memory map cannot be turned into an error:
// a flipped offset in a branch page's key, or a freelist page claiming
// more ids than it holds, kills the process, and a flipped overflow count
// on the freelist page has it mark billions of pages until memory runs
// out. So before it runs, checkPages reads every page the trees and the
// freelist reach straight from the file and refuses any whose elements
// point outside the page.

// bbolt's page layout: a 16-byte header (id, flags, count, overflow), then
// count elements of 16 bytes each. A branch element is (pos, ksize, child
// page); a leaf element is (flags, pos, ksize, vsize); pos counts from the
// element itself. A leaf element flagged as a bucket holds a bucket
// header (root page, sequence), followed, when the root is 0, by the
// bucket's own page inline.
const (
	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltFreelistPage = 0x10
	boltBucketLeaf   = 0x01
	boltElementSize  = 16
	boltBucketHeader = 16
	// boltMaxDepth is deeper than any tree of a file the size of a disk:
	// a deeper one loops.
	boltMaxDepth = 64
)

// pageChecker reads pages of one file whose meta page is m.
type pageChecker struct {
	f       *os.File
	m       boltMeta
	visited map[uint64]bool
}

// checkPages checks the file's tree and freelist pages as described
// above. The file's meta pages and length are checkFile's: it runs after.
func (s *Store) checkPages() error {
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("database file %s: %w", s.path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("database file %s: %w", s.path, err)
	}
	_, _, m := metas(f, fi.Size())
	if !m.valid {
		return nil // checkFile has said so
	}
	c := &pageChecker{f: f, m: m, visited: map[uint64]bool{}}
	if err := c.freelist(); err != nil {
		return &corruptError{path: s.path, what: err.Error()}
	}
	if err := c.tree(m.root, 0); err != nil {
		return &corruptError{path: s.path, what: err.Error()}
	}
	return nil
}

// span reads page id with its overflow pages, after checking that they
// are inside the file's pages.
func (c *pageChecker) span(id uint64) ([]byte, error) {
	if id < 2 || id >= c.m.pages {
		return nil, fmt.Errorf("a tree points at page %d, outside its %d pages", id, c.m.pages)
	}
	ps := uint64(c.m.pageSize)
	head := make([]byte, boltPageHeader)
	if _, err := c.f.ReadAt(head, int64(id*ps)); err != nil {
		return nil, fmt.Errorf("page %d cannot be read: %v", id, err)
	}
	overflow := uint64(binary.NativeEndian.Uint32(head[12:]))
	if id+overflow >= c.m.pages {
		return nil, fmt.Errorf("page %d claims %d overflow pages, past the file's %d pages", id, overflow, c.m.pages)
	}
	buf := make([]byte, (overflow+1)*ps)
	if _, err := c.f.ReadAt(buf, int64(id*ps)); err != nil {
		return nil, fmt.Errorf("page %d cannot be read: %v", id, err)
	}
	return buf, nil
}

func (c *pageChecker) freelist() error {
	if c.m.freelist == boltNoFreelist {
		return nil
	}
	p, err := c.span(c.m.freelist)
	if err != nil {
		return fmt.Errorf("its freelist: %v", err)
	}
	if flags := binary.NativeEndian.Uint16(p[8:]); flags&boltFreelistPage == 0 {
		return fmt.Errorf("its freelist page %d is not marked as one (flags %#x)", c.m.freelist, flags)
	}
	count, start := uint64(binary.NativeEndian.Uint16(p[10:])), uint64(boltPageHeader)
	if count == 0xFFFF {
		// A long list keeps its length in its first id.
		if len(p) < boltPageHeader+8 {
			return fmt.Errorf("its freelist page %d is too short", c.m.freelist)
		}
		count, start = binary.NativeEndian.Uint64(p[boltPageHeader:]), boltPageHeader+8
	}
	if count > uint64(len(p)) || start+count*8 > uint64(len(p)) {
		return fmt.Errorf("its freelist page %d claims %d free pages, more than it holds", c.m.freelist, count)
	}
	return nil
}

// tree checks the page id and every page below it.
func (c *pageChecker) tree(id uint64, depth int) error {
	if depth > boltMaxDepth {
		return fmt.Errorf("its tree is nested deeper than %d pages: it loops", boltMaxDepth)
	}
	if c.visited[id] {
		return fmt.Errorf("page %d is reached twice: its tree loops or pages are shared", id)
	}
	c.visited[id] = true
	p, err := c.span(id)
	if err != nil {
		return err
	}
	return c.page(id, p, depth, false)
}

// page checks one page's elements against its length and descends into
// the pages and buckets they name. inline: the page sits inside a bucket
// value, where nothing may be a bucket.
func (c *pageChecker) page(id uint64, p []byte, depth int, inline bool) error {
	le := binary.NativeEndian
	if len(p) < boltPageHeader {
		return fmt.Errorf("an inline bucket below page %d is shorter than a page header", id)
	}
	flags, count := le.Uint16(p[8:]), uint64(le.Uint16(p[10:]))
	if boltPageHeader+count*boltElementSize > uint64(len(p)) {
		return fmt.Errorf("page %d claims %d elements, more than it holds", id, count)
	}
	size := uint64(len(p))
	for i := range count {
		off := boltPageHeader + i*boltElementSize
		e := p[off : off+boltElementSize]
		switch {
		case flags&boltBranchPage != 0 && !inline:
			pos, ksize, child := uint64(le.Uint32(e[0:])), uint64(le.Uint32(e[4:])), le.Uint64(e[8:])
			if off+pos+ksize > size {
				return fmt.Errorf("page %d: the key of element %d lies outside the page", id, i)
			}
			if err := c.tree(child, depth+1); err != nil {
				return err
			}
		case flags&boltLeafPage != 0:
			eflags := le.Uint32(e[0:])
			pos, ksize, vsize := uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
			if off+pos+ksize+vsize > size {
				return fmt.Errorf("page %d: the key or value of element %d lies outside the page", id, i)
			}
			if eflags&boltBucketLeaf == 0 {
				continue
			}
			if inline {
				return fmt.Errorf("a bucket inside an inline bucket below page %d", id)
			}
			v := p[off+pos+ksize : off+pos+ksize+vsize]
			if vsize < boltBucketHeader {
				return fmt.Errorf("page %d: element %d is a bucket without a bucket header", id, i)
			}
			if root := le.Uint64(v); root != 0 {
				if err := c.tree(root, depth+1); err != nil {
					return err
				}
			} else if err := c.page(id, v[boltBucketHeader:], depth+1, true); err != nil {
				return err
			}
		default:
			return fmt.Errorf("page %d is reached from a tree but is no tree page (flags %#x)", id, flags)
		}
	}
	return nil
}
