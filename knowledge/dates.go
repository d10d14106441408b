package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	weekdayRe  = regexp.MustCompile(`(?i)\b(?:(last|next|this|on|since|by|until|early|late)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`)
	periodRe   = regexp.MustCompile(`(?i)\b(?:(earlier|later)\s+)?(last|this|next)\s+(week|month|year|weekend)\b|\b(yesterday|today|tomorrow|tonight)\b`)
	monthDayRe = regexp.MustCompile(`\b(Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`)
	futureRe   = regexp.MustCompile(`(?i)\b(will|shall|set to|scheduled|expected to|plans? to|going to|is to|are to|upcoming)\b`)
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// resolveDates finds the date expressions of a story's content paragraphs
// and resolves them against the story's date: in a story dated Tuesday
// 2025-10-21, "Monday" is 2025-10-20 and "last week" is Oct 13–19.
// runs are the word runs of the paragraphs' sentences (storyText.runs).
func resolveDates(s *Story, runs [][][]wrun) []DateRef {
	if s.Date.IsZero() {
		return nil
	}
	var out []DateRef
	for pi, p := range s.Paragraphs {
		if p.Kind != KindContent && p.Kind != KindNote {
			continue
		}
		for si, sp := range p.Sentences {
			sent := p.Text[sp.Start:sp.End]
			for _, d := range findDates(sent, runs[pi][si], s.Date) {
				d.Paragraph = p.N
				d.Span.Start += sp.Start
				d.Span.End += sp.Start
				out = append(out, d)
			}
		}
	}
	return out
}

// FindDates resolves the date expressions in text against the reference
// day ref. A bare weekday is the last one on or before ref, unless the
// words just before it speak of the future ("will meet Thursday").
func FindDates(text string, ref time.Time) []DateRef {
	return findDates(text, nil, ref)
}

// findDates is FindDates given the word runs of text, or nil.
func findDates(text string, runs []wrun, ref time.Time) []DateRef {
	ref = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
	var out []DateRef
	var weekdayMatches, periodMatches [][]int
	var hasMonth bool
	if oddFold(text) {
		// The text holds a rune that (?i) folds onto an ASCII letter but
		// the scanners do not (the long s), so the patterns run, where
		// the phrases they match may be: every one contains "day",
		// "week", "month", "year", "tonight".
		lower := strings.ToLower(text)
		hasDay := strings.Contains(lower, "day")
		hasPeriod := hasDay || strings.Contains(lower, "week") || strings.Contains(lower, "month") ||
			strings.Contains(lower, "year") || strings.Contains(lower, "tonight")
		weekdayMatches = findAllIf(hasDay, weekdayRe, text)
		periodMatches = findAllIf(hasPeriod, periodRe, text)
		hasMonth = containsAny(text, monthPrefixes)
	} else {
		if runs == nil {
			runs = wordRuns(text, nil)
		}
		weekdayMatches = weekdaySpans(text, runs)
		periodMatches = periodSpans(text, runs)
		hasMonth = hasMonthName(text, runs)
	}
	hasDigit := hasMonth && strings.ContainsAny(text, "0123456789")
	for _, m := range weekdayMatches {
		mod := ""
		if m[2] >= 0 {
			mod = strings.ToLower(text[m[2]:m[3]])
		}
		wd := weekdays[strings.ToLower(text[m[4]:m[5]])]
		var day time.Time
		switch {
		case mod == "next":
			day = nextWeekday(ref, wd, false)
		case mod == "last":
			day = lastWeekday(ref, wd, false)
		case mod == "this":
			day = weekStart(ref).AddDate(0, 0, (int(wd)+6)%7)
		case mod != "since" && futureBefore(text, m[0]):
			day = nextWeekday(ref, wd, true)
		default:
			day = lastWeekday(ref, wd, true)
		}
		start := m[0]
		if mod == "on" || mod == "since" || mod == "by" || mod == "until" || mod == "early" || mod == "late" {
			start = m[4]
		}
		out = append(out, DateRef{Span: Span{start, m[1]}, Phrase: text[start:m[1]], From: day, To: day})
	}
	for _, m := range periodMatches {
		phrase := text[m[0]:m[1]]
		var from, to time.Time
		if m[8] >= 0 {
			switch strings.ToLower(text[m[8]:m[9]]) {
			case "yesterday":
				from = ref.AddDate(0, 0, -1)
			case "today", "tonight":
				from = ref
			case "tomorrow":
				from = ref.AddDate(0, 0, 1)
			}
			to = from
		} else {
			rel := strings.ToLower(text[m[4]:m[5]])
			unit := strings.ToLower(text[m[6]:m[7]])
			shift := map[string]int{"last": -1, "this": 0, "next": 1}[rel]
			switch unit {
			case "week":
				from = weekStart(ref).AddDate(0, 0, 7*shift)
				to = from.AddDate(0, 0, 6)
			case "weekend":
				sat := weekStart(ref).AddDate(0, 0, 5+7*shift)
				if rel == "last" && ref.Weekday() != time.Saturday && ref.Weekday() != time.Sunday {
					sat = weekStart(ref).AddDate(0, 0, -2)
				}
				from, to = sat, sat.AddDate(0, 0, 1)
			case "month":
				from = time.Date(ref.Year(), ref.Month()+time.Month(shift), 1, 0, 0, 0, 0, time.UTC)
				to = from.AddDate(0, 1, -1)
			case "year":
				from = time.Date(ref.Year()+shift, 1, 1, 0, 0, 0, 0, time.UTC)
				to = from.AddDate(1, 0, -1)
			}
		}
		out = append(out, DateRef{Span: Span{m[0], m[1]}, Phrase: phrase, From: from, To: to})
	}
	for _, m := range findAllIf(hasDigit, monthDayRe, text) {
		mon := monthNumber(text[m[2]:m[3]])
		day, _ := strconv.Atoi(text[m[4]:m[5]])
		year := ref.Year()
		if m[6] >= 0 {
			year, _ = strconv.Atoi(text[m[6]:m[7]])
		}
		if mon == 0 || day < 1 || day > 31 {
			continue
		}
		d := time.Date(year, time.Month(mon), day, 0, 0, 0, 0, time.UTC)
		if d.Month() != time.Month(mon) {
			continue // "Feb 31"
		}
		out = append(out, DateRef{Span: Span{m[0], m[1]}, Phrase: text[m[0]:m[1]], From: d, To: d})
	}
	return out
}

var (
	weekdayNames  = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	dayWords      = []string{"yesterday", "today", "tomorrow", "tonight"}
	relWords      = []string{"last", "this", "next"}
	unitWords     = []string{"week", "month", "year"}
	monthPrefixes = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// datePhrases returns the spans of the weekday and period phrases of
// text ("on Monday", "next week"): weekdayRe's matches, then periodRe's.
func datePhrases(text string) [][]int {
	if oddFold(text) {
		return append(weekdayRe.FindAllStringIndex(text, -1), periodRe.FindAllStringIndex(text, -1)...)
	}
	lower := strings.ToLower(text)
	hasDay := containsAny(lower, weekdayNames)
	hasPeriod := containsAny(lower, dayWords) || containsAny(lower, relWords) && containsAny(lower, unitWords)
	if !hasDay && !hasPeriod {
		return nil
	}
	runs := wordRuns(text, nil)
	var out [][]int
	if hasDay {
		out = weekdaySpans(text, runs)
	}
	if hasPeriod {
		out = append(out, periodSpans(text, runs)...)
	}
	return out
}

// findAllIf runs re over text only when a cheap test says it may match.
func findAllIf(may bool, re *regexp.Regexp, text string) [][]int {
	if !may {
		return nil
	}
	return re.FindAllStringSubmatchIndex(text, -1)
}

var pastRe = regexp.MustCompile(`(?i)\b(said|told|wrote|was|were|had|did|\w+ed)\b`)

// futureBefore reports whether the clause before offset i is in the future
// tense: a future marker with no past-tense verb after it.
func futureBefore(text string, i int) bool {
	start := max(0, i-80)
	window := text[start:i]
	if k := strings.LastIndexAny(window, ",;:“”\"."); k >= 0 {
		window = window[k+1:]
	}
	if !oddFold(window) && !containsAnyFoldASCII(window, futureMarkers) {
		return false
	}
	locs := futureRe.FindAllStringIndex(window, -1)
	if len(locs) == 0 {
		return false
	}
	return !pastRe.MatchString(window[locs[len(locs)-1][1]:])
}

// futureMarkers are in every match of futureRe, ignoring ASCII case.
var futureMarkers = []string{"will", "shall", "set to", "scheduled", "expected to", "plan", "going to", "is to", "are to", "upcoming"}

// containsAnyFoldASCII reports whether s contains one of subs, which are
// lower case, ignoring ASCII case.
func containsAnyFoldASCII(s string, subs []string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // lower case for letters; subs start with one
		for _, sub := range subs {
			if c != sub[0] || len(s)-i < len(sub) {
				continue
			}
			k := 1
			for k < len(sub) {
				b := s[i+k]
				if b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				if b != sub[k] {
					break
				}
				k++
			}
			if k == len(sub) {
				return true
			}
		}
	}
	return false
}

func monthNumber(s string) int {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	for i, name := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, name) {
			return i + 1
		}
	}
	return 0
}

// weekStart is the Monday of ref's week.
func weekStart(ref time.Time) time.Time {
	return ref.AddDate(0, 0, -((int(ref.Weekday()) + 6) % 7))
}

// lastWeekday is the latest wd on or before ref (strictly before unless
// inclusive).
func lastWeekday(ref time.Time, wd time.Weekday, inclusive bool) time.Time {
	back := (int(ref.Weekday()) - int(wd) + 7) % 7
	if back == 0 && !inclusive {
		back = 7
	}
	return ref.AddDate(0, 0, -back)
}

// nextWeekday is the earliest wd on or after ref (strictly after unless
// inclusive).
func nextWeekday(ref time.Time, wd time.Weekday, inclusive bool) time.Time {
	fwd := (int(wd) - int(ref.Weekday()) + 7) % 7
	if fwd == 0 && !inclusive {
		fwd = 7
	}
	return ref.AddDate(0, 0, fwd)
}
