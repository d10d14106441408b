package bot

import (
	"container/list"
	"sync"
	"time"
)

// lruCache keeps recent summaries, bounded in count and age, so the same
// question about the same story version costs one LLM call.
type lruCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	order *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key   string
	reply Reply
	at    time.Time
}

func newLRUCache(size int, ttl time.Duration, now func() time.Time) *lruCache {
	return &lruCache{size: size, ttl: ttl, now: now, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lruCache) get(key string) (Reply, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return Reply{}, false
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.at) > c.ttl {
		c.order.Remove(el)
		delete(c.items, key)
		return Reply{}, false
	}
	c.order.MoveToFront(el)
	return e.reply, true
}

func (c *lruCache) put(key string, r Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value = &cacheEntry{key: key, reply: r, at: c.now()}
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, reply: r, at: c.now()})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}
