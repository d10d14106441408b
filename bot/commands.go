package bot

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

func (h *Handler) storiesReply() Reply {
	stories := h.cfg.Library.Stories()
	var b strings.Builder
	fmt.Fprintf(&b, "I know %d %s:\n", len(stories), plural(len(stories), "story", "stories"))
	for _, s := range stories {
		fmt.Fprintf(&b, "• %s — %s (%s, %s, %s)\n", s.ID, truncateWords(s.Title, 120), s.Source(),
			Count(len(s.Paragraphs), "paragraph", "paragraphs"), Count(len(s.Quotes), "quotation", "quotations"))
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
		lines = append(lines, fmt.Sprintf("%s (%s)", truncateWords(s.Title, 120), s.Source()))
		for _, c := range h.cfg.Library.KeyPoints(s.ID, 4) {
			r.Quotes = append(r.Quotes, h.quote(c.Story, c.Paragraph, c.Quote, c.Speaker))
		}
	}
	r.Text = "Key points:\n" + strings.Join(lines, "\n")
	r.Source = h.sourceOf(r.Quotes, nil)
	return r
}

// Count writes a number with its noun, singular for one: "1 quotation",
// "3 quotations". The CLI and every adapter count things the same way.
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
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

// changes answers the changes command: for one story (arg names it) or
// every story, what its newest version added, edited and removed compared
// with the version before, cited into the newest version.
func (h *Handler) changes(ctx context.Context, arg string) Reply {
	if h.cfg.Changes == nil {
		return Reply{Kind: KindNotice, Text: "I don't keep earlier versions of the stories here, so I can't say what changed."}
	}
	stories := h.cfg.Library.Stories()
	if arg != "" {
		s, ok := h.findStory(arg)
		if !ok {
			return Reply{Kind: KindNotice, Text: fmt.Sprintf("I don't know a story called “%s”. Say `stories` to see the ones I follow.",
				truncateWords(arg, 80))}
		}
		stories = []*knowledge.Story{s}
	}
	r := Reply{Kind: KindDigest, Mode: ModeQuote, Note: "paragraph numbers are those of the newest version"}
	var sections []string
	for _, s := range stories {
		sec, quotes, err := h.storyChanges(ctx, s)
		if err != nil {
			h.log.Warn("changes failed", "story", s.ID, "err", err)
			return Reply{Kind: KindNotice, Text: "Sorry — I couldn't look up the earlier versions just now. Please try again."}
		}
		sections = append(sections, sec)
		r.Quotes = append(r.Quotes, quotes...)
	}
	if len(sections) == 0 {
		sections = append(sections, "I don't follow any stories yet.")
	}
	r.Text = strings.Join(sections, "\n\n")
	r.Source = h.sourceOf(r.Quotes, nil)
	return r
}

// storyChanges describes one story's changes; the quotes are the added
// paragraphs and the sentences edits added, verbatim from the newest version.
func (h *Handler) storyChanges(ctx context.Context, s *knowledge.Story) (string, []Quote, error) {
	cur := knowledge.NewVersion(s)
	prev, ok, err := h.cfg.Changes.PreviousVersion(ctx, s.ID, cur.Hash)
	if err != nil {
		return "", nil, err
	}
	head := fmt.Sprintf("%s (%s)", truncateWords(s.Title, 120), s.ID)
	if !ok {
		return head + "\nNo earlier version is on record, so there is nothing to compare with yet.", nil, nil
	}
	changes := knowledge.Diff(prev.Paragraphs, cur.Paragraphs)
	since := "the version first seen " + prev.FirstSeen.UTC().Format("Jan 2, 2006 15:04 MST")
	if len(changes) == 0 {
		return head + "\nNo changes to its paragraphs since " + since + ".", nil, nil
	}
	lines := []string{head, "Changes since " + since + ":"}
	var quotes []Quote
	for _, c := range changes {
		switch c.Kind {
		case knowledge.ChangeAdded:
			lines = append(lines, fmt.Sprintf("• added ¶%d", c.New))
			quotes = append(quotes, h.quote(s.ID, c.New, c.NewText, ""))
		case knowledge.ChangeEdited:
			lines = append(lines, fmt.Sprintf("• edited ¶%d (was ¶%d)", c.New, c.Old))
			p := s.Paragraph(c.New)
			spans := s.NewSentences(c.New, c.OldText)
			if len(spans) == 0 {
				spans = []knowledge.Span{{Start: 0, End: len(p.Text)}} // reworded within sentences
			}
			for _, sp := range spans {
				quotes = append(quotes, h.quote(s.ID, c.New, p.Text[sp.Start:sp.End], ""))
			}
		case knowledge.ChangeRemoved:
			lines = append(lines, fmt.Sprintf("• removed the paragraph that was ¶%d, beginning “%s”", c.Old, truncateWords(c.OldText, 80)))
		}
	}
	return strings.Join(lines, "\n"), quotes, nil
}

// findStory finds a story by id, or by a word or prefix that names only one.
func (h *Handler) findStory(name string) (*knowledge.Story, bool) {
	if s := h.cfg.Library.Story(name); s != nil {
		return s, true
	}
	lname := strings.ToLower(name)
	var found *knowledge.Story
	for _, s := range h.cfg.Library.Stories() {
		if strings.Contains(strings.ToLower(s.ID), lname) || strings.Contains(strings.ToLower(s.Title), lname) {
			if found != nil {
				return nil, false // ambiguous
			}
			found = s
		}
	}
	return found, found != nil
}

// addStory answers `story add <url>` (which only admins reach): http(s)
// only; the StoryAdder fetches, checks and saves the page.
func (h *Handler) addStory(ctx context.Context, m Message, rawURL string) Reply {
	if h.cfg.Stories == nil {
		return Reply{Kind: KindNotice, Text: "Adding stories from chat is not enabled here."}
	}
	rawURL = strings.Trim(strings.TrimSpace(rawURL), "<>") // Slack wraps links in <…>
	if i := strings.IndexByte(rawURL, '|'); i >= 0 {
		rawURL = rawURL[:i] // <https://…|label>
	}
	u, err := url.Parse(rawURL)
	if rawURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Reply{Kind: KindNotice, Text: "Usage: `story add <url>` with an http or https link to the article."}
	}
	id, err := h.cfg.Stories.AddStory(ctx, u.String())
	if err != nil {
		h.log.Warn("story add failed", "url", u.Redacted(), "err", err)
		return Reply{Kind: KindNotice, Text: "I couldn't add that page: " + truncateWords(err.Error(), 300)}
	}
	h.log.Info("story added", "platform", m.Platform, "user", m.User, "story", id)
	return Reply{Kind: KindNotice, Text: fmt.Sprintf("Added the story `%s`. Ask me about it, or say `changes %s` after it is updated.", id, id)}
}

// isAdmin reports whether the sender is one of the configured admins.
func (h *Handler) isAdmin(m Message) bool {
	if m.User == "" {
		return false
	}
	who := string(m.Platform) + ":" + m.User
	for _, a := range h.cfg.Admins {
		if a == who {
			return true
		}
	}
	return false
}
