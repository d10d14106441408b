package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/storybot/storybot/bot"
)

// assistantAPI is the part of the Slack Web API the assistant pane and
// native streaming use.
type assistantAPI interface {
	SetAssistantThreadsStatusContext(ctx context.Context, p slackapi.AssistantThreadsSetStatusParameters) error
	SetAssistantThreadsSuggestedPromptsContext(ctx context.Context, p slackapi.AssistantThreadsSetSuggestedPromptsParameters) error
	SetAssistantThreadsTitleContext(ctx context.Context, p slackapi.AssistantThreadsSetTitleParameters) error
	StartStreamContext(ctx context.Context, channel string, options ...slackapi.MsgOption) (string, string, error)
	AppendStreamContext(ctx context.Context, channel, ts string, options ...slackapi.MsgOption) (string, string, error)
	StopStreamContext(ctx context.Context, channel, ts string, options ...slackapi.MsgOption) (string, string, error)
}

// promptSource makes the assistant pane's suggested prompts; *bot.Handler
// is one. A Handler that is not gets the digest and help prompts.
type promptSource interface {
	SuggestedPrompts(ctx context.Context, o bot.PromptOptions) []bot.Prompt
}

// What the assistant pane shows.
const (
	assistantGreeting = "Hi! I answer questions about the news stories I follow, " +
		"quoting them word for word with ¶ citations, or summarising with every quotation checked against the story."
	promptsTitle   = "Try asking"
	statusReading  = "reading the story…"
	statusChecking = "checking citations…"
)

// refusedCodes are the errors with which a workspace or token says it may
// not use the assistant pane, native streaming or agent blocks. A team
// that answers one gets the classic behaviour (chat.update streaming, our
// own buttons) from then on.
var refusedCodes = map[string]bool{
	"not_allowed_token_type":                true,
	"unknown_method":                        true,
	"feature_not_enabled":                   true,
	"method_not_supported_for_channel_type": true,
	"missing_scope":                         true,
	"not_allowed":                           true,
	"team_not_allowed":                      true,
}

// assistantState is what the adapter remembers about the assistant pane.
type assistantState struct {
	mu      sync.Mutex
	classic map[string]bool // teams that refused the native features
	titled  *recentSet      // assistant threads already given a title
}

func newAssistantState(a *Adapter) *assistantState {
	return &assistantState{classic: map[string]bool{}, titled: newRecentSet(threadSize, threadTTL, a.clock)}
}

// isClassic reports whether team refused the native features.
func (a *Adapter) isClassic(team string) bool {
	a.assist.mu.Lock()
	defer a.assist.mu.Unlock()
	return a.assist.classic[team]
}

// refused reports whether err says team may not use a native feature; the
// first time a team says so it is remembered and logged, once.
func (a *Adapter) refused(team, method string, err error) bool {
	var se slackapi.SlackErrorResponse
	if !errors.As(err, &se) || !refusedCodes[se.Err] {
		return false
	}
	a.assist.mu.Lock()
	first := !a.assist.classic[team]
	a.assist.classic[team] = true
	a.assist.mu.Unlock()
	if first {
		a.log.Warn("slack: this workspace does not allow the AI app features; using chat.update streaming and storybot's own buttons there",
			"team", team, "method", method, "error", se.Err)
	}
	return true
}

// onAssistantEvent handles assistant_thread_started (greet and suggest
// prompts) and assistant_thread_context_changed (suggest prompts for the
// channel now in view). It does no I/O itself.
func (a *Adapter) onAssistantEvent(ctx context.Context, team string, ev any) {
	var th slackevents.AssistantThread
	started := false
	switch e := ev.(type) {
	case *slackevents.AssistantThreadStartedEvent:
		th, started = e.AssistantThread, true
	case *slackevents.AssistantThreadContextChangedEvent:
		th = e.AssistantThread
	default:
		return
	}
	if th.ChannelID == "" || th.ThreadTimeStamp == "" {
		a.log.Info("slack: assistant thread event without a channel or thread")
		a.event(EventMalformed)
		return
	}
	if team == "" {
		team = th.Context.TeamID
	}
	if a.isClassic(team) {
		return
	}
	a.dispatch(ctx, "assistant thread", func(ctx context.Context) {
		if started {
			w := a.newThreadWriter(th.ChannelID, th.ThreadTimeStamp)
			if _, err := w.post(ctx, assistantGreeting, []slackapi.Block{section(escape(assistantGreeting))}, nil); err != nil {
				a.log.Warn("slack: greeting an assistant thread", "err", err)
			}
		}
		a.suggestPrompts(ctx, team, th.ChannelID, th.ThreadTimeStamp, th.Context.ChannelID)
	})
}

// suggestPrompts sets the assistant thread's suggested prompts, drawn from
// the library (or the stories configured for the channel in view).
func (a *Adapter) suggestPrompts(ctx context.Context, team, channel, threadTS, viewing string) {
	prompts := []bot.Prompt{{Title: "Today's digest", Message: "digest"}, {Title: "What can you do?", Message: "help"}}
	if ps, ok := a.h.(promptSource); ok {
		prompts = ps.SuggestedPrompts(ctx, bot.PromptOptions{Stories: a.opts.ChannelStories[viewing], Limit: 4})
	}
	if len(prompts) == 0 {
		return
	}
	p := slackapi.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: channel, ThreadTS: threadTS, Title: promptsTitle}
	for _, pr := range prompts {
		p.AddPrompt(pr.Title, pr.Message)
	}
	err := a.retry(ctx, "assistant.threads.setSuggestedPrompts", func(ctx context.Context) error {
		return a.ai.SetAssistantThreadsSuggestedPromptsContext(ctx, p)
	})
	if err != nil && !a.refused(team, "assistant.threads.setSuggestedPrompts", err) {
		a.log.Warn("slack: setting suggested prompts", "err", err)
	}
}

// writerFor is the writer a delivery is answered through: in an assistant
// thread (a thread of a DM) of a team that allows it, one that shows the
// status, streams natively and ends with cards and Slack's feedback
// buttons; anywhere else, the classic thread writer.
func (a *Adapter) writerFor(ctx context.Context, d delivery) bot.DeliveryWriter {
	tw := a.newThreadWriter(d.channel, d.threadTS)
	team := d.msg.Workspace
	if !d.msg.DM || d.threadTS == "" || a.isClassic(team) {
		return tw
	}
	if a.assist.titled.add(threadKey(d.channel, d.threadTS)) {
		if title := bot.ThreadTitle(d.msg.Text); title != "" {
			err := a.retry(ctx, "assistant.threads.setTitle", func(ctx context.Context) error {
				return a.ai.SetAssistantThreadsTitleContext(ctx, slackapi.AssistantThreadsSetTitleParameters{
					ChannelID: d.channel, ThreadTS: d.threadTS, Title: title})
			})
			if err != nil {
				if a.refused(team, "assistant.threads.setTitle", err) {
					return tw
				}
				a.log.Warn("slack: setting an assistant thread's title", "err", err)
			}
		}
	}
	w := &assistantWriter{tw: tw, a: a, team: team, user: d.msg.User, channel: d.channel, threadTS: d.threadTS}
	if err := w.setStatus(ctx, statusReading); err != nil && a.refused(team, "assistant.threads.setStatus", err) {
		return tw
	}
	return w
}

// Writers the assistant pane answers through.
var (
	_ bot.DeliveryWriter = (*assistantWriter)(nil)
	_ bot.PartialWriter  = (*assistantWriter)(nil)
	_ bot.StepWriter     = (*assistantWriter)(nil)
	_ bot.WriteFailer    = (*assistantWriter)(nil)
)

// assistantWriter answers in an assistant thread. A summary streams
// natively: chat.startStream when the first checked sentences arrive, with
// the steps so far as task updates; chat.appendStream with more text (at
// most once per partialEvery) and with each later step; chat.stopStream
// with citation cards and Slack's feedback buttons. Anything else (quote
// mode, help, notices) is posted whole. When the team turns out to refuse
// a native method, the answer continues through the classic writer.
type assistantWriter struct {
	tw                *threadWriter
	a                 *Adapter
	team, user        string
	channel, threadTS string

	mu         sync.Mutex
	classic    bool                   // fell back to tw
	streamTS   string                 // the streaming message, once started
	shown      string                 // the answer text the stream shows
	latest     string                 // the newest checked text, maybe not shown yet
	queued     []slackapi.StreamChunk // task updates waiting for the stream
	nextAppend time.Time              // no text appended before this
	wrote      bool
	failed     error // the first final write that failed
}

// Delivered reports whether anything reached the asker (bot.DeliveryWriter).
func (w *assistantWriter) Delivered() bool {
	w.mu.Lock()
	wrote := w.wrote
	w.mu.Unlock()
	return wrote || w.tw.Delivered()
}

// WriteError returns the first final write that failed, here or in the
// classic writer it fell back to (bot.WriteFailer), so that no apology
// follows a delivery failure.
func (w *assistantWriter) WriteError() error {
	w.mu.Lock()
	failed := w.failed
	w.mu.Unlock()
	return cmpOr(failed, w.tw.WriteError())
}

func (w *assistantWriter) setStatus(ctx context.Context, status string) error {
	return w.a.retry(ctx, "assistant.threads.setStatus", func(ctx context.Context) error {
		return w.a.ai.SetAssistantThreadsStatusContext(ctx, slackapi.AssistantThreadsSetStatusParameters{
			ChannelID: w.channel, ThreadTS: w.threadTS, Status: status})
	})
}

// WriteStep shows a step of the answer as a task update (bot.StepWriter).
func (w *assistantWriter) WriteStep(ctx context.Context, s bot.Step) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.classic {
		return nil
	}
	chunk := taskChunk(s)
	if w.streamTS == "" {
		w.queued = append(w.queued, chunk)
		if s.ID == bot.StepCheck && s.Status == bot.StepRunning {
			if err := w.setStatus(ctx, statusChecking); err != nil {
				w.a.log.Debug("slack: status while checking", "err", err)
			}
		}
		return nil
	}
	return w.append(ctx, chunk)
}

// WritePartial shows the checked answer so far (bot.PartialWriter).
func (w *assistantWriter) WritePartial(ctx context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.classic {
		return w.tw.WritePartial(ctx, text)
	}
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "…"))
	if w.streamTS == "" {
		err := w.start(ctx, text)
		if err != nil && w.a.refused(w.team, "chat.startStream", err) {
			w.classic = true
			return w.tw.WritePartial(ctx, text)
		}
		return err
	}
	w.latest = text
	if w.a.now().Before(w.nextAppend) {
		return nil // a later partial or the final reply shows it
	}
	return w.flush(ctx)
}

// start opens the streaming message with the queued steps and text.
func (w *assistantWriter) start(ctx context.Context, text string) error {
	chunks := w.queued
	if text != "" {
		chunks = append(chunks, slackapi.NewMarkdownTextChunk(escape(text)))
	}
	opts := []slackapi.MsgOption{slackapi.MsgOptionTS(w.threadTS), slackapi.MsgOptionRecipientTeamID(w.team),
		slackapi.MsgOptionRecipientUserID(w.user), slackapi.MsgOptionTaskDisplayMode(slackapi.TaskDisplayModeTimeline)}
	if len(chunks) > 0 {
		opts = append(opts, slackapi.MsgOptionChunks(chunks...))
	}
	var ts string
	err := w.a.retry(ctx, "chat.startStream", func(ctx context.Context) error {
		var err error
		_, ts, err = w.a.ai.StartStreamContext(ctx, w.channel, opts...)
		return err
	})
	if err != nil {
		return err
	}
	w.streamTS, w.shown, w.latest, w.queued, w.wrote = ts, text, text, nil, true
	w.nextAppend = w.a.now().Add(w.a.partialEvery)
	return nil
}

// flush appends the text not shown yet. Text that no longer extends what
// is shown (the LLM revised a sentence) waits for the final reply.
func (w *assistantWriter) flush(ctx context.Context) error {
	delta, ok := strings.CutPrefix(w.latest, w.shown)
	if !ok || strings.TrimSpace(delta) == "" {
		return nil
	}
	if err := w.append(ctx, slackapi.NewMarkdownTextChunk(escape(delta))); err != nil {
		var rl *slackapi.RateLimitedError
		if errors.As(err, &rl) {
			// Progress is cosmetic: wait until Slack allows it again.
			w.a.event(EventRateLimited)
			w.nextAppend = w.a.now().Add(max(rl.RetryAfter, w.a.partialEvery))
			return nil
		}
		return err
	}
	w.shown = w.latest
	w.nextAppend = w.a.now().Add(w.a.partialEvery)
	return nil
}

// append sends chunks to the open stream, once: progress is not worth
// waiting out a rate limit for.
func (w *assistantWriter) append(ctx context.Context, chunks ...slackapi.StreamChunk) error {
	_, _, err := w.a.ai.AppendStreamContext(ctx, w.channel, w.streamTS, slackapi.MsgOptionChunks(chunks...))
	if err != nil {
		return fmt.Errorf("slack chat.appendStream: %w", err)
	}
	return nil
}

// WriteReply delivers the final reply: a summary stops the stream with the
// rest of its text, the check's verdict, citation cards and feedback
// buttons; anything else is posted whole.
func (w *assistantWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.classic {
		return w.tw.WriteReply(ctx, r)
	}
	streamed := r.Kind == bot.KindAnswer && r.Mode == bot.ModeSummary && !r.Abstained && strings.TrimSpace(r.Text) != ""
	if !streamed {
		if w.streamTS != "" {
			// The summary stopped part-way; what was shown stays, and the
			// answer follows in a message of its own.
			w.stop(ctx, []slackapi.StreamChunk{slackapi.NewMarkdownTextChunk("\n\n_The summary could not be finished; here are the story's own words._")}, nil)
		}
		return w.postWhole(ctx, r)
	}
	if w.streamTS == "" {
		if err := w.start(ctx, ""); err != nil {
			if w.a.refused(w.team, "chat.startStream", err) {
				w.classic = true
				return w.tw.WriteReply(ctx, r)
			}
			w.failed = cmpOr(w.failed, err)
			return err // counted once, by whoever gives up on the answer
		}
	}
	rest, ok := strings.CutPrefix(r.Text, w.shown)
	if !ok {
		// What streamed was checked too, but the final text differs: show
		// the final text in full rather than leave a gap.
		w.a.log.Warn("slack: streamed text is not a prefix of the final answer; appending it whole")
		rest = "\n\n" + r.Text
	}
	if src := plainSources(r.Quotes); src != "" {
		rest += "\n\n" + src
	}
	chunks := append(w.queued, slackapi.NewMarkdownTextChunk(escape(rest)))
	w.queued = nil
	if err := w.stop(ctx, chunks, streamFinalBlocks(r)); err != nil {
		w.failed = cmpOr(w.failed, err)
		return err // counted once, by whoever gives up on the answer
	}
	w.a.event(EventAnswer)
	return nil
}

// stop ends the stream with chunks and blocks. Blocks Slack refuses are
// dropped rather than leaving the stream open.
func (w *assistantWriter) stop(ctx context.Context, chunks []slackapi.StreamChunk, blocks []slackapi.Block) error {
	opts := []slackapi.MsgOption{}
	if len(chunks) > 0 {
		opts = append(opts, slackapi.MsgOptionChunks(chunks...))
	}
	call := func(opts []slackapi.MsgOption) error {
		return w.a.retry(ctx, "chat.stopStream", func(ctx context.Context) error {
			_, _, err := w.a.ai.StopStreamContext(ctx, w.channel, w.streamTS, opts...)
			return err
		})
	}
	err := call(append(opts, slackapi.MsgOptionBlocks(blocks...)))
	if err != nil && len(blocks) > 0 {
		w.a.log.Warn("slack: stopping the stream with cards failed; stopping it without", "err", err)
		err = call(opts)
	}
	w.streamTS = ""
	return err
}

// postWhole posts a reply that does not stream, with Slack's feedback
// buttons, or ours when the team refuses them.
func (w *assistantWriter) postWhole(ctx context.Context, r bot.Reply) error {
	for i, m := range assistantRender(r, true) {
		_, err := w.tw.post(ctx, m.Text, m.Blocks, w.tw.label)
		if err != nil && i == 0 {
			var se slackapi.SlackErrorResponse
			if w.a.refused(w.team, "chat.postMessage", err) || errors.As(err, &se) && se.Err == "invalid_blocks" {
				w.classic = true
				return w.tw.WriteReply(ctx, r)
			}
		}
		if err != nil {
			w.failed = cmpOr(w.failed, err)
			return err // counted once, by whoever gives up on the answer
		}
		w.wrote = true
	}
	w.a.event(EventAnswer)
	return nil
}

// taskChunk is a step as Slack's task_update chunk.
func taskChunk(s bot.Step) slackapi.TaskUpdateChunk {
	c := slackapi.NewTaskUpdateChunk(s.ID, truncateRunesN(s.Title, 256))
	c.Status = slackapi.TaskCardStatus(s.Status)
	c.Details = s.Details
	return c
}
