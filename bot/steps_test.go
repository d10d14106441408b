package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/bottest"
	"github.com/storybot/storybot/internal/openaitest"
)

// stepRecorder is a writer that records the steps it is shown.
type stepRecorder struct {
	bottest.StreamRecorder
	mu    sync.Mutex
	steps []bot.Step
}

func (w *stepRecorder) WriteStep(_ context.Context, s bot.Step) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.steps = append(w.steps, s)
	return nil
}

func (w *stepRecorder) titles() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, s := range w.steps {
		out = append(out, s.ID+" "+string(s.Status)+": "+s.Title)
	}
	return out
}

func TestSummaryStepsShowWhatWasRetrievedAndWhatTheChecksFound(t *testing.T) {
	tests := []struct {
		name      string
		llm       string
		lastStep  string
		textLacks string
	}{
		{name: "verbatim quotations are counted as verbatim",
			llm:      `A White House official told CNN the meeting "has been put on hold for the time being" [¶4].`,
			lastStep: "check complete: Checked 1 quotation against the story: 1 verbatim"},
		{name: "an invented quotation is reported removed and is not shown",
			llm:       `Rubio said "I will never meet Lavrov again" [¶4]. The meeting "has been put on hold for the time being" [¶4].`,
			lastStep:  "check complete: Checked 2 quotations against the story: 1 verbatim, removed 1 not found in ¶4",
			textLacks: "never meet"},
		{name: "a summary with no quotations says there was none to check",
			llm:      `The meeting has been put on hold [¶4].`,
			lastStep: "check complete: Checked the citations against the story: no quotations to check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Reply(tc.llm)
			h := summaryHandler(t, srv, 5*time.Second)
			w := &stepRecorder{}
			if err := h.Handle(context.Background(), bot.Message{Text: holdQ}, w); err != nil {
				t.Fatal(err)
			}
			got := w.titles()
			if len(got) < 4 {
				t.Fatalf("steps = %q, want retrieve, summarise, check", got)
			}
			if !strings.HasPrefix(got[0], "retrieve complete: Retrieved ¶") {
				t.Errorf("first step = %q, want the paragraphs retrieved", got[0])
			}
			wantIDs := []string{"retrieve", "summarise", "summarise", "check", "check"}
			var ids []string
			for _, s := range got {
				ids = append(ids, strings.Fields(s)[0])
			}
			if diff := cmp.Diff(wantIDs, ids); diff != "" {
				t.Errorf("step order (-want +got):\n%s", diff)
			}
			if last := got[len(got)-1]; last != tc.lastStep {
				t.Errorf("last step = %q, want %q", last, tc.lastStep)
			}
			r := w.Last()
			if r.Checked == "" || !strings.Contains(tc.lastStep, r.Checked) {
				t.Errorf("reply.Checked = %q, want the check's verdict", r.Checked)
			}
			if tc.textLacks != "" && strings.Contains(r.Text, tc.textLacks) {
				t.Errorf("the answer shows %q: %s", tc.textLacks, r.Text)
			}
		})
	}
}
