package knowledge

import (
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
	s.Mentions = a.mentions
	s.titles = a.titles
	s.Dates = resolveDates(s, st.runs)
}

type analyser struct {
	story    *Story
	speakers map[string]*Speaker // key: speakerKey
	order    []string
	mentions map[string]string // surname → fullest name
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
			if speaker == "" && lastInPara != "" {
				speaker = lastInPara // a second quote with no attribution of its own
			}
			if speaker == "" && q.open == skipSpace(p.Text, 0) && a.lastAny != "" && q.closed {
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
func findQuoteMarks(text string) []quoteMarks {
	var out []quoteMarks
	inCurly, inStraight := -1, -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '“' && inCurly < 0 && inStraight < 0:
			inCurly = i
		case r == '”' && inCurly >= 0:
			out = append(out, quoteMarks{open: inCurly, innerStart: inCurly + len("“"), innerEnd: i, close: i + size, closed: true})
			inCurly = -1
		case r == '"' && inCurly < 0:
			if inStraight < 0 {
				inStraight = i
			} else {
				out = append(out, quoteMarks{open: inStraight, innerStart: inStraight + 1, innerEnd: i, close: i + 1, closed: true})
				inStraight = -1
			}
		}
		i += size
	}
	if inCurly >= 0 {
		out = append(out, quoteMarks{open: inCurly, innerStart: inCurly + len("“"), innerEnd: len(text), close: len(text)})
	} else if inStraight >= 0 {
		out = append(out, quoteMarks{open: inStraight, innerStart: inStraight + 1, innerEnd: len(text), close: len(text)})
	}
	return out
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
		if hasBoundary(post[toks[vi-1].End:toks[vi].Start]) {
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
	for j >= 0 && !hasBoundary(text[toks[j].End:toks[j+1].Start]) {
		w := toks[j].Lower
		if _, ok := preVerb[w]; ok || (strings.HasSuffix(w, "ly") && !toks[j].Cap && len(w) > 4) {
			j--
			continue
		}
		break
	}
	if j < 0 || hasBoundary(text[toks[j].End:toks[j+1].Start]) {
		return ""
	}
	end := j
	start := j + 1
	for k := j; k >= 0 && end-k < 10; k-- {
		if k < j && hasBoundary(text[toks[k].End:toks[k+1].Start]) {
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
	if start >= len(toks) || hasBoundary(text[toks[vi].End:toks[start].Start]) {
		return ""
	}
	end := start
	for k := start; k < len(toks) && k-start < 10; k++ {
		if k > start && hasBoundary(text[toks[k-1].End:toks[k].Start]) {
			break
		}
		w := toks[k].Lower
		if _, stop := npStop[w]; stop && k > start {
			break
		}
		end = k
	}
	return strings.TrimSpace(text[toks[start].Start:toks[end].End])
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
		if k > i && hasBoundary(text[toks[k-1].End:toks[k].Start]) {
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
		if k < len(toks)-1 && np[t.End:toks[k+1].Start] != " " {
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
	// "Department of Transportation" after "of"/"for" names an organisation.
	afterPrep := nameStart > 0 && nameStart < len(toks) && isPrep(toks[nameStart-1].Lower)
	if nameStart < len(toks) && !(hasDet && nameStart == 1) && !afterPrep {
		name := np[toks[nameStart].Start:]
		title := strings.TrimSpace(np[:toks[nameStart].Start])
		if hasDet {
			title = strings.TrimSpace(title[len(toks[0].Word):])
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
		for i := 0; i < len(toks); {
			if !toks[i].Cap || isAcronym(toks[i].Word) {
				i++
				continue
			}
			j := i
			for {
				if j+1 < len(toks) && toks[j+1].Cap && p.Text[toks[j].End:toks[j+1].Start] == " " {
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
			name := run[lastTitle+1:]
			if len(name) >= 2 && len(name) <= 4 {
				// The title is the capitalised run and role words before the
				// name: "Kremlin spokesperson", "Russian President".
				tstart := i + lastTitle + 1
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
				for tstart < i+lastTitle+1 && (toks[tstart].Lower == "of" || toks[tstart].Lower == "for" || toks[tstart].Lower == "the") {
					tstart++
				}
				title := ""
				if tstart < i+lastTitle+1 {
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
