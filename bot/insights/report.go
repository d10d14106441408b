// Package insights turns the question log and the 👍/👎 clicks into what
// an editor wants to know: per story, how many questions were asked,
// answered and declined, how readers rated the answers and how fast they
// came; the most asked questions, rewordings counted together; and the
// questions the stories do not answer, each with the passage the bot
// named instead. The same report is printed by `storybot insights`,
// answered to `/insights` in chat, served as an HTML page and posted
// weekly.
package insights

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

// SimilarityFloor is the knowledge.QuestionSimilarity at or above which
// two questions are counted as rewordings of one.
const SimilarityFloor = 0.6

// maxWordings bounds the distinct wordings that are grouped: grouping
// compares each with every group so far.
const maxWordings = 3000

// Source is where the report's data comes from (*store.Store).
type Source interface {
	// QuestionLog returns the questions logged at or after since, oldest
	// first; Question is empty where its text was not kept.
	QuestionLog(ctx context.Context, since time.Time) ([]bot.QuestionRecord, error)
	// FeedbackLog returns the 👍/👎 clicks at or after since, oldest first.
	FeedbackLog(ctx context.Context, since time.Time) ([]bot.Feedback, error)
}

// textKeeper is implemented by sources that say whether they keep
// question text (*store.Store).
type textKeeper interface{ QuestionTextKept() bool }

// Request says what a report covers.
type Request struct {
	// Since and Until bound the period; Until zero means now.
	Since, Until time.Time
	// Story keeps only questions about that story id; empty keeps all.
	Story string
	// Limit caps each list of questions (default 10).
	Limit int
	// Location is the zone days are counted in (default UTC).
	Location *time.Location
	// Title names a story id for people; nil shows ids.
	Title func(id string) string
}

// Report is what readers asked in a period.
type Report struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// TextKept is false when the log holds no question text (question
	// text storage is off): then only the counts are known.
	TextKept bool `json:"text_kept"`
	// Total counts every question once.
	Total Stats `json:"total"`
	// Stories has one entry per story asked about, most asked first; a
	// question answered from two stories counts for both. Story "" holds
	// questions tied to no story.
	Stories []Stats `json:"stories"`
	// Top are the most asked questions, rewordings grouped.
	Top []Group `json:"top_questions"`
	// Unanswered are the declined questions, grouped the same way.
	Unanswered []Group `json:"unanswered"`
	// Days are the questions per local day of the period, oldest first.
	Days []Day `json:"days"`
}

// Stats are the counts for one story or for all.
type Stats struct {
	Story    string `json:"story,omitempty"`
	Title    string `json:"title,omitempty"`
	Asked    int    `json:"asked"`
	Answered int    `json:"answered"`
	Declined int    `json:"declined"`
	// DeclineRate is Declined / Asked, 0 when nothing was asked.
	DeclineRate float64 `json:"decline_rate"`
	Helpful     int     `json:"helpful"`
	Unhelpful   int     `json:"unhelpful"`
	// MedianLatency is the median time to answer, in milliseconds.
	MedianLatencyMS int64 `json:"median_latency_ms"`
	latencies       []time.Duration
}

// Group is one question and its rewordings.
type Group struct {
	// Question is the most common wording.
	Question string `json:"question"`
	// Count is how often it was asked, in any wording.
	Count int `json:"count"`
	// Wordings is how many different wordings were counted.
	Wordings int `json:"wordings"`
	// Story is the story the question was most often tied to.
	Story string `json:"story,omitempty"`
	// Closest is, for a declined question, the passage the bot named most
	// often instead of an answer.
	Closest *Passage `json:"closest,omitempty"`
}

// Passage is a paragraph of a story the bot pointed to.
type Passage struct {
	Story     string `json:"story"`
	Paragraph int    `json:"paragraph"`
	Quote     string `json:"quote"`
}

// Day counts one local day's questions.
type Day struct {
	Date     string `json:"date"` // YYYY-MM-DD
	Asked    int    `json:"asked"`
	Declined int    `json:"declined"`
	// PerStory counts the day's questions by story id ("" for none).
	PerStory map[string]int `json:"per_story"`
}

// Build reads the logs for req's period from src and makes the report.
func Build(ctx context.Context, src Source, req Request) (Report, error) {
	if req.Until.IsZero() {
		req.Until = time.Now()
	}
	qs, err := src.QuestionLog(ctx, req.Since)
	if err != nil {
		return Report{}, fmt.Errorf("insights: %w", err)
	}
	fb, err := src.FeedbackLog(ctx, req.Since)
	if err != nil {
		return Report{}, fmt.Errorf("insights: %w", err)
	}
	r := Make(qs, fb, req)
	if tk, ok := src.(textKeeper); ok && !tk.QuestionTextKept() {
		r.TextKept = false
		r.Top, r.Unanswered = nil, nil
	}
	return r, nil
}

// Make builds the report from logs already read (see Build).
func Make(qs []bot.QuestionRecord, fb []bot.Feedback, req Request) Report {
	if req.Until.IsZero() {
		req.Until = time.Now()
	}
	if req.Limit <= 0 {
		req.Limit = 10
	}
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	r := Report{Since: req.Since, Until: req.Until}
	stats := map[string]*Stats{}
	statsOf := func(id string) *Stats {
		s, ok := stats[id]
		if !ok {
			s = &Stats{Story: id}
			if req.Title != nil && id != "" {
				s.Title = req.Title(id)
			}
			stats[id] = s
		}
		return s
	}
	days := map[string]*Day{}
	// storyOfText ties a rated question's text to the story it was
	// answered from: clicks carry no story id.
	storyOfText := map[string]string{}
	var kept []bot.QuestionRecord
	for _, q := range qs {
		if q.At.Before(req.Since) || !q.At.Before(req.Until) {
			continue
		}
		if req.Story != "" && !slices.Contains(q.Stories, req.Story) {
			continue
		}
		kept = append(kept, q)
		if q.Question != "" {
			r.TextKept = true
		}
		ids := q.Stories
		if req.Story != "" {
			ids = []string{req.Story}
		} else if len(ids) == 0 {
			ids = []string{""}
		}
		count(&r.Total, q)
		for _, id := range ids {
			count(statsOf(id), q)
		}
		if q.Question != "" {
			storyOfText[normalize(q.Question)] = ids[0]
		}
		date := q.At.In(loc).Format(time.DateOnly)
		d, ok := days[date]
		if !ok {
			d = &Day{Date: date, PerStory: map[string]int{}}
			days[date] = d
		}
		d.Asked++
		if q.Abstained {
			d.Declined++
		}
		d.PerStory[ids[0]]++
	}
	for _, f := range fb {
		if f.At.Before(req.Since) || !f.At.Before(req.Until) {
			continue
		}
		id, known := storyOfText[normalize(f.Question)]
		if req.Story != "" && (!known || f.Question == "") {
			continue // a click that cannot be tied to the story
		}
		rate(&r.Total, f.Helpful)
		if known && f.Question != "" {
			rate(statsOf(id), f.Helpful)
		}
	}
	finish(&r.Total)
	for _, s := range stats {
		finish(s)
		r.Stories = append(r.Stories, *s)
	}
	slices.SortFunc(r.Stories, func(a, b Stats) int {
		if c := cmp.Compare(b.Asked, a.Asked); c != 0 {
			return c
		}
		return cmp.Compare(a.Story, b.Story)
	})
	// Every day of the period, empty ones too, so charts keep their scale.
	for d := req.Since.In(loc); d.Before(req.Until); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		if _, ok := days[date]; !ok {
			days[date] = &Day{Date: date, PerStory: map[string]int{}}
		}
		if len(days) > 400 {
			break
		}
	}
	for _, d := range days {
		r.Days = append(r.Days, *d)
	}
	slices.SortFunc(r.Days, func(a, b Day) int { return cmp.Compare(a.Date, b.Date) })
	if r.TextKept {
		r.Top = group(kept, req.Limit)
		var declined []bot.QuestionRecord
		for _, q := range kept {
			if q.Abstained {
				declined = append(declined, q)
			}
		}
		r.Unanswered = group(declined, req.Limit)
	}
	return r
}

func count(s *Stats, q bot.QuestionRecord) {
	s.Asked++
	if q.Abstained {
		s.Declined++
	} else {
		s.Answered++
	}
	s.latencies = append(s.latencies, q.Latency)
}

func rate(s *Stats, helpful bool) {
	if helpful {
		s.Helpful++
	} else {
		s.Unhelpful++
	}
}

func finish(s *Stats) {
	if s.Asked > 0 {
		s.DeclineRate = float64(s.Declined) / float64(s.Asked)
	}
	if n := len(s.latencies); n > 0 {
		l := slices.Clone(s.latencies)
		slices.Sort(l)
		m := l[n/2]
		if n%2 == 0 {
			m = (l[n/2-1] + l[n/2]) / 2
		}
		s.MedianLatencyMS = m.Milliseconds()
	}
	s.latencies = nil
}

// normalize folds what does not change a question: case, spacing and
// closing punctuation.
func normalize(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	return strings.TrimRight(q, "?!. ")
}

// wording is one normalised wording of a question and how often it came.
type wording struct {
	text    string // as last asked
	count   int
	first   int
	stories map[string]int
	closest map[Passage]int
}

// group counts questions together that are rewordings of one another:
// first those equal once normalised, then, most common first, each
// wording joins the first group whose leading wording it matches at
// SimilarityFloor or above.
func group(qs []bot.QuestionRecord, limit int) []Group {
	byKey := map[string]*wording{}
	var list []*wording
	for i, q := range qs {
		if strings.TrimSpace(q.Question) == "" {
			continue
		}
		k := normalize(q.Question)
		w, ok := byKey[k]
		if !ok {
			w = &wording{first: i, stories: map[string]int{}, closest: map[Passage]int{}}
			byKey[k] = w
			list = append(list, w)
		}
		w.text = strings.Join(strings.Fields(q.Question), " ")
		w.count++
		if len(q.Stories) > 0 {
			w.stories[q.Stories[0]]++
		}
		if c := q.Closest; c != nil {
			w.closest[Passage{Story: c.Story, Paragraph: c.Paragraph, Quote: c.Text}]++
		}
	}
	slices.SortFunc(list, func(a, b *wording) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	if len(list) > maxWordings {
		list = list[:maxWordings]
	}
	type cluster struct {
		lead    *wording
		members []*wording
		count   int
	}
	var clusters []*cluster
	for _, w := range list {
		var home *cluster
		for _, c := range clusters {
			if knowledge.QuestionSimilarity(c.lead.text, w.text) >= SimilarityFloor {
				home = c
				break
			}
		}
		if home == nil {
			home = &cluster{lead: w}
			clusters = append(clusters, home)
		}
		home.members = append(home.members, w)
		home.count += w.count
	}
	slices.SortStableFunc(clusters, func(a, b *cluster) int { return cmp.Compare(b.count, a.count) })
	var out []Group
	for _, c := range clusters {
		if len(out) == limit {
			break
		}
		stories, closest := map[string]int{}, map[Passage]int{}
		for _, m := range c.members {
			for k, v := range m.stories {
				stories[k] += v
			}
			for k, v := range m.closest {
				closest[k] += v
			}
		}
		g := Group{Question: c.lead.text, Count: c.count, Wordings: len(c.members), Story: mostCommon(stories, cmp.Compare[string])}
		if len(closest) > 0 {
			p := mostCommon(closest, func(a, b Passage) int {
				return cmp.Or(cmp.Compare(a.Story, b.Story), cmp.Compare(a.Paragraph, b.Paragraph))
			})
			g.Closest = &p
		}
		out = append(out, g)
	}
	return out
}

// mostCommon returns the key with the highest count, ties broken by
// order so the result does not depend on map order.
func mostCommon[K comparable](m map[K]int, order func(a, b K) int) K {
	var best K
	n := -1
	for k, v := range m {
		if v > n || (v == n && order(k, best) < 0) {
			best, n = k, v
		}
	}
	return best
}
