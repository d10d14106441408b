package slack

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/pgtest"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/queue"
)

// newQueuedHTTPHarness is an HTTP-mode adapter whose events go through a
// durable queue on a SQLite file. The queue is not started.
func newQueuedHTTPHarness(t testing.TB) (*httpHarness, *queue.Queue) {
	return newQueuedHTTPHarnessOn(t, "sqlite")
}

// newQueuedHTTPHarnessOn is newQueuedHTTPHarness with the queue on
// backend, "sqlite" or "postgres".
func newQueuedHTTPHarnessOn(t testing.TB, backend string) (*httpHarness, *queue.Queue) {
	t.Helper()
	opts := queue.Options{
		PollInterval: 20 * time.Millisecond, Logger: testLogger(t),
		Backoff: func(int) time.Duration { return 50 * time.Millisecond },
	}
	_, bench := t.(*testing.B)
	if bench {
		opts.Logger = nil     // a benchmark measures the queue, not t.Log
		opts.PollInterval = 0 // and runs it as serve does
	}
	var q *queue.Queue
	var err error
	if backend == "postgres" {
		q, err = queue.OpenPostgres(context.Background(), pgtest.URL(t), opts)
	} else {
		q, err = queue.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "storybot.db"), opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	hs := newHarness(t, func(o *Options) {
		o.SocketMode, o.AppToken, o.SigningSecret = false, "", slacktest.SigningSecret
		o.Inbox, o.Marks = q, q
		if bench {
			o.Logger = nil
		}
	})
	q.Register(bot.PlatformSlack, hs.a)
	srv := httptest.NewServer(hs.a.HTTPHandler())
	t.Cleanup(srv.Close)
	hs.start()
	hs.waitEvent(EventConnected)
	return &httpHarness{harness: hs, srv: srv}, q
}

func startQueue(t testing.TB, q *queue.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
}

// answeredOnce checks that each thread gets exactly one answer.
func answeredOnce(t *testing.T, hs *httpHarness, threads []string) {
	t.Helper()
	got := map[string]int{}
	for range threads {
		p := recv(t, hs.fake.Posts(), "an answer")
		got[p.ThreadTS]++
	}
	for _, th := range threads {
		if got[th] != 1 {
			t.Errorf("thread %s answered %d times, want once (all: %v)", th, got[th], got)
		}
	}
	none(t, hs.fake.Posts(), "a second answer")
}

func TestQueuedHTTPMode(t *testing.T) {
	t.Run("events acknowledged before the workers start are answered once they do, once each, however often Slack sends them", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		var threads []string
		for i := range 10 {
			ts := hs.fake.NextTS()
			threads = append(threads, ts)
			ev := slacktest.EventCallback(fmt.Sprintf("EvQ%d", i), slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, ts, ""))
			for retry := range 3 {
				h := http.Header{}
				if retry > 0 {
					h.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
				}
				if code, body := hs.sendJSON(EventsPath, ev, h); code != http.StatusOK || body != "" {
					t.Fatalf("event answered %d %q, want an empty 200", code, body)
				}
			}
		}
		if n, err := q.Backlog(context.Background()); err != nil || n != 10 {
			t.Errorf("Backlog = %d, %v; want 10 queued", n, err)
		}
		startQueue(t, q)
		answeredOnce(t, hs, threads)
	})
	t.Run("an answer Slack refuses with 503 for a while is delivered once when it recovers", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		restore := hs.fake.Unavailable()
		startQueue(t, q)
		ts := hs.fake.NextTS()
		ev := slacktest.EventCallback("EvDown", slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, ts, ""))
		if code, _ := hs.sendJSON(EventsPath, ev, nil); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		recv(t, hs.fake.Refused(), "a refused chat.postMessage")
		recv(t, hs.fake.Refused(), "a second refused chat.postMessage")
		restore()
		p := recv(t, hs.fake.Posts(), "the answer")
		if p.ThreadTS != ts || !strings.Contains(p.AllText(), holdCitation) {
			t.Errorf("answer in thread %q:\n%s", p.ThreadTS, p.AllText())
		}
		none(t, hs.fake.Posts(), "a second answer")
	})
	t.Run("a slash command is queued under its trigger_id and answered through its response_url once", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		startQueue(t, q)
		form := hs.fake.NewSlashCommand("/ask", holdQuestion).Form()
		for range 2 {
			if code, body, _ := hs.sendForm(CommandsPath, form); code != http.StatusOK || body != "" {
				t.Fatalf("command answered %d %q", code, body)
			}
		}
		r := recv(t, hs.fake.Responses(), "the answer")
		if !strings.Contains(r.AllText(), holdCitation) {
			t.Errorf("response:\n%s", r.AllText())
		}
		none(t, hs.fake.Responses(), "a second answer")
	})
	t.Run("a feedback click is queued, recorded once however often Slack sends it, and thanked", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		click := slacktest.BlockAction{ChannelID: "C1", UserID: "U3", MessageTS: "1700000000.000200", BlockID: feedbackBlockID,
			ActionID: actionHelpful, Value: encodeFeedback(holdQuestion, "It was put on hold. [¶4]"), ResponseURL: hs.fake.ResponseURL()}
		for range 2 {
			if code, _, _ := hs.sendForm(InteractivityPath, click.Form()); code != http.StatusOK {
				t.Fatalf("click answered %d", code)
			}
		}
		if n, err := q.Backlog(context.Background()); err != nil || n != 1 {
			t.Errorf("Backlog = %d, %v; want the click queued once", n, err)
		}
		startQueue(t, q)
		f := recv(t, hs.feedback, "the feedback")
		if !f.Helpful || f.Question != holdQuestion || f.MessageID != "1700000000.000200" {
			t.Errorf("recorded %+v", f)
		}
		recv(t, hs.fake.Responses(), "the thank-you")
		none(t, hs.feedback, "the click recorded twice")
	})
	t.Run("a click that cannot be queued is not acknowledged, so Slack sends it again", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		q.Close()
		click := slacktest.BlockAction{ChannelID: "C1", UserID: "U3", MessageTS: "1700000000.000201", BlockID: feedbackBlockID,
			ActionID: actionHelpful, Value: encodeFeedback(holdQuestion, "x"), ResponseURL: hs.fake.ResponseURL()}
		if code, _, _ := hs.sendForm(InteractivityPath, click.Form()); code == http.StatusOK {
			t.Errorf("status 200 for a click that was not stored")
		}
	})
	t.Run("an event that cannot be queued is not acknowledged, so Slack sends it again", func(t *testing.T) {
		hs, q := newQueuedHTTPHarness(t)
		q.Close()
		ev := slacktest.EventCallback("EvNoDB", slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, hs.fake.NextTS(), ""))
		if code, _ := hs.sendJSON(EventsPath, ev, nil); code == http.StatusOK {
			t.Errorf("status 200 for an event that was not stored")
		}
	})
}
