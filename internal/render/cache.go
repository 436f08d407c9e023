package render

import (
	"container/list"
	"sync"
)

// lru is a cache of rendered maps bounded by entry count and by bytes.
type lru struct {
	mu       sync.Mutex
	max      int
	maxBytes int64
	bytes    int64
	order    *list.List // front: most recently used
	entries  map[string]*list.Element
}

type lruEntry struct {
	key string
	res Result
}

func newLRU(max int, maxBytes int64) *lru {
	return &lru{max: max, maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

func (c *lru) get(key string) (Result, bool) {
	if c.max < 0 {
		return Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return Result{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).res, true
}

func (c *lru) put(key string, res Result) {
	size := int64(len(res.Data))
	if c.max < 0 || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = c.order.PushFront(&lruEntry{key, res})
	c.bytes += size
	for c.order.Len() > c.max || c.bytes > c.maxBytes {
		old := c.order.Back()
		ent := old.Value.(*lruEntry)
		c.order.Remove(old)
		delete(c.entries, ent.key)
		c.bytes -= int64(len(ent.res.Data))
	}
}
