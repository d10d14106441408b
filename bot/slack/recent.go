package slack

import (
	"container/list"
	"sync"
	"time"
)

// recentSet remembers keys for a while, holding at most max of them, so
// memory stays bounded however long the bot runs. It is used to answer a
// redelivered event once and to know which threads the bot has spoken in.
type recentSet struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *recentEntry, oldest first
	items map[string]*list.Element
}

type recentEntry struct {
	key string
	at  time.Time
}

func newRecentSet(max int, ttl time.Duration, now func() time.Time) *recentSet {
	return &recentSet{max: max, ttl: ttl, now: now, order: list.New(), items: map[string]*list.Element{}}
}

// add records key (refreshing it if present) and reports whether it was
// new, i.e. not seen within the TTL.
func (s *recentSet) add(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if el, ok := s.items[key]; ok {
		el.Value.(*recentEntry).at = now
		s.order.MoveToBack(el)
		return false
	}
	s.items[key] = s.order.PushBack(&recentEntry{key: key, at: now})
	for s.order.Len() > s.max {
		s.remove(s.order.Front())
	}
	return true
}

// has reports whether key was added within the TTL.
func (s *recentSet) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(s.now())
	_, ok := s.items[key]
	return ok
}

func (s *recentSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}

func (s *recentSet) expire(now time.Time) {
	for el := s.order.Front(); el != nil; el = s.order.Front() {
		if now.Sub(el.Value.(*recentEntry).at) < s.ttl {
			return
		}
		s.remove(el)
	}
}

func (s *recentSet) remove(el *list.Element) {
	delete(s.items, el.Value.(*recentEntry).key)
	s.order.Remove(el)
}
