package httpapi

import (
	"container/list"
	"sync"
)

// mapCache is a small LRU of rendered maps bounded by entries and bytes.
type mapCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int64
	bytes      int64
	order      *list.List // front: most recently used
	byKey      map[string]*list.Element
}

type mapEntry struct {
	key string
	res MapResult
}

func newMapCache(maxEntries int, maxBytes int64) *mapCache {
	return &mapCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (m *mapCache) get(key string) (MapResult, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return MapResult{}, false
	}
	m.order.MoveToFront(el)
	return el.Value.(*mapEntry).res, true
}

func (m *mapCache) put(key string, res MapResult) {
	size := int64(len(res.Data))
	if size > m.maxBytes/4 {
		return // one huge map must not evict everything else
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byKey[key]; ok {
		m.bytes -= int64(len(el.Value.(*mapEntry).res.Data))
		el.Value.(*mapEntry).res = res
		m.bytes += size
		m.order.MoveToFront(el)
	} else {
		m.byKey[key] = m.order.PushFront(&mapEntry{key: key, res: res})
		m.bytes += size
	}
	for m.order.Len() > m.maxEntries || m.bytes > m.maxBytes {
		el := m.order.Back()
		e := el.Value.(*mapEntry)
		m.order.Remove(el)
		delete(m.byKey, e.key)
		m.bytes -= int64(len(e.res.Data))
	}
}
