package bot

import (
	"sync"
	"time"
)

// limiter enforces per-user and per-channel question rates with sliding
// windows. Its memory is bounded: idle keys are dropped as it goes.
type limiter struct {
	mu     sync.Mutex
	lim    Limits
	now    func() time.Time
	events map[string][]time.Time
	sweep  time.Time
}

func newLimiter(l Limits, now func() time.Time) *limiter {
	return &limiter{lim: l, now: now, events: map[string][]time.Time{}}
}

// allow records a question from m and reports whether it is within the
// limits; if not, how long until it would be.
func (l *limiter) allow(m Message) (time.Duration, bool) {
	if l.lim.PerUser.N <= 0 && l.lim.PerChannel.N <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.gc(now)
	type check struct {
		key  string
		rate Rate
	}
	checks := []check{
		{"u|" + string(m.Platform) + "|" + m.User, l.lim.PerUser},
		{"c|" + string(m.Platform) + "|" + m.Channel, l.lim.PerChannel},
	}
	var wait time.Duration
	for _, c := range checks {
		if c.rate.N <= 0 || c.rate.Per <= 0 {
			continue
		}
		ev := prune(l.events[c.key], now.Add(-c.rate.Per))
		l.events[c.key] = ev
		if len(ev) >= c.rate.N {
			if w := ev[0].Add(c.rate.Per).Sub(now); w > wait {
				wait = w
			}
		}
	}
	if wait > 0 {
		return wait, false
	}
	for _, c := range checks {
		if c.rate.N > 0 && c.rate.Per > 0 {
			l.events[c.key] = append(l.events[c.key], now)
		}
	}
	return 0, true
}

func prune(ev []time.Time, after time.Time) []time.Time {
	i := 0
	for i < len(ev) && !ev[i].After(after) {
		i++
	}
	return ev[i:]
}

// gc drops keys with no recent events, at most once a minute.
func (l *limiter) gc(now time.Time) {
	if now.Sub(l.sweep) < time.Minute {
		return
	}
	l.sweep = now
	longest := max(l.lim.PerUser.Per, l.lim.PerChannel.Per)
	for k, ev := range l.events {
		if len(ev) == 0 || now.Sub(ev[len(ev)-1]) > longest {
			delete(l.events, k)
		}
	}
}
