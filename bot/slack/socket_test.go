package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/slacktest"
)

func TestSocketModeMentionIsAnsweredInItsThread(t *testing.T) {
	tests := []struct {
		name       string
		threadTS   func(hs *harness) string // parent of the mention; "" at top level
		wantThread func(mentionTS, parent string) string
	}{
		{
			name:       "a mention at the top of a channel is answered in a new thread under it",
			threadTS:   func(*harness) string { return "" },
			wantThread: func(mentionTS, _ string) string { return mentionTS },
		},
		{
			name:       "a mention inside a thread is answered in that thread",
			threadTS:   func(hs *harness) string { return hs.fake.NextTS() },
			wantThread: func(_, parent string) string { return parent },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, nil).start()
			parent := tc.threadTS(hs)
			ts := hs.fake.NextTS()
			sent := time.Now()
			env := hs.fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, ts, parent))
			if ack := hs.ackOf(env); ack.At.Sub(sent) > 3*time.Second || len(ack.Payload) > 0 {
				t.Errorf("ack came %v after the event with payload %s; want a bare ack within 3s", ack.At.Sub(sent), ack.Payload)
			}

			post := recv(t, hs.fake.Posts(), "the answer")
			want := tc.wantThread(ts, parent)
			if post.Channel != "C1" || post.ThreadTS != want {
				t.Errorf("answer went to channel %q thread %q, want C1 thread %q", post.Channel, post.ThreadTS, want)
			}
			if !strings.Contains(post.AllText(), holdCitation) {
				t.Errorf("answer does not cite %q:\n%s", holdCitation, post.AllText())
			}
			if !strings.Contains(post.AllText(), "put on hold") {
				t.Errorf("answer does not quote the story:\n%s", post.AllText())
			}
			m := recv(t, hs.h.msgs, "the handler's message")
			if m.Text != holdQuestion || m.Thread != want || m.Channel != "C1" || m.User != "U1" || m.DM {
				t.Errorf("handler saw %+v; want the question without the mention, thread %q", m, want)
			}
			hs.idle()
			if n := hs.fake.PostCount(); n != 1 {
				t.Errorf("%d messages posted, want exactly 1", n)
			}
		})
	}
}

func TestSocketModeDirectMessageIsAnsweredInTheDM(t *testing.T) {
	hs := newHarness(t, nil).start()
	hs.ackOf(hs.fake.SendEvent("Ev1", slacktest.DirectMessage("D1", "U1", "quote Peskov", hs.fake.NextTS())))

	post := recv(t, hs.fake.Posts(), "the answer")
	if post.Channel != "D1" || post.ThreadTS != "" {
		t.Errorf("answer went to %q thread %q, want the DM D1 outside any thread", post.Channel, post.ThreadTS)
	}
	for _, want := range []string{peskovQuote, "¶9 · CNN · 2025-10-21", "Dmitry Peskov"} {
		if !strings.Contains(post.AllText(), want) {
			t.Errorf("answer lacks %q:\n%s", want, post.AllText())
		}
	}
	if m := recv(t, hs.h.msgs, "the handler's message"); !m.DM || m.Thread != "D1" {
		t.Errorf("handler saw DM=%v thread=%q, want a DM keyed by its channel", m.DM, m.Thread)
	}
}

func TestSocketModeFollowUpsInThreads(t *testing.T) {
	hs := newHarness(t, nil).start()
	mention := hs.ask("Ev1", holdQuestion)
	first := recv(t, hs.fake.Posts(), "the first answer")
	recv(t, hs.h.msgs, "the first question")
	hs.idle()

	t.Run("a plain reply in a thread the bot answered gets an answer in that thread", func(t *testing.T) {
		hs.ackOf(hs.fake.SendEvent("Ev2", slacktest.ChannelMessage("C1", "U1", "What did Peskov say?", hs.fake.NextTS(), mention)))
		post := recv(t, hs.fake.Posts(), "the follow-up answer")
		if post.ThreadTS != first.ThreadTS {
			t.Errorf("follow-up answered in thread %q, want %q", post.ThreadTS, first.ThreadTS)
		}
		if m := recv(t, hs.h.msgs, "the follow-up"); m.Thread != mention {
			t.Errorf("handler saw thread %q, want the thread key %q so it has the context", m.Thread, mention)
		}
	})

	quiet := []struct {
		name  string
		event map[string]any
	}{
		{"chatter at the top of a channel is left alone",
			slacktest.ChannelMessage("C1", "U1", "lunch?", hs.fake.NextTS(), "")},
		{"a reply in a thread the bot never answered is left alone",
			slacktest.ChannelMessage("C1", "U1", "what about Putin?", hs.fake.NextTS(), "1600000000.000001")},
		{"a reply that mentions the bot is left to its app_mention event",
			slacktest.ChannelMessage("C1", "U1", "<@UBOT> and Lavrov?", hs.fake.NextTS(), mention)},
	}
	for i, tc := range quiet {
		t.Run(tc.name, func(t *testing.T) {
			hs.ackOf(hs.fake.SendEvent("Quiet"+string(rune('A'+i)), tc.event))
			hs.idle()
			none(t, hs.fake.Posts(), "post")
		})
	}
}

func TestSocketModeIgnoresBotsEditsAndItself(t *testing.T) {
	withField := func(e map[string]any, k string, v any) map[string]any { e[k] = v; return e }
	tests := []struct {
		name  string
		event map[string]any
	}{
		{"its own messages", slacktest.DirectMessage("D1", slacktest.BotUserID, "an answer", "1.1")},
		{"another bot's message", withField(slacktest.DirectMessage("D1", "U2", "beep", "1.2"), "bot_id", "BOTHER")},
		{"a bot_message", withField(slacktest.DirectMessage("D1", "", "beep", "1.3"), "subtype", "bot_message")},
		{"an edit", withField(slacktest.DirectMessage("D1", "U1", "why?", "1.4"), "subtype", "message_changed")},
		{"a deletion", withField(slacktest.DirectMessage("D1", "U1", "", "1.5"), "subtype", "message_deleted")},
		{"a mention by another bot", withField(slacktest.Mention("C1", "U2", "<@UBOT> why?", "1.6", ""), "bot_id", "BOTHER")},
	}
	for _, tc := range tests {
		t.Run("it does not answer "+tc.name, func(t *testing.T) {
			hs := newHarness(t, nil).start()
			hs.ackOf(hs.fake.SendEvent("Ev-"+tc.name, tc.event))
			hs.idle()
			none(t, hs.fake.Posts(), "post")
			none(t, hs.h.msgs, "message to the handler")
		})
	}
}

func TestSocketModeFilesOnlyMessageGetsHelp(t *testing.T) {
	hs := newHarness(t, nil).start()
	e := slacktest.DirectMessage("D1", "U1", "", hs.fake.NextTS())
	e["subtype"] = "file_share"
	e["files"] = []any{map[string]any{"id": "F1", "name": "story.pdf"}}
	hs.ackOf(hs.fake.SendEvent("Ev1", e))

	if m := recv(t, hs.h.msgs, "the handler's message"); m.Text != "" {
		t.Errorf("handler saw text %q, want empty", m.Text)
	}
	post := recv(t, hs.fake.Posts(), "the help reply")
	if !strings.Contains(post.AllText(), "quote") {
		t.Errorf("reply to a file is not the help text:\n%s", post.AllText())
	}
}

func TestSocketModeSlashCommandIsAckedThenAnsweredViaResponseURL(t *testing.T) {
	tests := []struct {
		name      string
		ephemeral bool
		wantType  string
	}{
		{"with Ephemeral set only the asker sees the answer", true, "ephemeral"},
		{"without Ephemeral the channel sees the answer", false, "in_channel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, func(o *Options) { o.Ephemeral = tc.ephemeral }).start()
			cmd := hs.fake.NewSlashCommand("/ask", holdQuestion)
			sent := time.Now()
			ack := hs.ackOf(hs.fake.SendSlashCommand(cmd))
			if d := ack.At.Sub(sent); d > 3*time.Second {
				t.Errorf("slash command acked after %v, Slack gives up after 3s", d)
			}
			if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
				t.Errorf("ack carried payload %s; the answer belongs on the response_url", ack.Payload)
			}

			resp := recv(t, hs.fake.Responses(), "the response_url post")
			if !strings.HasSuffix(cmd.ResponseURL, resp.Path) {
				t.Errorf("answered at %q, want the command's response_url %q", resp.Path, cmd.ResponseURL)
			}
			if resp.ResponseType != tc.wantType {
				t.Errorf("response_type %q, want %q", resp.ResponseType, tc.wantType)
			}
			for _, want := range []string{holdCitation, "Q:* " + holdQuestion} {
				if !strings.Contains(resp.AllText(), want) {
					t.Errorf("answer lacks %q:\n%s", want, resp.AllText())
				}
			}
			if m := recv(t, hs.h.msgs, "the handler's message"); m.Command != "ask" || m.Text != holdQuestion {
				t.Errorf("handler saw command %q text %q", m.Command, m.Text)
			}
			hs.idle()
			none(t, hs.fake.Posts(), "chat.postMessage (slash answers go to the response_url)")
		})
	}
}

func TestSocketModeRedeliveredEventIsAnsweredOnce(t *testing.T) {
	hs := newHarness(t, nil).start()
	ts := hs.fake.NextTS()
	mention := slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, ts, "")
	hs.ackOf(hs.fake.SendEvent("EvSame", mention))
	recv(t, hs.fake.Posts(), "the answer")

	t.Run("a retry with the same event_id is acknowledged and dropped", func(t *testing.T) {
		hs.ackOf(hs.fake.SendEventRetry("EvSame", mention, 1))
		hs.waitEvent(EventDuplicate)
		hs.idle()
		none(t, hs.fake.Posts(), "second answer")
	})
	t.Run("the same message delivered as a message event is not answered again", func(t *testing.T) {
		hs.ackOf(hs.fake.SendEvent("EvOther", slacktest.ChannelMessage("C1", "U1", "<@UBOT> "+holdQuestion, ts, ts)))
		hs.idle()
		none(t, hs.fake.Posts(), "second answer")
	})
	if n := hs.fake.PostCount(); n != 1 {
		t.Errorf("%d answers posted, want 1", n)
	}
}

func TestSocketModeWaitsOutSlackRateLimit(t *testing.T) {
	hs := newHarness(t, nil).start()
	hs.fake.RateLimitNext(1, time.Second)
	hs.ask("Ev1", holdQuestion)

	limited := recv(t, hs.fake.RateLimited(), "the rate-limited attempt")
	post := recv(t, hs.fake.Posts(), "the retried answer")
	if gap := post.At.Sub(limited.At); gap < time.Second {
		t.Errorf("retried %v after a 429 with Retry-After: 1, want at least 1s", gap)
	}
	if !strings.Contains(post.AllText(), holdCitation) {
		t.Errorf("retried answer lacks %q:\n%s", holdCitation, post.AllText())
	}
	hs.waitEvent(EventRateLimited)
}

func TestSocketModeReconnectsAfterDisconnect(t *testing.T) {
	hs := newHarness(t, nil).start()
	hs.waitEvent(EventConnected)
	if !hs.a.Connected() {
		t.Fatal("Connected() is false on a live connection")
	}
	hs.fake.SendDisconnect("refresh_requested")
	if n := recv(t, hs.fake.Connections(), "a second connection"); n != 2 {
		t.Fatalf("connection number %d after disconnect, want 2", n)
	}
	hs.waitEvent(EventReconnect)

	hs.ask("Ev1", holdQuestion)
	post := recv(t, hs.fake.Posts(), "an answer on the new connection")
	if !strings.Contains(post.AllText(), holdCitation) {
		t.Errorf("answer after reconnect lacks %q:\n%s", holdCitation, post.AllText())
	}
	if !hs.a.Connected() {
		t.Error("Connected() is false after reconnecting")
	}
}

func TestMassMentionsInAQuestionAreNotReproduced(t *testing.T) {
	hostile := "<!channel> <!here|here> <@U999> " + holdQuestion + " &lt;!everyone&gt;"
	forbidden := []string{"<!channel>", "<!here", "<!everyone>", "<@U999>"}

	t.Run("in a threaded answer to a mention", func(t *testing.T) {
		hs := newHarness(t, nil).start()
		hs.ask("Ev1", hostile)
		post := recv(t, hs.fake.Posts(), "the answer")
		m := recv(t, hs.h.msgs, "the handler's message")
		if want := "@channel @here @U999 " + holdQuestion + " <!everyone>"; m.Text != want {
			t.Errorf("handler saw %q, want Slack markup turned into plain text %q", m.Text, want)
		}
		for _, bad := range forbidden {
			if strings.Contains(post.AllText(), bad) || strings.Contains(string(post.Blocks), bad) {
				t.Errorf("answer reproduces %q:\n%s", bad, post.AllText())
			}
		}
	})
	t.Run("in a slash-command answer that echoes the question", func(t *testing.T) {
		hs := newHarness(t, nil).start()
		hs.ackOf(hs.fake.SendSlashCommand(hs.fake.NewSlashCommand("/ask", hostile)))
		resp := recv(t, hs.fake.Responses(), "the answer")
		if !strings.Contains(resp.AllText(), "@channel") {
			t.Errorf("echoed question lost its words:\n%s", resp.AllText())
		}
		for _, bad := range forbidden {
			if strings.Contains(resp.AllText(), bad) {
				t.Errorf("answer reproduces %q:\n%s", bad, resp.AllText())
			}
		}
	})
}

func TestSocketModeFeedbackClickIsRecorded(t *testing.T) {
	tests := []struct {
		name    string
		action  string
		helpful bool
	}{
		{"a 👍 click is recorded as helpful with the question and answer", actionHelpful, true},
		{"a 👎 click is recorded as not helpful", actionNotHelpful, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, nil).start()
			hs.ask("Ev1", holdQuestion)
			post := recv(t, hs.fake.Posts(), "the answer")
			value := buttonValue(t, post, tc.action)

			env := hs.fake.SendBlockAction(slacktest.BlockAction{ChannelID: "C1", UserID: "U2", MessageTS: post.TS,
				BlockID: feedbackBlockID, ActionID: tc.action, Value: value, ResponseURL: hs.fake.ResponseURL()})
			hs.ackOf(env)
			f := recv(t, hs.feedback, "the recorded feedback")
			if f.Helpful != tc.helpful || f.User != "U2" || f.Channel != "C1" || f.MessageID != post.TS {
				t.Errorf("recorded %+v", f)
			}
			if f.Question != holdQuestion || !strings.Contains(f.Answer, "put on hold") {
				t.Errorf("recorded question %q answer %q; want the question and its answer", f.Question, f.Answer)
			}
			thanks := recv(t, hs.fake.Responses(), "the thank-you")
			if thanks.ResponseType != "ephemeral" || thanks.ReplaceOriginal {
				t.Errorf("thank-you is %+v; want an ephemeral note that keeps the answer", thanks)
			}
			hs.waitEvent(EventFeedback)
		})
	}
}

// buttonValue finds the value of the button with actionID in blocks.
func buttonValue(t *testing.T, m slacktest.Message, actionID string) string {
	t.Helper()
	v, ok := m.ButtonValue(actionID)
	if !ok {
		t.Fatalf("no %s button in %s", actionID, m.Blocks)
	}
	return v
}

func TestSocketModeDropsMalformedEnvelopesAndKeepsAnswering(t *testing.T) {
	hs := newHarness(t, nil).start()
	hs.fake.Send([]byte(`{"envelope_id": "env-broken", "type": `)) // cut off mid-frame
	hs.fake.Send(map[string]any{"envelope_id": "env-mystery", "type": "mystery_type", "payload": map[string]any{}})
	hs.fake.Send(map[string]any{"envelope_id": "env-unknown-event", "type": "events_api",
		"payload": slacktest.EventCallback("EvX", map[string]any{"type": "storybot_unheard_of", "user": "U1"})})
	hs.fake.Send(map[string]any{"envelope_id": "env-bad-payload", "type": "slash_commands", "payload": "not an object"})
	unhandled := hs.fake.SendEvent("EvR", map[string]any{"type": "reaction_added", "user": "U1", "reaction": "+1",
		"item": map[string]any{"type": "message", "channel": "C1", "ts": "1.1"}, "event_ts": "1.2"})

	for _, id := range []string{"env-mystery", "env-unknown-event", "env-bad-payload", unhandled} {
		hs.ackOf(id)
	}
	hs.ask("Ev1", holdQuestion)
	post := recv(t, hs.fake.Posts(), "an answer after the garbage")
	if !strings.Contains(post.AllText(), holdCitation) {
		t.Errorf("answer lacks %q:\n%s", holdCitation, post.AllText())
	}
	if n := hs.fake.Opens(); n != 1 {
		t.Errorf("%d connections opened; malformed envelopes must not cost the connection", n)
	}
	if n := hs.fake.PostCount(); n != 1 {
		t.Errorf("%d messages posted, want only the answer", n)
	}
}

func TestSocketModeVeryLongMessageGetsAPoliteRefusal(t *testing.T) {
	hs := newHarness(t, nil).start()
	long := strings.Repeat("Why was the meeting put on hold? ", 200)
	hs.ackOf(hs.fake.SendEvent("Ev1", slacktest.DirectMessage("D1", "U1", long, hs.fake.NextTS())))
	post := recv(t, hs.fake.Posts(), "the refusal")
	if !strings.Contains(post.AllText(), "too long") {
		t.Errorf("reply to a %d-character message is not a refusal:\n%s", len(long), post.AllText())
	}
	if strings.Contains(string(post.Blocks), actionHelpful) {
		t.Error("a refusal carries feedback buttons")
	}
}
