package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

// Kinds of jobs the adapter puts in Options.Inbox.
const (
	jobThread   = "thread"   // answer in a channel or thread with chat.postMessage
	jobSlash    = "slash"    // answer a slash command through its response_url
	jobFeedback = "feedback" // record a 👍/👎 click and thank the clicker
)

// enqueueTimeout bounds writing one event to the inbox before it is
// acknowledged; Slack's own deadline is 3 s.
const enqueueTimeout = 2 * time.Second

// jobPayload is what a job needs to answer after a restart.
type jobPayload struct {
	Message     bot.Message `json:"message"`
	Channel     string      `json:"channel,omitempty"`
	ThreadTS    string      `json:"thread_ts,omitempty"`
	ResponseURL string      `json:"response_url,omitempty"`
	Ephemeral   bool        `json:"ephemeral,omitempty"`
	// Feedback is the click a feedback job records.
	Feedback *bot.Feedback `json:"feedback,omitempty"`
}

// enqueue writes an event to the inbox under key. A duplicate is counted
// and dropped; an error means the event must not be acknowledged.
func (a *Adapter) enqueue(ctx context.Context, kind, key string, p jobPayload) error {
	p.Message.Raw = nil
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("slack: encoding job %s: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), enqueueTimeout)
	defer cancel()
	fresh, err := a.opts.Inbox.Enqueue(ctx, bot.Job{Platform: bot.PlatformSlack, Key: key, Kind: kind, Payload: body, AckedAt: a.now()})
	if err != nil {
		a.event(EventError)
		a.log.Error("slack: could not queue an event; not acknowledging it, so Slack sends it again", "key", key, "err", err)
		return err
	}
	if !fresh {
		a.log.Info("slack: dropping an event already queued", "key", key)
		a.event(EventDuplicate)
	}
	return nil
}

// WorkJob answers a job the adapter queued (bot.JobWorker). A reply that
// Slack rate-limits comes back as a bot.RetryAfterError; one Slack
// refuses (channel_not_found, not_in_channel, …) is not tried again.
func (a *Adapter) WorkJob(ctx context.Context, j bot.Job) error {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("slack: unreadable job %s: %w", j.Key, err))
	}
	var w bot.DeliveryWriter
	switch j.Kind {
	case jobFeedback:
		return a.workFeedback(ctx, j, p)
	case jobThread:
		// The same writer as an answer in memory: an assistant thread
		// streams natively there too.
		w = a.writerFor(ctx, delivery{msg: p.Message, channel: p.Channel, threadTS: p.ThreadTS})
	case jobSlash:
		if !a.allowedResponseURL(p.ResponseURL) {
			return bot.Permanent(fmt.Errorf("slack: job %s has no usable response_url", j.Key))
		}
		w = &responseWriter{a: a, url: p.ResponseURL, ephemeral: p.Ephemeral}
	default:
		return bot.Permanent(fmt.Errorf("slack: job %s of unknown kind %q", j.Key, j.Kind))
	}
	err := bot.RespondJob(ctx, p.Message, bot.NewJobWriter(w, j, a.opts.Marks), a.h.Handle)
	if err == nil {
		return nil
	}
	var rl *slackapi.RateLimitedError
	var refused slackapi.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return &bot.RetryAfterError{After: rl.RetryAfter, Err: err}
	case errors.As(err, &refused):
		err = bot.Permanent(err)
	}
	if errors.Is(err, bot.ErrPermanent) {
		// Counted once, when the job is given up; a try that will be made
		// again is counted by the queue as a retry.
		a.event(EventError)
	}
	return err
}

// workFeedback records a queued click once (a marker guards against a
// try that recorded it and then died) and thanks the clicker; a thank-you
// that fails is logged, not tried again: it is a courtesy.
func (a *Adapter) workFeedback(ctx context.Context, j bot.Job, p jobPayload) error {
	if p.Feedback == nil {
		return bot.Permanent(fmt.Errorf("slack: feedback job %s without a click", j.Key))
	}
	marker := string(bot.PlatformSlack) + ":" + j.Key + "#recorded"
	if a.opts.Marks != nil {
		if _, done, err := a.opts.Marks.Delivered(ctx, marker); err != nil {
			return fmt.Errorf("slack: feedback job %s: %w", j.Key, err)
		} else if done {
			return nil
		}
	}
	if err := a.h.RecordFeedback(ctx, *p.Feedback); err != nil {
		return fmt.Errorf("slack: recording feedback: %w", err)
	}
	a.event(EventFeedback)
	if a.opts.Marks != nil {
		if err := a.opts.Marks.MarkDelivered(context.WithoutCancel(ctx), marker, ""); err != nil {
			a.log.Warn("slack: could not mark feedback recorded", "key", j.Key, "err", err)
		}
	}
	if p.ResponseURL != "" && a.allowedResponseURL(p.ResponseURL) {
		a.thankForFeedback(ctx, p.ResponseURL)
	}
	return nil
}

var _ bot.JobWorker = (*Adapter)(nil)

// forget removes key, so that a delivery that could not be queued is
// taken when Slack sends it again.
func (s *recentSet) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.items[key]; ok {
		s.remove(el)
	}
}
