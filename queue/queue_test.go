package queue

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/pgtest"
)

// backend opens a queue on one database; the same dsn opens it again.
type backend struct {
	name string
	dsn  func(t *testing.T) string
	open func(ctx context.Context, dsn string, o Options) (*Queue, error)
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "q.db") }, OpenSQLite},
	{"postgres", func(t *testing.T) string { return pgtest.URL(t) }, OpenPostgres},
}

// recorder is a JobWorker that answers through a JobWriter into a
// recording "platform", failing the first fails deliveries.
type recorder struct {
	q     *Queue
	mu    sync.Mutex
	fails int
	posts map[string]int
	tries map[string]int
	done  chan string
}

func newRecorder(fails int) *recorder {
	return &recorder{fails: fails, posts: map[string]int{}, tries: map[string]int{}, done: make(chan string, 100)}
}

func (r *recorder) WorkJob(ctx context.Context, j bot.Job) error {
	r.mu.Lock()
	r.tries[j.Key]++
	r.mu.Unlock()
	jw := bot.NewJobWriter(&platformWriter{r: r, key: j.Key}, j, r.q)
	err := bot.RespondJob(ctx, bot.Message{Text: string(j.Payload)}, jw, func(ctx context.Context, m bot.Message, w bot.ReplyWriter) error {
		if err := w.WriteReply(ctx, bot.Reply{Text: "first"}); err != nil {
			return err
		}
		return w.WriteReply(ctx, bot.Reply{Text: "second"})
	})
	if err == nil {
		r.done <- j.Key
	}
	return err
}

type platformWriter struct {
	r     *recorder
	key   string
	wrote bool
}

func (w *platformWriter) WriteReply(_ context.Context, rep bot.Reply) error {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	// The second reply fails while fails lasts, after the first went out:
	// a retry must not post the first again.
	if rep.Text == "second" && w.r.fails > 0 {
		w.r.fails--
		return errors.New("HTTP 500 from the platform")
	}
	w.r.posts[w.key+"/"+rep.Text]++
	w.wrote = true
	return nil
}

func (w *platformWriter) Delivered() bool { return w.wrote }

func fastOptions() Options {
	return Options{PollInterval: 20 * time.Millisecond, Backoff: func(int) time.Duration { return 10 * time.Millisecond }}
}

func waitDone(t *testing.T, r *recorder, keys ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	timeout := time.After(30 * time.Second)
	for len(want) > 0 {
		select {
		case k := <-r.done:
			delete(want, k)
		case <-timeout:
			t.Fatalf("jobs never done: %v", want)
		}
	}
}

func TestQueueConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "postgres" {
				pgtest.Require(t)
			}
			t.Run("an event enqueued three times is answered once", func(t *testing.T) {
				ctx := context.Background()
				q := mustOpen(t, b, b.dsn(t), fastOptions())
				r := newRecorder(0)
				r.q = q
				q.Register("test", r)
				var fresh int
				for range 3 {
					ok, err := q.Enqueue(ctx, bot.Job{Platform: "test", Key: "ev1", Payload: []byte("q")})
					if err != nil {
						t.Fatal(err)
					}
					if ok {
						fresh++
					}
				}
				if fresh != 1 {
					t.Errorf("fresh enqueues = %d, want 1", fresh)
				}
				mustStart(t, q)
				waitDone(t, r, "ev1")
				mustStop(t, q)
				if r.posts["ev1/first"] != 1 || r.posts["ev1/second"] != 1 {
					t.Errorf("posts = %v, want each reply once", r.posts)
				}
				if ok, _ := q.Enqueue(ctx, bot.Job{Platform: "test", Key: "ev1"}); ok {
					t.Error("an event already answered was enqueued again")
				}
			})
			t.Run("a delivery that fails is tried again and never posts a reply twice", func(t *testing.T) {
				q := mustOpen(t, b, b.dsn(t), fastOptions())
				r := newRecorder(2)
				r.q = q
				q.Register("test", r)
				var retries int
				var mu sync.Mutex
				q.opts.Observer.Retried = func(bot.Platform) { mu.Lock(); retries++; mu.Unlock() }
				mustStart(t, q)
				if _, err := q.Enqueue(context.Background(), bot.Job{Platform: "test", Key: "ev2"}); err != nil {
					t.Fatal(err)
				}
				waitDone(t, r, "ev2")
				mustStop(t, q)
				if r.posts["ev2/first"] != 1 || r.posts["ev2/second"] != 1 {
					t.Errorf("posts = %v, want each reply once", r.posts)
				}
				if r.tries["ev2"] != 3 || retries != 2 {
					t.Errorf("tries = %d, retries counted = %d; want 3 and 2", r.tries["ev2"], retries)
				}
			})
			t.Run("a job older than the maximum age is dropped and counted", func(t *testing.T) {
				o := fastOptions()
				o.MaxAge = time.Minute
				q := mustOpen(t, b, b.dsn(t), o)
				r := newRecorder(0)
				r.q = q
				q.Register("test", r)
				outcomes := make(chan string, 2)
				q.opts.Observer.Finished = func(_ bot.Platform, outcome string) { outcomes <- outcome }
				if _, err := q.Enqueue(context.Background(), bot.Job{Platform: "test", Key: "old", AckedAt: time.Now().Add(-2 * time.Minute)}); err != nil {
					t.Fatal(err)
				}
				mustStart(t, q)
				select {
				case got := <-outcomes:
					if got != OutcomeTooOld {
						t.Errorf("outcome = %q, want %q", got, OutcomeTooOld)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the old job was never dropped")
				}
				mustStop(t, q)
				if len(r.posts) != 0 {
					t.Errorf("an old job was answered: %v", r.posts)
				}
			})
			t.Run("jobs enqueued while stopped are worked by the next start", func(t *testing.T) {
				dsn := b.dsn(t)
				q := mustOpen(t, b, dsn, fastOptions())
				for _, k := range []string{"a", "b", "c"} {
					if _, err := q.Enqueue(context.Background(), bot.Job{Platform: "test", Key: k}); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := q.Backlog(context.Background()); err != nil || n != 3 {
					t.Errorf("Backlog = %d, %v; want 3", n, err)
				}
				q.Close()
				q2 := mustOpen(t, b, dsn, fastOptions())
				r := newRecorder(0)
				r.q = q2
				q2.Register("test", r)
				mustStart(t, q2)
				waitDone(t, r, "a", "b", "c")
				mustStop(t, q2)
				if err := q2.Writable(context.Background()); err != nil {
					t.Errorf("Writable: %v", err)
				}
			})
			t.Run("events enqueued at once, each several times, are stored once each", func(t *testing.T) {
				q := mustOpen(t, b, b.dsn(t), fastOptions())
				const events, copies = 100, 3
				var mu sync.Mutex
				fresh := map[string]int{}
				var wg sync.WaitGroup
				for i := range events * copies {
					key := fmt.Sprintf("ev%d", i%events)
					wg.Go(func() {
						ok, err := q.Enqueue(context.Background(), bot.Job{Platform: "test", Key: key, Payload: []byte("q")})
						if err != nil {
							t.Error(err)
							return
						}
						if ok {
							mu.Lock()
							fresh[key]++
							mu.Unlock()
						}
					})
				}
				wg.Wait()
				if len(fresh) != events {
					t.Errorf("%d events stored, want %d", len(fresh), events)
				}
				for k, n := range fresh {
					if n != 1 {
						t.Errorf("event %s stored %d times, want once", k, n)
					}
				}
				if n, err := q.Backlog(context.Background()); err != nil || n != events {
					t.Errorf("Backlog = %d, %v; want %d", n, err, events)
				}
			})
			t.Run("an event id is new once", func(t *testing.T) {
				q := mustOpen(t, b, b.dsn(t), fastOptions())
				var got []bool
				for range 3 {
					ok, err := q.FirstTime(context.Background(), bot.PlatformDiscord, "i1")
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, ok)
				}
				if !got[0] || got[1] || got[2] {
					t.Errorf("FirstTime = %v, want [true false false]", got)
				}
			})
		})
	}
}

func mustOpen(t *testing.T, b backend, dsn string, o Options) *Queue {
	t.Helper()
	q, err := b.open(context.Background(), dsn, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func mustStart(t *testing.T, q *Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func mustStop(t *testing.T, q *Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Error(err)
	}
}
