package discord

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/internal/openaitest"
	"github.com/storybot/storybot/queue"
)

// newStepsHarness is an adapter whose handler summarises with the fake
// OpenAI srv, its answers worked in memory or, when queued, from a
// durable queue on a SQLite file, as serve runs it. The queue, if any,
// is started.
func newStepsHarness(t *testing.T, srv *openaitest.Server, queued bool) *harness {
	t.Helper()
	cfg := summaryConfig(t, srv)
	if !queued {
		return newHarness(t, harnessOptions{cfg: cfg})
	}
	log, _ := newTestLogger(t)
	q, err := queue.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "storybot.db"), queue.Options{
		PollInterval: 20 * time.Millisecond, Logger: log,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	hs := newHarness(t, harnessOptions{cfg: cfg, opts: Options{Inbox: q, Marks: q, Dedupe: q}})
	q.Register(bot.PlatformDiscord, hs.a)
	startQueue(t, q)
	return hs
}

const stepsLLM = `The meeting has been put on hold [¶4]. Rubio and Lavrov had divergent expectations [¶4].`

func TestAMentionIsAnsweredAfterTheTypingIndicator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		queued bool
	}{
		{name: "a mention answered in memory shows typing before the answer"},
		{name: "a mention answered from the queue shows typing before the answer", queued: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.Reply(stepsLLM)
			hs := newStepsHarness(t, srv, tc.queued)
			id := hs.fake.SendMessage(discordtest.Mention(holdQuestion))
			first := recv(t, hs.fake.Messages(), "the first reply")
			if first.Reference == nil || first.Reference.MessageID != id {
				t.Fatalf("first reply %+v, want a reply to %s", first, id)
			}
			// The typing call was answered before the reply was posted, so
			// it is recorded by now.
			select {
			case ch := <-hs.fake.Typing():
				if ch != discordtest.ChannelID {
					t.Errorf("typing in %s, want %s", ch, discordtest.ChannelID)
				}
			default:
				t.Fatal("the reply was posted without the typing indicator first")
			}
			for final := (discordtest.Sent{}); final.Embeds == nil; {
				final = recv(t, hs.fake.Edits(), "an edit")
			}
			hs.idle(t)
		})
	}
}

func TestAQueuedSummaryShowsItsStepsOnDiscord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// send asks the question and returns what the reply shows while
		// it is made, and the final reply.
		send func(t *testing.T, hs *harness) (progress []string, final discordtest.Sent)
	}{
		{name: "a command's deferred reply is edited with the steps before the answer",
			send: func(t *testing.T, hs *harness) ([]string, discordtest.Sent) {
				hs.fake.SendInteraction(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
				if cb := recv(t, hs.fake.Callbacks(), "the deferral"); cb.Type != discordtest.CallbackDeferredMessage {
					t.Fatalf("first response type %d, want 5 (deferred)", cb.Type)
				}
				var progress []string
				for {
					e := recv(t, hs.fake.WebhookEdits(), "an edit of the response")
					if e.MessageID != "@original" {
						t.Fatalf("edited %s, want @original", e.MessageID)
					}
					if e.Embeds != nil {
						return progress, e
					}
					progress = append(progress, e.Content)
				}
			}},
		{name: "a mention's placeholder shows the steps before the answer",
			send: func(t *testing.T, hs *harness) ([]string, discordtest.Sent) {
				hs.fake.SendMessage(discordtest.Mention(holdQuestion))
				ph := recv(t, hs.fake.Messages(), "the placeholder")
				progress := []string{ph.Content}
				for {
					e := recv(t, hs.fake.Edits(), "an edit of the placeholder")
					if e.MessageID != ph.MessageID {
						t.Fatalf("edited %s, want the placeholder %s", e.MessageID, ph.MessageID)
					}
					if e.Embeds != nil {
						return progress, e
					}
					progress = append(progress, e.Content)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.Reply(stepsLLM)
			hs := newStepsHarness(t, srv, true)
			progress, final := tc.send(t, hs)
			if len(progress) == 0 || !strings.Contains(progress[0], "✅ Retrieved ¶4") {
				t.Errorf("progress %q: want the retrieval step first", progress)
			}
			if !strings.Contains(strings.Join(progress, "\n"), "Summarising") {
				t.Errorf("progress %q: want the summarising step", progress)
			}
			if !strings.Contains(progress[len(progress)-1], "put on hold") {
				t.Errorf("progress %q: want the text growing in place after the steps", progress)
			}
			wantText(t, final, "put on hold", "summary by fake-model", holdCitation, "Checked")
			hs.idle(t)
		})
	}
}
