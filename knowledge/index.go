package knowledge

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
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

// Sentence features used by question-type cues.
const (
	featDate uint8 = 1 << iota
	featDuration
	featNumber
	featCause
	featPlace
	featPerson
	featQuote
	featModal
)

var (
	durationRe = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many|a couple of|nearly|about|almost|more than)\s+(\w+\s+)?(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b`)
	numberRe   = regexp.MustCompile(`(?i)\b(\d[\d,.]*%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozens?)\b`)
	causeRe    = regexp.MustCompile(`(?i)\b(because|due to|reason|reasons|why|as a result|in order to|so that|amid|since|given that|owing to|largely|after|led to|divergent)\b`)
	placeRe    = regexp.MustCompile(`\b(in|at|on|to|from|near|outside|inside)\s+(the\s+)?[A-Z][\p{L}]+`)
	notPlaceRe = regexp.MustCompile(`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$`)
)

// storyIndex is the tokenised form of a story, made once when it is parsed.
type storyIndex struct {
	paras []paraIndex
}

type paraIndex struct {
	para   int // index into Story.Paragraphs
	length int
	tf     map[uint32]uint16
	sents  []sentIndex
}

type sentIndex struct {
	span  Span
	terms []uint32 // distinct terms
	feats uint8
	// speaker is who is quoted directly in the sentence; sayer is who it
	// reports as speaking, quoted or not ("Peskov said … that …").
	speaker, sayer string
}

var twoRe = regexp.MustCompile(`(?i)\b(?:the|both) two (\w+)|\bthe pair\b|\bboth men\b|\bboth women\b`)

// namedPairs returns the surnames of the people a text names in pairs
// ("Rubio and Lavrov", "Trump-Putin").
func namedPairs(s *Story, toks []token, text string) [][2]string {
	isName := func(t token) bool {
		_, ok := s.Mentions[strings.ToLower(t.Word)]
		return ok && t.Cap
	}
	var out [][2]string
	for i := 1; i < len(toks); i++ {
		b := toks[i]
		if !isName(b) {
			continue
		}
		if a := toks[i-1]; isName(a) && (text[a.End:b.Start] == "-" || text[a.End:b.Start] == "–") {
			out = append(out, [2]string{a.Term, b.Term})
		} else if i > 1 && strings.EqualFold(toks[i-1].Word, "and") && isName(toks[i-2]) {
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
// paragraph that does not.
func indexStory(s *Story) *storyIndex {
	ix := &storyIndex{}
	var pair [2]string
	pairs := map[[2]string]int{}
	for pi := range s.Paragraphs {
		p := &s.Paragraphs[pi]
		if p.Kind != KindContent {
			continue
		}
		pix := paraIndex{para: pi, tf: map[uint32]uint16{}}
		for si, sp := range p.Sentences {
			text := p.Text[sp.Start:sp.End]
			six := sentIndex{span: sp}
			toks := tokenize(text)
			if pair[0] != "" && twoRe.MatchString(text) {
				for _, term := range pair {
					id := termID(term)
					pix.tf[id]++
					pix.length++
					six.terms = append(six.terms, id)
				}
			}
			for _, np := range namedPairs(s, toks, text) {
				k := pairKey(np)
				pairs[k]++
				if pairs[k] >= pairs[pair] {
					pair = k
				}
			}
			for _, t := range toks {
				lw := strings.ToLower(t.Word)
				if isStop(lw) {
					continue
				}
				id := termID(t.Term)
				pix.tf[id]++
				pix.length++
				if !slices.Contains(six.terms, id) {
					six.terms = append(six.terms, id)
				}
			}
			six.feats = sentenceFeatures(s, p, si, text)
			six.speaker, six.sayer = sentenceSpeaker(s, p, sp)
			if six.speaker != "" {
				six.feats |= featQuote
			}
			pix.sents = append(pix.sents, six)
		}
		ix.paras = append(ix.paras, pix)
	}
	return ix
}

func sentenceFeatures(s *Story, p *Paragraph, si int, text string) uint8 {
	var f uint8
	sp := p.Sentences[si]
	for _, d := range s.Dates {
		if d.Paragraph == p.N && d.Span.Start >= sp.Start && d.Span.End <= sp.End {
			f |= featDate
			break
		}
	}
	for _, m := range durationRe.FindAllStringIndex(text, -1) {
		// "every 15 minutes" is a frequency and "two months since" an age,
		// not how long something lasted.
		before := strings.ToLower(strings.TrimSpace(text[:m[0]]))
		after := strings.ToLower(strings.TrimSpace(text[m[1]:]))
		if !strings.HasSuffix(before, "every") && !strings.HasPrefix(after, "since") && !strings.HasPrefix(after, "ago") {
			f |= featDuration
			break
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
	for _, m := range placeRe.FindAllStringSubmatch(text, -1) {
		word := m[0][strings.LastIndexByte(m[0], ' ')+1:]
		if !notPlaceRe.MatchString(word) {
			f |= featPlace
			break
		}
	}
	for _, t := range tokenize(text) {
		if _, ok := s.Mentions[strings.ToLower(t.Word)]; ok && t.Cap {
			f |= featPerson
			break
		}
	}
	return f
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

// snapshot is an immutable view of the library: its stories and an
// inverted index over their content paragraphs.
type snapshot struct {
	stories  []*Story
	byID     map[string]int
	docs     []docRef
	postings map[uint32][]posting
	avgLen   float64
	// speakers are the stories' speakers without repeats, in story order,
	// so a question is matched against each distinct speaker once.
	speakers []Speaker
}

type docRef struct {
	story int // index into stories
	pix   *paraIndex
}

type posting struct {
	doc int32
	tf  uint16
}

func newSnapshot(stories []*Story) *snapshot {
	sorted := slices.Clone(stories)
	slices.SortStableFunc(sorted, func(a, b *Story) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	sn := &snapshot{stories: sorted, byID: make(map[string]int, len(sorted)), postings: map[uint32][]posting{}}
	total := 0
	seenSpeaker := map[string]bool{}
	for si, s := range sorted {
		sn.byID[s.ID] = si
		for _, sp := range s.Speakers {
			if k := fmt.Sprint(sp.Name, "\x00", sp.Title, "\x00", sp.Person); !seenSpeaker[k] {
				seenSpeaker[k] = true
				sn.speakers = append(sn.speakers, sp)
			}
		}
		for pi := range s.index.paras {
			pix := &s.index.paras[pi]
			d := int32(len(sn.docs))
			sn.docs = append(sn.docs, docRef{story: si, pix: pix})
			total += pix.length
			for id, tf := range pix.tf {
				sn.postings[id] = append(sn.postings[id], posting{doc: d, tf: tf})
			}
		}
	}
	if len(sn.docs) > 0 {
		sn.avgLen = float64(total) / float64(len(sn.docs))
	}
	return sn
}

// idf is the BM25 inverse document frequency of a term; a term no
// paragraph uses gets the highest value, as the rarest possible.
func (sn *snapshot) idf(id uint32, known bool) float64 {
	n := float64(len(sn.docs))
	df := 0.0
	if known {
		df = float64(len(sn.postings[id]))
	}
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}
