package knowledge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Quotes returns the direct quotations of the speaker a query names
// ("Peskov", "Dmitry Peskov", "Kremlin spokesperson" all name the same
// person), or, when it names no speaker, the quotations about the topic
// ("battle line"). A person the stories mention but never quote gets no
// quotations and a Note saying so: nobody else's words are handed out as
// theirs.
func (l *Library) Quotes(query string) QuoteResult {
	sn := l.snap.Load()
	q := CleanText(query)
	res := QuoteResult{Query: q}
	if q == "" {
		res.Note = "Name a speaker or a topic."
		return res
	}
	words := contentWords(q)
	if speakers := sn.matchSpeakers(q, words); len(speakers) > 0 {
		res.Speaker = speakers[0]
		var refs []quoteRef
		for _, sp := range speakers {
			refs = append(refs, sn.quotesBy[sp]...)
		}
		slices.SortFunc(refs, func(a, b quoteRef) int {
			if c := cmp.Compare(a.story, b.story); c != 0 {
				return c
			}
			return cmp.Compare(a.quote, b.quote)
		})
		for _, r := range slices.Compact(refs) {
			res.Quotes = append(res.Quotes, sn.stories[r.story].Quotes[r.quote])
		}
		return res
	}
	for _, w := range words {
		if full, ok := sn.mentions[w]; ok {
			res.Speaker = full
			// One wording everywhere, the one "what did X say" uses.
			res.Note = fmt.Sprintf("The story quotes no words of %s.", full)
			if len(sn.stories) > 1 {
				res.Note = fmt.Sprintf("The stories quote no words of %s.", full)
			}
			return res
		}
	}
	// A topic: quotations whose words cover the query's.
	qr := sn.parseQuery(q, AskOptions{})
	type hit struct {
		q     Quote
		score float64
	}
	var hits []hit
	for _, s := range sn.stories {
		for _, qt := range s.Quotes {
			terms := map[uint32]bool{}
			for _, t := range tokenize(qt.Text) {
				if id, ok := lookupTerm(t.Term); ok {
					terms[id] = true
				}
			}
			c := coverage(qr.terms, func(id uint32) bool { return terms[id] })
			if c >= 0.6 {
				hits = append(hits, hit{qt, c})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	for _, h := range hits {
		res.Quotes = append(res.Quotes, h.q)
	}
	if len(res.Quotes) == 0 {
		res.Note = fmt.Sprintf("No quotation in the stories is by or about “%s”.", q)
	}
	return res
}

// contentWords returns the lower-cased non-stopwords of text.
func contentWords(text string) []string {
	var out []string
	for _, t := range tokenize(text) {
		w := t.Lower
		if !isStop(w) && w != "quote" && w != "quotes" {
			out = append(out, w)
		}
	}
	return out
}

// matchSpeakers returns the canonical names of the speakers a query names,
// best match first; a query naming several equally well gets them all.
func (sn *snapshot) matchSpeakers(q string, words []string) []string {
	if len(words) == 0 {
		return nil
	}
	lq := strings.ToLower(strings.TrimSpace(q))
	for _, d := range []string{"the ", "a ", "an "} {
		lq = strings.TrimPrefix(lq, d)
	}
	best := 0
	var names []string
	// Only speakers a key of the query names can score.
	cands := slices.Clone(sn.speakerKeys["a:"+foldKey(lq)])
	cands = append(cands, sn.speakerKeys["w:"+words[0]]...)
	for _, w := range words {
		cands = append(cands, sn.speakerKeys["s:"+w]...)
	}
	slices.Sort(cands)
	for _, i := range slices.Compact(cands) {
		sp := sn.storySpeakers[i].sp
		score := speakerScore(*sp, lq, words)
		if score == 0 {
			continue
		}
		if score > best {
			best, names = score, nil
		}
		if score == best && !slices.Contains(names, sp.Name) {
			names = append(names, sp.Name)
		}
	}
	return names
}

// quoteSpeakerKeys are the index keys under which matchSpeakers finds a
// speaker, one for each way speakerScore can rate it above zero: its
// name or an alias as the whole query ("a:"), a word of its name or
// title ("w:"), a person's surname ("s:").
func quoteSpeakerKeys(sp *Speaker) []string {
	keys := []string{"a:" + foldKey(sp.Name)}
	for _, al := range sp.Aliases {
		keys = append(keys, "a:"+foldKey(al))
	}
	for _, w := range contentWords(sp.Name + " " + sp.Title) {
		keys = append(keys, "w:"+w)
	}
	if sp.Person {
		keys = append(keys, "s:"+strings.ToLower(lastWord(sp.Name)))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// foldKey maps strings that strings.EqualFold deems equal to one key:
// every rune becomes the smallest rune of its case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// speakerScore rates how well a query names a speaker: 3 for the exact
// name or an alias, 2 when every query word is part of the speaker's
// name or title, 1 for a surname among other words.
func speakerScore(sp Speaker, lq string, words []string) int {
	if strings.EqualFold(sp.Name, lq) || containsFold(sp.Aliases, lq) {
		return 3
	}
	own := map[string]bool{}
	for _, w := range contentWords(sp.Name + " " + sp.Title) {
		own[w] = true
	}
	all := true
	for _, w := range words {
		if !own[w] {
			all = false
			break
		}
	}
	if all {
		return 2
	}
	if sp.Person && slices.Contains(words, strings.ToLower(lastWord(sp.Name))) {
		return 1
	}
	return 0
}

// SpeakerInfo is a speaker across the library with how often they are quoted.
type SpeakerInfo struct {
	Speaker
	Quotes int
}

// Speakers returns everyone the stories quote, most quoted first.
func (l *Library) Speakers() []SpeakerInfo {
	sn := l.snap.Load()
	idx := map[string]int{}
	var out []SpeakerInfo
	for _, s := range sn.stories {
		for _, sp := range s.Speakers {
			i, ok := idx[sp.Name]
			if !ok {
				i = len(out)
				idx[sp.Name] = i
				out = append(out, SpeakerInfo{Speaker: sp})
			}
			for _, q := range s.Quotes {
				if q.Speaker == sp.Name {
					out[i].Quotes++
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b SpeakerInfo) int {
		if a.Person != b.Person {
			if a.Person {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Quotes, a.Quotes)
	})
	return out
}
