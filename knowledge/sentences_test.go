package knowledge_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func sentences(text string) []string {
	var out []string
	for _, sp := range knowledge.SplitSentences(text) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"plain sentences split at full stops",
			"The council voted. The bridge closed.",
			[]string{"The council voted.", "The bridge closed."}},
		{"U.S. inside a sentence does not end it",
			"The U.S. Embassy said so. Sen. Smith agreed.",
			[]string{"The U.S. Embassy said so.", "Sen. Smith agreed."}},
		{"U.S. at the end of a sentence ends it",
			"He arrived in the U.S. The talks began.",
			[]string{"He arrived in the U.S.", "The talks began."}},
		{"Sen., Mr., Dr. and Rep. come before a name",
			"Rep. Ocasio-Cortez said no. Dr. Fauci and Mr. Smith agreed with Sen. Warren.",
			[]string{"Rep. Ocasio-Cortez said no.", "Dr. Fauci and Mr. Smith agreed with Sen. Warren."}},
		{"a.m. and p.m. before a time word do not end a sentence",
			"They met at 9 a.m. Tuesday. He left at 5 p.m. on Monday.",
			[]string{"They met at 9 a.m. Tuesday.", "He left at 5 p.m. on Monday."}},
		{"a.m. before a new sentence ends it",
			"Mr. Smith left at 9 a.m. He returned later.",
			[]string{"Mr. Smith left at 9 a.m.", "He returned later."}},
		{"No. 2 is a number, not an ending",
			"It was No. 2 on the list. No. The list was wrong.",
			[]string{"It was No. 2 on the list.", "No.", "The list was wrong."}},
		{"decimals and percentages stay whole",
			"Prices rose 3.5 percent. The repairs cost $14.5 million. Rates fell 2.5%. Analysts were surprised.",
			[]string{"Prices rose 3.5 percent.", "The repairs cost $14.5 million.", "Rates fell 2.5%.", "Analysts were surprised."}},
		{"a curly quotation ending in ,” continues the sentence",
			"“We will win,” she said. “Never.”",
			[]string{"“We will win,” she said.", "“Never.”"}},
		{"a straight quotation ending in ,\" continues the sentence",
			`"We had no choice," Mayor Linda Ortiz said. "It comes first."`,
			[]string{`"We had no choice," Mayor Linda Ortiz said.`, `"It comes first."`}},
		{"a closing curly quote belongs to the sentence it ends",
			"He said, “It’s over.” Then he left.",
			[]string{"He said, “It’s over.”", "Then he left."}},
		{"a question inside a quotation followed by its attribution is one sentence",
			"“Is it over?” he asked. No one knew.",
			[]string{"“Is it over?” he asked.", "No one knew."}},
		{"sentences inside one quotation split",
			"“You go by the battle line, wherever it is. Otherwise, it’s too complicated.”",
			[]string{"“You go by the battle line, wherever it is.", "Otherwise, it’s too complicated.”"}},
		{"initials are not endings",
			"John F. Kennedy was president. He died in 1963.",
			[]string{"John F. Kennedy was president.", "He died in 1963."}},
		{"a company's Inc. ends a sentence before a new one",
			"She works for Acme Inc. The company grew.",
			[]string{"She works for Acme Inc.", "The company grew."}},
		{"Warner Bros. Discovery is one name",
			"™ & © 2025 Cable News Network, Inc., a Warner Bros. Discovery Company. All rights reserved.",
			[]string{"™ & © 2025 Cable News Network, Inc., a Warner Bros. Discovery Company.", "All rights reserved."}},
		{"runs of terminators end once",
			"Wait... what? Yes!",
			[]string{"Wait... what?", "Yes!"}},
		{"web addresses and compounds stay whole",
			"Visit example.com. The U.S.-Russia summit is off.",
			[]string{"Visit example.com.", "The U.S.-Russia summit is off."}},
		{"surrounding white space is not part of a sentence",
			"  Leading space.\n Trailing space.  ",
			[]string{"Leading space.", "Trailing space."}},
		{"text with no terminator is one sentence",
			"The-CNN-Wire",
			[]string{"The-CNN-Wire"}},
		{"empty text has no sentences",
			"   ",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentences(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSeedSentences(t *testing.T) {
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	s := lib.Stories()[0]
	// Sentence counts per paragraph a reader would give the seed story.
	want := map[int]int{4: 2, 6: 2, 7: 2, 8: 1, 9: 1, 10: 2, 14: 2, 16: 2, 17: 2, 19: 4, 22: 2}
	for n, c := range want {
		t.Run(fmt.Sprintf("seed paragraph %d has %d sentences", n, c), func(t *testing.T) {
			p := s.Paragraph(n)
			if len(p.Sentences) != c {
				var got []string
				for i := range p.Sentences {
					got = append(got, p.Sentence(i))
				}
				t.Errorf("¶%d: %d sentences %q, want %d", n, len(got), got, c)
			}
		})
	}
}
