package knowledge

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// monthYearRe is a month with its year, or a year after a preposition of
// time: what hasMonthYear scans for.
var monthYearRe = regexp.MustCompile(`\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?,? (?:1[89]|20)\d\d\b|\b(?:in|by|since|until|before|after|during|from|early|late) (?:1[89]|20)\d\d\b`)

// regexFeatures is what the sentence-feature patterns find in text; the
// scanners must find the same.
func regexFeatures(text string) (duration []int, number, modal, cause, place, pair bool) {
	duration = []int{}
	for _, m := range durationRe.FindAllStringIndex(text, -1) {
		duration = append(duration, m[0], m[1])
	}
	for _, m := range placeRe.FindAllStringSubmatch(text, -1) {
		if !notPlaceRe.MatchString(m[0][strings.LastIndexByte(m[0], ' ')+1:]) {
			place = true
			break
		}
	}
	return duration, numberRe.MatchString(text), modalRe.MatchString(text), causeRe.MatchString(text), place, twoRe.MatchString(text)
}

func scannerFeatures(text string) (duration []int, number, modal, cause, place, pair bool) {
	runs := wordRuns(text, nil)
	duration = []int{}
	durationSpans(text, runs, func(start, end int) bool {
		duration = append(duration, start, end)
		return true
	})
	return duration, hasNumberWord(text, runs), hasModalWord(text, runs), hasCauseWord(text, runs), hasPlace(text, runs), mentionsPair(text, runs)
}

var featureSeeds = []string{
	"The meeting lasted two and a half hours in Anchorage.",
	"It took more than three weeks, every 15 minutes, two months since, 10 years ago.",
	"A couple of  days later, about 5%, 3.5x, 5th, 1,000. people; 7-2 vote; 5%a 5.a",
	"Due to the war, as a result of talks, in order to win, so that, given that, owing to, led to it.",
	"The two diplomats met; both men and both women; the pair; The Two Leaders; the two_x; the  two men",
	"in the Kremlin, at The Hague, on Monday, to Budapest’s mayor, from\\nLondon, near the\\tÉlysée, inside Paris2",
	"in Monday to Paris, in June at Oslo, in Mayo",
	"Possibly, it MIGHT rain; potentially dozens of Dozen; TWELVE Days; ſix weeks; 3 weeK",
	"éone day, the_two days, x15 days, 15 Days since, nearly a decade",
	"Last Monday, on  Tuesday, by\tFriday, since Sundays, early saturday; this week, later next month, earlier this weekend, today, Tonight",
	"next weeks, earlier last, last year's, until Wednesday.",
}

// dateSpansDiffer compares the date scanners with the date patterns.
func dateSpansDiffer(text string) string {
	runs := wordRuns(text, nil)
	w1, w2 := fmt.Sprint(weekdayRe.FindAllStringSubmatchIndex(text, -1)), fmt.Sprint(weekdaySpans(text, runs))
	p1, p2 := fmt.Sprint(periodRe.FindAllStringSubmatchIndex(text, -1)), fmt.Sprint(periodSpans(text, runs))
	if w1 != w2 || p1 != p2 {
		return fmt.Sprintf("%q: patterns %s %s, scanners %s %s", text, w1, p1, w2, p2)
	}
	return ""
}

func TestFeatureScannersMatchThePatterns(t *testing.T) {
	seeds := featureSeeds
	if data, err := os.ReadFile("seed/2025-10-21-rubio-lavrov-meeting-tabled.txt"); err == nil {
		seeds = append(seeds, strings.Split(string(data), "\n")...)
	}
	for _, text := range seeds {
		if oddFold(text) {
			continue
		}
		d1, n1, m1, c1, p1, t1 := regexFeatures(text)
		d2, n2, m2, c2, p2, t2 := scannerFeatures(text)
		if !slicesEqual(d1, d2) || n1 != n2 || m1 != m2 || c1 != c2 || p1 != p2 || t1 != t2 {
			t.Errorf("%q: patterns %v %v %v %v %v %v, scanners %v %v %v %v %v %v", text, d1, n1, m1, c1, p1, t1, d2, n2, m2, c2, p2, t2)
		}
		if d := dateSpansDiffer(text); d != "" {
			t.Error(d)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzFeatureScanners checks the hand-written scanners against the
// regular expressions they replace, on any text.
func FuzzFeatureScanners(f *testing.F) {
	for _, s := range featureSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if oddFold(text) {
			return
		}
		d1, n1, m1, c1, p1, t1 := regexFeatures(text)
		d2, n2, m2, c2, p2, t2 := scannerFeatures(text)
		if !slicesEqual(d1, d2) || n1 != n2 || m1 != m2 || c1 != c2 || p1 != p2 || t1 != t2 {
			t.Errorf("%q: patterns %v %v %v %v %v %v, scanners %v %v %v %v %v %v", text, d1, n1, m1, c1, p1, t1, d2, n2, m2, c2, p2, t2)
		}
		if d := dateSpansDiffer(text); d != "" {
			t.Error(d)
		}
	})
}

// prefiltersDiffer reports a text on which a cheap test rules out a
// match its pattern finds: futureMarkers for futureRe, a month name for
// monthDayRe.
func prefiltersDiffer(text string) string {
	if futureRe.MatchString(text) && !containsAnyFoldASCII(text, futureMarkers) {
		return fmt.Sprintf("%q: futureRe matches, futureMarkers found none", text)
	}
	if monthDayRe.MatchString(text) && !hasMonthName(text, wordRuns(text, nil)) {
		return fmt.Sprintf("%q: monthDayRe matches, hasMonthName is false", text)
	}
	return ""
}

var prefilterSeeds = []string{
	"He WILL meet them; she is To go; Plans to; set  to; UPCOMING; Expected to",
	"Oct. 5, 2025; Sept 3rd; May 12th2025; January 1; jan 5; JUNE 4; Sept.5; Dec  31 ,2024",
}

func TestPrefiltersAdmitEveryMatch(t *testing.T) {
	for _, text := range append(prefilterSeeds, featureSeeds...) {
		if oddFold(text) {
			continue
		}
		if d := prefiltersDiffer(text); d != "" {
			t.Error(d)
		}
	}
}

// FuzzPrefilters checks on any text that the cheap tests run before
// futureRe and monthDayRe never rule out a match.
func FuzzPrefilters(f *testing.F) {
	for _, s := range append(prefilterSeeds, featureSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if oddFold(text) {
			return
		}
		if d := prefiltersDiffer(text); d != "" {
			t.Error(d)
		}
	})
}

// TestPlaceDatelinesSayWhere checks that a release's place dateline is
// read as naming a place, and that an opening in capitals that is not
// one is not.
func TestPlaceDatelinesSayWhere(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"LAUREL, Md. - NASA's New Horizons spacecraft completed a flyby.", true},
		{"HELENA – The owner of a Helena paving company was sentenced.", true},
		{"OREGON, Ohio — The U.S. Environmental Protection Agency announced grants.", true},
		{"WEST PALM BEACH, Fla. – A man was sentenced.", true},
		{"NASA announced on Tuesday that the probe is healthy.", false},
		{"(CNN) — President Donald Trump's hopes may be stalled.", false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			if got := placeDatelineRe.MatchString(tt.text); got != tt.want {
				t.Errorf("placeDatelineRe.MatchString = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMonthYearScannerMatchesThePattern checks hasMonthYear against the
// pattern it replaces on the seed story and tricky cases.
func TestMonthYearScannerMatchesThePattern(t *testing.T) {
	seeds := append([]string{}, monthYearSeeds...)
	if data, err := os.ReadFile("seed/2025-10-21-rubio-lavrov-meeting-tabled.txt"); err == nil {
		seeds = append(seeds, strings.Split(string(data), "\n")...)
	}
	for _, text := range seeds {
		if got, want := hasMonthYear(text), monthYearRe.MatchString(text); got != want {
			t.Errorf("%q: hasMonthYear %v, pattern %v", text, got, want)
		}
	}
}

var monthYearSeeds = []string{
	"in July 2015", "Sept., 2020", "Sepember 2020", "September 2020", "Sep 1999", "Jun 2001x", "June 20015",
	"by 2020.", "In 2015", "in  2015", "in 1799", "early 2100", "late 2099", "xin 2015", "_in 2015", "Mayo 2015",
	"May,. 2015", "May., 2015", "2015", " 2015", "Dec 2024", "Dec2024", "from 1850 to 1900", "2in 2015",
}

// FuzzMonthYear checks hasMonthYear against monthYearRe on any text.
func FuzzMonthYear(f *testing.F) {
	for _, s := range monthYearSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := hasMonthYear(text), monthYearRe.MatchString(text); got != want {
			t.Errorf("%q: hasMonthYear %v, pattern %v", text, got, want)
		}
	})
}
