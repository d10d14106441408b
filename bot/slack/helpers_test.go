package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/knowledge"
)

// wait is the generous limit for anything a test waits on; nothing here
// should take more than a fraction of it.
const wait = 10 * time.Second

// The question and quotation the embedded seed story answers.
const (
	holdQuestion = "Why was the Rubio-Lavrov meeting put on hold?"
	holdCitation = "¶4 · CNN · 2025-10-21"
	peskovQuote  = "You cannot postpone what has not been scheduled"
)

func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// none fails if ch holds anything right now. Callers first make sure the
// adapter is idle, so "nothing yet" means "nothing".
func none[T any](t testing.TB, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %+v", what, v)
	default:
	}
}

// testLogger routes logs to t.Log until the test is over; slack-go and the
// adapter may still be winding down when it ends.
func testLogger(t testing.TB) *slog.Logger {
	w := &testLogWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testLogWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// feedbackSink is a bot.FeedbackRecorder that hands clicks to the test.
type feedbackSink chan bot.Feedback

func (s feedbackSink) RecordFeedback(_ context.Context, f bot.Feedback) error {
	s <- f
	return nil
}

// recordingHandler wraps the real handler and shows the test each message
// the adapter built.
type recordingHandler struct {
	*bot.Handler
	msgs chan bot.Message
}

func (r *recordingHandler) Handle(ctx context.Context, m bot.Message, w bot.ReplyWriter) error {
	select {
	case r.msgs <- m:
	default:
	}
	return r.Handler.Handle(ctx, m, w)
}

// newRealHandler is the real bot handler over the embedded seed story.
func newRealHandler(t testing.TB, fb bot.FeedbackRecorder) *recordingHandler {
	t.Helper()
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatalf("load seed story: %v", err)
	}
	h := bot.NewHandler(bot.Config{Library: lib, Feedback: fb, Logger: testLogger(t)})
	return &recordingHandler{Handler: h, msgs: make(chan bot.Message, 64)}
}

// harness is an adapter talking to a fake Slack.
type harness struct {
	t        testing.TB
	fake     *slacktest.Server
	a        *Adapter
	h        *recordingHandler
	feedback feedbackSink
	events   chan string
	runErr   chan error
	cancel   context.CancelFunc
}

// newHarness builds an adapter against a fresh fake Slack; edit adjusts
// the options. Nothing runs until start.
func newHarness(t testing.TB, edit func(*Options)) *harness {
	t.Helper()
	fake := slacktest.New(t)
	fb := make(feedbackSink, 16)
	hs := &harness{t: t, fake: fake, h: newRealHandler(t, fb), feedback: fb, events: make(chan string, 256)}
	opts := Options{
		BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, SocketMode: true,
		APIURL: fake.URL(), Logger: testLogger(t),
		OnEvent: func(kind string) {
			select {
			case hs.events <- kind:
			default:
			}
		},
	}
	if edit != nil {
		edit(&opts)
	}
	a, err := New(hs.h, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs.a = a
	return hs
}

// start runs the adapter until the test ends; in Socket Mode it returns
// once the first connection is up.
func (hs *harness) start() *harness {
	hs.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	hs.cancel = cancel
	hs.runErr = make(chan error, 1)
	go func() { hs.runErr <- hs.a.Run(ctx) }()
	hs.t.Cleanup(func() {
		cancel()
		select {
		case err := <-hs.runErr:
			if err != nil {
				hs.t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(wait):
			hs.t.Errorf("Run did not return after cancel")
		}
	})
	if hs.a.socket {
		recv(hs.t, hs.fake.Connections(), "the first Socket Mode connection")
	}
	return hs
}

// idle waits until the adapter has finished everything it started.
func (hs *harness) idle() {
	hs.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := hs.a.work.Wait(ctx); err != nil {
		hs.t.Fatalf("adapter still busy: %v", err)
	}
}

// ackOf waits for the acknowledgement of envelope id.
func (hs *harness) ackOf(id string) slacktest.Ack {
	hs.t.Helper()
	for {
		a := recv(hs.t, hs.fake.Acks(), "ack of "+id)
		if a.EnvelopeID == id {
			return a
		}
	}
}

// waitEvent waits until OnEvent reports kind.
func (hs *harness) waitEvent(kind string) {
	hs.t.Helper()
	for {
		if recv(hs.t, hs.events, "OnEvent("+kind+")") == kind {
			return
		}
	}
}

// ask mentions the bot with question at the top of channel C1 and returns
// the mention's ts.
func (hs *harness) ask(eventID, question string) string {
	ts := hs.fake.NextTS()
	hs.ackOf(hs.fake.SendEvent(eventID, slacktest.Mention("C1", "U1", "<@"+slacktest.BotUserID+"> "+question, ts, "")))
	return ts
}
