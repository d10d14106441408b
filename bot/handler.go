package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// Config wires a Handler. Only Library is required.
type Config struct {
	Library *knowledge.Library
	// LLM writes summaries; nil means quote mode only.
	LLM Completer
	// Mode is quote, summary or auto (summary when LLM is set); default auto.
	Mode Mode
	// MaxQuotes caps the quotes in a reply (default 3 for answers, 10 for /quote).
	MaxQuotes int
	// MaxPromptParagraphs caps the paragraphs sent to the LLM (default 6).
	MaxPromptParagraphs int
	Limits              Limits
	// Feedback stores 👍/👎 clicks; nil logs them only.
	Feedback FeedbackRecorder
	Logger   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limits caps how fast people may ask, shared by every platform.
type Limits struct {
	PerUser    Rate
	PerChannel Rate
	// MaxQuestionLen is the longest message answered (default 2000 bytes).
	MaxQuestionLen int
}

// Rate is N events per Per; a zero Rate is unlimited.
type Rate struct {
	N   int
	Per time.Duration
}

// FeedbackRecorder keeps 👍/👎 clicks.
type FeedbackRecorder interface {
	RecordFeedback(ctx context.Context, f Feedback) error
}

// Completer is the LLM behind summary mode. Complete calls partial with
// the text so far as it streams (partial may be nil).
type Completer interface {
	Complete(ctx context.Context, req CompletionRequest, partial func(text string)) (Completion, error)
}

// CompletionRequest is one chat completion: a system prompt and a user prompt.
type CompletionRequest struct {
	System string
	User   string
}

// Completion is the LLM's full answer.
type Completion struct {
	Text             string
	Model            string
	PromptTokens     int
	CompletionTokens int
}

// Handler answers Messages from every adapter.
type Handler struct {
	cfg Config
	log *slog.Logger
}

// NewHandler returns a Handler for cfg.
func NewHandler(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg, log: cfg.Logger}
}

// Handle answers m and writes the reply to w.
func (h *Handler) Handle(ctx context.Context, m Message, w ReplyWriter) error {
	a, err := h.cfg.Library.Ask(m.Text, knowledge.AskOptions{})
	if err != nil {
		return w.WriteReply(ctx, Reply{Kind: KindNotice, Text: err.Error()})
	}
	r := Reply{Kind: KindAnswer, Question: a.Question, Text: a.Text, Abstained: a.Abstained, Mode: ModeQuote}
	for _, c := range a.Citations {
		r.Quotes = append(r.Quotes, Quote{Text: c.Quote, Speaker: c.Speaker, Story: c.Story, Paragraph: c.Paragraph})
	}
	return w.WriteReply(ctx, r)
}

// SpeakerNames returns up to limit canonical speaker names that start with
// (or contain a word starting with) prefix, for autocomplete.
func (h *Handler) SpeakerNames(prefix string, limit int) []string {
	var out []string
	for _, sp := range h.cfg.Library.Speakers() {
		out = append(out, sp.Name)
	}
	return out
}

// RecordFeedback stores a 👍/👎 click, or logs it when no store is set.
func (h *Handler) RecordFeedback(ctx context.Context, f Feedback) error {
	h.log.Info("feedback", "platform", f.Platform, "channel", f.Channel, "helpful", f.Helpful, "message", f.MessageID)
	if h.cfg.Feedback != nil {
		return h.cfg.Feedback.RecordFeedback(ctx, f)
	}
	return nil
}
