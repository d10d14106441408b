// Package bottest provides test doubles for code that talks to a
// bot.Handler: a ReplyWriter that records what the handler wrote.
package bottest

import (
	"context"
	"sync"

	"github.com/storybot/storybot/bot"
)

// Recorder is a bot.ReplyWriter that keeps every reply written to it.
// It is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	replies []bot.Reply
}

var _ bot.ReplyWriter = (*Recorder)(nil)

// WriteReply records r.
func (w *Recorder) WriteReply(_ context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.replies = append(w.replies, r)
	return nil
}

// Replies returns the replies written so far.
func (w *Recorder) Replies() []bot.Reply {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]bot.Reply(nil), w.replies...)
}

// Last returns the most recent reply, or the zero Reply.
func (w *Recorder) Last() bot.Reply {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.replies) == 0 {
		return bot.Reply{}
	}
	return w.replies[len(w.replies)-1]
}

// StreamRecorder is a Recorder that also accepts partial text, as an
// adapter that edits messages in place does.
type StreamRecorder struct {
	Recorder
	pmu      sync.Mutex
	partials []string
}

var _ bot.PartialWriter = (*StreamRecorder)(nil)

// WritePartial records partial text.
func (w *StreamRecorder) WritePartial(_ context.Context, text string) error {
	w.pmu.Lock()
	defer w.pmu.Unlock()
	w.partials = append(w.partials, text)
	return nil
}

// Partials returns the partial texts written so far.
func (w *StreamRecorder) Partials() []string {
	w.pmu.Lock()
	defer w.pmu.Unlock()
	return append([]string(nil), w.partials...)
}
