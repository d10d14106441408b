package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// Config wires a Handler. Only Library is required.
type Config struct {
	Library *knowledge.Library
	// LLM writes summaries; nil means quote mode only.
	LLM Completer
	// Model names the LLM in replies ("summary by gpt-4o-mini").
	Model string
	// Mode is quote, summary or auto (summary when LLM is set); default auto.
	Mode Mode
	// MaxQuotes caps the quotes in an answer (default 3).
	MaxQuotes int
	// MaxPromptParagraphs caps the paragraphs sent to the LLM (default 6).
	MaxPromptParagraphs int
	// LLMTimeout bounds one summary, streaming included (default 25s); the
	// user gets a quote-mode answer when it runs out.
	LLMTimeout time.Duration
	// CacheSize and CacheTTL bound the summary cache (defaults 256, 1h).
	CacheSize int
	CacheTTL  time.Duration
	// Strictness is how readily the bot declines (answer.abstain),
	// passed to knowledge.AskOptions: knowledge.AbstainStrict,
	// AbstainNormal or AbstainLenient; zero means AbstainNormal.
	Strictness float64
	Limits     Limits
	// Threads bounds follow-up context (defaults: 1000 threads, 4 turns, 1h).
	Threads ThreadLimits
	// Feedback stores 👍/👎 clicks; nil logs them only.
	Feedback FeedbackRecorder
	// Questions logs answered questions; nil logs nothing.
	Questions QuestionLogger
	// Observer counts what happens, for metrics; nil counts nothing.
	Observer Observer
	// Digest builds the digest command's reply; nil shows key points.
	Digest DigestBuilder
	// Insights builds the admins' insights command's reply; nil says
	// there is no question log to read.
	Insights InsightsBuilder
	// Changes holds earlier versions of the stories, for the changes
	// command (the store); nil means changes are not tracked.
	Changes ChangeSource
	// Stories adds a story from a URL, for the admins' `story add <url>`;
	// nil means adding stories from chat is off.
	Stories StoryAdder
	// Admins may use admin commands (`story add`), each as
	// "platform:userID": "slack:U123", "discord:1234".
	Admins []string
	Logger *slog.Logger
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

// QuestionRecord is one answered question, for the question log.
type QuestionRecord struct {
	At        time.Time
	Platform  Platform
	Channel   string
	Question  string
	Mode      Mode
	Abstained bool
	Latency   time.Duration
	Stories   []string
	// Closest is, for a declined question, the nearest passage the bot
	// named instead of an answer; nil otherwise.
	Closest *Quote
}

// QuestionLogger keeps a log of questions asked.
type QuestionLogger interface {
	LogQuestion(ctx context.Context, q QuestionRecord) error
}

// Observer is told what the handler does, for metrics.
type Observer interface {
	Answered(p Platform, m Mode, abstained bool, latency time.Duration)
	RateLimited(p Platform)
	LLMCall(err error, promptTokens, completionTokens int)
}

// DigestBuilder makes the reply to the digest command.
type DigestBuilder interface {
	BuildDigest(ctx context.Context) (Reply, error)
}

// ChangeSource keeps earlier versions of stories.
type ChangeSource interface {
	// PreviousVersion returns the version a story had before the one
	// whose hash is currentHash (knowledge.VersionHash of its
	// paragraphs); ok is false when none is on record.
	PreviousVersion(ctx context.Context, storyID, currentHash string) (v knowledge.Version, ok bool, err error)
}

// StoryAdder fetches a web page and saves it as a story (the ingest code).
type StoryAdder interface {
	AddStory(ctx context.Context, url string) (storyID string, err error)
}

// Completer is the LLM behind summary mode. Complete calls partial with
// the text so far as it streams (partial may be nil). Implementations
// wrap ErrLLMAuth for rejected credentials.
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

// ErrLLMAuth is wrapped by Completers when the LLM rejects the configured
// credentials (HTTP 401/403). The handler then stops calling the LLM until
// it is rebuilt with new settings.
var ErrLLMAuth = errors.New("LLM rejected the credentials")

// Handler answers Messages from every adapter. It is safe for concurrent use.
type Handler struct {
	cfg         Config
	log         *slog.Logger
	threads     *threadStore
	limiter     *limiter
	cache       *lruCache
	commands    *commandIndex
	llmDisabled atomic.Bool
}

// NewHandler returns a Handler for cfg.
func NewHandler(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeAuto
	}
	if cfg.MaxQuotes <= 0 {
		cfg.MaxQuotes = 3
	}
	if cfg.MaxPromptParagraphs <= 0 {
		cfg.MaxPromptParagraphs = 6
	}
	if cfg.LLMTimeout <= 0 {
		cfg.LLMTimeout = 25 * time.Second
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 256
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = time.Hour
	}
	if cfg.Limits.MaxQuestionLen <= 0 {
		cfg.Limits.MaxQuestionLen = knowledge.MaxQuestionLen
	}
	return &Handler{
		cfg:      cfg,
		log:      cfg.Logger,
		threads:  newThreadStore(cfg.Threads, cfg.Now),
		limiter:  newLimiter(cfg.Limits, cfg.Now),
		cache:    newLRUCache(cfg.CacheSize, cfg.CacheTTL, cfg.Now),
		commands: newCommandIndex(Commands()),
	}
}

// Library returns the stories the handler answers from.
func (h *Handler) Library() *knowledge.Library { return h.cfg.Library }

// Handle answers m and writes the reply to w. A panic while answering is
// recovered: it is logged with the message id and the user gets an apology.
func (h *Handler) Handle(ctx context.Context, m Message, w ReplyWriter) (err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("panic while answering", "platform", m.Platform, "message", m.ID, "panic", fmt.Sprint(p),
				"stack", string(debug.Stack()))
			err = w.WriteReply(ctx, Reply{Kind: KindNotice, Text: "Sorry — something went wrong while answering that. The team has been told; please try again."})
		}
	}()
	c, arg, unknown := h.commands.parse(m)
	switch {
	case c == nil && unknown == "":
		return w.WriteReply(ctx, h.hint()) // an empty message
	case c == nil:
		return w.WriteReply(ctx, h.help(unknown))
	}
	return h.run(ctx, call{cmd: c, msg: m, arg: arg, w: w})
}

// runAsk answers the ask command, a question.
func (h *Handler) runAsk(ctx context.Context, c call) error {
	// "Thanks!" and "hi" are manners, not questions: a word in kind, and
	// nothing for the editors' list of what readers asked.
	if kind := socialKind(c.arg); kind != notSocial {
		return c.w.WriteReply(ctx, h.socialReply(kind))
	}
	return h.question(ctx, c, true, func(q string) (Reply, error) { return h.answer(ctx, c.msg, q, c.w) })
}

// runQuote answers the quote command: what someone said.
func (h *Handler) runQuote(ctx context.Context, c call) error {
	return h.question(ctx, c, false, func(q string) (Reply, error) { return h.quotes(q), nil })
}

// question runs a command that searches the stories (ask, quote): the
// length cap, cleaning, the rate caps, then answer; record logs the
// question and its latency.
func (h *Handler) question(ctx context.Context, c call, record bool, answer func(q string) (Reply, error)) error {
	m, w := c.msg, c.w
	if len(c.arg) > h.cfg.Limits.MaxQuestionLen {
		return w.WriteReply(ctx, Reply{Kind: KindNotice, Text: fmt.Sprintf(
			"That message is too long for me (%d characters; the limit is %d). Could you ask a shorter question?",
			len(c.arg), h.cfg.Limits.MaxQuestionLen)})
	}
	arg := knowledge.CleanText(c.arg)
	if arg == "" {
		return w.WriteReply(ctx, usageReply(c.cmd))
	}
	if wait, ok := h.limiter.allow(m); !ok {
		if h.cfg.Observer != nil {
			h.cfg.Observer.RateLimited(m.Platform)
		}
		return w.WriteReply(ctx, Reply{Kind: KindNotice, Text: fmt.Sprintf(
			"You're asking faster than I can keep up — please try again in %s.", roundWait(wait))})
	}
	start := h.cfg.Now()
	r, err := answer(arg)
	if err != nil {
		return err
	}
	latency := h.cfg.Now().Sub(start)
	if err := w.WriteReply(ctx, r); err != nil {
		return err
	}
	// Counted and logged once it reached the asker, and only once: a job
	// tried again after a delivery that went through is not a new answer.
	if rp, ok := w.(replayer); record && !(ok && rp.replayed()) {
		h.record(ctx, m, r, latency)
	}
	return nil
}

func roundWait(d time.Duration) string {
	if d < time.Second {
		d = time.Second
	}
	return d.Round(time.Second).String()
}

// AnswerOptions tune Answer.
type AnswerOptions struct {
	// Mode overrides the configured mode for this answer.
	Mode Mode
	// Story restricts the answer to one story id.
	Story string
	// Context is earlier conversation text, for a follow-up that leans on
	// it ("and why?"); Handle passes it only for such questions.
	Context string
	// Partial, if set, receives the checked summary as it grows.
	Partial func(text string)
	// Step, if set, is told each stage of a summary as it happens.
	Step func(Step)
}

// Answer answers one question without a chat message around it: the CLI's
// `ask` and the digest use it. It never fails for LLM trouble — the
// answer falls back to the story's own words — only for bad questions.
func (h *Handler) Answer(ctx context.Context, question string, opts AnswerOptions) (Reply, error) {
	if len(question) > h.cfg.Limits.MaxQuestionLen {
		return Reply{}, fmt.Errorf("question of %d characters: %w", len(question), knowledge.ErrQuestionTooLong)
	}
	q := knowledge.CleanText(question)
	if q == "" {
		return Reply{}, knowledge.ErrEmptyQuestion
	}
	mode := opts.Mode
	if mode == "" {
		mode = h.cfg.Mode
	}
	ask := knowledge.AskOptions{Context: opts.Context, Story: opts.Story, MaxCitations: h.cfg.MaxQuotes,
		Strictness: h.cfg.Strictness}
	ans, err := h.cfg.Library.Ask(q, ask)
	if err != nil {
		return Reply{}, fmt.Errorf("answer %q: %w", q, err)
	}
	quoteReply := h.quoteReply(ans)
	// A byline answer and a story's key points are the story's own
	// words already; an LLM has nothing to add to them.
	if ans.Abstained || ans.Meta || ans.Overview || !h.wantSummary(mode) {
		if mode == ModeSummary && !ans.Abstained && !ans.Meta && !ans.Overview && !h.summaryAvailable() {
			quoteReply.Note = "quoted from the story (no LLM is configured or it is unavailable)"
		}
		return quoteReply, nil
	}
	return h.summarize(ctx, q, ask, quoteReply, opts.Partial, opts.Step), nil
}

// answer handles an ask message: thread context in, thread context out.
func (h *Handler) answer(ctx context.Context, m Message, q string, w ReplyWriter) (Reply, error) {
	key := threadKey(m)
	var opts AnswerOptions
	if isFollowUp(q) || knowledge.AsksForGist(q) {
		opts.Context = h.threads.context(key)
	}
	if pw, ok := w.(PartialWriter); ok {
		opts.Partial = func(text string) {
			if err := pw.WritePartial(ctx, text); err != nil {
				h.log.Warn("partial reply failed", "platform", m.Platform, "message", m.ID, "err", err)
			}
		}
	}
	if sw, ok := w.(StepWriter); ok {
		opts.Step = func(s Step) {
			if err := sw.WriteStep(ctx, s); err != nil {
				h.log.Warn("showing a step failed", "platform", m.Platform, "message", m.ID, "step", s.ID, "err", err)
			}
		}
	}
	r, err := h.Answer(ctx, q, opts)
	if err != nil {
		if errors.Is(err, knowledge.ErrEmptyQuestion) {
			return h.hint(), nil
		}
		return Reply{Kind: KindNotice, Text: SafeText(err)}, nil
	}
	if !r.Abstained {
		var speakers []string
		for _, qt := range r.Quotes {
			if qt.Speaker != "" {
				speakers = append(speakers, qt.Speaker)
			}
		}
		h.threads.add(key, q, strings.Join(speakers, " "))
	}
	return r, nil
}

func (h *Handler) record(ctx context.Context, m Message, r Reply, latency time.Duration) {
	if h.cfg.Observer != nil {
		h.cfg.Observer.Answered(m.Platform, r.Mode, r.Abstained, latency)
	}
	if h.cfg.Questions == nil {
		return
	}
	var stories []string
	for _, q := range r.Quotes {
		if !containsString(stories, q.Story) {
			stories = append(stories, q.Story)
		}
	}
	if len(stories) == 0 && r.Closest != nil {
		stories = append(stories, r.Closest.Story)
	}
	rec := QuestionRecord{At: h.cfg.Now(), Platform: m.Platform, Channel: m.Channel, Question: r.Question,
		Mode: r.Mode, Abstained: r.Abstained, Latency: latency, Stories: stories, Closest: r.Closest}
	if err := h.cfg.Questions.LogQuestion(ctx, rec); err != nil {
		h.log.Warn("question log failed", "err", err)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quoteReply turns a quote-mode answer into a Reply.
func (h *Handler) quoteReply(a knowledge.Answer) Reply {
	r := Reply{Kind: KindAnswer, Question: a.Question, Text: a.Text, Abstained: a.Abstained, Mode: ModeQuote}
	for _, c := range a.Citations {
		r.Quotes = append(r.Quotes, h.quote(c.Story, c.Paragraph, c.Quote, c.Speaker))
	}
	switch {
	case a.Abstained:
		r.Note = "the story doesn't answer this; nothing was guessed"
	case a.Meta:
		r.Note = "from the story's byline"
	case a.Overview:
		r.Note = "key points quoted from the story"
	default:
		r.Note = "quoted from the story"
	}
	r.Source = h.sourceOf(r.Quotes, a.Closest)
	if a.Abstained && a.Closest != nil {
		c := h.quote(a.Closest.Story, a.Closest.Paragraph, a.Closest.Quote, a.Closest.Speaker)
		r.Closest = &c
	}
	return r
}

// quote makes a bot.Quote with the story's outlet, date and link.
func (h *Handler) quote(story string, paragraph int, text, speaker string) Quote {
	q := Quote{Text: text, Speaker: speaker, Story: story, Paragraph: paragraph}
	if s := h.cfg.Library.Story(story); s != nil {
		q.Outlet, q.Date, q.URL, q.Headline = s.Outlet, s.Date, s.URL, s.Title
	}
	return q
}

// sourceOf describes the stories behind quotes: "CNN, 2025-10-21".
func (h *Handler) sourceOf(qs []Quote, closest *knowledge.Citation) string {
	var ids []string
	for _, q := range qs {
		if !containsString(ids, q.Story) {
			ids = append(ids, q.Story)
		}
	}
	if len(ids) == 0 && closest != nil {
		ids = append(ids, closest.Story)
	}
	if len(ids) == 0 {
		stories := h.cfg.Library.Stories()
		if len(stories) == 1 {
			ids = append(ids, stories[0].ID)
		}
	}
	var parts []string
	for _, id := range ids {
		if s := h.cfg.Library.Story(id); s != nil {
			parts = append(parts, s.Source())
		}
	}
	return strings.Join(parts, "; ")
}

// quotes answers the quote command.
func (h *Handler) quotes(query string) Reply {
	res := h.cfg.Library.Quotes(query)
	r := Reply{Kind: KindQuotes, Question: res.Query, Mode: ModeQuote, Note: "quoted from the story"}
	const maxQuotes = 10
	for i, q := range res.Quotes {
		if i == maxQuotes {
			break
		}
		r.Quotes = append(r.Quotes, h.quote(q.Story, q.Paragraph, q.Text, q.Speaker))
	}
	switch {
	case res.Note != "":
		r.Text = res.Note
		r.Abstained = len(res.Quotes) == 0
	case res.Speaker != "":
		r.Text = fmt.Sprintf("What %s said:", SpeakerPhrase(h.cfg.Library, res))
	default:
		r.Text = fmt.Sprintf("Quotations about “%s”:", res.Query)
	}
	if len(res.Quotes) > maxQuotes {
		r.Text += fmt.Sprintf(" (showing %d of %d)", maxQuotes, len(res.Quotes))
	}
	r.Source = h.sourceOf(r.Quotes, nil)
	return r
}

// SpeakerNames returns up to limit speaker names for autocomplete: those
// whose name, surname or title starts with prefix (case-insensitive), the
// most quoted first.
func (h *Handler) SpeakerNames(prefix string, limit int) []string {
	p := strings.ToLower(strings.TrimSpace(prefix))
	var out []string
	for _, sp := range h.cfg.Library.Speakers() {
		if limit > 0 && len(out) == limit {
			break
		}
		if p == "" || matchesPrefix(sp.Name, p) || matchesPrefix(sp.Title, p) {
			out = append(out, sp.Name)
			continue
		}
		for _, a := range sp.Aliases {
			if matchesPrefix(a, p) {
				out = append(out, sp.Name)
				break
			}
		}
	}
	return out
}

// Suggest returns up to limit suggestions from src for an argument being
// typed (prefix), for autocomplete: speakers' names, or story ids.
func (h *Handler) Suggest(src Autocomplete, prefix string, limit int) []string {
	switch src {
	case AutocompleteSpeakers:
		return h.SpeakerNames(prefix, limit)
	case AutocompleteStories:
		p := strings.ToLower(strings.TrimSpace(prefix))
		var out []string
		for _, s := range h.cfg.Library.Stories() {
			if limit > 0 && len(out) == limit {
				break
			}
			if strings.Contains(strings.ToLower(s.ID), p) || matchesPrefix(s.Title, p) {
				out = append(out, s.ID)
			}
		}
		return out
	}
	return nil
}

// matchesPrefix reports whether s or one of its words starts with p.
func matchesPrefix(s, p string) bool {
	s = strings.ToLower(s)
	if strings.HasPrefix(s, p) {
		return true
	}
	for _, w := range strings.Fields(s) {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// RecordFeedback stores a 👍/👎 click, or logs it when no store is set.
func (h *Handler) RecordFeedback(ctx context.Context, f Feedback) error {
	if f.At.IsZero() {
		f.At = h.cfg.Now()
	}
	h.log.Info("feedback", "platform", f.Platform, "channel", f.Channel, "helpful", f.Helpful, "message", f.MessageID)
	if h.cfg.Feedback != nil {
		if err := h.cfg.Feedback.RecordFeedback(ctx, f); err != nil {
			return fmt.Errorf("record feedback: %w", err)
		}
	}
	return nil
}

// SafeText turns an error into text fit for a chat: known problems get a
// plain explanation, anything else a generic apology (the detail is logged
// by the caller, never shown).
func SafeText(err error) string {
	switch {
	case errors.Is(err, knowledge.ErrQuestionTooLong):
		return "That question is too long for me — could you shorten it?"
	case errors.Is(err, knowledge.ErrEmptyQuestion):
		return "Ask me a question about the story, or say `help`."
	}
	return "Sorry — I couldn't answer that just now. Please try again."
}
