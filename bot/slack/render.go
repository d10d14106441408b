package slack

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

// Slack's Block Kit limits, and our own caps on the small print.
const (
	maxSectionLen  = 3000 // characters in a section's text
	maxBlocks      = 50   // blocks in one message
	maxContextText = 2000 // our cap on one context element
	maxFallbackLen = 3000 // the notification text; Slack allows more, nobody reads more
	maxQuestionLen = 300  // the question echoed above a slash-command answer
)

// Feedback button ids. They are part of the protocol with messages already
// posted, so they must not change.
const (
	feedbackBlockID  = "storybot_feedback"
	actionHelpful    = "storybot_helpful"
	actionNotHelpful = "storybot_not_helpful"
)

// outMessage is one Slack message: Block Kit blocks plus the plain text
// Slack shows in notifications and to screen readers.
type outMessage struct {
	Text   string           `json:"text"`
	Blocks []slackapi.Block `json:"blocks"`
}

type renderOptions struct {
	// showQuestion echoes the question above the answer, for slash
	// commands where the channel never saw it asked.
	showQuestion bool
	// feedback adds 👍/👎 buttons to answers.
	feedback bool
}

// render turns a reply into one or more Slack messages: the answer text as
// sections, quotes as quote blocks with their speaker, a context line with
// the citations and how the answer was made, and feedback buttons. All
// text from the story or the asker is escaped, so nothing in it can become
// a mention, <!channel> or a link. Sections are split at Slack's 3,000
// character limit and messages at 50 blocks.
func render(r bot.Reply, o renderOptions) []outMessage {
	var blocks []slackapi.Block
	answerLike := r.Kind == bot.KindAnswer || r.Kind == bot.KindQuotes
	if o.showQuestion && answerLike {
		if q := strings.Join(strings.Fields(r.Question), " "); q != "" {
			blocks = append(blocks, contextBlock(mrkdwn("*Q:* "+truncateEscaped(escape(q), maxQuestionLen))))
		}
	}
	sections := 0
	for _, chunk := range splitText(escape(strings.TrimSpace(r.Text)), maxSectionLen) {
		if chunk = strings.TrimSpace(chunk); chunk != "" {
			blocks = append(blocks, section(chunk))
			sections++
		}
	}
	for _, q := range r.QuotesToShow() {
		for _, chunk := range quoteChunks(q) {
			blocks = append(blocks, section(chunk))
			sections++
		}
	}
	if sections == 0 {
		blocks = append(blocks, section(emptyText(r.Kind)))
	}
	if els := contextElements(r); len(els) > 0 {
		blocks = append(blocks, contextBlock(els...))
	}
	if o.feedback && answerLike {
		blocks = append(blocks, feedbackBlock(r))
	}

	var out []outMessage
	for len(blocks) > 0 {
		n := min(len(blocks), maxBlocks)
		out = append(out, outMessage{Text: fallbackText(blocks[:n]), Blocks: blocks[:n:n]})
		blocks = blocks[n:]
	}
	return out
}

// quoteChunks renders a quote as "> " lines followed by its attribution,
// split to fit sections.
func quoteChunks(q bot.Quote) []string {
	var b strings.Builder
	for _, line := range strings.Split(q.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString("> " + escape(line) + "\n")
		}
	}
	b.WriteString("— ")
	if q.Speaker != "" {
		b.WriteString("*" + escape(q.Speaker) + "* · ")
	}
	b.WriteString("¶" + strconv.Itoa(q.Paragraph))
	var out []string
	for _, chunk := range splitText(b.String(), maxSectionLen-2) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" || chunk == ">" {
			continue
		}
		if !strings.HasPrefix(chunk, ">") && !strings.HasPrefix(chunk, "— ") {
			// A line too long for one section continues the quote.
			chunk = "> " + chunk
		}
		out = append(out, chunk)
	}
	return out
}

// contextElements is the small print under an answer: citations, how the
// answer was made, and the handler's note.
func contextElements(r bot.Reply) []slackapi.MixedElement {
	var els []slackapi.MixedElement
	if c := citationLine(r.Quotes); c != "" {
		els = append(els, mrkdwn(c))
	} else if src := strings.TrimSpace(r.Source); src != "" {
		els = append(els, mrkdwn("Source: "+truncateEscaped(escape(src), maxContextText)))
	}
	mode := r.HowMade()
	note := strings.TrimSpace(r.Note)
	if mode != "" {
		els = append(els, mrkdwn("_"+truncateEscaped(escape(mode), maxContextText)+"_"))
	}
	if note != "" {
		els = append(els, mrkdwn("_"+truncateEscaped(escape(note), maxContextText)+"_"))
	}
	return els
}

// citationLine lists each distinct citation once, linked to the story when
// it has a usable URL, within maxContextText.
func citationLine(quotes []bot.Quote) string {
	seen := map[string]bool{}
	var parts []string
	size, dropped := 0, 0
	for _, q := range quotes {
		c := q.Citation()
		if seen[c] {
			continue
		}
		seen[c] = true
		part := escape(c)
		if u, ok := linkURL(q.URL); ok {
			part = "<" + u + "|" + part + ">"
		}
		if size+len(part)+3 > maxContextText-20 {
			dropped++
			continue
		}
		parts = append(parts, part)
		size += len(part) + 3
	}
	line := strings.Join(parts, " | ")
	if dropped > 0 {
		line += " | +" + strconv.Itoa(dropped) + " more"
	}
	return line
}

// linkURL returns u ready to go inside <…|…>, or false when it is not a
// plain http(s) link that is safe to put there.
func linkURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsAny(raw, "<>| \t\r\n") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return strings.ReplaceAll(raw, "&", "&amp;"), true
}

func feedbackBlock(r bot.Reply) slackapi.Block {
	value := encodeFeedback(r.Question, feedbackAnswer(r))
	up := slackapi.NewButtonBlockElement(actionHelpful, value,
		slackapi.NewTextBlockObject(slackapi.PlainTextType, "👍 Helpful", true, false))
	down := slackapi.NewButtonBlockElement(actionNotHelpful, value,
		slackapi.NewTextBlockObject(slackapi.PlainTextType, "👎 Not helpful", true, false))
	return slackapi.NewActionBlock(feedbackBlockID, up, down)
}

// feedbackAnswer is the answer as recorded with a 👍/👎: the text and any
// quotes it does not already contain, so a quotes reply is recorded with
// what was quoted and not just its heading.
func feedbackAnswer(r bot.Reply) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Text))
	for _, q := range r.Quotes {
		text := strings.TrimSpace(q.Text)
		if text == "" || strings.Contains(r.Text, text) {
			continue
		}
		b.WriteString("\n“" + text + "”")
		if q.Speaker != "" {
			b.WriteString(" — " + q.Speaker)
		}
		b.WriteString(" [¶" + strconv.Itoa(q.Paragraph) + "]")
	}
	return strings.TrimSpace(b.String())
}

func emptyText(k bot.Kind) string {
	switch k {
	case bot.KindStories:
		return "No stories are loaded."
	case bot.KindDigest:
		return "Nothing to report."
	default:
		return "Sorry, I have no answer to that."
	}
}

// fallbackText is a message's notification text: its sections' text.
func fallbackText(blocks []slackapi.Block) string {
	var parts []string
	for _, b := range blocks {
		if s, ok := b.(*slackapi.SectionBlock); ok && s.Text != nil {
			parts = append(parts, s.Text.Text)
		}
	}
	if len(parts) == 0 {
		return "(continued)"
	}
	return truncateEscaped(strings.Join(parts, "\n"), maxFallbackLen)
}

func mrkdwn(s string) *slackapi.TextBlockObject {
	// verbatim: Slack must not turn names or URLs in story text into
	// mentions or links; the only links are the ones we write.
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, true)
}

func section(s string) slackapi.Block {
	return slackapi.NewSectionBlock(mrkdwn(s), nil, nil)
}

func contextBlock(els ...slackapi.MixedElement) slackapi.Block {
	return slackapi.NewContextBlock("", els...)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes text safe for Slack mrkdwn: with &, < and > escaped, no
// text can form <!channel>, <@U…> or <url|label>.
func escape(s string) string { return escaper.Replace(s) }

// splitText cuts escaped text into chunks of at most max bytes (bytes are
// never fewer than Slack's characters, so the limit holds), preferring
// paragraph, line, sentence and word boundaries, never cutting a UTF-8
// sequence or an &amp;-style entity. Concatenating the chunks gives s.
func splitText(s string, max int) []string {
	if max < 8 {
		max = 8
	}
	var out []string
	for len(s) > max {
		cut := bestCut(s, max)
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func bestCut(s string, max int) int {
	window := s[:max]
	for _, sep := range []string{"\n\n", "\n", ". ", " "} {
		if i := strings.LastIndex(window, sep); i >= max/2 {
			return i + len(sep)
		}
	}
	return safeCut(s, max)
}

// safeCut returns the largest cut ≤ max that splits neither a rune nor an
// entity such as &amp;.
func safeCut(s string, max int) int {
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if amp := strings.LastIndexByte(s[:cut], '&'); amp >= 0 && cut-amp < len("&amp;") &&
		!strings.Contains(s[amp:cut], ";") && amp > 0 {
		cut = amp
	}
	if cut == 0 {
		// Only possible for max smaller than one rune; make progress anyway.
		_, size := utf8.DecodeRuneInString(s)
		cut = size
	}
	return cut
}

// truncateEscaped shortens escaped text to at most max bytes, ending in an
// ellipsis when it had to cut.
func truncateEscaped(s string, max int) string {
	if len(s) <= max {
		return s
	}
	ell := "…"
	return strings.TrimSpace(s[:safeCut(s, max-len(ell))]) + ell
}
