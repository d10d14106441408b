package discord

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// Discord's message limits, and our own caps within them. Discord counts
// characters; so do we (runes), never bytes.
const (
	maxContent   = 2000 // characters of message content
	maxEmbeds    = 10   // embeds in one message
	maxEmbedsLen = 6000 // characters of all embeds in one message together
	maxTitle     = 256  // an embed title
	maxFooter    = 2048 // an embed footer
	// maxDescription is our cap on an embed description (Discord allows
	// 4,096) so that an embed with a full title and footer still fits the
	// 6,000 per message.
	maxDescription = 3600
	maxPartial     = 1900 // the streaming placeholder's text
	embedColor     = 0x2B6CB0
)

// Feedback button ids. They are part of the protocol with messages already
// posted, so they must not change.
const (
	customHelpful    = "storybot:helpful"
	customNotHelpful = "storybot:not_helpful"
)

// outMessage is one Discord message of a reply.
type outMessage struct {
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
}

type renderOptions struct {
	// feedback adds 👍/👎 buttons under answers.
	feedback bool
}

// render turns a reply into one or more Discord messages of embeds: the
// question as the title (of answers), the answer as the description,
// quotes as block quotes with their speaker and paragraph, and a footer
// with the citations ("¶4 · CNN · 2025-10-21") and how the answer was
// made; the story's link is the embed URL when known. Long replies are
// split at paragraph, sentence or word boundaries into more embeds and
// messages; nothing is cut off.
func render(r bot.Reply, o renderOptions) []outMessage {
	answerLike := r.Kind == bot.KindAnswer || r.Kind == bot.KindQuotes
	text := strings.TrimSpace(r.Text)
	if answerLike {
		// Story and LLM text is shown as written: Markdown in it must not
		// format, and nothing in it may become a link.
		text = escape(text)
	}
	var pieces []string
	for _, p := range splitText(text, maxDescription) {
		if p = strings.TrimSpace(p); p != "" {
			pieces = append(pieces, p)
		}
	}
	quotes := r.QuotesToShow()
	var fields []*discordgo.MessageEmbedField
	if r.Kind == bot.KindAnswer && r.Mode == bot.ModeSummary {
		// A summary's citations are embed fields, one per paragraph,
		// each with the quoted sentence and the source link.
		fields, quotes = citationFields(quotes), nil
	}
	for _, q := range quotes {
		pieces = append(pieces, quotePieces(q, maxDescription)...)
	}
	if len(pieces) == 0 {
		pieces = append(pieces, emptyText(r.Kind))
	}

	var descs []string
	cur := ""
	for _, p := range pieces {
		switch {
		case cur == "":
			cur = p
		case utf8.RuneCountInString(cur)+2+utf8.RuneCountInString(p) <= maxDescription:
			cur += "\n\n" + p
		default:
			descs = append(descs, cur)
			cur = p
		}
	}
	descs = append(descs, cur)

	embeds := make([]*discordgo.MessageEmbed, len(descs))
	for i, d := range descs {
		embeds[i] = &discordgo.MessageEmbed{Description: d, Color: embedColor}
	}
	if len(fields) > 0 {
		embeds = append(embeds, &discordgo.MessageEmbed{Title: "Citations", Fields: fields, Color: embedColor})
	}
	first, last := embeds[0], embeds[len(embeds)-1]
	if answerLike {
		first.Title = truncateWords(strings.Join(strings.Fields(r.Question), " "), maxTitle)
	}
	if u := sourceURL(r.Quotes); u != "" {
		first.URL = u
		if first.Title == "" {
			first.Title = truncateWords(firstNonEmpty(r.Source, "Source"), maxTitle)
		}
	}
	if f := footerText(r); f != "" {
		last.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}

	var out []outMessage
	var msg outMessage
	size := 0
	for _, e := range embeds {
		n := embedLen(e)
		if len(msg.embeds) > 0 && (len(msg.embeds) == maxEmbeds || size+n > maxEmbedsLen) {
			out = append(out, msg)
			msg, size = outMessage{}, 0
		}
		msg.embeds = append(msg.embeds, e)
		size += n
	}
	if o.feedback && answerLike {
		msg.components = feedbackButtons()
	}
	return append(out, msg)
}

func embedLen(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// Embed field limits: Discord's, and our caps so the citations embed
// stays well inside a message's 6,000 characters.
const (
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFields      = 10
	maxFieldsTotal = 3000
)

// citationFields renders each distinct cited paragraph as an embed field:
// "¶4 · CNN · 2025-10-21" over the quoted sentence, with the source link.
func citationFields(quotes []bot.Quote) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	seen := map[string]bool{}
	total := 0
	for _, q := range quotes {
		text := strings.Join(strings.Fields(q.Text), " ")
		key := q.Story + "#" + strconv.Itoa(q.Paragraph)
		if text == "" || seen[key] || len(out) == maxFields {
			continue
		}
		seen[key] = true
		name := q.Citation()
		if q.Speaker != "" {
			name += " · " + q.Speaker
		}
		name = truncateWords(name, maxFieldName)
		link := ""
		if u := sourceURL([]bot.Quote{q}); u != "" && !strings.ContainsAny(u, "()<> ") {
			link = "\n[source](" + u + ")"
		}
		value := "> " + truncateWords(escape(text), maxFieldValue-len([]rune(link))-4) + link
		n := utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
		if total+n > maxFieldsTotal {
			break
		}
		total += n
		out = append(out, &discordgo.MessageEmbedField{Name: name, Value: value})
	}
	return out
}

// quotePieces renders a quote as "> " lines and its attribution
// ("— **Dmitry Peskov** · ¶9"), in pieces of at most max characters. A
// quote too long for one piece continues in the next, split between
// words and marked with "…" at both ends of the break.
func quotePieces(q bot.Quote, limit int) []string {
	attr := "— "
	if q.Speaker != "" {
		attr += "**" + escape(q.Speaker) + "** · "
	}
	attr += "¶" + strconv.Itoa(q.Paragraph)
	body := escape(strings.TrimSpace(q.Text))
	lines := strings.Count(body, "\n") + 1
	budget := limit - utf8.RuneCountInString(attr) - 2*lines - 8
	chunks := splitText(body, max(budget, 200))
	var out []string
	for i, c := range chunks {
		c = strings.TrimSpace(c)
		if i > 0 {
			c = "…" + c
		}
		if i < len(chunks)-1 {
			c += "…"
		}
		quoted := "> " + strings.ReplaceAll(c, "\n", "\n> ")
		if i == len(chunks)-1 {
			quoted += "\n" + attr
		}
		out = append(out, quoted)
	}
	return out
}

// footerText is the small print: each distinct citation once, then how
// the answer was made and the handler's note, within Discord's limit.
func footerText(r bot.Reply) string {
	var parts []string
	seen := map[string]bool{}
	var cites []string
	for _, q := range r.Quotes {
		c := q.Citation()
		if !seen[c] {
			seen[c] = true
			cites = append(cites, c)
		}
	}
	if len(cites) > 0 {
		parts = append(parts, strings.Join(cites, " | "))
	} else if src := strings.TrimSpace(r.Source); src != "" {
		parts = append(parts, "Source: "+src)
	}
	mode := r.HowMade()
	note := strings.TrimSpace(r.Note)
	if mode != "" {
		parts = append(parts, mode)
	}
	if c := strings.TrimSpace(r.Checked); c != "" {
		parts = append(parts, c)
	}
	if note != "" {
		parts = append(parts, note)
	}
	f := strings.Join(parts, "\n")
	if utf8.RuneCountInString(f) > maxFooter {
		// Citations first: the list is cut at a citation boundary and says
		// how many more there were.
		f = truncateList(cites, maxFooter-200)
		if mode != "" {
			f += "\n" + mode
		}
		if note != "" {
			f += "\n" + truncateWords(note, 150)
		}
	}
	return f
}

// truncateList joins items with " | " within max characters, ending with
// "+N more" when some did not fit.
func truncateList(items []string, max int) string {
	var b strings.Builder
	for i, it := range items {
		sep := ""
		if i > 0 {
			sep = " | "
		}
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(sep+it)+12 > max {
			b.WriteString(" | +" + strconv.Itoa(len(items)-i) + " more")
			break
		}
		b.WriteString(sep + it)
	}
	return b.String()
}

// sourceURL is the story link of the first quote that has a usable one.
func sourceURL(quotes []bot.Quote) string {
	for _, q := range quotes {
		raw := strings.TrimSpace(q.URL)
		u, err := url.Parse(raw)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(raw) <= 2048 {
			return raw
		}
	}
	return ""
}

func feedbackButtons() []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Helpful", Style: discordgo.SecondaryButton, CustomID: customHelpful,
			Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
		discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton, CustomID: customNotHelpful,
			Emoji: &discordgo.ComponentEmoji{Name: "👎"}},
	}}}
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

// partialText is the placeholder content shown while an answer streams.
func partialText(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return "⏳ *working on it…*"
	}
	return "⏳ " + truncateWords(escape(text), maxPartial) + " …"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// escaper makes story and LLM text inert in Discord Markdown: each
// character that could format, quote, spoil or build a mention or link is
// backslash-escaped, which Discord displays as the character itself. The
// brackets of citation markers ([¶4]) stay as they are; a masked link
// needs "](", which is broken up instead.
var escaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	"<", `\<`, ">", `\>`, "#", `\#`, "](", `]\(`)

func escape(s string) string { return escaper.Replace(s) }

// splitText cuts s into pieces of at most max characters, preferring
// paragraph, line, sentence and word boundaries. It cuts inside a word
// only when one word is longer than max, and never between a backslash and
// the character it escapes. Concatenating the pieces gives s.
func splitText(s string, max int) []string {
	if max < 16 {
		max = 16
	}
	var out []string
	for utf8.RuneCountInString(s) > max {
		end := byteOffset(s, max)
		window := s[:end]
		cut := -1
		for _, sep := range []string{"\n\n", "\n", ". ", " "} {
			if i := strings.LastIndex(window, sep); i > 0 && (sep == " " || i >= end/2) {
				cut = i + len(sep)
				break
			}
		}
		if cut <= 0 {
			cut = end
			for cut > 1 && s[cut-1] == '\\' && (cut < 2 || s[cut-2] != '\\') {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// byteOffset is the byte index just after the first n runes of s.
func byteOffset(s string, n int) int {
	i := 0
	for range n {
		if i >= len(s) {
			return len(s)
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// truncateWords shortens s to at most n characters at a word boundary,
// ending in "…" when it cut, so nothing is shortened silently. It is used
// for titles and placeholders, never for quotes.
func truncateWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	end := byteOffset(s, n-1)
	cut := strings.LastIndexByte(s[:end], ' ')
	if cut <= 0 {
		cut = end
		for cut > 1 && s[cut-1] == '\\' {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
