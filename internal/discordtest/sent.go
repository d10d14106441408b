package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind says which REST call carried a Sent message.
type Kind string

// Kinds of Sent.
const (
	KindMessage     Kind = "message"      // POST /channels/{id}/messages
	KindEdit        Kind = "edit"         // PATCH /channels/{id}/messages/{id}
	KindCallback    Kind = "callback"     // POST /interactions/{id}/{token}/callback
	KindWebhookEdit Kind = "webhook_edit" // PATCH /webhooks/{app}/{token}/messages/{id}
	KindFollowup    Kind = "followup"     // POST /webhooks/{app}/{token}
)

// Interaction callback types (Sent.Type).
const (
	CallbackPong               = 1
	CallbackMessage            = 4
	CallbackDeferredMessage    = 5
	CallbackDeferredUpdate     = 6
	CallbackUpdateMessage      = 7
	CallbackAutocompleteResult = 8
)

// MessageFlagEphemeral marks a message only its asker can see.
const MessageFlagEphemeral = 1 << 6

// Sent is one message the bot sent, edited or answered an interaction
// with, as the fake received it.
type Sent struct {
	Kind Kind
	Path string
	// ChannelID is the channel of a message create or edit.
	ChannelID string
	// MessageID is the id the fake gave a created message or follow-up,
	// or the id of the message edited ("@original" for an interaction's
	// original response).
	MessageID string
	// InteractionID and Token identify the interaction of a callback,
	// webhook edit or follow-up.
	InteractionID string
	Token         string
	// Type is a callback's interaction response type (Callback*).
	Type int

	Content       string
	Embeds        []Embed
	Buttons       []Button
	Flags         int
	Reference     *Reference
	Choices       []Choice
	Mentions      *AllowedMentions
	EmbedsRaw     json.RawMessage
	ComponentsRaw json.RawMessage
	Body          json.RawMessage
	At            time.Time
}

// Embed is a rich embed as sent.
type Embed struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	URL         string  `json:"url"`
	Color       int     `json:"color"`
	Footer      *Footer `json:"footer"`
	Author      *Author `json:"author"`
	Fields      []Field `json:"fields"`
}

// Footer is an embed's footer.
type Footer struct {
	Text string `json:"text"`
}

// Author is an embed's author line.
type Author struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Field is an embed field.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

// Button is a button component, wherever it sits in the action rows.
type Button struct {
	CustomID string `json:"custom_id"`
	Label    string `json:"label"`
	Style    int    `json:"style"`
	URL      string `json:"url"`
	Emoji    *struct {
		Name string `json:"name"`
	} `json:"emoji"`
}

// Reference is a message reference: what a reply replies to.
type Reference struct {
	MessageID string `json:"message_id"`
	ChannelID string `json:"channel_id,omitempty"`
	GuildID   string `json:"guild_id,omitempty"`
}

// Choice is one autocomplete choice.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// AllowedMentions is the allowed_mentions object of a message. Parse is
// nil when it was null or missing, and empty (not nil) for [].
type AllowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

// NoMentions reports whether the message was sent with allowed_mentions
// "parse": [] and no users or roles, so nothing in it can ping anyone.
func (m Sent) NoMentions() bool {
	return m.Mentions != nil && m.Mentions.Parse != nil && len(m.Mentions.Parse) == 0 &&
		len(m.Mentions.Users) == 0 && len(m.Mentions.Roles) == 0
}

// Ephemeral reports whether the message is visible only to the asker.
func (m Sent) Ephemeral() bool { return m.Flags&MessageFlagEphemeral != 0 }

// Text returns the content and every embed's title, description, fields,
// author and footer joined by newlines: everything a reader sees, for
// "does the message say X" assertions.
func (m Sent) Text() string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		if e.Author != nil {
			parts = append(parts, e.Author.Name)
		}
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// Footers returns the embeds' footer texts joined by newlines.
func (m Sent) Footers() string {
	var parts []string
	for _, e := range m.Embeds {
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// AsMessage returns the message object Discord would include in an
// interaction for a click on this message's buttons.
func (m Sent) AsMessage() map[string]any {
	id := m.MessageID
	if id == "" || id == "@original" {
		id = "300000000000000001"
	}
	o := map[string]any{"id": id, "channel_id": m.ChannelID, "content": m.Content, "author": botUser(),
		"timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0, "flags": m.Flags}
	if len(m.EmbedsRaw) > 0 {
		o["embeds"] = m.EmbedsRaw
	}
	if len(m.ComponentsRaw) > 0 {
		o["components"] = m.ComponentsRaw
	}
	return o
}

// messageBody is the part of every message-bearing body the fake reads.
type messageBody struct {
	Content         *string          `json:"content"`
	Embeds          json.RawMessage  `json:"embeds"`
	Components      json.RawMessage  `json:"components"`
	Flags           int              `json:"flags"`
	Reference       *Reference       `json:"message_reference"`
	AllowedMentions *AllowedMentions `json:"allowed_mentions"`
	Choices         []Choice         `json:"choices"`
}

func parseSent(kind Kind, raw []byte) (Sent, error) {
	m := Sent{Kind: kind, Body: raw, At: time.Now()}
	body := raw
	if kind == KindCallback {
		var cb struct {
			Type int             `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(raw, &cb); err != nil {
			return m, fmt.Errorf("callback body: %w", err)
		}
		m.Type = cb.Type
		body = cb.Data
		if len(body) == 0 || string(body) == "null" {
			return m, nil
		}
	}
	var b messageBody
	if err := json.Unmarshal(body, &b); err != nil {
		return m, fmt.Errorf("message body: %w", err)
	}
	if b.Content != nil {
		m.Content = *b.Content
	}
	m.Flags, m.Reference, m.Mentions, m.Choices = b.Flags, b.Reference, b.AllowedMentions, b.Choices
	if len(b.Embeds) > 0 && string(b.Embeds) != "null" {
		m.EmbedsRaw = b.Embeds
		if err := json.Unmarshal(b.Embeds, &m.Embeds); err != nil {
			return m, fmt.Errorf("embeds: %w", err)
		}
	}
	if len(b.Components) > 0 && string(b.Components) != "null" {
		m.ComponentsRaw = b.Components
		m.Buttons = buttons(b.Components)
	}
	return m, nil
}

func buttons(raw json.RawMessage) []Button {
	var rows []struct {
		Type       int               `json:"type"`
		Components []json.RawMessage `json:"components"`
	}
	if json.Unmarshal(raw, &rows) != nil {
		return nil
	}
	var out []Button
	for _, r := range rows {
		for _, c := range r.Components {
			var b struct {
				Type int `json:"type"`
				Button
			}
			if json.Unmarshal(c, &b) == nil && b.Type == 2 {
				out = append(out, b.Button)
			}
		}
	}
	return out
}

// Discord's message limits.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTotal       = 6000
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxAuthorName       = 256
	MaxCustomID         = 100
	MaxButtonLabel      = 80
	MaxChoices          = 25
)

func runes(s string) int { return len([]rune(s)) }

// CheckMessage reports what Discord would reject in a message body (a
// message create or edit, webhook edit, follow-up or interaction
// callback): content over 2,000 characters, more than 10 embeds, embed
// parts over their limits or over 6,000 characters together, bad
// buttons or choices. It also rejects any message with content or embeds
// that does not carry allowed_mentions with "parse": [] — storybot never
// pings anyone. The fake applies it to everything the bot sends.
func CheckMessage(raw []byte) error {
	var cb struct {
		Type *int            `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	body := raw
	if json.Unmarshal(raw, &cb) == nil && cb.Type != nil {
		// An interaction callback: check what it carries.
		switch *cb.Type {
		case CallbackPong, CallbackDeferredUpdate:
			return nil
		case CallbackMessage, CallbackDeferredMessage, CallbackUpdateMessage, CallbackAutocompleteResult:
		default:
			return fmt.Errorf("interaction response type %d is not one storybot should send", *cb.Type)
		}
		if len(cb.Data) == 0 || string(cb.Data) == "null" {
			if *cb.Type == CallbackMessage || *cb.Type == CallbackUpdateMessage {
				return errors.New("message response without data")
			}
			return nil
		}
		body = cb.Data
		if *cb.Type == CallbackAutocompleteResult {
			var d struct {
				Choices []Choice `json:"choices"`
			}
			if err := json.Unmarshal(body, &d); err != nil {
				return fmt.Errorf("autocomplete data: %w", err)
			}
			if len(d.Choices) > MaxChoices {
				return fmt.Errorf("%d autocomplete choices, over %d", len(d.Choices), MaxChoices)
			}
			for _, c := range d.Choices {
				if n := runes(c.Name); n == 0 || n > 100 {
					return fmt.Errorf("choice name %q: 1–100 characters", c.Name)
				}
			}
			return nil
		}
	}
	var b messageBody
	if err := json.Unmarshal(body, &b); err != nil {
		return fmt.Errorf("message body: %w", err)
	}
	content := ""
	if b.Content != nil {
		content = *b.Content
	}
	if n := runes(content); n > MaxContent {
		return fmt.Errorf("content is %d characters, over %d", n, MaxContent)
	}
	var embeds []Embed
	if len(b.Embeds) > 0 && string(b.Embeds) != "null" {
		if err := json.Unmarshal(b.Embeds, &embeds); err != nil {
			return fmt.Errorf("embeds: %w", err)
		}
	}
	if len(embeds) > MaxEmbeds {
		return fmt.Errorf("%d embeds, over %d", len(embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range embeds {
		if n := runes(e.Title); n > MaxEmbedTitle {
			return fmt.Errorf("embed %d: title is %d characters, over %d", i, n, MaxEmbedTitle)
		}
		if n := runes(e.Description); n > MaxEmbedDescription {
			return fmt.Errorf("embed %d: description is %d characters, over %d", i, n, MaxEmbedDescription)
		}
		if len(e.Fields) > MaxEmbedFields {
			return fmt.Errorf("embed %d: %d fields, over %d", i, len(e.Fields), MaxEmbedFields)
		}
		total += runes(e.Title) + runes(e.Description)
		for j, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				return fmt.Errorf("embed %d field %d: empty name or value", i, j)
			}
			if runes(f.Name) > MaxFieldName || runes(f.Value) > MaxFieldValue {
				return fmt.Errorf("embed %d field %d: name or value too long", i, j)
			}
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			if n := runes(e.Footer.Text); n > MaxFooter {
				return fmt.Errorf("embed %d: footer is %d characters, over %d", i, n, MaxFooter)
			}
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			if n := runes(e.Author.Name); n > MaxAuthorName {
				return fmt.Errorf("embed %d: author is %d characters, over %d", i, n, MaxAuthorName)
			}
			total += runes(e.Author.Name)
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil && e.Author == nil {
			return fmt.Errorf("embed %d is empty", i)
		}
	}
	if total > MaxEmbedTotal {
		return fmt.Errorf("embeds total %d characters, over %d", total, MaxEmbedTotal)
	}
	if len(b.Components) > 0 && string(b.Components) != "null" {
		var rows []struct {
			Type       int               `json:"type"`
			Components []json.RawMessage `json:"components"`
		}
		if err := json.Unmarshal(b.Components, &rows); err != nil {
			return fmt.Errorf("components: %w", err)
		}
		if len(rows) > 5 {
			return fmt.Errorf("%d action rows, over 5", len(rows))
		}
		for i, r := range rows {
			if r.Type != 1 || len(r.Components) == 0 || len(r.Components) > 5 {
				return fmt.Errorf("row %d: want an action row of 1–5 components", i)
			}
		}
		for _, bt := range buttons(b.Components) {
			if bt.URL == "" && (bt.CustomID == "" || len(bt.CustomID) > MaxCustomID) {
				return fmt.Errorf("button %q: custom_id must be 1–%d characters", bt.Label, MaxCustomID)
			}
			if runes(bt.Label) > MaxButtonLabel {
				return fmt.Errorf("button label %q over %d characters", bt.Label, MaxButtonLabel)
			}
		}
	}
	if content != "" || len(embeds) > 0 {
		am := b.AllowedMentions
		if am == nil {
			return errors.New(`no allowed_mentions: @everyone, roles and users in the text would ping`)
		}
		if am.Parse == nil {
			return errors.New(`allowed_mentions.parse is null, not []: Discord then parses mentions in content`)
		}
		if len(am.Parse) > 0 || len(am.Users) > 0 || len(am.Roles) > 0 {
			return fmt.Errorf("allowed_mentions allows %v %v %v", am.Parse, am.Users, am.Roles)
		}
	}
	return nil
}
