package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// Kinds of jobs the adapter puts in Options.Inbox.
const (
	jobMessage = "message" // a gateway mention or DM, answered as a reply to it
	jobCommand = "command" // an application command, answered by editing its deferred response
)

// Timings of queued answers.
const (
	// enqueueTimeout bounds writing one event to the inbox; an
	// interaction must be answered (deferred) within 3 s.
	enqueueTimeout = 1500 * time.Millisecond
	// deferralWait is how long a worker waits for a command's deferral
	// to be marked sent before taking it that the process died between
	// storing the command and deferring it: Discord then showed the user
	// "The application did not respond", and there is no response to
	// edit.
	deferralWait = 10 * time.Second
	// tokenLife is how long Discord accepts edits and follow-ups with an
	// interaction's token; giveUpAfter leaves time for the apology.
	tokenLife   = 15 * time.Minute
	giveUpAfter = tokenLife - time.Minute
)

// jobPayload is what a job needs to answer after a restart. For a command
// it holds the interaction's token (valid for 15 minutes), which is what
// lets any replica edit the deferred response.
type jobPayload struct {
	Message bot.Message `json:"message"`
	// Message jobs: the message replied to.
	ChannelID       string `json:"channel_id,omitempty"`
	MessageID       string `json:"message_id,omitempty"`
	GuildID         string `json:"guild_id,omitempty"`
	AttachmentsOnly bool   `json:"attachments_only,omitempty"`
	// Command jobs: the interaction to answer.
	InteractionID string `json:"interaction_id,omitempty"`
	AppID         string `json:"app_id,omitempty"`
	Token         string `json:"token,omitempty"`
	Ephemeral     bool   `json:"ephemeral,omitempty"`
}

// queued reports whether answers go through the durable inbox.
func (a *Adapter) queued() bool { return a.opts.Inbox != nil }

// enqueue writes an event to the inbox under key and reports whether it
// is new; an error means it was not stored.
func (a *Adapter) enqueue(ctx context.Context, kind, key string, p jobPayload) (fresh bool, err error) {
	p.Message.Raw = nil
	body, err := json.Marshal(p)
	if err != nil {
		return false, fmt.Errorf("discord: encoding job %s: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), enqueueTimeout)
	defer cancel()
	fresh, err = a.opts.Inbox.Enqueue(ctx, bot.Job{Platform: bot.PlatformDiscord, Key: key, Kind: kind, Payload: body, AckedAt: a.now()})
	if err != nil {
		return false, err
	}
	if !fresh {
		a.log.Info("discord: dropping an event already queued", "key", key)
		a.event(EventDuplicate)
	}
	return fresh, nil
}

// queueMessage stores a gateway message for the workers. It reports false
// when the message could not be stored and must be answered in memory.
func (a *Adapter) queueMessage(m *discordgo.Message, msg bot.Message, attachmentsOnly bool) bool {
	_, err := a.enqueue(a.baseContext(), jobMessage, "message:"+m.ID, jobPayload{Message: msg,
		ChannelID: m.ChannelID, MessageID: m.ID, GuildID: m.GuildID, AttachmentsOnly: attachmentsOnly})
	if err != nil {
		a.log.Error("discord: could not queue a message; answering it in memory", "message", m.ID, "err", err)
		return false
	}
	return true
}

// queueCommand stores an application command, then defers its response
// ("thinking…") and marks the deferral sent, so the worker that answers
// it, here or on another replica, edits that response. It reports false
// when the command could not be stored and must be answered in memory.
func (a *Adapter) queueCommand(ctx context.Context, i *discordgo.Interaction, m bot.Message, resp responder) bool {
	key := "interaction:" + i.ID
	app := i.AppID
	if app == "" {
		app = a.applicationID()
	}
	fresh, err := a.enqueue(ctx, jobCommand, key, jobPayload{Message: m, InteractionID: i.ID, AppID: app, Token: i.Token,
		Ephemeral: a.opts.Ephemeral})
	if err != nil {
		a.log.Error("discord: could not queue a command; answering it in memory", "interaction", i.ID, "err", err)
		return false
	}
	if !fresh {
		a.ephemeral(ctx, resp, "I'm already on it.")
		return true
	}
	var flags discordgo.MessageFlags
	if a.opts.Ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	err = resp.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentions()}})
	if err != nil && !errors.Is(err, errDeferred) { // errDeferred: the HTTP endpoint deferred it already
		// The worker will find no deferral marked and drop the job; the
		// user saw "The application did not respond".
		a.log.Error("discord: deferring a queued command failed", "interaction", i.ID, "err", err)
		return true
	}
	if a.opts.Marks != nil {
		if err := a.opts.Marks.MarkDelivered(context.WithoutCancel(ctx), deferralKey(key), ""); err != nil {
			a.log.Warn("discord: could not mark a command deferred", "interaction", i.ID, "err", err)
		}
	}
	return true
}

func deferralKey(jobKey string) string {
	return string(bot.PlatformDiscord) + ":" + jobKey + "#deferred"
}

// WorkJob answers a job the adapter queued (bot.JobWorker). A failure
// Discord will repeat (a 4xx other than 429) is not tried again.
func (a *Adapter) WorkJob(ctx context.Context, j bot.Job) error {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("discord: unreadable job %s: %w", j.Key, err))
	}
	var w bot.DeliveryWriter
	switch j.Kind {
	case jobMessage:
		mw := a.newMessageWriter(&discordgo.Message{ID: p.MessageID, ChannelID: p.ChannelID, GuildID: p.GuildID})
		if p.AttachmentsOnly {
			err := bot.RespondJob(ctx, p.Message, bot.NewJobWriter(mw, j, a.opts.Marks),
				func(ctx context.Context, _ bot.Message, w bot.ReplyWriter) error {
					return w.WriteReply(ctx, bot.Reply{Kind: bot.KindNotice, Text: attachmentsOnly})
				})
			return a.jobResult(j, err)
		}
		a.typing(ctx, p.ChannelID)
		w = mw
	case jobCommand:
		age := a.now().Sub(j.AckedAt)
		if a.opts.Marks != nil {
			_, deferred, err := a.opts.Marks.Delivered(ctx, deferralKey(j.Key))
			switch {
			case err != nil:
				return fmt.Errorf("discord: job %s: %w", j.Key, err)
			case !deferred && age < deferralWait:
				return &bot.RetryAfterError{After: 250 * time.Millisecond, Err: errors.New("the deferral is not marked sent yet")}
			case !deferred:
				return a.jobResult(j, bot.Permanent(fmt.Errorf("discord: command %s was never deferred; nothing to edit", j.Key)))
			}
		}
		iw := a.queuedInteractionWriter(p)
		if age > giveUpAfter {
			a.apologize(ctx, iw, j, "its interaction token is about to expire")
			return a.jobResult(j, bot.Permanent(fmt.Errorf("discord: command %s is %s old", j.Key, age.Round(time.Second))))
		}
		w = iw
	default:
		return bot.Permanent(fmt.Errorf("discord: job %s of unknown kind %q", j.Key, j.Kind))
	}
	return a.jobResult(j, bot.RespondJob(ctx, p.Message, bot.NewJobWriter(w, j, a.opts.Marks), a.h.Handle))
}

// jobResult turns a job's error into what the queue should do: a failure
// Discord will repeat (a 4xx other than 429) is not tried again. A job
// given up is counted once, as an error.
func (a *Adapter) jobResult(j bot.Job, err error) error {
	if err == nil {
		return nil
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode >= 400 && rest.Response.StatusCode < 500 &&
		rest.Response.StatusCode != http.StatusTooManyRequests {
		err = bot.Permanent(err)
	}
	if errors.Is(err, bot.ErrPermanent) {
		a.event(EventError)
		a.log.Error("discord: giving up on a queued answer", "key", j.Key, "err", err)
	}
	return err
}

// queuedInteractionWriter answers a queued command by editing its
// deferred response, with follow-ups for any further messages.
func (a *Adapter) queuedInteractionWriter(p jobPayload) *interactionWriter {
	i := &discordgo.Interaction{ID: p.InteractionID, AppID: p.AppID, Token: p.Token, Type: discordgo.InteractionApplicationCommand,
		ChannelID: p.Message.Channel, GuildID: p.Message.Workspace}
	return &interactionWriter{a: a, i: i, resp: deferredResponder{}, ephemeral: p.Ephemeral, state: stateDeferred}
}

// deferredResponder stands for an interaction whose initial response was
// already sent (deferred): the writer edits it instead.
type deferredResponder struct{}

func (deferredResponder) respond(context.Context, *discordgo.InteractionResponse) error {
	return errDeferred
}

// AbandonJob is called by the queue when it gives a job up unanswered
// (older than the maximum age; bot.JobAbandoner): a command's "thinking…"
// is edited into an apology while its token is still valid, so the user
// is not left waiting for good. A message job needs nothing: no
// placeholder was shown.
func (a *Adapter) AbandonJob(ctx context.Context, j bot.Job) {
	if j.Kind != jobCommand {
		return
	}
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return
	}
	if a.now().Sub(j.AckedAt) >= tokenLife {
		a.log.Warn("discord: a queued command expired before it could be answered or apologised for", "key", j.Key)
		return
	}
	a.apologize(ctx, a.queuedInteractionWriter(p), j, "it waited too long")
}

// apologize edits a queued command's deferred response into the apology,
// unless an earlier try already delivered its answer.
func (a *Adapter) apologize(ctx context.Context, w *interactionWriter, j bot.Job, why string) {
	jw := bot.NewJobWriter(w, j, a.opts.Marks)
	if err := jw.WriteReply(ctx, bot.Apology); err != nil {
		a.log.Warn("discord: apologising for a queued command failed", "key", j.Key, "why", why, "err", err)
		return
	}
	a.log.Info("discord: apologised for a queued command not answered", "key", j.Key, "why", why)
}

var (
	_ bot.JobWorker    = (*Adapter)(nil)
	_ bot.JobAbandoner = (*Adapter)(nil)
)
