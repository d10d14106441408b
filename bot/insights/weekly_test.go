package insights_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/insights"
	"github.com/storybot/storybot/store"
)

// recordingPoster remembers what was posted, and when the fake clock said.
type recordingPoster struct {
	mu    sync.Mutex
	posts []bot.Reply
	clock insights.Clock // if set, the time of each post is sent on sent
	sent  chan time.Time
}

func (p *recordingPoster) Post(ctx context.Context, channel string, r bot.Reply) error {
	p.mu.Lock()
	p.posts = append(p.posts, r)
	p.mu.Unlock()
	if p.sent != nil {
		select {
		case p.sent <- p.clock.Now():
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (p *recordingPoster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.posts)
}

// fakeClock jumps forward by whatever it is asked to wait.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

var monday9 = insights.WeeklySpec{Name: "editors", Platform: "slack", Channel: "C-EDITORS", Weekday: time.Monday, At: "09:00",
	Location: time.UTC}

// openStore opens the SQLite store at path, closed when the test ends.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newWeekly(t *testing.T, s *store.Store, p insights.Poster, clock insights.Clock) *insights.Weekly {
	t.Helper()
	w, err := insights.NewWeekly(insights.WeeklyConfig{Specs: []insights.WeeklySpec{monday9}, Source: s, Runs: s,
		Posters: map[string]insights.Poster{"slack": p}, Clock: clock, PageURL: "https://bot.example.com/insights"})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestTheWeeklyPostGoesOutOncePerWeekAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "storybot.db")
	p := &recordingPoster{}
	mon := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Monday
	first := newWeekly(t, openStore(t, path), p, nil)
	steps := []struct {
		name  string
		w     *insights.Weekly
		at    time.Time
		posts int
	}{
		{"nothing is posted before the time", first, mon.Add(8*time.Hour + 59*time.Minute), 0},
		{"the post goes out at the time", first, mon.Add(9 * time.Hour), 1},
		{"later that day it is not posted again", first, mon.Add(12 * time.Hour), 1},
		{"a restarted storybot does not post it again that week", newWeekly(t, openStore(t, path), p, nil),
			mon.Add(3 * 24 * time.Hour), 1},
		{"a storybot down on the day does not post it days late", newWeekly(t, openStore(t, filepath.Join(t.TempDir(), "other.db")), p, nil),
			mon.Add(3 * 24 * time.Hour), 1},
		{"the next week it goes out again", first, mon.Add(7*24*time.Hour + 9*time.Hour + time.Minute), 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.w.RunDue(ctx, st.at)
			if got := p.count(); got != st.posts {
				t.Fatalf("%d posts, want %d", got, st.posts)
			}
		})
	}
	t.Run("the post links the page", func(t *testing.T) {
		if r := p.posts[0]; !contains(r.Text, "https://bot.example.com/insights") {
			t.Fatalf("post:\n%s", r.Text)
		}
	})
}

func TestTwoReplicasPostTheWeeklyInsightsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "storybot.db")
	p := &recordingPoster{}
	a, b := newWeekly(t, openStore(t, path), p, nil), newWeekly(t, openStore(t, path), p, nil)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) // an hour late: both catch up on start
	var wg sync.WaitGroup
	for _, w := range []*insights.Weekly{a, b} {
		wg.Go(func() { w.RunDue(ctx, at) })
	}
	wg.Wait()
	if got := p.count(); got != 1 {
		t.Fatalf("%d posts, want 1", got)
	}
}

func TestTheWeeklyPosterWaitsForItsTimeOnTheClock(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{now: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)} // Sunday night
	p := &recordingPoster{clock: clock, sent: make(chan time.Time, 1)}
	w := newWeekly(t, openStore(t, filepath.Join(t.TempDir(), "storybot.db")), p, clock)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if now, want := <-p.sent, time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC); !now.Equal(want) {
		t.Fatalf("posted at %s, want %s", now, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWeeklySpecsAreChecked(t *testing.T) {
	bad := []insights.WeeklySpec{{Name: "", At: "9am"}, {Name: "x", At: "09:00"}}
	if _, err := insights.NewWeekly(insights.WeeklyConfig{Specs: bad}); err == nil {
		t.Fatal("bad specs accepted")
	} else {
		for _, want := range []string{"insights[0].name", "insights[0].time", "insights[1].timezone", "a store is needed"} {
			if !contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
