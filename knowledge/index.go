package knowledge

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// vocabulary interns index terms as small integers for the whole process,
// so a story is tokenised and stemmed once, when it is parsed, and a
// library snapshot is rebuilt from integers when a story is replaced.
var vocabulary = struct {
	sync.RWMutex
	ids   map[string]uint32
	terms []string
}{ids: map[string]uint32{}}

func termID(t string) uint32 {
	vocabulary.RLock()
	id, ok := vocabulary.ids[t]
	vocabulary.RUnlock()
	if ok {
		return id
	}
	vocabulary.Lock()
	defer vocabulary.Unlock()
	if id, ok := vocabulary.ids[t]; ok {
		return id
	}
	id = uint32(len(vocabulary.terms))
	vocabulary.ids[t] = id
	vocabulary.terms = append(vocabulary.terms, t)
	return id
}

// lookupTerm returns the id of a term, or false if no story has used it.
func lookupTerm(t string) (uint32, bool) {
	vocabulary.RLock()
	defer vocabulary.RUnlock()
	id, ok := vocabulary.ids[t]
	return id, ok
}

// sentFeature is a set of a sentence's features, the cues a question's
// type looks for.
type sentFeature uint16

// Sentence features used by question-type cues.
const (
	featDate sentFeature = 1 << iota
	featDuration
	featNumber
	featCause
	featPlace
	featPerson
	featQuote
	featModal
	featNegation // says no: not, never, without, n't …
	featAgo      // a time reckoned back from now: "two months since", "a year ago"
)

var (
	durationRe = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many|a couple of|nearly|about|almost|more than)\s+(\w+\s+)?(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b|(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty)-(second|minute|hour|day|week|month|year|decade)\b`)
	numberRe   = regexp.MustCompile(`(?i)\b(\d[\d,.]*%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozens?)\b`)
	causeRe    = regexp.MustCompile(`(?i)\b(because|due to|reason|reasons|why|as a result|in order to|so that|amid|since|given that|owing to|led to|caused|causing|prompted|forced|resulted in|results in|result of)\b`)
	placeRe    = regexp.MustCompile(`\b(in|at|on|to|from|near|outside|inside)\s+(the\s+)?[A-Z][\p{L}]+`)
	notPlaceRe = regexp.MustCompile(`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$`)
)

// storyIndex is the tokenised form of a story, made once when it is parsed.
type storyIndex struct {
	paras []paraIndex
	// words are the distinct lower-case alphabetic words of the content
	// paragraphs, the vocabulary a misspelt question word is corrected to.
	words []string
	// names are the distinct runs of two or more capitalised words of the
	// content paragraphs, lower-case, with the small words inside them
	// ("national oceanic and atmospheric administration"), each ended by
	// a newline: what an acronym in a question may stand for. One string
	// per story keeps a library's allocations down.
	names string
}

type paraIndex struct {
	para   int // index into Story.Paragraphs
	length int
	// terms are the paragraph's distinct terms in increasing order and
	// tfs how often each occurs.
	terms []uint32
	tfs   []uint16
	sents []sentIndex
}

// has reports whether the paragraph uses term id.
func (p *paraIndex) has(id uint32) bool {
	_, ok := slices.BinarySearch(p.terms, id)
	return ok
}

type sentIndex struct {
	span  Span
	terms []uint32 // distinct terms
	feats sentFeature
	// speaker is who is quoted directly in the sentence; sayer is who it
	// reports as speaking, quoted or not ("Peskov said … that …").
	speaker, sayer string
}

var twoRe = regexp.MustCompile(`(?i)\b(?:the|both) two (\w+)|\bthe pair\b|\bboth men\b|\bboth women\b`)

// namedPairs returns the surnames of the people toks, tokens of text,
// name in pairs ("Rubio and Lavrov", "Trump-Putin").
func namedPairs(s *Story, toks []token, text string) [][2]string {
	isName := func(t token) bool {
		if !t.Cap {
			return false
		}
		_, ok := s.Mentions[t.Lower]
		return ok
	}
	var out [][2]string
	for i := 1; i < len(toks); i++ {
		b := toks[i]
		if !isName(b) {
			continue
		}
		if a := toks[i-1]; isName(a) && (text[a.End:b.Start] == "-" || text[a.End:b.Start] == "–") {
			out = append(out, [2]string{a.Term, b.Term})
		} else if i > 1 && toks[i-1].Lower == "and" && isName(toks[i-2]) {
			out = append(out, [2]string{toks[i-2].Term, b.Term})
		}
	}
	return out
}

// pairKey orders a pair so "Lavrov and Rubio" counts with "Rubio-Lavrov".
func pairKey(p [2]string) [2]string {
	if p[0] > p[1] {
		p[0], p[1] = p[1], p[0]
	}
	return p
}

// indexStory tokenises the content paragraphs of s. "The two diplomats"
// is indexed with the names of the pair of people the story has so far
// named together most often, so a question naming them finds the
// paragraph that does not. st is the story's text.
func indexStory(s *Story, st storyText) *storyIndex {
	ix := &storyIndex{}
	var pair [2]string
	pairs := map[[2]string]int{}
	tf := map[uint32]uint16{}
	seenWord := map[string]bool{}
	names := []byte{'\n'}
	for pi := range s.Paragraphs {
		p := &s.Paragraphs[pi]
		if p.Kind != KindContent {
			continue
		}
		pix := paraIndex{para: pi, sents: make([]sentIndex, 0, len(p.Sentences))}
		clear(tf)
		for si, sp := range p.Sentences {
			text := p.Text[sp.Start:sp.End]
			toks := tokensIn(st.toks[pi], sp.Start, sp.End)
			six := sentIndex{span: sp, terms: make([]uint32, 0, len(toks)+2)}
			runs := st.runs[pi][si]
			if pair[0] != "" && mentionsPair(text, runs) {
				for _, term := range pair {
					id := termID(term)
					tf[id]++
					pix.length++
					six.terms = append(six.terms, id)
				}
			}
			for _, np := range namedPairs(s, toks, p.Text) {
				k := pairKey(np)
				pairs[k]++
				if pairs[k] >= pairs[pair] {
					pair = k
				}
			}
			for _, t := range toks {
				lw := t.Lower
				if isStop(lw) {
					continue
				}
				if !seenWord[lw] && isAlpha(lw) {
					seenWord[lw] = true
					ix.words = append(ix.words, lw)
				}
				id := termID(t.Term)
				tf[id]++
				pix.length++
				if !slices.Contains(six.terms, id) {
					six.terms = append(six.terms, id)
				}
			}
			names = appendNames(names, toks, p.Text)
			six.feats = sentenceFeatures(s, p, si, text, toks, runs)
			six.speaker, six.sayer = sentenceSpeaker(s, p, sp)
			if six.speaker != "" {
				six.feats |= featQuote
			}
			pix.sents = append(pix.sents, six)
		}
		pix.terms = make([]uint32, 0, len(tf))
		for id := range tf {
			pix.terms = append(pix.terms, id)
		}
		slices.Sort(pix.terms)
		pix.tfs = make([]uint16, len(pix.terms))
		for i, id := range pix.terms {
			pix.tfs[i] = tf[id]
		}
		ix.paras = append(ix.paras, pix)
	}
	ix.names = string(names[1:])
	return ix
}

// placeDatelineRe is a release's place dateline: "LAUREL, Md. - ",
// "HELENA – ", "OREGON, Ohio — ". It says where the story happens.
var placeDatelineRe = regexp.MustCompile(`^[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)? *[–—-] `)

// appendNames appends to names, newline-separated names after a
// newline, the runs of two or more capitalised words in toks, tokens of
// text, that it lacks: words joined by a space or a hyphen, with "of",
// "and", "for", "the" and "on" inside a run ("Department of Energy").
func appendNames(names []byte, toks []token, text string) []byte {
	for i := 0; i < len(toks); {
		if !toks[i].Cap || len(toks[i].Lower) < 2 {
			i++
			continue
		}
		j, caps := i+1, 1
		for j < len(toks) && toks[j-1].End < len(text) && strings.ContainsRune(" -", rune(text[toks[j-1].End])) {
			if toks[j].Cap {
				caps++
				j++
				continue
			}
			if nameJoiners[toks[j].Lower] && j+1 < len(toks) && toks[j+1].Cap {
				j++
				continue
			}
			break
		}
		if caps >= 2 && caps <= 8 {
			var buf [130]byte
			b := append(buf[:0], '\n')
			for k := i; k < j; k++ {
				if k > i {
					b = append(b, ' ')
				}
				b = append(b, toks[k].Lower...)
			}
			b = append(b, '\n')
			if !bytes.Contains(names, b) {
				names = append(names, b[1:]...)
			}
		}
		i = j
	}
	return names
}

// nameJoiners are the small words inside a name.
var nameJoiners = map[string]bool{"of": true, "and": true, "for": true, "the": true, "on": true}

func sentenceFeatures(s *Story, p *Paragraph, si int, text string, toks []token, runs []wrun) sentFeature {
	var f sentFeature
	sp := p.Sentences[si]
	for _, d := range s.Dates {
		if d.Paragraph == p.N && d.Span.Start >= sp.Start && d.Span.End <= sp.End {
			f |= featDate
			break
		}
	}
	// A month or a year says when too ("in July 2015", "by 2020"),
	// though it names no day to resolve.
	if f&featDate == 0 && hasMonthYear(text) {
		f |= featDate
	}
	// "every 15 minutes" is a frequency and "two months since" an age,
	// not how long something lasted.
	lasting := func(start, end int) bool {
		before := strings.ToLower(strings.TrimSpace(text[:start]))
		after := strings.ToLower(strings.TrimSpace(text[end:]))
		return !strings.HasSuffix(before, "every") && !strings.HasPrefix(after, "since") && !strings.HasPrefix(after, "ago")
	}
	// "two months since", "a year ago": when, reckoned back from now.
	ago := func(end int) bool {
		after := strings.ToLower(strings.TrimSpace(text[end:]))
		return strings.HasPrefix(after, "since") || strings.HasPrefix(after, "ago")
	}
	if oddFold(text) {
		// The scanners fold ASCII only; the patterns fold the rest.
		for _, m := range durationRe.FindAllStringIndex(text, -1) {
			if lasting(m[0], m[1]) {
				f |= featDuration
			} else if ago(m[1]) {
				f |= featAgo
			}
		}
		if numberRe.MatchString(text) {
			f |= featNumber
		}
		if modalRe.MatchString(text) {
			f |= featModal
		}
		if causeRe.MatchString(text) {
			f |= featCause
		}
	} else {
		durationSpans(text, runs, func(start, end int) bool {
			if lasting(start, end) {
				f |= featDuration
			} else if ago(end) {
				f |= featAgo
			}
			return true
		})
		if hasNumberWord(text, runs) {
			f |= featNumber
		}
		if hasModalWord(text, runs) {
			f |= featModal
		}
		if hasCauseWord(text, runs) {
			f |= featCause
		}
	}
	if hasPlace(text, runs) || si == 0 && placeDatelineRe.MatchString(text) {
		f |= featPlace
	}
	for _, t := range toks {
		if t.Cap {
			if _, ok := s.Mentions[t.Lower]; ok {
				f |= featPerson
				break
			}
		}
	}
	if negated(toks) {
		f |= featNegation
	}
	return f
}

// negated reports whether a sentence, given as its tokens, says no: not,
// no, never, without, none, neither, nor, cannot, or a contraction in n't.
func negated(toks []token) bool {
	for _, t := range toks {
		switch t.Lower {
		case "not", "no", "never", "without", "none", "neither", "nor", "cannot":
			return true
		}
		if strings.HasSuffix(t.Lower, "n't") {
			return true
		}
	}
	return false
}

// sentenceSpeaker returns who is quoted in a sentence and who speaks in
// it at all, counting reported speech ("Peskov said on Tuesday that …").
func sentenceSpeaker(s *Story, p *Paragraph, sp Span) (speaker, sayer string) {
	for _, q := range s.Quotes {
		if q.Paragraph == p.N && q.Span.Start < sp.End && q.Span.End > sp.Start && q.Speaker != "" {
			return q.Speaker, q.Speaker
		}
	}
	return "", s.reported[[2]int{p.N, sp.Start}]
}

// snapshot is an immutable view of the library: its stories, an inverted
// index over their content paragraphs, and lookup tables over their
// names, titles and speakers, so that answering a question costs what
// the postings of its words cost, not a pass over every story.
type snapshot struct {
	stories []*Story
	byID    map[string]int
	docs    []docRef
	// The postings of term id are post[postStart[id]:postStart[id+1]], in
	// document order; terms interned after the snapshot was built have
	// none.
	postStart []int32
	post      []posting
	// docNorm is the BM25 length normalisation k1·(1−b+b·len/avgLen) of
	// each document.
	docNorm []float64
	avgLen  float64
	// idfs caches idf by term id: a question asks for it of every
	// stand-in of every word.
	idfs []float64
	// expandCache and spellCache remember, for this snapshot, the
	// stand-ins of a question word and the correction of an unknown
	// one; cached counts their entries, which are bounded.
	expandCache, spellCache sync.Map
	// kindsCache remembers what each paragraph's words name kinds of
	// (see paraKinds), by document; cached bounds it too.
	kindsCache sync.Map
	cached     atomic.Int64
	// leadDoc is the first content paragraph of each story, its lead.
	leadDoc []int32
	// avgSentLen is the mean number of distinct terms of a sentence.
	avgSentLen float64
	// speakers are the stories' speakers without repeats, in story order,
	// so a question is matched against each distinct speaker once;
	// speakersByWord indexes them by a word every question naming them
	// must contain.
	speakers       []Speaker
	speakersByWord map[string][]int32
	// mentions maps a lower-case surname any story mentions to the
	// fullest form the first story (in order) gives.
	mentions map[string]string
	// personTerms are the index terms of those surnames.
	personTerms map[uint32]struct{}
	// sayers maps the lower-case surname of a person the stories report
	// speaking ("Smit said on Tuesday that …", "He urged …") to the
	// names the sentences' sayer fields carry; quoted or not, their
	// reported words answer "what did X say".
	sayers map[string][]string
	// sayerDocs lists, for each speaker or reported sayer, the paragraphs
	// in which they speak, so "what did X say" reaches the paragraph that
	// quotes "he" without naming X.
	sayerDocs map[string][]int32
	// titlesByWord indexes the stories' title phrases by their first
	// content word.
	titlesByWord map[string][]*titleGroup
	// storySpeakers are every story's speakers in story order, indexed by
	// the words a quote query naming them must contain.
	storySpeakers []storySpeaker
	speakerKeys   map[string][]int32
	// quotesBy lists the quotations of each speaker in story order.
	quotesBy map[string][]quoteRef
	// vocab holds every lower-case word of the stories' content, and
	// wordsByLen the same words by length, for spelling correction.
	vocab      map[string]struct{}
	wordsByLen [][]vocabWord
	// datelines holds the years and month names, lower-case, of the
	// stories' dates.
	datelines map[string]struct{}
}

type docRef struct {
	story int // index into stories
	pix   *paraIndex
}

type posting struct {
	doc int32
	tf  uint16
}

// titleEntry is a title phrase of one story with its content words.
// titleGroup is one title phrase with every story's use of it, so a
// question is matched against each distinct phrase once.
type titleGroup struct {
	words   []string
	entries []titleEntry
}

type titleEntry struct {
	story int
	key   string
	words []string
	ref   titleRef
}

// storySpeaker is a speaker of one story.
type storySpeaker struct {
	story int
	sp    *Speaker
}

// quoteRef locates a quotation: story index and index in Story.Quotes.
type quoteRef struct {
	story, quote int
}

const bm25K1, bm25B = 1.2, 0.75

func newSnapshot(stories []*Story) *snapshot {
	sorted := slices.Clone(stories)
	slices.SortStableFunc(sorted, func(a, b *Story) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	sn := &snapshot{
		stories:        sorted,
		byID:           make(map[string]int, len(sorted)),
		speakersByWord: map[string][]int32{},
		mentions:       map[string]string{},
		personTerms:    map[uint32]struct{}{},
		sayers:         map[string][]string{},
		sayerDocs:      map[string][]int32{},
		titlesByWord:   map[string][]*titleGroup{},
		speakerKeys:    map[string][]int32{},
		quotesBy:       map[string][]quoteRef{},
	}
	type speakerID struct{ name, title string }
	seenSpeaker := map[speakerID]map[bool]bool{}
	groups := map[string]*titleGroup{}
	ndocs, maxTerm := 0, -1
	for _, s := range sorted {
		ndocs += len(s.index.paras)
		for pi := range s.index.paras {
			if ts := s.index.paras[pi].terms; len(ts) > 0 {
				maxTerm = max(maxTerm, int(ts[len(ts)-1]))
			}
		}
	}
	sn.docs = make([]docRef, 0, ndocs)
	counts := make([]int32, maxTerm+2)
	total := 0
	for si, s := range sorted {
		sn.byID[s.ID] = si
		for i := range s.Speakers {
			sp := &s.Speakers[i]
			k := speakerID{sp.Name, sp.Title}
			if !seenSpeaker[k][sp.Person] {
				if seenSpeaker[k] == nil {
					seenSpeaker[k] = map[bool]bool{}
				}
				seenSpeaker[k][sp.Person] = true
				if w := speakerKeyWord(*sp); w != "" {
					sn.speakersByWord[w] = append(sn.speakersByWord[w], int32(len(sn.speakers)))
				}
				if sp.Person {
					if w := titleKeyWord(sp.Title); w != "" {
						sn.speakersByWord[w] = append(sn.speakersByWord[w], int32(len(sn.speakers)))
					}
				}
				sn.speakers = append(sn.speakers, *sp)
			}
			idx := int32(len(sn.storySpeakers))
			sn.storySpeakers = append(sn.storySpeakers, storySpeaker{story: si, sp: sp})
			for _, k := range quoteSpeakerKeys(sp) {
				if l := sn.speakerKeys[k]; len(l) == 0 || l[len(l)-1] != idx {
					sn.speakerKeys[k] = append(l, idx)
				}
			}
		}
		for qi, q := range s.Quotes {
			sn.quotesBy[q.Speaker] = append(sn.quotesBy[q.Speaker], quoteRef{si, qi})
		}
		for sur, full := range s.Mentions {
			if _, ok := sn.mentions[sur]; !ok {
				sn.mentions[sur] = full
			}
			if id, ok := lookupTerm(normTerm(sur)); ok {
				sn.personTerms[id] = struct{}{}
			}
		}
		for _, name := range s.reported {
			sur := strings.ToLower(lastWord(name))
			if _, person := s.Mentions[sur]; !person {
				continue // a source or a description ("the official"), not a named person
			}
			if !slices.Contains(sn.sayers[sur], name) {
				sn.sayers[sur] = append(sn.sayers[sur], name)
			}
		}
		for key, tr := range s.titles {
			var ws []string
			for _, w := range strings.Fields(key) {
				if !isStop(w) {
					ws = append(ws, w)
				}
			}
			// A title stands for a person only when it names a role
			// ("Census Bureau Director"); an organisation's name alone
			// ("Census Bureau") is not its chief.
			if len(ws) > 0 && slices.ContainsFunc(ws, isRoleWord) {
				g := groups[key]
				if g == nil {
					g = &titleGroup{words: ws}
					groups[key] = g
					sn.titlesByWord[ws[0]] = append(sn.titlesByWord[ws[0]], g)
				}
				g.entries = append(g.entries, titleEntry{story: si, key: key, words: ws, ref: tr})
			}
		}
		sn.leadDoc = append(sn.leadDoc, int32(len(sn.docs)))
		for pi := range s.index.paras {
			pix := &s.index.paras[pi]
			sn.docs = append(sn.docs, docRef{story: si, pix: pix})
			for _, sx := range pix.sents {
				if sx.sayer == "" {
					continue
				}
				d := int32(len(sn.docs) - 1)
				if l := sn.sayerDocs[sx.sayer]; len(l) == 0 || l[len(l)-1] != d {
					sn.sayerDocs[sx.sayer] = append(l, d)
				}
			}
			total += pix.length
			for _, id := range pix.terms {
				counts[id+1]++
			}
		}
	}
	// Postings in one array, term by term (compressed sparse rows).
	sn.postStart = counts
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	sn.post = make([]posting, counts[len(counts)-1])
	fill := slices.Clone(counts[:len(counts)-1])
	for d, dr := range sn.docs {
		for i, id := range dr.pix.terms {
			sn.post[fill[id]] = posting{doc: int32(d), tf: dr.pix.tfs[i]}
			fill[id]++
		}
	}
	if len(sn.docs) > 0 {
		sn.avgLen = float64(total) / float64(len(sn.docs))
	}
	sn.idfs = make([]float64, max(0, len(sn.postStart)-1))
	for id := range sn.idfs {
		df := float64(sn.postStart[id+1] - sn.postStart[id])
		sn.idfs[id] = math.Log(1 + (float64(len(sn.docs))-df+0.5)/(df+0.5))
	}
	nsent, sentTerms := 0, 0
	for _, dr := range sn.docs {
		for _, sx := range dr.pix.sents {
			nsent++
			sentTerms += len(sx.terms)
		}
	}
	sn.avgSentLen = max(1, float64(sentTerms)/float64(max(1, nsent)))
	sn.datelines = map[string]struct{}{}
	for _, s := range sorted {
		if !s.Date.IsZero() {
			sn.datelines[strconv.Itoa(s.Date.Year())] = struct{}{}
			sn.datelines[strings.ToLower(s.Date.Month().String())] = struct{}{}
		}
	}
	sn.vocab = map[string]struct{}{}
	for _, s := range sorted {
		for _, w := range s.index.words {
			if _, ok := sn.vocab[w]; ok {
				continue
			}
			sn.vocab[w] = struct{}{}
			for len(sn.wordsByLen) <= len(w) {
				sn.wordsByLen = append(sn.wordsByLen, nil)
			}
			df := 0
			if id, ok := lookupTerm(normTerm(w)); ok {
				df = sn.df(id)
			}
			sn.wordsByLen[len(w)] = append(sn.wordsByLen[len(w)], vocabWord{word: w, df: df})
		}
	}
	sn.docNorm = make([]float64, len(sn.docs))
	for d, dr := range sn.docs {
		sn.docNorm[d] = bm25K1 * (1 - bm25B + bm25B*float64(dr.pix.length)/sn.avgLen)
	}
	return sn
}

// postings returns the postings of term id.
func (sn *snapshot) postings(id uint32) []posting {
	if int(id)+1 >= len(sn.postStart) {
		return nil
	}
	return sn.post[sn.postStart[id]:sn.postStart[id+1]]
}

// df is the number of paragraphs using term id.
func (sn *snapshot) df(id uint32) int {
	if int(id)+1 >= len(sn.postStart) {
		return 0
	}
	return int(sn.postStart[id+1] - sn.postStart[id])
}

// idf is the BM25 inverse document frequency of a term; a term no
// paragraph uses gets the highest value, as the rarest possible.
func (sn *snapshot) idf(id uint32, known bool) float64 {
	if known && int(id) < len(sn.idfs) {
		return sn.idfs[id]
	}
	n := float64(len(sn.docs))
	df := 0.0
	if known {
		df = float64(sn.df(id))
	}
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// speakerKeyWord is a word every question naming the speaker contains
// (see speakerNamed): a person's surname, else the first content word
// of the description.
func speakerKeyWord(sp Speaker) string {
	if sp.Person {
		return strings.ToLower(lastWord(sp.Name))
	}
	for _, w := range strings.Fields(strings.ToLower(sp.Name)) {
		w = strings.Trim(w, ".,")
		if !isStop(w) {
			return w
		}
	}
	return ""
}

// titleKeyWord is the first content word of a person's title.
func titleKeyWord(title string) string {
	for _, w := range strings.Fields(strings.ToLower(title)) {
		if !isStop(w) {
			return w
		}
	}
	return ""
}

// notRoles are title words that qualify a role rather than name one.
var notRoles = toSet(`the former acting interim then current top senior junior assistant associate national security
white house of for first deputy vice press`)

// isRoleWord reports whether a lower-case title word names a role
// (director, secretary, minister), not a qualifier or an organisation.
func isRoleWord(w string) bool {
	if _, ok := titleWords[w]; !ok {
		return false
	}
	_, q := notRoles[w]
	return !q
}
