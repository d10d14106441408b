package insights

import (
	"fmt"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
)

// TextOff is what a report says when question text is not kept.
const TextOff = "Question text is not kept (store.log_question_text is off): only the counts are shown."

// Period describes the report's period: "2026-11-24 – 2026-12-01 (7 days)".
func (r Report) Period() string {
	days := int(r.Until.Sub(r.Since).Round(time.Hour).Hours() / 24)
	return fmt.Sprintf("%s – %s (%d days)", r.Since.UTC().Format(time.DateOnly), r.Until.UTC().Format(time.DateOnly), max(days, 1))
}

// Line sums up stats on one line: "12 asked · 9 answered · 3 declined
// (25%) · 👍 4 👎 1 · median 38 ms".
func (s Stats) Line() string {
	return fmt.Sprintf("%d asked · %d answered · %d declined (%.0f%%) · 👍 %d 👎 %d · median %d ms",
		s.Asked, s.Answered, s.Declined, 100*s.DeclineRate, s.Helpful, s.Unhelpful, s.MedianLatencyMS)
}

// Name is the story's title, else its id; "no story" for questions tied
// to none.
func (s Stats) Name() string {
	switch {
	case s.Title != "":
		return s.Title
	case s.Story != "":
		return s.Story
	}
	return "no story"
}

// Label is how a group is listed: "5× Why was it put on hold? (3
// wordings)".
func (g Group) Label() string {
	s := fmt.Sprintf("%d× %s", g.Count, g.Question)
	if g.Wordings > 1 {
		s += fmt.Sprintf(" (%d wordings)", g.Wordings)
	}
	return s
}

// Cite is the passage as cited in text: `¶4 of story-id: "…"`.
func (p Passage) Cite() string {
	q := shorten(p.Quote, 160)
	if !strings.HasPrefix(q, "“") && !strings.HasPrefix(q, "\"") {
		q = "“" + q + "”"
	}
	return fmt.Sprintf("¶%d of %s: %s", p.Paragraph, p.Story, q)
}

// Text renders the report for the terminal.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Insights, %s\n\n", r.Period())
	fmt.Fprintf(&b, "All stories: %s\n", r.Total.Line())
	if len(r.Stories) > 0 {
		b.WriteString("\nPer story\n")
		for _, s := range r.Stories {
			fmt.Fprintf(&b, "  %s\n    %s\n", s.Name(), s.Line())
		}
	}
	if !r.TextKept {
		if r.Total.Asked > 0 {
			fmt.Fprintf(&b, "\n%s\n", TextOff)
		}
		return b.String()
	}
	b.WriteString("\nTop questions\n")
	writeGroups(&b, r.Top, false)
	b.WriteString("\nAsked, not answered\n")
	writeGroups(&b, r.Unanswered, true)
	return b.String()
}

func writeGroups(b *strings.Builder, gs []Group, closest bool) {
	if len(gs) == 0 {
		b.WriteString("  (none)\n")
	}
	for _, g := range gs {
		fmt.Fprintf(b, "  %s\n", g.Label())
		if closest && g.Closest != nil {
			fmt.Fprintf(b, "      closest: %s\n", g.Closest.Cite())
		}
	}
}

// Reply renders the report for chat, short: the totals, then the top
// questions and the unanswered ones, five each. pageURL, if set, links
// the page.
func (r Report) Reply(title, pageURL string) bot.Reply {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*, %s\n%s\n", title, r.Period(), r.Total.Line())
	for i, s := range r.Stories {
		if i == 5 {
			fmt.Fprintf(&b, "… and %d more stories\n", len(r.Stories)-5)
			break
		}
		fmt.Fprintf(&b, "• %s: %s\n", s.Name(), s.Line())
	}
	if !r.TextKept {
		if r.Total.Asked > 0 {
			fmt.Fprintf(&b, "%s\n", TextOff)
		}
	} else {
		list := func(head string, gs []Group, closest bool) {
			if len(gs) == 0 {
				return
			}
			fmt.Fprintf(&b, "\n*%s*\n", head)
			for i, g := range gs {
				if i == 5 {
					break
				}
				fmt.Fprintf(&b, "• %s\n", shorten(g.Label(), 200))
				if closest && g.Closest != nil {
					fmt.Fprintf(&b, "   closest: %s\n", g.Closest.Cite())
				}
			}
		}
		list("Asked, not answered", r.Unanswered, true)
		list("Top questions", r.Top, false)
	}
	if pageURL != "" {
		fmt.Fprintf(&b, "\nThe full page: %s\n", pageURL)
	}
	return bot.Reply{Kind: bot.KindNotice, Text: strings.TrimRight(b.String(), "\n")}
}

// shorten cuts s to at most n runes, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
