package knowledge

import (
	"cmp"
	"slices"
	"strings"

	"github.com/storybot/storybot/knowledge/lexicon"
)

// This file turns a question's words into weighted query terms: each
// content word with the story words that may stand in for it, found by
// method rather than by word lists — WordNet's links (synonyms, derived
// forms, similar words, one-hop hypernyms) and GloVe neighbours above a
// similarity floor, both from the embedded lexicon — so "cancelled" can
// find "tabled" and "chosen" can find "selected" in any story.

// Expansion strengths: a stand-in word counts at its link's weight times
// these, so a story's own word always counts more than a stand-in.
var (
	// wordnetScale scales WordNet link weights (synonym ≈ 1, derived
	// form 0.9, similar 0.8, hypernym 0.5).
	wordnetScale = 0.6
	// vectorFloor is the least cosine similarity at which a GloVe
	// neighbour stands in for a word; below it neighbours are topical
	// associations (summit ~ leaders) rather than stand-ins.
	vectorFloor = 0.5
	// vectorScale scales a neighbour's cosine into a strength.
	vectorScale = 0.8
	// wordnetGate is the least cosine similarity at which a WordNet link
	// is taken to be in the sense the reader means.
	wordnetGate = 0.4
	// wordnetMinWeight is the weakest WordNet link that stands in (a
	// hypernym, 0.5); links below wordnetStrongWeight (synonyms and
	// derived forms) are loose (alt.loose).
	wordnetMinWeight    = 0.45
	wordnetStrongWeight = 0.85
	wordnetMaxWeight    = 0.95
	// hypernymGate is the cosine a looser link (similar-to, entailment, a
	// hypernym or hyponym) needs when wordnetMinWeight admits it.
	hypernymGate = 0.45
	// synonymGate is the stricter cosine a WordNet synonym needs: a
	// synonym is listed for every sense of a word, a derived form for one.
	// A word without a vector (a rare or British spelling) keeps its
	// synonyms, there being nothing to check them by.
	synonymGate = 0.6
	// rareGate is the gate for the links of a rare word: a word outside
	// the rareRank commonest has few senses (polysemy falls with
	// frequency: "menace" is a threat in every one), while GloVe, having
	// seen it seldom, places it loosely; so its links need less agreement.
	rareGate = 0.25
	rareRank = 8000
	// maxAlts bounds the stand-ins of one word: each costs a postings walk.
	maxAlts = 6
	// maxWordNetAlts bounds the WordNet stand-ins among them, so the
	// vector neighbours keep room.
	maxWordNetAlts = 2
	// commonNeighbour is the GloVe frequency rank within which a word is
	// too common to stand in for another.
	commonNeighbour = 0
)

// expansions returns the library terms that may stand in for a question
// word: lower is the word in lower case, term its index term. name is true
// for a proper noun, which takes WordNet's derived forms (France →
// French) but no vector neighbours (Putin's are other leaders).
func (sn *snapshot) expansions(lower, term string, name bool) []alt {
	key := lower
	if name {
		key = "\x00" + lower
	}
	if v, ok := sn.expandCache.Load(key); ok {
		return v.([]alt)
	}
	out := sn.expand(lower, term, name)
	if sn.cached.Add(1) <= maxCached {
		sn.expandCache.Store(key, out)
	}
	return out
}

// maxCached bounds the words a snapshot remembers the stand-ins and
// corrections of; questions from chat bring words without end.
const maxCached = 1 << 16

// expand finds the stand-ins of a word (see expansions).
func (sn *snapshot) expand(lower, term string, name bool) []alt {
	var out []alt
	add := func(word string, strength float64, vec, loose bool) {
		t := normTerm(word)
		if t == term {
			return
		}
		id, ok := lookupTerm(t)
		if !ok || sn.df(id) == 0 {
			return
		}
		// A neighbour WordNet knows as a kind of the word may name the
		// thing asked for (see alt.kind).
		kind := vec && lexIsKindOf(word, lower)
		if i := slices.IndexFunc(out, func(a alt) bool { return a.id == id }); i >= 0 {
			if strength > out[i].strength {
				out[i].strength, out[i].vec, out[i].kind, out[i].loose = strength, vec, kind, loose
			}
			return
		}
		out = append(out, alt{id: id, strength: strength, vec: vec, kind: kind, loose: loose})
	}
	for _, lemma := range lexLemmas(lower) {
		if lemma != lower {
			add(lemma, 1, false, false) // an irregular form: chosen → choose
		}
		for _, l := range lexRelated(lemma) {
			// WordNet lists every sense of a word: "bring" is a synonym
			// of "institute" (bring a charge). A link counts only when the
			// two words also keep company in text (their GloVe vectors
			// are close), which is the sense news prose uses.
			//
			// An inflected form is rarer in text than its lemma and its
			// vector noisier ("menaced" ~ "threaten" 0.20, "menace" 0.34):
			// the closer of the two speaks for the word.
			cos, ok := lexSimilarity(lower, l.Word)
			if lemma != lower {
				if c2, ok2 := lexSimilarity(lemma, l.Word); ok2 && (!ok || c2 > cos) {
					cos, ok = c2, true
				}
			}
			synGate, linkGate := synonymGate, wordnetGate
			if r := lexRank(lemma); r == 0 || r > rareRank {
				synGate, linkGate = rareGate, rareGate
			}
			switch w := float64(l.Weight); {
			case w < wordnetMinWeight:
				continue // similar-to, entailment, hypernyms: too loose here
			case w < wordnetStrongWeight && (name || !ok || cos < hypernymGate):
				continue // a looser link needs its sense confirmed by the vectors, and a name has none ("Middle East" is no "country")
			case w > wordnetMaxWeight && ok && cos < synGate:
				continue // a synonym in a sense the reader rarely means
			case ok && cos < linkGate:
				continue
			}
			// A looser link (a hypernym, a similar word) finds the passage
			// on the point, but says less that it says the same thing: the
			// decision to answer does not count it as the word (alt.loose).
			add(l.Word, wordnetScale*float64(l.Weight), false, float64(l.Weight) < wordnetStrongWeight)
		}
	}
	out = capAlts(out, maxWordNetAlts)
	// The word in the stories' other forms: the index keeps stems, which
	// do not join "fast" and "fastest", "go" and "went", "child" and
	// "children".
	if !name {
		for _, lemma := range lexLemmas(lower) {
			for _, f := range lexInflections(lemma) {
				add(f, 1, false, false)
			}
		}
	}
	nwn := len(out)
	if !name && !isDigits(lower) && !isNumberWord(lower) {
		neighbours := func(w string, scale float64) {
			for _, l := range lexSimilar(w) {
				if float64(l.Weight) < vectorFloor {
					break
				}
				// The commonest words neighbour everything (send ~ help,
				// bring ~ make): they are context, not stand-ins.
				if isStop(l.Word) || lexRank(l.Word) <= commonNeighbour {
					continue
				}
				// Nor do days and months stand in for anything: "meeting"
				// keeps company with "tuesday" without meaning it.
				if isCalendarWord(l.Word) || isNumberWord(l.Word) {
					continue
				}
				add(l.Word, scale*vectorScale*float64(l.Weight), true, false)
			}
		}
		if lexRank(lower) > 0 {
			neighbours(lower, 1)
		} else {
			// A word the vectors do not know (a rare or British spelling:
			// "characterise") borrows the neighbours of its WordNet
			// synonyms and derived forms that they do know.
			for _, lemma := range lexLemmas(lower) {
				for _, l := range lexRelated(lemma) {
					if l.Weight >= float32(wordnetStrongWeight) && lexRank(l.Word) > 0 {
						neighbours(l.Word, float64(l.Weight))
					}
				}
			}
		}
	}
	out = append(out[:nwn], capAlts(out[nwn:], maxAlts-nwn)...)
	slices.SortStableFunc(out, func(a, b alt) int { return cmp.Compare(b.strength, a.strength) })
	return out
}

// goingToFuture reports whether toks[i], "going", is the auxiliary of
// the future "be going to" followed by a verb: "to" and a word WordNet
// knows as a verb after it. The form of "be" may stand anywhere before
// ("is the summit going to happen"), or be the wh-word's own "'s", which
// the tokenizer drops ("where's the summit going to be").
func goingToFuture(toks []token, i int) bool {
	return i > 0 && i+2 < len(toks) && toks[i+1].Lower == "to" && lexPOS(toks[i+2].Lower)&lexVerb != 0
}

// capAlts keeps the n strongest stand-ins.
func capAlts(alts []alt, n int) []alt {
	slices.SortStableFunc(alts, func(a, b alt) int { return cmp.Compare(b.strength, a.strength) })
	return alts[:min(len(alts), max(0, n))]
}

// unknownIDF is the weight of a question word no story uses: as rare as a
// word used once when general English rarely uses it either, less when it
// is a common English word ("time", "make"), whose absence from a story
// says less about whether the story answers.
func (sn *snapshot) unknownIDF(lower string) float64 {
	rare := sn.idf(0, false)
	if r := lexRank(lower); r > 0 {
		// Ranks run from 1 to about 60,000; a word in the first thousand
		// counts a third, a word past 20,000 in full.
		f := max(0.33, min(1, (logRank(r)-logRank(1000))/(logRank(20000)-logRank(1000))*0.67+0.33))
		return rare * f
	}
	return rare
}

// correction is a question word replaced by a library word it misspells.
type correction struct {
	From, To string
}

// correctSpelling replaces the words of q that no story uses and that are
// not English words by the nearest word of the library's own vocabulary —
// within one edit for words under five letters, two for longer ones,
// names included — or by the function word they misspell ("wher" →
// "where"), so a typo neither abstains nor loses the question's type.
func (sn *snapshot) correctSpelling(q string) (string, []correction) {
	toks := tokenize(q)
	var fixes []correction
	var b strings.Builder
	last := 0
	for _, t := range toks {
		w := t.Lower
		// "whats the max speed": chat drops a contraction's apostrophe,
		// and "what" alone would lose the verb the question turns on.
		if c, ok := bareContractions[w]; ok {
			if t.Cap {
				c = strings.ToUpper(c[:1]) + c[1:]
			}
			fixes = append(fixes, correction{From: t.Word, To: c})
			b.WriteString(q[last:t.Start])
			b.WriteString(c)
			last = t.End
			continue
		}
		if len(w) < 3 || !isAlpha(w) || isStop(w) {
			continue
		}
		if _, ok := sn.vocab[w]; ok {
			continue
		}
		if id, ok := lookupTerm(t.Term); ok && sn.df(id) > 0 {
			continue
		}
		if lexInWordNet(w) || (lexRank(w) > 0 && lexRank(w) <= commonRank) {
			continue // a real word the stories do not use: not a typo
		}
		var to string
		if v, ok := sn.spellCache.Load(w); ok {
			to = v.(string)
		} else {
			to = sn.nearestWord(w)
			if sn.cached.Add(1) <= maxCached {
				sn.spellCache.Store(w, to)
			}
		}
		if to == "" {
			continue
		}
		if t.Cap {
			to = strings.ToUpper(to[:1]) + to[1:]
		}
		fixes = append(fixes, correction{From: t.Word, To: to})
		b.WriteString(q[last:t.Start])
		b.WriteString(to)
		last = t.Start + len(t.Word)
		if last > len(q) || q[t.Start:last] != t.Word {
			last = t.End // a folded apostrophe: keep the original bytes' end
		}
	}
	if len(fixes) == 0 {
		return q, nil
	}
	b.WriteString(q[last:])
	return b.String(), fixes
}

// bareContractions are contractions typed without their apostrophe.
var bareContractions = map[string]string{
	"whats": "what's", "whos": "who's", "wheres": "where's", "whens": "when's", "hows": "how's", "whys": "why's",
	"thats": "that's", "theres": "there's", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't", "werent": "weren't",
	"dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't", "wouldnt": "wouldn't",
	"couldnt": "couldn't", "shouldnt": "shouldn't", "hasnt": "hasn't", "havent": "haven't", "hadnt": "hadn't",
	"theyre": "they're", "youre": "you're",
}

// spellingOn switches spelling correction (off only in the ablation test).
var spellingOn = true

// commonRank is the GloVe frequency rank within which a word is taken to
// be English, not a typo, even when WordNet does not list it.
const commonRank = 40000

// questionWords are the function words a typo is checked against first.
var questionWords = []string{"what", "where", "when", "who", "whom", "whose", "which", "why", "how", "does", "did", "will", "would", "could", "should", "about", "there", "their", "they", "said", "says"}

// nearestWord returns the library word, or question word, closest to w
// within the edit limit, preferring fewer edits, then the commoner word.
func (sn *snapshot) nearestWord(w string) string {
	limit := 1
	if len(w) >= 5 {
		limit = 2
	}
	for _, q := range questionWords {
		if editDistance(w, q, 1) <= 1 {
			return q
		}
	}
	best, bestD, bestDF := "", limit+1, -1
	for n := max(1, len(w)-limit); n <= len(w)+limit && n < len(sn.wordsByLen); n++ {
		for _, cand := range sn.wordsByLen[n] {
			d := editDistance(w, cand.word, min(limit, bestD))
			if d > limit || d > bestD {
				continue
			}
			if d < bestD || cand.df > bestDF {
				best, bestD, bestDF = cand.word, d, cand.df
			}
		}
	}
	return best
}

// vocabWord is a lower-case word of the library with the number of
// paragraphs its index term appears in.
type vocabWord struct {
	word string
	df   int
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance of a and b in bytes, or limit+1 as soon as it must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func isAlpha(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// addTerms adds the content words of text to the query at weight w, each
// with its stand-ins (expansions).
func (sn *snapshot) addTerms(qr *query, text string, w float64) {
	toks := tokenize(text)
	lowerWords := map[string]bool{}
	for _, t := range toks {
		lowerWords[t.Lower] = true
	}
	// Titles the stories put before a person's name stand for that
	// person: "the Russian president" → Putin. A title is a person's only
	// when the story writes it before a name, so an agency ("the
	// Department of Defense") never becomes its chief.
	titleWord := map[string]bool{}
	var titleTerms []qterm
	var titleSurnames []string
	titles := sn.matchTitles(lowerWords)
	if distinctSurnames(titles) > maxTitledSayers {
		titles = nil // "the finance minister" of many stories names nobody in particular
	}
	for _, tr := range titles {
		titleSurnames = append(titleSurnames, tr.Surname)
		for _, tw := range strings.Fields(tr.Title) {
			titleWord[strings.ToLower(tw)] = true
		}
		if id, ok := lookupTerm(normTerm(tr.Surname)); ok {
			titleTerms = append(titleTerms, qterm{surface: normTerm(tr.Surname), lower: strings.ToLower(tr.Surname),
				alts: []alt{{id: id, strength: 1}}, idf: sn.idf(id, true), weight: w, name: true, known: true, title: true})
		}
	}
	// Date phrases ("next week", "on Monday") narrow a question but are
	// not its topic, so they count half.
	dateTok := map[int]bool{}
	for _, m := range datePhrases(text) {
		for i, t := range toks {
			if t.Start >= m[0] && t.End <= m[1] {
				dateTok[i] = true
			}
		}
	}
	frame := map[string]bool{}
	if w == 1 {
		for _, f := range frameWords[qr.kind] {
			frame[f] = true
		}
	}
	for i, t := range toks {
		lw := t.Lower
		if isStop(lw) {
			continue
		}
		if _, ok := speechFrame[lw]; ok {
			if w == 1 {
				qr.quote = true
			}
			continue
		}
		if frame[lw] || frame[t.Term] {
			continue
		}
		// "take place" is one verb, "happen", whatever the question type.
		if lw == "place" && i > 0 && normTerm(toks[i-1].Lower) == "take" {
			continue
		}
		if (lw == "take" || lw == "took" || lw == "taken" || lw == "takes" || lw == "taking") && i+1 < len(toks) && toks[i+1].Lower == "place" {
			continue
		}
		// "According to NOAA's report" names a source, and "according"
		// is a preposition there, not a word of the topic.
		if lw == "according" && i+1 < len(toks) && toks[i+1].Lower == "to" {
			continue
		}
		// "Is going to head" is the future of "head": "going" there is
		// an auxiliary, not a verb of motion.
		if lw == "going" && goingToFuture(toks, i) {
			continue
		}
		if slices.ContainsFunc(qr.terms, func(x qterm) bool { return x.surface == t.Term }) {
			continue
		}
		qt := qterm{surface: t.Term, lower: lw, weight: w, title: titleWord[lw], ctx: w < 1}
		if dateTok[i] {
			qt.weight = w / 2
		}
		if qt.title {
			// The title's words still search, at a lower weight: the
			// person's name carries the question.
			qt.weight = w / 2
		}
		// A year or month of a story's dateline ("in October 2023")
		// places the question in a story's time rather than asking
		// about it: it helps pick the story and counts little.
		if _, ok := sn.datelines[lw]; ok {
			qt.dateline = true
			qt.weight = w * datelineWeight
		}
		id, ok := lookupTerm(t.Term)
		qt.known = ok && sn.df(id) > 0
		if qt.known {
			qt.idf = sn.idf(id, true)
			qt.alts = []alt{{id: id, strength: 1}}
		} else {
			qt.idf = sn.unknownIDF(lw)
		}
		// Proper nouns: capitalised words after the first, or words the
		// stories use as names.
		qt.name = (t.Cap && i > 0 && !isAcronymStop(t.Word) && !isCalendarWord(t.Word)) || sn.isName(lw)
		if qt.name && t.Cap && w == 1 {
			qr.proper = append(qr.proper, i)
		}
		qt.alts = append(qt.alts, sn.expansions(lw, t.Term, qt.name || isCalendarWord(t.Word))...)
		// "NHC" for a story that writes "National Hurricane Center" only.
		if !qt.known && w == 1 && isAcronym(t.Word) {
			qt.alts = append(qt.alts, sn.acronymAlts(lw)...)
		}
		if !qt.name {
			if ph := sn.phrasalAlts(toks, i); len(ph) > 0 {
				// "called off" is not "called": the head word alone
				// counts half, the phrasal verb's own stand-ins fully.
				for k := range qt.alts {
					qt.alts[k].strength *= phrasalHead
				}
				for _, a := range ph {
					if k := slices.IndexFunc(qt.alts, func(b alt) bool { return b.id == a.id }); k >= 0 {
						qt.alts[k].strength = max(qt.alts[k].strength, a.strength)
					} else {
						qt.alts = append(qt.alts, a)
					}
				}
			}
		}
		// A name no story mentions, nor anything standing for it, and
		// that is not an English word capitalised ("Middle East"): most
		// often a person the stories never speak of.
		if qt.name && !qt.known && w == 1 && t.Cap && !lexInWordNet(lw) && !hasKnownNeighbour(sn, toks, i) &&
			!slices.ContainsFunc(qt.alts, func(a alt) bool { return a.strength >= 0.7 }) {
			qr.unknownNames++
		} else if w == 1 && !t.Cap && i > 0 && sn.strangerPair(toks[i-1], t) {
			// Typed in lower case, a first name and a surname read as two
			// words in no story and no dictionary side by side ("what did
			// viktor orban say").
			qr.unknownNames++
		}
		qr.terms = append(qr.terms, qt)
	}
	for _, tt := range titleTerms {
		if !slices.ContainsFunc(qr.terms, func(x qterm) bool { return x.surface == tt.surface }) {
			qr.terms = append(qr.terms, tt)
		}
	}
	if w == 1 {
		qr.speakers = sn.namedSpeakers(toks)
		qr.modal = hasModal(text)
		// A question that opens with an auxiliary asks yes or no.
		if len(toks) > 0 {
			_, qr.yesNo = auxWords[toks[0].Lower]
		}
		qr.toks = toks
		qr.focus, qr.predicate = focusOf(text, toks, qr.terms)
		// "Which judge", "which town": the answer is a person or a
		// place, as for "who" and "where".
		// A noun before a person is still a person ("which commerce
		// secretary"); a "social media site" is no place.
		// "Which NOAA official commented on …" asks who said it, as "who
		// told CNN" does; "what did the minister say" asks for words.
		if qr.kind == qOther && len(qr.focus) > 0 && (!qr.quote || whNounFirst(toks)) {
			switch f := qr.terms[qr.focus[0]]; {
			case lexIsFirstlyKindOf(f.lower, "person"):
				qr.kind = qWho
			case lexIsFirstlyKindOf(f.lower, "location") && !compoundHead(toks, f.surface):
				qr.kind = qWhere
			}
		}
		if qr.quote {
			qr.unquoted = sn.unquotedSayer(toks)
			sayers := sn.reportedSayers(toks)
			// "What did the economy minister say": a title stands for the
			// person, unless many stories have someone of that title.
			var titled []string
			for _, sur := range titleSurnames {
				titled = append(titled, sn.sayers[sur]...)
			}
			// "The prime minister" is not the economy minister.
			absent := sn.absentRole(toks)
			if len(titled) <= maxTitledSayers && !absent {
				sayers = append(sayers, titled...)
			}
			for _, name := range sayers {
				if !slices.Contains(qr.speakers, name) {
					qr.speakers = append(qr.speakers, name)
				}
			}
			// "What did zelensky's office say": a word of the speaker's
			// name that no story, dictionary or GloVe knows is someone
			// the stories do not quote, typed in lower case.
			if len(qr.speakers) == 0 && qr.unknownNames == 0 && (sn.strangeSpeaker(toks) || absent) {
				qr.unknownNames++
			}
		}
	}
}

// speakerSlot returns where a "what did X say" question's speaker lies:
// after its first auxiliary (aux) and before its verb of saying (say); ok
// is false when there is no word between them.
func speakerSlot(toks []token) (aux, say int, ok bool) {
	aux = slices.IndexFunc(toks, func(t token) bool { _, ok := auxWords[t.Lower]; return ok })
	say = slices.IndexFunc(toks, func(t token) bool { _, ok := sayWords[t.Lower]; return ok })
	return aux, say, aux >= 0 && say > aux+1
}

// strangeSpeaker reports whether the words between a question's
// auxiliary and its verb of saying ("what did zelensky's office say")
// hold one that no story, no dictionary and not even GloVe's 65,536
// commonest words know.
func (sn *snapshot) strangeSpeaker(toks []token) bool {
	aux, say, ok := speakerSlot(toks)
	if !ok {
		return false
	}
	return slices.ContainsFunc(toks[aux+1:say], func(t token) bool {
		return sn.stranger(t) && lexRank(t.Lower) == 0
	})
}

// absentRole reports whether the speaker of "what did the governor say"
// is a role no story has anyone in: the last word before the verb of
// saying is, in WordNet's first sense, a kind of person, and no story
// uses it, itself or a word WordNet links to it ("spokesman" finds
// "spokesperson"), or the word before it ("prime minister"), itself.
func (sn *snapshot) absentRole(toks []token) bool {
	aux, say, ok := speakerSlot(toks)
	if !ok {
		return false
	}
	role := toks[say-1]
	w := role.Lower
	if role.Cap || isStop(w) || !lexIsFirstlyKindOf(w, "person") {
		return false
	}
	used := func(word string) bool {
		id, ok := lookupTerm(normTerm(word))
		return ok && sn.df(id) > 0
	}
	known := func(word string) bool {
		return used(word) || slices.ContainsFunc(lexLemmas(word), func(lemma string) bool {
			return used(lemma) || slices.ContainsFunc(lexRelated(lemma), func(l lexicon.Link) bool { return used(l.Word) })
		})
	}
	if !known(w) {
		return true
	}
	// The word before the role, when it is a word of its own and not a
	// name, a determiner or a possessive, says which one.
	if say-2 > aux {
		m := toks[say-2]
		if _, det := npSkip[m.Lower]; !m.Cap && !det && !isStop(m.Lower) && isAlpha(m.Lower) && !used(m.Lower) &&
			!slices.ContainsFunc(lexLemmas(m.Lower), used) {
			return true
		}
	}
	return false
}

// storyMissing counts the proper nouns of the question that story si
// does not know, itself, in its header (the byline's "Western District of
// Louisiana") or through a stand-in, and how many of those are no English
// word either ("Orban", not "Middle East").
func (sn *snapshot) storyMissing(si int, qr query) (missing, strange int) {
	s := sn.stories[si]
	for _, i := range qr.proper {
		t := qr.toks[i]
		if sn.storyUses(si, t.Term) || sn.headerUses(si, t.Lower) {
			continue
		}
		k := slices.IndexFunc(qr.terms, func(x qterm) bool { return x.surface == t.Term })
		if k >= 0 && slices.ContainsFunc(qr.terms[k].alts, func(a alt) bool { return a.strength >= 0.7 && sn.storyHas(si, a.id) }) {
			continue
		}
		// "Sergei Lavrov" when the story spells "Sergey": a known neighbour.
		neighbour := false
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < len(qr.toks) && qr.toks[j].Cap && sn.storyUses(si, qr.toks[j].Term) {
				if _, ok := s.Mentions[strings.ToLower(qr.toks[j].Word)]; ok {
					neighbour = true
				}
			}
		}
		if neighbour {
			continue
		}
		missing++
		if !lexInWordNet(t.Lower) {
			strange++
		}
	}
	return missing, strange
}

// headerUses reports whether a lower-case word is in story si's title,
// outlet or byline.
func (sn *snapshot) headerUses(si int, lower string) bool {
	s := sn.stories[si]
	for _, h := range append([]string{s.Title, s.Outlet}, s.Authors...) {
		for _, tk := range tokenize(h) {
			if tk.Lower == lower {
				return true
			}
		}
	}
	return false
}

// storyHas reports whether story si uses term id in a content paragraph.
func (sn *snapshot) storyHas(si int, id uint32) bool {
	for pi := range sn.stories[si].index.paras {
		if sn.stories[si].index.paras[pi].has(id) {
			return true
		}
	}
	return false
}

// datelineWeight is the weight of a question word that names the year or
// month of a story's date.
const datelineWeight = 1.0

// isCalendarWord reports whether a capitalised word is a weekday or a
// month, which is capitalised without being a name.
func isCalendarWord(w string) bool {
	if w == "" {
		return false
	}
	_, ok := notPlaceWords[strings.ToUpper(w[:1])+strings.ToLower(w[1:])]
	return ok
}

// isNumberWord reports whether w is a number or an ordinal in words. GloVe
// puts "two" beside "three" and "first" beside "last": numbers keep
// company without standing for each other.
func isNumberWord(w string) bool {
	_, ok := countWords[w]
	return ok
}

var countWords = toSet(`zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion
trillion dozen first second third fourth fifth sixth seventh eighth ninth tenth last next`)

func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

var (
	auxWords = toSet(`did does do will would is was are were could can can't cannot should has have had might may must shall
won't wouldn't isn't wasn't aren't weren't didn't doesn't don't hasn't haven't`)
	npSkip = toSet(`the a an this that these those his her its their our my your any some`)
	// countModifiers stand between "how many" and the thing counted.
	countModifiers = map[string]bool{"more": true, "fewer": true, "less": true, "further": true, "other": true}
	// modalAux are the auxiliaries a verb follows at once when "who" is
	// its subject ("who will lead"), unlike do-support ("who did he
	// succeed", where "who" is the object).
	modalAux = map[string]bool{"will": true, "would": true, "can": true, "could": true, "should": true, "may": true, "might": true, "must": true, "shall": true}
	// doSupport are the auxiliaries a bare verb follows ("did the
	// council vote").
	doSupport = map[string]bool{"do": true, "does": true, "did": true}
	// subjectPreps join a prepositional phrase to a question's subject.
	subjectPreps = toSet(`of from in at on for with near aboard`)
	// kindNouns name a kind of what follows "of" ("what kinds of work").
	kindNouns = toSet(`kind kinds type types sort sorts form forms variety varieties category categories`)
)

// focusOf returns the indexes in terms of the words a question asks
// about, read from the shape of English questions rather than from any
// story: the head of the noun phrase after "what"/"which" ("which Texas
// towns", "what was the Senate vote count"), the word after "how" ("how
// old") or the head after "how many" ("how many named storms"), and the
// verb whose object is asked for ("how much did the tour cost", "who did
// he succeed", "who administered the oath").
func focusOf(text string, toks []token, terms []qterm) (focus, predicate []int) {
	var out []int
	add := func(i int) {
		t := toks[i]
		if k := slices.IndexFunc(terms, func(x qterm) bool { return x.surface == t.Term && !x.ctx }); k >= 0 && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	isAux := func(i int) bool {
		if i >= len(toks) {
			return false
		}
		_, ok := auxWords[toks[i].Lower]
		return ok
	}
	content := func(i int) bool {
		return i < len(toks) && !isAux(i) && !isStop(toks[i].Lower) && len(toks[i].Lower) > 1
	}
	skipDet := func(j int) int {
		for j < len(toks) {
			if _, ok := npSkip[toks[j].Lower]; !ok {
				break
			}
			j++
		}
		return j
	}
	// nameOf reports whether toks[j] is the "of" inside a name
	// ("Department of Transportation projects"): the phrase goes on.
	nameOf := func(j int) bool {
		return j > 0 && j+1 < len(toks) && toks[j].Lower == "of" && toks[j-1].Cap && toks[j+1].Cap && !isAux(j+1)
	}
	// nounPhrase reads the noun phrase that starts at toks[i] and returns
	// its head (its last noun) and the index after it, or -1 when no noun
	// phrase starts there. A word WordNet knows only as a verb ends the
	// phrase ("what rocket launched"), except a participle that opens it
	// ("how many named storms"); a name or a word WordNet lacks is a noun.
	nounPhrase := func(i int) (head, end int) {
		head, end = -1, i
		for j := i; content(j) || j < len(toks) && toks[j].Cap && !isAux(j) || nameOf(j); j++ {
			if toks[j].End < len(text) && text[toks[j].End] == '-' && len(toks[j].Lower) <= 3 {
				continue // a prefix split off by a hyphen: "re-established", "co-conspirators"
			}
			if nameOf(j) {
				continue
			}
			pos := lexPOS(toks[j].Lower)
			// A word WordNet lacks is a name or a rare noun.
			noun := pos&lexNoun != 0 || toks[j].Cap || pos == 0
			participle := pos&lexVerb != 0 && (strings.HasSuffix(toks[j].Lower, "ed") || strings.HasSuffix(toks[j].Lower, "ing"))
			if j > i && (!noun && pos&(lexAdj|lexAdv) == 0 || participle && pos&lexNoun == 0 && !toks[j].Cap) {
				break // a verb after the phrase ("which secretary announced")
			}
			if head >= 0 && pos == lexAdv && !toks[j].Cap {
				break // an adverb after a noun opens the verb ("did Haskell personally profit")
			}
			if noun {
				head = j
			}
			end = j + 1
			// A plural ends the phrase: a compound's modifier is
			// singular ("wind turbines"), so in "how many states share
			// in …" the word after "states" is the verb.
			if w := toks[j].Lower; noun && !toks[j].Cap && strings.HasSuffix(w, "s") && pluralEnds(toks, j) {
				break
			}
		}
		return head, end
	}
	// phrase adds the head of the noun phrase at i, with the capitalised
	// words before it when it is capitalised ("which Energy Secretary").
	phrase := func(i int) (end int) {
		head, end := nounPhrase(i)
		if head < 0 {
			return -1
		}
		// "What kinds of work": the kind is asked of the noun after "of".
		if _, ok := kindNouns[toks[head].Lower]; ok && end < len(toks) && toks[end].Lower == "of" {
			if h, e := nounPhrase(skipDet(end + 1)); h >= 0 {
				head, end, i = h, e, skipDet(end+1)
			}
		}
		add(head)
		for j := head - 1; j >= i && toks[head].Cap && toks[j].Cap; j-- {
			add(j)
		}
		return end
	}
	// verbAfterSubject adds the verb after the subject of "did X cost":
	// the subject's phrase is read and the next content word is the verb.
	verbAfterSubject := func(i int) bool {
		_, end := nounPhrase(skipDet(i))
		// "how much did Haskell personally profit": an adverb between.
		for content(end) && lexPOS(toks[end].Lower) == lexAdv && !toks[end].Cap {
			end++
		}
		if !content(end) || lexPOS(toks[end].Lower)&lexVerb == 0 {
			return false
		}
		add(end)
		return true
	}
	isBe := func(w string) bool {
		switch w {
		case "is", "was", "are", "were":
			return true
		}
		return false
	}
	lastContent := func() {
		for i := len(toks) - 1; i >= 0; i-- {
			if content(i) {
				add(i)
				return
			}
		}
	}
	// The question word opens the question or follows a preposition
	// ("in which city", "for how many years"); after a noun it is a
	// relative pronoun ("the man who menaced …").
	w := -1
	for i, t := range toks {
		switch t.Lower {
		case "what", "which", "whose", "who", "whom", "how":
			prev := lexPOS(toks[max(i-1, 0)].Lower)
			if i == 0 || isStop(toks[i-1].Lower) || prev&lexAdv != 0 && prev&lexNoun == 0 || // "roughly how much"
				strings.ContainsAny(text[toks[i-1].End:t.Start], ",;:") {
				w = i
			}
		}
		if w >= 0 {
			break
		}
	}
	if w < 0 {
		// "Was Haskell barred from bidding", "did the council vote": a
		// yes-or-no question asks whether its verb holds of its subject.
		if len(toks) > 2 && isAux(0) {
			if toks[1].Lower == "there" { // "was there any opposition"
				phrase(skipDet(2))
			} else {
				// The subject runs on through its prepositional phrases
				// ("any of the fishermen from the sunken boat").
				j, head, end, start := skipDet(1), -1, -1, -1
				for {
					if j < len(toks) && toks[j].Lower == "of" { // "any of the fishermen"
						j = skipDet(j + 1)
					}
					h, e := nounPhrase(j)
					if h < 0 {
						break
					}
					head, end, start = h, e, j
					if e >= len(toks) {
						break
					}
					if _, ok := subjectPreps[toks[e].Lower]; !ok {
						break
					}
					j = skipDet(e + 1)
				}
				for end >= 0 && content(end) && lexPOS(toks[end].Lower) == lexAdv && !toks[end].Cap {
					end++
				}
				switch {
				case end >= 0 && content(end) && lexPOS(toks[end].Lower)&lexVerb != 0:
					add(end)
				case doSupport[toks[0].Lower] && head > start && !toks[head].Cap && lexPOS(toks[head].Lower)&lexVerb != 0 && (end >= len(toks) || !content(end)):
					// "did the council vote to …": the phrase took the verb.
					add(head)
				}
			}
		}
		return nil, out
	}
	next := w + 1
	rest := text[toks[w].End:]
	// "what's" is "what is" (the tokenizer drops the 's as it drops a
	// possessive): the word after it is read as after the auxiliary.
	contracted := strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s")
	switch toks[w].Lower {
	case "what", "which", "whose":
		if (content(next) || next < len(toks) && toks[next].Cap) && !contracted {
			phrase(next)
			break
		}
		if contracted || isAux(next) {
			if contracted {
				next = w // the auxiliary is the wh-word's own 's
			}
			if j := skipDet(next + 1); j > next+1 { // "what was the …": the subject is the thing asked for
				phrase(j)
			}
		}
	case "how":
		if next < len(toks) {
			switch toks[next].Lower {
			case "many", "much":
				// "how many more troops": a comparative counts the noun
				// after it.
				for next+2 < len(toks) && countModifiers[toks[next+1].Lower] {
					next++
				}
				if next+1 < len(toks) && toks[next+1].Lower == "of" { // "how many of the fish populations"
					phrase(skipDet(next + 2))
				} else if content(next+1) || next+1 < len(toks) && toks[next+1].Cap && !isAux(next+1) {
					phrase(next + 1)
				} else if !isAux(next+1) || !verbAfterSubject(next+2) {
					lastContent()
				}
			default:
				// "how old", "how far": the answer is a measure, which the
				// answer-type features look for; the adjective itself is
				// not a word the answer uses.
			}
		}
	case "who", "whom":
		if isAux(next) && isBe(toks[next].Lower) && next+1 < len(toks) && toks[next+1].Lower == "going" && goingToFuture(toks, next+1) {
			// "who is going to head the US side" is "who will head it".
			add(next + 3)
			phrase(skipDet(next + 4))
		} else if isAux(next) && isBe(toks[next].Lower) {
			if phrase(skipDet(next+1)) < 0 { // "who was the director of …": the role
				lastContent()
			}
		} else if isAux(next) && modalAux[toks[next].Lower] && content(next+1) && lexPOS(toks[next+1].Lower)&lexVerb != 0 {
			// "who will lead the US side": "who" is the subject, and the
			// verb and its object are what the answer's person does.
			add(next + 1)
			phrase(skipDet(next + 2))
		} else if isAux(next) {
			if !verbAfterSubject(next + 1) {
				lastContent()
			}
		} else if content(next) {
			// "who administered the oath": the object is what the
			// answer's person is tied to; the verb is often the
			// reader's own ("who announced" for "said").
			phrase(skipDet(next + 1))
		}
	}
	return out, nil
}

// acronymAlts returns the words of the names the stories write out that
// an acronym in lower case stands for, as stand-ins: "nhc" for "National
// Hurricane Center", "centcom" for "Central Command", "doe" for
// "Department of Energy". A reader names an agency by its acronym when
// the story spells it out, and the other way round.
func (sn *snapshot) acronymAlts(lower string) []alt {
	key := "\x01" + lower
	if v, ok := sn.expandCache.Load(key); ok {
		return v.([]alt)
	}
	var out []alt
	for si := range sn.stories {
		for name := range strings.Lines(sn.stories[si].index.names) {
			// Most names have no word starting as the acronym does.
			if name[0] != lower[0] && !strings.Contains(name, " "+lower[:1]) {
				continue
			}
			words := strings.Fields(name)
			for start := range words {
				n := acronymOf(lower, words[start:])
				if n == 0 {
					continue
				}
				for _, w := range words[start : start+n] {
					if nameJoiners[w] {
						continue
					}
					id, ok := lookupTerm(normTerm(w))
					if ok && !slices.ContainsFunc(out, func(a alt) bool { return a.id == id }) {
						out = append(out, alt{id: id, strength: acronymStrength})
					}
				}
			}
		}
	}
	if sn.cached.Add(1) <= maxCached {
		sn.expandCache.Store(key, out)
	}
	return out
}

// acronymStrength is how well a word of the name an acronym stands for
// stands in for it.
const acronymStrength = 0.8

// acronymOf reports how many of words, from the first, the acronym a
// spells: each of two or more capitalised words gives it a beginning of
// itself ("cent" + "com"), or its initial, and a small word inside the
// name its initial or nothing ("department of energy" is "doe" and
// "de"). The name must start with a word that is not a small one.
func acronymOf(a string, words []string) int {
	if len(words) < 2 || nameJoiners[words[0]] || len(a) < 2 {
		return 0
	}
	var match func(a string, k, content int) int
	match = func(a string, k, content int) int {
		if a == "" {
			if content >= 2 && !nameJoiners[words[k-1]] {
				return k
			}
			return 0
		}
		if k == len(words) {
			return 0
		}
		w := words[k]
		if nameJoiners[w] {
			if r := match(a, k+1, content); r > 0 {
				return r
			}
			if a[0] == w[0] {
				return match(a[1:], k+1, content)
			}
			return 0
		}
		for l := min(len(w), len(a)); l >= 1; l-- {
			if a[:l] == w[:l] {
				if r := match(a[l:], k+1, content+1); r > 0 {
					return r
				}
			}
		}
		return 0
	}
	return match(a, 0, 0)
}

// pluralEnds reports whether toks[j], a word in -s, is a plural that ends
// a noun phrase. A plural that WordNet also knows as a word of its own
// ("arms", "years") may be a compound's modifier ("arms dealer"), unless a
// participle follows it ("how many years running").
func pluralEnds(toks []token, j int) bool {
	w := toks[j].Lower
	lemmas := lexLemmas(w)
	if !slices.ContainsFunc(lemmas, func(l string) bool { return l != w }) {
		return false
	}
	// A plural modifier stands before a word that can only be a noun
	// ("fisheries inspectors", "sales figures"): the phrase goes on.
	if j+1 < len(toks) && !toks[j+1].Cap && lexPOS(toks[j+1].Lower) == lexNoun {
		return false
	}
	if !slices.Contains(lemmas, w) {
		return true
	}
	if j+1 >= len(toks) {
		return false
	}
	n := toks[j+1].Lower
	return lexPOS(n)&lexVerb != 0 && (strings.HasSuffix(n, "ing") || strings.HasSuffix(n, "ed"))
}

// compoundHead reports whether the question word with index term surface
// follows a lower-case noun that modifies it: a "social media site" is
// not a place, though a site is.
func compoundHead(toks []token, surface string) bool {
	i := slices.IndexFunc(toks, func(t token) bool { return t.Term == surface })
	if i < 1 || toks[i-1].Cap {
		return false
	}
	pos := lexPOS(toks[i-1].Lower)
	return pos&lexNoun != 0 && pos&lexAdj == 0 && !isStop(toks[i-1].Lower)
}

// strangerPair reports whether two adjacent lower-case question words are
// both unknown to the stories and to WordNet, as a person's first name and
// surname the stories never mention are.
func (sn *snapshot) strangerPair(a, b token) bool {
	return sn.stranger(a) && sn.stranger(b)
}

// stranger reports whether a lower-case question word is in no story and
// no dictionary.
func (sn *snapshot) stranger(t token) bool {
	w := t.Lower
	if t.Cap || len(w) < 3 || !isAlpha(w) || isStop(w) || lexInWordNet(w) {
		return false
	}
	_, inStory := sn.vocab[w]
	return !inStory
}

// phrasalAlts returns the stand-ins of a phrasal verb that starts at
// toks[i] ("called off" → cancel, postpone, table; "carrying out" →
// execute, perform), from WordNet's phrasal verbs: the reader's two or
// three words are one verb, which neither word says alone.
func (sn *snapshot) phrasalAlts(toks []token, i int) []alt {
	var out []alt
	for _, lemma := range lexLemmas(toks[i].Lower) {
		phrase := lemma
		for j := i + 1; j < len(toks) && j <= i+2; j++ {
			if _, ok := particles[toks[j].Lower]; !ok && j == i+1 {
				break
			}
			phrase += "_" + toks[j].Lower
			if !lexInWordNet(phrase) {
				continue
			}
			for _, l := range lexRelated(phrase) {
				if float64(l.Weight) < phrasalMinWeight || strings.Contains(l.Word, "_") {
					continue
				}
				t := normTerm(l.Word)
				id, ok := lookupTerm(t)
				if !ok || sn.df(id) == 0 || slices.ContainsFunc(out, func(a alt) bool { return a.id == id }) {
					continue
				}
				out = append(out, alt{id: id, strength: phrasalScale * float64(l.Weight)})
			}
		}
	}
	return out
}

// phrasalMinWeight keeps a phrasal verb's synonyms, derived forms and the
// verbs it entails or is entailed by (call off → postpone, at 0.7).
const phrasalMinWeight = 0.69

// particles are the adverbs that make a verb phrasal ("call off", "carry
// out"). A preposition does not ("come to Jupiter" is not "come to"),
// except "into" ("look into").
var particles = toSet(`off out up down back away over through together along around about apart aside forward ahead into`)

// phrasalScale scales a phrasal verb's link weights into strengths, and
// phrasalHead the strength of its head word alone.
const (
	phrasalScale = 0.85
	phrasalHead  = 1.0
)

// whNounFirst reports whether the question's wh-word ("which", "what")
// opens it and is followed at once by its noun rather than by an
// auxiliary: "which official said", not "what did the official say".
func whNounFirst(toks []token) bool {
	if len(toks) < 2 || toks[0].Lower != "which" && toks[0].Lower != "what" {
		return false
	}
	_, aux := auxWords[toks[1].Lower]
	return !aux
}
