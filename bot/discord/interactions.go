package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// maxChoices is the most autocomplete choices Discord shows.
const maxChoices = 25

// Commands is the application commands the adapter registers: every
// bot.Commands entry offered on Discord, with its argument as a string
// option (autocompleted when the argument has a suggestion source).
func Commands() []*discordgo.ApplicationCommand {
	var out []*discordgo.ApplicationCommand
	for _, c := range bot.Commands() {
		if !c.Discord {
			continue
		}
		// Usable in servers and in the bot's DMs (dm_permission, which
		// said the same, is deprecated).
		contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		ac := &discordgo.ApplicationCommand{Name: c.Name, Description: c.Description(), Contexts: &contexts}
		if arg := c.Arg; arg != nil {
			ac.Options = []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString,
				Name: arg.Name, Description: arg.Description, Required: arg.Required,
				Autocomplete: arg.Autocomplete != bot.AutocompleteNone, MaxLength: arg.MaxLength}}
		}
		out = append(out, ac)
	}
	return out
}

// offered returns the bot command a Discord application command runs, if
// it is one the adapter registers.
func offered(name string) (bot.Command, bool) {
	c, ok := bot.FindCommand(name)
	if !ok || !c.Discord || c.Name != name {
		return bot.Command{}, false
	}
	return c, true
}

// slashList names the commands offered on Discord: "`/ask`, `/quote` or `/digest`".
func slashList() string {
	var names []string
	for _, c := range Commands() {
		names = append(names, "`/"+c.Name+"`")
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// registerCommands replaces the application's commands with Commands in
// one bulk overwrite: in the configured guild (instant) or globally. A
// failure is logged, not fatal: mentions and DMs still work.
func (a *Adapter) registerCommands(ctx context.Context) {
	app := a.applicationID()
	if app == "" || a.opts.Token == "" {
		a.log.Warn("discord: commands not registered (no application id or bot token)")
		return
	}
	cmds, err := a.api.ApplicationCommandBulkOverwrite(app, a.opts.GuildID, Commands(), discordgo.WithContext(ctx))
	if err != nil {
		a.event(EventError)
		a.log.Error("discord: registering commands failed", "app", app, "guild", a.opts.GuildID, "err", err)
		return
	}
	scope := "global (may take up to an hour to appear)"
	if a.opts.GuildID != "" {
		scope = "guild " + a.opts.GuildID
	}
	a.log.Info("discord commands registered", "count", len(cmds), "scope", scope)
}

// onInteractionCreate handles an interaction from the gateway, answering
// through the interaction callback endpoint.
func (a *Adapter) onInteractionCreate(_ *discordgo.Session, ev *discordgo.InteractionCreate) {
	if ev.Interaction == nil {
		return
	}
	a.onInteraction(a.baseContext(), ev.Interaction, &restResponder{a: a, i: ev.Interaction})
}

// responder sends an interaction's initial response: over REST for
// gateway interactions, in the HTTP response for HTTP ones.
type responder interface {
	respond(ctx context.Context, resp *discordgo.InteractionResponse) error
}

// errDeferred is returned by a responder whose interaction was already
// deferred on the writer's behalf (the deadline came first): the writer
// then edits the original response instead.
var errDeferred = errors.New("interaction already deferred")

type restResponder struct {
	a *Adapter
	i *discordgo.Interaction
}

func (r *restResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	if err := r.a.api.InteractionRespond(r.i, resp, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord interaction response: %w", err)
	}
	return nil
}

// onInteraction works out what an interaction asks for and answers it in
// the background. It never panics on odd input; anything it does not
// understand gets a short ephemeral explanation.
func (a *Adapter) onInteraction(parent context.Context, i *discordgo.Interaction, resp responder) {
	if a.duplicate(parent, i, resp) {
		return
	}
	a.dispatch(parent, "interaction", func(ctx context.Context) {
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			a.onCommand(ctx, i, resp)
		case discordgo.InteractionApplicationCommandAutocomplete:
			a.onAutocomplete(ctx, i, resp)
		case discordgo.InteractionMessageComponent:
			a.onComponent(ctx, i, resp)
		default:
			a.event(EventMalformed)
			a.log.Warn("discord: interaction type not handled", "type", int(i.Type))
			a.ephemeral(ctx, resp, "Sorry, I don't know what to do with that. Try "+slashList()+".")
		}
	})
}

// ephemeral answers an interaction with a message only the user sees.
func (a *Adapter) ephemeral(ctx context.Context, resp responder, text string) {
	err := resp.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions()}})
	if err != nil && !errors.Is(err, errDeferred) {
		a.log.Warn("discord: ephemeral response failed", "err", err)
	}
}

func interactionUser(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

func (a *Adapter) onCommand(ctx context.Context, i *discordgo.Interaction, resp responder) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		a.event(EventMalformed)
		a.ephemeral(ctx, resp, "Sorry, I couldn't read that command.")
		return
	}
	text := ""
	if c, ok := offered(data.Name); ok && c.Arg != nil {
		text = optionString(data.Options, c.Arg.Name)
		if c.Arg.Required && strings.TrimSpace(text) == "" {
			a.ephemeral(ctx, resp, fmt.Sprintf("`/%s` needs `%s:` — for example `/%s %s: %s`.",
				c.Name, c.Arg.Name, c.Name, c.Arg.Name, firstExample(c)))
			return
		}
	}
	m := bot.Message{ID: i.ID, Platform: bot.PlatformDiscord, Workspace: i.GuildID, Channel: i.ChannelID,
		Thread: i.ChannelID, User: interactionUser(i), Text: text, DM: i.GuildID == "", Command: data.Name, Raw: i}
	if a.queued() && a.queueCommand(ctx, i, m, resp) {
		return // a worker answers it: inbox.go
	}
	w := a.newInteractionWriter(i, resp, a.opts.Ephemeral)
	defer w.finish()
	a.answer(ctx, m, w)
}

// firstExample is c's first example argument, or its argument's hint.
func firstExample(c bot.Command) string {
	if len(c.Examples) > 0 && c.Examples[0] != "" {
		return c.Examples[0]
	}
	return c.Arg.Hint
}

// optionString returns the string value of option name, or "".
func optionString(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o == nil || o.Name != name {
			continue
		}
		if s, ok := o.Value.(string); ok {
			return s
		}
		return fmt.Sprint(o.Value)
	}
	return ""
}

// onAutocomplete suggests values for the option being typed, from the
// suggestion source its bot.Arg names (speakers for /quote who:).
func (a *Adapter) onAutocomplete(ctx context.Context, i *discordgo.Interaction, resp responder) {
	var choices []*discordgo.ApplicationCommandOptionChoice
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	c, known := offered(data.Name)
	if ok && known && c.Arg != nil && c.Arg.Autocomplete != bot.AutocompleteNone {
		typed, focused := "", false
		for _, o := range data.Options {
			if o != nil && o.Focused && o.Name == c.Arg.Name {
				typed, _ = o.Value.(string)
				focused = true
			}
		}
		var names []string
		if focused {
			names = a.h.Suggest(c.Arg.Autocomplete, typed, maxChoices)
		}
		for _, name := range names {
			if name == "" || utf8.RuneCountInString(name) > 100 {
				continue
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
		}
	}
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := resp.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}})
	if err != nil && !errors.Is(err, errDeferred) {
		a.log.Warn("discord: autocomplete response failed", "err", err)
	}
}

// onComponent records a 👍/👎 click and thanks the clicker privately. The
// question and answer are read back from the message clicked, so nothing
// has to be remembered between the answer and the click.
func (a *Adapter) onComponent(ctx context.Context, i *discordgo.Interaction, resp responder) {
	data, ok := i.Data.(discordgo.MessageComponentInteractionData)
	if !ok || (data.CustomID != customHelpful && data.CustomID != customNotHelpful) {
		a.event(EventMalformed)
		a.ephemeral(ctx, resp, "Sorry, that button no longer does anything.")
		return
	}
	f := bot.Feedback{Platform: bot.PlatformDiscord, Channel: i.ChannelID, User: interactionUser(i),
		Helpful: data.CustomID == customHelpful}
	if m := i.Message; m != nil {
		f.MessageID = m.ID
		var answer []string
		for j, e := range m.Embeds {
			if e == nil {
				continue
			}
			if j == 0 {
				f.Question = e.Title
			}
			if e.Description != "" {
				answer = append(answer, e.Description)
			}
		}
		f.Answer = strings.Join(answer, "\n\n")
	}
	if err := a.h.RecordFeedback(ctx, f); err != nil {
		a.event(EventError)
		a.log.Error("discord: recording feedback failed", "err", err)
		a.ephemeral(ctx, resp, "Sorry, I couldn't record that just now.")
		return
	}
	a.event(EventFeedback)
	a.ephemeral(ctx, resp, "Thanks for the feedback!")
}

// interactionWriter answers an application command. A reply that is
// ready at once (quote mode) is the interaction's response; an answer
// that streams (LLM mode) first defers (type 5, "thinking…") and then
// edits the original response as the text grows, no more than once per
// partialEvery, and finally replaces it with the embeds. If nothing is
// ready within deferAfter the writer defers anyway, because Discord
// drops interactions not answered within three seconds. Further messages
// of a long reply are follow-ups.
type interactionWriter struct {
	a         *Adapter
	i         *discordgo.Interaction
	resp      responder
	ephemeral bool
	timer     *time.Timer

	mu          sync.Mutex
	state       int // stateNew, stateDeferred, stateAnswered
	nextPartial time.Time
	wrote       bool
	failed      error   // the first write that failed
	steps       stepLog // the steps of an LLM answer shown so far: steps.go
}

// WriteError returns the first write that failed (bot.WriteFailer).
func (w *interactionWriter) WriteError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}

const (
	stateNew = iota
	stateDeferred
	stateAnswered
)

func (a *Adapter) newInteractionWriter(i *discordgo.Interaction, resp responder, ephemeral bool) *interactionWriter {
	w := &interactionWriter{a: a, i: i, resp: resp, ephemeral: ephemeral}
	if _, http := resp.(*httpResponder); !http && a.deferAfter > 0 {
		// Over HTTP the endpoint defers by itself when the deadline nears.
		w.timer = time.AfterFunc(a.deferAfter, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.state == stateNew {
				_ = w.deferLocked(context.Background())
			}
		})
	}
	return w
}

// finish stops the deferral timer; after it the writer is not used.
func (w *interactionWriter) finish() {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state == stateNew {
		w.state = stateAnswered // nothing more may be sent for it
	}
}

// Delivered reports whether anything reached the asker (bot.DeliveryWriter).
func (w *interactionWriter) Delivered() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wrote
}

func (w *interactionWriter) flags(r *bot.Reply) discordgo.MessageFlags {
	if w.ephemeral || (r != nil && (r.Kind == bot.KindNotice || r.Kind == bot.KindHelp)) {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// deferLocked sends the deferred response (type 5). w.mu is held.
func (w *interactionWriter) deferLocked(ctx context.Context) error {
	err := w.resp.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: w.flags(nil), AllowedMentions: noMentions()}})
	if err != nil && !errors.Is(err, errDeferred) {
		if w.failed == nil {
			w.failed = err
		}
		w.state = stateAnswered
		return err // counted once, by whoever gives up on the answer
	}
	w.state = stateDeferred
	return nil
}

// WriteReply delivers the final reply.
func (w *interactionWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	flags := w.flags(&r)
	for i, m := range render(r, renderOptions{feedback: true}) {
		var err error
		switch {
		case i == 0 && w.state == stateNew:
			err = w.resp.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Embeds: m.embeds, Components: m.components, Flags: flags,
					AllowedMentions: noMentions()}})
			if errors.Is(err, errDeferred) {
				w.state = stateDeferred
				err = w.editOriginal(ctx, m)
			}
		case i == 0 && w.state == stateDeferred:
			err = w.editOriginal(ctx, m)
		default:
			_, err = a.api.FollowupMessageCreate(w.i, true, &discordgo.WebhookParams{Embeds: m.embeds,
				Components: m.components, Flags: flags, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
		}
		if err != nil {
			err = fmt.Errorf("discord command reply: %w", err)
			if w.failed == nil {
				w.failed = err
			}
			return err // counted once, by whoever gives up on the answer
		}
		w.state, w.wrote = stateAnswered, true
	}
	a.event(EventAnswer)
	return nil
}

func (w *interactionWriter) editOriginal(ctx context.Context, m outMessage) error {
	empty := ""
	_, err := w.a.api.InteractionResponseEdit(w.i, &discordgo.WebhookEdit{Content: &empty, Embeds: &m.embeds,
		Components: &m.components, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
	return err
}

// WritePartial shows text, the answer so far, while it streams.
func (w *interactionWriter) WritePartial(ctx context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.a
	now := a.now()
	switch w.state {
	case stateAnswered:
		return nil
	case stateNew:
		if err := w.deferLocked(ctx); err != nil {
			return err
		}
		w.wrote = true
	}
	if now.Before(w.nextPartial) {
		return nil
	}
	body := partialText(text)
	_, err := a.api.InteractionResponseEdit(w.i, &discordgo.WebhookEdit{Content: &body, AllowedMentions: noMentions()},
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	next, err := partialBackoff(a, err, now)
	w.nextPartial = next
	return err
}

// duplicate reports whether i was seen before (Options.Dedupe), and then
// acknowledges it over HTTP without answering again. Autocomplete is
// never a duplicate worth remembering. When the ids cannot be checked
// the interaction is answered: twice is better than never.
func (a *Adapter) duplicate(ctx context.Context, i *discordgo.Interaction, resp responder) bool {
	if a.opts.Dedupe == nil || i.ID == "" || i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return false
	}
	first, err := a.opts.Dedupe.FirstTime(ctx, bot.PlatformDiscord, "interaction:"+i.ID)
	if err != nil {
		a.log.Warn("discord: could not check the interaction id; answering it", "interaction", i.ID, "err", err)
		return false
	}
	if first {
		return false
	}
	a.log.Info("discord: dropping an interaction already answered", "interaction", i.ID)
	a.event(EventDuplicate)
	if hr, ok := resp.(*httpResponder); ok {
		// The HTTP request still needs a response; an empty deferral
		// shows nothing new. (respond would wait for it to be sent, and
		// the caller sends it only after this returns.)
		hr.mu.Lock()
		if !hr.done {
			hr.done = true
			hr.ch <- a.fallbackResponse(i)
		}
		hr.mu.Unlock()
	}
	return true
}
