package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestCheckMessageRejectsWhatSlackRejects(t *testing.T) {
	section := func(text string) map[string]any {
		return map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
	}
	many := make([]any, 51)
	for i := range many {
		many[i] = section("x")
	}
	tests := []struct {
		name    string
		text    string
		blocks  any
		wantErr string
	}{
		{name: "a plain text message is fine", text: "hi"},
		{name: "a message with neither text nor blocks is rejected", wantErr: "neither"},
		{name: "fifty blocks are fine", blocks: many[:50]},
		{name: "fifty-one blocks are rejected", blocks: many, wantErr: "over 50"},
		{name: "a 3,000-character section is fine", blocks: []any{section(strings.Repeat("é", 3000))}},
		{name: "a 3,001-character section is rejected", blocks: []any{section(strings.Repeat("é", 3001))}, wantErr: "over 3,000"},
		{name: "an empty section is rejected", blocks: []any{section("")}, wantErr: "without text"},
		{name: "an oversized button value is rejected", wantErr: "button value",
			blocks: []any{map[string]any{"type": "actions", "elements": []any{
				map[string]any{"type": "button", "action_id": "a", "value": strings.Repeat("v", 2001)}}}}},
		{name: "a repeated block_id is rejected", wantErr: "duplicate",
			blocks: []any{map[string]any{"type": "divider", "block_id": "b"}, map[string]any{"type": "divider", "block_id": "b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var raw json.RawMessage
			if tc.blocks != nil {
				raw, _ = json.Marshal(tc.blocks)
			}
			err := CheckMessage(tc.text, raw)
			if tc.wantErr == "" && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("got %v, want an error about %q", err, tc.wantErr)
			}
		})
	}
}

func TestFakeSpeaksToTheRealClient(t *testing.T) {
	s := New(t)
	api := slack.New(BotToken, slack.OptionAppLevelToken(AppToken), slack.OptionAPIURL(s.URL()))
	ctx := context.Background()

	t.Run("auth.test names the bot", func(t *testing.T) {
		r, err := api.AuthTestContext(ctx)
		if err != nil || r.UserID != BotUserID || r.BotID != BotID {
			t.Fatalf("auth.test: %+v %v", r, err)
		}
	})
	t.Run("a wrong token is refused", func(t *testing.T) {
		_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(s.URL())).AuthTestContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Fatalf("got %v, want invalid_auth", err)
		}
	})
	t.Run("posts, updates and rate limits are recorded", func(t *testing.T) {
		ch, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hello", false), slack.MsgOptionTS("1.1"))
		if err != nil || ch != "C1" || ts == "" {
			t.Fatalf("post: %q %q %v", ch, ts, err)
		}
		if p := <-s.Posts(); p.Text != "hello" || p.ThreadTS != "1.1" || p.TS != ts {
			t.Errorf("recorded %+v", p)
		}
		if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("bye", false)); err != nil {
			t.Fatal(err)
		}
		if u := <-s.Updates(); u.TS != ts || u.Text != "bye" {
			t.Errorf("recorded %+v", u)
		}
		s.RateLimitNext(1, 1500*time.Millisecond)
		_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("again", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
			t.Errorf("got %v, want a RateLimitedError with Retry-After rounded up to 2s", err)
		}
		<-s.RateLimited()
	})
	t.Run("response_url posts are recorded", func(t *testing.T) {
		u := s.ResponseURL()
		_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral),
			slack.MsgOptionText("only you", false))
		if err != nil {
			t.Fatal(err)
		}
		if r := <-s.Responses(); r.ResponseType != "ephemeral" || r.Text != "only you" || !strings.HasSuffix(u, r.Path) {
			t.Errorf("recorded %+v", r)
		}
	})
	t.Run("Socket Mode connects, delivers envelopes and records acks", func(t *testing.T) {
		sm := socketmode.New(api)
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- sm.RunContext(ctx) }()
		defer func() { cancel(); <-done }()
		<-s.Connections()
		id := s.SendEvent("Ev1", Mention("C1", "U1", "<@UBOT> hi", "1.2", ""))
		for evt := range sm.Events {
			if evt.Type == socketmode.EventTypeEventsAPI {
				if err := sm.Ack(*evt.Request); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		select {
		case a := <-s.Acks():
			if a.EnvelopeID != id {
				t.Errorf("ack of %q, want %q", a.EnvelopeID, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no ack")
		}
	})
}

func TestSignMatchesSlacksVerifier(t *testing.T) {
	body := []byte(`{"type":"url_verification","challenge":"c"}`)
	tests := []struct {
		name   string
		secret string
		at     time.Time
		ok     bool
	}{
		{"a fresh signature with the right secret verifies", SigningSecret, time.Now(), true},
		{"the wrong secret does not", "other", time.Now(), false},
		{"a ten-minute-old signature does not", SigningSecret, time.Now().Add(-10 * time.Minute), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := NewSignedRequest("http://example.invalid/slack/events", "application/json", body, tc.secret, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			sv, err := slack.NewSecretsVerifier(req.Header, SigningSecret)
			if err == nil {
				_, _ = sv.Write(body)
				err = sv.Ensure()
			}
			if (err == nil) != tc.ok {
				t.Errorf("verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestFakeKeepsMessageMetadata(t *testing.T) {
	s := New(t)
	api := slack.New(BotToken, slack.OptionAPIURL(s.URL()))
	ctx := context.Background()
	meta := slack.SlackMetadata{EventType: "storybot_reply", EventPayload: map[string]any{"job": "k", "part": 1}}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("in thread", false), slack.MsgOptionTS("1.1"),
		slack.MsgOptionMetadata(meta)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("top", false), slack.MsgOptionMetadata(meta)); err != nil {
		t.Fatal(err)
	}
	if p := <-s.Posts(); !strings.Contains(string(p.Metadata), "storybot_reply") {
		t.Errorf("recorded metadata %s", p.Metadata)
	}
	for _, tc := range []struct {
		name     string
		withMeta bool
	}{
		{"replies and history carry metadata when asked to include it", true},
		{"replies and history leave metadata out unless asked, as Slack does", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replies, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: "C1", Timestamp: "1.1", IncludeAllMetadata: tc.withMeta})
			if err != nil || len(replies) != 1 || replies[0].Text != "in thread" || replies[0].User != BotUserID {
				t.Fatalf("replies: %+v %v", replies, err)
			}
			hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: "C1", IncludeAllMetadata: tc.withMeta})
			if err != nil || len(hist.Messages) != 1 || hist.Messages[0].Text != "top" {
				t.Fatalf("history: %+v %v", hist, err)
			}
			for _, m := range []slack.Message{replies[0], hist.Messages[0]} {
				if got := m.Metadata.EventType == "storybot_reply" && m.Metadata.EventPayload["job"] == "k"; got != tc.withMeta {
					t.Errorf("metadata %+v, want it present: %v", m.Metadata, tc.withMeta)
				}
			}
		})
	}
}
