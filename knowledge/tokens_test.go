package knowledge

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// tokensInDiffer reports where the tokens a paragraph's tokenisation
// gives a sentence or the text either side of a quotation mark (what the
// analysis and the index read) differ from tokenising that text alone.
func tokensInDiffer(t *testing.T, text string) {
	t.Helper()
	all := tokenize(text)
	var cuts [][2]int
	for _, sp := range splitSentences(text) {
		cuts = append(cuts, [2]int{sp.Start, sp.End})
		for _, q := range findQuoteMarks(text) {
			if q.open >= sp.Start && q.open <= sp.End {
				cuts = append(cuts, [2]int{sp.Start, q.open})
			}
			if q.close >= sp.Start && q.close <= sp.End {
				cuts = append(cuts, [2]int{q.close, sp.End})
			}
		}
	}
	for _, c := range cuts {
		want := tokenize(text[c[0]:c[1]])
		got := slices.Clone(tokensIn(all, c[0], c[1]))
		for i := range got {
			got[i].Start -= c[0]
			got[i].End -= c[0]
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q[%d:%d]: from the paragraph %v, alone %v", text, c[0], c[1], got, want)
		}
	}
}

var tokenSeeds = []string{
	"“We won’t wait,” said Mayor Raj Patel. He added: \"It's done.\" Russia’s envoy met O’Brien's aide.",
	"It isn’t over.’ Then “Quote” — and ‘single’ rock'n'roll U.S.-Russia talks at 3.5 p.m. on Jan. 5.",
	"A quote at the end: “never closed",
}

func TestTokensInMatchesTokenize(t *testing.T) {
	seeds := tokenSeeds
	if data, err := os.ReadFile("seed/2025-10-21-rubio-lavrov-meeting-tabled.txt"); err == nil {
		seeds = append(seeds, strings.Split(string(data), "\n\n")...)
	}
	for _, text := range seeds {
		tokensInDiffer(t, strings.TrimSpace(text))
	}
}

// FuzzTokensIn checks that a paragraph tokenised once gives each of its
// sentences, and the text either side of each quotation mark, the
// tokens tokenising them alone gives.
func FuzzTokensIn(f *testing.F) {
	for _, s := range tokenSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tokensInDiffer(t, strings.TrimSpace(text))
	})
}
