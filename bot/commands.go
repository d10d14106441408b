package bot

import (
	"context"
	"fmt"
	"strings"
)

// command is what a message asks for.
type command struct {
	name    string // ask, quote, digest, stories, help
	arg     string
	unknown string // a command word we do not know, for the help text
}

// commandNames are the commands every platform understands, as words at
// the start of a message ("quote Peskov") or as slash commands.
var commandNames = map[string]string{
	"ask": "ask", "quote": "quote", "quotes": "quote", "digest": "digest", "stories": "stories",
	"story": "stories", "help": "help", "?": "help",
}

// parseCommand reads the command in m. Plain text is a question; a
// leading "/word" that is not a command gets the help text.
func parseCommand(m Message) command {
	if m.Command != "" {
		name := strings.ToLower(strings.TrimPrefix(m.Command, "/"))
		if n, ok := commandNames[name]; ok {
			return command{name: n, arg: strings.TrimSpace(m.Text)}
		}
		return command{name: "help", unknown: m.Command}
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return command{name: "help"}
	}
	first, rest, _ := strings.Cut(text, " ")
	word := strings.ToLower(strings.TrimRight(first, ":,"))
	slash := strings.HasPrefix(word, "/")
	word = strings.TrimPrefix(word, "/")
	if n, ok := commandNames[word]; ok {
		// "help" or "stories" followed by words is still the command, but
		// "ask"/"quote" with nothing after them need an argument.
		return command{name: n, arg: strings.TrimSpace(rest)}
	}
	if slash {
		return command{name: "help", unknown: first}
	}
	return command{name: "ask", arg: text}
}

const helpText = "I answer questions about the news stories I follow, quoting them word for word with paragraph citations (¶N).\n" +
	"• Ask me anything: `why was the meeting put on hold?` — in a thread I remember the earlier question, so `why?` works.\n" +
	"• `quote <who or topic>` — what someone actually said (`quote Peskov`), or quotations on a topic.\n" +
	"• `digest` — the key points of each story.\n" +
	"• `stories` — the stories I know.\n" +
	"• `help` — this message.\n" +
	"When a story doesn't say, I tell you so instead of guessing."

func (h *Handler) help(unknown string) Reply {
	text := helpText
	if unknown != "" {
		text = fmt.Sprintf("I don't know the command `%s`.\n\n", unknown) + helpText
	}
	return Reply{Kind: KindHelp, Text: text}
}

func (h *Handler) storiesReply() Reply {
	stories := h.cfg.Library.Stories()
	var b strings.Builder
	fmt.Fprintf(&b, "I know %d %s:\n", len(stories), plural(len(stories), "story", "stories"))
	for _, s := range stories {
		fmt.Fprintf(&b, "• %s — %s (%s, %d paragraphs, %d quotations)\n", s.ID, truncateWords(s.Title, 120), s.Source(),
			len(s.Paragraphs), len(s.Quotes))
	}
	return Reply{Kind: KindStories, Text: strings.TrimRight(b.String(), "\n")}
}

// digest answers the digest command: the configured digest builder, or
// the key points of every story.
func (h *Handler) digest(ctx context.Context) Reply {
	if h.cfg.Digest != nil {
		r, err := h.cfg.Digest.BuildDigest(ctx)
		if err == nil {
			return r
		}
		h.log.Warn("digest failed; showing key points", "err", err)
	}
	return h.KeyPointsReply("")
}

// KeyPointsReply lists 3–5 verbatim key sentences of each story (or of one
// story when id is set), each cited.
func (h *Handler) KeyPointsReply(id string) Reply {
	r := Reply{Kind: KindDigest, Mode: ModeQuote, Note: "key points quoted from the story"}
	var lines []string
	for _, s := range h.cfg.Library.Stories() {
		if id != "" && s.ID != id {
			continue
		}
		lines = append(lines, fmt.Sprintf("*%s* (%s)", truncateWords(s.Title, 120), s.Source()))
		for _, c := range h.cfg.Library.KeyPoints(s.ID, 4) {
			r.Quotes = append(r.Quotes, h.quote(c.Story, c.Paragraph, c.Quote, c.Speaker))
		}
	}
	r.Text = "Key points:\n" + strings.Join(lines, "\n")
	r.Source = h.sourceOf(r.Quotes, nil)
	return r
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// truncateWords shortens s to at most n bytes at a word boundary, marking
// the cut with "…" so nothing is shortened silently.
func truncateWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
