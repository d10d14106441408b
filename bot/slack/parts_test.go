package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/slacktest"
)

// crashingMarks is a bot.DeliveryMarks that loses the first marker it is
// asked to write, as a process killed between Slack's reply and the
// marker's write would.
type crashingMarks struct {
	mu     sync.Mutex
	marked map[string]string
	lost   bool
}

func (m *crashingMarks) Delivered(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ref, ok := m.marked[key]
	return ref, ok, nil
}

func (m *crashingMarks) MarkDelivered(_ context.Context, key, ref string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.lost {
		m.lost = true
		return errors.New("killed before the marker was written")
	}
	m.marked[key] = ref
	return nil
}

func TestRetriedJobFindsItsReplyInSlack(t *testing.T) {
	for _, tc := range []struct {
		name     string
		threaded bool
	}{
		{"a thread reply Slack accepted before the marker was lost is found in the thread and not posted again", true},
		{"a top-level reply Slack accepted before the marker was lost is found in the channel and not posted again", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			marks := &crashingMarks{marked: map[string]string{}}
			hs := newHarness(t, func(o *Options) {
				o.SocketMode, o.AppToken, o.SigningSecret = false, "", slacktest.SigningSecret
				o.Marks = marks
			})
			hs.start()
			hs.waitEvent(EventConnected)
			ts := hs.fake.NextTS()
			p := jobPayload{Channel: "C1", Message: bot.Message{ID: ts, Platform: bot.PlatformSlack, Channel: "C1",
				User: "U1", Text: holdQuestion}}
			if tc.threaded {
				p.ThreadTS, p.Message.Thread = ts, ts
			}
			body, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			j := bot.Job{Platform: bot.PlatformSlack, Key: "msg:C1:" + ts, Kind: jobThread, Payload: body, Attempt: 1}
			if err := hs.a.WorkJob(context.Background(), j); err != nil {
				t.Fatalf("first try: %v", err)
			}
			post := recv(t, hs.fake.Posts(), "the answer")
			if post.ThreadTS != p.ThreadTS || !strings.Contains(post.AllText(), holdCitation) {
				t.Errorf("answer in thread %q:\n%s", post.ThreadTS, post.AllText())
			}
			var meta struct {
				EventType    string         `json:"event_type"`
				EventPayload map[string]any `json:"event_payload"`
			}
			if err := json.Unmarshal(post.Metadata, &meta); err != nil || meta.EventType != replyEventType ||
				meta.EventPayload["job"] != j.Key || meta.EventPayload["part"] != float64(1) {
				t.Errorf("metadata %s (%v), want event_type %s, job %s, part 1", post.Metadata, err, replyEventType, j.Key)
			}
			if _, ok, _ := marks.Delivered(context.Background(), "slack:"+j.Key+"#1"); ok {
				t.Fatalf("the marker was written; the test needs it lost")
			}

			j.Attempt = 2
			if err := hs.a.WorkJob(context.Background(), j); err != nil {
				t.Fatalf("retry: %v", err)
			}
			none(t, hs.fake.Posts(), "the answer posted again")
			if ref, ok, _ := marks.Delivered(context.Background(), "slack:"+j.Key+"#1"); !ok || ref != post.TS {
				t.Errorf("after the retry the marker is %q, %v; want the found message %s marked", ref, ok, post.TS)
			}
		})
	}
	t.Run("a retried job whose reply never reached Slack posts it, labelled", func(t *testing.T) {
		hs := newHarness(t, func(o *Options) {
			o.SocketMode, o.AppToken, o.SigningSecret = false, "", slacktest.SigningSecret
			o.Marks = &crashingMarks{marked: map[string]string{}, lost: true}
		})
		hs.start()
		hs.waitEvent(EventConnected)
		ts := hs.fake.NextTS()
		body, err := json.Marshal(jobPayload{Channel: "C1", ThreadTS: ts, Message: bot.Message{ID: ts,
			Platform: bot.PlatformSlack, Channel: "C1", Thread: ts, User: "U1", Text: holdQuestion}})
		if err != nil {
			t.Fatal(err)
		}
		j := bot.Job{Platform: bot.PlatformSlack, Key: "msg:C1:" + ts, Kind: jobThread, Payload: body, Attempt: 3}
		if err := hs.a.WorkJob(context.Background(), j); err != nil {
			t.Fatalf("retry: %v", err)
		}
		post := recv(t, hs.fake.Posts(), "the answer")
		if !strings.Contains(string(post.Metadata), replyEventType) {
			t.Errorf("metadata %s, want the reply labelled", post.Metadata)
		}
		none(t, hs.fake.Posts(), "a second answer")
	})
}
