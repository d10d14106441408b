package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// countingObserver counts Answered calls.
type countingObserver struct {
	mu       sync.Mutex
	answered int
}

func (o *countingObserver) Answered(bot.Platform, bot.Mode, bool, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.answered++
}
func (o *countingObserver) RateLimited(bot.Platform) {}
func (o *countingObserver) LLMCall(error, int, int)  {}
func (o *countingObserver) count() int               { o.mu.Lock(); defer o.mu.Unlock(); return o.answered }

// countingLog counts logged questions.
type countingLog struct{ n int }

func (l *countingLog) LogQuestion(context.Context, bot.QuestionRecord) error { l.n++; return nil }

// failingWriter is a DeliveryWriter whose writes fail until it is told
// otherwise, as a platform that is down.
type failingWriter struct {
	fail   bool
	writes int
	wrote  bool
	err    error
}

func (w *failingWriter) WriteReply(context.Context, bot.Reply) error {
	w.writes++
	if w.fail {
		if w.err == nil {
			w.err = errors.New("platform unavailable")
		}
		return w.err
	}
	w.wrote = true
	return nil
}
func (w *failingWriter) Delivered() bool   { return w.wrote }
func (w *failingWriter) WriteError() error { return w.err }

// memMarks is an in-memory bot.DeliveryMarks.
type memMarks map[string]string

func (m memMarks) Delivered(_ context.Context, key string) (string, bool, error) {
	ref, ok := m[key]
	return ref, ok, nil
}
func (m memMarks) MarkDelivered(_ context.Context, key, ref string) error { m[key] = ref; return nil }

func TestAnswersAreCountedOnceAndOnlyWhenDelivered(t *testing.T) {
	msg := bot.Message{Platform: bot.PlatformSlack, ID: "1", Channel: "C1", User: "U1", Text: "Why was the Rubio-Lavrov meeting put on hold?"}
	newHandler := func() (*bot.Handler, *countingObserver, *countingLog) {
		obs, log := &countingObserver{}, &countingLog{}
		return bot.NewHandler(bot.Config{Library: mustLibrary(t), Observer: obs, Questions: log}), obs, log
	}
	t.Run("an answer that could not be delivered is not counted or logged, and gets no apology", func(t *testing.T) {
		h, obs, log := newHandler()
		w := &failingWriter{fail: true}
		if err := bot.Respond(context.Background(), msg, w, h.Handle); err == nil {
			t.Fatal("Respond = nil, want the delivery error")
		}
		if obs.count() != 0 || log.n != 0 {
			t.Errorf("counted %d answers and logged %d questions, want none", obs.count(), log.n)
		}
		if w.writes != 1 {
			t.Errorf("%d writes, want 1: no apology after a delivery failure", w.writes)
		}
	})
	t.Run("a job delivered on its second try is counted once", func(t *testing.T) {
		h, obs, log := newHandler()
		marks := memMarks{}
		w := &failingWriter{fail: true}
		job := bot.Job{Platform: bot.PlatformSlack, Key: "Ev1", Attempt: 1}
		if err := bot.RespondJob(context.Background(), msg, bot.NewJobWriter(w, job, marks), h.Handle); !errors.Is(err, bot.ErrDelivery) {
			t.Fatalf("first try = %v, want a delivery error", err)
		}
		w.fail, w.err = false, nil
		job.Attempt = 2
		if err := bot.RespondJob(context.Background(), msg, bot.NewJobWriter(w, job, marks), h.Handle); err != nil {
			t.Fatalf("second try = %v", err)
		}
		job.Attempt = 3 // a try after a delivery that went through skips it
		if err := bot.RespondJob(context.Background(), msg, bot.NewJobWriter(w, job, marks), h.Handle); err != nil {
			t.Fatalf("third try = %v", err)
		}
		if obs.count() != 1 || log.n != 1 {
			t.Errorf("counted %d answers and logged %d questions, want 1 each", obs.count(), log.n)
		}
		if w.writes != 2 {
			t.Errorf("%d writes, want 2 (one failed, one delivered, none after)", w.writes)
		}
	})
}
