package insights_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/insights"
)

// fakeSource is an in-memory question and feedback log.
type fakeSource struct {
	questions []bot.QuestionRecord
	feedback  []bot.Feedback
	textOff   bool
}

func (f *fakeSource) QuestionLog(_ context.Context, since time.Time) ([]bot.QuestionRecord, error) {
	var out []bot.QuestionRecord
	for _, q := range f.questions {
		if !q.At.Before(since) {
			if f.textOff {
				q.Question = ""
			}
			out = append(out, q)
		}
	}
	return out, nil
}

func (f *fakeSource) FeedbackLog(_ context.Context, since time.Time) ([]bot.Feedback, error) {
	var out []bot.Feedback
	for _, v := range f.feedback {
		if !v.At.Before(since) {
			if f.textOff {
				v.Question, v.Answer = "", ""
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func (f *fakeSource) QuestionTextKept() bool { return !f.textOff }

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// newsroom is a week of questions about two stories.
func newsroom() *fakeSource {
	closest := &bot.Quote{Story: "rubio", Paragraph: 4, Text: "The meeting has been put on hold for the time being."}
	q := func(hoursAgo int, story, text string, declined bool, ms int) bot.QuestionRecord {
		r := bot.QuestionRecord{At: t0.Add(-time.Duration(hoursAgo) * time.Hour), Platform: bot.PlatformSlack, Channel: "C1",
			Question: text, Mode: bot.ModeQuote, Abstained: declined, Latency: time.Duration(ms) * time.Millisecond,
			Stories: []string{story}}
		if declined {
			r.Closest = closest
		}
		return r
	}
	return &fakeSource{
		questions: []bot.QuestionRecord{
			q(200, "rubio", "Too old to count?", false, 10),
			q(100, "rubio", "Why was the meeting put on hold?", false, 30),
			q(90, "rubio", "why was the meeting put on hold", false, 40),
			q(80, "rubio", "Why was the Rubio-Lavrov meeting put on hold?", false, 50),
			q(70, "rubio", "Who will host the summit?", true, 20),
			q(60, "rubio", "who will host the summit", true, 20),
			q(50, "rubio", "Where will Trump meet Zelensky?", true, 20),
			q(40, "gaza", "What about Gaza?", false, 60),
			q(30, "gaza", "<script>alert('x')</script> what about the ceasefire?", true, 70),
		},
		feedback: []bot.Feedback{
			{At: t0.Add(-99 * time.Hour), Question: "Why was the meeting put on hold?", Helpful: true},
			{At: t0.Add(-39 * time.Hour), Question: "What about Gaza?", Helpful: false},
			{At: t0.Add(-38 * time.Hour), Question: "an answer from before the period", Helpful: true},
		},
	}
}

func mustBuild(t *testing.T, src insights.Source, req insights.Request) insights.Report {
	t.Helper()
	r, err := insights.Build(context.Background(), src, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTheReportCountsPerStory(t *testing.T) {
	r := mustBuild(t, newsroom(), insights.Request{Since: t0.Add(-7 * 24 * time.Hour), Until: t0})
	tests := []struct {
		name string
		got  insights.Stats
		want insights.Stats
	}{
		{"every question counts once in the total", r.Total,
			insights.Stats{Asked: 8, Answered: 4, Declined: 4, DeclineRate: 0.5, Helpful: 2, Unhelpful: 1, MedianLatencyMS: 35}},
		{"the most asked story comes first", r.Stories[0],
			insights.Stats{Story: "rubio", Asked: 6, Answered: 3, Declined: 3, DeclineRate: 0.5, Helpful: 1, MedianLatencyMS: 25}},
		{"a click counts for the story its question was answered from", r.Stories[1],
			insights.Stats{Story: "gaza", Asked: 2, Answered: 1, Declined: 1, DeclineRate: 0.5, Unhelpful: 1, MedianLatencyMS: 65}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, tt.got, cmp.AllowUnexported(insights.Stats{})); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
	if len(r.Days) != 7 {
		t.Errorf("%d days charted, want 7 (empty days too)", len(r.Days))
	}
}

func TestQuestionsAreGroupedWithTheirRewordings(t *testing.T) {
	r := mustBuild(t, newsroom(), insights.Request{Since: t0.Add(-7 * 24 * time.Hour), Until: t0})
	top := map[string]insights.Group{}
	for _, g := range r.Top {
		top[g.Question] = g
	}
	tests := []struct {
		name     string
		question string
		count    int
		wordings int
	}{
		{"rewordings of one question count together, under the commonest wording",
			"why was the meeting put on hold", 3, 2},
		{"the same question in other case counts together", "who will host the summit", 2, 1},
		{"a question about someone else stays apart", "Where will Trump meet Zelensky?", 1, 1},
		{"a different question stays apart", "What about Gaza?", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := top[tt.question]
			if !ok {
				t.Fatalf("no group %q among %+v", tt.question, r.Top)
			}
			if g.Count != tt.count || g.Wordings != tt.wordings {
				t.Fatalf("%q: %d asked in %d wordings; want %d in %d", tt.question, g.Count, g.Wordings, tt.count, tt.wordings)
			}
		})
	}
	t.Run("the most asked comes first", func(t *testing.T) {
		if r.Top[0].Count != 3 {
			t.Fatalf("first group %+v", r.Top[0])
		}
	})
	t.Run("unanswered questions carry the passage the bot named", func(t *testing.T) {
		u := r.Unanswered[0]
		if u.Question != "who will host the summit" || u.Count != 2 || u.Closest == nil || u.Closest.Paragraph != 4 {
			t.Fatalf("first unanswered %+v", u)
		}
		for _, g := range r.Unanswered {
			if strings.Contains(g.Question, "put on hold") {
				t.Fatalf("an answered question among the unanswered: %+v", g)
			}
		}
	})
}

func TestAReportOnOneStoryLeavesOutTheOthers(t *testing.T) {
	r := mustBuild(t, newsroom(), insights.Request{Since: t0.Add(-7 * 24 * time.Hour), Until: t0, Story: "gaza"})
	if r.Total.Asked != 2 || len(r.Stories) != 1 || r.Stories[0].Story != "gaza" || r.Total.Unhelpful != 1 || r.Total.Helpful != 0 {
		t.Fatalf("report on gaza: total %+v, stories %+v", r.Total, r.Stories)
	}
}

func TestWithQuestionTextOffOnlyTheCountsAreShown(t *testing.T) {
	src := newsroom()
	src.textOff = true
	r := mustBuild(t, src, insights.Request{Since: t0.Add(-7 * 24 * time.Hour), Until: t0})
	if r.TextKept || r.Top != nil || r.Unanswered != nil || r.Total.Asked != 8 {
		t.Fatalf("report %+v", r)
	}
	text := r.Text()
	if !strings.Contains(text, insights.TextOff) || strings.Contains(text, "Top questions") {
		t.Fatalf("text does not say only counts are shown:\n%s", text)
	}
	if reply := r.Reply("Insights", ""); !strings.Contains(reply.Text, insights.TextOff) {
		t.Fatalf("chat reply does not say so:\n%s", reply.Text)
	}
}

func TestTheTextReportReadsWell(t *testing.T) {
	r := mustBuild(t, newsroom(), insights.Request{Since: t0.Add(-7 * 24 * time.Hour), Until: t0})
	text := r.Text()
	for _, want := range []string{
		"Insights, 2026-11-23 – 2026-11-30 (7 days)",
		"All stories: 8 asked · 4 answered · 4 declined (50%) · 👍 2 👎 1 · median 35 ms",
		"3× why was the meeting put on hold (2 wordings)",
		"Asked, not answered\n  2× who will host the summit\n      closest: ¶4 of rubio: “The meeting has been put on hold for the time being.”",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	reply := r.Reply("Insights for the last 7 days", "https://bot.example.com/insights")
	if !strings.Contains(reply.Text, "https://bot.example.com/insights") || !strings.Contains(reply.Text, "who will host the summit") {
		t.Errorf("chat reply:\n%s", reply.Text)
	}
}

func TestParseSince(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * 24 * time.Hour, true},
		{"36h", 36 * time.Hour, true},
		{"0d", 0, false},
		{"week", 0, false},
		{"-2h", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is read as a period or refused", func(t *testing.T) {
			got, err := insights.ParseSince(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseSince(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}
