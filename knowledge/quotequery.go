package knowledge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
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
		for _, s := range sn.stories {
			for _, qt := range s.Quotes {
				if slices.Contains(speakers, qt.Speaker) {
					res.Quotes = append(res.Quotes, qt)
				}
			}
		}
		return res
	}
	for _, w := range words {
		for _, s := range sn.stories {
			if full, ok := s.Mentions[w]; ok {
				res.Speaker = full
				res.Note = fmt.Sprintf("The story mentions %s but never quotes them directly.", full)
				if len(sn.stories) > 1 {
					res.Note = fmt.Sprintf("The stories mention %s but never quote them directly.", full)
				}
				return res
			}
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
		w := strings.ToLower(t.Word)
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
	for _, s := range sn.stories {
		for _, sp := range s.Speakers {
			score := speakerScore(sp, lq, words)
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
	}
	return names
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
