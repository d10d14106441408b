package bot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/storybot/storybot/bot"
)

// labellingWriter is a DeliveryWriter that labels what it posts
// (bot.PartLabeler), as the Slack adapter does with message metadata.
type labellingWriter struct {
	posted  map[string]string // label → message id, as the platform shows them
	label   string
	writes  int
	looked  int
	findErr error
}

func (w *labellingWriter) LabelPart(jobKey string, n int) { w.label = fmt.Sprintf("%s/%d", jobKey, n) }

func (w *labellingWriter) FindPart(_ context.Context, jobKey string, n int) (string, bool, error) {
	w.looked++
	if w.findErr != nil {
		return "", false, w.findErr
	}
	ref, ok := w.posted[fmt.Sprintf("%s/%d", jobKey, n)]
	return ref, ok, nil
}

func (w *labellingWriter) WriteReply(context.Context, bot.Reply) error {
	w.writes++
	w.posted[w.label] = fmt.Sprintf("ts%d", w.writes)
	return nil
}
func (w *labellingWriter) Delivered() bool { return w.writes > 0 }

func TestJobWriterLooksForRepliesAnEarlierTryPosted(t *testing.T) {
	reply := bot.Reply{Kind: bot.KindNotice, Text: "hello"}
	tests := []struct {
		name       string
		attempt    int
		posted     map[string]string
		findErr    error
		wantWrites int
		wantLooked int
		wantMark   string // the marker's ref after the write, "" for none
		wantErr    bool
	}{
		{name: "a first try labels its reply and does not look", attempt: 1, posted: map[string]string{},
			wantWrites: 1, wantMark: ""},
		{name: "a retry finds a reply the platform shows posted, marks it and does not post it again", attempt: 2,
			posted: map[string]string{"Ev1/1": "ts-earlier"}, wantLooked: 1, wantMark: "ts-earlier"},
		{name: "a retry posts a reply the platform does not show", attempt: 2, posted: map[string]string{},
			wantWrites: 1, wantLooked: 1},
		{name: "a retry that cannot look fails the write, to be tried again", attempt: 2, posted: map[string]string{},
			findErr: errors.New("platform unavailable"), wantLooked: 1, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &labellingWriter{posted: tc.posted, findErr: tc.findErr}
			marks := memMarks{}
			jw := bot.NewJobWriter(w, bot.Job{Platform: bot.PlatformSlack, Key: "Ev1", Attempt: tc.attempt}, marks)
			err := jw.WriteReply(context.Background(), reply)
			if (err != nil) != tc.wantErr {
				t.Fatalf("WriteReply = %v, want an error: %v", err, tc.wantErr)
			}
			if w.writes != tc.wantWrites || w.looked != tc.wantLooked {
				t.Errorf("%d writes and %d look-ups, want %d and %d", w.writes, w.looked, tc.wantWrites, tc.wantLooked)
			}
			if ref, ok := marks["slack:Ev1#1"]; ok == tc.wantErr || ref != tc.wantMark {
				t.Errorf("marker %q (set: %v), want %q", ref, ok, tc.wantMark)
			}
			if tc.wantWrites == 1 && w.label != "Ev1/1" {
				t.Errorf("posted with label %q, want Ev1/1", w.label)
			}
		})
	}
}
