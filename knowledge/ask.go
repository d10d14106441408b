package knowledge

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes user text safe to process and echo: control characters
// and invalid UTF-8 are dropped and runs of white space become one space.
func CleanText(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// checkQuestion cleans a question and rejects empty and over-long ones.
func checkQuestion(q string) (string, error) {
	if len(q) > MaxQuestionLen {
		return "", fmt.Errorf("question of %d characters: %w", len(q), ErrQuestionTooLong)
	}
	q = CleanText(q)
	if q == "" {
		return "", ErrEmptyQuestion
	}
	return q, nil
}

// Ask answers a question in quote mode: the 1–3 story sentences that best
// answer it, verbatim, each cited. When the stories do not cover the
// question it abstains and names the closest passage.
func (l *Library) Ask(question string, opts AskOptions) (Answer, error) {
	q, err := checkQuestion(question)
	if err != nil {
		return Answer{}, err
	}
	sn := l.snap.Load()
	if a, ok := sn.answerMeta(q, opts); ok {
		return a, nil
	}
	if a, ok := sn.answerOverview(q, opts); ok {
		return a, nil
	}
	if a, ok := sn.answerIdentity(q, opts); ok {
		return a, nil
	}
	qr := sn.parseQuery(q, opts)
	ranked := sn.rank(qr, opts.Story)
	ans := Answer{Question: q}
	if qr.unquoted != "" {
		return sn.unquotedAnswer(ans, qr, ranked), nil
	}
	all := ranked
	var strange int
	ranked, strange = sn.coveringStories(qr, ranked)
	// The story that knows most of the names still lacks one that is no
	// English word: most often a person it never speaks of.
	qr.unknownNames = max(qr.unknownNames, min(strange, 1))
	ans.Why = sn.explain(qr, ranked, opts)
	if len(ranked) == 0 || ans.Why.Declined() || ans.Why.Foreign {
		ans.Abstained = true
		ans.Text = "The story doesn't say."
		if len(sn.stories) > 1 {
			ans.Text = "The stories don't say."
		}
		closest := sn.closest(all)
		if closest != nil {
			ans.Closest = closest
			ans.Text += fmt.Sprintf(" Closest passage: %s (it does not answer this).", sn.marker(*closest))
		}
		return ans, nil
	}
	maxC := opts.MaxCitations
	if maxC <= 0 {
		maxC = 3
	}
	picked := pickSentences(sn, qr, ranked, maxC)
	for _, r := range picked {
		ans.Citations = append(ans.Citations, sn.citation(r))
	}
	ans.Citations = sn.wholeQuotations(ans.Citations)
	var text []string
	for _, c := range ans.Citations {
		text = append(text, c.Quote+" "+sn.marker(c))
	}
	ans.Text = strings.Join(text, " ")
	// Answered, but the model was nearly as ready to decline: say so, so
	// the reader weighs the passage rather than takes it as the answer.
	if ans.Why.Decline >= ans.Why.Threshold-hedgeMargin {
		ans.Hedged = true
		ans.Text = "This may not answer it; the closest passage: " + ans.Text
	}
	if notes := sn.dateNotes(ans.Citations); notes != "" {
		ans.Text += "\n" + notes
	}
	return ans, nil
}

// hedgeMargin is how close below the threshold the decline probability
// of an answered question may come before the answer says it may not
// answer.
const hedgeMargin = 0.15

// wholeQuotations widens each citation that cuts a quotation to the
// sentences holding the whole quotation, so no answer opens or closes a
// quotation mark it does not show ("You stop at the battle line,” Trump
// told reporters); citations of one paragraph that then overlap are
// merged, and a paragraph's citations read in its order. Spans stay exact
// substrings.
func (sn *snapshot) wholeQuotations(cs []Citation) []Citation {
	var out []Citation
	for _, c := range cs {
		si, ok := sn.byID[c.Story]
		if !ok {
			out = append(out, c)
			continue
		}
		p := sn.stories[si].Paragraph(c.Paragraph)
		if p == nil {
			out = append(out, c)
			continue
		}
		quotes := sn.stories[si].Quotes // their inner spans, found when the story was read
		for changed := true; changed; {
			changed = false
			for _, q := range quotes {
				if q.Paragraph != c.Paragraph {
					continue
				}
				in := q.Span
				cuts := (c.Start > in.Start && c.Start < in.End) || (c.End > in.Start && c.End < in.End)
				if !cuts {
					continue
				}
				start, end := min(c.Start, sentenceStart(p, in.Start)), max(c.End, sentenceEnd(p, in.End-1))
				if start != c.Start || end != c.End {
					c.Start, c.End, changed = start, end, true
				}
			}
		}
		c.Quote = p.Text[c.Start:c.End]
		merged := false
		for i := range out {
			o := &out[i]
			if o.Story != c.Story || o.Paragraph != c.Paragraph {
				continue
			}
			lo, hi := min(o.Start, c.Start), max(o.End, c.End)
			if c.Start < o.End && o.Start < c.End { // overlapping once widened
				o.Start, o.End, o.Quote = lo, hi, p.Text[lo:hi]
				if o.Speaker == "" {
					o.Speaker = c.Speaker
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, c)
		}
	}
	// Within one paragraph, read in the paragraph's order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Story == out[j-1].Story && out[j].Paragraph == out[j-1].Paragraph && out[j].Start < out[j-1].Start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// sentenceStart and sentenceEnd return the bounds of the sentence of p
// that holds byte off (the offset itself when no sentence does).
func sentenceStart(p *Paragraph, off int) int {
	for _, sp := range p.Sentences {
		if off >= sp.Start && off < sp.End {
			return sp.Start
		}
	}
	return off
}

func sentenceEnd(p *Paragraph, off int) int {
	for _, sp := range p.Sentences {
		if off >= sp.Start && off < sp.End {
			return sp.End
		}
	}
	return off + 1
}

// closest names the passage nearest a question the stories do not
// answer: its best sentence, or, when no word of it matched (only typos,
// only function words, another language), the lead of the newest story.
func (sn *snapshot) closest(ranked []scored) *Citation {
	if len(ranked) > 0 {
		c := sn.citation(ranked[0])
		return &c
	}
	for d := range sn.docs {
		if len(sn.docs[d].pix.sents) > 0 {
			c := sn.citation(scored{doc: int32(d)})
			return &c
		}
	}
	return nil
}

// coveringStories keeps the ranked sentences of the stories that know
// the most of the question's proper nouns (storyMissing): a question
// about the weather in Budapest is answered from the story about
// Budapest, not from one about the weather. It is a preference, not a
// veto: a reader names things as the world knows them ("Long Island" for
// a story datelined Central Islip, "the Middle East" for CENTCOM's area),
// so when no story knows every name the best of them still competes, and
// strange reports how many names the first kept story lacks that are no
// English word, for the decision to weigh.
func (sn *snapshot) coveringStories(qr query, ranked []scored) (kept []scored, strange int) {
	if len(sn.stories) < 2 || len(qr.proper) == 0 {
		return ranked, 0 // the library-wide tests in abstain decide alone
	}
	type miss struct{ missing, strange int }
	by := map[int]miss{}
	least := -1
	for _, r := range ranked {
		si := sn.docs[r.doc].story
		if _, ok := by[si]; ok {
			continue
		}
		m, s := sn.storyMissing(si, qr)
		by[si] = miss{m, s}
		if least < 0 || m < least {
			least = m
		}
	}
	first := true
	for _, r := range ranked {
		m := by[sn.docs[r.doc].story]
		if m.missing != least {
			continue
		}
		if first {
			strange, first = m.strange, false
		}
		kept = append(kept, r)
	}
	return kept, strange
}

// unquotedAnswer says that the stories quote no words of the person the
// question asks about, naming as closest the best passage that mentions
// them: nobody else's words are handed out as theirs.
func (sn *snapshot) unquotedAnswer(ans Answer, qr query, ranked []scored) Answer {
	// A readout that reports their words ("Rubio “emphasized the
	// importance of …”", quoted from the readout) is what the story has:
	// given as reported, under the source it quotes.
	if cs := sn.reportedWords(qr.unquoted); len(cs) > 0 {
		ans.Citations = sn.wholeQuotations(cs)
		var text []string
		for _, c := range ans.Citations {
			text = append(text, c.Quote+" "+sn.marker(c))
		}
		ans.Text = fmt.Sprintf("The story quotes no words of %s directly; it reports them: %s", qr.unquoted, strings.Join(text, " "))
		if len(sn.stories) > 1 {
			ans.Text = fmt.Sprintf("The stories quote no words of %s directly; they report them: %s", qr.unquoted, strings.Join(text, " "))
		}
		return ans
	}
	ans.Abstained = true
	ans.Text = fmt.Sprintf("The story quotes no words of %s.", qr.unquoted)
	if len(sn.stories) > 1 {
		ans.Text = fmt.Sprintf("The stories quote no words of %s.", qr.unquoted)
	}
	if len(ranked) == 0 {
		return ans
	}
	best := ranked[0]
	if id, ok := lookupTerm(normTerm(lastWord(qr.unquoted))); ok {
		for _, r := range ranked {
			if sn.docs[r.doc].pix.has(id) {
				best = r
				break
			}
		}
	}
	c := sn.citation(best)
	ans.Closest = &c
	ans.Text += fmt.Sprintf(" Closest passage: %s (it mentions %s but does not quote them).", sn.marker(c), qr.unquoted)
	return ans
}

// Retrieve returns up to k paragraphs most relevant to a question, best
// first, for building an LLM prompt. It never returns the whole library.
func (l *Library) Retrieve(question string, k int, opts AskOptions) ([]Passage, error) {
	q, err := checkQuestion(question)
	if err != nil {
		return nil, err
	}
	sn := l.snap.Load()
	qr := sn.parseQuery(q, opts)
	ranked := sn.rank(qr, opts.Story)
	var out []Passage
	seen := map[int32]bool{}
	for _, r := range ranked {
		if seen[r.doc] {
			continue
		}
		seen[r.doc] = true
		d := sn.docs[r.doc]
		s := sn.stories[d.story]
		p := &s.Paragraphs[d.pix.para]
		out = append(out, Passage{Story: s.ID, Paragraph: p.N, Text: p.Text, Score: r.score})
		if len(out) == k {
			break
		}
	}
	return out, nil
}

// Covered reports whether the stories cover a question well enough to
// answer it, using the same test as Ask's abstention.
func (l *Library) Covered(question string, opts AskOptions) bool {
	a, err := l.Ask(question, opts)
	return err == nil && !a.Abstained
}

// qterm is one content word of a question with the words that may stand
// in for it.
type qterm struct {
	surface string // the index term
	lower   string // the word as asked, in lower case
	alts    []alt  // alts[0] is the word itself when some story uses it
	idf     float64
	weight  float64 // 1 for the question's words, less for thread context and titles
	name    bool    // a personal name or other proper noun
	known   bool    // some story uses the word itself
	title   bool    // part of a title that stands for a person
	ctx     bool    // from the thread's earlier messages, not the question
	// dateline is true for a year or month of a story's date.
	dateline bool
}

type alt struct {
	id       uint32
	strength float64
	vec      bool // a GloVe neighbour: evidence of topic, not of meaning
	// kind is true for a neighbour WordNet knows as a kind of the word
	// ("summit" of "gathering"), false for one that only keeps company
	// with it ("attorney" with "judge").
	kind bool
	// loose is true for a WordNet link looser than a synonym or a derived
	// form (a hypernym, a hyponym, a similar word: "rescue" for "save"):
	// it ranks as a WordNet stand-in, but the decision to answer does not
	// count it as the word itself.
	loose bool
}

// exact reports whether the stand-in counts as the word itself for the
// decision to answer: the word, a form of it, a WordNet synonym or
// derived form.
func (a alt) exact() bool { return !a.vec && !a.loose }

type queryKind uint8

const (
	qOther queryKind = iota
	qWho
	qWhen
	qWhere
	qWhy
	qHowLong
	qHowMany
)

type query struct {
	text     string
	terms    []qterm
	kind     queryKind
	quote    bool     // asks what someone said
	modal    bool     // asks what could or might happen
	yesNo    bool     // asks whether something is so ("did they reach a deal?")
	speakers []string // canonical speakers the question names
	// unknownNames counts the proper nouns of the question that no story
	// mentions, itself or through a stand-in.
	unknownNames int
	// toks are the question's own tokens and proper the indexes in toks
	// of its proper nouns, which the story answering should know together
	// (see coveringStories).
	toks   []token
	proper []int
	// unquoted is the full name of a person the question asks the words
	// of whom the stories mention but never quote.
	unquoted string
	// corrected lists the misspelt words the question was read with.
	corrected []correction
	// money is true for a question that asks for a sum of money ("how
	// much did the tour cost"), age for one that asks how old someone is:
	// the answer needs a currency amount, an age.
	money, age bool
	// future is true for a when-question about what is still to come.
	future bool
	// focus are the indexes in terms of the words the question asks
	// about: the noun after "what" or "which" ("what rocket"), the
	// subject after the auxiliary ("what was the vote count"), the word
	// after "how" ("how old"), and the last word ("how much did it cost").
	focus []int
	// predicate, for a yes-or-no question, is the verb it asks about
	// ("was Haskell *barred*", "did the council *vote*"): a story that
	// lacks it probably does not say. It weighs in the decision to
	// answer as the focus does, not in the ranking, where a reader's
	// verb is often not the story's.
	predicate []int
}

var (
	sayRe = regexp.MustCompile(`\b(say|said|says|tell|told|quote|quotes|quoted|describe|described|call|called|put it|words|statement|statements|claim|respond|response|react|comment|comments|commented|remarks)\b`)
	// whNounRe is a question word followed by a noun of its own and an
	// auxiliary: "what weapon did …", "which agency has …". These
	// patterns match a question in lower case: (?i) costs a case fold
	// at every step.
	whNounRe       = regexp.MustCompile(`^(?:what|which) ([a-z]+) (?:did|does|do|will|would|has|have|had|was|were|is|are|could|can)\b`)
	nounCallRe     = regexp.MustCompile(`\b(a|an|the|another|phone|this|that|their|his|her|its|next|first|last|second|one|any|no)\s+calls?\b`)
	calledOffRe    = regexp.MustCompile(`\b(call|calls|called|calling) (off|it off)\b`)
	quoteNounRe    = regexp.MustCompile(`^(words|message|statement|comment|comments|remarks|reaction|response|quote|quotes|point|argument|warning|claim|promise|pledge|explanation|reason)$`)
	howLongSinceRe = regexp.MustCompile(`\bhow long (?:has it been |had it been |is it |was it |it has been )?since\b`)
	howLongRe      = regexp.MustCompile(`^how (long|much time)\b|\bhow long\b|\bfor how long\b`)
	howManyRe      = regexp.MustCompile(`\bhow (many|much)\b|\bwhat (number|percentage|share)\b`)
	whenRe         = regexp.MustCompile(`^(when|which day)\b|\b(what|which) (day|date|time|week|month|year)\b`)
	whereRe        = regexp.MustCompile(`^(where|in what (city|country|place)|in which)\b|\b(what|which) (city|cities|country|countries|state|states|town|towns|place|places|region|regions|nation|nations|county|counties|location|locations)\b`)
	whyRe          = regexp.MustCompile(`^(why|what (caused|led|prompted)|for what reason)\b|\breason\b`)
	// whWordRe finds a question's first question word: "when", "where" or
	// "why" later than another ("who was in charge when …") opens a
	// clause, not the question.
	whWordRe = regexp.MustCompile(`\b(what|which|who|whom|whose|where|when|why|how)\b`)
	whoRe    = regexp.MustCompile(`^(who|whom|whose)\b`)
	// General English words for sums of money, after "how much" or as
	// the thing "what" asks for.
	moneyQuestionRe   = regexp.MustCompile(`\b(cost|costs|costing|spend|spends|spent|spending|pay|pays|paid|worth|price|priced|budget|salary|salaries|fund|funds|funding|funded|money|invest|invested|investment|earn|earns|earned|revenue|fee|fees|fine|fined|charge|charged|raise|raised|dollars)\b`)
	howManyCurrencyRe = regexp.MustCompile(`\bhow many (dollars|euros|pounds|yen|cents)\b`)
	dueToBeRe         = regexp.MustCompile(`\bdue to be\b`)
	moneyWhatRe       = regexp.MustCompile(`\bwhat (is|was|were|are|will be)( the| its| his| her| their)?( \w+(?:'s|’s)?)? (salary|price|cost|budget|fee|value|worth|pay)\b`)
)

func (sn *snapshot) parseQuery(q string, opts AskOptions) query {
	// Misspelt words are read as the library word they misspell, so the
	// question's type and terms come from what the reader meant.
	var fixes []correction
	if spellingOn {
		q, fixes = sn.correctSpelling(q)
	}
	qr := query{text: q, corrected: fixes}
	// Each pattern runs only when the question holds a word it needs.
	lower, odd := strings.ToLower(q), oddFold(q)
	may := func(subs ...string) bool { return odd || containsAny(lower, subs) }
	firstWh := ""
	if m := whWordRe.FindString(lower); m != "" {
		firstWh = strings.ToLower(m)
	}
	switch {
	case may("how ") && (strings.Contains(lower, "how long ago") || howLongSinceRe.MatchString(lower)):
		qr.kind = qWhen // an age, not a duration: "how long has it been since they met"
	case may("how ") && howLongRe.MatchString(lower):
		qr.kind = qHowLong
	case may("how old", "what age", "how far", "how big", "how large", "how tall", "how high", "how deep", "how fast"):
		qr.kind = qHowMany // a measure: a number answers
	case may("how soon"):
		qr.kind = qHowLong // "within two weeks": a span answers
	case may("how ", "what ") && howManyRe.MatchString(lower):
		qr.kind = qHowMany
	case may("why", "what ", "reason") && (whyRe.MatchString(lower) || firstWh == "why"):
		qr.kind = qWhy
	case may("when", "what ", "which ") && (whenRe.MatchString(lower) || firstWh == "when"):
		qr.kind = qWhen
	case may("where", "what ", "which ") && (whereRe.MatchString(lower) || firstWh == "where"):
		qr.kind = qWhere
	case may("who") && whoRe.MatchString(lower):
		qr.kind = qWho
	}
	// "How many co-conspirators were charged" counts people: only "how
	// much" asks for a sum, or "how many" of a currency.
	qr.money = qr.kind == qHowMany && moneyQuestionRe.MatchString(lower) && (!strings.Contains(lower, "how many") || howManyCurrencyRe.MatchString(lower)) ||
		may("what ") && moneyWhatRe.MatchString(lower)
	qr.age = may("how old", "what age")
	// "When will construction begin", "when are they due to be
	// sentenced": a date still to come answers.
	qr.future = qr.kind == qWhen && ((containsAny(lower, futureMarkers) && futureRe.MatchString(lower)) || dueToBeRe.MatchString(lower))
	qr.quote = may("say", "said", "tell", "told", "quot", "describ", "call", "put it", "words", "statement", "claim", "respon", "react", "comment", "remarks") &&
		sayRe.MatchString(lower)
	// "Called off" is cancelled, not said, and "another call" is a phone
	// call, not someone's words.
	if qr.quote && strings.Contains(lower, "call") && !sayRe.MatchString(nounCallRe.ReplaceAllString(calledOffRe.ReplaceAllString(lower, ""), "")) {
		qr.quote = false
	}
	// "What weapon did he say he would use" asks for a thing he named,
	// not for his words: a question word with a noun of its own asks for
	// that noun.
	if m := whNounRe.FindStringSubmatch(lower); m != nil && qr.quote && !strings.HasSuffix(m[1], "ly") &&
		!sayRe.MatchString(m[1]) && !quoteNounRe.MatchString(m[1]) {
		qr.quote = false
	}
	sn.addTerms(&qr, q, 1)
	qr.quietSpeakerNames()
	if opts.Context != "" {
		sn.addTerms(&qr, CleanText(opts.Context), 0.4)
	}
	return qr
}

// sayWords are the words that ask for someone's words.
// Nouns such as "call" or "statement" are left out: "When did they have
// a phone call?" asks about the call, not for anyone's words.
var sayWords = toSet(`say said says tell told quote quoted describe described respond responded responds react
reacted reply replied quotes remarks comments statement statements`)

// sayAdverbs let unquotedSayer see past an adverb to the subject of a
// verb of saying ("she also said").
var sayAdverbs = toSet(`also not never then first later`)

// unquotedSayer returns the full name of the person a question asks the
// words of ("What did Putin say about …") when the stories mention that
// person but quote nobody of that name; a question naming a speaker the
// stories do quote before its verb of saying returns "".
func (sn *snapshot) unquotedSayer(toks []token) string {
	p := slices.IndexFunc(toks, func(t token) bool {
		_, ok := sayWords[t.Lower]
		return ok
	})
	if p < 0 {
		return ""
	}
	// "Any quotes from Rubio?", "remarks by Lavrov": the one who spoke
	// comes after the words, not before.
	if p+2 < len(toks) && quoteNouns[toks[p].Lower] && (toks[p+1].Lower == "from" || toks[p+1].Lower == "by" || toks[p+1].Lower == "of") {
		return sn.unquotedIn(toks[p+2:])
	}
	// "Did he take back what he had said": the one who said is "he", and
	// a name earlier in the question is not who spoke.
	for i := p - 1; i >= 0; i-- {
		if _, ok := pronouns[toks[i].Lower]; ok {
			return ""
		}
		_, aux := auxWords[toks[i].Lower]
		if _, adv := sayAdverbs[toks[i].Lower]; !aux && !adv {
			break
		}
	}
	// "Who was the director quoted about …" asks for a person, not for
	// the words of one it names.
	if w := toks[0].Lower; w == "who" || w == "whom" || w == "whose" {
		return ""
	}
	return sn.unquotedIn(toks[:p]) // which declines when toks[:p] names a quoted speaker
}

// quoteNouns name someone's words: "quotes from X", "remarks by X".
var quoteNouns = map[string]bool{"quote": true, "quotes": true, "quotation": true, "quotations": true,
	"remarks": true, "comments": true, "statement": true, "statements": true, "words": true}

// unquotedIn returns the full name of a person the stories mention but
// never quote whom toks name, or "".
func (sn *snapshot) unquotedIn(toks []token) string {
	if len(sn.namedSpeakers(toks)) > 0 {
		return ""
	}
	for i, t := range toks {
		lw := t.Lower
		// Lower-case is fine: readers type "what did rubio say".
		full, ok := sn.mentions[lw]
		if !ok || sn.quotedSurname(lw) || len(sn.sayers[lw]) > 0 {
			continue
		}
		// "National Hurricane Center" is not "Visitor Center": a
		// capitalised word before the surname must be of the same name.
		if i > 0 && toks[i-1].Cap && t.Cap && !slices.ContainsFunc(strings.Fields(full), func(w string) bool {
			return strings.EqualFold(strings.Trim(w, ".,"), toks[i-1].Word)
		}) && !isRole(toks[i-1]) {
			continue
		}
		return full
	}
	return ""
}

// quietSpeakerNames lowers the weight of the words that name the person a
// "what did X say about Y" question asks the words of, with the title
// written with the name ("U.S. Attorney Stephanie Finley"): the speaker
// bonus in rank finds their sentences, whether they say "Finley" or "I",
// and counted as search words the name and title would rather find the
// paragraph that introduces them than the one where they speak.
func (qr *query) quietSpeakerNames() {
	if !qr.quote || len(qr.speakers) == 0 {
		return
	}
	inName := func(t token) bool { return qr.namesSpeaker(t.Term) }
	quiet := map[string]bool{}
	for i := 0; i < len(qr.toks); {
		j := i
		// A name typed in lower case is a run of its own ("what did
		// peskov tell journalists").
		for j < len(qr.toks) && (qr.toks[j].Cap && i > 0 || inName(qr.toks[j])) {
			j++
		}
		if j == i {
			i++
			continue
		}
		if slices.ContainsFunc(qr.toks[i:j], inName) {
			for _, t := range qr.toks[i:j] {
				quiet[t.Term] = true
			}
			// "What did Thomas Reinholt of the Ohio Lake Erie Commission
			// say about …": what stands between the name and the verb of
			// saying describes the speaker too.
			if k := slices.IndexFunc(qr.toks[j:], func(t token) bool { _, ok := speechFrame[t.Lower]; return ok }); k > 0 {
				for _, t := range qr.toks[j : j+k] {
					quiet[t.Term] = true
				}
			}
		}
		i = j
	}
	for k := range qr.terms {
		if quiet[qr.terms[k].surface] {
			qr.terms[k].weight *= speakerNameWeight
		}
	}
}

// speakerNameWeight is the weight of a speaker's name and title in a
// "what did X say" question.
var speakerNameWeight = 0.3

// namesSpeaker reports whether an index term is a word of the name of
// one of the speakers the question asks about.
func (qr query) namesSpeaker(term string) bool {
	for _, name := range qr.speakers {
		if slices.ContainsFunc(strings.Fields(name), func(w string) bool { return normTerm(w) == term }) {
			return true
		}
	}
	return false
}

// speakerTermIDs returns the ids of the question's words that name one of
// the speakers it asks about.
func (qr query) speakerTermIDs() []uint32 {
	var ids []uint32
	for _, t := range qr.terms {
		if len(t.alts) == 0 {
			continue
		}
		if qr.namesSpeaker(t.surface) {
			ids = append(ids, t.alts[0].id)
		}
	}
	return ids
}

// maxTitlePeople bounds the people one title in a question is matched
// against; past it the title is ambiguous and costs a pass per story.
const maxTitlePeople = 8

// distinctSurnames counts the different people title matches stand for.
func distinctSurnames(refs []titleRef) int {
	seen := map[string]bool{}
	for _, r := range refs {
		seen[r.Surname] = true
	}
	return len(seen)
}

// maxTitledSayers is how many people a title in a question may stand for
// before it is too ambiguous to pick their words ("the finance minister"
// across many stories).
const maxTitledSayers = 3

// reportedSayers returns the names of the people a question asks the words
// of ("What did Smit say …") whom the stories report speaking without
// quoting them: their reported sentences are the answer.
func (sn *snapshot) reportedSayers(toks []token) []string {
	p := slices.IndexFunc(toks, func(t token) bool {
		_, ok := sayWords[t.Lower]
		return ok
	})
	if p < 0 {
		return nil
	}
	var out []string
	for _, t := range toks[:p] {
		for _, name := range sn.sayers[t.Lower] {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// quotedSurname reports whether any story quotes a person of that surname.
func (sn *snapshot) quotedSurname(lw string) bool {
	for _, i := range sn.speakersByWord[lw] {
		if sp := sn.speakers[i]; sp.Person && strings.ToLower(lastWord(sp.Name)) == lw {
			return true
		}
	}
	return false
}

// storyUses reports whether story si uses term in a content paragraph.
func (sn *snapshot) storyUses(si int, term string) bool {
	id, ok := lookupTerm(term)
	if !ok {
		return false
	}
	for pi := range sn.stories[si].index.paras {
		if sn.stories[si].index.paras[pi].has(id) {
			return true
		}
	}
	return false
}

// hasKnownNeighbour reports whether a capitalised word is part of a name
// the stories know ("Sergei Lavrov" when the story spells "Sergey").
func hasKnownNeighbour(sn *snapshot, toks []token, i int) bool {
	for _, j := range []int{i - 1, i + 1} {
		if j < 0 || j >= len(toks) || !toks[j].Cap {
			continue
		}
		if id, ok := lookupTerm(toks[j].Term); ok && sn.df(id) > 0 && sn.isName(toks[j].Lower) {
			return true
		}
	}
	return false
}

// hasModal reports whether modalRe matches text.
func hasModal(text string) bool {
	if oddFold(text) {
		return modalRe.MatchString(text)
	}
	return hasModalWord(text, wordRuns(text, nil))
}

var modalRe = regexp.MustCompile(`(?i)\b(could|might|may|possible|possibly|likely|potential|potentially)\b`)

// isAcronymStop keeps words like "US" or "I" from counting as unknown names.
func isAcronymStop(w string) bool {
	return w == "I" || isStop(strings.ToLower(w))
}

// isName reports whether any story uses the lower-cased word as a person's
// surname or first name.
func (sn *snapshot) isName(lw string) bool {
	_, ok := sn.mentions[lw]
	return ok
}

// matchTitles returns the title phrases of the stories whose words all
// occur in the question, story by story, dropping any that is part of a
// longer match in the same story.
func (sn *snapshot) matchTitles(words map[string]bool) []titleRef {
	var hits []titleEntry
	people := map[string]bool{}
	for w := range words {
		for _, g := range sn.titlesByWord[w] {
			if !slices.ContainsFunc(g.words, func(x string) bool { return !words[x] }) {
				for _, e := range g.entries {
					hits = append(hits, e)
					people[e.ref.Surname] = true
					if len(people) > maxTitlePeople {
						return nil // a title many stories give to different people names nobody
					}
				}
			}
		}
	}
	slices.SortFunc(hits, func(a, b titleEntry) int {
		if c := cmp.Compare(a.story, b.story); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	var out []titleRef
	runStart := 0 // hits are sorted by story: compare within one story's run
	for i, h := range hits {
		if h.story != hits[runStart].story {
			runStart = i
		}
		sub := false
		for j := runStart; j < len(hits) && hits[j].story == h.story; j++ {
			if i != j && len(hits[j].words) > len(h.words) && isSubset(h.words, hits[j].words) {
				sub = true
				break
			}
		}
		// A title that only repeats a name already in the question adds nothing.
		if !sub && !words[h.ref.Surname] {
			out = append(out, h.ref)
		}
	}
	return out
}

func isSubset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// namedSpeakers returns the speakers the question names.
func (sn *snapshot) namedSpeakers(toks []token) []string {
	var out []string
	words := map[string]bool{}
	for _, t := range toks {
		words[t.Lower] = true
	}
	var cands []int32
	for w := range words {
		cands = append(cands, sn.speakersByWord[w]...)
	}
	slices.Sort(cands)
	seen := map[string]bool{}
	var byTitle []string
	for _, i := range slices.Compact(cands) {
		sp := sn.speakers[i]
		if seen[sp.Name] || !speakerNamed(sp, words) {
			continue
		}
		seen[sp.Name] = true
		if sp.Person && !words[strings.ToLower(lastWord(sp.Name))] {
			byTitle = append(byTitle, sp.Name) // named by title alone: "the mayor"
			continue
		}
		out = append(out, sp.Name)
	}
	// A title many people hold in the stories names none of them.
	if len(byTitle) <= maxTitledSayers {
		out = append(out, byTitle...)
	}
	return out
}

// speakerNamed reports whether the words name the speaker: the surname
// of a person, or every content word of a description.
func speakerNamed(sp Speaker, words map[string]bool) bool {
	if sp.Person {
		if words[strings.ToLower(lastWord(sp.Name))] {
			return true
		}
		// "the mayor" names Mayor Linda Ortiz when the title's words are all there.
		n := 0
		for _, w := range strings.Fields(strings.ToLower(sp.Title)) {
			if isStop(w) {
				continue
			}
			if !words[w] {
				return false
			}
			n++
		}
		return n > 0
	}
	n := 0
	for _, w := range strings.Fields(strings.ToLower(sp.Name)) {
		w = strings.Trim(w, ".,")
		if isStop(w) {
			continue
		}
		if !words[w] {
			return false
		}
		n++
	}
	return n > 0
}

// pickSentences chooses up to n sentences: the best one, then others that
// score nearly as well. When the best sentence lacks what the question
// type asks for (a reason, a duration, a date) and another sentence of the
// same paragraph has it, that one comes along: "why was it put on hold?"
// wants the sentence that gives the reason, not only the one that says so.
func pickSentences(sn *snapshot, qr query, ranked []scored, n int) []scored {
	out := []scored{ranked[0]}
	if want := cueFeature(qr.kind); want != 0 && sn.docs[ranked[0].doc].pix.sents[ranked[0].sent].feats&want == 0 {
		for _, r := range ranked[1:] {
			if r.doc == ranked[0].doc && sn.docs[r.doc].pix.sents[r.sent].feats&want != 0 && r.sentCov > 0 {
				out = append(out, r)
				break
			}
		}
	}
	for _, r := range ranked[1:] {
		if len(out) >= n {
			break
		}
		if r.score < 0.75*ranked[0].score || r.sentCov == 0 {
			break
		}
		if !slices.ContainsFunc(out, func(x scored) bool { return x.doc == r.doc && x.sent == r.sent }) {
			out = append(out, r)
		}
	}
	return out
}

// citation turns a ranked sentence into a verbatim citation.
func (sn *snapshot) citation(r scored) Citation {
	d := sn.docs[r.doc]
	s := sn.stories[d.story]
	p := &s.Paragraphs[d.pix.para]
	sx := d.pix.sents[r.sent]
	return Citation{Story: s.ID, Paragraph: p.N, Quote: p.Text[sx.span.Start:sx.span.End],
		Speaker: sx.speaker, Start: sx.span.Start, End: sx.span.End}
}

// marker is the inline citation "[¶4]", naming the story when several
// are loaded, and the speaker when the sentence quotes someone.
func (sn *snapshot) marker(c Citation) string {
	m := "¶" + fmt.Sprint(c.Paragraph)
	if len(sn.stories) > 1 {
		m = c.Story + " " + m
	}
	if c.Speaker != "" {
		m += " · " + c.Speaker
	}
	return "[" + m + "]"
}

// dateNotes resolves the relative dates in the cited sentences:
// "Monday = Oct 20, 2025".
func (sn *snapshot) dateNotes(cs []Citation) string {
	var notes []string
	for _, c := range cs {
		i, ok := sn.byID[c.Story]
		if !ok {
			continue
		}
		for _, d := range sn.stories[i].Dates {
			if d.Paragraph == c.Paragraph && d.Span.Start >= c.Start && d.Span.End <= c.End {
				n := d.Phrase + " = " + d.Label()
				if !slices.Contains(notes, n) {
					notes = append(notes, n)
				}
			}
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return "Dates: " + strings.Join(notes, "; ") + "."
}

// reportedWords returns the sentences in which a quotation reports what a
// person said without being their words: the person's surname stands
// right before the opening mark and the quotation opens with a verb of
// saying ("Rubio “emphasized the importance of …”"), while the words are
// attributed to someone else (a readout, a statement).
func (sn *snapshot) reportedWords(full string) []Citation {
	sur := strings.ToLower(lastWord(full))
	var out []Citation
	for si, s := range sn.stories {
		if _, ok := s.Mentions[sur]; !ok {
			continue
		}
		for _, q := range s.Quotes {
			p := s.Paragraph(q.Paragraph)
			if p == nil {
				continue
			}
			before := strings.TrimRight(p.Text[:q.Span.Start], "“\"‘' ")
			if !strings.HasSuffix(strings.ToLower(before), sur) {
				continue
			}
			first := strings.ToLower(strings.Fields(q.Text + " x")[0])
			if _, ok := speechVerbs[strings.Trim(first, ",.;:")]; !ok {
				continue
			}
			for _, sp := range p.Sentences {
				if q.Span.Start >= sp.Start && q.Span.Start < sp.End {
					out = append(out, Citation{Story: sn.stories[si].ID, Paragraph: p.N, Quote: p.Text[sp.Start:sp.End],
						Speaker: q.Speaker, Start: sp.Start, End: sp.End})
					break
				}
			}
		}
	}
	return out
}
