package knowledge

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/storybot/storybot/knowledge/lexicon"
)

// This file holds the decision to answer or decline. It is not a veto
// keyed on words: a few features of the best candidate paragraph go into
// a logistic model (abstain_model.go) fitted on question sets with
// answerable and unanswerable questions, and the question is declined
// only when the model says the stories probably do not answer it.

// Abstention thresholds: the probability that the stories do not answer
// a question above which it is declined. Strict declines sooner.
const (
	AbstainStrict  = 0.35
	AbstainNormal  = 0.5
	AbstainLenient = 0.65
)

// Feature names, in the order of the model's weights. "Exact" matches
// are the word itself, its lemma or a WordNet form; "soft" ones count
// GloVe neighbours too, which say a paragraph is on the topic but not
// that it says the same thing.
const (
	fCoverage      = iota // soft coverage of the question's words by the best paragraph
	fCoverageExact        // the same, counting exact matches only
	fMissTop              // the rarest question word the best paragraph does not match, by rarity
	fMissTopExact         // the same, counting exact matches only
	fMissStory            // the rarest question word the best story does not match exactly, by rarity
	fFocusMiss            // how badly the best story misses the words the question asks about
	fSelfRatio            // the best paragraph's BM25 score over the question's own
	fTypeMissing          // the answer type asked for (a date, a number, …) is not in the paragraph
	fUnknownName          // a name in the question that no story mentions
	fSpeaker              // the best sentence is the words of the person a "what did X say" names
	fNoQuantity           // "how many X": no number stands by X (or a stand-in) in the best paragraphs
	fSpecific             // how much of what the question adds to its story's topic the best paragraph covers
	fOffTopic             // how far, in GloVe space, a focus word the best paragraph lacks is from all of its words
	fNoSumOrAge           // a question for a sum of money, an age or a span of time whose best paragraphs state none
	numFeatures
)

// FeatureNames names the features of an Explanation, in order.
var FeatureNames = [numFeatures]string{
	"coverage", "coverage_exact", "miss_top", "miss_top_exact", "miss_story",
	"focus_miss", "self_ratio", "type_missing", "unknown_name", "speaker", "no_quantity", "specific", "off_topic", "no_sum_or_age",
}

// Explanation is why a question was answered or declined: the features
// of its best candidate, the model's probability that the stories do not
// answer it, and the words read as typos.
type Explanation struct {
	Features [numFeatures]float64
	// Decline is the model's probability that the stories do not answer.
	Decline float64
	// Threshold is the probability above which the question is declined.
	Threshold float64
	// Corrected lists misspellings as "from→to".
	Corrected []string
	// Foreign is true when the question is not in English: most of its
	// words are in neither the stories nor the English lexicon. The
	// stories cannot be searched in its words, so it is declined.
	Foreign bool
}

// declineProbability is the fitted logistic model.
func declineProbability(f [numFeatures]float64) float64 {
	z := abstainBias
	for i, w := range abstainWeights {
		z += w * f[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// features computes the decision features of the best candidates.
func (sn *snapshot) features(qr query, ranked []scored) [numFeatures]float64 {
	var f [numFeatures]float64
	var own []qterm
	for _, t := range qr.terms {
		if !t.ctx && !t.dateline {
			own = append(own, t)
		}
	}
	f[fUnknownName] = min(1, float64(qr.unknownNames))
	if len(own) == 0 && len(qr.terms) > 0 {
		return f // a follow-up ("why?") lives on its thread's context
	}
	if len(own) == 0 || len(ranked) == 0 {
		f[fMissTop], f[fMissTopExact], f[fMissStory], f[fFocusMiss] = 1, 1, 1, 1
		return f
	}
	top := sn.docs[ranked[0].doc]
	exact := make([]qterm, len(own))
	for i, t := range own {
		exact[i] = t
		exact[i].alts = slices.DeleteFunc(slices.Clone(t.alts), func(a alt) bool { return !a.exact() })
	}
	// Coverage: the best of the first few distinct paragraphs.
	for _, d := range bestDocs(ranked, 5) {
		has := sn.docs[d].pix.has
		f[fCoverage] = max(f[fCoverage], coverage(own, has))
		f[fCoverageExact] = max(f[fCoverageExact], coverage(exact, has))
	}
	// A word's rarity is its IDF over that of a word no paragraph uses:
	// the reader's rarest unmatched word is what the story may not say.
	rare := sn.idf(0, false)
	for i, t := range own {
		inStory := 0.0
		for _, a := range exact[i].alts {
			if a.strength > inStory && sn.storyHas(top.story, a.id) {
				inStory = a.strength
			}
		}
		// A word the best story does not use counts as the rarest,
		// however common in English or in other stories: "cost" absent
		// from a story about a tour is the point.
		r := min(1, t.idf*t.weight/rare)
		if inStory == 0 {
			r = t.weight
		}
		f[fMissTop] = max(f[fMissTop], r*(1-matchStrength(t, top.pix.has)))
		f[fMissTopExact] = max(f[fMissTopExact], r*(1-matchStrength(exact[i], top.pix.has)))
		f[fMissStory] = max(f[fMissStory], r*(1-inStory))
	}
	// The focus: how well the best story knows the words asked about
	// (and the verb a yes-or-no question asks about), itself or through
	// WordNet. A GloVe neighbour does not count: "cost"
	// is near "funding", and a story about the funding need not say what
	// anything cost.
	storyHas := func(id uint32) bool { return sn.storyHas(top.story, id) }
	best3 := bestDocs(ranked, 3)
	// "How many soldiers" counts: a number answers it, not a soldier
	// named. ("How much money" and "what percentage" ask for a sum and a
	// percentage, which are instances of what they name.)
	counting := qr.kind == qHowMany && strings.Contains(strings.ToLower(qr.text), "how many")
	for _, k := range slices.Concat(qr.focus, qr.predicate) {
		best := 0.0
		// A verb is reworded more freely than a noun: the predicate of a
		// yes-or-no question ("was the meeting cancelled?") is also known
		// by a GloVe neighbour as close as a synonym ("postponed").
		pred := slices.Contains(qr.predicate, k)
		for _, a := range qr.terms[k].alts {
			if (a.exact() || pred && a.strength >= vectorScale*synonymGate) && a.strength > best && storyHas(a.id) {
				best = a.strength
			}
		}
		// "Which city": a best paragraph that names one (Budapest)
		// knows the word asked about by its instance, if it says
		// something else of the question too: Budapest is a capital,
		// but no answer to "what is the capital of Peru?".
		if w := qr.terms[k].lower; best < kindStrength && f[fCoverageExact] > 0 && !counting && lexPOS(w)&lexNoun != 0 {
			c := lexClassOf(w)
			if sn.namesKindOf(best3, &c) || sn.namesEntityOf(ranked, w) {
				best = kindStrength
			}
		}
		f[fFocusMiss] = max(f[fFocusMiss], 1-best)
	}
	self := 0.0
	for i, t := range qr.terms {
		w := t.idf * t.weight
		if slices.Contains(qr.focus, i) {
			w *= rankFocus // as the ranking weighs it
		}
		self += w
	}
	if self > 0 {
		f[fSelfRatio] = min(2, ranked[0].bm25/self)
	}
	if want := cueFeature(qr.kind); want != 0 {
		if !slices.ContainsFunc(top.pix.sents, func(sx sentIndex) bool { return sx.feats&want != 0 }) {
			f[fTypeMissing] = 1
		}
	}
	// A sum of money needs a currency amount, an age an age, "how long"
	// a span of time, in one of the best paragraphs.
	if qr.money && !sn.bestParagraphsHave(ranked, hasMoney) || qr.age && !sn.bestParagraphsHave(ranked, hasAge) ||
		qr.kind == qHowLong && !sn.bestParagraphsHaveFeature(ranked, featDuration) ||
		// "When will construction begin", "is scheduled to be
		// sentenced": a date still to come.
		qr.future && !sn.bestParagraphsHaveFuture(ranked) {
		f[fNoSumOrAge] = 1
	}
	if qr.quote && len(qr.speakers) > 0 && slices.Contains(qr.speakers, top.pix.sents[ranked[0].sent].sayer) {
		f[fSpeaker] = 1
	}
	// "What was the vote count" asks for a number as "how many" does:
	// its focus is, in WordNet's first sense, a kind of number.
	countNoun := qr.kind == qOther && len(qr.focus) > 0 && lexIsFirstlyKindOf(qr.terms[qr.focus[0]].lower, "number")
	if (qr.kind == qHowMany || countNoun) && !qr.money && !sn.quantityNear(qr, ranked) { // a sum of money is no_sum_or_age's to find
		f[fNoQuantity] = 1
	}
	// What the question adds to its story's topic: the words the lead
	// of the best story does not match. A question that only names the
	// story and asks for one thing it lacks ("how much did the tour
	// cost?") covers none of it; the answer to a reworded question
	// covers some of it, if only through neighbours.
	lead := sn.docs[sn.leadDoc[top.story]].pix.has
	f[fSpecific], _ = specificCoverage(own, exact, lead, top.pix.has, rare)
	f[fOffTopic] = sn.offTopic(qr, top)
	return f
}

// kindStrength is how well a word the question asks about is matched by
// a kind or an instance of it ("Budapest" for "city").
const kindStrength = 0.8

// namesKindOf reports whether one of the paragraphs names a kind or an
// instance of the class, by WordNet's hypernyms: "rifle" for "weapon",
// "Budapest" for "city", "NOAA" for "agency".
func (sn *snapshot) namesKindOf(docs []int32, c *lexicon.Class) bool {
	for _, d := range docs {
		if c.AmongKinds(sn.paraKinds(d)) {
			return true
		}
	}
	return false
}

// paraKinds returns, sorted, what the words of paragraph d name kinds or
// instances of (lexicon.KindsOf), worked out once per snapshot. A name of
// one word is tried as a name ("Budapest"); a word of a longer name is not
// ("High Level Advisors", "West Palm Beach"), nor is a common word that
// can be an adjective, as it is one more often than a noun ("high" is no
// weather).
func (sn *snapshot) paraKinds(d int32) []uint32 {
	if v, ok := sn.kindsCache.Load(d); ok {
		return v.([]uint32)
	}
	ref := sn.docs[d]
	toks := tokenize(sn.stories[ref.story].Paragraphs[ref.pix.para].Text)
	var kinds []uint32
	var tried []string
	for i, tk := range toks {
		w := tk.Lower
		if tk.Cap && (i > 0 && toks[i-1].Cap && toks[i-1].End+1 >= tk.Start || i+1 < len(toks) && toks[i+1].Cap && tk.End+1 >= toks[i+1].Start) {
			continue
		}
		if len(w) < 3 || isStop(w) || slices.Contains(tried, w) || !tk.Cap && lexPOS(w)&(lexNoun|lexAdj) != lexNoun {
			continue
		}
		tried = append(tried, w)
		kinds = lexKindsOf(w, kinds)
	}
	slices.Sort(kinds)
	kinds = slices.Clip(slices.Compact(kinds))
	if sn.cached.Add(1) <= maxCached {
		sn.kindsCache.Store(d, kinds)
	}
	return kinds
}

// namesEntityOf reports whether one of the best paragraphs names a place
// when the class is a kind of place ("which city"), a person when it is a
// kind of person ("which official"), a sum when it is money or a kind of
// it ("how much money", "what funding"), a percentage when it is a kind
// of proportion ("what percentage"), or gives a name in quotation marks
// when it is a kind of name ("what nickname"): many a town and official
// is not in WordNet ("Lake Charles", "Vilsack"), but the index knows a
// place or a person when it sees one.
func (sn *snapshot) namesEntityOf(ranked []scored, class string) bool {
	kindOf := func(of string, orItself bool) bool {
		return lexIsKindOf(class, of) || orItself && slices.Contains(lexLemmas(class), of)
	}
	var want sentFeature
	if kindOf("location", false) {
		want |= featPlace
	}
	if kindOf("person", false) {
		want |= featPerson
	}
	// "How much money": a sum of money is an instance of it; "what
	// percentage", a percentage given; "what nickname", a name in
	// quotation marks (also known as “Eddie”).
	return kindOf("money", true) && sn.bestParagraphsHave(ranked, hasMoney) ||
		kindOf("proportion", false) && sn.bestParagraphsHave(ranked, percentRe.MatchString) ||
		kindOf("name", true) && sn.bestParagraphsHave(ranked, quotedNameRe.MatchString) ||
		want != 0 && sn.bestParagraphsHaveFeature(ranked, want)
}

// percentRe is a percentage: "83 percent", "17%", "4.5 per cent".
var percentRe = regexp.MustCompile(`\d(?:[\d.,]*\d)?\s?(?:%|percent\b|per cent\b)`)

// quotedNameRe is a short capitalised name in quotation marks.
var quotedNameRe = regexp.MustCompile(`[“"][A-Z][\w.' -]{0,30}[,.]?[”"]`)

// offTopic measures whether the words a question asks about, where the
// best paragraph lacks them, are even on its topic: one minus the
// highest GloVe similarity between such a word and any word of the
// paragraph. "The weather" asked of a paragraph about a summit is far
// from all of its words; "the cost" of a tour is near "funding".
func (sn *snapshot) offTopic(qr query, top docRef) float64 {
	var words []string
	out := 0.0
	for _, k := range qr.focus {
		t := qr.terms[k]
		if slices.ContainsFunc(t.alts, func(a alt) bool { return a.exact() && top.pix.has(a.id) }) {
			continue
		}
		if words == nil {
			p := &sn.stories[top.story].Paragraphs[top.pix.para]
			for _, tk := range tokenize(p.Text) {
				if !isStop(tk.Lower) {
					words = append(words, tk.Lower)
				}
			}
		}
		best, known := 0.0, false
		for _, w := range words {
			if c, ok := lexSimilarity(t.lower, w); ok {
				known = true
				best = max(best, c)
			}
		}
		if known {
			// GloVe puts most words of one register within 0.5 of each
			// other: only a word far below the paragraph's nearest is off
			// topic, so the scale runs from 0 at 0.65 to 1 at 0.32.
			out = max(out, min(1, max(0, (0.65-best)*3)))
		}
	}
	return out
}

// specificCoverage is the share of the question's weight outside its
// story's lead (the words the lead does not match exactly) that a unit
// matches, a GloVe neighbour counting half; false when every word is in
// the lead.
func specificCoverage(own, exact []qterm, lead, has func(uint32) bool, rare float64) (float64, bool) {
	var got, all float64
	for i, t := range own {
		if matchStrength(exact[i], lead) >= 0.5 {
			continue
		}
		r := min(1, t.idf*t.weight/rare)
		if !t.known {
			r = t.weight
		}
		all += r
		best := 0.0
		for _, a := range t.alts {
			s := a.strength
			if !a.exact() {
				s /= 2
			}
			if s > best && has(a.id) {
				best = s
			}
		}
		got += r * best
	}
	if all == 0 {
		return 1, false
	}
	return got / all, true
}

// quantityNear reports whether a "how many X" question finds a number
// standing just before X, or a word standing in for X, in one of the
// best paragraphs ("4,000 students"); with no X to look for ("how much
// did it cost", "how old"), whether the best sentence has a number.
func (sn *snapshot) quantityNear(qr query, ranked []scored) bool {
	var focus []qterm
	for _, k := range qr.focus {
		t := qr.terms[k]
		t.alts = slices.DeleteFunc(slices.Clone(t.alts), func(a alt) bool { return !a.exact() })
		if len(t.alts) > 0 {
			focus = append(focus, t)
		}
	}
	// "How many" and "what was the vote count" count; "how much" measures.
	counting := strings.Contains(strings.ToLower(qr.text), "how many") ||
		qr.kind == qOther && len(qr.focus) > 0 && lexIsFirstlyKindOf(qr.terms[qr.focus[0]].lower, "number")
	if len(focus) == 0 || !counting {
		// "How many troops" of stories that never say "troops": no count
		// of them stands anywhere. ("How much distance" is measured in
		// miles, which need not say "distance".)
		if len(qr.focus) > 0 && counting && len(focus) == 0 {
			return false
		}
		// "How much speed": a measure answers it ("9,000 mph"), whose
		// number stands by its unit, not by the word asked about.
		return sn.docs[ranked[0].doc].pix.sents[ranked[0].sent].feats&featNumber != 0
	}
	return sn.bestParagraphsHave(ranked, func(text string) bool {
		toks := tokenize(text)
		for j, tk := range toks {
			id, ok := lookupTerm(tk.Term)
			if !ok || !slices.ContainsFunc(focus, func(t qterm) bool {
				return slices.ContainsFunc(t.alts, func(a alt) bool { return a.id == id })
			}) {
				continue
			}
			// The number stands before X ("46 inspectors") or just
			// after it ("of the 14 grants, nine went"); a year is no count.
			for k := max(0, j-4); k < min(len(toks), j+3); k++ {
				if k != j && (isQuantity(toks[k].Lower) && !yearRe.MatchString(toks[k].Lower) || inARow(toks, k)) {
					return true
				}
			}
			// Further back, across the words that modify X: "at least
			// 23 resurfacing and bridge-deck projects". A verb or a
			// function word ends the run.
			for k := j - 1; k >= max(0, j-8); k-- {
				w := toks[k].Lower
				if isQuantity(w) && !yearRe.MatchString(w) {
					return true
				}
				if pos := lexPOS(w); w != "and" && w != "or" && (isStop(w) || pos != 0 && pos&(lexNoun|lexAdj) == 0 && !strings.HasSuffix(w, "ing")) {
					break
				}
			}
		}
		return false
	})
}

// isQuantity reports whether a lower-case word is a number: digits or a
// number word.
func isQuantity(w string) bool {
	if w != "" && w[0] >= '0' && w[0] <= '9' {
		return true
	}
	_, ok := numberWords[w]
	return ok
}

// inARow reports whether toks[k] is an ordinal that counts a run ("the
// fourth consecutive year"): it says how many, as a number would.
func inARow(toks []token, k int) bool {
	if k+1 >= len(toks) || !isNumberWord(toks[k].Lower) || isQuantity(toks[k].Lower) {
		return false
	}
	switch toks[k+1].Lower {
	case "consecutive", "straight", "successive", "running":
		return true
	}
	return false
}

// matchStrength is how well a unit (sentence or paragraph) matches a
// query term: 1 for the word itself, a stand-in's strength otherwise.
func matchStrength(t qterm, has func(uint32) bool) float64 {
	best := 0.0
	for _, a := range t.alts {
		if a.strength > best && has(a.id) {
			best = a.strength
		}
	}
	return best
}

// explain computes the features of the best candidates and the decision.
func (sn *snapshot) explain(qr query, ranked []scored, opts AskOptions) Explanation {
	e := Explanation{Features: sn.features(qr, ranked), Threshold: AbstainNormal}
	if opts.Strictness > 0 {
		e.Threshold = opts.Strictness
	}
	e.Decline = declineProbability(e.Features)
	e.Foreign = sn.foreign(qr.toks)
	for _, c := range qr.corrected {
		e.Corrected = append(e.Corrected, c.From+"→"+c.To)
	}
	return e
}

// Declined reports whether the explanation's decision is to decline.
func (e Explanation) Declined() bool { return e.Decline >= e.Threshold }

// foreign reports whether most of a question's words that no story uses
// are not English either: in neither WordNet nor the commonest GloVe
// words, or spelt with letters English does not use.
func (sn *snapshot) foreign(toks []token) bool {
	if otherFunctionWords(toks) {
		return true
	}
	n, other := 0, 0
	for _, t := range toks {
		w := t.Lower
		if len([]rune(w)) < 2 || isDigits(w) || isStop(w) || strings.ContainsRune(w, '\'') {
			continue
		}
		if _, ok := sn.vocab[w]; ok {
			continue
		}
		n++
		nonASCII := strings.ContainsFunc(w, func(r rune) bool { return r > unicode.MaxASCII })
		if nonASCII || !lexInWordNet(w) && (lexRank(w) == 0 || lexRank(w) > commonRank) {
			other++
		}
	}
	return n >= 3 && 2*other >= n
}

// FeatureValue is one feature of a decision: its value for the question,
// the model's weight for it, and so what it added to the log-odds of
// declining.
type FeatureValue struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
}

// Values lists the features behind the decision with the model's weights,
// for `storybot ask --explain`: the fastest way to see why a question was
// answered or declined.
func (e Explanation) Values() []FeatureValue {
	out := make([]FeatureValue, numFeatures)
	for i := range out {
		out[i] = FeatureValue{Name: FeatureNames[i], Value: e.Features[i], Weight: abstainWeights[i]}
	}
	return out
}

// String renders the explanation on a few lines: the decision, then each
// feature that moved it, largest push first.
func (e Explanation) String() string {
	var b strings.Builder
	verdict := "answered"
	if e.Declined() || e.Foreign {
		verdict = "declined"
	}
	fmt.Fprintf(&b, "%s: P(the stories do not answer) = %.2f, threshold %.2f\n", verdict, e.Decline, e.Threshold)
	if e.Foreign {
		b.WriteString("  the question is not in English\n")
	}
	if len(e.Corrected) > 0 {
		fmt.Fprintf(&b, "  read as: %s\n", strings.Join(e.Corrected, ", "))
	}
	vs := e.Values()
	slices.SortStableFunc(vs, func(x, y FeatureValue) int {
		return cmp.Compare(math.Abs(y.Value*y.Weight), math.Abs(x.Value*x.Weight))
	})
	fmt.Fprintf(&b, "  %-14s %6s %7s %7s\n", "feature", "value", "weight", "push")
	for _, v := range vs {
		fmt.Fprintf(&b, "  %-14s %6.2f %+7.2f %+7.2f\n", v.Name, v.Value, v.Weight, v.Value*v.Weight)
	}
	fmt.Fprintf(&b, "  %-14s %6s %7s %+7.2f\n", "bias", "", "", abstainBias)
	return b.String()
}

// bestParagraphsHave reports whether one of the three best paragraphs'
// text satisfies has.
func (sn *snapshot) bestParagraphsHave(ranked []scored, has func(string) bool) bool {
	for _, doc := range bestDocs(ranked, 3) {
		d := sn.docs[doc]
		if has(sn.stories[d.story].Paragraphs[d.pix.para].Text) {
			return true
		}
	}
	return false
}

// yearRe is a year of four digits.
var yearRe = regexp.MustCompile(`\b(1[89]|20)\d\d\b`)

// bestParagraphsHaveFuture reports whether one of the three best
// paragraphs says when something still to come will be, from its story's
// date: a date after it ("March 22", "next week") or a later year ("in
// 2015"). A span is not enough: "faces up to 20 years" is no date of
// sentencing. A story without a date is taken to have one.
func (sn *snapshot) bestParagraphsHaveFuture(ranked []scored) bool {
	for _, doc := range bestDocs(ranked, 3) {
		d := sn.docs[doc]
		st := sn.stories[d.story]
		if st.Date.IsZero() {
			return true
		}
		p := &st.Paragraphs[d.pix.para]
		if slices.ContainsFunc(st.Dates, func(r DateRef) bool { return r.Paragraph == p.N && r.To.After(st.Date) }) {
			return true
		}
		for _, y := range yearRe.FindAllString(p.Text, -1) {
			if n, _ := strconv.Atoi(y); n > st.Date.Year() {
				return true
			}
		}
	}
	return false
}

// bestParagraphsHaveFeature reports whether a sentence of one of the three
// best paragraphs has the sentence feature f.
func (sn *snapshot) bestParagraphsHaveFeature(ranked []scored, f sentFeature) bool {
	for _, doc := range bestDocs(ranked, 3) {
		if slices.ContainsFunc(sn.docs[doc].pix.sents, func(sx sentIndex) bool { return sx.feats&f != 0 }) {
			return true
		}
	}
	return false
}

// bestDocs returns the first n distinct paragraphs of a ranking of
// sentences.
func bestDocs(ranked []scored, n int) []int32 {
	var out []int32
	for _, r := range ranked {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, r.doc) {
			out = append(out, r.doc)
		}
	}
	return out
}

var (
	moneyRe = regexp.MustCompile(`[$€£¥]\s?\d|(?i)\b\d[\d,.]*\s*(million|billion|thousand)?\s*(dollars|euros|pounds sterling|yen|cents)\b`)
	ageRe   = regexp.MustCompile(`\b\p{Lu}\p{L}+, \d{1,3},|\b\d{1,3}-year-old\b|(?i)\baged? \d{1,3}\b`)
)

// hasMoney reports whether text states a sum of money.
func hasMoney(text string) bool { return moneyRe.MatchString(text) }

// hasAge reports whether text states someone's age ("Collins, 59,",
// "a 34-year-old", "aged 40").
func hasAge(text string) bool { return ageRe.MatchString(text) }

// foreignFunctionWords are the commonest function words of the languages
// a newsroom's readers most often write in besides English (French,
// Spanish, German, Italian, Portuguese, Dutch), leaving out any that is
// also an English word ("a", "die", "was", "pour"). Names and place names
// borrow a language's nouns, not its articles and prepositions, so these
// tell a question's language where its content words cannot: GloVe,
// trained on the web, knows "sommet" and "cumbre".
var foreignFunctionWords = toSet(`le les des du au aux une est sont avec dans sur qui que quand où
pourquoi comment quel quelle quels quelles entre ce cette ces été était il elle ils elles nous vous leur
el los las del una por para como cuando dónde donde qué por qué quién cuál está fue entre sobre pero
der das dem des ein eine einer und ist sind mit für auf wann wo warum wie wer nicht über zwischen
il gli della delle degli dei nel nella che chi perché quando è sono tra
os da das dos nas nos uma quem onde porque é são foi sobre entre
het een wat waarom wanneer waar wie zijn voor tussen niet`)

// englishFunctionWords are English's commonest function words.
var englishFunctionWords = toSet(`the a an of to in on at for with by from about is are was were be been
has have had do does did will would can could should what when where why who whom which how that this
these those it its he she they them his her their and or but not`)

// otherFunctionWords reports whether a question is written in another
// language: at least two of its words are that language's function
// words and outnumber its English ones.
func otherFunctionWords(toks []token) bool {
	other, english := 0, 0
	for _, t := range toks {
		if _, ok := foreignFunctionWords[t.Lower]; ok {
			other++
		}
		if _, ok := englishFunctionWords[t.Lower]; ok {
			english++
		}
	}
	return other >= 2 && other > english
}
