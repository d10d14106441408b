package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// attachmentsOnly is the answer to a message with files and no words.
const attachmentsOnly = "I can only read text, not attachments. Ask me a question about the story in words, or say `help`."

// onMessageCreate answers a message that mentions the bot, or any DM, as
// a reply to it. Messages from the bot itself, other bots and webhooks
// are ignored, as are guild messages that do not mention the bot.
func (a *Adapter) onMessageCreate(_ *discordgo.Session, ev *discordgo.MessageCreate) {
	m := ev.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" {
		return
	}
	self := a.botUserID()
	if self == "" || m.Author.ID == self {
		return
	}
	dm := m.GuildID == ""
	if !dm && !mentions(m, self) {
		return
	}
	text := stripMention(m.Content, self)
	msg := bot.Message{ID: m.ID, Platform: bot.PlatformDiscord, Workspace: m.GuildID, Channel: m.ChannelID,
		Thread: m.ChannelID, User: m.Author.ID, Text: text, DM: dm, Raw: ev}
	if a.queued() && a.queueMessage(m, msg, text == "" && len(m.Attachments) > 0) {
		return // a worker answers it: inbox.go
	}
	w := a.newMessageWriter(m)
	a.dispatch(a.baseContext(), "message", func(ctx context.Context) {
		if text == "" && len(m.Attachments) > 0 {
			if err := w.WriteReply(ctx, bot.Reply{Kind: bot.KindNotice, Text: attachmentsOnly}); err != nil {
				a.log.Error("discord: reply failed", "channel", m.ChannelID, "err", err)
			}
			return
		}
		a.typing(ctx, m.ChannelID) // "storybot is typing…" while it answers: steps.go
		a.answer(ctx, msg, w)
	})
}

// mentions reports whether m mentions the bot: Discord lists mentioned
// users, and the content carries <@id> (or the legacy <@!id>).
func mentions(m *discordgo.Message, self string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")
}

// stripMention removes the bot's own mention so the handler sees the
// question alone.
func stripMention(content, self string) string {
	content = strings.ReplaceAll(content, "<@!"+self+">", " ")
	content = strings.ReplaceAll(content, "<@"+self+">", " ")
	return strings.Join(strings.Fields(content), " ")
}

// answer runs the handler for m and makes sure the asker hears something
// even when the handler fails before writing.
func (a *Adapter) answer(ctx context.Context, m bot.Message, w bot.DeliveryWriter) {
	if err := bot.Respond(ctx, m, w, a.h.Handle); err != nil {
		a.event(EventError)
		a.log.Error("discord: answering failed", "channel", m.Channel, "command", m.Command, "err", err)
	}
}

// messageWriter answers a gateway message as a reply to it, in the same
// channel (and so in the thread, when the message was in one). As a
// PartialWriter it shows an LLM answer growing: the first partial text is
// posted as a placeholder reply, later ones edit it no more than once per
// partialEvery, and the final reply replaces it with the embeds.
type messageWriter struct {
	a       *Adapter
	channel string
	ref     *discordgo.MessageReference

	mu          sync.Mutex
	placeholder string
	nextPartial time.Time
	wrote       bool
	failed      error   // the first write that failed
	steps       stepLog // the steps of an LLM answer shown so far: steps.go
}

// WriteError returns the first write that failed (bot.WriteFailer).
func (w *messageWriter) WriteError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}

func (a *Adapter) newMessageWriter(m *discordgo.Message) *messageWriter {
	noFail := false
	return &messageWriter{a: a, channel: m.ChannelID, ref: &discordgo.MessageReference{MessageID: m.ID,
		ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &noFail}}
}

// Delivered reports whether anything reached the asker (bot.DeliveryWriter).
func (w *messageWriter) Delivered() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wrote
}

// WriteReply delivers the final reply: it replaces the placeholder if one
// was posted, and sends any further messages the reply needs.
func (w *messageWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	for i, m := range render(r, renderOptions{feedback: true}) {
		var err error
		if i == 0 && w.placeholder != "" {
			empty := ""
			_, err = a.api.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: w.placeholder, Channel: w.channel,
				Content: &empty, Embeds: &m.embeds, Components: &m.components, AllowedMentions: noMentions()},
				discordgo.WithContext(ctx))
		} else {
			send := &discordgo.MessageSend{Embeds: m.embeds, Components: m.components, AllowedMentions: noMentions()}
			if i == 0 {
				send.Reference = w.ref
			}
			_, err = a.api.ChannelMessageSendComplex(w.channel, send, discordgo.WithContext(ctx))
		}
		if err != nil {
			err = fmt.Errorf("discord reply in %s: %w", w.channel, err)
			if w.failed == nil {
				w.failed = err
			}
			return err // counted once, by whoever gives up on the answer
		}
		w.wrote = true
	}
	w.placeholder = ""
	a.event(EventAnswer)
	return nil
}

// WritePartial shows text, the answer so far, while it streams.
func (w *messageWriter) WritePartial(ctx context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	now := a.now()
	body := partialText(text)
	if w.placeholder == "" {
		m, err := a.api.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{Content: body,
			Reference: w.ref, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("discord placeholder in %s: %w", w.channel, err)
		}
		w.placeholder, w.nextPartial, w.wrote = m.ID, now.Add(a.partialEvery), true
		return nil
	}
	if now.Before(w.nextPartial) {
		return nil // the final reply or a later partial will show this text
	}
	_, err := a.api.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: w.placeholder, Channel: w.channel,
		Content: &body, AllowedMentions: noMentions()},
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	return w.partialDone(err, now)
}

// partialDone handles the result of a progress edit. Progress is
// cosmetic: on 429 the writer skips edits until Discord allows them again
// rather than stalling the stream.
func (w *messageWriter) partialDone(err error, now time.Time) error {
	next, err := partialBackoff(w.a, err, now)
	w.nextPartial = next
	return err
}

func partialBackoff(a *Adapter, err error, now time.Time) (time.Time, error) {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		a.event(EventRateLimited)
		wait := a.partialEvery
		if rl.RateLimit != nil && rl.TooManyRequests != nil && rl.RetryAfter > wait {
			wait = rl.RetryAfter
		}
		return now.Add(wait), nil
	}
	if err != nil {
		return now.Add(a.partialEvery), fmt.Errorf("discord edit (partial answer): %w", err)
	}
	return now.Add(a.partialEvery), nil
}
