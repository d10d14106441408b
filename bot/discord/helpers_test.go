package discord

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/llm"
	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/internal/openaitest"
	"github.com/storybot/storybot/knowledge"
)

// wait is the generous limit for anything a test waits on; nothing here
// should take more than a fraction of it.
const wait = 10 * time.Second

// The question and quotations the embedded seed story answers.
const (
	holdQuestion   = "Why was the Rubio-Lavrov meeting put on hold?"
	holdCitation   = "¶4 · CNN · 2025-10-21"
	peskovQuote    = "You cannot postpone what has not been scheduled"
	peskovCitation = "¶9 · CNN · 2025-10-21"
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

func mustLibrary(tb testing.TB) *knowledge.Library {
	tb.Helper()
	lib, err := knowledge.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// testLogger routes logs to t.Log until the test is over, and keeps them
// for assertions.
type testLogger struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
	all  strings.Builder
}

func newTestLogger(t testing.TB) (*slog.Logger, *testLogger) {
	w := &testLogger{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})), w
}

func (w *testLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogger) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

// events counts OnEvent kinds.
type events struct {
	mu sync.Mutex
	n  map[string]int
}

func (e *events) on(kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n == nil {
		e.n = map[string]int{}
	}
	e.n[kind]++
}

func (e *events) count(kind string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n[kind]
}

// feedbackSink is a bot.FeedbackRecorder that hands clicks to the test.
type feedbackSink chan bot.Feedback

func (s feedbackSink) RecordFeedback(_ context.Context, f bot.Feedback) error {
	s <- f
	return nil
}

// harness is an adapter running against a fake Discord.
type harness struct {
	fake   *discordtest.Server
	a      *Adapter
	events *events
	logs   *testLogger
	runErr chan error
	cancel context.CancelFunc
}

type harnessOptions struct {
	cfg     bot.Config // Library is filled in when nil
	opts    Options    // Token, AppID, APIURL, Logger and OnEvent are filled in
	noStart bool
}

func newHarness(t *testing.T, ho harnessOptions) *harness {
	t.Helper()
	fake := discordtest.New(t)
	if ho.cfg.Library == nil {
		ho.cfg.Library = mustLibrary(t)
	}
	log, logs := newTestLogger(t)
	ev := &events{}
	o := ho.opts
	o.Token, o.APIURL, o.Logger, o.OnEvent = discordtest.Token, fake.URL(), log, ev.on
	if o.AppID == "" {
		o.AppID = discordtest.AppID
	}
	a, err := New(bot.NewHandler(ho.cfg), o)
	if err != nil {
		t.Fatal(err)
	}
	a.partialEvery = 0
	hs := &harness{fake: fake, a: a, events: ev, logs: logs, runErr: make(chan error, 1)}
	if ho.noStart {
		return hs
	}
	ctx, cancel := context.WithCancel(context.Background())
	hs.cancel = cancel
	go func() { hs.runErr <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-hs.runErr:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(wait):
			t.Error("Run did not return after cancel")
		}
	})
	recv(t, fake.Connections(), "the gateway connection")
	recv(t, fake.Commands(), "the command registration")
	return hs
}

// idle waits until the adapter has no work in flight.
func (hs *harness) idle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := hs.a.work.Wait(ctx); err != nil {
		t.Fatalf("adapter still busy: %v", err)
	}
}

// summaryConfig is a handler config in summary mode whose LLM is the real
// go-openai client talking to a fake OpenAI server.
func summaryConfig(t *testing.T, srv *openaitest.Server) bot.Config {
	t.Helper()
	c, err := llm.New(llm.Options{BaseURL: srv.URL(), APIKey: "sk-test", Model: "fake-model", Timeout: 5 * time.Second,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return bot.Config{Library: mustLibrary(t), LLM: c, Model: "fake-model", Mode: bot.ModeSummary}
}

func wantText(t *testing.T, got discordtest.Sent, wants ...string) {
	t.Helper()
	text := got.Text()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", got.Kind, w, text)
		}
	}
}
