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
	jobThread = "thread" // answer in a channel or thread with chat.postMessage
	jobSlash  = "slash"  // answer a slash command through its response_url
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
		return bot.Permanent(err)
	}
	return err
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
