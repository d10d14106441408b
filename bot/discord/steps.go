package discord

import (
	"context"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// Writers that show the steps of an LLM answer.
var (
	_ bot.StepWriter = (*messageWriter)(nil)
	_ bot.StepWriter = (*interactionWriter)(nil)
)

// typing shows "storybot is typing…" in channel while a mention is
// answered. Discord shows it for ten seconds or until the bot posts; it is
// cosmetic, so a failure is only logged.
func (a *Adapter) typing(ctx context.Context, channel string) {
	if err := a.api.ChannelTyping(channel, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)); err != nil {
		a.log.Debug("discord: typing indicator", "channel", channel, "err", err)
	}
}

// stepLog is the steps of an answer so far, one line each, a later
// update of a step replacing the earlier one.
type stepLog struct {
	mu    sync.Mutex
	steps []bot.Step
}

// add records s and returns the steps as the placeholder's text:
// "⏳ working on it…" over "✅ Retrieved ¶4, ¶13", "▫️ Summarising".
func (l *stepLog) add(s bot.Step) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	replaced := false
	for i := range l.steps {
		if l.steps[i].ID == s.ID {
			l.steps[i], replaced = s, true
		}
	}
	if !replaced {
		l.steps = append(l.steps, s)
	}
	lines := []string{partialText("")}
	for _, st := range l.steps {
		mark := "▫️"
		switch st.Status {
		case bot.StepDone:
			mark = "✅"
		case bot.StepFailed:
			mark = "⚠️"
		}
		lines = append(lines, mark+" "+escape(st.Title))
	}
	return truncateWords(strings.Join(lines, "\n"), maxPartial)
}

// WriteStep shows the steps so far in the placeholder reply, until the
// answer's text streams into it (bot.StepWriter); the check's verdict is
// then in the final embed's footer.
func (w *messageWriter) WriteStep(ctx context.Context, s bot.Step) error {
	body := w.steps.add(s)
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	if !w.nextPartial.IsZero() {
		return nil // the answer's text is streaming; the final footer carries the verdict
	}
	if w.placeholder == "" {
		m, err := a.api.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{Content: body,
			Reference: w.ref, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
		if err != nil {
			return err
		}
		w.placeholder, w.wrote = m.ID, true
		return nil
	}
	_, err := a.api.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: w.placeholder, Channel: w.channel,
		Content: &body, AllowedMentions: noMentions()}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	_, err = partialBackoff(a, err, a.now())
	return err
}

// WriteStep shows the steps so far by editing the deferred reply, until
// the answer's text streams into it (bot.StepWriter).
func (w *interactionWriter) WriteStep(ctx context.Context, s bot.Step) error {
	body := w.steps.add(s)
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	switch w.state {
	case stateAnswered:
		return nil
	case stateNew:
		if err := w.deferLocked(ctx); err != nil {
			return err
		}
		w.wrote = true
	}
	if !w.nextPartial.IsZero() {
		return nil // the answer's text is streaming; the final footer carries the verdict
	}
	_, err := a.api.InteractionResponseEdit(w.i, &discordgo.WebhookEdit{Content: &body, AllowedMentions: noMentions()},
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	_, err = partialBackoff(a, err, a.now())
	return err
}
