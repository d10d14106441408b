package discord

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/internal/openaitest"
)

func TestApplicationCommands(t *testing.T) {
	t.Parallel()
	fb := make(feedbackSink, 1)
	hs := newHarness(t, harnessOptions{cfg: bot.Config{Feedback: fb}})
	fake := hs.fake

	var peskov discordtest.Sent
	t.Run("/quote who:Peskov answers at once with Peskov's quotes", func(t *testing.T) {
		fake.SendInteraction(discordtest.SlashCommand("quote", discordtest.Option{Name: "who", Value: "Peskov"}))
		peskov = recv(t, fake.Callbacks(), "the response")
		if peskov.Type != discordtest.CallbackMessage || peskov.Ephemeral() {
			t.Fatalf("response type %d flags %d, want a public message", peskov.Type, peskov.Flags)
		}
		wantText(t, peskov, peskovQuote, "Dmitry Peskov", peskovCitation)
		if !peskov.NoMentions() {
			t.Errorf("allowed_mentions %+v", peskov.Mentions)
		}
	})

	t.Run("autocomplete suggests the speakers the stories quote", func(t *testing.T) {
		fake.SendInteraction(discordtest.Autocomplete("quote", "who", "pes"))
		got := recv(t, fake.Callbacks(), "the choices")
		if got.Type != discordtest.CallbackAutocompleteResult {
			t.Fatalf("type %d", got.Type)
		}
		var names []string
		for _, c := range got.Choices {
			names = append(names, c.Name)
		}
		if !slices.Contains(names, "Dmitry Peskov") {
			t.Errorf("choices %v lack Dmitry Peskov", names)
		}
		fake.SendInteraction(discordtest.Autocomplete("quote", "who", ""))
		if got := recv(t, fake.Callbacks(), "all choices"); len(got.Choices) < 2 || len(got.Choices) > 25 {
			t.Errorf("%d choices for an empty prefix", len(got.Choices))
		}
	})

	t.Run("a 👍 click is recorded with the question and answer", func(t *testing.T) {
		fake.SendInteraction(discordtest.Click(customHelpful, peskov.AsMessage()))
		f := recv(t, fb, "the feedback")
		if !f.Helpful || f.Platform != bot.PlatformDiscord || f.User != discordtest.UserID ||
			!strings.Contains(f.Answer, peskovQuote) || f.Question != "Peskov" {
			t.Errorf("feedback %+v", f)
		}
		got := recv(t, fake.Callbacks(), "the thanks")
		if !got.Ephemeral() || !strings.Contains(got.Content, "Thanks") {
			t.Errorf("thanks %+v", got)
		}
	})

	tests := []struct {
		name string
		i    discordtest.InteractionEvent
		want string
	}{
		{"/ask without its question gets a clear private error",
			discordtest.SlashCommand("ask"), "needs `question:`"},
		{"/quote with an empty who gets a clear private error",
			discordtest.SlashCommand("quote", discordtest.Option{Name: "who", Value: "  "}), "needs `who:`"},
		{"an unknown command gets the help text privately",
			discordtest.SlashCommand("frobnicate"), "I don't know the command"},
		{"an interaction type the bot does not use gets a private explanation",
			discordtest.InteractionEvent{Type: discordtest.InteractionModalSubmit, ChannelID: discordtest.ChannelID,
				UserID: discordtest.UserID, Data: map[string]any{"custom_id": "x", "components": []any{}}}, "don't know what to do"},
		{"an unknown button gets a private explanation",
			discordtest.Click("someone_else:button", nil), "no longer does anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.SendInteraction(tt.i)
			got := recv(t, fake.Callbacks(), "the response")
			if !got.Ephemeral() || got.Type != discordtest.CallbackMessage {
				t.Errorf("type %d flags %d, want an ephemeral message", got.Type, got.Flags)
			}
			wantText(t, got, tt.want)
		})
	}

	t.Run("/digest answers with the key points", func(t *testing.T) {
		fake.SendInteraction(discordtest.SlashCommand("digest"))
		got := recv(t, fake.Callbacks(), "the digest")
		wantText(t, got, "Key points", "¶")
	})
	hs.idle(t)
	none(t, fake.WebhookEdits(), "an edit")
	none(t, fake.Followups(), "a follow-up")
	if !hs.a.Connected() {
		t.Error("the connection did not stay up")
	}
}

func TestEphemeralOptionHidesCommandReplies(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, harnessOptions{opts: Options{Ephemeral: true}})
	hs.fake.SendInteraction(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
	got := recv(t, hs.fake.Callbacks(), "the response")
	if !got.Ephemeral() {
		t.Fatalf("flags %d, want ephemeral", got.Flags)
	}
	wantText(t, got, holdQuestion, holdCitation)
}

func TestLLMAnswerIsDeferredThenEditedInPlace(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.Reply(`The meeting has been put on hold [¶4]. Rubio and Lavrov had divergent expectations [¶4].`)
	hs := newHarness(t, harnessOptions{cfg: summaryConfig(t, srv)})
	hs.fake.SendInteraction(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
	cb := recv(t, hs.fake.Callbacks(), "the deferral")
	if cb.Type != discordtest.CallbackDeferredMessage {
		t.Fatalf("first response type %d, want 5 (deferred)", cb.Type)
	}
	var partials []string
	var final discordtest.Sent
	for final.Embeds == nil {
		final = recv(t, hs.fake.WebhookEdits(), "an edit of the response")
		if final.MessageID != "@original" {
			t.Fatalf("edited %s, want @original", final.MessageID)
		}
		if final.Embeds == nil {
			partials = append(partials, final.Content)
		}
	}
	if len(partials) == 0 || !strings.Contains(partials[0], "Retrieved ¶4") || !strings.Contains(strings.Join(partials, "\n"), "put on hold") {
		t.Errorf("partials %q: want the steps, then the text growing in place", partials)
	}
	wantText(t, final, "put on hold", "summary by fake-model", holdCitation)
	hs.idle(t)
	none(t, hs.fake.Followups(), "a follow-up")
}

// httpHarness is an adapter serving HTTP interactions only.
func httpHarness(t *testing.T, cfg bot.Config) (*harness, discordtest.KeyPair, string) {
	t.Helper()
	keys := discordtest.NewKeyPair(t)
	hs := newHarness(t, harnessOptions{cfg: cfg, noStart: true,
		opts: Options{HTTPOnly: true, PublicKey: keys.PublicKeyHex()}})
	srv := httptest.NewServer(hs.a.InteractionsHandler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { hs.idle(t) })
	return hs, keys, srv.URL + InteractionsPath
}

func do(t *testing.T, r *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, v
}

func TestHTTPInteractions(t *testing.T) {
	t.Parallel()
	hs, keys, url := httpHarness(t, bot.Config{})
	fake := hs.fake

	t.Run("PING is answered with PONG", func(t *testing.T) {
		code, body := do(t, keys.NewSignedRequest(t, url, discordtest.Ping()))
		if code != http.StatusOK || body["type"] != float64(1) {
			t.Fatalf("%d %v", code, body)
		}
	})

	t.Run("a signed command is answered in the response", func(t *testing.T) {
		i := fake.Prepare(discordtest.SlashCommand("quote", discordtest.Option{Name: "who", Value: "Peskov"}))
		code, body := do(t, keys.NewSignedRequest(t, url, i))
		if code != http.StatusOK || body["type"] != float64(4) {
			t.Fatalf("%d %v", code, body)
		}
		raw, _ := json.Marshal(body)
		if err := discordtest.CheckMessage(raw); err != nil {
			t.Error(err)
		}
		if !strings.Contains(string(raw), peskovQuote) || !strings.Contains(string(raw), `"parse":[]`) {
			t.Errorf("response %s", raw)
		}
	})

	t.Run("autocomplete is answered in the response", func(t *testing.T) {
		code, body := do(t, keys.NewSignedRequest(t, url, fake.Prepare(discordtest.Autocomplete("quote", "who", "Pes"))))
		if code != http.StatusOK || body["type"] != float64(8) || !strings.Contains(mustJSON(body), "Dmitry Peskov") {
			t.Fatalf("%d %v", code, body)
		}
	})

	body, _ := json.Marshal(fake.Prepare(discordtest.SlashCommand("digest")).Payload())
	rejected := []struct {
		name string
		req  func() *http.Request
	}{
		{"a tampered body is refused", func() *http.Request {
			r := keys.NewSignedRequestBody(t, url, body, time.Now())
			tampered := strings.Replace(string(body), "digest", "digesT", 1)
			r.Body = io.NopCloser(strings.NewReader(tampered))
			r.ContentLength = int64(len(tampered))
			return r
		}},
		{"a stale timestamp is refused even with a valid signature", func() *http.Request {
			return keys.NewSignedRequestBody(t, url, body, time.Now().Add(-10*time.Minute))
		}},
		{"a signature from another key is refused", func() *http.Request {
			return discordtest.NewKeyPair(t).NewSignedRequestBody(t, url, body, time.Now())
		}},
		{"an unsigned request is refused", func() *http.Request {
			r := keys.NewSignedRequestBody(t, url, body, time.Now())
			r.Header.Del("X-Signature-Ed25519")
			return r
		}},
	}
	for _, tt := range rejected {
		t.Run(tt.name, func(t *testing.T) {
			if code, _ := do(t, tt.req()); code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", code)
			}
		})
	}
	if n := hs.events.count(EventRejected); n != len(rejected) {
		t.Errorf("%d rejected events, want %d", n, len(rejected))
	}
}

func TestHTTPInteractionThatStreamsIsDeferredInTheResponse(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.Reply(`The meeting has been put on hold [¶4]. Rubio and Lavrov had divergent expectations [¶4].`)
	hs, keys, url := httpHarness(t, summaryConfig(t, srv))
	i := hs.fake.Prepare(discordtest.SlashCommand("ask", discordtest.Option{Name: "question", Value: holdQuestion}))
	code, body := do(t, keys.NewSignedRequest(t, url, i))
	if code != http.StatusOK || body["type"] != float64(5) {
		t.Fatalf("%d %v, want a deferral", code, body)
	}
	var final discordtest.Sent
	for final.Embeds == nil {
		final = recv(t, hs.fake.WebhookEdits(), "an edit of the response")
	}
	if final.Token != i.Token || final.MessageID != "@original" {
		t.Errorf("edited %s of %s", final.MessageID, final.Token)
	}
	wantText(t, final, "summary by fake-model", holdCitation)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// memoryDedupe is a bot.Deduper in memory.
type memoryDedupe struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *memoryDedupe) FirstTime(_ context.Context, p bot.Platform, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[string(p)+key] {
		return false, nil
	}
	d.seen[string(p)+key] = true
	return true, nil
}

func TestTheSameSignedInteractionSentThreeTimesIsAnsweredOnce(t *testing.T) {
	t.Parallel()
	keys := discordtest.NewKeyPair(t)
	hs := newHarness(t, harnessOptions{noStart: true,
		opts: Options{HTTPOnly: true, PublicKey: keys.PublicKeyHex(), Dedupe: &memoryDedupe{seen: map[string]bool{}}}})
	srv := httptest.NewServer(hs.a.InteractionsHandler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { hs.idle(t) })
	url := srv.URL + InteractionsPath

	body, _ := json.Marshal(hs.fake.Prepare(discordtest.SlashCommand("quote", discordtest.Option{Name: "who", Value: "Peskov"})).Payload())
	answers := 0
	for n := range 3 {
		code, resp := do(t, keys.NewSignedRequestBody(t, url, body, time.Now()))
		if code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", n+1, code)
		}
		if strings.Contains(mustJSON(resp), peskovQuote) {
			answers++
		}
	}
	hs.idle(t)
	if answers != 1 {
		t.Errorf("answered %d times, want once", answers)
	}
	if n := hs.events.count(EventDuplicate); n != 2 {
		t.Errorf("%d duplicate events, want 2", n)
	}
}
