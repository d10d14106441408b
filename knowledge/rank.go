package knowledge

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/storybot/storybot/knowledge/lexicon"
)

// scored is a sentence with its relevance.
type scored struct {
	doc      int32
	sent     int
	score    float64
	paraCov  float64
	sentCov  float64
	bm25     float64
	sentBM25 float64
	position int
}

// accumulator holds BM25 scores by paragraph during one ranking.
type accumulator struct {
	score   []float64
	touched []int32
	// best holds one query term's best contribution per paragraph, over
	// the term and its stand-ins, and bestTouched its set slots.
	best        []float64
	bestTouched []int32
	// inherit holds leadInheritance for the stories of inheritStory,
	// len(query terms) values each; inPara and inParaAlts hold one
	// paragraph's presentAlts.
	inherit      []float64
	inheritStory []int
	inPara       []qterm
	inParaAlts   []alt
}

var accPool = sync.Pool{New: func() any { return &accumulator{} }}

// rank scores the sentences of the best paragraphs for a query.
func (sn *snapshot) rank(qr query, story string) []scored {
	if len(sn.docs) == 0 || len(qr.terms) == 0 {
		return nil
	}
	storyIdx := -1
	if story != "" {
		i, ok := sn.byID[story]
		if !ok {
			return nil
		}
		storyIdx = i
	}
	// Scores accumulate in a dense array, one slot per paragraph, reused
	// across questions; only the slots a posting touched are read and
	// cleared again.
	acc := accPool.Get().(*accumulator)
	defer accPool.Put(acc)
	if len(acc.score) < len(sn.docs) {
		acc.score = make([]float64, len(sn.docs))
		acc.best = make([]float64, len(sn.docs))
	}
	acc.touched = acc.touched[:0]
	score, best := acc.score, acc.best
	for ti, t := range qr.terms {
		boost := 1.0
		if slices.Contains(qr.focus, ti) {
			boost = rankFocus
		}
		// A paragraph earns a term once, through the term itself or its
		// best stand-in, so a paragraph of many synonyms does not outscore
		// the one that uses the reader's word.
		acc.bestTouched = acc.bestTouched[:0]
		for _, a := range t.alts {
			idf := sn.idf(a.id, true)
			wi := boost * t.weight * a.strength * idf
			for _, p := range sn.postings(a.id) {
				if storyIdx >= 0 && sn.docs[p.doc].story != storyIdx {
					continue
				}
				tf := float64(p.tf)
				c := wi * tf * (bm25K1 + 1) / (tf + sn.docNorm[p.doc])
				if best[p.doc] == 0 {
					acc.bestTouched = append(acc.bestTouched, p.doc)
				}
				best[p.doc] = max(best[p.doc], c)
			}
		}
		for _, d := range acc.bestTouched {
			if score[d] == 0 {
				acc.touched = append(acc.touched, d)
			}
			score[d] += best[d]
			best[d] = 0
		}
	}
	if len(acc.touched) == 0 {
		return nil
	}
	type docScore struct {
		doc   int32
		score float64
	}
	better := func(a, b docScore) bool {
		return a.score > b.score || a.score == b.score && a.doc < b.doc
	}
	// The 24 best paragraphs by BM25, best first, kept by insertion.
	var top24 [24]docScore
	docs := top24[:0]
	for _, d := range acc.touched {
		ds := docScore{d, score[d]}
		score[d] = 0
		if len(docs) == len(top24) && !better(ds, docs[len(docs)-1]) {
			continue
		}
		if len(docs) < len(top24) {
			docs = append(docs, ds)
		} else {
			docs[len(docs)-1] = ds
		}
		for i := len(docs) - 1; i > 0 && better(docs[i], docs[i-1]); i-- {
			docs[i], docs[i-1] = docs[i-1], docs[i]
		}
	}
	// A news story's lead states its topic, and every later paragraph is
	// about that topic too without repeating it. So a paragraph inherits
	// the question words the lead of its story matches, at rankLead of
	// their weight there: a question that names the story ("NASA's New
	// Horizons flyby") no longer points at the lead alone, and the
	// paragraph holding the words that are not the topic wins.
	if rankLead > 0 {
		kinds := sn.focusKinds(qr)
		nt := len(qr.terms)
		acc.inherit, acc.inheritStory = acc.inherit[:0], acc.inheritStory[:0]
		for i := range docs {
			si := sn.docs[docs[i].doc].story
			k := slices.Index(acc.inheritStory, si)
			if k < 0 {
				k = len(acc.inheritStory)
				acc.inheritStory = append(acc.inheritStory, si)
				acc.inherit = sn.leadInheritance(acc.inherit, qr, si)
			}
			docs[i].score = sn.leadScore(qr, docs[i].doc, kinds, acc.inherit[k*nt:(k+1)*nt])
		}
		slices.SortStableFunc(docs, func(a, b docScore) int {
			if better(a, b) {
				return -1
			}
			if better(b, a) {
				return 1
			}
			return 0
		})
	}
	docs = docs[:min(len(docs), 12)]
	top := docs[0].score
	// "What did X say": the paragraphs where X speaks are candidates even
	// when they call X "he" and share no word with the question.
	if qr.quote {
	speakers:
		for _, name := range qr.speakers {
			for _, d := range sn.sayerDocs[name] {
				if len(docs) >= 24 {
					break speakers
				}
				if storyIdx >= 0 && sn.docs[d].story != storyIdx {
					continue
				}
				if !slices.ContainsFunc(docs, func(x docScore) bool { return x.doc == d }) {
					docs = append(docs, docScore{d, top / 2})
				}
			}
		}
	}
	nsents := 0
	for _, ds := range docs {
		nsents += len(sn.docs[ds.doc].pix.sents)
	}
	out := make([]scored, 0, nsents)
	speakerTerms := qr.speakerTermIDs()
	topSent := 0.0
	// A sentence is judged by the words the question asks about as the
	// paragraphs were: the one that names "the judge" answers "which
	// judge", more than one that repeats the rest of the question.
	sentTerms := qr.terms
	if len(qr.focus) > 0 && rankSentFocus != 1 {
		sentTerms = slices.Clone(qr.terms)
		for _, i := range qr.focus {
			sentTerms[i].weight *= rankSentFocus
			// A word that only keeps company with the focus ("attorney"
			// with "judge") is not the thing asked for, unless WordNet
			// knows it as a kind of it ("summit" of "gathering"): it
			// counts as any other word's stand-in would.
			sentTerms[i].alts = slices.Clone(sentTerms[i].alts)
			for k := range sentTerms[i].alts {
				if a := sentTerms[i].alts[k]; a.vec && !a.kind {
					sentTerms[i].alts[k].strength /= rankSentFocus
				}
			}
		}
	}
	holders := map[int][]uint32{}
	storyTerms := map[int][]qterm{}
	for _, ds := range docs {
		d := sn.docs[ds.doc]
		if _, ok := holders[d.story]; !ok && qr.kind == qWho && !qr.quote {
			holders[d.story] = sn.roleHolders(qr, d.story)
		}
		paraTerms := d.pix.has
		if qr.quote && len(speakerTerms) > 0 && slices.ContainsFunc(d.pix.sents, func(sx sentIndex) bool {
			return sx.sayer != "" && slices.Contains(qr.speakers, sx.sayer)
		}) {
			paraTerms = func(id uint32) bool { return d.pix.has(id) || slices.Contains(speakerTerms, id) }
		}
		pc := coverage(qr.terms, paraTerms)
		st, ok := storyTerms[d.story]
		if !ok {
			st = sn.storyWeighted(sentTerms, d.story)
			storyTerms[d.story] = st
		}
		// A sentence holds only what its paragraph holds: the stand-ins
		// the paragraph lacks need not be looked for in each sentence.
		acc.inPara, acc.inParaAlts = presentAlts(acc.inPara, acc.inParaAlts, st, paraTerms)
		inPara := acc.inPara
		for si, sx := range d.pix.sents {
			// A sentence whose sayer is the person a "what did X say"
			// question names speaks of X even when it says "he".
			bySpeaker := qr.quote && sx.sayer != "" && slices.Contains(qr.speakers, sx.sayer)
			sc := coverage(inPara, func(id uint32) bool {
				return slices.Contains(sx.terms, id) || (bySpeaker && slices.Contains(speakerTerms, id))
			})
			// The sentence's own BM25 score, with every word once: a
			// short sentence that holds the question's rarer words beats a
			// long lead sentence that restates the story's topic. (Only
			// worked out when it weighs.)
			sb := 0.0
			if rankSentBM25 != 0 {
				for _, t := range qr.terms {
					best := 0.0
					for _, a := range t.alts {
						if a.strength*sn.idf(a.id, true) > best && (slices.Contains(sx.terms, a.id) || bySpeaker && slices.Contains(speakerTerms, a.id)) {
							best = a.strength * sn.idf(a.id, true)
						}
					}
					sb += t.weight * best
				}
				sb *= (bm25K1 + 1) / (1 + bm25K1*(1-bm25B+bm25B*float64(len(sx.terms))/sn.avgSentLen))
				topSent = max(topSent, sb)
			}
			// The paragraph's BM25 evidence leads; the sentence's own
			// coverage picks which of its sentences answers.
			score := rankBM25*ds.score/top + rankSent*sc + rankPara*pc
			feats := sx.feats
			// "Who sentenced Minton for threatening Obama": a sentence
			// whose only person is one the question names does not say who.
			if qr.kind == qWho && !qr.quote && feats&featPerson != 0 && !sn.namesOtherPerson(qr, sx.terms) {
				feats &^= featPerson
			}
			// "How old was Collins": an age answers, not any number
			// ("nominated on July 8").
			if qr.age && feats&featNumber != 0 && !hasAge(sn.stories[d.story].Paragraphs[d.pix.para].Text[sx.span.Start:sx.span.End]) {
				feats &^= featNumber
			}
			// "When are they due to be sentenced": a date to come answers,
			// not the day of the story's own sentencing.
			if qr.future && feats&(featDate|featAgo) != 0 && !sn.futureDateIn(d, sx.span) {
				feats &^= featDate | featAgo
			}
			score += cueBonus(qr.kind, feats)
			// "Which judge": the sentence that names the person the story
			// titles with the word asked about ("Magistrate Judge Anne Y.
			// Shields") names the answer.
			if slices.ContainsFunc(holders[d.story], func(id uint32) bool { return slices.Contains(sx.terms, id) }) {
				score += rankRole
			}
			if qr.kind == qWho && qr.quote && sx.sayer != "" {
				score += rankCue // "who told CNN …": a sentence that names who spoke
			}
			score *= cueFactor(qr.kind, feats)
			if qr.yesNo && sx.feats&featNegation != 0 {
				score += rankNegation
			}
			if qr.modal && sx.feats&featModal != 0 {
				score += 0.06
			}
			if len(qr.speakers) > 0 && sx.sayer != "" {
				if slices.Contains(qr.speakers, sx.sayer) {
					if qr.quote {
						score += 0.25
						if sx.speaker == sx.sayer {
							score += rankOwnWords // their own words, quoted, before a report of them
						}
					} else {
						score += 0.05
					}
				} else if qr.quote {
					score -= 0.05
				}
			}
			if sc == 0 {
				score *= 0.5
			}
			out = append(out, scored{doc: ds.doc, sent: si, score: score, paraCov: pc, sentCov: sc, bm25: ds.score, position: si, sentBM25: sb})
		}
	}
	if topSent > 0 {
		for i := range out {
			out[i].score += rankSentBM25 * out[i].sentBM25 / topSent
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.doc, b.doc); c != 0 {
			return c
		}
		return cmp.Compare(a.sent, b.sent)
	})
	return out
}

// Ranking weights: a sentence's score is the weighted sum of its
// paragraph's BM25 score (relative to the best paragraph's), its own soft
// coverage of the question and its paragraph's, plus the question-type
// cue. They are variables so that tune_test.go can search them on the
// training stories; the values here are what it found.
var (
	rankBM25 = 0.6
	rankSent = 0.3
	rankPara = 0.0
	// rankLead is the share of a story lead's match a later paragraph
	// inherits (see rank).
	rankLead = 0.9
	// rankNegation is added, for a yes-or-no question, to a sentence that
	// says no: news reports what did not happen ("ended without a deal",
	// "would not retract"), and the answer to "did it?" is most often the
	// sentence that says it did not.
	rankNegation = 0.2
	// rankFocus multiplies the BM25 weight of the words a question asks
	// about ("which judge"): the answer names the thing asked for.
	rankFocus = 2.0
	// rankSentFocus is the same for a sentence's coverage of the question.
	rankSentFocus = 2.0
	// leadWordShare is the largest share of its story's paragraphs a
	// word may be in and still name the story (see leadWord).
	leadWordShare = 0.5
	// rankOwnWords is added, for a "what did X say" question, to a
	// sentence that quotes X's own words, over one that reports what X
	// announced or said.
	rankOwnWords = 0.05
	// rankSentBM25 weighs the sentence's own BM25 score.
	rankSentBM25 = 0.0
	// rankCue is added for a sentence with what the question type asks
	// for, and rankNoCue multiplies the score of one without it.
	rankCue   = 0.12
	rankNoCue = 1.0
	// rankNoMeasure multiplies the score of a sentence without the date,
	// span of time or number a when, how-long or how-many question asks
	// for.
	rankNoMeasure = 0.9
	// rankRole is added for a sentence naming a person the story titles
	// with the word a who-question asks about.
	rankRole = 0.12
)

// storyWeighted returns terms weighed by their rarity within story si
// rather than in the library. Which sentence of a story answers is a
// question inside the story: in a library the words by which a question
// names its story ("Cinder Ridge", "Haskell") are rare and weigh most,
// yet every sentence of the story is about them. For a library of one
// story the weights are the same.
func (sn *snapshot) storyWeighted(terms []qterm, si int) []qterm {
	if len(sn.stories) == 1 {
		return terms
	}
	paras := sn.stories[si].index.paras
	n := float64(len(paras))
	rareS := math.Log(1 + (n+0.5)/0.5)
	rare := sn.idf(0, false)
	out := slices.Clone(terms)
	for i, t := range terms {
		df := 0.0
		for pi := range paras {
			if slices.ContainsFunc(t.alts, func(a alt) bool { return !a.vec && paras[pi].has(a.id) }) {
				df++
			}
		}
		if df > 0 {
			out[i].idf = math.Log(1 + (n-df+0.5)/(df+0.5))
		} else {
			out[i].idf = t.idf * rareS / rare
		}
	}
	return out
}

// roleHolders returns the surname terms of the people story si titles
// with the word a who-question asks about (its focus, or a WordNet stand-in
// for it), leaving out people the question names.
func (sn *snapshot) roleHolders(qr query, si int) []uint32 {
	var out []uint32
	for _, fi := range qr.focus {
		for key, tr := range sn.stories[si].titles {
			id, ok := lookupTerm(normTerm(tr.Surname))
			if !ok || slices.Contains(out, id) || sn.namedInQuestion(qr, id) {
				continue
			}
			for _, w := range strings.Fields(key) {
				wid, ok := lookupTerm(normTerm(w))
				if ok && slices.ContainsFunc(qr.terms[fi].alts, func(a alt) bool { return a.id == wid && !a.vec }) {
					out = append(out, id)
					break
				}
			}
		}
	}
	return out
}

// namedInQuestion reports whether term id is one of the question's words
// or their dictionary stand-ins.
func (sn *snapshot) namedInQuestion(qr query, id uint32) bool {
	return slices.ContainsFunc(qr.terms, func(t qterm) bool {
		return slices.ContainsFunc(t.alts, func(a alt) bool { return a.id == id && !a.vec })
	})
}

// namesOtherPerson reports whether a sentence's terms hold the surname of
// a person the question does not name.
func (sn *snapshot) namesOtherPerson(qr query, terms []uint32) bool {
	for _, id := range terms {
		if _, ok := sn.personTerms[id]; !ok {
			continue
		}
		if !sn.namedInQuestion(qr, id) {
			return true
		}
	}
	return false
}

// presentAlts returns terms with only the stand-ins has holds, in dst
// and buf's storage (grown as needed): coverage over it is coverage over
// terms for any has' that holds no more than has.
func presentAlts(dst []qterm, buf []alt, terms []qterm, has func(uint32) bool) ([]qterm, []alt) {
	n := 0
	for _, t := range terms {
		n += len(t.alts)
	}
	if cap(buf) < n {
		buf = make([]alt, n)
	}
	buf = buf[:0]
	dst = dst[:0]
	for _, t := range terms {
		start := len(buf)
		for _, a := range t.alts {
			if has(a.id) {
				buf = append(buf, a)
			}
		}
		t.alts = buf[start:len(buf):len(buf)]
		dst = append(dst, t)
	}
	return dst, buf
}

// coverage is the share of the query's weight that a unit (sentence or
// paragraph) contains, counting a stand-in word at its strength.
func coverage(terms []qterm, has func(uint32) bool) float64 {
	var got, total float64
	for _, t := range terms {
		w := t.idf * t.weight
		total += w
		best := 0.0
		for _, a := range t.alts {
			if a.strength > best && has(a.id) {
				best = a.strength
			}
		}
		got += w * best
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// cueFeature is the sentence feature a question type looks for.
func cueFeature(k queryKind) sentFeature {
	switch k {
	case qWhen:
		return featDate | featAgo
	case qWhere:
		return featPlace
	case qWhy:
		return featCause
	case qHowLong:
		return featDuration
	case qHowMany:
		return featNumber
	case qWho:
		return featPerson | featQuote
	}
	return 0
}

// cueBonus rewards a sentence that holds what the question type asks
// for; cueFactor scales down one that does not: a sentence without a
// date does not answer "when", however many of the question's words it
// shares.
func cueBonus(k queryKind, f sentFeature) float64 {
	if want := cueFeature(k); want != 0 && f&want != 0 {
		return rankCue
	}
	return 0
}

func cueFactor(k queryKind, f sentFeature) float64 {
	want := cueFeature(k)
	if want == 0 || f&want != 0 {
		return 1
	}
	switch k {
	case qWhen, qHowLong, qHowMany:
		// A date, a span of time or a number is there or not, and the
		// scanners see it; a person or a place they see less surely.
		return rankNoMeasure
	}
	return rankNoCue
}

// termScore is the BM25 contribution of query term t to paragraph d:
// the best of the term itself and its stand-ins (only exact ones with
// exactOnly).
func (sn *snapshot) termScore(t qterm, d int32, exactOnly bool) float64 {
	pix := sn.docs[d].pix
	best := 0.0
	for _, a := range t.alts {
		if exactOnly && a.vec {
			continue
		}
		i, ok := slices.BinarySearch(pix.terms, a.id)
		if !ok {
			continue
		}
		tf := float64(pix.tfs[i])
		best = max(best, t.weight*a.strength*sn.idf(a.id, true)*tf*(bm25K1+1)/(tf+sn.docNorm[d]))
	}
	return best
}

// leadInheritance appends to dst, for each question word, what a paragraph of
// story si other than its lead inherits from the lead: rankLead of the
// lead's exact score for a word that names the story (leadWord), else
// nothing. It is the same for every paragraph of the story.
func (sn *snapshot) leadInheritance(dst []float64, qr query, si int) []float64 {
	lead := sn.leadDoc[si]
	for _, t := range qr.terms {
		c := 0.0
		if sn.leadWord(t, si) {
			c = rankLead * sn.termScore(t, lead, true)
		}
		dst = append(dst, c)
	}
	return dst
}

// leadScore is paragraph d's BM25 score with the words its story's lead
// matches inherited as inherit (leadInheritance) says.
func (sn *snapshot) leadScore(qr query, d int32, kinds []focusKind, inherit []float64) float64 {
	lead := sn.leadDoc[sn.docs[d].story]
	total := 0.0
	for i, t := range qr.terms {
		c := sn.termScore(t, d, false)
		// "Which city": a paragraph that names one (Budapest) holds
		// the word asked about by its instance.
		if k := slices.IndexFunc(kinds, func(k focusKind) bool { return k.term == i }); k >= 0 && c == 0 &&
			kinds[k].class.AmongKinds(sn.paraKinds(d)) {
			c = kindStrength * t.weight * sn.idf(0, false) * (bm25K1 + 1) / (1 + sn.docNorm[d])
		}
		if d != lead {
			c = max(c, inherit[i])
		}
		// A lead often gives its story's principal by description
		// ("the owner of a Helena paving company") and the name only
		// after: the lead holds the name of a person the story names
		// in more than one paragraph, as if once.
		if d == lead && c == 0 && t.name && sn.principal(t, sn.docs[d].story) {
			c = rankLead * t.weight * t.idf * (bm25K1 + 1) / (1 + sn.docNorm[d])
		}
		// The word the question asks about ("which judge") counts more:
		// the answer names it. (Not inheriting it from the lead was
		// tried and lost as many questions as it won.)
		if slices.Contains(qr.focus, i) {
			c *= rankFocus
		}
		total += c
	}
	return total
}

// focusKind is a word a question asks about that names a class of
// things ("which city"), ready to test a paragraph's words against.
type focusKind struct {
	term  int // index in the query's terms
	class lexicon.Class
}

// focusKinds returns the classes of the nouns a question asks about.
func (sn *snapshot) focusKinds(qr query) []focusKind {
	if qr.kind == qHowMany {
		return nil // "how many states": a number answers, not Missouri
	}
	var out []focusKind
	for _, k := range qr.focus {
		if w := qr.terms[k].lower; lexPOS(w)&lexNoun != 0 {
			out = append(out, focusKind{k, lexClassOf(w)})
		}
	}
	return out
}

// principal reports whether a question word is the name of a person
// story names in more than one paragraph.
func (sn *snapshot) principal(t qterm, story int) bool {
	paras := sn.stories[story].index.paras
	// A first name counts as its surname does ("Gordon" of "Gordon T.
	// Haskell").
	for sur, full := range sn.stories[story].Mentions {
		if sur != t.lower && !hasWordFold(full, t.lower) {
			continue
		}
		id, ok := lookupTerm(normTerm(sur))
		if !ok {
			continue
		}
		n := 0
		for pi := range paras {
			if paras[pi].has(id) {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}

// hasWordFold reports whether one of the words of s is w, ignoring case.
func hasWordFold(s, w string) bool {
	for f := range strings.FieldsSeq(s) {
		if strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}

// leadWord reports whether a question word is one by which the question
// names its story: the lead uses it (itself, not a GloVe neighbour, which
// says the lead is near the question rather than what it is about) and
// few other paragraphs of the story do. A word the story uses throughout
// ("Trump" in a story about Trump) names no story and is inherited by
// none.
func (sn *snapshot) leadWord(t qterm, story int) bool {
	lead := sn.docs[sn.leadDoc[story]].pix
	if !slices.ContainsFunc(t.alts, func(a alt) bool { return !a.vec && lead.has(a.id) }) {
		return false
	}
	paras := sn.stories[story].index.paras
	n := 0
	for pi := range paras {
		if slices.ContainsFunc(t.alts, func(a alt) bool { return !a.vec && paras[pi].has(a.id) }) {
			n++
		}
	}
	return float64(n) <= leadWordShare*float64(len(paras))
}

// futureDateIn reports whether the sentence at span of paragraph d names
// a date after its story's: a resolved date, or a later year. A story
// without a date is taken to have one.
func (sn *snapshot) futureDateIn(d docRef, span Span) bool {
	st := sn.stories[d.story]
	if st.Date.IsZero() {
		return true
	}
	p := &st.Paragraphs[d.pix.para]
	if slices.ContainsFunc(st.Dates, func(r DateRef) bool {
		return r.Paragraph == p.N && r.Span.Start >= span.Start && r.Span.Start < span.End && r.To.After(st.Date)
	}) {
		return true
	}
	for _, y := range yearRe.FindAllString(p.Text[span.Start:span.End], -1) {
		if n, _ := strconv.Atoi(y); n > st.Date.Year() {
			return true
		}
	}
	return false
}
