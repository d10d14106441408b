package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// topQuestions is a question log that says what was asked most.
type topQuestions []string

func (topQuestions) LogQuestion(context.Context, bot.QuestionRecord) error { return nil }

func (q topQuestions) TopQuestions(context.Context, time.Time, string, int) ([]string, error) {
	return q, nil
}

func TestSuggestedPromptsAreDrawnFromTheLibrary(t *testing.T) {
	lib := mustLibrary(t)
	newest := lib.Stories()[0]
	tests := []struct {
		name      string
		questions bot.QuestionLogger
		opts      bot.PromptOptions
		want      []string // messages, in order
	}{
		{name: "without a question log: what changed, the digest and the most quoted speaker",
			want: []string{"changes " + newest.ID, "digest", "quote "}},
		{name: "with a question log the most asked question comes third",
			questions: topQuestions{"why was the meeting put on hold?"},
			want:      []string{"changes " + newest.ID, "digest", "why was the meeting put on hold?", "quote "}},
		{name: "a limit keeps the first prompts", opts: bot.PromptOptions{Limit: 2},
			want: []string{"changes " + newest.ID, "digest"}},
		{name: "a channel with stories the library lacks gets the digest and help",
			opts: bot.PromptOptions{Stories: []string{"no-such-story"}}, want: []string{"digest", "help"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := bot.NewHandler(bot.Config{Library: lib, Questions: tc.questions})
			got := h.SuggestedPrompts(context.Background(), tc.opts)
			if len(got) != len(tc.want) {
				t.Fatalf("prompts = %+v, want messages %q", got, tc.want)
			}
			for i, p := range got {
				if !strings.HasPrefix(p.Message, tc.want[i]) || p.Title == "" || len([]rune(p.Title)) > 75 {
					t.Errorf("prompt %d = %+v, want message %q and a short title", i, p, tc.want[i])
				}
			}
		})
	}
}

func TestThreadTitleIsTheQuestionOnOneShortLine(t *testing.T) {
	if got := bot.ThreadTitle("  why   was it\nput on hold? "); got != "why was it put on hold?" {
		t.Errorf("ThreadTitle = %q", got)
	}
	long := strings.Repeat("word ", 30)
	if got := bot.ThreadTitle(long); len([]rune(got)) > 60 || !strings.HasSuffix(got, "…") {
		t.Errorf("ThreadTitle(long) = %q, want at most 60 characters ending in …", got)
	}
}
