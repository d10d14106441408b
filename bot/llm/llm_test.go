package llm_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/llm"
	"github.com/storybot/storybot/internal/openaitest"
)

// sleeps records the waits a client asks for, without waiting.
type sleeps struct {
	mu  sync.Mutex
	got []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, d)
	return nil
}

func newClient(t *testing.T, srv *openaitest.Server, mut func(*llm.Options)) (*llm.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	opts := llm.Options{BaseURL: srv.URL(), APIKey: "sk-test", Model: "fake-model", Sleep: sl.sleep, Timeout: 5 * time.Second}
	if mut != nil {
		mut(&opts)
	}
	c, err := llm.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

var req = bot.CompletionRequest{System: "Answer from the story.", User: "Why?"}

func TestCompleteReturnsTheAnswer(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply("It was put on hold [¶4].")
	c, _ := newClient(t, srv, nil)
	got, err := c.Complete(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "It was put on hold [¶4]." || got.Model != "fake-model" || got.PromptTokens == 0 {
		t.Fatalf("got %+v", got)
	}
	r := srv.Requests()[0]
	if r.Authorization != "Bearer sk-test" || r.Stream || len(r.Messages) != 2 || r.Messages[0].Role != "system" {
		t.Fatalf("request %+v", r)
	}
}

func TestStreamingCallsPartialWithGrowingText(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply("One two three four.")
	c, _ := newClient(t, srv, nil)
	var partials []string
	got, err := c.Complete(context.Background(), req, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "One two three four." || len(partials) < 3 {
		t.Fatalf("text %q after %d partials", got.Text, len(partials))
	}
	for i := 1; i < len(partials); i++ {
		if !strings.HasPrefix(partials[i], partials[i-1]) {
			t.Fatalf("partial %q does not extend %q", partials[i], partials[i-1])
		}
	}
	if !srv.Requests()[0].Stream {
		t.Error("request was not streamed")
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*openaitest.Server)
		stream    bool
		timeout   time.Duration
		wantErr   error
		wantCalls int
		wantWaits []time.Duration
		wantText  string
	}{
		{name: "a 429 with Retry-After is waited out and retried",
			setup:     func(s *openaitest.Server) { s.Error(429, "3"); s.Reply("ok [¶1].") },
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}, wantText: "ok [¶1]."},
		{name: "a streamed 429 is retried too",
			setup: func(s *openaitest.Server) { s.Error(429, "1"); s.Reply("ok [¶1].") }, stream: true,
			wantCalls: 2, wantWaits: []time.Duration{time.Second}, wantText: "ok [¶1]."},
		{name: "a server error forever gives up after the retries",
			setup: func(s *openaitest.Server) {
				s.SetDefault(func(openaitest.Request) openaitest.Behaviour { return openaitest.Behaviour{Status: 500} })
			},
			wantErr: llm.ErrUnavailable, wantCalls: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "a rejected key is not retried",
			setup: func(s *openaitest.Server) { s.Error(401, "") }, wantErr: bot.ErrLLMAuth, wantCalls: 1},
		{name: "a forbidden key is an auth error too",
			setup: func(s *openaitest.Server) { s.Error(403, "") }, wantErr: llm.ErrAuth, wantCalls: 1},
		{name: "a server that never answers times out",
			setup: func(s *openaitest.Server) { s.Push(openaitest.Behaviour{Hang: true}) }, timeout: 200 * time.Millisecond,
			wantErr: context.DeadlineExceeded, wantCalls: 1},
		{name: "a stream cut mid-way is a failure, not a short answer",
			setup: func(s *openaitest.Server) { s.Push(openaitest.Behaviour{Text: "It was put", Cut: true}) }, stream: true,
			wantErr: llm.ErrUnavailable, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			tt.setup(srv)
			c, sl := newClient(t, srv, func(o *llm.Options) {
				if tt.timeout > 0 {
					o.Timeout = tt.timeout
				}
			})
			var partial func(string)
			if tt.stream {
				partial = func(string) {}
			}
			got, err := c.Complete(context.Background(), req, partial)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sk-test") {
					t.Errorf("error leaks the API key: %v", err)
				}
			} else if err != nil || got.Text != tt.wantText {
				t.Fatalf("got %q, %v", got.Text, err)
			}
			if n := len(srv.Requests()); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
			if tt.wantWaits != nil && !equalDurations(sl.got, tt.wantWaits) {
				t.Errorf("waits %v, want %v", sl.got, tt.wantWaits)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLocalServersNeedNoKey(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply("fine")
	c, _ := newClient(t, srv, func(o *llm.Options) { o.APIKey = "" })
	if _, err := c.Complete(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	if a := srv.Requests()[0].Authorization; a != "" && a != "Bearer " {
		t.Errorf("Authorization %q sent with no key", a)
	}
}

func TestAzureUsesTheDeploymentPath(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply("fine")
	c, _ := newClient(t, srv, func(o *llm.Options) {
		o.Azure, o.BaseURL, o.APIKey, o.Model, o.APIVersion = true, srv.RootURL(), "azure-key", "gpt-4o-mini", "2024-06-01"
	})
	if _, err := c.Complete(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Path != "/openai/deployments/gpt-4o-mini/chat/completions" || r.APIKey != "azure-key" {
		t.Fatalf("azure request %+v", r)
	}
}

func TestNewNeedsAModel(t *testing.T) {
	if _, err := llm.New(llm.Options{}); err == nil || !strings.Contains(err.Error(), "OPENAI_MODEL") {
		t.Fatalf("err = %v", err)
	}
	_ = http.StatusOK
}
