package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/store"
)

func TestQuestionAndFeedbackLogsForInsights(t *testing.T) {
	onEachBackend(t, testQuestionAndFeedbackLogsForInsights)
}

func testQuestionAndFeedbackLogsForInsights(t *testing.T, b backend) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	closest := &bot.Quote{Story: "a", Paragraph: 4, Text: "The meeting has been put on hold."}
	records := []bot.QuestionRecord{
		{At: t0.Add(-48 * time.Hour), Platform: bot.PlatformSlack, Channel: "C1", Question: "too old", Mode: bot.ModeQuote,
			Latency: time.Millisecond, Stories: []string{"a"}},
		{At: t0, Platform: bot.PlatformSlack, Channel: "C1", Question: "Why was it put on hold?", Mode: bot.ModeQuote,
			Latency: 40 * time.Millisecond, Stories: []string{"a"}},
		{At: t0.Add(time.Minute), Platform: bot.PlatformDiscord, Channel: "D1", Question: "Who will host the summit?", Mode: bot.ModeQuote,
			Abstained: true, Latency: 25 * time.Millisecond, Stories: []string{"a"}, Closest: closest},
	}
	votes := []bot.Feedback{
		{At: t0.Add(2 * time.Minute), Platform: bot.PlatformSlack, Channel: "C1", User: "U1", MessageID: "m1",
			Question: "Why was it put on hold?", Answer: "…", Helpful: true},
		{At: t0.Add(3 * time.Minute), Platform: bot.PlatformSlack, Channel: "C1", User: "U2", MessageID: "m1",
			Question: "Why was it put on hold?", Answer: "…", Helpful: false},
	}
	fill := func(s *store.Store) {
		t.Helper()
		for _, r := range records {
			if err := s.LogQuestion(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range votes {
			if err := s.RecordFeedback(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("the logs since a time come back as they were recorded, closest passage included", func(t *testing.T) {
		s := b.mustOpen(t, b.newDB(t))
		fill(s)
		got, err := s.QuestionLog(ctx, t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(records[1:], got); d != "" {
			t.Fatalf("question log (-want +got):\n%s", d)
		}
		fb, err := s.FeedbackLog(ctx, t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(votes, fb); d != "" {
			t.Fatalf("feedback log (-want +got):\n%s", d)
		}
	})
	t.Run("with question text off the logs hold only the counts' metadata", func(t *testing.T) {
		s := b.mustOpen(t, b.newDB(t), store.WithQuestionText(false))
		fill(s)
		if s.QuestionTextKept() {
			t.Fatal("QuestionTextKept is true")
		}
		got, err := s.QuestionLog(ctx, t0.Add(-time.Hour))
		if err != nil || len(got) != 2 {
			t.Fatalf("%d questions, %v; want 2", len(got), err)
		}
		for _, q := range got {
			if q.Question != "" {
				t.Fatalf("question text %q was kept", q.Question)
			}
		}
		fb, err := s.FeedbackLog(ctx, t0.Add(-time.Hour))
		if err != nil || len(fb) != 2 || fb[0].Question != "" || !fb[0].Helpful {
			t.Fatalf("feedback %+v, %v", fb, err)
		}
	})
}
