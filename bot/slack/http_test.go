package slack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/slacktest"
)

// httpHarness is an HTTP-mode adapter served by an httptest server, with
// its Web API calls going to a fake Slack.
type httpHarness struct {
	*harness
	srv *httptest.Server
}

func newHTTPHarness(t *testing.T) *httpHarness {
	t.Helper()
	hs := newHarness(t, func(o *Options) {
		o.SocketMode, o.AppToken, o.SigningSecret = false, "", slacktest.SigningSecret
	})
	srv := httptest.NewServer(hs.a.HTTPHandler())
	t.Cleanup(srv.Close)
	hs.start()
	hs.waitEvent(EventConnected)
	return &httpHarness{harness: hs, srv: srv}
}

// send posts body to path signed with secret at ts and returns the status
// and body of the answer.
func (h *httpHarness) send(path, contentType string, body []byte, secret string, ts time.Time, header http.Header) (int, string, time.Duration) {
	h.t.Helper()
	req, err := slacktest.NewSignedRequest(h.srv.URL+path, contentType, body, secret, ts)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("POST %s: %v", path, err)
	}
	text := slacktest.ReadBody(h.t, resp)
	return resp.StatusCode, text, time.Since(start)
}

func (h *httpHarness) sendJSON(path string, v any, header http.Header) (int, string) {
	h.t.Helper()
	b, _ := json.Marshal(v)
	code, body, _ := h.send(path, "application/json", b, slacktest.SigningSecret, time.Now(), header)
	return code, body
}

func (h *httpHarness) sendForm(path string, form url.Values) (int, string, time.Duration) {
	h.t.Helper()
	return h.send(path, "application/x-www-form-urlencoded", []byte(form.Encode()), slacktest.SigningSecret, time.Now(), nil)
}

func TestHTTPModeRejectsRequestsSlackDidNotSign(t *testing.T) {
	hs := newHTTPHarness(t)
	mention, _ := json.Marshal(slacktest.EventCallback("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, "1.1", "")))
	command := []byte(hs.fake.NewSlashCommand("/ask", holdQuestion).Form().Encode())
	click := []byte(slacktest.BlockAction{ChannelID: "C1", UserID: "U1", MessageTS: "1.2", ActionID: actionHelpful,
		Value: encodeFeedback("q", "a"), ResponseURL: hs.fake.ResponseURL()}.Form().Encode())
	endpoints := []struct {
		path, ctype string
		body        []byte
	}{
		{EventsPath, "application/json", mention},
		{CommandsPath, "application/x-www-form-urlencoded", command},
		{InteractivityPath, "application/x-www-form-urlencoded", click},
	}
	forgeries := []struct {
		name   string
		secret string
		ts     time.Time
		strip  bool
	}{
		{name: "signed with the wrong secret", secret: "not-the-secret", ts: time.Now()},
		{name: "signed six minutes ago", secret: slacktest.SigningSecret, ts: time.Now().Add(-6 * time.Minute)},
		{name: "signed six minutes in the future", secret: slacktest.SigningSecret, ts: time.Now().Add(6 * time.Minute)},
		{name: "not signed at all", strip: true},
	}
	for _, f := range forgeries {
		for _, ep := range endpoints {
			t.Run("a request to "+ep.path+" "+f.name+" gets 401 and is ignored", func(t *testing.T) {
				req, _ := slacktest.NewSignedRequest(hs.srv.URL+ep.path, ep.ctype, ep.body, f.secret, f.ts)
				if f.strip {
					req.Header.Del("X-Slack-Signature")
					req.Header.Del("X-Slack-Request-Timestamp")
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				slacktest.ReadBody(t, resp)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", resp.StatusCode)
				}
				hs.idle()
				none(t, hs.h.msgs, "message reaching the handler")
				none(t, hs.fake.Posts(), "post")
				none(t, hs.fake.Responses(), "response_url post")
				none(t, hs.feedback, "feedback")
			})
		}
	}
	t.Run("a tampered body fails the signature", func(t *testing.T) {
		req, _ := slacktest.NewSignedRequest(hs.srv.URL+EventsPath, "application/json", mention, slacktest.SigningSecret, time.Now())
		req.Body = http.NoBody
		req.ContentLength = 0
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		slacktest.ReadBody(t, resp)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
}

func TestHTTPModeAnswersURLVerification(t *testing.T) {
	hs := newHTTPHarness(t)
	code, body := hs.sendJSON(EventsPath, slacktest.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), nil)
	if code != http.StatusOK || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("got %d %q, want 200 with the challenge", code, body)
	}
}

func TestHTTPModeMentionIsAnsweredOnceEvenWhenSlackRetries(t *testing.T) {
	hs := newHTTPHarness(t)
	if !hs.a.Connected() {
		t.Error("Connected() is false in HTTP mode after Run checked the token")
	}
	ev := slacktest.EventCallback("EvH1", slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, "1700000000.000100", ""))
	if code, body := hs.sendJSON(EventsPath, ev, nil); code != http.StatusOK || body != "" {
		t.Fatalf("event answered %d %q, want an empty 200", code, body)
	}
	post := recv(t, hs.fake.Posts(), "the answer")
	if post.ThreadTS != "1700000000.000100" || !strings.Contains(post.AllText(), holdCitation) {
		t.Errorf("answer in thread %q:\n%s\nwant thread 1700000000.000100 citing %s", post.ThreadTS, post.AllText(), holdCitation)
	}

	for _, n := range []string{"1", "2"} {
		t.Run("retry "+n+" is acknowledged and not answered again", func(t *testing.T) {
			h := http.Header{"X-Slack-Retry-Num": {n}, "X-Slack-Retry-Reason": {"http_timeout"}}
			if code, _ := hs.sendJSON(EventsPath, ev, h); code != http.StatusOK {
				t.Errorf("retry answered %d; Slack keeps retrying anything but 200", code)
			}
			hs.idle()
			none(t, hs.fake.Posts(), "second answer")
		})
	}
}

func TestHTTPModeSlashCommandIsAcknowledgedEmptyThenAnswered(t *testing.T) {
	hs := newHTTPHarness(t)
	cmd := hs.fake.NewSlashCommand("/quote", "Peskov")
	code, body, took := hs.sendForm(CommandsPath, cmd.Form())
	if code != http.StatusOK || body != "" || took > 3*time.Second {
		t.Errorf("command answered %d %q after %v; want an empty 200 within 3s", code, body, took)
	}
	resp := recv(t, hs.fake.Responses(), "the response_url answer")
	if !strings.HasSuffix(cmd.ResponseURL, resp.Path) || resp.ResponseType != "in_channel" {
		t.Errorf("answered at %q as %q", resp.Path, resp.ResponseType)
	}
	if !strings.Contains(resp.AllText(), peskovQuote) || !strings.Contains(resp.AllText(), "¶9") {
		t.Errorf("answer lacks Peskov's quote:\n%s", resp.AllText())
	}
	if m := recv(t, hs.h.msgs, "the handler's message"); m.Command != "quote" || m.Text != "Peskov" {
		t.Errorf("handler saw command %q text %q", m.Command, m.Text)
	}
}

func TestHTTPModeFeedbackClickIsRecorded(t *testing.T) {
	hs := newHTTPHarness(t)
	click := slacktest.BlockAction{ChannelID: "C1", UserID: "U3", MessageTS: "1700000000.000200", BlockID: feedbackBlockID,
		ActionID: actionNotHelpful, Value: encodeFeedback(holdQuestion, "It was put on hold. [¶4]"), ResponseURL: hs.fake.ResponseURL()}
	if code, _, _ := hs.sendForm(InteractivityPath, click.Form()); code != http.StatusOK {
		t.Fatalf("click answered %d", code)
	}
	f := recv(t, hs.feedback, "the feedback")
	if f.Helpful || f.Question != holdQuestion || f.Answer != "It was put on hold. [¶4]" || f.MessageID != "1700000000.000200" {
		t.Errorf("recorded %+v", f)
	}
}

func TestHTTPModeDropsWhatItCannotRead(t *testing.T) {
	hs := newHTTPHarness(t)
	tests := []struct {
		name     string
		path     string
		ctype    string
		body     string
		wantCode int
	}{
		{"a body that is not JSON is refused", EventsPath, "application/json", "{nope", http.StatusBadRequest},
		{"an unknown event type is accepted and dropped", EventsPath, "application/json",
			`{"type":"event_callback","event_id":"EvZ","event":{"type":"storybot_unheard_of"}}`, http.StatusOK},
		{"an unknown outer type is accepted and dropped", EventsPath, "application/json", `{"type":"mystery"}`, http.StatusOK},
		{"a click without a payload is refused", InteractivityPath, "application/x-www-form-urlencoded", "payload=%7Bbad", http.StatusBadRequest},
		{"a command without a name is refused", CommandsPath, "application/x-www-form-urlencoded", "text=hi", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, _ := hs.send(tc.path, tc.ctype, []byte(tc.body), slacktest.SigningSecret, time.Now(), nil)
			if code != tc.wantCode {
				t.Errorf("status %d, want %d", code, tc.wantCode)
			}
			hs.idle()
			none(t, hs.h.msgs, "message reaching the handler")
		})
	}
	t.Run("GET is not allowed", func(t *testing.T) {
		resp, err := http.Get(hs.srv.URL + EventsPath)
		if err != nil {
			t.Fatal(err)
		}
		slacktest.ReadBody(t, resp)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	})
}
