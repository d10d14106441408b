// Package knowledge holds storybot's stories and answers questions about
// them: it parses story files, splits sentences, attributes quotations to
// speakers, resolves relative dates and retrieves the sentences that answer
// a question. Every span it hands out is a substring of a paragraph by
// construction (byte offsets), so a quote can never be misquoted.
package knowledge

import (
	"time"
)

// Kind classifies a paragraph. Only KindContent paragraphs are ever cited.
type Kind int

// Paragraph kinds.
const (
	KindContent   Kind = iota
	KindHeading        // a Markdown heading
	KindWire           // a wire-service tag such as "The-CNN-Wire"
	KindCopyright      // "™ & © 2025 ... All rights reserved."
	KindNote           // an editor's note: "This story has been updated ..."
)

// String names the kind for humans and JSON.
func (k Kind) String() string {
	switch k {
	case KindContent:
		return "content"
	case KindHeading:
		return "heading"
	case KindWire:
		return "wire"
	case KindCopyright:
		return "copyright"
	case KindNote:
		return "note"
	}
	return "unknown"
}

// Span is a half-open byte range [Start, End) inside a paragraph's Text.
type Span struct {
	Start, End int
}

// Paragraph is one blank-line-separated block of a story. N is its public
// citation number (¶N), counted from 1 after the header in file order.
type Paragraph struct {
	N    int
	Text string
	Kind Kind
	// Line is the 1-based line of the file where the paragraph starts.
	Line int
	// Sentences are the paragraph's sentences as spans of Text.
	Sentences []Span
}

// Sentence returns the text of the paragraph's i-th sentence.
func (p *Paragraph) Sentence(i int) string {
	s := p.Sentences[i]
	return p.Text[s.Start:s.End]
}

// Quote is a direct quotation inside a paragraph, attributed to a speaker.
type Quote struct {
	Story     string
	Paragraph int
	// Span covers the quoted words without the quotation marks and without
	// a trailing comma; Text is Paragraph.Text[Span.Start:Span.End].
	Span Span
	Text string
	// Speaker is the canonical name of who said it ("Dmitry Peskov",
	// "European diplomat"); empty when no speaker could be found.
	Speaker string
}

// Speaker is someone quoted in a story, with the names users may call them.
type Speaker struct {
	// Name is the canonical name: a full personal name when the story gives
	// one ("Dmitry Peskov"), otherwise a description ("European diplomat").
	Name string
	// Title is the role the story gives them ("Kremlin spokesperson").
	Title string
	// Aliases are other ways to refer to them: surname, title, title + name.
	Aliases []string
	// Person is true for a named individual, false for an organisation,
	// a document or an anonymous source.
	Person bool
}

// DateRef is a date expression in a story resolved against the story date.
type DateRef struct {
	Paragraph int
	Span      Span
	Phrase    string
	// From and To bound the calendar dates meant; equal for a single day.
	From, To time.Time
}

// Label renders the resolved date for answers: "Oct 20, 2025" or
// "Oct 13–19, 2025" for a range.
func (d DateRef) Label() string {
	if d.From.Equal(d.To) {
		return d.From.Format("Jan 2, 2006")
	}
	if d.From.Year() == d.To.Year() && d.From.Month() == d.To.Month() {
		return d.From.Format("Jan 2") + "–" + d.To.Format("2, 2006")
	}
	if d.From.Year() == d.To.Year() {
		return d.From.Format("Jan 2") + " – " + d.To.Format("Jan 2, 2006")
	}
	return d.From.Format("Jan 2, 2006") + " – " + d.To.Format("Jan 2, 2006")
}

// Story is one parsed news story.
type Story struct {
	// ID is the file name without its extension; citations name it.
	ID      string
	Title   string
	Outlet  string
	Authors []string
	// Date is the publication date (midnight UTC); zero when unknown.
	Date time.Time
	URL  string
	// Path is the file the story was read from ("" for embedded stories
	// it is the embedded name).
	Path       string
	Paragraphs []Paragraph
	Quotes     []Quote
	Speakers   []Speaker
	Dates      []DateRef
	// Mentions are the personal names the story mentions, quoted or not,
	// keyed by lower-case surname, valued by the fullest form seen.
	Mentions map[string]string
	// Hash identifies this version of the story's text.
	Hash string

	titles   map[string]titleRef
	reported map[[2]int]string // (¶, sentence start) → speaker of reported speech
	index    *storyIndex
}

// Paragraph returns paragraph n (1-based) or nil if there is none.
func (s *Story) Paragraph(n int) *Paragraph {
	if n < 1 || n > len(s.Paragraphs) {
		return nil
	}
	return &s.Paragraphs[n-1]
}

// Source renders the story's source line: "CNN, 2025-10-21".
func (s *Story) Source() string {
	out := s.Outlet
	if !s.Date.IsZero() {
		if out != "" {
			out += ", "
		}
		out += s.Date.Format("2006-01-02")
	}
	if out == "" {
		out = s.ID
	}
	return out
}

// UpdateNote returns the text of the story's editor's note about updates,
// if it has one.
func (s *Story) UpdateNote() (Paragraph, bool) {
	for _, p := range s.Paragraphs {
		if p.Kind == KindNote {
			return p, true
		}
	}
	return Paragraph{}, false
}
