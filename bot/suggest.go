package bot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// Prompt is a suggested prompt: a short title shown on the button and the
// message sent when it is clicked.
type Prompt struct {
	Title   string
	Message string
}

// PromptOptions narrow the suggested prompts.
type PromptOptions struct {
	// Stories limits the prompts to these story ids (a channel's configured
	// stories); empty means every story.
	Stories []string
	// Limit caps the prompts (default and most 4, Slack's limit).
	Limit int
}

// TopQuestioner is implemented by question logs that can say what was asked
// most (the store does). When Config.Questions implements it, the most
// asked question of the last day becomes a suggested prompt.
type TopQuestioner interface {
	TopQuestions(ctx context.Context, since time.Time, storyID string, limit int) ([]string, error)
}

// maxPromptTitle is how long a prompt's button title may be, in runes.
const maxPromptTitle = 75

// SuggestedPrompts returns up to four prompts drawn from the library, in
// this order: what changed in the newest story, today's digest, the most
// asked question of the last day (when the question log says), and what the
// most quoted speaker said. A library with no stories gives only the digest
// and help.
func (h *Handler) SuggestedPrompts(ctx context.Context, o PromptOptions) []Prompt {
	limit := o.Limit
	if limit <= 0 || limit > 4 {
		limit = 4
	}
	stories := h.cfg.Library.Stories() // newest first
	if len(o.Stories) > 0 {
		stories = slices.DeleteFunc(stories, func(s *knowledge.Story) bool { return !slices.Contains(o.Stories, s.ID) })
	}
	var out []Prompt
	if len(stories) > 0 {
		s := stories[0]
		headline := strings.TrimSpace(s.Title)
		if headline == "" {
			headline = s.ID
		}
		out = append(out, Prompt{Title: shortTitle("What changed in " + headline + "?"), Message: "changes " + s.ID})
	}
	out = append(out, Prompt{Title: "Today's digest", Message: "digest"})
	if tq, ok := h.cfg.Questions.(TopQuestioner); ok {
		story := ""
		if len(o.Stories) == 1 {
			story = o.Stories[0]
		}
		qs, err := tq.TopQuestions(ctx, h.cfg.Now().Add(-24*time.Hour), story, 1)
		if err != nil {
			h.log.Warn("suggested prompts: reading the question log", "err", err)
		} else if len(qs) > 0 && strings.TrimSpace(qs[0]) != "" {
			q := strings.TrimSpace(qs[0])
			out = append(out, Prompt{Title: shortTitle("Most asked: " + q), Message: q})
		}
	}
	if name := mostQuoted(stories); name != "" {
		out = append(out, Prompt{Title: shortTitle("What did " + name + " say?"), Message: "quote " + name})
	}
	if len(out) < 2 {
		out = append(out, Prompt{Title: "What can you do?", Message: "help"})
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// mostQuoted is the speaker with the most direct quotations in stories,
// ties going to the name first quoted in the newest story.
func mostQuoted(stories []*knowledge.Story) string {
	counts := map[string]int{}
	var order []string
	for _, s := range stories {
		for _, q := range s.Quotes {
			if q.Speaker == "" {
				continue
			}
			if counts[q.Speaker] == 0 {
				order = append(order, q.Speaker)
			}
			counts[q.Speaker]++
		}
	}
	best := ""
	for _, name := range order {
		if best == "" || counts[name] > counts[best] {
			best = name
		}
	}
	return best
}

// shortTitle fits a prompt title on Slack's button.
func shortTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxPromptTitle {
		return s
	}
	return truncateText(s, maxPromptTitle)
}

// ThreadTitle is a conversation's title made from its first question,
// shortened to a line.
func ThreadTitle(question string) string {
	q := strings.Join(strings.Fields(question), " ")
	if utf8.RuneCountInString(q) <= 60 {
		return q
	}
	// Cut at a word boundary when one is near the limit.
	r := []rune(q)[:59]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut > 30 {
		return string(r)[:cut] + "…"
	}
	return string(r) + "…"
}
