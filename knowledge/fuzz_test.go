package knowledge_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; go test runs them as
// ordinary test cases, and `go test -fuzz` starts from them.

// blankLineBlocks splits a story file into blank-line-separated blocks the
// simple way, as a reader (and score.py) would, to check the parser's
// numbering against.
func blankLineBlocks(text string) []string {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var blocks []string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
	}
	return blocks
}

// checkStory checks what must hold for any story the parser accepts:
// paragraphs numbered 1..n, sentence spans inside their paragraph, in
// order, on character boundaries, and quotations and dates that are their
// paragraph's text at their spans.
func checkStory(t *testing.T, s *knowledge.Story) {
	t.Helper()
	for i, p := range s.Paragraphs {
		if p.N != i+1 {
			t.Fatalf("paragraph %d numbered %d", i+1, p.N)
		}
		if p.Text == "" || p.Text != strings.TrimSpace(p.Text) {
			t.Fatalf("¶%d text %q is empty or untrimmed", p.N, p.Text)
		}
		prev := 0
		for _, sp := range p.Sentences {
			if sp.Start < prev || sp.Start >= sp.End || sp.End > len(p.Text) {
				t.Fatalf("¶%d sentence span %v out of order or outside [%d,%d]", p.N, sp, prev, len(p.Text))
			}
			if !utf8.ValidString(p.Text[sp.Start:sp.End]) {
				t.Fatalf("¶%d sentence span %v splits a character", p.N, sp)
			}
			prev = sp.End
		}
	}
	for _, q := range s.Quotes {
		p := s.Paragraph(q.Paragraph)
		if p == nil || q.Span.Start < 0 || q.Span.End > len(p.Text) || q.Span.Start > q.Span.End || p.Text[q.Span.Start:q.Span.End] != q.Text {
			t.Fatalf("quotation %q is not ¶%d's text at %v", q.Text, q.Paragraph, q.Span)
		}
	}
	for _, d := range s.Dates {
		p := s.Paragraph(d.Paragraph)
		if p == nil || d.Span.End > len(p.Text) || p.Text[d.Span.Start:d.Span.End] != d.Phrase {
			t.Fatalf("date %q is not ¶%d's text at %v", d.Phrase, d.Paragraph, d.Span)
		}
		if d.To.Before(d.From) {
			t.Fatalf("date %q runs backwards: %v..%v", d.Phrase, d.From, d.To)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("date 2025-10-21 By A Writer, CNN\n\n“We will,” he said.\n\nThe-CNN-Wire"), false)
	f.Add([]byte("---\ntitle: T\n---\n\n# H\n\nBody."), true)
	f.Fuzz(func(t *testing.T, data []byte, md bool) {
		name := "fuzz.txt"
		if md {
			name = "fuzz.md"
		}
		s, err := knowledge.Parse(name, data)
		if err != nil {
			return
		}
		checkStory(t, s)
		if md {
			return // front matter moves the blocks; the numbering checks are for plain files
		}
		// Paragraph N is the Nth block after the header: the parser may
		// only decide whether the first block (or its first line) is the
		// header; every later block is a paragraph, verbatim, in order.
		blocks := blankLineBlocks(string(data))
		n := len(s.Paragraphs)
		if n != len(blocks) && n != len(blocks)-1 {
			t.Fatalf("%d paragraphs from %d blank-line blocks", n, len(blocks))
		}
		for i := 1; i < len(blocks); i++ {
			if got := s.Paragraphs[n-len(blocks)+i].Text; got != blocks[i] {
				t.Fatalf("block %d is paragraph text %q, want %q", i+1, got, blocks[i])
			}
		}
		// Adding a paragraph at the end numbers it n+1 and renumbers nothing.
		more, err := knowledge.Parse(name, append(append([]byte{}, data...), "\n\nAn added paragraph."...))
		if err != nil {
			t.Fatalf("adding a paragraph broke the story: %v", err)
		}
		if len(more.Paragraphs) != n+1 {
			t.Fatalf("%d paragraphs after adding one to %d", len(more.Paragraphs), n)
		}
		for i, p := range s.Paragraphs {
			if more.Paragraphs[i].Text != p.Text {
				t.Fatalf("¶%d changed from %q to %q when a paragraph was added", i+1, p.Text, more.Paragraphs[i].Text)
			}
		}
	})
}

func FuzzSentences(f *testing.F) {
	f.Add("The U.S. Embassy said so. Sen. Smith agreed at 9 a.m. “It’s No. 2,” he said.")
	f.Fuzz(func(t *testing.T, text string) {
		spans := knowledge.SplitSentences(text)
		prev := 0
		for _, sp := range spans {
			if sp.Start < prev || sp.Start >= sp.End || sp.End > len(text) {
				t.Fatalf("span %v out of order or outside [%d,%d] in %q", sp, prev, len(text), text)
			}
			// What lies between sentences is white space only: every other
			// byte of the text is in exactly one sentence.
			if gap := text[prev:sp.Start]; strings.TrimFunc(gap, unicode.IsSpace) != "" {
				t.Fatalf("text %q between sentences is lost", gap)
			}
			s := text[sp.Start:sp.End]
			first, _ := utf8.DecodeRuneInString(s)
			last, _ := utf8.DecodeLastRuneInString(s)
			if unicode.IsSpace(first) || unicode.IsSpace(last) {
				t.Fatalf("sentence %q has white space at an edge", s)
			}
			if utf8.ValidString(text) && !utf8.ValidString(s) {
				t.Fatalf("sentence %q splits a character", s)
			}
			prev = sp.End
		}
		if rest := text[prev:]; strings.TrimFunc(rest, unicode.IsSpace) != "" {
			t.Fatalf("text %q after the last sentence is lost", rest)
		}
	})
}

// FuzzAsk feeds any text to the query path — spelling correction,
// expansion, ranking, the abstention model — on the seed story: it must
// never panic, and every citation must be verbatim in its paragraph.
func FuzzAsk(f *testing.F) {
	lib, err := knowledge.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{
		"Why was the Rubio-Lavrov meeting put on hold?",
		"wher is the trump putin sumit",
		"what is the the of and",
		"¿Dónde se celebrará la cumbre entre Trump y Putin?",
		"Где пройдёт саммит?",
		"how long how long how long",
		"U.S. U.S. 2025 ¶4 \"quote\" ‘mixed’",
		"zzzzzzzzzzzzzzzzzzzz qqqqqqqq",
		"ok so tl;dr?",                     // the key points
		"catch me up on the summit",        // the key points of the story named
		"who’s Lavrov",                     // the sentence that introduces him
		"any quotes from rubio?",           // his words, reported
		"was this published today",         // the byline
		"did rubio and lavrov meet in 🇭🇺?", // a yes-or-no question's verb
	} {
		f.Add(q)
	}
	story := lib.Story("2025-10-21-rubio-lavrov-meeting-tabled")
	f.Fuzz(func(t *testing.T, q string) {
		a, err := lib.Ask(q, knowledge.AskOptions{})
		if err != nil {
			return // empty or too long: refused, not answered
		}
		for _, c := range a.Citations {
			p := story.Paragraph(c.Paragraph)
			if p == nil || c.Start < 0 || c.End > len(p.Text) || p.Text[c.Start:c.End] != c.Quote {
				t.Fatalf("%q: citation ¶%d %q is not verbatim", q, c.Paragraph, c.Quote)
			}
		}
		if a.Abstained && len(a.Citations) > 0 {
			t.Fatalf("%q: abstained with citations", q)
		}
	})
}
