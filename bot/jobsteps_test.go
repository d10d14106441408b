package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/openaitest"
)

// stepDeliverer is a stepRecorder the queue can deliver through.
type stepDeliverer struct{ stepRecorder }

func (w *stepDeliverer) Delivered() bool { return len(w.Replies()) > 0 }

func TestAQueuedSummaryShowsItsStepsOnItsFirstTryOnly(t *testing.T) {
	tests := []struct {
		name      string
		attempt   int
		wantSteps bool
	}{
		{name: "the first try shows the steps and the text as it grows", attempt: 1, wantSteps: true},
		{name: "a later try shows the final reply alone", attempt: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Reply(`A White House official told CNN the meeting "has been put on hold for the time being" [¶4].`)
			h := summaryHandler(t, srv, 5*time.Second)
			w := &stepDeliverer{}
			job := bot.Job{Platform: bot.PlatformSlack, Key: "Ev1", Attempt: tc.attempt}
			if err := bot.RespondJob(context.Background(), bot.Message{Text: holdQ}, bot.NewJobWriter(w, job, memMarks{}), h.Handle); err != nil {
				t.Fatal(err)
			}
			steps := w.titles()
			if got := len(steps) > 0; got != tc.wantSteps {
				t.Errorf("steps shown = %q, want some: %t", steps, tc.wantSteps)
			}
			if tc.wantSteps && (!strings.HasPrefix(steps[0], "retrieve complete:") || !strings.HasPrefix(steps[len(steps)-1], "check complete:")) {
				t.Errorf("steps = %q, want retrieval first and the check last", steps)
			}
			if got := len(w.Partials()) > 0; got != tc.wantSteps {
				t.Errorf("partials shown: %t, want %t", got, tc.wantSteps)
			}
			if len(w.Replies()) != 1 {
				t.Errorf("%d replies, want 1", len(w.Replies()))
			}
		})
	}
}
