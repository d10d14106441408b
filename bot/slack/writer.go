package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

// Writers the handler answers through.
var (
	_ bot.ReplyWriter   = (*threadWriter)(nil)
	_ bot.PartialWriter = (*threadWriter)(nil)
	_ bot.ReplyWriter   = (*responseWriter)(nil)
	_ bot.PartLabeler   = (*threadWriter)(nil)
	_ bot.PartLabeler   = (*assistantWriter)(nil)
)

// answer runs the handler for m and makes sure the asker hears something
// even when the handler fails before writing.
func (a *Adapter) answer(ctx context.Context, m bot.Message, w bot.DeliveryWriter) {
	if err := bot.Respond(ctx, m, w, a.h.Handle); err != nil {
		a.event(EventError)
		a.log.Error("slack: answering failed", "channel", m.Channel, "command", m.Command, "err", err)
	}
}

// threadWriter answers in a channel, in a thread when threadTS is set. As
// a PartialWriter it shows an LLM answer growing: the first partial text
// is posted as a placeholder, later ones edit it no more than once per
// partialEvery (Slack's chat.update tier allows about one a second per
// channel), and the final reply replaces it.
type threadWriter struct {
	a        *Adapter
	channel  string
	threadTS string

	mu            sync.Mutex
	placeholderTS string
	nextPartial   time.Time
	label         *slackapi.SlackMetadata // carried by the final reply's messages (LabelPart)
	wrote         bool
	failed        error // the first write that failed
}

// WriteError returns the first write that failed (bot.WriteFailer).
func (w *threadWriter) WriteError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}

func (a *Adapter) newThreadWriter(channel, threadTS string) *threadWriter {
	return &threadWriter{a: a, channel: channel, threadTS: threadTS}
}

// Delivered reports whether anything reached the asker (bot.DeliveryWriter).
func (w *threadWriter) Delivered() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wrote
}

// WriteReply delivers the final reply: it replaces the placeholder if one
// was posted, and posts any further messages the reply needs in the same
// thread.
func (w *threadWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	for i, m := range render(r, renderOptions{feedback: true}) {
		var err error
		if i == 0 && w.placeholderTS != "" {
			err = a.retry(ctx, "chat.update", func(ctx context.Context) error {
				opts := []slackapi.MsgOption{slackapi.MsgOptionText(m.Text, false), slackapi.MsgOptionBlocks(m.Blocks...)}
				if w.label != nil {
					opts = append(opts, slackapi.MsgOptionMetadata(*w.label))
				}
				_, _, _, err := a.api.UpdateMessageContext(ctx, w.channel, w.placeholderTS, opts...)
				return err
			})
		} else {
			_, err = w.post(ctx, m.Text, m.Blocks, w.label)
		}
		if err != nil {
			w.failed = cmpOr(w.failed, err)
			return err // counted once, by whoever gives up on the answer
		}
		w.wrote = true
	}
	// Later replies through this writer start a new message.
	w.placeholderTS, w.label = "", nil
	if w.threadTS != "" {
		a.threads.add(threadKey(w.channel, w.threadTS))
	}
	a.event(EventAnswer)
	return nil
}

// WritePartial shows text, the answer so far, while it streams.
func (w *threadWriter) WritePartial(ctx context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	now := a.now()
	body := partialText(text)
	if w.placeholderTS == "" {
		// Unlabelled: a placeholder left by a crash is not the reply.
		ts, err := w.post(ctx, body, nil, nil)
		if err != nil {
			return err
		}
		w.placeholderTS, w.nextPartial, w.wrote = ts, now.Add(a.partialEvery), true
		return nil
	}
	if now.Before(w.nextPartial) {
		return nil // the final reply or a later partial will show this text
	}
	_, _, _, err := a.api.UpdateMessageContext(ctx, w.channel, w.placeholderTS, slackapi.MsgOptionText(body, false))
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		// Progress is cosmetic: skip updates until Slack allows them again
		// rather than stalling the stream.
		a.event(EventRateLimited)
		w.nextPartial = now.Add(max(rl.RetryAfter, a.partialEvery))
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack chat.update (partial answer): %w", err)
	}
	w.nextPartial = now.Add(a.partialEvery)
	return nil
}

// post sends one message to the writer's channel and thread, with label
// as its metadata when it is not nil.
func (w *threadWriter) post(ctx context.Context, text string, blocks []slackapi.Block, label *slackapi.SlackMetadata) (string, error) {
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false),
		slackapi.MsgOptionDisableLinkUnfurl(), slackapi.MsgOptionDisableMediaUnfurl()}
	if len(blocks) > 0 {
		opts = append(opts, slackapi.MsgOptionBlocks(blocks...))
	}
	if w.threadTS != "" {
		opts = append(opts, slackapi.MsgOptionTS(w.threadTS))
	}
	if label != nil {
		opts = append(opts, slackapi.MsgOptionMetadata(*label))
	}
	var ts string
	err := w.a.retry(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		_, ts, err = w.a.api.PostMessageContext(ctx, w.channel, opts...)
		return err
	})
	return ts, err
}

// partialText is the placeholder shown while an answer streams.
func partialText(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ":hourglass_flowing_sand: _working on it…_"
	}
	return truncateEscaped(escape(text), maxSectionLen-2) + " …"
}

// maxResponseURLPosts is how many times Slack lets one response_url be used.
const maxResponseURLPosts = 5

// responseWriter answers a slash command through its response_url,
// visible to the asker only or to the channel.
type responseWriter struct {
	a         *Adapter
	url       string
	ephemeral bool

	mu     sync.Mutex
	uses   int
	wrote  bool
	failed error // the first write that failed
}

// WriteError returns the first write that failed (bot.WriteFailer).
func (w *responseWriter) WriteError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}

// cmpOr returns first unless it is nil, then second.
func cmpOr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

// Delivered reports whether anything reached the asker (bot.DeliveryWriter).
func (w *responseWriter) Delivered() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wrote
}

// WriteReply posts r to the response_url.
func (w *responseWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	kind := slackapi.ResponseTypeInChannel
	if w.ephemeral {
		kind = slackapi.ResponseTypeEphemeral
	}
	for _, m := range render(r, renderOptions{feedback: true, showQuestion: true}) {
		if w.uses >= maxResponseURLPosts {
			a.log.Warn("slack: reply longer than a response_url may carry; rest dropped", "uses", w.uses)
			break
		}
		w.uses++
		err := a.retry(ctx, "response_url", func(ctx context.Context) error {
			_, _, err := a.api.PostMessageContext(ctx, "", slackapi.MsgOptionResponseURL(w.url, kind),
				slackapi.MsgOptionText(m.Text, false), slackapi.MsgOptionBlocks(m.Blocks...))
			return err
		})
		if err != nil {
			w.failed = cmpOr(w.failed, err)
			return err // counted once, by whoever gives up on the answer
		}
		w.wrote = true
	}
	a.event(EventAnswer)
	return nil
}

// thankForFeedback tells the clicker, and only them, that it was noted.
func (a *Adapter) thankForFeedback(ctx context.Context, responseURL string) {
	err := a.retry(ctx, "response_url", func(ctx context.Context) error {
		_, _, err := a.api.PostMessageContext(ctx, "", slackapi.MsgOptionResponseURL(responseURL, slackapi.ResponseTypeEphemeral),
			slackapi.MsgOptionText("Thanks for the feedback!", false))
		return err
	})
	if err != nil {
		a.log.Warn("slack: could not thank for feedback", "err", err)
	}
}

// allowedResponseURL keeps the adapter from posting answers anywhere but
// Slack (or the API host it was pointed at, in tests and behind proxies):
// a response_url is data from the request, not configuration.
func (a *Adapter) allowedResponseURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if a.apiHost != "" && strings.EqualFold(u.Host, a.apiHost) {
		return true
	}
	host := strings.ToLower(u.Hostname())
	return u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com"))
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
