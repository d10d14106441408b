package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/queue"
)

// queueClock is the queue's clock, moved by hand to age its jobs.
type queueClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *queueClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *queueClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// newQueuedHarness is an adapter whose answers go through a durable
// queue on a SQLite file; the queue is not started.
func newQueuedHarness(t *testing.T, httpOnly bool) (*harness, *queue.Queue, *queueClock, discordtest.KeyPair) {
	t.Helper()
	clock := &queueClock{}
	log, _ := newTestLogger(t)
	q, err := queue.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "storybot.db"), queue.Options{
		PollInterval: 20 * time.Millisecond, Logger: log, Now: clock.now,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	keys := discordtest.NewKeyPair(t)
	opts := Options{Inbox: q, Marks: q, Dedupe: q}
	if httpOnly {
		opts.HTTPOnly, opts.PublicKey = true, keys.PublicKeyHex()
	}
	hs := newHarness(t, harnessOptions{opts: opts, noStart: httpOnly})
	q.Register(bot.PlatformDiscord, hs.a)
	return hs, q, clock, keys
}

func startQueue(t *testing.T, q *queue.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopQueue(t, q) })
}

func stopQueue(t *testing.T, q *queue.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Error(err)
	}
}

// waitIdle waits until the queue has nothing left to work.
func waitIdle(t *testing.T, q *queue.Queue) {
	t.Helper()
	waitBacklog(t, q, 0)
}

// waitBacklog waits until want jobs are queued or being worked: the
// backlog is a state the queue reaches, so polling is the honest way to
// see it.
func waitBacklog(t *testing.T, q *queue.Queue, want int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		n, err := q.Backlog(context.Background())
		if err == nil && n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue backlog still %d (%v)", n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestQueuedDiscordAnswers(t *testing.T) {
	t.Run("a mention stored before the workers start is answered once they do, once", func(t *testing.T) {
		hs, q, _, _ := newQueuedHarness(t, false)
		id := hs.fake.SendMessage(discordtest.Mention(holdQuestion))
		waitBacklog(t, q, 1)
		startQueue(t, q)
		m := recv(t, hs.fake.Messages(), "the answer")
		wantText(t, m, holdCitation)
		if m.Reference == nil || m.Reference.MessageID != id {
			t.Errorf("the answer does not reply to the mention: %+v", m.Reference)
		}
		waitIdle(t, q)
		stopQueue(t, q)
		none(t, hs.fake.Messages(), "a second answer")
	})
	t.Run("a command is stored, deferred, and its thinking edited into the answer by a worker", func(t *testing.T) {
		hs, q, _, _ := newQueuedHarness(t, false)
		i := hs.fake.SendInteraction(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
		if cb := recv(t, hs.fake.Callbacks(), "the deferral"); cb.Type != discordtest.CallbackDeferredMessage {
			t.Fatalf("response type %d, want a deferral (5)", cb.Type)
		}
		hs.idle(t)
		startQueue(t, q)
		edit := recv(t, hs.fake.WebhookEdits(), "the answer")
		if edit.Token != i.Token || edit.MessageID != "@original" {
			t.Errorf("edited %s of %s", edit.MessageID, edit.Token)
		}
		wantText(t, edit, holdCitation)
		waitIdle(t, q)
		stopQueue(t, q)
		none(t, hs.fake.WebhookEdits(), "a second answer")
	})
	t.Run("a deferred command not answered within the maximum age gets its thinking edited into an apology", func(t *testing.T) {
		hs, q, clock, _ := newQueuedHarness(t, false)
		hs.fake.SendInteraction(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
		recv(t, hs.fake.Callbacks(), "the deferral")
		hs.idle(t)
		clock.advance(11 * time.Minute) // past the default maximum age, within the token's 15 minutes
		startQueue(t, q)
		edit := recv(t, hs.fake.WebhookEdits(), "the apology")
		if !strings.Contains(edit.Text(), "Sorry") || strings.Contains(edit.Text(), holdCitation) {
			t.Errorf("edit is not the apology:\n%s", edit.Text())
		}
	})
	t.Run("the same signed interaction sent three times is stored and answered once", func(t *testing.T) {
		hs, q, _, keys := newQueuedHarness(t, true)
		srv := httptest.NewServer(hs.a.InteractionsHandler())
		t.Cleanup(srv.Close)
		url := srv.URL + InteractionsPath
		i := hs.fake.Prepare(discordtest.SlashCommand("quote", discordtest.Option{Name: "who", Value: "Peskov"}))
		body, _ := json.Marshal(i.Payload())
		for n := range 3 {
			code, resp := do(t, keys.NewSignedRequestBody(t, url, body, time.Now()))
			if code != http.StatusOK || resp["type"] != float64(discordtest.CallbackDeferredMessage) {
				t.Fatalf("delivery %d: %d %v, want a deferral", n+1, code, resp)
			}
		}
		hs.idle(t)
		startQueue(t, q)
		edit := recv(t, hs.fake.WebhookEdits(), "the answer")
		wantText(t, edit, peskovQuote)
		waitIdle(t, q)
		stopQueue(t, q)
		none(t, hs.fake.WebhookEdits(), "a second answer")
		if n := hs.events.count(EventDuplicate); n != 2 {
			t.Errorf("%d duplicate events, want 2", n)
		}
	})
}
