package discordtest

import (
	"fmt"
	"time"
)

// MessageEvent is a message someone posted, delivered as MESSAGE_CREATE.
type MessageEvent struct {
	ID        string // filled in by SendMessage when empty
	ChannelID string
	GuildID   string // empty in a DM
	AuthorID  string
	AuthorBot bool
	Content   string
	// MentionsBot lists the bot user in the message's mentions, as
	// Discord does when the content contains <@BotUserID>.
	MentionsBot bool
	// Attachments is how many (fake) files are attached.
	Attachments int
	WebhookID   string
}

// Mention is a message in the guild channel that mentions the bot.
func Mention(text string) MessageEvent {
	return MessageEvent{ChannelID: ChannelID, GuildID: GuildID, AuthorID: UserID,
		Content: "<@" + BotUserID + "> " + text, MentionsBot: true}
}

// DirectMessage is a message to the bot in a DM.
func DirectMessage(text string) MessageEvent {
	return MessageEvent{ChannelID: DMChannelID, AuthorID: UserID, Content: text}
}

// ChannelMessage is a message in the guild channel that does not mention
// the bot.
func ChannelMessage(text string) MessageEvent {
	return MessageEvent{ChannelID: ChannelID, GuildID: GuildID, AuthorID: UserID, Content: text}
}

// Payload is the MESSAGE_CREATE data.
func (m MessageEvent) Payload() map[string]any {
	author := map[string]any{"id": m.AuthorID, "username": "user" + m.AuthorID[max(0, len(m.AuthorID)-3):],
		"discriminator": "0", "bot": m.AuthorBot}
	mentions := []any{}
	if m.MentionsBot {
		mentions = append(mentions, botUser())
	}
	var atts []any
	for i := range m.Attachments {
		atts = append(atts, map[string]any{"id": fmt.Sprint(400000000000000000 + i), "filename": "photo.png",
			"size": 1024, "url": "https://cdn.discordapp.com/attachments/1/2/photo.png", "content_type": "image/png"})
	}
	if atts == nil {
		atts = []any{}
	}
	p := map[string]any{"id": m.ID, "channel_id": m.ChannelID, "author": author, "content": m.Content,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "tts": false, "mention_everyone": false,
		"mentions": mentions, "mention_roles": []any{}, "attachments": atts, "embeds": []any{}, "type": 0}
	if m.GuildID != "" {
		p["guild_id"] = m.GuildID
		p["member"] = map[string]any{"roles": []any{}, "joined_at": "2024-01-01T00:00:00+00:00"}
	}
	if m.WebhookID != "" {
		p["webhook_id"] = m.WebhookID
	}
	return p
}

// SendMessage dispatches m as MESSAGE_CREATE and returns its id.
func (s *Server) SendMessage(m MessageEvent) string {
	if m.ID == "" {
		m.ID = s.NewID()
	}
	s.Dispatch("MESSAGE_CREATE", m.Payload())
	return m.ID
}

// Interaction types.
const (
	InteractionPing         = 1
	InteractionCommand      = 2
	InteractionComponent    = 3
	InteractionAutocomplete = 4
	InteractionModalSubmit  = 5
)

// Option is an application command option as a user filled it in.
type Option struct {
	Name    string
	Value   any
	Focused bool // the option being typed, in an autocomplete interaction
}

// InteractionEvent is an interaction: a slash command, an autocomplete
// request or a button click.
type InteractionEvent struct {
	ID        string // filled in by SendInteraction/Prepare when empty
	Token     string // likewise
	Type      int
	GuildID   string // empty in a DM
	ChannelID string
	UserID    string
	// Name and Options describe a command or autocomplete interaction.
	Name    string
	Options []Option
	// CustomID and Message describe a component click: the button's id
	// and the message it was on (see Sent.AsMessage).
	CustomID string
	Message  map[string]any
	// Data, when set, replaces the data built from the fields above, for
	// malformed interactions.
	Data map[string]any
}

// SlashCommand is a slash command typed in the guild channel.
func SlashCommand(name string, opts ...Option) InteractionEvent {
	return InteractionEvent{Type: InteractionCommand, GuildID: GuildID, ChannelID: ChannelID, UserID: UserID,
		Name: name, Options: opts}
}

// Autocomplete is the request Discord sends while a user types option
// focused of command name.
func Autocomplete(name, focused, typed string) InteractionEvent {
	return InteractionEvent{Type: InteractionAutocomplete, GuildID: GuildID, ChannelID: ChannelID, UserID: UserID,
		Name: name, Options: []Option{{Name: focused, Value: typed, Focused: true}}}
}

// Click is a click on button customID of message (see Sent.AsMessage).
func Click(customID string, message map[string]any) InteractionEvent {
	return InteractionEvent{Type: InteractionComponent, GuildID: GuildID, ChannelID: ChannelID, UserID: UserID,
		CustomID: customID, Message: message}
}

// Ping is the PING Discord sends to check an interactions endpoint.
func Ping() InteractionEvent { return InteractionEvent{Type: InteractionPing} }

// Prepare fills in the id and token of i when they are empty, for
// interactions a test delivers itself (to an HTTP interactions endpoint).
func (s *Server) Prepare(i InteractionEvent) InteractionEvent {
	if i.ID == "" {
		i.ID = s.NewID()
	}
	if i.Token == "" {
		i.Token = "itok-" + i.ID
	}
	return i
}

// Payload is the INTERACTION_CREATE data (and the body Discord posts to
// an HTTP interactions endpoint).
func (i InteractionEvent) Payload() map[string]any {
	p := map[string]any{"id": i.ID, "application_id": AppID, "type": i.Type, "token": i.Token, "version": 1,
		"locale": "en-US"}
	if i.Type == InteractionPing {
		return p
	}
	user := map[string]any{"id": i.UserID, "username": "alice", "discriminator": "0"}
	if i.GuildID != "" {
		p["guild_id"] = i.GuildID
		p["member"] = map[string]any{"user": user, "roles": []any{}, "joined_at": "2024-01-01T00:00:00+00:00",
			"permissions": "0"}
		p["guild_locale"] = "en-US"
	} else {
		p["user"] = user
	}
	if i.ChannelID != "" {
		p["channel_id"] = i.ChannelID
		p["channel"] = map[string]any{"id": i.ChannelID, "type": 0}
	}
	switch {
	case i.Data != nil:
		p["data"] = i.Data
	case i.Type == InteractionComponent:
		p["data"] = map[string]any{"custom_id": i.CustomID, "component_type": 2}
		if i.Message != nil {
			p["message"] = i.Message
		}
	case i.Type == InteractionCommand || i.Type == InteractionAutocomplete:
		var opts []any
		for _, o := range i.Options {
			om := map[string]any{"name": o.Name, "type": 3, "value": o.Value}
			if o.Focused {
				om["focused"] = true
			}
			opts = append(opts, om)
		}
		d := map[string]any{"id": "500000000000000001", "name": i.Name, "type": 1}
		if opts != nil {
			d["options"] = opts
		}
		p["data"] = d
	}
	return p
}

// SendInteraction dispatches i as INTERACTION_CREATE and returns it with
// its id and token filled in.
func (s *Server) SendInteraction(i InteractionEvent) InteractionEvent {
	i = s.Prepare(i)
	s.mu.Lock()
	s.interactions[i.Token] = &interactionState{id: i.ID}
	s.mu.Unlock()
	s.Dispatch("INTERACTION_CREATE", i.Payload())
	return i
}
