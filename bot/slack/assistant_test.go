package slack

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/llm"
	"github.com/storybot/storybot/internal/openaitest"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/knowledge"
)

// The assistant pane: DM channel D1, its thread, and the user.
const (
	paneChannel = "D1"
	paneUser    = "U1"
)

// newAssistantHarness is a Socket Mode adapter whose handler summarises
// with the real LLM client talking to a fake OpenAI that answers llmText,
// streamed word by word. Every partial is appended at once (partialEvery
// 0), so the stream follows the fake LLM's chunks and nothing waits.
func newAssistantHarness(t *testing.T, llmText string) *harness {
	t.Helper()
	return newAssistantHarnessWith(t, llmText, nil)
}

// newAssistantHarnessWith is newAssistantHarness with edit adjusting the
// adapter's options.
func newAssistantHarnessWith(t *testing.T, llmText string, edit func(*Options)) *harness {
	t.Helper()
	srv := openaitest.New(t)
	if llmText != "" {
		srv.SetDefault(func(openaitest.Request) openaitest.Behaviour { return openaitest.Behaviour{Text: llmText} })
	}
	c, err := llm.New(llm.Options{BaseURL: srv.URL(), APIKey: "sk-test", Model: "fake-model", Timeout: wait,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatalf("load seed story: %v", err)
	}
	fb := make(feedbackSink, 16)
	h := bot.NewHandler(bot.Config{Library: lib, LLM: c, Model: "fake-model", Feedback: fb, Logger: testLogger(t)})
	fake := slacktest.New(t)
	hs := &harness{t: t, fake: fake, h: &recordingHandler{Handler: h, msgs: make(chan bot.Message, 64)},
		feedback: fb, events: make(chan string, 256)}
	opts := Options{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, SocketMode: true,
		APIURL: fake.URL(), Logger: testLogger(t), OnEvent: func(kind string) {
			select {
			case hs.events <- kind:
			default:
			}
		}}
	if edit != nil {
		edit(&opts)
	}
	a, err := New(hs.h, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.partialEvery = 0
	hs.a = a
	return hs
}

// askInPane sends question as a message in the assistant thread threadTS.
func (hs *harness) askInPane(eventID, threadTS, question string) {
	hs.t.Helper()
	hs.ackOf(hs.fake.SendEvent(eventID, slacktest.AssistantMessage(paneChannel, paneUser, question, hs.fake.NextTS(), threadTS)))
}

// streamUntilStop collects stream calls up to and including chat.stopStream.
func (hs *harness) streamUntilStop() []slacktest.StreamCall {
	hs.t.Helper()
	var calls []slacktest.StreamCall
	for {
		c := recv(hs.t, hs.fake.Streams(), "a streaming call")
		calls = append(calls, c)
		if c.Method == "chat.stopStream" {
			return calls
		}
	}
}

// tasks lists every task update of calls as "id status: title".
func tasks(calls []slacktest.StreamCall) []string {
	var out []string
	for _, c := range calls {
		for _, t := range c.Tasks() {
			out = append(out, t.ID+" "+t.Status+": "+t.Title)
		}
	}
	return out
}

func streamedText(calls []slacktest.StreamCall) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(c.Text())
	}
	return b.String()
}

func TestAnAssistantThreadStartsWithAGreetingAndPromptsFromTheLibrary(t *testing.T) {
	hs := newAssistantHarness(t, "").start()
	threadTS := hs.fake.NextTS()
	hs.ackOf(hs.fake.SendEvent("EvStart", slacktest.AssistantThreadStarted(paneChannel, paneUser, threadTS, "C9")))

	greeting := recv(t, hs.fake.Posts(), "the greeting")
	if greeting.ThreadTS != threadTS || !strings.Contains(greeting.Text, "¶ citations") {
		t.Errorf("greeting = %+v", greeting)
	}
	call := recv(t, hs.fake.Assistant(), "setSuggestedPrompts")
	if call.Method != "assistant.threads.setSuggestedPrompts" || call.ThreadTS != threadTS {
		t.Fatalf("first assistant call = %+v", call)
	}
	story := hs.h.Library().Stories()[0]
	if len(call.Prompts) != 3 {
		t.Fatalf("prompts = %+v, want newest story, digest and a speaker", call.Prompts)
	}
	if p := call.Prompts[0]; !strings.HasPrefix(p.Title, "What changed in President Donald Trump") || p.Message != "changes "+story.ID {
		t.Errorf("first prompt = %+v, want what changed in the newest story", p)
	}
	if diff := cmp.Diff(slacktest.Prompt{Title: "Today's digest", Message: "digest"}, call.Prompts[1]); diff != "" {
		t.Errorf("second prompt (-want +got):\n%s", diff)
	}
	if p := call.Prompts[2]; !strings.HasPrefix(p.Title, "What did ") || !strings.HasPrefix(p.Message, "quote ") {
		t.Errorf("third prompt = %+v, want a quote prompt for the most quoted speaker", p)
	}

	t.Run("a context change suggests prompts again", func(t *testing.T) {
		hs.ackOf(hs.fake.SendEvent("EvCtx", slacktest.AssistantThreadContextChanged(paneChannel, paneUser, threadTS, "C7")))
		if c := recv(t, hs.fake.Assistant(), "setSuggestedPrompts"); c.Method != "assistant.threads.setSuggestedPrompts" {
			t.Errorf("after a context change: %+v", c)
		}
	})
}

func TestASummaryStreamsWithTheChecksAsTasksAndStopsWithCards(t *testing.T) {
	tests := []struct {
		name      string
		llm       string
		checkTask string
		lacks     string
	}{
		{name: "verbatim quotations are reported verbatim",
			llm:       `A White House official told CNN the meeting "has been put on hold for the time being" [¶4]. One source said Rubio and Lavrov had divergent expectations [¶4].`,
			checkTask: "check complete: Checked 1 quotation against the story: 1 verbatim"},
		{name: "a quotation the LLM invented is reported removed and never shown",
			llm:       `The meeting "has been put on hold for the time being" [¶4]. Rubio said "I will never meet Lavrov again" [¶4]. One source said Rubio and Lavrov had divergent expectations [¶4].`,
			checkTask: "check complete: Checked 2 quotations against the story: 1 verbatim, removed 1 not found in ¶4",
			lacks:     "never meet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newAssistantHarness(t, tc.llm).start()
			threadTS := hs.fake.NextTS()
			hs.askInPane("EvQ", threadTS, holdQuestion)

			title := recv(t, hs.fake.Assistant(), "setTitle")
			if title.Method != "assistant.threads.setTitle" || title.Title != holdQuestion {
				t.Errorf("first call = %s %q, want the question as the thread's title", title.Method, title.Title)
			}
			if st := recv(t, hs.fake.Assistant(), "setStatus"); st.Status != statusReading {
				t.Errorf("status = %q, want %q", st.Status, statusReading)
			}
			calls := hs.streamUntilStop()
			if calls[0].Method != "chat.startStream" || calls[0].ThreadTS != threadTS {
				t.Fatalf("first streaming call = %s in thread %q", calls[0].Method, calls[0].ThreadTS)
			}
			for _, c := range calls[1:] {
				if c.TS != calls[0].TS {
					t.Errorf("%s to ts %q, want the stream's %q", c.Method, c.TS, calls[0].TS)
				}
			}
			got := tasks(calls)
			var ids []string
			for _, s := range got {
				ids = append(ids, strings.Fields(s)[0]+" "+strings.Fields(s)[1])
			}
			wantIDs := []string{"retrieve complete:", "summarise in_progress:", "summarise complete:", "check in_progress:", "check complete:"}
			if diff := cmp.Diff(wantIDs, ids); diff != "" {
				t.Errorf("task updates in order (-want +got):\n%s\n%q", diff, got)
			}
			if last := got[len(got)-1]; last != tc.checkTask {
				t.Errorf("check task = %q, want %q", last, tc.checkTask)
			}
			text := streamedText(calls)
			if !strings.Contains(text, "has been put on hold for the time being") || !strings.Contains(text, "Sources: ¶4 · CNN · 2025-10-21") {
				t.Errorf("streamed text:\n%s", text)
			}
			if tc.lacks != "" && strings.Contains(text, tc.lacks) {
				t.Errorf("the invented quotation was shown:\n%s", text)
			}
			stop := calls[len(calls)-1]
			checkCardsVerbatim(t, hs.h.Library(), stop)
			if _, ok := stop.FeedbackValue(actionNativeFeedback, true); !ok {
				t.Errorf("the stream stopped without Slack's feedback buttons: %s", stop.Blocks)
			}
			none(t, hs.fake.Posts(), "chat.postMessage")
		})
	}
}

// checkCardsVerbatim fails unless the stop call has citation cards whose
// quoted text is byte for byte in a paragraph of the library.
func checkCardsVerbatim(t *testing.T, lib *knowledge.Library, stop slacktest.StreamCall) {
	t.Helper()
	if !strings.Contains(string(stop.Blocks), `"type":"card"`) {
		t.Fatalf("no card blocks in %s", stop.Blocks)
	}
	found := 0
	for _, txt := range stop.BlockTexts() {
		q, ok := strings.CutPrefix(txt, "> ")
		if !ok {
			continue
		}
		q, _, _ = strings.Cut(q, "\n— ")
		q = slackUnescaper.Replace(q)
		found++
		in := false
		for _, s := range lib.Stories() {
			for _, p := range s.Paragraphs {
				if strings.Contains(p.Text, q) {
					in = true
				}
			}
		}
		if !in {
			t.Errorf("card quotes %q, which is in no paragraph", q)
		}
	}
	if found == 0 {
		t.Errorf("no quotation in the cards: %q", stop.BlockTexts())
	}
}

func TestAQuoteModeAnswerInThePaneIsPostedWholeWithNativeFeedback(t *testing.T) {
	hs := newAssistantHarness(t, "").start()
	threadTS := hs.fake.NextTS()
	hs.askInPane("EvQuote", threadTS, "quote Peskov")
	post := recv(t, hs.fake.Posts(), "the answer")
	if !strings.Contains(post.AllText(), peskovQuote) || post.ThreadTS != threadTS {
		t.Fatalf("answer = %+v", post)
	}
	value, ok := post.FeedbackValue(actionNativeFeedback, false)
	if !ok {
		t.Fatalf("no native feedback buttons: %s", post.Blocks)
	}
	if _, ok := post.ButtonValue(actionHelpful); ok {
		t.Errorf("our own buttons as well as Slack's")
	}
	hs.idle()
	none(t, hs.fake.Streams(), "a stream for a quote-mode answer")

	t.Run("a click on Slack's 👎 is recorded with the question and answer", func(t *testing.T) {
		hs.ackOf(hs.fake.SendBlockAction(slacktest.BlockAction{Type: "feedback_buttons", ChannelID: paneChannel, UserID: paneUser,
			MessageTS: post.TS, BlockID: nativeFeedbackBlockID, ActionID: actionNativeFeedback, Value: value,
			ResponseURL: hs.fake.ResponseURL()}))
		f := recv(t, hs.feedback, "recorded feedback")
		if f.Helpful || f.Question != "Peskov" || !strings.Contains(f.Answer, peskovQuote) || f.MessageID != post.TS || f.User != paneUser {
			t.Errorf("feedback = %+v", f)
		}
		if r := recv(t, hs.fake.Responses(), "the ephemeral thanks"); r.ResponseType != "ephemeral" {
			t.Errorf("thanks = %+v", r)
		}
	})
}

func TestATeamThatRefusesTheNativeFeaturesGetsTheClassicAnswer(t *testing.T) {
	const llmText = `A White House official told CNN the meeting "has been put on hold for the time being" [¶4].`
	tests := []struct {
		name, method, code string
	}{
		{name: "a token not allowed to stream falls back to chat.update", method: "chat.startStream", code: "not_allowed_token_type"},
		{name: "an unknown streaming method falls back to chat.update", method: "chat.startStream", code: "unknown_method"},
		{name: "a workspace without the feature falls back to chat.update", method: "chat.startStream", code: "feature_not_enabled"},
		{name: "a status the token may not set falls back to chat.update", method: "assistant.threads.setStatus", code: "not_allowed_token_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newAssistantHarness(t, llmText).start()
			hs.fake.Fail(tc.method, tc.code)
			threadTS := hs.fake.NextTS()
			hs.askInPane("EvF1", threadTS, holdQuestion)
			placeholder := recv(t, hs.fake.Posts(), "the placeholder")
			final := recv(t, hs.fake.Updates(), "the final answer")
			if final.TS != placeholder.TS || !strings.Contains(final.AllText(), "has been put on hold") {
				t.Errorf("final = %+v", final)
			}
			if _, ok := final.ButtonValue(actionHelpful); !ok {
				t.Errorf("the classic answer lacks our own buttons: %s", final.Blocks)
			}
			hs.idle()
			if m := recv(t, hs.fake.Failed(), "the refused call"); m != tc.method {
				t.Errorf("refused %q, want %q", m, tc.method)
			}

			// The team is remembered: the next answer does not try again.
			hs.askInPane("EvF2", hs.fake.NextTS(), holdQuestion)
			recv(t, hs.fake.Posts(), "the second answer")
			hs.idle()
			none(t, hs.fake.Failed(), "a second refused call")
			none(t, hs.fake.Streams(), "a stream")
		})
	}
}

func TestAnAssistantThreadStartedOverHTTPSuggestsPrompts(t *testing.T) {
	hs := newHTTPHarness(t)
	threadTS := hs.fake.NextTS()
	ev := slacktest.EventCallback("EvH-assist", slacktest.AssistantThreadStarted(paneChannel, paneUser, threadTS, ""))
	if code, body := hs.sendJSON(EventsPath, ev, nil); code != http.StatusOK || body != "" {
		t.Fatalf("event answered %d %q, want an empty 200", code, body)
	}
	if g := recv(t, hs.fake.Posts(), "the greeting"); g.ThreadTS != threadTS {
		t.Errorf("greeting in thread %q, want %q", g.ThreadTS, threadTS)
	}
	c := recv(t, hs.fake.Assistant(), "setSuggestedPrompts")
	if c.Method != "assistant.threads.setSuggestedPrompts" || len(c.Prompts) == 0 {
		t.Errorf("call = %+v", c)
	}
}

func TestTheManifestDeclaresTheAssistantPane(t *testing.T) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var m slackapi.Manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Features.AssistantView == nil || m.Features.AssistantView.AssistantDescription == "" {
		t.Error("no assistant_view with a description")
	}
	if !slices.Contains(m.OAuthConfig.Scopes.Bot, "assistant:write") {
		t.Error("no assistant:write scope")
	}
	for _, e := range []string{"assistant_thread_started", "assistant_thread_context_changed"} {
		if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, e) {
			t.Errorf("no %s event", e)
		}
	}
}
