package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = toSet(`mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm st jr sr inc co corp ltd
bros vs etc jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd dept est fig no nos vol pp ph rev
hon messrs mme brig maj pvt cpl spc supt det insp atty asst gens u.s u.k u.n e.g i.e a.m p.m d.c u.s.a e.u n.y l.a`)

// finalAbbreviations close a name or a list rather than open one, so
// they often end a sentence: "She works for Acme Inc. The company …".
var finalAbbreviations = toSet(`inc co corp ltd etc jr sr`)

// sentenceStarters are words that, after an abbreviation like "U.S.",
// show that a new sentence has begun.
var sentenceStarters = toSet(`the a an he she it they we i but and in on at this that these those his her their
its there however meanwhile still yet so if when while after before as for`)

// splitSentences returns the sentences of a paragraph as byte spans. It
// survives curly and straight quotes, abbreviations such as "U.S." and
// "Sen.", "No. 2", initials, decimals and quotations ending in ",”".
func splitSentences(text string) []Span {
	var out []Span
	start := skipSpace(text, 0)
	i := start
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '.' && r != '?' && r != '!' && r != '…' {
			i += size
			continue
		}
		end := i + size
		// Runs of terminators ("?!", "...").
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if r2 == '.' || r2 == '?' || r2 == '!' || r2 == '…' {
				end += s2
				continue
			}
			break
		}
		// Closing quotes and brackets belong to the sentence they end.
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if r2 == '”' || r2 == '"' || r2 == '’' || r2 == '\'' || r2 == ')' || r2 == ']' {
				end += s2
				continue
			}
			break
		}
		next := skipSpace(text, end)
		if next == end && end < len(text) {
			i = end // no space after: "3.5", "U.S.-Russia", "example.com"
			continue
		}
		if next >= len(text) {
			break
		}
		nr, _ := utf8.DecodeRuneInString(text[next:])
		if !startsSentence(nr) {
			i = end
			continue
		}
		if r == '.' && end == i+size && !isBoundaryAfterAbbrev(text, i, next) {
			i = end
			continue
		}
		out = append(out, Span{start, trimRightSpace(text, start, end)})
		start = next
		i = next
	}
	if start < len(text) {
		if e := trimRightSpace(text, start, len(text)); e > start {
			out = append(out, Span{start, e})
		}
	}
	return out
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '“' || r == '"' || r == '‘' || r == '\'' || r == '(' || r == '[' || r == '—' || r == '-' || r == '$' || r == '¡' || r == '¿'
}

// isBoundaryAfterAbbrev decides whether the full stop at dot ends the
// sentence, given the word before it and the word after it.
func isBoundaryAfterAbbrev(text string, dot, next int) bool {
	// The word before the dot, including inner dots ("U.S", "a.m").
	ws := dot
	for ws > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:ws])
		if unicode.IsLetter(r) || r == '.' {
			ws -= size
			continue
		}
		break
	}
	word := strings.ToLower(strings.TrimLeft(text[ws:dot], "."))
	if word == "" {
		return true
	}
	nextWord := text[next:]
	if k := strings.IndexFunc(nextWord, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); k >= 0 {
		nextWord = nextWord[:k]
	}
	nextLower := strings.ToLower(nextWord)
	// A single capital letter is an initial: "John F. Kennedy".
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(text[ws:])
		if unicode.IsUpper(r) {
			return false
		}
	}
	if word == "no" || word == "nos" {
		nr, _ := utf8.DecodeRuneInString(text[next:])
		return !unicode.IsDigit(nr)
	}
	if _, ok := abbreviations[word]; ok {
		// "in the U.S. The president ..." and "works for Acme Inc. The
		// company ..." end; "Sen. Smith" does not.
		_, starter := sentenceStarters[nextLower]
		_, final := finalAbbreviations[word]
		return starter && (final || strings.Contains(word, "."))
	}
	return true
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func trimRightSpace(text string, start, end int) int {
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return end
}

// SplitSentences returns the sentences of text as byte spans, with the
// same rules used for stories; the bot uses it to check LLM summaries
// sentence by sentence.
func SplitSentences(text string) []Span {
	return splitSentences(text)
}
