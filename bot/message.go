// Package bot is storybot's platform-neutral core: every chat adapter turns
// what its platform delivers into a Message, hands it to one Handler, and
// renders the Reply the Handler writes back. Nothing in this package knows
// about Slack, Discord or any other SDK.
package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Platform names where a Message came from, for logs, metrics and limits.
type Platform string

// The platforms storybot ships adapters for.
const (
	PlatformConsole Platform = "console"
	PlatformSlack   Platform = "slack"
	PlatformDiscord Platform = "discord"
)

// Message is one thing a user said to the bot, already stripped of the
// platform's mention syntax so the handler sees plain text.
type Message struct {
	// ID identifies the message on its platform (Slack ts, Discord snowflake);
	// it is used in logs and to answer a redelivered event once.
	ID        string
	Platform  Platform
	Workspace string // Slack team or Discord guild; empty in DMs and the console.
	Channel   string
	// Thread is the key of the conversation the message belongs to (Slack
	// thread_ts, Discord thread or channel id). Follow-up questions share it.
	Thread string
	User   string
	Text   string
	DM     bool
	// Command is set when the message came from a slash command: a name
	// or alias of one of Commands ("quote", "/quotes"), or an unknown word
	// the help will name. Text then holds its argument.
	Command string
	// Raw holds the SDK event for adapters that need it back; the handler
	// never looks inside.
	Raw any
}

// Mode says how an answer was produced.
type Mode string

// Answer modes. ModeAuto is a setting, never the mode of a Reply.
const (
	ModeQuote   Mode = "quote"
	ModeSummary Mode = "summary"
	ModeAuto    Mode = "auto"
)

// Kind tells an adapter what sort of reply it is rendering.
type Kind string

// Reply kinds.
const (
	KindAnswer  Kind = "answer"  // an answer to a question (may be an abstention)
	KindQuotes  Kind = "quotes"  // what a person said, or quotations on a topic
	KindDigest  Kind = "digest"  // key points of the stories
	KindStories Kind = "stories" // the list of loaded stories
	KindHelp    Kind = "help"    // usage text
	KindNotice  Kind = "notice"  // a refusal, a rate-limit note, an apology
)

// Quote is a verbatim span of a story with its citation. Text is always an
// exact substring of paragraph Paragraph of story Story.
type Quote struct {
	Text      string
	Speaker   string // empty when the span is narration, not a quotation
	Story     string
	Paragraph int
	Outlet    string
	Date      time.Time // the story's publication date; zero if unknown
	URL       string    // the story's source link; empty if unknown
	Headline  string    // the story's title; empty if unknown
}

// Citation renders the quote's reference the way every adapter shows it:
// "¶4 · CNN · 2025-10-21".
func (q Quote) Citation() string {
	s := "¶" + strconv.Itoa(q.Paragraph)
	if q.Outlet != "" {
		s += " · " + q.Outlet
	}
	if !q.Date.IsZero() {
		s += " · " + q.Date.Format("2006-01-02")
	}
	return s
}

// Reply is what the handler answers, independent of any platform.
type Reply struct {
	Kind Kind
	// Question is the cleaned question or query that was answered.
	Question string
	// Text is the answer to show first. In quote mode it is verbatim story
	// sentences with [¶N] markers; in summary mode the checked LLM summary.
	Text string
	// Quotes are the cited spans, in relevance order.
	Quotes []Quote
	// Abstained is true when the stories do not answer the question.
	Abstained bool
	Mode      Mode
	// Model names the LLM that wrote a summary; empty in quote mode.
	Model string
	// Source is a one-line description of where the answer comes from,
	// such as "CNN, 2025-10-21".
	Source string
	// Note is a short remark shown under the answer ("quoted from the story",
	// "the LLM was unavailable, so these are the story's own words").
	Note string
	// Closest is, when the answer was declined, the nearest passage the
	// stories hold (not an answer); nil otherwise.
	Closest *Quote
	// Checked is the verdict of the checks on a summary ("Checked 3
	// quotations against the story: 3 verbatim"); empty in quote mode.
	Checked string
}

// ReplyWriter delivers a Reply to wherever the Message came from. Adapters
// bind it to the source channel and thread.
type ReplyWriter interface {
	WriteReply(ctx context.Context, r Reply) error
}

// PartialWriter is implemented by ReplyWriters that can edit a message in
// place (Slack chat.update, Discord interaction edits, a console redraw).
// The handler calls WritePartial with the text so far while an LLM streams,
// then WriteReply once with the final, checked reply. Writers that do not
// implement it only ever see the final reply.
type PartialWriter interface {
	WritePartial(ctx context.Context, text string) error
}

// Feedback is a user's 👍 or 👎 on an answer.
type Feedback struct {
	Platform Platform
	Channel  string
	User     string
	// MessageID is the platform id of the answer that was rated.
	MessageID string
	Question  string
	Answer    string
	Helpful   bool
	At        time.Time
}

// QuotesToShow returns the quotes a renderer shows below Text: every quote
// except the unattributed ones a quote-mode answer already shows word for
// word in Text (their citations still belong in the citation line).
func (r Reply) QuotesToShow() []Quote {
	var out []Quote
	for _, q := range r.Quotes {
		text := strings.TrimSpace(q.Text)
		if text == "" {
			continue
		}
		if r.Kind == KindAnswer && r.Mode != ModeSummary && q.Speaker == "" && strings.Contains(r.Text, text) {
			continue
		}
		out = append(out, q)
	}
	return out
}

// HowMade is the line that tells readers how an answer was made: "quoted
// from the story" or "summary by <model>, checked against the story". It
// is empty for abstentions, notices and help, and when Note already says
// it ("key points quoted from the story").
func (r Reply) HowMade() string {
	how := ""
	empty := strings.TrimSpace(r.Text) == "" && len(r.Quotes) == 0
	switch {
	case r.Abstained || empty || (r.Kind != KindAnswer && r.Kind != KindQuotes && r.Kind != KindDigest):
	case r.Mode == ModeSummary:
		model := strings.TrimSpace(r.Model)
		if model == "" {
			model = "an LLM"
		}
		how = "summary by " + model + ", checked against the story"
	case r.Mode == ModeQuote || r.Kind == KindQuotes:
		how = "quoted from the story"
	}
	if how != "" && strings.Contains(r.Note, how) {
		return ""
	}
	return how
}
