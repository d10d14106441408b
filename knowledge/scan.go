package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The sentence features were first written as case-insensitive regular
// expressions (durationRe, numberRe, causeRe, modalRe, placeRe, twoRe);
// running them on every sentence was most of the time spent indexing.
// The scanners here find exactly what those patterns find, reading the
// sentence's ASCII word runs (the spans between regexp \b boundaries)
// instead of backtracking over its bytes. FuzzFeatureScanners checks
// them against the patterns, which stay as their specification.

// wrun is a maximal run of regexp word bytes [0-9A-Za-z_] in a text: the
// text between two \b boundaries.
type wrun struct {
	start, end int
	// class says which of the scanners' word sets the run is in,
	// ignoring ASCII case: one map lookup per run instead of one per
	// set it is tested against.
	class uint16
}

func isWordChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
}

// isRESpace is regexp's \s: [\t\n\f\r ].
func isRESpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// wordRuns appends the word runs of text to buf.
func wordRuns(text string, buf []wrun) []wrun {
	for i := 0; i < len(text); {
		if !isWordChar(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isWordChar(text[j]) {
			j++
		}
		buf = append(buf, wrun{start: i, end: j, class: classOf(text[i:j])})
		i = j
	}
	return buf
}

// oddFold reports whether text holds one of the two non-ASCII runes that
// (?i) matching folds onto ASCII letters (the Kelvin sign K and the long
// s ſ); the scanners, which fold ASCII only, leave such text to the
// patterns.
func oddFold(text string) bool {
	return strings.Contains(text, "\u212a") || strings.Contains(text, "\u017f")
}

// runIs reports whether run r of text is word w, ignoring ASCII case.
// w is lower case.
func runIs(text string, r wrun, w string) bool {
	if r.end-r.start != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := text[r.start+i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// runIn reports whether run r is in the word set with class bit c,
// ignoring ASCII case.
func runIn(r wrun, c uint16) bool {
	return r.class&c != 0
}

// classOf returns the class bits of a word: the sets it is in, ignoring
// ASCII case.
func classOf(w string) uint16 {
	if len(w) > maxClassWord {
		return 0
	}
	var buf [maxClassWord]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return wordClasses[string(buf[:len(w)])]
}

// phraseAt reports whether the runs from i on spell the words of phrase
// separated by single spaces, each word a whole run, ignoring ASCII case.
func phraseAt(text string, runs []wrun, i int, phrase []string) bool {
	if i+len(phrase) > len(runs) {
		return false
	}
	for k, w := range phrase {
		if !runIs(text, runs[i+k], w) {
			return false
		}
		if k > 0 && (runs[i+k].start != runs[i+k-1].end+1 || text[runs[i+k-1].end] != ' ') {
			return false
		}
	}
	return true
}

// spaceGap reports whether the text between runs a and b is one or more
// \s bytes.
func spaceGap(text string, a, b wrun) bool {
	if b.start <= a.end {
		return false
	}
	for i := a.end; i < b.start; i++ {
		if !isRESpace(text[i]) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// Class bits of the word sets below.
const (
	clsDurationFirst uint16 = 1 << iota
	clsDurationUnit
	clsNumber
	clsCause
	clsCausePhrase // the first word of a causePhrases entry
	clsModal
	clsPlacePrep
	clsWeekdayMod
	clsWeekday
	clsPeriodEdge
	clsPeriodRel
	clsPeriodUnit
	clsPeriodSingle
	clsMonth // a month name or abbreviation monthDayRe knows, in any case
)

// maxClassWord bounds the length of the words of wordClasses.
const maxClassWord = 16

// wordClasses maps a lower-case word to its class bits.
var wordClasses = func() map[string]uint16 {
	m := map[string]uint16{}
	add := func(set map[string]struct{}, c uint16) {
		for w := range set {
			m[strings.ToLower(w)] |= c
		}
	}
	add(durationFirst, clsDurationFirst)
	add(durationUnits, clsDurationUnit)
	add(numberWords, clsNumber)
	add(causeWords, clsCause)
	for _, p := range causePhrases {
		m[p[0]] |= clsCausePhrase
	}
	add(modalWords, clsModal)
	add(placePreps, clsPlacePrep)
	add(weekdayMods, clsWeekdayMod)
	add(weekdaySet, clsWeekday)
	add(periodEdges, clsPeriodEdge)
	add(periodRels, clsPeriodRel)
	add(periodUnits, clsPeriodUnit)
	add(periodSingle, clsPeriodSingle)
	add(monthNames, clsMonth)
	for w := range m {
		if len(w) > maxClassWord {
			panic("knowledge: class word longer than maxClassWord: " + w)
		}
	}
	return m
}()

var (
	durationFirst = toSet(`one two three four five six seven eight nine ten twelve several few many nearly about almost`)
	durationUnits = toSet(`second seconds minute minutes hour hours day days week weeks month months year years decade decades`)
	numberWords   = toSet(`one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred hundreds thousand thousands million millions billion dozen dozens`)
	causeWords    = toSet(`because reason reasons why amid since caused causing prompted forced`)
	causePhrases  = [][]string{{"due", "to"}, {"as", "a", "result"}, {"in", "order", "to"}, {"so", "that"}, {"given", "that"}, {"owing", "to"}, {"led", "to"}, {"resulted", "in"}, {"result", "of"}, {"results", "in"}}
	modalWords    = toSet(`could might may possible possibly likely potential potentially`)
	placePreps    = toSet(`in at on to from near outside inside`)
	monthNames    = toSet(`jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december`)
	notPlaceWords = toSet(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December`)
)

// durationSpans calls yield with each match of durationRe in text, left
// to right, until yield returns false.
func durationSpans(text string, runs []wrun, yield func(start, end int) bool) {
	for i := 0; i < len(runs); {
		r := runs[i]
		k := -1 // the last run of the count ("15", "a couple of")
		switch {
		case allDigits(text[r.start:r.end]) || runIn(r, clsDurationFirst):
			k = i
		case phraseAt(text, runs, i, []string{"a", "couple", "of"}):
			k = i + 2
		case phraseAt(text, runs, i, []string{"more", "than"}):
			k = i + 1
		}
		last := -1
		if k >= 0 {
			// The count, spaces, an optional word and spaces, the unit; the
			// pattern prefers taking the optional word.
			if k+2 < len(runs) && spaceGap(text, runs[k], runs[k+1]) && spaceGap(text, runs[k+1], runs[k+2]) && runIn(runs[k+2], clsDurationUnit) {
				last = k + 2
			} else if k+1 < len(runs) && spaceGap(text, runs[k], runs[k+1]) && runIn(runs[k+1], clsDurationUnit) {
				last = k + 1
			}
		}
		if last < 0 {
			i++
			continue
		}
		if !yield(r.start, runs[last].end) {
			return
		}
		i = last + 1
	}
}

// wordBoundary is regexp's \b at byte offset i of text.
func wordBoundary(text string, i int) bool {
	before := i > 0 && isWordChar(text[i-1])
	after := i < len(text) && isWordChar(text[i])
	return before != after
}

// hasNumberWord reports whether numberRe matches text.
func hasNumberWord(text string, runs []wrun) bool {
	for _, r := range runs {
		if c := text[r.start]; c >= '0' && c <= '9' {
			// \d[\d,.]*%?\b: any end the digits and separators can reach,
			// with or without a per cent sign, that is a word boundary.
			for q := r.start + 1; ; q++ {
				if wordBoundary(text, q) {
					return true
				}
				if q < len(text) && text[q] == '%' && wordBoundary(text, q+1) {
					return true
				}
				if q >= len(text) || !(text[q] >= '0' && text[q] <= '9' || text[q] == ',' || text[q] == '.') {
					break
				}
			}
			continue
		}
		if runIn(r, clsNumber) {
			return true
		}
	}
	return false
}

// hasCauseWord reports whether causeRe matches text.
func hasCauseWord(text string, runs []wrun) bool {
	for i, r := range runs {
		if runIn(r, clsCause) {
			return true
		}
		if !runIn(r, clsCausePhrase) {
			continue
		}
		for _, p := range causePhrases {
			if phraseAt(text, runs, i, p) {
				return true
			}
		}
	}
	return false
}

// hasModalWord reports whether modalRe matches text.
func hasModalWord(text string, runs []wrun) bool {
	for _, r := range runs {
		if runIn(r, clsModal) {
			return true
		}
	}
	return false
}

// hasPlace reports whether text has a match of placeRe ("in Budapest",
// "at the Kremlin") whose capitalised word is not a weekday or a month.
func hasPlace(text string, runs []wrun) bool {
	for i := 0; i < len(runs); {
		r := runs[i]
		end := -1
		if runIn(r, clsPlacePrep) {
			if _, ok := placePreps[text[r.start:r.end]]; ok {
				end = placeAfter(text, r.end)
			}
		}
		if end < 0 {
			i++
			continue
		}
		m := text[r.start:end]
		if _, ok := notPlaceWords[m[strings.LastIndexByte(m, ' ')+1:]]; !ok {
			return true
		}
		for i < len(runs) && runs[i].start < end {
			i++
		}
	}
	return false
}

// placeAfter matches `\s+(the\s+)?[A-Z][\p{L}]+` at p and returns the
// end of the match, or -1.
func placeAfter(text string, p int) int {
	q := p
	for q < len(text) && isRESpace(text[q]) {
		q++
	}
	if q == p {
		return -1
	}
	if strings.HasPrefix(text[q:], "the") {
		t := q + 3
		for t < len(text) && isRESpace(text[t]) {
			t++
		}
		if t > q+3 {
			if e := capitalWord(text, t); e >= 0 {
				return e
			}
		}
	}
	return capitalWord(text, q)
}

// capitalWord matches `[A-Z][\p{L}]+` at p and returns its end, or -1.
func capitalWord(text string, p int) int {
	if p >= len(text) || text[p] < 'A' || text[p] > 'Z' {
		return -1
	}
	q := p + 1
	for q < len(text) {
		r, size := utf8.DecodeRuneInString(text[q:])
		if !unicode.IsLetter(r) {
			break
		}
		q += size
	}
	if q == p+1 {
		return -1
	}
	return q
}

// mentionsPair reports whether twoRe matches text: "the two diplomats",
// "both men", "the pair".
func mentionsPair(text string, runs []wrun) bool {
	for i, r := range runs {
		if (runIs(text, r, "the") || runIs(text, r, "both")) && phraseAt(text, runs, i+1, []string{"two"}) &&
			runs[i+1].start == r.end+1 && text[r.end] == ' ' &&
			i+2 < len(runs) && runs[i+2].start == runs[i+1].end+1 && text[runs[i+1].end] == ' ' {
			return true
		}
		if phraseAt(text, runs, i, []string{"the", "pair"}) || phraseAt(text, runs, i, []string{"both", "men"}) ||
			phraseAt(text, runs, i, []string{"both", "women"}) {
			return true
		}
	}
	return false
}

var (
	weekdayMods  = toSet(`last next this on since by until early late`)
	weekdaySet   = toSet(`monday tuesday wednesday thursday friday saturday sunday`)
	periodEdges  = toSet(`earlier later`)
	periodRels   = toSet(`last this next`)
	periodUnits  = toSet(`week month year weekend`)
	periodSingle = toSet(`yesterday today tomorrow tonight`)
)

// weekdaySpans returns what weekdayRe.FindAllStringSubmatchIndex returns
// for text without odd-folding runes.
func weekdaySpans(text string, runs []wrun) [][]int {
	var out [][]int
	for i := 0; i < len(runs); i++ {
		r := runs[i]
		if runIn(r, clsWeekdayMod) && i+1 < len(runs) && spaceGap(text, r, runs[i+1]) && runIn(runs[i+1], clsWeekday) {
			d := runs[i+1]
			out = append(out, []int{r.start, d.end, r.start, r.end, d.start, d.end})
			i++
			continue
		}
		if runIn(r, clsWeekday) {
			out = append(out, []int{r.start, r.end, -1, -1, r.start, r.end})
		}
	}
	return out
}

// periodSpans returns what periodRe.FindAllStringSubmatchIndex returns
// for text without odd-folding runes.
func periodSpans(text string, runs []wrun) [][]int {
	var out [][]int
	rel := func(i int) bool {
		return i+1 < len(runs) && runIn(runs[i], clsPeriodRel) && spaceGap(text, runs[i], runs[i+1]) && runIn(runs[i+1], clsPeriodUnit)
	}
	for i := 0; i < len(runs); i++ {
		r := runs[i]
		switch {
		case runIn(r, clsPeriodEdge) && i+1 < len(runs) && spaceGap(text, r, runs[i+1]) && rel(i+1):
			rl, u := runs[i+1], runs[i+2]
			out = append(out, []int{r.start, u.end, r.start, r.end, rl.start, rl.end, u.start, u.end, -1, -1})
			i += 2
		case rel(i):
			u := runs[i+1]
			out = append(out, []int{r.start, u.end, -1, -1, r.start, r.end, u.start, u.end, -1, -1})
			i++
		case runIn(r, clsPeriodSingle):
			out = append(out, []int{r.start, r.end, -1, -1, -1, -1, -1, -1, r.start, r.end})
		}
	}
	return out
}

// hasMonthName reports whether a run of text is a month name as
// monthDayRe spells it ("Jan", "January", "Sept"): a match needs one.
func hasMonthName(text string, runs []wrun) bool {
	for _, r := range runs {
		if runIn(r, clsMonth) && text[r.start] >= 'A' && text[r.start] <= 'Z' {
			w := text[r.start+1 : r.end]
			if strings.ToLower(w) == w {
				return true
			}
		}
	}
	return false
}

// hasMonthYear reports whether text has a month with its year ("July
// 2015", "Sept., 2020") or a year after a preposition of time ("by
// 2020", "in 1998"): what monthYearRe (scan_test.go) matches, scanned by
// hand because the pattern was a seventh of the time it takes to index
// a library. Month names and prepositions are case-sensitive, as there.
func hasMonthYear(text string) bool {
	for i := 1; i+4 <= len(text); i++ {
		// A year of 1800–2099, a whole \w run on its right, after one
		// space.
		c0, c1 := text[i], text[i+1]
		if !(c0 == '1' && (c1 == '8' || c1 == '9') || c0 == '2' && c1 == '0') ||
			!isDigit(text[i+2]) || !isDigit(text[i+3]) || i+4 < len(text) && isWordChar(text[i+4]) || text[i-1] != ' ' {
			continue
		}
		// The word before: a preposition right before the space, or a
		// month with an optional "." and "," before it.
		if _, ok := yearPrepositions[wordEndingAt(text, i-1)]; ok {
			return true
		}
		k := i - 1
		if k > 0 && text[k-1] == ',' {
			k--
		}
		if k > 0 && text[k-1] == '.' {
			k--
		}
		if _, ok := monthForms[wordEndingAt(text, k)]; ok {
			return true
		}
	}
	return false
}

// wordEndingAt returns the run of \w characters that ends at text[end]
// (exclusive), or "" when none does.
func wordEndingAt(text string, end int) string {
	start := end
	for start > 0 && isWordChar(text[start-1]) {
		start--
	}
	return text[start:end]
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// monthForms are the month names and abbreviations monthYearRe allows.
var monthForms = toSet(`Jan January Feb February Mar March Apr April May Jun June Jul July Aug August
Sep Sept Sepember September Oct October Nov November Dec December`)

// yearPrepositions are the words before a bare year that make it a date.
var yearPrepositions = toSet(`in by since until before after during from early late`)
