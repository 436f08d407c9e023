// Package lru is a least-recently-used cache bounded both by its number of
// entries and by the bytes its values hold, for rendered maps.
package lru

import (
	"container/list"
	"sync"
)

// Cache maps keys to values, dropping the least recently used entries when
// either bound is passed. It is safe for concurrent use.
type Cache[V any] struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int64
	size       func(V) int64
	bytes      int64
	order      *list.List // front: most recently used
	byKey      map[string]*list.Element
}

type entry[V any] struct {
	key   string
	value V
}

// New returns a cache of at most maxEntries values holding at most maxBytes
// in all, each value weighing size(value).
func New[V any](maxEntries int, maxBytes int64, size func(V) int64) *Cache[V] {
	return &Cache[V]{maxEntries: maxEntries, maxBytes: maxBytes, size: size, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns the value for key and marks it recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[V]).value, true
}

// Put stores value under key, replacing what was there, then drops the
// least recently used entries until both bounds hold. A value larger than
// maxBytes on its own is not stored.
func (c *Cache[V]) Put(key string, value V) {
	size := c.size(value)
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		e := el.Value.(*entry[V])
		c.bytes += size - c.size(e.value)
		e.value = value
		c.order.MoveToFront(el)
	} else {
		c.byKey[key] = c.order.PushFront(&entry[V]{key, value})
		c.bytes += size
	}
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		el := c.order.Back()
		e := el.Value.(*entry[V])
		c.order.Remove(el)
		delete(c.byKey, e.key)
		c.bytes -= c.size(e.value)
	}
}

// Len returns the number of entries held.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
