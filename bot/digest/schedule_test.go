package digest_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

// wait bounds anything a test waits on; nothing should come near it.
const wait = 10 * time.Second

// fakeClock is a Clock whose time moves only when the test says so.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	changed chan struct{} // signalled whenever someone starts waiting
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, changed: make(chan struct{}, 1000)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	c.changed <- struct{}{}
	return ch
}

// advanceTo moves the clock to t, firing every timer due by then.
func (c *fakeClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	var keep []waiter
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.ch <- t
		} else {
			keep = append(keep, w)
		}
	}
	c.waiters = keep
}

// waitFor waits until n timers are pending and returns the earliest.
func (c *fakeClock) waitFor(t *testing.T, n int) time.Time {
	t.Helper()
	deadline := time.After(wait)
	for {
		c.mu.Lock()
		if len(c.waiters) >= n {
			at := c.waiters[0].at
			for _, w := range c.waiters {
				if w.at.Before(at) {
					at = w.at
				}
			}
			c.mu.Unlock()
			return at
		}
		c.mu.Unlock()
		select {
		case <-c.changed:
		case <-deadline:
			t.Fatalf("the scheduler never waited on the clock (%d timers, want %d)", len(c.waiters), n)
		}
	}
}

// recPoster records posts; failFirst makes the first N posts fail.
type recPoster struct {
	mu        sync.Mutex
	posts     []post
	failFirst int
}

type post struct {
	at      time.Time
	channel string
	reply   bot.Reply
}

func (p *recPoster) Post(_ context.Context, channel string, r bot.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failFirst > 0 {
		p.failFirst--
		return errors.New("platform is down")
	}
	p.posts = append(p.posts, post{channel: channel, reply: r})
	return nil
}

func (p *recPoster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.posts)
}

// clockPoster stamps each post with the fake clock's time.
type clockPoster struct {
	recPoster
	clock *fakeClock
}

func (p *clockPoster) Post(ctx context.Context, channel string, r bot.Reply) error {
	p.mu.Lock()
	p.posts = append(p.posts, post{at: p.clock.Now(), channel: channel, reply: r})
	p.mu.Unlock()
	return nil
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func seedBuilder(t *testing.T) *digest.Builder {
	t.Helper()
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return &digest.Builder{Library: lib}
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// logBuffer collects log output safely from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestFireTimesKeepLocalTimeAcrossDST(t *testing.T) {
	tests := []struct {
		name    string
		zone    string
		at      string
		from    time.Time // a UTC instant before the first firing
		wantUTC []string  // the next firings, in UTC
	}{
		{name: "08:00 in Budapest stays 08:00 across the spring change", zone: "Europe/Budapest", at: "08:00",
			from:    time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z", "2026-03-30T06:00:00Z"}},
		{name: "08:00 in Budapest stays 08:00 across the autumn change", zone: "Europe/Budapest", at: "08:00",
			from:    time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-10-25T07:00:00Z", "2026-10-26T07:00:00Z"}},
		{name: "08:00 in New York stays 08:00 across the spring change", zone: "America/New_York", at: "08:00",
			from:    time.Date(2026, 3, 7, 14, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-03-08T12:00:00Z", "2026-03-09T12:00:00Z"}},
		{name: "08:00 in New York stays 08:00 across the autumn change", zone: "America/New_York", at: "08:00",
			from:    time.Date(2026, 10, 31, 14, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-11-01T13:00:00Z", "2026-11-02T13:00:00Z"}},
		{name: "a time skipped by the spring change fires once, an hour later", zone: "America/New_York", at: "02:30",
			from:    time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"}},
		{name: "a time repeated by the autumn change fires once", zone: "Europe/Budapest", at: "02:30",
			from:    time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC),
			wantUTC: []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := digest.Spec{Name: "d", At: tt.at, Location: mustLoc(t, tt.zone)}
			now := tt.from
			for _, want := range tt.wantUTC {
				next := sp.NextFire(now)
				if got := next.UTC().Format(time.RFC3339); got != want {
					t.Fatalf("after %s: next firing %s, want %s", now.UTC().Format(time.RFC3339), got, want)
				}
				now = next
			}
		})
	}
}

func TestSchedulerPostsAtTheLocalTimeEveryDayAcrossDST(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		start time.Time
	}{
		{name: "Budapest through the spring change", zone: "Europe/Budapest", start: time.Date(2026, 3, 27, 4, 0, 0, 0, time.UTC)},
		{name: "Budapest through the autumn change", zone: "Europe/Budapest", start: time.Date(2026, 10, 23, 4, 0, 0, 0, time.UTC)},
		{name: "New York through the spring change", zone: "America/New_York", start: time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC)},
		{name: "New York through the autumn change", zone: "America/New_York", start: time.Date(2026, 10, 30, 10, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoc(t, tt.zone)
			clock := newFakeClock(tt.start)
			poster := &clockPoster{clock: clock}
			s, err := digest.NewScheduler(digest.SchedulerConfig{
				Specs:   []digest.Spec{{Name: "morning", Platform: "slack", Channel: "C1", At: "08:00", Location: loc}},
				Builder: seedBuilder(t), Runs: openStore(t, filepath.Join(t.TempDir(), "db")),
				Posters: map[string]digest.Poster{"slack": poster}, Clock: clock,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			end := tt.start.Add(4 * 24 * time.Hour)
			for {
				wake := clock.waitFor(t, 1)
				if wake.After(end) {
					break
				}
				clock.advanceTo(wake)
			}
			cancel()
			<-done
			if len(poster.posts) != 4 {
				t.Fatalf("%d posts over four days, want 4", len(poster.posts))
			}
			for _, p := range poster.posts {
				if lt := p.at.In(loc); lt.Hour() != 8 || lt.Minute() != 0 || lt.Second() != 0 {
					t.Errorf("posted at %s local, want 08:00:00", lt.Format("2006-01-02 15:04:05 MST"))
				}
				if p.channel != "C1" || p.reply.Kind != bot.KindDigest || len(p.reply.Quotes) == 0 {
					t.Errorf("posted %+v", p)
				}
			}
		})
	}
}

func TestARestartCatchesUpOnceTheSameDayAndSkipsEarlierDays(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	path := filepath.Join(t.TempDir(), "storybot.db")
	spec := digest.Spec{Name: "am", Platform: "slack", Channel: "C9", At: "08:00", Location: loc}
	var logs logBuffer
	// start stands for one storybot process started at now.
	start := func(now time.Time) int {
		t.Helper()
		poster := &recPoster{}
		clock := newFakeClock(now)
		s, err := digest.NewScheduler(digest.SchedulerConfig{Specs: []digest.Spec{spec}, Builder: seedBuilder(t),
			Runs: openStore(t, path), Posters: map[string]digest.Poster{"slack": poster}, Clock: clock,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		// Run handles what is due, then sleeps on the clock; stopping it
		// then is a process stopping between digests.
		clock.waitFor(t, 1)
		cancel()
		<-done
		return poster.count()
	}
	steps := []struct {
		name  string
		now   time.Time
		posts int
	}{
		{"a start before the digest time posts nothing yet", time.Date(2026, 5, 4, 7, 0, 0, 0, loc), 0},
		{"a restart after the digest time catches up once", time.Date(2026, 5, 4, 11, 0, 0, 0, loc), 1},
		{"another restart the same day does not post again", time.Date(2026, 5, 4, 15, 0, 0, 0, loc), 0},
		{"a restart the next morning before the time does not post yesterday's", time.Date(2026, 5, 5, 6, 0, 0, 0, loc), 0},
		{"a restart two days later posts that day's digest only", time.Date(2026, 5, 7, 9, 0, 0, 0, loc), 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if n := start(st.now); n != st.posts {
				t.Fatalf("%d posts, want %d", n, st.posts)
			}
		})
	}
	t.Run("the skipped days are logged", func(t *testing.T) {
		if !strings.Contains(logs.String(), "skipped_through=2026-05-06") {
			t.Errorf("no log of the skipped days in:\n%s", logs.String())
		}
	})
}

func TestTwoSchedulersOnOneDatabaseNeverBothPost(t *testing.T) {
	loc := mustLoc(t, "Europe/Budapest")
	path := filepath.Join(t.TempDir(), "shared.db")
	start := time.Date(2026, 3, 28, 7, 59, 0, 0, loc)
	clock := newFakeClock(start)
	poster := &clockPoster{clock: clock}
	ctx, cancel := context.WithCancel(context.Background())
	var done sync.WaitGroup
	for range 2 {
		// Each scheduler has its own handle on the file, as two processes would.
		s, err := digest.NewScheduler(digest.SchedulerConfig{
			Specs:   []digest.Spec{{Name: "morning", Platform: "slack", Channel: "C1", At: "08:00", Location: loc}},
			Builder: seedBuilder(t), Runs: openStore(t, path), Posters: map[string]digest.Poster{"slack": poster}, Clock: clock,
		})
		if err != nil {
			t.Fatal(err)
		}
		done.Add(1)
		go func() { defer done.Done(); s.Run(ctx) }()
	}
	end := time.Date(2026, 3, 30, 12, 0, 0, 0, loc) // three local days, one of them 23 hours long
	for {
		wake := clock.waitFor(t, 2) // both asleep
		if wake.After(end) {
			break
		}
		clock.advanceTo(wake)
	}
	if n := poster.count(); n != 3 {
		for _, p := range poster.posts {
			t.Log(p.at.In(loc))
		}
		t.Fatalf("%d posts in three days from two schedulers, want 3", n)
	}
	days := map[string]bool{}
	for _, p := range poster.posts {
		days[p.at.In(loc).Format(time.DateOnly)] = true
	}
	if len(days) != 3 {
		t.Fatalf("posts on %v, want three different days", days)
	}
	cancel()
	done.Wait()
}

func TestAFailedPostIsRetriedWithBackoff(t *testing.T) {
	tests := []struct {
		name      string
		failFirst int
		waits     []time.Duration
		posts     int
		status    string
	}{
		{name: "a post that fails twice goes out on the third attempt", failFirst: 2,
			waits: []time.Duration{time.Second, 2 * time.Second}, posts: 1, status: store.RunPosted},
		{name: "a post that keeps failing is given up after four attempts and recorded as failed", failFirst: 100,
			waits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, posts: 0, status: store.RunFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
			clock := newFakeClock(now)
			st := openStore(t, filepath.Join(t.TempDir(), "db"))
			poster := &recPoster{failFirst: tt.failFirst}
			var logs logBuffer
			s, err := digest.NewScheduler(digest.SchedulerConfig{
				Specs:   []digest.Spec{{Name: "d", Platform: "slack", Channel: "C", At: "08:00", Location: time.UTC}},
				Builder: seedBuilder(t), Runs: st, Posters: map[string]digest.Poster{"slack": poster}, Clock: clock,
				Attempts: 4, Backoff: time.Second, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { s.RunDue(context.Background(), now); close(done) }()
			for i, want := range tt.waits {
				wake := clock.waitFor(t, 1)
				if got := wake.Sub(clock.Now()); got != want {
					t.Fatalf("wait %d: %s, want %s", i+1, got, want)
				}
				clock.advanceTo(wake)
			}
			<-done
			if poster.count() != tt.posts {
				t.Fatalf("%d posts, want %d", poster.count(), tt.posts)
			}
			runs, err := st.DigestRuns(context.Background(), "d")
			if err != nil || len(runs) != 1 || runs[0].Status != tt.status {
				t.Fatalf("runs %+v, %v; want one %s", runs, err, tt.status)
			}
			if tt.status == store.RunFailed && !strings.Contains(logs.String(), "digest not posted") {
				t.Errorf("the failure was not logged:\n%s", logs.String())
			}
		})
	}
}

func TestADigestForAnUnconfiguredPlatformIsSkipped(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	var logs logBuffer
	st := openStore(t, filepath.Join(t.TempDir(), "db"))
	s, err := digest.NewScheduler(digest.SchedulerConfig{
		Specs:   []digest.Spec{{Name: "d", Platform: "discord", Channel: "1", At: "08:00", Location: time.UTC}},
		Builder: seedBuilder(t), Runs: st, Posters: map[string]digest.Poster{"slack": &recPoster{}},
		Clock: newFakeClock(now), Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RunDue(context.Background(), now)
	if !strings.Contains(logs.String(), "platform is not configured") {
		t.Errorf("no log line:\n%s", logs.String())
	}
	if runs, _ := st.DigestRuns(context.Background(), "d"); len(runs) != 0 {
		t.Errorf("a skipped digest claimed its run: %+v", runs)
	}
}

func TestSpecsAreValidatedWithTheKeyNamed(t *testing.T) {
	_, err := digest.NewScheduler(digest.SchedulerConfig{Builder: &digest.Builder{}, Runs: nil, Specs: []digest.Spec{
		{Name: "ok", At: "08:00", Location: time.UTC},
		{Name: "bad-time", At: "8am", Location: time.UTC},
		{Name: "no-zone", At: "09:00"},
		{Name: "ok", At: "10:00", Location: time.UTC},
	}})
	if err == nil {
		t.Fatal("invalid specs accepted")
	}
	for _, want := range []string{"digests[1]: time", "digests[2]: timezone", "digests[3].name", "no Runs store"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
