package knowledge_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

func seedLibrary(t testing.TB) *knowledge.Library {
	t.Helper()
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// quoteBy returns the speaker of the first quotation in s starting with prefix.
func quoteBy(s *knowledge.Story, prefix string) (knowledge.Quote, bool) {
	for _, q := range s.Quotes {
		if strings.HasPrefix(q.Text, prefix) {
			return q, true
		}
	}
	return knowledge.Quote{}, false
}

func TestSeedQuotations(t *testing.T) {
	lib := seedLibrary(t)
	s := lib.Stories()[0]
	tests := []struct {
		name    string
		prefix  string
		speaker string
		para    int
	}{
		{"a quotation with 'he told reporters' in its own paragraph is Peskov's, named in the paragraph before",
			"You cannot postpone", "Dmitry Peskov", 9},
		{"a title before a name gives the speaker", "President Trump has consistently", "Anna Kelly", 6},
		{"a second quotation in a paragraph keeps its speaker", "He has courageously", "Anna Kelly", 6},
		{"'he wrote on Truth Social' is Trump's", "The United States’ initial meetings", "Donald Trump", 3},
		{"a description speaks for an anonymous source", "100% loyal to Putin", "European diplomat", 11},
		{"'the diplomat said' resolves to the described diplomat", "To negotiate with Lavrov", "European diplomat", 12},
		{"an organisation can be quoted", "constructive discussion", "Kremlin", 15},
		{"'according to the readout' credits the readout", "emphasized the importance", "US State Department readout", 14},
		{"a quotation of several sentences is one quotation with one speaker", "You go by the battle line", "Donald Trump", 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := quoteBy(s, tt.prefix)
			if !ok {
				t.Fatalf("no quotation starting %q", tt.prefix)
			}
			if q.Speaker != tt.speaker || q.Paragraph != tt.para {
				t.Errorf("%q: speaker %q ¶%d, want %q ¶%d", tt.prefix, q.Speaker, q.Paragraph, tt.speaker, tt.para)
			}
		})
	}
	t.Run("every quotation is its paragraph's text at its span, without quotation marks", func(t *testing.T) {
		for _, q := range s.Quotes {
			p := s.Paragraph(q.Paragraph)
			if p.Text[q.Span.Start:q.Span.End] != q.Text {
				t.Errorf("¶%d span %v is %q, not %q", q.Paragraph, q.Span, p.Text[q.Span.Start:q.Span.End], q.Text)
			}
			if strings.ContainsAny(q.Text[:1], "“\"") || strings.HasSuffix(q.Text, "”") || strings.HasSuffix(q.Text, ",") {
				t.Errorf("¶%d quotation keeps its marks or comma: %q", q.Paragraph, q.Text)
			}
		}
	})
	t.Run("the battle-line quotation runs across its four sentences", func(t *testing.T) {
		q, _ := quoteBy(s, "You go by the battle line")
		if !strings.HasSuffix(q.Text, "You stop at the battle line") {
			t.Errorf("quotation %q stops early", q.Text)
		}
	})
}

func TestQuotesQuery(t *testing.T) {
	lib := seedLibrary(t)
	tests := []struct {
		name      string
		query     string
		speaker   string
		must      []string // quotations that must be listed
		mustNot   []string // quotations that must not be
		noQuotes  bool
		noteHas   string
		allBySpkr bool // every quotation is the speaker's
	}{
		{name: "a surname lists Peskov's quotation", query: "Peskov", speaker: "Dmitry Peskov",
			must: []string{"You cannot postpone what has not been scheduled"}, mustNot: []string{"battle line"}, allBySpkr: true},
		{name: "the full name agrees with the surname", query: "Dmitry Peskov", speaker: "Dmitry Peskov",
			must: []string{"You cannot postpone what has not been scheduled"}, allBySpkr: true},
		{name: "the title agrees with the name", query: "Kremlin spokesperson", speaker: "Dmitry Peskov",
			must: []string{"You cannot postpone what has not been scheduled"}, allBySpkr: true},
		{name: "letter case does not matter", query: "peskov", speaker: "Dmitry Peskov",
			must: []string{"You cannot postpone"}, allBySpkr: true},
		{name: "Trump's quotations are his and nobody else's", query: "Trump", speaker: "Donald Trump",
			must: []string{"You go by the battle line", "stop the war immediately"}, mustNot: []string{"You cannot postpone", "100% loyal"}, allBySpkr: true},
		{name: "an anonymous source is found by its description", query: "European diplomat", speaker: "European diplomat",
			must: []string{"100% loyal to Putin", "To negotiate with Lavrov"}, allBySpkr: true},
		{name: "a person named but never quoted gets no quotations and a note", query: "Putin", speaker: "Vladimir Putin",
			noQuotes: true, noteHas: "quotes no words of"},
		{name: "the full name of the unquoted person gets the same note", query: "Vladimir Putin",
			noQuotes: true, noteHas: "quotes no words of"},
		{name: "a topic lists the quotations about it", query: "battle line",
			must: []string{"You go by the battle line"}, mustNot: []string{"You cannot postpone"}},
		{name: "a person the story never mentions gets a note, not quotations", query: "Angela Merkel",
			noQuotes: true, noteHas: "No quotation"},
		{name: "an empty query asks for a speaker or topic", query: "   ",
			noQuotes: true, noteHas: "Name a speaker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lib.Quotes(tt.query)
			if tt.speaker != "" && r.Speaker != tt.speaker {
				t.Errorf("speaker %q, want %q", r.Speaker, tt.speaker)
			}
			var got []string
			for _, q := range r.Quotes {
				got = append(got, q.Text)
				if tt.allBySpkr && q.Speaker != tt.speaker {
					t.Errorf("%q attributed to %q listed for %q", q.Text, q.Speaker, tt.query)
				}
				if p := lib.Story(q.Story).Paragraph(q.Paragraph); p == nil || !strings.Contains(p.Text, q.Text) {
					t.Errorf("quotation %q is not verbatim in %s ¶%d", q.Text, q.Story, q.Paragraph)
				}
			}
			for _, m := range tt.must {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, m) }) {
					t.Errorf("no quotation containing %q in %q", m, got)
				}
			}
			for _, m := range tt.mustNot {
				if slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, m) }) {
					t.Errorf("quotation containing %q listed for %q", m, tt.query)
				}
			}
			if tt.noQuotes && len(got) > 0 {
				t.Errorf("quotations %q, want none", got)
			}
			if !strings.Contains(r.Note, tt.noteHas) {
				t.Errorf("note %q, want it to say %q", r.Note, tt.noteHas)
			}
		})
	}
}

func TestSpeakers(t *testing.T) {
	lib := seedLibrary(t)
	var peskov knowledge.SpeakerInfo
	for _, sp := range lib.Speakers() {
		if sp.Name == "Dmitry Peskov" {
			peskov = sp
		}
		if sp.Name == "Vladimir Putin" {
			t.Error("Putin is listed as a speaker but is never quoted")
		}
	}
	t.Run("Peskov is a person with his title and aliases", func(t *testing.T) {
		if !peskov.Person || peskov.Title != "Kremlin spokesperson" || peskov.Quotes != 1 {
			t.Errorf("got %+v", peskov)
		}
		for _, a := range []string{"Peskov", "Kremlin spokesperson"} {
			if !slices.Contains(peskov.Aliases, a) {
				t.Errorf("aliases %q lack %q", peskov.Aliases, a)
			}
		}
	})
	t.Run("people come before organisations and sources", func(t *testing.T) {
		sp := lib.Speakers()
		for i := 1; i < len(sp); i++ {
			if sp[i].Person && !sp[i-1].Person {
				t.Errorf("%q (person) listed after %q", sp[i].Name, sp[i-1].Name)
			}
		}
	})
}

func TestASentenceOpeningAdverbIsNobody(t *testing.T) {
	s, err := knowledge.Parse("threats.txt", []byte("date 2011-05-20 By a U.S. Attorney's Office\n\n"+
		"Mikeal Minton was sentenced on Friday.\n\n"+
		"Further, during the interview, Minton would not retract the threats and stated that he meant them.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Mentions["further"]; ok {
		t.Errorf("mentions %v: \"Further\" read as a person", s.Mentions)
	}
	if _, ok := s.Mentions["minton"]; !ok {
		t.Errorf("mentions %v lack Minton", s.Mentions)
	}
}

func TestAttributionPatterns(t *testing.T) {
	// One story with the patterns news prose uses; each quotation must go
	// to the speaker a reader would name.
	const story = `date 2026-03-03 By Maria Chen, Reuters

"We had no choice once the inspection came back," Mayor Linda Ortiz told reporters after the vote. "Safety comes first."

Council member Raj Patel, who voted against the plan, said the city had known about the problem for years. "This didn't happen overnight," he said.

"Half of our lunch crowd comes from across the river," said Sam Duarte, who owns a diner.

The repairs are "long overdue," according to the city engineer.

A senior city official said the bridge was "in worse shape than anyone admitted."

"It will reopen before Thanksgiving," Ortiz said.
`
	s := mustParse(t, "bridge.txt", story)
	tests := []struct {
		name, prefix, speaker string
	}{
		{"'X told reporters' after a quotation names X", "We had no choice", "Linda Ortiz"},
		{"a second quotation in the paragraph is the same speaker's", "Safety comes first", "Linda Ortiz"},
		{"'he said' is the person who last spoke", "This didn't happen overnight", "Raj Patel"},
		{"'said X' names X", "Half of our lunch crowd", "Sam Duarte"},
		{"'according to X' names X", "long overdue", "city engineer"},
		{"a description is the speaker when no name is given", "in worse shape", "senior city official"},
		{"a surname alone finds the full name", "It will reopen", "Linda Ortiz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := quoteBy(s, tt.prefix)
			if !ok {
				t.Fatalf("no quotation starting %q in %+v", tt.prefix, s.Quotes)
			}
			if q.Speaker != tt.speaker {
				t.Errorf("%q by %q, want %q", tt.prefix, q.Speaker, tt.speaker)
			}
		})
	}
}

func TestQuotedSpans(t *testing.T) {
	text := `He said “it is over,” and she said "not yet."`
	var got []string
	for _, sp := range knowledge.QuotedSpans(text) {
		got = append(got, text[sp.Start:sp.End])
	}
	if want := []string{"it is over,", "not yet."}; !slices.Equal(got, want) {
		t.Errorf("QuotedSpans = %q, want %q", got, want)
	}
}

func TestAttributionMethods(t *testing.T) {
	// Invented paragraphs, one for each way news prose names a speaker
	// that a simple reader misses; each quotation must go to the speaker a
	// reader would name, and to nobody else.
	const story = `date 2026-04-09 By Tomas Ferreira, Valley Ledger

Dr. Amara Okafor runs the county's water laboratory. Sen. Harold Lindqvist chairs the budget committee.

"The samples surprised all of us," Dr. Okafor said. "We will publish the full results next month."

"We will not fund a second laboratory this year," Sen. Lindqvist said.

"The reservoir has never been this low in April," said County Parks and Recreation Commissioner Dana Whitfield. "Boaters should expect closures."

"We agree on the dates," said Mayor Linda Ortiz and Council member Raj Patel.

"Every well in the valley will be tested twice," said U.S. Secretary of Agriculture Thomas J. Brennan.

"The audit found no missing funds," said Director of the Office of Budget Review Alma Reyes.

‘We are moving the herd to higher ground tonight,” said rancher Eli Dunmore. “The creek is rising too fast.”

“The water is safe to drink,’ said Ada Fenwick, a county engineer. “We tested it twice.”

"The levee held," Ms. Fenwick said.

"The pumps failed twice last week," Hal Moreno, 59, who has farmed here for forty years, said.

"The gates stayed shut all night," the man in charge of the night shift at the east pumping station, speaking from his truck, told the board.
`
	s := mustParse(t, "valley.txt", story)
	for _, q := range s.Quotes {
		if p := s.Paragraph(q.Paragraph); p.Text[q.Span.Start:q.Span.End] != q.Text {
			t.Fatalf("quotation %q is not ¶%d's text at %v", q.Text, q.Paragraph, q.Span)
		}
	}
	tests := []struct {
		name, prefix, speaker string
	}{
		{"an honorific with a full stop before a surname ('Dr. Okafor said') names the person", "The samples surprised", "Amara Okafor"},
		{"a quotation after a 'Dr. X said.' sentence continues X", "We will publish the full results", "Amara Okafor"},
		{"'Sen.' before a surname is part of the attribution", "We will not fund", "Harold Lindqvist"},
		{"a long title with 'and' in an agency's name comes before the name", "The reservoir has never", "Dana Whitfield"},
		{"the second quotation after a long title keeps its speaker", "Boaters should expect", "Dana Whitfield"},
		{"'and' between two titled people does not make one title", "We agree on the dates", "Linda Ortiz"},
		{"a title with 'of' and a middle initial: the name is the last words", "Every well in the valley", "Thomas J. Brennan"},
		{"an office of an office in the title", "The audit found", "Alma Reyes"},
		{"a quotation opened with ‘ and closed with ” is a quotation", "We are moving the herd", "Eli Dunmore"},
		{"the quotation after a mismatched one keeps its speaker", "The creek is rising", "Eli Dunmore"},
		{"a quotation opened with “ and closed with ’ is a quotation", "The water is safe to drink", "Ada Fenwick"},
		{"the quotation after “…’ is its own and keeps the speaker", "We tested it twice", "Ada Fenwick"},
		{"'Ms.' before a surname names the person", "The levee held", "Ada Fenwick"},
		{"a name, an appositive and then the verb", "The pumps failed", "Hal Moreno"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := quoteBy(s, tt.prefix)
			if !ok {
				t.Fatalf("no quotation starting %q in %+v", tt.prefix, s.Quotes)
			}
			if q.Speaker != tt.speaker {
				t.Errorf("%q by %q, want %q", tt.prefix, q.Speaker, tt.speaker)
			}
		})
	}
	t.Run("an attribution that names someone unreadable is not handed to the last speaker", func(t *testing.T) {
		q, ok := quoteBy(s, "The gates stayed shut")
		if !ok {
			t.Fatal("no quotation about the gates")
		}
		if q.Speaker == "Hal Moreno" {
			t.Errorf("%q attributed to the previous speaker %q", q.Text, q.Speaker)
		}
	})
	t.Run("the mismatched quotation is verbatim, without its marks", func(t *testing.T) {
		for prefix, want := range map[string]string{
			"We are moving the herd":     "We are moving the herd to higher ground tonight",
			"The water is safe to drink": "The water is safe to drink",
		} {
			if q, _ := quoteBy(s, prefix); q.Text != want {
				t.Errorf("quotation %q, want %q", q.Text, want)
			}
		}
	})
	t.Run("a middle initial stays in the name and the title keeps its 'of'", func(t *testing.T) {
		for _, sp := range s.Speakers {
			if sp.Name == "Thomas J. Brennan" {
				if !sp.Person || sp.Title != "U.S. Secretary of Agriculture" {
					t.Errorf("got %+v", sp)
				}
				return
			}
		}
		t.Errorf("no speaker Thomas J. Brennan in %+v", s.Speakers)
	})
}

func TestQuotedSpansMismatchedMarks(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"‘ opening, ” closing", `‘We will,” she said.`, []string{"We will,"}},
		{"“ opening, ’ closing, then a proper quotation", `“We will,’ she said. “Soon.”`, []string{"We will,", "Soon."}},
		{"“ opening, ’ closing at the paragraph's end", `She said: “We will.’`, []string{"We will."}},
		{"a nested ‘…’ does not close the quotation", `“He called it ‘a mess,’ and left,” she said.`, []string{"He called it ‘a mess,’ and left,"}},
		{"apostrophes open and close nothing", `The players’ union said it’s “not over.”`, []string{"not over."}},
		{"an unclosed “ with apostrophes runs to the end", `“It’s the players’ turn now`, []string{"It’s the players’ turn now"}},
		{"a ’ that no clause mark precedes does not close", `“Rock ’n’ roll is here`, []string{"Rock ’n’ roll is here"}},
		{"a single ‘…’ quotation is not a quotation", `Critics called it ‘a mess.’`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range knowledge.QuotedSpans(tt.text) {
				got = append(got, tt.text[sp.Start:sp.End])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("QuotedSpans(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzQuotedSpans checks that quotation spans, however the marks are
// mismatched, lie inside the text on character boundaries, in order and
// without overlapping.
func FuzzQuotedSpans(f *testing.F) {
	for _, s := range []string{
		`‘We will,” she said. “Soon.”`, `“We will,’ she said. “Soon.”`, `“A ‘b,’ c,’ d.”`,
		`”‘“’"‘”`, `“It’s the players’ turn`, `"straight “curly” mixed’ ‘x”`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, sp := range knowledge.QuotedSpans(text) {
			if sp.Start < prev || sp.Start > sp.End || sp.End > len(text) {
				t.Fatalf("span %v out of order or outside [%d,%d] in %q", sp, prev, len(text), text)
			}
			if !utf8.ValidString(text) {
				continue
			}
			if sp.Start < len(text) && !utf8.RuneStart(text[sp.Start]) || sp.End < len(text) && !utf8.RuneStart(text[sp.End]) {
				t.Fatalf("span %v splits a character in %q", sp, text)
			}
			prev = sp.End
		}
	})
}
