package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// StepStatus is where a Step stands.
type StepStatus string

// Step statuses, named as Slack's task cards name them.
const (
	StepRunning StepStatus = "in_progress"
	StepDone    StepStatus = "complete"
	StepFailed  StepStatus = "error"
)

// The steps of an LLM answer, in the order they happen. A Step's ID is
// one of these, so a writer can show a later update of a step in place of
// the earlier one.
const (
	StepRetrieve  = "retrieve"  // the story paragraphs the LLM is given
	StepSummarise = "summarise" // the LLM writing
	StepCheck     = "check"     // the citation and quotation checks
)

// Step is one visible stage of making an LLM answer: "Retrieved ¶4, ¶13",
// "Summarising", "Checked 3 quotations against the story: 3 verbatim".
// Quote-mode answers have no steps.
type Step struct {
	ID     string
	Title  string
	Status StepStatus
	// Details is an optional second line, such as which quotation was
	// removed and why.
	Details string
}

// StepWriter is implemented by ReplyWriters that can show the steps of an
// LLM answer while it is made (Slack task-update chunks, Discord edits of
// a deferred reply). The handler calls WriteStep before and while it
// calls WritePartial, and always before the final WriteReply.
type StepWriter interface {
	WriteStep(ctx context.Context, s Step) error
}

// retrievedStep names the paragraphs given to the LLM.
func retrievedStep(pp []promptPassage) Step {
	labels := make([]string, 0, len(pp))
	for _, p := range pp {
		labels = append(labels, p.Label)
	}
	return Step{ID: StepRetrieve, Title: "Retrieved " + strings.Join(labels, ", "), Status: StepDone}
}

// QuoteCheck is the verdict of the checks on an LLM's summary: how many
// quotations were verbatim in the paragraphs they cite, and what was
// removed before anyone saw it.
type QuoteCheck struct {
	// Quotations is how many quotations the LLM wrote.
	Quotations int
	// Verbatim is how many of them are in a cited paragraph, byte for
	// byte or after mending quote marks and spacing.
	Verbatim int
	// Removed lists each quotation that was removed and the paragraphs
	// it claimed ("¶7").
	Removed []RemovedQuote
	// BadCitations counts sentences removed because they cite a paragraph
	// the LLM was not given, or none.
	BadCitations int
}

// RemovedQuote is a quotation the checks took out of a summary.
type RemovedQuote struct {
	Text  string
	Cited string // "¶7", "¶4, ¶9", or "" when the sentence cited nothing
}

// checkQuotations audits the LLM's text the way verify filters it,
// quotation by quotation, so the verdict can be shown.
func checkQuotations(text string, pp []promptPassage) QuoteCheck {
	var c QuoteCheck
	for _, sp := range knowledge.SplitSentences(text) {
		sent := strings.TrimSpace(text[sp.Start:sp.End])
		refs, ok := sentenceRefs(sent, pp)
		if !ok || len(refs) == 0 {
			c.BadCitations++
		}
		for _, qs := range knowledge.QuotedSpans(sent) {
			inner := strings.TrimRight(strings.TrimSpace(sent[qs.Start:qs.End]), ",")
			if utf8.RuneCountInString(inner) < 2 {
				continue
			}
			c.Quotations++
			found := false
			for _, r := range refs {
				if strings.Contains(r.Text, inner) {
					found = true
					break
				}
				if _, ok := findFolded(r.Text, inner); ok {
					found = true
					break
				}
			}
			if found && ok {
				c.Verbatim++
				continue
			}
			cited := citedLabels(sent, refs)
			c.Removed = append(c.Removed, RemovedQuote{Text: inner, Cited: cited})
		}
	}
	return c
}

// citedLabels is how a sentence cited its paragraphs: the prompt's labels
// when they were in the prompt, else the marker the LLM wrote.
func citedLabels(sent string, refs []promptPassage) string {
	var labels []string
	for _, r := range refs {
		labels = append(labels, r.Label)
	}
	if len(labels) == 0 {
		for _, m := range markerRe.FindAllStringSubmatch(sent, -1) {
			if strings.Contains(m[1], "¶") {
				labels = append(labels, strings.TrimSpace(m[1]))
			}
		}
	}
	return strings.Join(labels, ", ")
}

// Title is the one-line verdict: "Checked 3 quotations against the story:
// 3 verbatim", "Checked 3 quotations against the story: 2 verbatim,
// removed 1 not found in ¶7".
func (c QuoteCheck) Title() string {
	var parts []string
	if c.Quotations == 0 {
		parts = append(parts, "Checked the citations against the story: no quotations to check")
	} else {
		parts = append(parts, fmt.Sprintf("Checked %s against the story: %d verbatim",
			count(c.Quotations, "quotation"), c.Verbatim))
	}
	if n := len(c.Removed); n > 0 {
		where := c.Removed[0].Cited
		for _, r := range c.Removed[1:] {
			if r.Cited != where {
				where = "the paragraphs cited"
				break
			}
		}
		if where == "" {
			where = "any cited paragraph"
		}
		parts = append(parts, fmt.Sprintf("removed %d not found in %s", n, where))
	}
	if c.BadCitations > 0 {
		parts = append(parts, fmt.Sprintf("dropped %s citing no paragraph it was given", count(c.BadCitations, "sentence")))
	}
	return strings.Join(parts, ", ")
}

// Details lists the removed quotations, one a line.
func (c QuoteCheck) Details() string {
	var lines []string
	for _, r := range c.Removed {
		where := r.Cited
		if where == "" {
			where = "no paragraph"
		}
		lines = append(lines, fmt.Sprintf("removed “%s”: not in %s", truncateText(r.Text, 120), where))
	}
	return strings.Join(lines, "\n")
}

// count is "1 quotation", "3 quotations".
func count(n int, word string) string {
	return strconv.Itoa(n) + " " + plural(n, word, word+"s")
}

// truncateText shortens s to at most n runes, ending in an ellipsis when cut.
func truncateText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
