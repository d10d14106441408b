package knowledge

import "strings"

// Word-pair strengths QuestionSimilarity gives a match that is not the
// same index term.
const (
	// similarSynonym is a WordNet synonym or derived form (postpone ~
	// delay) that GloVe also puts near.
	similarSynonym = 0.9
	// similarVectorGate is the GloVe cosine above which two words count
	// as the same topic (summit ~ meeting); the pair then scores its
	// cosine.
	similarVectorGate = 0.65
)

// QuestionSimilarity says how alike two questions are, in [0, 1]: 1 for
// rewordings that use the same topic words, 0 for questions with no topic
// in common. It matches words the way the answer engine does: by index
// term (case, inflection and irregular forms folded: "met" is "meeting"'s
// "meet"), then by WordNet synonyms and GloVe neighbours from the lexicon,
// ignoring the function and question words a question is built from. The
// score is the average, over both questions' topic words, of each word's
// best match in the other question. Two questions with no topic words
// are alike only when their words are the same; two that each name someone
// the other does not ("meet Putin", "meet Zelensky") score half.
func QuestionSimilarity(a, b string) float64 {
	ta, tb := topicTokens(a), topicTokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		if len(ta) == 0 && len(tb) == 0 && sameWords(a, b) {
			return 1
		}
		return 0
	}
	var sum float64
	var lostA, lostB bool
	for _, x := range ta {
		m := bestMatch(x, tb)
		sum += m
		lostA = lostA || (x.Cap && m < 0.5)
	}
	for _, y := range tb {
		m := bestMatch(y, ta)
		sum += m
		lostB = lostB || (y.Cap && m < 0.5)
	}
	score := sum / float64(len(ta)+len(tb))
	if lostA && lostB {
		// Each names someone the other does not: "meet Putin" and "meet
		// Zelensky" are different questions however alike the rest.
		score *= nameConflict
	}
	return score
}

// nameConflict scales the score of two questions that each name someone
// or something the other does not.
const nameConflict = 0.5

// topicTokens returns the tokens of a question that carry its topic, each
// term once.
func topicTokens(q string) []token {
	var out []token
	seen := map[string]bool{}
	for i, t := range tokenize(q) {
		if isStop(t.Lower) || seen[t.Term] {
			continue
		}
		if i == 0 {
			t.Cap = false // the capital of a question's first word names nothing
		}
		seen[t.Term] = true
		out = append(out, t)
	}
	return out
}

// bestMatch is how well the best of others stands for t.
func bestMatch(t token, others []token) float64 {
	best := 0.0
	for _, o := range others {
		best = max(best, wordMatch(t, o))
		if best == 1 {
			break
		}
	}
	return best
}

// wordMatch scores two words: 1 for one index term, similarSynonym for
// WordNet synonyms and derived forms that keep company in text, the
// GloVe cosine for close neighbours, else 0.
func wordMatch(a, b token) float64 {
	if a.Term == b.Term {
		return 1
	}
	if isDigits(a.Lower) || isDigits(b.Lower) {
		return 0
	}
	cos, ok := lexSimilarity(a.Lower, b.Lower)
	for _, lemma := range lexLemmas(a.Lower) {
		for _, l := range lexRelated(lemma) {
			if float64(l.Weight) < 0.9 || (ok && cos < wordnetGate) {
				continue
			}
			for _, lb := range lexLemmas(b.Lower) {
				if l.Word == lb {
					return similarSynonym
				}
			}
		}
	}
	if ok && cos >= similarVectorGate {
		return cos
	}
	return 0
}

// sameWords reports whether a and b are the same words, ignoring case,
// spacing and punctuation.
func sameWords(a, b string) bool {
	norm := func(s string) string {
		var words []string
		for _, t := range tokenize(s) {
			words = append(words, t.Lower)
		}
		return strings.Join(words, " ")
	}
	return norm(a) == norm(b)
}
