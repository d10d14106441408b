package slack

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/internal/slacktest"
)

const transcriptPath = "testdata/assistant_transcript.golden"

// TestTheAssistantPaneTranscript records one assistant-pane conversation
// as the fake Slack received it, rendered as text: the greeting and
// prompts, the title and status, the stream with its task updates, the
// cards, and a feedback click. The README shows the same transcript; run
// `go test ./bot/slack -run Transcript -update` after changing it.
func TestTheAssistantPaneTranscript(t *testing.T) {
	const llmText = `A White House official told CNN the meeting "has been put on hold for the time being" [¶4]. ` +
		`Rubio said "I will never meet Lavrov again" [¶4]. ` +
		`One source said Rubio and Lavrov had divergent expectations about a possible end to the war [¶4].`
	hs := newAssistantHarness(t, llmText).start()
	var b strings.Builder
	threadTS := hs.fake.NextTS()

	fmt.Fprintf(&b, "→ event assistant_thread_started (user %s opens the pane)\n", paneUser)
	hs.ackOf(hs.fake.SendEvent("EvT1", slacktest.AssistantThreadStarted(paneChannel, paneUser, threadTS, "")))
	greeting := recv(t, hs.fake.Posts(), "the greeting")
	fmt.Fprintf(&b, "← chat.postMessage: %s\n", greeting.Text)
	prompts := recv(t, hs.fake.Assistant(), "the prompts")
	fmt.Fprintf(&b, "← %s %q:\n", prompts.Method, prompts.Title)
	for _, p := range prompts.Prompts {
		fmt.Fprintf(&b, "    [%s] → sends %q\n", p.Title, p.Message)
	}
	hs.idle()

	fmt.Fprintf(&b, "\n→ message.im in the pane: %q\n", holdQuestion)
	hs.askInPane("EvT2", threadTS, holdQuestion)
	for range 2 {
		c := recv(t, hs.fake.Assistant(), "title and status")
		fmt.Fprintf(&b, "← %s %q\n", c.Method, c.Title+c.Status)
	}
	calls := hs.streamUntilStop()
	for _, c := range calls {
		fmt.Fprintf(&b, "← %s\n", c.Method)
		for _, ch := range c.Chunks {
			switch ch.Type {
			case "task_update":
				fmt.Fprintf(&b, "    task %-9s %-11s %s\n", ch.ID, ch.Status, ch.Title)
				if ch.Details != "" {
					fmt.Fprintf(&b, "    %21s %s\n", "", ch.Details)
				}
			case "markdown_text":
				fmt.Fprintf(&b, "    text %q\n", ch.Text)
			}
		}
		if len(c.Blocks) > 0 {
			var blocks []map[string]any
			_ = json.Unmarshal(c.Blocks, &blocks)
			for _, bl := range blocks {
				raw, _ := json.Marshal(bl)
				texts := slacktest.Message{Blocks: raw}.BlockTexts()
				if bl["type"] == "context_actions" {
					texts = []string{"feedback_buttons [Helpful] [Not helpful]"}
				}
				fmt.Fprintf(&b, "    block %s: %s\n", bl["type"], strings.Join(texts, " | "))
			}
		}
	}
	stop := calls[len(calls)-1]
	hs.idle()

	value, _ := stop.FeedbackValue(actionNativeFeedback, true)
	fmt.Fprintf(&b, "\n→ block_actions: %s clicks 👍 (feedback_buttons)\n", paneUser)
	hs.ackOf(hs.fake.SendBlockAction(slacktest.BlockAction{Type: "feedback_buttons", ChannelID: paneChannel, UserID: paneUser,
		MessageTS: stop.TS, BlockID: nativeFeedbackBlockID, ActionID: actionNativeFeedback, Value: value,
		ResponseURL: hs.fake.ResponseURL()}))
	f := recv(t, hs.feedback, "the feedback")
	fmt.Fprintf(&b, "  stored: helpful=%v question=%q\n", f.Helpful, f.Question)
	thanks := recv(t, hs.fake.Responses(), "the thanks")
	fmt.Fprintf(&b, "← response_url (%s): %s\n", thanks.ResponseType, thanks.Text)

	got := b.String()
	if *update {
		if err := os.WriteFile(transcriptPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(transcriptPath)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/slack -run Transcript -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("transcript (-want +got); run go test ./bot/slack -run Transcript -update:\n%s", diff)
	}
}
