package slack

import (
	"context"
	"encoding/json"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/storybot/storybot/bot"
)

// delivery is one inbound Slack request the adapter decided to act on.
type delivery struct {
	msg      bot.Message
	channel  string // where to answer
	threadTS string // thread to answer in; empty for a top-level reply
}

// onEventsAPI decides what to do with an Events API callback and starts
// the answer in the background, or, with an Inbox, queues it durably. It
// returns an error only when queueing failed: the event must then not be
// acknowledged, so that Slack sends it again. retry is Slack's redelivery
// number (0 first).
func (a *Adapter) onEventsAPI(ctx context.Context, ev slackevents.EventsAPIEvent, retry int) error {
	switch ev.Type {
	case slackevents.CallbackEvent:
	case slackevents.AppRateLimited:
		a.log.Warn("slack is rate limiting this app's events", "team", ev.TeamID)
		return nil
	default:
		a.log.Info("slack: dropping unexpected Events API type", "type", ev.Type)
		a.event(EventMalformed)
		return nil
	}
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if cb != nil {
		eventID = cb.EventID
		for _, au := range cb.Authorizations {
			if au.IsBot {
				a.learnBotUser(au.UserID)
				break
			}
		}
	}
	// With an Inbox the queue's unique key is the dedupe, across restarts
	// and replicas; remembering the id here would drop Slack's redelivery
	// of an event that could not be queued.
	if a.opts.Inbox == nil && eventID != "" && !a.seen.add("event:"+eventID) {
		a.log.Info("slack: dropping redelivered event", "event_id", eventID, "retry", retry)
		a.event(EventDuplicate)
		return nil
	}
	if retry > 0 {
		a.log.Info("slack: answering a redelivered event seen for the first time", "event_id", eventID, "retry", retry)
	}

	var d delivery
	var ok bool
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		d, ok = a.fromMention(ev.TeamID, e)
	case *slackevents.MessageEvent:
		d, ok = a.fromMessage(ev.TeamID, e)
	case *slackevents.AssistantThreadStartedEvent, *slackevents.AssistantThreadContextChangedEvent:
		a.onAssistantEvent(ctx, ev.TeamID, e) // greeting and suggested prompts: assistant.go
		return nil
	default:
		a.log.Debug("slack: ignoring event type", "type", ev.InnerEvent.Type, "event_id", eventID)
		return nil
	}
	if !ok {
		return nil
	}
	// A mention in a channel arrives twice, as app_mention and as message;
	// the message key answers it once whichever comes first.
	msgKey := "msg:" + d.channel + ":" + d.msg.ID
	if a.opts.Inbox != nil {
		return a.enqueue(ctx, jobThread, msgKey, jobPayload{Message: d.msg, Channel: d.channel, ThreadTS: d.threadTS})
	}
	if !a.seen.add(msgKey) {
		a.event(EventDuplicate)
		return nil
	}
	a.log.Debug("slack: answering", "channel", d.channel, "thread", d.threadTS, "user", d.msg.User, "event_id", eventID)
	a.dispatch(ctx, "event", func(ctx context.Context) {
		a.answer(ctx, d.msg, a.writerFor(ctx, d)) // assistant threads: see assistant.go
	})
	return nil
}

// fromMention turns an app_mention into a question answered in the
// mention's thread.
func (a *Adapter) fromMention(team string, e *slackevents.AppMentionEvent) (delivery, bool) {
	botUser, _ := a.identity()
	if e.BotID != "" || e.User == "" || e.User == botUser || e.Edited != nil {
		return delivery{}, false
	}
	if botUser == "" {
		botUser = leadingMention(e.Text)
	}
	thread := e.ThreadTimeStamp
	if thread == "" {
		thread = e.TimeStamp
	}
	m := bot.Message{ID: e.TimeStamp, Platform: bot.PlatformSlack, Workspace: team, Channel: e.Channel,
		Thread: thread, User: e.User, Text: plainText(e.Text, botUser), Raw: e}
	return delivery{msg: m, channel: e.Channel, threadTS: thread}, true
}

// fromMessage turns a DM, or a follow-up in a channel thread the bot has
// answered in, into a question. Everything else said in channels is none
// of the bot's business.
func (a *Adapter) fromMessage(team string, e *slackevents.MessageEvent) (delivery, bool) {
	botUser, botID := a.identity()
	if e.BotID != "" || e.User == "" || e.User == botUser || (botID != "" && e.BotID == botID) {
		return delivery{}, false
	}
	switch e.SubType {
	case "", "file_share", "thread_broadcast":
	default: // edits, deletions, joins, bot_message, …
		return delivery{}, false
	}
	m := bot.Message{ID: e.TimeStamp, Platform: bot.PlatformSlack, Workspace: team, Channel: e.Channel,
		User: e.User, Text: plainText(e.Text, botUser), Raw: e}
	if e.IsIM() || (e.ChannelType == "" && strings.HasPrefix(e.Channel, "D")) {
		m.DM = true
		m.Thread = e.ThreadTimeStamp
		if m.Thread == "" {
			// A DM is one conversation, so follow-ups share its context.
			m.Thread = e.Channel
		}
		return delivery{msg: m, channel: e.Channel, threadTS: e.ThreadTimeStamp}, true
	}
	if e.ThreadTimeStamp == "" || !a.threads.has(threadKey(e.Channel, e.ThreadTimeStamp)) {
		return delivery{}, false
	}
	if botUser != "" && strings.Contains(e.Text, "<@"+botUser) {
		return delivery{}, false // the app_mention event answers it
	}
	m.Thread = e.ThreadTimeStamp
	return delivery{msg: m, channel: e.Channel, threadTS: e.ThreadTimeStamp}, true
}

func threadKey(channel, threadTS string) string { return channel + "/" + threadTS }

// onSlashCommand starts answering a slash command through its
// response_url, or queues it (keyed by trigger_id) when there is an
// Inbox; an error means queueing failed and the command must not be
// acknowledged. dedupeKey is the Socket Mode envelope id ("" over HTTP).
func (a *Adapter) onSlashCommand(ctx context.Context, cmd slackapi.SlashCommand, dedupeKey string) error {
	if dedupeKey != "" && !a.seen.add("envelope:"+dedupeKey) {
		a.event(EventDuplicate)
		return nil
	}
	name, known := a.commands[cmd.Command]
	if !known {
		a.log.Info("slack: unknown slash command; answering with help", "command", cmd.Command, "known", a.commandNames())
		name = "help"
	}
	if cmd.ResponseURL == "" || !a.allowedResponseURL(cmd.ResponseURL) {
		a.log.Warn("slack: slash command without a usable response_url", "command", cmd.Command, "channel", cmd.ChannelID)
		a.event(EventMalformed)
		return nil
	}
	botUser, _ := a.identity()
	m := bot.Message{ID: cmd.TriggerID, Platform: bot.PlatformSlack, Workspace: cmd.TeamID, Channel: cmd.ChannelID,
		User: cmd.UserID, Text: plainText(cmd.Text, botUser), Command: name,
		DM: cmd.ChannelName == "directmessage" || strings.HasPrefix(cmd.ChannelID, "D"), Raw: cmd}
	if a.opts.Inbox != nil && cmd.TriggerID != "" {
		err := a.enqueue(ctx, jobSlash, "cmd:"+cmd.TriggerID,
			jobPayload{Message: m, ResponseURL: cmd.ResponseURL, Ephemeral: a.opts.Ephemeral})
		if err != nil && dedupeKey != "" {
			a.seen.forget("envelope:" + dedupeKey)
		}
		return err
	}
	w := &responseWriter{a: a, url: cmd.ResponseURL, ephemeral: a.opts.Ephemeral}
	a.dispatch(ctx, "slash command", func(ctx context.Context) { a.answer(ctx, m, w) })
	return nil
}

// onInteraction records 👍/👎 clicks, or queues them when there is an
// Inbox; an error means queueing failed and the interaction must not be
// acknowledged. dedupeKey is the Socket Mode envelope id ("" over HTTP).
func (a *Adapter) onInteraction(ctx context.Context, cb slackapi.InteractionCallback, dedupeKey string) error {
	if dedupeKey != "" && !a.seen.add("envelope:"+dedupeKey) {
		a.event(EventDuplicate)
		return nil
	}
	if cb.Type != slackapi.InteractionTypeBlockActions {
		a.log.Debug("slack: ignoring interaction", "type", cb.Type)
		return nil
	}
	for _, act := range cb.ActionCallback.BlockActions {
		helpful, q, ans, isFeedback, err := feedbackOf(act) // our buttons or Slack's feedback_buttons
		if !isFeedback {
			continue
		}
		if err != nil {
			a.log.Warn("slack: feedback button with an unreadable value", "err", err)
			a.event(EventMalformed)
			continue
		}
		msgTS := cb.Container.MessageTs
		if msgTS == "" {
			msgTS = cb.Message.Timestamp
		}
		channel := cb.Channel.ID
		if channel == "" {
			channel = cb.Container.ChannelID
		}
		f := bot.Feedback{Platform: bot.PlatformSlack, Channel: channel, User: cb.User.ID, MessageID: msgTS,
			Question: q, Answer: ans, Helpful: helpful, At: a.now()}
		responseURL := cb.ResponseURL
		if a.opts.Inbox != nil {
			key := "click:" + channel + "/" + msgTS + "/" + cb.User.ID + "/" + act.ActionID + "/" + act.ActionTs
			if err := a.enqueue(ctx, jobFeedback, key, jobPayload{Feedback: &f, ResponseURL: responseURL}); err != nil {
				if dedupeKey != "" {
					a.seen.forget("envelope:" + dedupeKey)
				}
				return err
			}
			continue
		}
		a.dispatch(ctx, "feedback", func(ctx context.Context) {
			if err := a.h.RecordFeedback(ctx, f); err != nil {
				a.log.Error("slack: recording feedback failed", "err", err)
				a.event(EventError)
				return
			}
			a.event(EventFeedback)
			if responseURL != "" && a.allowedResponseURL(responseURL) {
				a.thankForFeedback(ctx, responseURL)
			}
		})
	}
	return nil
}

// envelopeIDOf digs the envelope id out of a frame slack-go could not
// parse, so it can still be acknowledged and Slack stops redelivering it.
func envelopeIDOf(raw json.RawMessage) string {
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return ""
	}
	return env.EnvelopeID
}

// plainText turns Slack message markup into the plain text the handler
// expects: the bot's own mention is removed, other mentions, channels and
// links become their readable labels, and Slack's &amp; &lt; &gt; escapes
// are undone. Whitespace runs collapse to single spaces.
func plainText(s, botUserID string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s)
			break
		}
		// The token is the innermost <…>; a stray < before it is text.
		i += strings.LastIndexByte(s[i:i+j], '<')
		j = strings.IndexByte(s[i:], '>')
		b.WriteString(s[:i])
		if label := markupLabel(s[i+1:i+j], botUserID); label != "" {
			b.WriteString(label)
		} else {
			b.WriteByte(' ') // "why<@UBOT>now" must not become "whynow"
		}
		s = s[i+j+1:]
	}
	out := strings.Join(strings.Fields(slackUnescaper.Replace(b.String())), " ")
	// "@storybot: why…" leaves ": why…" once the mention is gone.
	return strings.TrimLeft(out, ":,; ")
}

var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// markupLabel renders one <…> token of Slack markup as plain text.
func markupLabel(tok, botUserID string) string {
	body, label, hasLabel := strings.Cut(tok, "|")
	switch {
	case strings.HasPrefix(body, "@"):
		if botUserID != "" && strings.EqualFold(body[1:], botUserID) {
			return ""
		}
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return body
	case strings.HasPrefix(body, "#"):
		if hasLabel && label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return body
	case strings.HasPrefix(body, "!"):
		name, _, _ := strings.Cut(body[1:], "^")
		switch name {
		case "channel", "here", "everyone":
			return "@" + name
		}
		if hasLabel && label != "" {
			return label // user groups (<!subteam^S1|@team>), dates
		}
		return ""
	default:
		if hasLabel && label != "" {
			return label
		}
		return strings.TrimPrefix(body, "mailto:")
	}
}

// leadingMention returns the user id of a "<@U…>" at the start of text, the
// bot's own mention in an app_mention when auth.test has not told us who
// we are.
func leadingMention(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "<@") {
		return ""
	}
	end := strings.IndexAny(text, "|>")
	if end < 0 {
		return ""
	}
	return text[2:end]
}
