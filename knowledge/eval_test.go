package knowledge_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// This file scores the library the way ../shared/eval/score.py scores the
// CLI: hit@1 and hit@3 on gold paragraphs, the expected key phrase in the
// answer, abstention on unanswerable questions, quotations by speaker, and
// every cited span verbatim (white space folded) in the paragraph it names.

// evalQuestion is one line of a questions.jsonl file.
type evalQuestion struct {
	ID   string          `json:"id"`
	Q    string          `json:"q"`
	Gold []int           `json:"gold"`
	Key  json.RawMessage `json:"key"`
	Kind string          `json:"kind"`
	// Story is the story that holds the answer, in a library set.
	Story string `json:"story"`
}

// keys returns the accepted key phrases: "key" is a string or a list.
func (q evalQuestion) keys() []string {
	var one string
	if json.Unmarshal(q.Key, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(q.Key, &many)
	return many
}

// evalQuote is one line of a quotes.jsonl file.
type evalQuote struct {
	ID      string   `json:"id"`
	Who     string   `json:"who"`
	Must    []string `json:"must"`
	MustNot []string `json:"mustnot"`
}

// evalScore holds the figures score.py prints.
type evalScore struct {
	answerable, hit1, hit3 int
	rankHit1               int // hit@1 counting an abstention's closest passage: the ranking alone
	keyed, keyHit          int
	unanswerable, abstain  int
	falseAbstain           int
	quotes, quotesOK       int
	notVerbatim            []string
	failures               []string // per-question misses, for the log
}

func ratio(x, n int) float64 {
	if n == 0 {
		return 1
	}
	return float64(x) / float64(n)
}

func (s evalScore) String() string {
	return fmt.Sprintf("rank@1 %.2f hit@1 %.2f hit@3 %.2f key %.2f abstain %.2f false-abstain %d quotes %d/%d not-verbatim %d",
		ratio(s.rankHit1, s.answerable), ratio(s.hit1, s.answerable), ratio(s.hit3, s.answerable), ratio(s.keyHit, s.keyed),
		ratio(s.abstain, s.unanswerable), s.falseAbstain, s.quotesOK, s.quotes, len(s.notVerbatim))
}

var spaceRun = regexp.MustCompile(`\s+`)

func fold(s string) string { return strings.TrimSpace(spaceRun.ReplaceAllString(s, " ")) }

// scoredParagraphs numbers a story file's blocks as score.py does: blocks
// separated by blank lines, the first (the header) dropped, counted from 1.
// It is deliberately independent of the parser under test.
func scoredParagraphs(t *testing.T, path string) map[int]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, b := range regexp.MustCompile(`\n\s*\n`).Split(string(data), -1) {
		if strings.TrimSpace(b) != "" {
			blocks = append(blocks, strings.TrimSpace(b))
		}
	}
	out := map[int]string{}
	for i, b := range blocks[1:] {
		out[i+1] = fold(b)
	}
	return out
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// score runs questions (and quote queries) through lib and checks them
// against the paragraphs of storyPath.
func score(t *testing.T, lib *knowledge.Library, storyPath string, qs []evalQuestion, qqs []evalQuote) evalScore {
	t.Helper()
	return scoreLibrary(t, lib, map[string]map[int]string{"": scoredParagraphs(t, storyPath)}, qs, qqs)
}

// report logs a set's figures and its misses, and fails the test for any
// quotation that is not verbatim.
func report(t *testing.T, name string, s evalScore) {
	t.Helper()
	t.Logf("%s: %s", name, s)
	for _, f := range s.failures {
		t.Logf("  %s", f)
	}
	for _, m := range s.notVerbatim {
		t.Errorf("not verbatim: %s", m)
	}
}

// scoreLibrary scores questions against several stories at once, as
// score.py --library does: library maps story ids to their paragraphs,
// and a citation counts only in the story the question names. A library
// with the single id "" is one story, whatever id the citations carry.
func scoreLibrary(t *testing.T, lib *knowledge.Library, library map[string]map[int]string, qs []evalQuestion, qqs []evalQuote) evalScore {
	t.Helper()
	single := library[""] != nil
	parasOf := func(story string) map[int]string {
		if single {
			return library[""]
		}
		return library[story]
	}
	var s evalScore
	verbatim := func(id, story string, n int, quote string) {
		q := fold(quote)
		if p, ok := parasOf(story)[n]; q == "" || !ok || !strings.Contains(p, q) {
			s.notVerbatim = append(s.notVerbatim, fmt.Sprintf("%s: %s ¶%d: %.80q", id, story, n, q))
		}
	}
	for _, q := range qs {
		ans, err := lib.Ask(q.Q, knowledge.AskOptions{})
		if err != nil {
			ans = knowledge.Answer{Abstained: true, Text: err.Error()}
		}
		said := ans.Text
		for _, c := range ans.Citations {
			verbatim(q.ID, c.Story, c.Paragraph, c.Quote)
			said += " " + c.Quote
		}
		said = strings.ToLower(fold(said))
		keyOK := slices.ContainsFunc(q.keys(), func(k string) bool { return strings.Contains(said, strings.ToLower(k)) })
		if q.Kind == "unanswerable" {
			s.unanswerable++
			if ans.Abstained {
				s.abstain++
			} else {
				s.failures = append(s.failures, fmt.Sprintf("%s: ANSWERED %q: %.100q", q.ID, q.Q, ans.Text))
			}
			continue
		}
		if ans.Abstained {
			s.falseAbstain++
		}
		if len(q.keys()) > 0 {
			s.keyed++
			if keyOK {
				s.keyHit++
			} else {
				s.failures = append(s.failures, fmt.Sprintf("%s: KEY MISSING %v in %q: %.100q", q.ID, q.keys(), q.Q, ans.Text))
			}
		}
		if len(q.Gold) > 0 {
			s.answerable++
			var firsts []int
			for _, c := range ans.Citations[:min(3, len(ans.Citations))] {
				if !single && c.Story != q.Story {
					firsts = append(firsts, -1) // the right paragraph of the wrong story
					continue
				}
				firsts = append(firsts, c.Paragraph)
			}
			h1 := len(firsts) > 0 && slices.Contains(q.Gold, firsts[0])
			if c := ans.Closest; h1 || c != nil && (single || c.Story == q.Story) && slices.Contains(q.Gold, c.Paragraph) {
				s.rankHit1++
			}
			h3 := slices.ContainsFunc(firsts, func(p int) bool { return slices.Contains(q.Gold, p) })
			if h1 {
				s.hit1++
			}
			if h3 {
				s.hit3++
			}
			if !h1 {
				closest := ""
				if c := ans.Closest; c != nil {
					closest = fmt.Sprintf(" (declined, closest %s ¶%d)", c.Story, c.Paragraph)
				}
				s.failures = append(s.failures, fmt.Sprintf("%s: %s cited %v gold %v%s: %q",
					q.ID, map[bool]string{true: "hit@3", false: "MISS"}[h3], firsts, q.Gold, closest, q.Q))
			}
		}
	}
	for _, qq := range qqs {
		s.quotes++
		res := lib.Quotes(qq.Who)
		var got, mine []string
		who := strings.ToLower(qq.Who)
		for _, x := range res.Quotes {
			verbatim(qq.ID, x.Story, x.Paragraph, x.Text)
			got = append(got, fold(x.Text))
			sp := strings.ToLower(x.Speaker)
			if strings.Contains(sp, who) || strings.Contains(who, sp) {
				mine = append(mine, fold(x.Text))
			}
		}
		ok := true
		for _, m := range qq.Must {
			ok = ok && slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, m) })
		}
		for _, bad := range qq.MustNot {
			ok = ok && !slices.ContainsFunc(mine, func(g string) bool { return strings.Contains(g, bad) })
		}
		if ok {
			s.quotesOK++
		} else {
			s.failures = append(s.failures, fmt.Sprintf("%s: quote FAIL for %q: %d quotes", qq.ID, qq.Who, len(res.Quotes)))
		}
	}
	return s
}

// evalMin are the bounds a question set must meet.
type evalMin struct {
	hit1, hit3, key, abstain float64
	maxFalseAbstain          int
}

func TestDevSet(t *testing.T) {
	seed := filepath.Join("seed", "2025-10-21-rubio-lavrov-meeting-tabled.txt")
	bridge := filepath.Join("testdata", "bridge")
	tests := []struct {
		name      string
		load      func() (*knowledge.Library, error)
		story     string
		questions string
		quotes    string
		min       evalMin
	}{
		{
			// Issue 11's bar: hit@1 0.90, abstain 1.00, quotes 4/4.
			name:      "the dev set on the seed story meets issue 11's bar",
			load:      knowledge.LoadDefault,
			story:     seed,
			questions: filepath.Join("testdata", "questions.jsonl"),
			quotes:    filepath.Join("testdata", "quotes.jsonl"),
			min:       evalMin{hit1: 0.90, hit3: 0.95, key: 0.95, abstain: 1.00, maxFalseAbstain: 0},
		},
		{
			// Held out: a story the code was never tuned on, nor the
			// abstention model fitted on.
			name:      "the held-out bridge story answers as well as it does today",
			load:      func() (*knowledge.Library, error) { return knowledge.LoadDir(bridge) },
			story:     filepath.Join(bridge, "2026-03-03-harbor-bridge-vote.txt"),
			questions: filepath.Join(bridge, "questions.jsonl"),
			quotes:    filepath.Join(bridge, "quotes.jsonl"),
			min:       evalMin{hit1: 0.80, hit3: 0.95, key: 0.95, abstain: 1.00, maxFalseAbstain: 0},
		},
		{
			// A third story, written later in the project to probe reported
			// speech ("He said on Tuesday that …") and surname particles
			// ("Niels de Vries"); p13 is a paraphrase the story does not
			// share words with.
			name:      "the port strike story answers reported speech and particle names",
			load:      func() (*knowledge.Library, error) { return knowledge.LoadDir(filepath.Join("testdata", "port")) },
			story:     filepath.Join("testdata", "port", "2026-02-12-port-strike-talks.txt"),
			questions: filepath.Join("testdata", "port", "questions.jsonl"),
			quotes:    filepath.Join("testdata", "port", "quotes.jsonl"),
			min:       evalMin{hit1: 0.90, hit3: 0.90, key: 0.90, abstain: 1.00, maxFalseAbstain: 0},
		},
		{
			// Written after the method was built, in a reader's words
			// (casual, lower-case, other words than the story's): 30
			// answerable, 8 not. Used once to choose between variants of
			// lead inheritance and synonym gating, nothing finer.
			name:      "reworded seed questions answer as well as the method does today",
			load:      knowledge.LoadDefault,
			story:     seed,
			questions: filepath.Join("testdata", "paraphrase_questions.jsonl"),
			min:       evalMin{hit1: 0.70, hit3: 0.85, key: 0.85, abstain: 1.00, maxFalseAbstain: 0},
		},
		{
			// Forty more, written later by a writer who had read only the
			// story (32 in a reader's words, 8 it does not answer): scored,
			// never read for diagnosis.
			name:      "a second set of reworded seed questions answers as well as it does today",
			load:      knowledge.LoadDefault,
			story:     seed,
			questions: filepath.Join("testdata", "reworded2_questions.jsonl"),
			min:       evalMin{hit1: 0.83, hit3: 0.85, key: 0.85, abstain: 0.50, maxFalseAbstain: 0},
		},
		{
			// Extra seed questions: every one answered or declined right today.
			name:      "the extra seed questions answer as well as they do today",
			load:      knowledge.LoadDefault,
			story:     seed,
			questions: filepath.Join("testdata", "extra_questions.jsonl"),
			min:       evalMin{hit1: 0.93, hit3: 0.93, key: 0.93, abstain: 1.00, maxFalseAbstain: 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			qs := readJSONL[evalQuestion](t, tt.questions)
			var qqs []evalQuote
			if tt.quotes != "" {
				qqs = readJSONL[evalQuote](t, tt.quotes)
			}
			s := score(t, lib, tt.story, qs, qqs)
			report(t, tt.questions, s)
			check := func(name string, got, want float64) {
				if got < want {
					t.Errorf("%s %.2f, want at least %.2f", name, got, want)
				}
			}
			check("hit@1", ratio(s.hit1, s.answerable), tt.min.hit1)
			check("hit@3", ratio(s.hit3, s.answerable), tt.min.hit3)
			check("key", ratio(s.keyHit, s.keyed), tt.min.key)
			check("abstain", ratio(s.abstain, s.unanswerable), tt.min.abstain)
			if s.falseAbstain > tt.min.maxFalseAbstain {
				t.Errorf("%d answerable questions abstained, want at most %d", s.falseAbstain, tt.min.maxFalseAbstain)
			}
			if s.quotesOK != s.quotes {
				t.Errorf("quotes %d/%d, want all", s.quotesOK, s.quotes)
			}
		})
	}
}

// TestDevSetIsTheSharedOne keeps testdata in step with ../shared/eval when
// that folder is present (it is on the project machine, not in a clone).
func TestDevSetIsTheSharedOne(t *testing.T) {
	for _, name := range []string{"questions.jsonl", "quotes.jsonl"} {
		t.Run(name+" is a byte-for-byte copy of the shared eval file", func(t *testing.T) {
			shared, err := os.ReadFile(filepath.Join("..", "..", "shared", "eval", name))
			if err != nil {
				t.Skipf("shared eval set not present: %v", err)
			}
			ours, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if string(shared) != string(ours) {
				t.Errorf("testdata/%s differs from ../shared/eval/%s: copy it again", name, name)
			}
		})
	}
	t.Run("the embedded seed story is the user's document exactly", func(t *testing.T) {
		shared, err := os.ReadFile(filepath.Join("..", "..", "shared", "stories", "2025-10-21-rubio-lavrov-meeting-tabled.txt"))
		if err != nil {
			t.Skipf("shared story not present: %v", err)
		}
		ours, err := os.ReadFile(filepath.Join("seed", "2025-10-21-rubio-lavrov-meeting-tabled.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if string(shared) != string(ours) {
			t.Error("knowledge/seed story differs from ../shared/stories: the seed must be the user's document as given")
		}
	})
}

// corpusDir holds twelve public-domain U.S. government news releases with
// twelve questions each (a copy of ../shared/eval/corpus; see its README).
var corpusDir = filepath.Join("testdata", "corpus")

// heldOut are the corpus stories kept aside while the retrieval and the
// abstention model were developed and fitted: their figures are the
// honest estimate of how storybot does on stories it has never seen.
var heldOut = []string{
	"2008-06-27-noaa-overfishing-list",
	"2011-05-20-threats-against-president-sentencing",
	"2015-07-21-usda-rural-electric-loans",
	"2025-06-12-ambulette-medicaid-fraud-plea",
}

// TestUnseenSets scores the question sets written after the method by
// writers who had not seen it, each on its stories loaded as one library:
// the six stories of testdata/fresh (read for diagnosis since), the six
// of testdata/fresh2 (only ever scored), and the blind questions on the
// corpus's training stories (testdata/blind_questions.jsonl: reworded
// questions and details the stories do not give). The floors are today's
// figures, well below the corpus's, and say how far the method still is
// from generalising.
func TestUnseenSets(t *testing.T) {
	tests := []struct {
		name, stories, questions string
		minHit1, minAbstain      float64
		maxFalseAbstain          int
	}{
		{"the first fresh set answers as well as it does today", filepath.Join("testdata", "fresh", "stories"), filepath.Join("testdata", "fresh", "all.questions.jsonl"), 0.60, 0.25, 8},
		{"the second fresh set answers as well as it does today", filepath.Join("testdata", "fresh2", "stories"), filepath.Join("testdata", "fresh2", "all.questions.jsonl"), 0.70, 0.55, 5},
		{"the third fresh set answers as well as it does today", filepath.Join("testdata", "fresh3", "stories"), filepath.Join("testdata", "fresh3", "all.questions.jsonl"), 0.65, 0.33, 4},
		{"the fourth fresh set answers as well as it does today", filepath.Join("testdata", "fresh4", "stories"), filepath.Join("testdata", "fresh4", "all.questions.jsonl"), 0.60, 0.16, 5},
		{"blind questions on the training stories answer as well as they do today", filepath.Join(corpusDir, "stories"), filepath.Join("testdata", "blind_questions.jsonl"), 0.72, 0.33, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := knowledge.LoadDir(tt.stories)
			if err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(tt.stories)
			if err != nil {
				t.Fatal(err)
			}
			library := map[string]map[int]string{}
			for _, e := range entries {
				if id, ok := strings.CutSuffix(e.Name(), ".txt"); ok {
					library[id] = scoredParagraphs(t, filepath.Join(tt.stories, e.Name()))
				}
			}
			qs := readJSONL[evalQuestion](t, tt.questions)
			s := scoreLibrary(t, lib, library, qs, nil)
			report(t, tt.questions, s)
			if got := ratio(s.hit1, s.answerable); got < tt.minHit1 {
				t.Errorf("hit@1 %.2f, want at least %.2f", got, tt.minHit1)
			}
			if got := ratio(s.abstain, s.unanswerable); got < tt.minAbstain {
				t.Errorf("abstain %.2f, want at least %.2f", got, tt.minAbstain)
			}
			if s.falseAbstain > tt.maxFalseAbstain {
				t.Errorf("%d false abstentions, want at most %d", s.falseAbstain, tt.maxFalseAbstain)
			}
		})
	}
}

// corpusStoryMinHit1 is the least hit@1 of any corpus story read alone:
// issue 11's bar, which every story, held out or not, now meets.
const corpusStoryMinHit1 = 0.70

// corpusStories lists the corpus story ids in file order.
func corpusStories(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(corpusDir, "stories"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			ids = append(ids, strings.TrimSuffix(e.Name(), ".txt"))
		}
	}
	return ids
}

// TestCorpus runs every corpus story alone and all twelve as one library,
// against the bars of issue 11.
func TestCorpus(t *testing.T) {
	ids := corpusStories(t)
	if len(ids) != 12 {
		t.Fatalf("%d corpus stories, want 12", len(ids))
	}
	var table []string
	for _, id := range ids {
		t.Run("the "+id+" story alone answers most of its questions", func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(corpusDir, "stories", id+".txt")
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, id+".txt"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			lib, err := knowledge.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			qs := readJSONL[evalQuestion](t, filepath.Join(corpusDir, "questions", id+".questions.jsonl"))
			qqs := readJSONL[evalQuote](t, filepath.Join(corpusDir, "questions", id+".quotes.jsonl"))
			s := score(t, lib, src, qs, qqs)
			mark := ""
			if slices.Contains(heldOut, id) {
				mark = " (held out)"
			}
			table = append(table, fmt.Sprintf("| %s%s | %.2f / %.2f / %d | rank %.2f |", id, mark,
				ratio(s.hit1, s.answerable), ratio(s.abstain, s.unanswerable), s.falseAbstain, ratio(s.rankHit1, s.answerable)))
			report(t, id, s)
			if got := ratio(s.hit1, s.answerable); got < corpusStoryMinHit1 {
				t.Errorf("hit@1 %.2f, want at least %.2f", got, corpusStoryMinHit1)
			}
			if s.quotesOK != s.quotes {
				t.Errorf("quotes %d/%d, want all", s.quotesOK, s.quotes)
			}
		})
	}
	t.Run("all twelve stories loaded as one library answer with the right story", func(t *testing.T) {
		lib, err := knowledge.LoadDir(filepath.Join(corpusDir, "stories"))
		if err != nil {
			t.Fatal(err)
		}
		library := map[string]map[int]string{}
		for _, id := range ids {
			library[id] = scoredParagraphs(t, filepath.Join(corpusDir, "stories", id+".txt"))
		}
		qs := readJSONL[evalQuestion](t, filepath.Join(corpusDir, "all.questions.jsonl"))
		s := scoreLibrary(t, lib, library, qs, nil)
		table = append(table, fmt.Sprintf("| all twelve as one library | %.2f / %.2f / %d |",
			ratio(s.hit1, s.answerable), ratio(s.abstain, s.unanswerable), s.falseAbstain))
		report(t, "library", s)
		// Issue 11's bar is hit@1 0.85, abstain 0.90, at most 6 false
		// abstentions; bleve's BM25 reads hit@1 0.62 and never abstains.
		// The floors are the figures the method reaches today.
		if got := ratio(s.hit1, s.answerable); got < 0.84 {
			t.Errorf("hit@1 %.2f, want at least 0.84 (bleve: 0.62)", got)
		}
		if got := ratio(s.abstain, s.unanswerable); got < 0.79 {
			t.Errorf("abstain %.2f, want at least 0.79", got)
		}
		if s.falseAbstain > 4 {
			t.Errorf("%d false abstentions, want at most 4", s.falseAbstain)
		}
	})
	t.Logf("hit@1 / abstain / false abstentions:\n%s", strings.Join(table, "\n"))
}
