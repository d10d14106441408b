package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func recvT[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func TestStreamsAreAddressedByTheTSStartStreamGave(t *testing.T) {
	fake := New(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.URL()))
	ctx := context.Background()

	_, ts, err := api.StartStreamContext(ctx, "D1", slack.MsgOptionTS("1700000000.000001"),
		slack.MsgOptionChunks(slack.NewTaskUpdateChunk("retrieve", "Retrieved ¶4")))
	if err != nil || ts == "" {
		t.Fatalf("startStream: ts %q, %v", ts, err)
	}
	start := recvT(t, fake.Streams(), "startStream")
	if start.TS != ts || start.ThreadTS != "1700000000.000001" || len(start.Tasks()) != 1 || start.Tasks()[0].Title != "Retrieved ¶4" {
		t.Errorf("startStream recorded as %+v", start)
	}
	if _, _, err := api.AppendStreamContext(ctx, "D1", ts, slack.MsgOptionChunks(slack.NewMarkdownTextChunk("Hello "))); err != nil {
		t.Fatalf("appendStream: %v", err)
	}
	if got := recvT(t, fake.Streams(), "appendStream").Text(); got != "Hello " {
		t.Errorf("appendStream text = %q", got)
	}
	if _, _, err := api.StopStreamContext(ctx, "D1", ts, slack.MsgOptionMarkdownText("world.")); err != nil {
		t.Fatalf("stopStream: %v", err)
	}
	if got := recvT(t, fake.Streams(), "stopStream").Text(); got != "world." {
		t.Errorf("stopStream text = %q", got)
	}

	tests := []struct {
		name, ts, want string
	}{
		{name: "appending to a stopped stream is refused", ts: ts, want: "message_not_in_streaming_state"},
		{name: "appending to an unknown ts is refused", ts: "1700000000.999999", want: "message_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := api.AppendStreamContext(ctx, "D1", tc.ts, slack.MsgOptionMarkdownText("more"))
			var se slack.SlackErrorResponse
			if !errors.As(err, &se) || se.Err != tc.want {
				t.Errorf("appendStream = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestAssistantCallsAreRecordedAndFailuresInjected(t *testing.T) {
	fake := New(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.URL()))
	ctx := context.Background()
	p := slack.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: "D1", ThreadTS: "1.1", Title: "Try"}
	p.AddPrompt("Today's digest", "digest")
	if err := api.SetAssistantThreadsSuggestedPromptsContext(ctx, p); err != nil {
		t.Fatal(err)
	}
	got := recvT(t, fake.Assistant(), "setSuggestedPrompts")
	if diff := cmp.Diff([]Prompt{{Title: "Today's digest", Message: "digest"}}, got.Prompts); diff != "" || got.Title != "Try" {
		t.Errorf("prompts (-want +got):\n%s (title %q)", diff, got.Title)
	}
	fake.Fail("assistant.threads.setStatus", "not_allowed_token_type")
	err := api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: "D1", ThreadTS: "1.1", Status: "reading…"})
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "not_allowed_token_type" {
		t.Errorf("setStatus while failing = %v", err)
	}
	if m := recvT(t, fake.Failed(), "failed method"); m != "assistant.threads.setStatus" {
		t.Errorf("failed method = %q", m)
	}
	fake.Fail("assistant.threads.setStatus", "")
	if err := api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: "D1", ThreadTS: "1.1", Status: "reading…"}); err != nil {
		t.Errorf("setStatus after Fail cleared: %v", err)
	}
	if c := recvT(t, fake.Assistant(), "setStatus"); c.Status != "reading…" {
		t.Errorf("status = %q", c.Status)
	}
}

func TestCheckMessageKnowsTheAgentBlocks(t *testing.T) {
	card := func(title string) map[string]any {
		return map[string]any{"type": "card", "title": map[string]any{"type": "plain_text", "text": title},
			"body": map[string]any{"type": "mrkdwn", "text": "> quote"}}
	}
	feedback := func(up string) map[string]any {
		return map[string]any{"type": "context_actions", "elements": []any{map[string]any{"type": "feedback_buttons",
			"action_id": "f", "positive_button": map[string]any{"value": up}, "negative_button": map[string]any{"value": "down"}}}}
	}
	tests := []struct {
		name    string
		blocks  []any
		wantErr bool
	}{
		{name: "a card with a title is fine", blocks: []any{card("Headline")}},
		{name: "a card without a title is rejected", blocks: []any{card("")}, wantErr: true},
		{name: "a carousel of cards is fine", blocks: []any{map[string]any{"type": "carousel", "elements": []any{card("a"), card("b")}}}},
		{name: "an empty carousel is rejected", blocks: []any{map[string]any{"type": "carousel", "elements": []any{}}}, wantErr: true},
		{name: "feedback buttons with values are fine", blocks: []any{feedback("up")}},
		{name: "a feedback button without a value is rejected", blocks: []any{feedback("")}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, _ := json.Marshal(tc.blocks)
			if err := CheckMessage("x", raw); (err != nil) != tc.wantErr {
				t.Errorf("CheckMessage = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}
