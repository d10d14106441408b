package slack

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/queue"
)

// newQueuedAssistantHarness is newAssistantHarness with every event going
// through a durable queue on a SQLite file, as serve runs it. The adapter
// runs; the queue is not started.
func newQueuedAssistantHarness(t *testing.T, llmText string) (*harness, *queue.Queue) {
	t.Helper()
	q, err := queue.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "storybot.db"), queue.Options{
		PollInterval: 20 * time.Millisecond, Logger: testLogger(t),
		Backoff: func(int) time.Duration { return 50 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	hs := newAssistantHarnessWith(t, llmText, func(o *Options) { o.Inbox, o.Marks = q, q })
	q.Register(bot.PlatformSlack, hs.a)
	return hs.start(), q
}

// stopQueue stops q, waiting for the job it is working to end.
func stopQueue(t *testing.T, q *queue.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// eventCounts drains the events reported so far and counts each kind.
func (hs *harness) eventCounts() map[string]int {
	got := map[string]int{}
	for {
		select {
		case kind := <-hs.events:
			got[kind]++
		default:
			return got
		}
	}
}

func TestAQueuedSummaryInThePaneStreamsWithTheChecksAsTasks(t *testing.T) {
	const llmText = `The meeting "has been put on hold for the time being" [¶4]. Rubio said "I will never meet Lavrov again" [¶4].`
	hs, q := newQueuedAssistantHarness(t, llmText)
	startQueue(t, q)
	threadTS := hs.fake.NextTS()
	hs.askInPane("EvQueued", threadTS, holdQuestion)

	calls := hs.streamUntilStop()
	if calls[0].Method != "chat.startStream" || calls[0].ThreadTS != threadTS {
		t.Fatalf("first streaming call = %s in thread %q", calls[0].Method, calls[0].ThreadTS)
	}
	want := []string{
		"retrieve complete",
		"summarise in_progress",
		"summarise complete",
		"check in_progress",
		"check complete",
	}
	got := tasks(calls)
	var states []string
	for _, s := range got {
		f := strings.Fields(s)
		states = append(states, f[0]+" "+strings.TrimSuffix(f[1], ":"))
	}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("task updates in order (-want +got):\n%s\n%q", diff, got)
	}
	if last := got[len(got)-1]; last != "check complete: Checked 2 quotations against the story: 1 verbatim, removed 1 not found in ¶4" {
		t.Errorf("check task = %q", last)
	}
	if text := streamedText(calls); strings.Contains(text, "never meet") || !strings.Contains(text, "has been put on hold") {
		t.Errorf("streamed text:\n%s", text)
	}
	checkCardsVerbatim(t, hs.h.Library(), calls[len(calls)-1])
}

func TestAnswersInThePaneAreCountedOnceAndOnlyWhenDelivered(t *testing.T) {
	const llmText = `A White House official told CNN the meeting "has been put on hold for the time being" [¶4].`
	tests := []struct {
		name     string
		queued   bool
		question string
		method   string // the Slack method that fails, if any
		// wantFailed is how many calls of method are made: a failed stop
		// is tried once more without the cards.
		wantFailed int
		want       map[string]int
	}{
		{name: "a summary delivered counts one answer", question: holdQuestion,
			want: map[string]int{EventAnswer: 1}},
		{name: "a summary whose stream Slack fails to stop counts one error and no answer", question: holdQuestion,
			method: "chat.stopStream", wantFailed: 2, want: map[string]int{EventError: 1}},
		{name: "a quotation Slack fails to post counts one error and no answer, with no apology", question: "quote Peskov",
			method: "chat.postMessage", wantFailed: 1, want: map[string]int{EventError: 1}},
		{name: "a queued summary delivered counts one answer", queued: true, question: holdQuestion,
			want: map[string]int{EventAnswer: 1}},
		{name: "a queued summary whose stream Slack fails to stop counts one error when given up", queued: true, question: holdQuestion,
			method: "chat.stopStream", wantFailed: 2, want: map[string]int{EventError: 1}},
		{name: "a queued quotation Slack fails to post counts one error when given up", queued: true, question: "quote Peskov",
			method: "chat.postMessage", wantFailed: 1, want: map[string]int{EventError: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hs *harness
			var q *queue.Queue
			if tc.queued {
				hs, q = newQueuedAssistantHarness(t, llmText)
				startQueue(t, q)
			} else {
				hs = newAssistantHarness(t, llmText).start()
			}
			if tc.method != "" {
				hs.fake.Fail(tc.method, "internal_error")
			}
			hs.askInPane("EvCount", hs.fake.NextTS(), tc.question)
			if tc.method == "" {
				hs.streamUntilStop()
			}
			for range tc.wantFailed {
				if m := recv(t, hs.fake.Failed(), "the failed call"); m != tc.method {
					t.Errorf("failed %s, want %s", m, tc.method)
				}
			}
			if q != nil {
				stopQueue(t, q) // lets the job being worked finish
			}
			hs.idle()
			none(t, hs.fake.Failed(), "another failed call (an apology or a retry)")
			got := hs.eventCounts()
			counted := map[string]int{}
			for _, k := range []string{EventAnswer, EventError} {
				if got[k] > 0 {
					counted[k] = got[k]
				}
			}
			if diff := cmp.Diff(tc.want, counted); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}
