package knowledge

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// analyse finds a story's quotations, speakers, personal names and dates
// in its text st.
func analyse(s *Story, st storyText) {
	toks := st.toks
	a := &analyser{story: s, speakers: map[string]*Speaker{}}
	a.findMentions(toks)
	for i := range s.Paragraphs {
		p := &s.Paragraphs[i]
		if p.Kind != KindContent {
			continue
		}
		a.paragraph(p, toks[i])
	}
	s.Speakers = a.speakerList()
	// A name's last word the story also writes as a common word, and
	// never after a title ("the Minnesota Valley Electric Cooperative" …
	// "rural electric cooperatives"), is an organisation's, not a
	// surname.
	for sur := range a.mentions {
		if a.common[normTerm(sur)] > 0 && !slices.ContainsFunc(slices.Collect(maps.Values(a.titles)), func(t titleRef) bool { return t.Surname == sur }) {
			delete(a.mentions, sur)
		}
	}
	s.Mentions = a.mentions
	s.titles = a.titles
	s.Dates = resolveDates(s, st.runs)
}

type analyser struct {
	story    *Story
	speakers map[string]*Speaker // key: speakerKey
	order    []string
	mentions map[string]string // surname → fullest name
	common   map[string]int    // terms of the words the story writes in lower case
	// titles maps a lower-cased title phrase that precedes a name in the
	// story ("russian president") to that person.
	titles map[string]titleRef
	// lastPerson and lastAny are the most recent speakers, for pronouns.
	lastPerson, lastAny string
}

// titleRef is a title phrase the story puts before a person's name.
type titleRef struct {
	Title   string // as written: "Russian President"
	Surname string // lower-case: "putin"
}

// paragraph analyses p, whose tokens are ptoks.
func (a *analyser) paragraph(p *Paragraph, ptoks []token) {
	quotes := findQuoteMarks(p.Text)
	var lastInPara string
	next := 0 // the next quotation to attribute
	// Sentences are read in order so that "he" means whoever spoke last,
	// whether quoted or reported ("Patel, who voted against, said …").
	for _, sp := range p.Sentences {
		for next < len(quotes) && quotes[next].open < sp.End {
			q := quotes[next]
			next++
			speaker := a.attribute(p, ptoks, q)
			// A quotation with no attribution of its own continues an
			// earlier speaker's; one whose own attribution names someone
			// this analysis cannot read is left unattributed rather than
			// handed to the wrong person.
			own := speaker == "" && namesItsSpeaker(p, ptoks, q)
			if speaker == "" && !own && lastInPara != "" {
				speaker = lastInPara // a second quote with no attribution of its own
			}
			if speaker == "" && !own && q.open == skipSpace(p.Text, 0) && a.lastAny != "" && q.closed {
				speaker = a.lastAny // a paragraph that opens with a quote continues the last speaker
			}
			if speaker != "" {
				lastInPara = speaker
				a.noteSpeaker(speaker)
			}
			inner := trimQuoteInner(p.Text, q.innerStart, q.innerEnd)
			if inner.End-inner.Start < 2 {
				continue
			}
			a.story.Quotes = append(a.story.Quotes, Quote{
				Story: a.story.ID, Paragraph: p.N, Span: inner, Text: p.Text[inner.Start:inner.End], Speaker: speaker,
			})
		}
		if hasQuoteIn(quotes, sp) {
			continue
		}
		// Reported speech ("Peskov said on Tuesday that …") sets who "he"
		// is next, and who the sentence's claim comes from.
		// The noun-phrase readers look only at the text between tokens,
		// so they read the paragraph's text with its tokens.
		toks := tokensIn(ptoks, sp.Start, sp.End)
		for vi, t := range toks {
			if _, ok := speechVerbs[t.Lower]; !ok || t.Lower == "according" {
				continue
			}
			np := a.resolveNP(npBefore(p.Text, toks, vi))
			if np == "" {
				np = a.resolveNP(sentenceSubject(p.Text, toks))
			}
			if np != "" {
				a.noteSpeaker(np)
				lastInPara = np
				if a.story.reported == nil {
					a.story.reported = map[[2]int]string{}
				}
				a.story.reported[[2]int{p.N, sp.Start}] = np
			}
			break
		}
	}
}

func hasQuoteIn(qs []quoteMarks, sp Span) bool {
	for _, q := range qs {
		if q.open < sp.End && q.innerEnd > sp.Start {
			return true
		}
	}
	return false
}

func (a *analyser) noteSpeaker(name string) {
	a.lastAny = name
	if sp := a.speakers[speakerKey(name)]; sp != nil && sp.Person {
		a.lastPerson = name
	}
}

// quoteMarks locates one quotation: the opening mark and the inner text.
type quoteMarks struct {
	open, innerStart, innerEnd, close int // close is just past the closing mark
	closed                            bool
}

// findQuoteMarks pairs curly “…” and straight "…" quotation marks. An
// opening mark with no closing one runs to the paragraph's end, as news
// style does for a quote continued in the next paragraph.
//
// Real-world typography mismatches marks: a quotation may open with a
// single ‘ and close with ” (‘…”), or open with “ and close with a single
// ’ (“…,’ said …). A closing ” with no opening mark pairs with an
// unclosed word-initial ‘ before it, and an opening “ that another “ or
// the paragraph's end finds unclosed ends at a single ’ that closes a
// clause (after , . ? or !) and closes no nested ‘.
func findQuoteMarks(text string) []quoteMarks {
	var out []quoteMarks
	inCurly, inStraight := -1, -1
	last := 0         // just past the last quotation found, or the last stray ”
	var sc singleScan // looks for a ’ closing the open “
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '“' && inStraight < 0:
			if inCurly >= 0 {
				// A second opening mark: the first may have closed with ’.
				if q, ok := sc.closeBefore(text, i); ok {
					out = append(out, q)
					inCurly = -1
				}
			}
			if inCurly < 0 {
				inCurly = i
				sc = singleScan{open: i, next: i + size}
			}
		case r == '”' && inCurly >= 0:
			out = append(out, quoteMarks{open: inCurly, innerStart: inCurly + len("“"), innerEnd: i, close: i + size, closed: true})
			inCurly = -1
			last = i + size
		case r == '”' && inStraight < 0:
			// A closing mark with no opening one: ‘…”.
			if open := strayOpening(text, last, i); open >= 0 {
				out = append(out, quoteMarks{open: open, innerStart: open + len("‘"), innerEnd: i, close: i + size, closed: true})
			}
			last = i + size
		case r == '"' && inCurly < 0:
			if inStraight < 0 {
				inStraight = i
			} else {
				out = append(out, quoteMarks{open: inStraight, innerStart: inStraight + 1, innerEnd: i, close: i + 1, closed: true})
				inStraight = -1
				last = i + 1
			}
		}
		i += size
		if i >= len(text) && inCurly >= 0 {
			// The paragraph ends inside “…: it may have closed with ’, and
			// more quotations may follow that.
			if q, ok := sc.closeBefore(text, len(text)); ok {
				out = append(out, q)
				inCurly = -1
				last, i = q.close, q.close
			}
		}
	}
	if inCurly >= 0 {
		out = append(out, quoteMarks{open: inCurly, innerStart: inCurly + len("“"), innerEnd: len(text), close: len(text)})
	} else if inStraight >= 0 {
		out = append(out, quoteMarks{open: inStraight, innerStart: inStraight + 1, innerEnd: len(text), close: len(text)})
	}
	return out
}

// strayOpening finds the opening mark of a quotation that text[from:end]
// ends with ” but never opened with “: the first ‘ that starts a word and
// that no ’ closes before end. It returns -1 when there is none.
func strayOpening(text string, from, end int) int {
	open := -1
	for i := from; i < end; {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '‘' && open < 0 && startsWordAt(text, i, i+size):
			open = i
		case r == '’' && closingSingle(text, i):
			open = -1 // whatever ‘ came before is closed
		}
		i += size
	}
	return open
}

// startsWordAt reports whether the mark text[i:j] opens a word: it follows
// the start, a space or an opening bracket or dash, and a letter or digit
// follows it.
func startsWordAt(text string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsSpace(r) && !strings.ContainsRune("([—–-", r) {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// closingSingle reports whether the ’ at text[i:] closes a quotation
// rather than standing in a word (don’t, the ’90s, the players’ union): a
// clause mark comes right before it and no letter or digit right after.
func closingSingle(text string, i int) bool {
	if r, _ := utf8.DecodeRuneInString(text[i:]); r != '’' {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	if !strings.ContainsRune(",.?!", before) {
		return false
	}
	after, _ := utf8.DecodeRuneInString(text[i+len("’"):])
	return i+len("’") == len(text) || !unicode.IsLetter(after) && !unicode.IsDigit(after)
}

// singleScan looks for the ’ that closes a quotation opened by “ at open
// when no ” does: the first clause-closing ’ that no nested ‘ opened. It
// resumes where it stopped, so a paragraph is read once.
type singleScan struct {
	open, next int // the “, and where to read on from
	nested     int // nested ‘ still open
}

// closeBefore reads on up to end and returns the quotation if its ’
// stands there.
func (sc *singleScan) closeBefore(text string, end int) (quoteMarks, bool) {
	for sc.next < end {
		i := sc.next
		r, size := utf8.DecodeRuneInString(text[i:])
		sc.next += size
		switch {
		case r == '‘' && startsWordAt(text, i, i+size):
			sc.nested++
		case r == '’' && sc.nested > 0:
			if next, _ := utf8.DecodeRuneInString(text[i+size:]); i+size == len(text) || !unicode.IsLetter(next) && !unicode.IsDigit(next) {
				sc.nested-- // ‘so-called’ inside the quotation
			}
		case r == '’' && closingSingle(text, i):
			return quoteMarks{open: sc.open, innerStart: sc.open + len("“"), innerEnd: i, close: i + size, closed: true}, true
		}
	}
	return quoteMarks{}, false
}

// trimQuoteInner drops surrounding space and a trailing comma from a
// quotation's inner span; it stays a substring of the paragraph.
func trimQuoteInner(text string, start, end int) Span {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) && r != ',' {
			break
		}
		end -= size
	}
	return Span{start, end}
}

// attribute finds who said quotation q of paragraph p, whose tokens are
// ptoks. The noun-phrase readers look only at the text between tokens,
// so they read the paragraph's text with the tokens of a part of it.
func (a *analyser) attribute(p *Paragraph, ptoks []token, q quoteMarks) string {
	// The sentence holding the opening mark and the one holding the close.
	sOpen, sClose := sentenceAt(p, q.open), sentenceAt(p, max(q.innerEnd-1, q.open))
	if sOpen < 0 || sClose < 0 {
		return ""
	}
	openSent, closeSent := p.Sentences[sOpen], p.Sentences[sClose]

	// 1. After the quote: “…,” Peskov said / “…,” said Peskov / “…,” according to X.
	closingPunct := lastRuneBefore(p.Text, q.innerEnd)
	if q.closed && closingPunct != '.' {
		posttoks := tokensIn(ptoks, q.close, closeSent.End)
		if len(posttoks) > 0 && !hasBoundary(p.Text[q.close:posttoks[0].Start]) {
			if np := a.attrAfter(p.Text, posttoks); np != "" {
				return np
			}
		}
	}
	// 2. "according to X" anywhere in the quote's sentences.
	wtoks := tokensIn(ptoks, openSent.Start, closeSent.End)
	for i := 0; i+1 < len(wtoks); i++ {
		if wtoks[i].Lower == "according" && wtoks[i+1].Lower == "to" {
			if np := a.resolveNP(npAfter(p.Text, wtoks, i+1)); np != "" {
				return np
			}
		}
	}
	// 3. The nearest speech verb before the opening mark.
	toks := tokensIn(ptoks, openSent.Start, q.open)
	for vi := len(toks) - 1; vi >= 0; vi-- {
		w := toks[vi].Lower
		if _, ok := speechVerbs[w]; !ok || w == "according" {
			continue
		}
		if _, ok := participles[w]; ok {
			if np := a.resolveNP(sentenceSubject(p.Text, toks)); np != "" {
				return np
			}
			continue
		}
		if np := a.resolveNP(npBefore(p.Text, toks, vi)); np != "" {
			return np
		}
		if np := a.resolveNP(sentenceSubject(p.Text, toks)); np != "" {
			return np
		}
	}
	return ""
}

// namesItsSpeaker reports whether the clause right after quotation q
// attributes it to someone by name or description, with a speech verb
// and no pronoun: "“…,” Hal Moreno, 59, who has farmed here for forty
// years, said", "“…,” said the agency's former director". "“…,” he
// said" does not.
func namesItsSpeaker(p *Paragraph, ptoks []token, q quoteMarks) bool {
	if !q.closed {
		return false
	}
	sc := sentenceAt(p, max(q.innerEnd-1, q.open))
	if sc < 0 {
		return false
	}
	end := p.Sentences[sc].End
	if next := strings.IndexAny(p.Text[q.close:end], "“\"‘"); next >= 0 {
		end = q.close + next // the clause ends where another quotation opens
	}
	toks := tokensIn(ptoks, q.close, end)
	for vi := range toks {
		w := toks[vi].Lower
		if _, ok := speechVerbs[w]; !ok || w == "according" {
			continue
		}
		if _, ok := participles[w]; ok {
			return false
		}
		who := vi - 1 // "… NP said"
		if vi == 0 {
			who = 1 // "said NP"
		}
		if who >= len(toks) {
			return false
		}
		_, pronoun := pronouns[toks[who].Lower]
		return !pronoun
	}
	return false
}

func lastRuneBefore(text string, i int) rune {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsSpace(r) {
			return r
		}
		i -= size
	}
	return 0
}

// attrAfter reads an attribution that follows a quotation.
func (a *analyser) attrAfter(post string, toks []token) string {
	first := toks[0].Lower
	if first == "according" && len(toks) > 1 && toks[1].Lower == "to" {
		return a.resolveNP(npAfter(post, toks, 1))
	}
	if _, ok := participles[first]; ok {
		return "" // “…,” adding … — the sentence's subject, found from before the quote
	}
	if _, ok := speechVerbs[first]; ok {
		return a.resolveNP(npAfter(post, toks, 0)) // inverted: “…,” said Peskov
	}
	// “…,” NP said — the verb within the next few words.
	for vi := 1; vi < len(toks) && vi <= 10; vi++ {
		if phraseBreak(post, toks[vi-1], toks[vi]) {
			if strings.TrimSpace(post[toks[vi-1].End:toks[vi].Start]) == "," && appositiveVerb(post, toks, vi) {
				// “…,” Hal Moreno, 59, who farms nearby, said.
				return a.resolveNP(post[toks[0].Start:toks[vi-1].End])
			}
			return ""
		}
		w := toks[vi].Lower
		if _, ok := participles[w]; ok {
			return ""
		}
		if _, ok := speechVerbs[w]; ok && w != "according" {
			return a.resolveNP(npBefore(post, toks, vi))
		}
	}
	return ""
}

// appositiveVerb reports whether toks[vi:], which follow a comma after
// the noun phrase toks[:vi], are an appositive or relative clause closed
// by a comma and a speech verb: ", 59, who farms nearby, said".
func appositiveVerb(post string, toks []token, vi int) bool {
	if vi > 6 {
		return false
	}
	for _, t := range toks[:vi] {
		if _, stop := npStop[t.Lower]; stop {
			return false
		}
		if _, verb := speechVerbs[t.Lower]; verb {
			return false
		}
	}
	for k := vi + 1; k < len(toks) && k < vi+20; k++ {
		w := toks[k].Lower
		if _, ok := speechVerbs[w]; !ok || w == "according" {
			continue
		}
		_, part := participles[w]
		return !part && strings.TrimSpace(post[toks[k-1].End:toks[k].Start]) == ","
	}
	return false
}

func sentenceAt(p *Paragraph, off int) int {
	for i, s := range p.Sentences {
		if off >= s.Start && off < s.End {
			return i
		}
	}
	// An offset in the space between sentences belongs to the next one.
	for i, s := range p.Sentences {
		if off < s.Start {
			return i
		}
	}
	return len(p.Sentences) - 1
}

// hasBoundary reports whether the text between two words ends a phrase.
func hasBoundary(gap string) bool {
	return strings.ContainsAny(gap, ",;:.!?“”\"()—–[]")
}

// phraseBreak reports whether the text between tokens a and b ends a
// phrase. The full stop of an abbreviation that stands inside a name or a
// title does not: "Dr. Collins", "U.S. Secretary", "Gina M. Raimondo".
func phraseBreak(text string, a, b token) bool {
	gap := text[a.End:b.Start]
	if !hasBoundary(gap) {
		return false
	}
	return !(strings.TrimRightFunc(gap, unicode.IsSpace) == "." && nameAbbrev(a))
}

// nameAbbrev reports whether t, written with a full stop after it, is an
// abbreviation that goes inside a name or before one: an initial ("M.",
// the "U" and "S" of "U.S.") or an abbreviated honorific or rank ("Dr.",
// "Sen.", "Lt."). Abbreviations that close a name ("Jr.", "Inc.") end it.
func nameAbbrev(t token) bool {
	if !t.Cap {
		return false
	}
	if utf8.RuneCountInString(t.Word) == 1 {
		return true
	}
	_, abbr := abbreviations[t.Lower]
	_, final := finalAbbreviations[t.Lower]
	return abbr && !final
}

// isInitial reports whether toks[k] is a personal initial: one capital
// letter with a full stop and a space after it, standing apart from the
// word before it ("Gina M. Raimondo", not the "S" of "U.S.").
func isInitial(text string, toks []token, k int) bool {
	t := toks[k]
	if !t.Cap || utf8.RuneCountInString(t.Word) != 1 || k+1 >= len(toks) || text[t.End:toks[k+1].Start] != ". " {
		return false
	}
	return k == 0 || strings.TrimSpace(text[toks[k-1].End:t.Start]) == ""
}

// nameJoin reports whether toks[k] and toks[k+1] are next to each other
// in one name: a single space between them, or an initial's full stop.
func nameJoin(text string, toks []token, k int) bool {
	return text[toks[k].End:toks[k+1].Start] == " " || isInitial(text, toks, k)
}

// npStop are words that end a noun phrase when reading away from its verb.
var npStop = toSet(`that which who whom whose when while after before because since if but though although as so
than where and or to on by into about over under during until unless whether said says told
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow earlier later
meanwhile however also then still yet again now once has have had was were is are will would could should
can may might did does do been being not never`)

// preVerb are words that may stand between a subject and its speech verb.
var preVerb = toSet(`has have had was were is are will would also since then later earlier previously again
not never repeatedly once already even just still often publicly privately reportedly separately
quickly recently initially further`)

// npBefore returns the noun phrase that ends just before toks[vi]:
// "White House deputy press secretary Anna Kelly told …".
func npBefore(text string, toks []token, vi int) string {
	j := vi - 1
	for j >= 0 && !phraseBreak(text, toks[j], toks[j+1]) {
		w := toks[j].Lower
		if _, ok := preVerb[w]; ok || (strings.HasSuffix(w, "ly") && !toks[j].Cap && len(w) > 4) {
			j--
			continue
		}
		break
	}
	if j < 0 || phraseBreak(text, toks[j], toks[j+1]) {
		return ""
	}
	end := j
	start := j + 1
	for k := j; k >= 0 && end-k < 10; k-- {
		if k < j && phraseBreak(text, toks[k], toks[k+1]) {
			break
		}
		w := toks[k].Lower
		if _, stop := npStop[w]; stop {
			// "and" joins two names: "Rubio and Lavrov said".
			if w == "and" && k > 0 && toks[k-1].Cap && toks[k+1].Cap {
				start = k
				continue
			}
			break
		}
		start = k
	}
	if start > end {
		return ""
	}
	np := strings.TrimSpace(text[toks[start].Start:toks[end].End])
	return trimLeadingPrep(np)
}

// npAfter returns the noun phrase that starts just after toks[vi]:
// "… according to a brief US State Department readout of the call."
func npAfter(text string, toks []token, vi int) string {
	start := vi + 1
	if start >= len(toks) || phraseBreak(text, toks[vi], toks[start]) {
		return ""
	}
	end := start
	for k := start; k < len(toks) && k-start < 10; k++ {
		if k > start && phraseBreak(text, toks[k-1], toks[k]) {
			break
		}
		w := toks[k].Lower
		if _, stop := npStop[w]; stop && k > start && !(w == "and" && titledConjunct(text, toks, start, k)) {
			break
		}
		end = k
	}
	return strings.TrimSpace(text[toks[start].Start:toks[end].End])
}

// titledConjunct reports whether the "and" at toks[k], in a noun phrase
// that starts at toks[start], joins the words of an organisation that
// qualifies a title ("Health and Human Services Secretary Kathleen
// Sebelius") rather than two people ("Rubio and Lavrov"): capitalised
// words either side, no title and name before it, and a title followed by
// a name after it.
func titledConjunct(text string, toks []token, start, k int) bool {
	if k == start || k+1 >= len(toks) || !toks[k-1].Cap || !toks[k+1].Cap {
		return false
	}
	for m := start; m < k-1; m++ {
		if isRole(toks[m]) && toks[m+1].Cap && !isRole(toks[m+1]) {
			return false // "Secretary Rubio and …"
		}
	}
	for m := k + 1; m+1 < len(toks) && !phraseBreak(text, toks[m], toks[m+1]); m++ {
		if !toks[m].Cap && !isPrep(toks[m].Lower) && toks[m].Lower != "the" {
			return false
		}
		if isRole(toks[m]) && toks[m+1].Cap && !isRole(toks[m+1]) {
			return true
		}
	}
	return false
}

// isRole reports whether t is a title word that names a role: a
// capitalised one, not a linking word such as "of".
func isRole(t token) bool {
	_, ok := titleWords[t.Lower]
	return ok && t.Cap
}

// sentenceSubject returns the noun phrase a sentence opens with, after
// connectives: "The Kremlin played down …" → "The Kremlin".
func sentenceSubject(text string, toks []token) string {
	i := 0
	for i < len(toks) {
		w := toks[i].Lower
		if _, ok := connectives[w]; ok {
			i++
			continue
		}
		break
	}
	if i >= len(toks) {
		return ""
	}
	start, end := i, -1
	seenCap := false
	for k := i; k < len(toks) && k-i < 8; k++ {
		if k > i && phraseBreak(text, toks[k-1], toks[k]) {
			break
		}
		w := toks[k].Lower
		if k == start && (w == "a" || w == "an" || w == "the") {
			end = k
			continue
		}
		if _, stop := npStop[w]; stop {
			break
		}
		if toks[k].Cap {
			seenCap = true
			end = k
			continue
		}
		// A lower-case word after a name is usually the verb ("Kremlin
		// played"), unless a name follows it ("Council member Raj Patel").
		if seenCap && !isNounish(w) && !(k+1 < len(toks) && toks[k+1].Cap && !hasBoundary(text[toks[k].End:toks[k+1].Start])) {
			break
		}
		if strings.HasSuffix(w, "ed") || isVerbish(w) {
			break
		}
		end = k
	}
	if end < start {
		return ""
	}
	return strings.TrimSpace(text[toks[start].Start:toks[end].End])
}

var connectives = toSet(`however still but and yet so also meanwhile moreover separately earlier later then
instead indeed now`)

// isNounish tells role nouns that follow a name ("Trump administration").
func isNounish(w string) bool {
	_, ok := titleWords[w]
	return ok || w == "administration" || w == "government" || w == "team" || w == "campaign" || w == "officials"
}

func isVerbish(w string) bool {
	if _, ok := speechVerbs[w]; ok {
		return true
	}
	if _, ok := irregular[w]; ok {
		return true
	}
	return false
}

func trimLeadingPrep(np string) string {
	for _, p := range []string{"of ", "with ", "from ", "in ", "at "} {
		if len(np) > len(p) && strings.EqualFold(np[:len(p)], p) {
			return strings.TrimSpace(np[len(p):])
		}
	}
	return np
}

var determiners = toSet(`a an the one another some`)

// resolveNP turns an attribution phrase into a canonical speaker name,
// registering the speaker: pronouns and definite descriptions ("the
// diplomat") resolve to an earlier speaker.
func (a *analyser) resolveNP(np string) string {
	np = strings.TrimSpace(np)
	if np == "" {
		return ""
	}
	lower := strings.ToLower(np)
	if _, ok := pronouns[lower]; ok {
		if lower == "they" || lower == "it" || lower == "we" {
			return a.lastAny
		}
		return a.lastPerson
	}
	toks := tokenize(np)
	if len(toks) == 0 {
		return ""
	}
	if strings.HasPrefix(lower, "one of the ") {
		np = np[len("one of the "):]
		toks = tokenize(np)
		if len(toks) == 0 {
			return ""
		}
	}
	// The personal name is the run of capitalised non-title words at the end.
	nameStart := len(toks)
	for k := len(toks) - 1; k >= 0; k-- {
		t := toks[k]
		// "Niels de Vries": a lower-case particle inside a name.
		inner := !t.Cap && isParticle(t.Word) && k > 0 && k < len(toks)-1 && toks[k-1].Cap
		if (!t.Cap && !inner) || isAcronym(t.Word) {
			break
		}
		if _, title := titleWords[t.Lower]; title {
			break
		}
		if k < len(toks)-1 && !nameJoin(np, toks, k) {
			break
		}
		nameStart = k
	}
	det := toks[0].Lower
	_, hasDet := determiners[det]
	if hasDet && nameStart == 0 {
		// A capitalised determiner ("The Kremlin", "An …" opening a
		// sentence) is not part of a name.
		nameStart = 1
	}
	// "Department of Transportation" after "of"/"for" names an
	// organisation, but in "Secretary of Commerce Gina M. Raimondo" the
	// organisation after a title's "of" is followed by a name.
	afterPrep := false
	if pi := prepBefore(toks, nameStart); pi >= 0 {
		afterPrep = true
		if titleOf(np, toks, pi) {
			if ns := a.trailingName(np, toks, nameStart); ns > nameStart {
				nameStart, afterPrep = ns, false
			}
		}
	}
	if nameStart < len(toks) && !(hasDet && nameStart == 1) && !afterPrep {
		name := np[toks[nameStart].Start:]
		title := strings.TrimSpace(np[:toks[nameStart].Start])
		if hasDet {
			title = strings.TrimSpace(title[len(toks[0].Word):])
		}
		// One capitalised word that English has only as an adverb,
		// adjective or verb opens a sentence; it names nobody ("Further,
		// Minton stated …").
		if nt := toks[nameStart:]; len(nt) == 1 && title == "" {
			if _, known := a.mentions[nt[0].Lower]; !known {
				if pos := lexPOS(nt[0].Lower); pos != 0 && pos&lexNoun == 0 {
					return ""
				}
			}
		}
		if ht := tokenize(title); len(ht) == 1 && nameAbbrev(ht[0]) && strings.HasSuffix(title, ".") {
			// An abbreviated honorific alone ("Dr.", "Gen.") is no title to
			// call someone by; the story may give a real one elsewhere.
			title = ""
		}
		return a.addPerson(name, title)
	}
	// A description or an organisation.
	desc := np
	if hasDet {
		desc = strings.TrimSpace(np[toks[0].End:])
	}
	if desc == "" {
		return ""
	}
	desc = singularSource(trimTrailingOf(desc))
	// "brief US State Department readout" → "US State Department readout".
	if dt := tokenize(desc); len(dt) > 2 && !dt[0].Cap && dt[1].Cap {
		desc = desc[dt[1].Start:]
	}
	if det == "the" {
		if prior := a.findByHead(desc); prior != "" {
			return prior
		}
	}
	return a.addOther(desc)
}

// prepBefore returns the index of the preposition that governs the
// capitalised run starting at toks[i] ("of Commerce …", "of the Federal
// Reserve …"), or -1.
func prepBefore(toks []token, i int) int {
	if i >= len(toks) {
		return -1
	}
	j := i - 1
	if j >= 0 && toks[j].Lower == "the" {
		j--
	}
	if j >= 0 && isPrep(toks[j].Lower) {
		return j
	}
	return -1
}

// titleOf reports whether the preposition at toks[pi] belongs to a
// title: a capitalised title word stands right before it, or before the
// preposition of the organisation it follows ("Secretary of Commerce",
// "Director of the Office of Budget Review").
func titleOf(text string, toks []token, pi int) bool {
	for hops := 0; pi > 0 && hops < 3; hops++ {
		k := pi - 1
		if phraseBreak(text, toks[k], toks[pi]) {
			return false
		}
		if isRole(toks[k]) {
			return true
		}
		// Back over the organisation's capitalised words to its own "of".
		for k >= 0 && toks[k].Cap && !isRole(toks[k]) && (k == 0 || !phraseBreak(text, toks[k-1], toks[k])) {
			k--
		}
		if k >= 0 && toks[k].Lower == "the" {
			k--
		}
		if k < 0 || k == pi-1 || !isPrep(toks[k].Lower) {
			return false
		}
		pi = k
	}
	return false
}

// trailingName returns where the personal name starts in the
// capitalised run toks[from:] of text when an organisation's name comes
// first ("Commerce Gina M. Raimondo"): the last two words, with the
// initials and particles among them; or the last word alone when it is a
// surname the story gives elsewhere. It returns from when the run is too
// short to hold both an organisation and a name.
func (a *analyser) trailingName(text string, toks []token, from int) int {
	var words []int // the run's words, neither initials nor particles
	for k := from; k < len(toks); k++ {
		if !isInitial(text, toks, k) && !isParticle(toks[k].Word) {
			words = append(words, k)
		}
	}
	switch {
	case len(words) >= 3:
		return words[len(words)-2]
	case len(words) == 2:
		if _, ok := a.mentions[toks[words[1]].Lower]; ok {
			return words[1]
		}
	}
	return from
}

// nameParticles join the parts of a surname: "de Vries", "van der Berg".
var nameParticles = toSet(`de van von der den da di du del della la le ter ten bin ibn al el dos das do`)

// isParticle reports whether w is a surname particle, in either case.
func isParticle(w string) bool {
	_, ok := nameParticles[strings.ToLower(w)]
	return ok
}

func isAcronym(w string) bool {
	if utf8.RuneCountInString(w) < 2 {
		return false
	}
	for _, r := range w {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// trimTrailingOf drops a closing "of the …" phrase about a thing from a
// long description: "brief US State Department readout of the call" →
// "… readout"; "Department of Transportation" stays whole.
func trimTrailingOf(desc string) string {
	i := strings.Index(desc, " of the ")
	if i > 0 && len(strings.Fields(desc[:i])) >= 2 {
		rest := desc[i+len(" of the "):]
		if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
			return desc[:i]
		}
	}
	return desc
}

func isPrep(w string) bool {
	switch w {
	case "of", "for", "at", "from", "in", "with", "to", "on":
		return true
	}
	return false
}

func singularSource(desc string) string {
	if strings.EqualFold(desc, "sources") {
		return "source"
	}
	return desc
}

// head is the noun a description is about: "source familiar with the
// matter" → "source", "brief US State Department readout" → "readout".
func head(desc string) string {
	toks := tokenize(desc)
	end := len(toks)
	for i, t := range toks {
		w := t.Lower
		if i > 0 && (w == "of" || w == "with" || w == "familiar" || w == "from" || w == "in" || w == "at" || w == "close" || w == "who" || w == "on") {
			end = i
			break
		}
	}
	if end == 0 {
		return ""
	}
	return toks[end-1].Term
}

func (a *analyser) findByHead(desc string) string {
	h := head(desc)
	if h == "" {
		return ""
	}
	for i := len(a.order) - 1; i >= 0; i-- {
		sp := a.speakers[a.order[i]]
		if sp.Person {
			continue
		}
		if head(sp.Name) == h {
			return sp.Name
		}
	}
	return ""
}

func speakerKey(name string) string {
	return strings.ToLower(name)
}

// addPerson registers a named person, merging "Peskov" with "Dmitry
// Peskov" by surname and taking the fullest name the story gives.
func (a *analyser) addPerson(name, title string) string {
	toks := tokenize(name)
	surname := toks[len(toks)-1].Lower
	full := name
	if m, ok := a.mentions[surname]; ok && len(m) > len(full) {
		full = m
	}
	// An existing speaker with the same surname is the same person.
	for _, k := range a.order {
		sp := a.speakers[k]
		if sp.Person && strings.EqualFold(lastWord(sp.Name), surname) {
			if title != "" && sp.Title == "" {
				sp.Title = title
				sp.Aliases = appendAlias(sp.Aliases, title, title+" "+sp.Name)
			}
			return sp.Name
		}
	}
	if title == "" {
		title = a.titleOf(full)
	}
	sp := &Speaker{Name: full, Title: title, Person: true}
	sp.Aliases = appendAlias(nil, lastWord(full))
	if title != "" {
		sp.Aliases = appendAlias(sp.Aliases, title, title+" "+full)
	}
	a.speakers[speakerKey(full)] = sp
	a.order = append(a.order, speakerKey(full))
	if a.mentions == nil {
		a.mentions = map[string]string{}
	}
	if len(full) > len(a.mentions[surname]) {
		a.mentions[surname] = full
	}
	return sp.Name
}

func (a *analyser) titleOf(full string) string {
	best := ""
	sur := strings.ToLower(lastWord(full))
	for _, t := range a.titles {
		// The longest title wins; among equally long ones the first in
		// alphabetical order, so the answer never depends on map order.
		if t.Surname == sur && (len(t.Title) > len(best) || len(t.Title) == len(best) && t.Title < best) {
			best = t.Title
		}
	}
	return best
}

func (a *analyser) addOther(desc string) string {
	k := speakerKey(desc)
	if sp, ok := a.speakers[k]; ok {
		return sp.Name
	}
	sp := &Speaker{Name: desc}
	a.speakers[k] = sp
	a.order = append(a.order, k)
	return sp.Name
}

func appendAlias(list []string, aliases ...string) []string {
	for _, al := range aliases {
		al = strings.TrimSpace(al)
		if al != "" && !containsFold(list, al) {
			list = append(list, al)
		}
	}
	return list
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], ".,;:")
}

func (a *analyser) speakerList() []Speaker {
	var out []Speaker
	for _, k := range a.order {
		sp := a.speakers[k]
		used := false
		for _, q := range a.story.Quotes {
			if q.Speaker == sp.Name {
				used = true
				break
			}
		}
		if used {
			out = append(out, *sp)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Person && !out[j].Person })
	return out
}

// findMentions collects the personal names a story uses: runs of two or
// more capitalised words whose last word the story also uses alone
// ("Vladimir Putin" … "Putin"), plus the title phrases before them.
// ptoks are the tokens of the story's paragraphs.
func (a *analyser) findMentions(ptoks [][]token) {
	a.mentions = map[string]string{}
	a.titles = map[string]titleRef{}
	alone := map[string]int{}
	a.common = map[string]int{}
	common := a.common
	type cand struct {
		name, title string
		titled      bool // a title word stands right before the name
	}
	var cands []cand
	for pi, p := range a.story.Paragraphs {
		if p.Kind != KindContent {
			continue
		}
		toks := ptoks[pi]
		for _, t := range toks {
			if !t.Cap {
				common[t.Term]++
			}
		}
		for i := 0; i < len(toks); {
			if !toks[i].Cap || isAcronym(toks[i].Word) {
				i++
				continue
			}
			j := i
			for {
				// A middle initial stays inside the name: "Gina M. Raimondo".
				if j+1 < len(toks) && toks[j+1].Cap && (p.Text[toks[j].End:toks[j+1].Start] == " " || j > i && isInitial(p.Text, toks, j)) {
					j++
					continue
				}
				// "Niels de Vries", "Ursula von der Leyen": particles inside a name.
				k := j + 1
				for k < len(toks) && !toks[k].Cap && isParticle(toks[k].Word) && p.Text[toks[k-1].End:toks[k].Start] == " " {
					k++
				}
				if k > j+1 && k < len(toks) && toks[k].Cap && p.Text[toks[k-1].End:toks[k].Start] == " " {
					j = k
					continue
				}
				break
			}
			run := toks[i : j+1]
			// A surname alone, or with its particle ("De Vries said").
			if len(run) == 1 || len(run) == 2 && isParticle(run[0].Word) {
				alone[run[len(run)-1].Lower]++
			}
			// Drop title words from the front: "Russian President Vladimir Putin".
			lastTitle := -1
			for k, t := range run {
				if _, ok := titleWords[t.Lower]; ok {
					lastTitle = k
				}
			}
			nameAt := i + lastTitle + 1
			// "Secretary of Commerce Gina M. Raimondo": after a title's "of"
			// the run is an organisation and then the name.
			if pi := prepBefore(toks, i); lastTitle < 0 && pi >= 0 && titleOf(p.Text, toks, pi) {
				if ns := a.trailingName(p.Text, toks[:j+1], i); ns > i {
					nameAt, lastTitle = ns, ns-i-1
				}
			}
			name := toks[nameAt : j+1]
			if len(name) >= 2 && len(name) <= 4 {
				// The title is the capitalised run and role words before the
				// name: "Kremlin spokesperson", "Russian President".
				tstart := nameAt
				for tstart > 0 && tstart > i-6 && !hasBoundary(p.Text[toks[tstart-1].End:toks[tstart].Start]) {
					t := toks[tstart-1]
					_, role := titleWords[t.Lower]
					if !(t.Cap || role) || (tstart-1 < i && !t.Cap && !role) {
						break
					}
					if _, d := determiners[t.Lower]; d {
						break
					}
					tstart--
				}
				// A title may not start or end with a linking word.
				for tstart < nameAt && (toks[tstart].Lower == "of" || toks[tstart].Lower == "for" || toks[tstart].Lower == "the") {
					tstart++
				}
				title := ""
				if tstart < nameAt {
					title = p.Text[toks[tstart].Start:name[0].Start]
				}
				cands = append(cands, cand{name: p.Text[name[0].Start:name[len(name)-1].End], title: strings.TrimSpace(title),
					titled: lastTitle >= 0})
			}
			i = j + 1
		}
	}
	for _, c := range cands {
		sur := strings.ToLower(lastWord(c.name))
		// A name is a person's when the story uses the surname alone, or
		// puts a title before it ("Economy Minister Pieter Smit").
		if alone[sur] == 0 && !c.titled {
			continue
		}
		if len(c.name) > len(a.mentions[sur]) {
			a.mentions[sur] = c.name
		}
		if c.title != "" {
			a.titles[strings.ToLower(c.title)] = titleRef{Title: c.title, Surname: sur}
		}
	}
	// Surnames used alone but never given in full are still people if a
	// speech verb follows them somewhere; resolveNP handles those.
}

// QuotedSpans returns the inner spans of the quotations in text (“…” or
// "…"), without the marks; an unclosed quotation runs to the end.
func QuotedSpans(text string) []Span {
	var out []Span
	for _, q := range findQuoteMarks(text) {
		out = append(out, Span{q.innerStart, q.innerEnd})
	}
	return out
}
