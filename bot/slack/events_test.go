package slack

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/internal/slacktest"
)

func TestPlainTextIsWhatTheHandlerReads(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"the bot's mention is removed", "<@UBOT> why was it tabled?", "why was it tabled?"},
		{"a labelled bot mention is removed", "<@UBOT|storybot>: why?", "why?"},
		{"a mention in the middle is removed", "hey <@UBOT> why?", "hey why?"},
		{"other people keep their names", "what did <@U123|peskov> say to <@U456>?", "what did @peskov say to @U456?"},
		{"channels read as #name", "as posted in <#C1|news>", "as posted in #news"},
		{"links read as their label or address", "see <https://cnn.com/x|the story> and <https://a.b/c>", "see the story and https://a.b/c"},
		{"mass mentions become harmless words", "<!channel> <!here|@here> <!everyone> hi", "@channel @here @everyone hi"},
		{"user groups keep their handle", "ask <!subteam^S1|@editors>", "ask @editors"},
		{"Slack's escapes are undone", "Q&amp;A: is 1 &lt; 2 &gt; 0?", "Q&A: is 1 < 2 > 0?"},
		{"whitespace collapses", "  why\n\n  now?\t", "why now?"},
		{"a lone bracket is kept", "is 3 < 4", "is 3 < 4"},
		{"only a mention leaves nothing", "<@UBOT>", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := plainText(tc.in, "UBOT"); got != tc.want {
				t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<@UBOT> hi", "<!channel|x>", "<<@UBOT>>", "&amp;lt;", "<", "<|>", "<@>", "<#|>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := plainText(s, "UBOT")
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("plainText(%q) = %q: not UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("plainText(%q) = %q: untidy whitespace", s, got)
		}
		if strings.Contains(s, "<@UBOT>") && !strings.Contains(s, "&") && strings.Contains(got, "<@UBOT>") {
			t.Fatalf("plainText(%q) = %q: kept the bot's mention", s, got)
		}
	})
}

func TestFeedbackValueCarriesQuestionAndAnswer(t *testing.T) {
	long := strings.Repeat(`"quoted" <&> é `, 400)
	tests := []struct {
		name, q, a string
	}{
		{"short text round-trips exactly", "Why?", "Because [¶4]."},
		{"markup and quotes round-trip", `<!channel> "why"?`, `He said "no" & left <@U1>`},
		{"a long answer is shortened to fit a button", "Why?", long},
		{"a long question and answer both fit", long, long},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := encodeFeedback(tc.q, tc.a)
			if len(v) > maxButtonValue {
				t.Fatalf("value is %d bytes, Slack allows %d", len(v), maxButtonValue)
			}
			q, a, err := decodeFeedback(v)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !strings.HasPrefix(strings.TrimSpace(tc.q), q) || !strings.HasPrefix(strings.TrimSpace(tc.a), a) {
				t.Errorf("decoded %q / %q, want prefixes of the originals", q, a)
			}
			if len(tc.q)+len(tc.a) < 500 && (q != tc.q || a != tc.a) {
				t.Errorf("decoded %q / %q, want them unchanged", q, a)
			}
		})
	}
}

func FuzzDecodeFeedback(f *testing.F) {
	f.Add(encodeFeedback("why?", "because"))
	f.Add(`{"q":1}`)
	f.Add(`not json`)
	f.Add(strings.Repeat("x", 3000))
	f.Fuzz(func(t *testing.T, v string) {
		q, a, err := decodeFeedback(v)
		if err == nil && (!utf8.ValidString(q) || !utf8.ValidString(a)) {
			t.Fatalf("decoded invalid UTF-8 from %q", v)
		}
	})
}

func TestNewChecksOptions(t *testing.T) {
	h := scriptedHandler{}
	tests := []struct {
		name       string
		opts       Options
		wantErr    string
		wantSocket bool
	}{
		{name: "a bot token is required", opts: Options{AppToken: "xapp"}, wantErr: "bot token"},
		{name: "Socket Mode needs an app token", opts: Options{BotToken: "xoxb", SocketMode: true}, wantErr: "app-level token"},
		{name: "HTTP mode needs a signing secret", opts: Options{BotToken: "xoxb"}, wantErr: "signing secret"},
		{name: "an app token alone selects Socket Mode", opts: Options{BotToken: "xoxb", AppToken: "xapp"}, wantSocket: true},
		{name: "a signing secret alone selects HTTP mode", opts: Options{BotToken: "xoxb", SigningSecret: "s"}},
		{name: "both, without SocketMode, select HTTP mode", opts: Options{BotToken: "xoxb", AppToken: "xapp", SigningSecret: "s"}},
		{name: "both, with SocketMode, select Socket Mode", opts: Options{BotToken: "xoxb", AppToken: "xapp", SigningSecret: "s", SocketMode: true}, wantSocket: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(h, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.socket != tc.wantSocket {
				t.Errorf("socket mode %v, want %v", a.socket, tc.wantSocket)
			}
		})
	}
	t.Run("an API URL without its trailing slash still works", func(t *testing.T) {
		a, err := New(h, Options{BotToken: "xoxb", AppToken: "xapp", APIURL: "http://127.0.0.1:1/api"})
		if err != nil || a.opts.APIURL != "http://127.0.0.1:1/api/" {
			t.Errorf("APIURL %q, err %v", a.opts.APIURL, err)
		}
	})
}

func TestRunFailsWhenSlackRejectsTheToken(t *testing.T) {
	for _, socket := range []bool{true, false} {
		name := map[bool]string{true: "in Socket Mode", false: "in HTTP mode"}[socket]
		t.Run(name, func(t *testing.T) {
			fake := slacktest.New(t)
			a, err := New(scriptedHandler{}, Options{BotToken: "xoxb-wrong", AppToken: slacktest.AppToken,
				SigningSecret: "s", SocketMode: socket, APIURL: fake.URL(), Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			err = a.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), "auth.test") || !strings.Contains(err.Error(), "invalid_auth") {
				t.Errorf("Run: %v; want an auth.test invalid_auth error", err)
			}
			if a.Connected() {
				t.Error("Connected() after a failed start")
			}
		})
	}
	t.Run("in Socket Mode with a rejected app-level token", func(t *testing.T) {
		fake := slacktest.New(t)
		a, err := New(scriptedHandler{}, Options{BotToken: slacktest.BotToken, AppToken: "xapp-wrong",
			APIURL: fake.URL(), Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		err = a.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Errorf("Run: %v; want an invalid_auth error", err)
		}
	})
}

func TestResponseURLsMustPointAtSlack(t *testing.T) {
	a, err := New(scriptedHandler{}, Options{BotToken: "xoxb", AppToken: "xapp", APIURL: "http://127.0.0.1:4567/api/"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url  string
		want bool
	}{
		{"https://hooks.slack.com/commands/T1/1/abc", true},
		{"https://slack.com/x", true},
		{"http://hooks.slack.com/commands/T1/1/abc", false},
		{"https://hooks.slack.com.evil.example/x", false},
		{"https://evil.example/?https://hooks.slack.com", false},
		{"http://127.0.0.1:4567/response/1", true}, // the configured API host
		{"http://127.0.0.1:9999/response/1", false},
		{"not a url", false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			if got := a.allowedResponseURL(tc.url); got != tc.want {
				t.Errorf("allowed = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnknownSlashCommandGetsHelp(t *testing.T) {
	hs := newHarness(t, func(o *Options) { o.Commands = map[string]string{"/news": "ask"} }).start()
	cases := []struct {
		name, command, wantCommand string
	}{
		{"a renamed command runs the bot command it maps to", "/news", "ask"},
		{"a command the adapter was not told about gets help", "/ask", "help"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs.ackOf(hs.fake.SendSlashCommand(hs.fake.NewSlashCommand(tc.command, holdQuestion)))
			if m := recv(t, hs.h.msgs, "the handler's message"); m.Command != tc.wantCommand {
				t.Errorf("handler saw command %q, want %q", m.Command, tc.wantCommand)
			}
			recv(t, hs.fake.Responses(), "the reply")
		})
	}
}
