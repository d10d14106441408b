package bot

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// ThreadLimits bound what the handler remembers of conversations.
type ThreadLimits struct {
	MaxThreads int           // default 1000; the least recently used is forgotten
	MaxTurns   int           // earlier questions kept per thread, default 4
	TTL        time.Duration // a thread idle this long is forgotten, default 1h
}

// threadStore remembers the recent questions of each thread so that a
// follow-up ("and why?") is answered in context.
type threadStore struct {
	mu    sync.Mutex
	lim   ThreadLimits
	now   func() time.Time
	order *list.List // of *thread, most recent first
	byKey map[string]*list.Element
}

type thread struct {
	key   string
	turns []string
	seen  time.Time
}

func newThreadStore(lim ThreadLimits, now func() time.Time) *threadStore {
	if lim.MaxThreads <= 0 {
		lim.MaxThreads = 1000
	}
	if lim.MaxTurns <= 0 {
		lim.MaxTurns = 4
	}
	if lim.TTL <= 0 {
		lim.TTL = time.Hour
	}
	return &threadStore{lim: lim, now: now, order: list.New(), byKey: map[string]*list.Element{}}
}

// threadKey identifies a conversation: the thread, else the DM channel.
// Top-level channel messages have no thread context.
func threadKey(m Message) string {
	switch {
	case m.Thread != "":
		return string(m.Platform) + "|" + m.Workspace + "|" + m.Channel + "|" + m.Thread
	case m.DM:
		return string(m.Platform) + "|dm|" + m.Channel
	}
	return ""
}

// context returns the thread's earlier questions (and the speakers their
// answers quoted), most recent last, or "".
func (t *threadStore) context(key string) string {
	if key == "" {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	el, ok := t.byKey[key]
	if !ok {
		return ""
	}
	th := el.Value.(*thread)
	if t.now().Sub(th.seen) > t.lim.TTL {
		t.order.Remove(el)
		delete(t.byKey, key)
		return ""
	}
	return strings.Join(th.turns, " ")
}

// add remembers a question asked in a thread.
func (t *threadStore) add(key, question, speakers string) {
	if key == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	turn := strings.TrimSpace(question + " " + speakers)
	el, ok := t.byKey[key]
	if !ok {
		el = t.order.PushFront(&thread{key: key})
		t.byKey[key] = el
	}
	th := el.Value.(*thread)
	th.turns = append(th.turns, turn)
	if len(th.turns) > t.lim.MaxTurns {
		th.turns = th.turns[len(th.turns)-t.lim.MaxTurns:]
	}
	th.seen = t.now()
	t.order.MoveToFront(el)
	for t.order.Len() > t.lim.MaxThreads {
		last := t.order.Back()
		t.order.Remove(last)
		delete(t.byKey, last.Value.(*thread).key)
	}
}

// Known reports whether the handler has answered in a thread, so adapters
// can tell a follow-up from chatter they should ignore.
func (h *Handler) Known(m Message) bool {
	return h.threads.context(threadKey(m)) != ""
}
