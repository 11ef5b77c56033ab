package ghclient

import (
	"container/list"
	"sync"
)

// responseCache is a size-bounded, least-recently-used store for the ETag
// cache (it satisfies httpcache.Cache). httpcache's own memory cache never
// forgets anything; a long-running server needs a bound. One is created
// per GitHub client, and clients are per installation, so one
// installation's private responses can never be served to another.
type responseCache struct {
	mu       sync.Mutex
	maxBytes int
	size     int
	order    *list.List // front = most recently used
	entries  map[string]*list.Element
}

type cachedResponse struct {
	key  string
	data []byte
}

// defaultResponseCacheBytes per installation: enough for the policy file,
// team member lists and a few PRs' files and reviews.
const defaultResponseCacheBytes = 4 << 20

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{maxBytes: maxBytes, order: list.New(), entries: make(map[string]*list.Element)}
}

func (c *responseCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cachedResponse).data, true
}

func (c *responseCache) Set(key string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.removeLocked(el)
	}
	if len(data) > c.maxBytes {
		return // larger than the whole cache: not worth evicting everything
	}
	c.entries[key] = c.order.PushFront(&cachedResponse{key: key, data: data})
	c.size += len(data)
	for c.size > c.maxBytes {
		c.removeLocked(c.order.Back())
	}
}

func (c *responseCache) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.removeLocked(el)
	}
}

func (c *responseCache) removeLocked(el *list.Element) {
	entry := el.Value.(*cachedResponse)
	c.order.Remove(el)
	delete(c.entries, entry.key)
	c.size -= len(entry.data)
}
