// Package llm is storybot's LLM client: a bot.Completer over any
// OpenAI-compatible chat completions API (OpenAI, Azure OpenAI, Ollama,
// vLLM, llama.cpp server, LM Studio) using github.com/sashabaranov/go-openai,
// with timeouts, bounded retries that honour Retry-After, and streaming.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/storybot/storybot/bot"
)

// ErrAuth is returned (wrapped, and wrapping bot.ErrLLMAuth) when the
// server rejects the API key: HTTP 401 or 403.
var ErrAuth = fmt.Errorf("llm: authentication failed (check OPENAI_API_KEY / llm.api_key): %w", bot.ErrLLMAuth)

// ErrUnavailable is returned when no answer could be had: retries used up,
// a server error, a timeout or a broken stream.
var ErrUnavailable = errors.New("llm: unavailable")

// Options configure a Client.
type Options struct {
	// BaseURL is the API base ("https://api.openai.com/v1" when empty;
	// "http://localhost:11434/v1" for Ollama; the resource URL for Azure).
	BaseURL string
	// APIKey may be empty for local servers.
	APIKey string
	// Model is required ("gpt-4o-mini", "llama3.1:8b"; the deployment for Azure).
	Model      string
	Azure      bool
	APIVersion string
	// Temperature defaults to 0.2: summaries should stick to the text.
	Temperature float32
	// Timeout bounds a whole call, retries included (default 20s).
	Timeout time.Duration
	// MaxRetries is how often a 429 or 5xx is retried (default 2).
	MaxRetries int
	// MaxTokens caps the answer (default 400).
	MaxTokens  int
	HTTPClient *http.Client
	Logger     *slog.Logger
	// NoStream turns streaming off even when a partial callback is given.
	NoStream bool
	// Sleep waits between retries; tests replace it. Default: a timer
	// that gives up when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls the LLM. It is safe for concurrent use.
type Client struct {
	c    *openai.Client
	opts Options
	log  *slog.Logger
	ra   *retryAfterTransport
}

var _ bot.Completer = (*Client)(nil)

// New returns a client for opts.
func New(opts Options) (*Client, error) {
	if opts.Model == "" {
		return nil, errors.New("llm: no model configured (OPENAI_MODEL / llm.model)")
	}
	if opts.Temperature == 0 {
		opts.Temperature = 0.2
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	} else if opts.MaxRetries == 0 {
		opts.MaxRetries = 2
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 400
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	var cfg openai.ClientConfig
	if opts.Azure {
		cfg = openai.DefaultAzureConfig(opts.APIKey, opts.BaseURL)
		if opts.APIVersion != "" {
			cfg.APIVersion = opts.APIVersion
		}
	} else {
		cfg = openai.DefaultConfig(opts.APIKey)
		if opts.BaseURL != "" {
			cfg.BaseURL = strings.TrimRight(opts.BaseURL, "/")
		}
	}
	base := http.DefaultTransport
	if opts.HTTPClient != nil && opts.HTTPClient.Transport != nil {
		base = opts.HTTPClient.Transport
	}
	ra := &retryAfterTransport{base: base}
	hc := &http.Client{Transport: ra}
	cfg.HTTPClient = hc
	return &Client{c: openai.NewClientWithConfig(cfg), opts: opts, log: opts.Logger, ra: ra}, nil
}

// Model names the model answers come from.
func (c *Client) Model() string { return c.opts.Model }

// Complete asks for one chat completion. With partial set it streams and
// calls partial with the text so far after every chunk.
func (c *Client) Complete(ctx context.Context, req bot.CompletionRequest, partial func(string)) (bot.Completion, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	creq := openai.ChatCompletionRequest{
		Model:       c.opts.Model,
		Temperature: c.opts.Temperature,
		// max_tokens, not max_completion_tokens: the servers that speak
		// OpenAI's API (vLLM, llama.cpp, Ollama, LiteLLM) all take it.
		//lint:ignore SA1019 the compatible servers' common field
		MaxTokens: c.opts.MaxTokens,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: req.System},
			{Role: openai.ChatMessageRoleUser, Content: req.User},
		},
	}
	stream := partial != nil && !c.opts.NoStream
	var lastErr error
	for attempt := 0; attempt <= c.opts.MaxRetries; attempt++ {
		var comp bot.Completion
		var err error
		var retryAfter string
		if stream {
			comp, retryAfter, err = c.stream(ctx, creq, partial)
		} else {
			comp, retryAfter, err = c.once(ctx, creq)
		}
		if err == nil {
			c.log.Info("llm call", "model", comp.Model, "prompt_tokens", comp.PromptTokens,
				"completion_tokens", comp.CompletionTokens, "attempt", attempt+1)
			return comp, nil
		}
		lastErr = err
		status := statusOf(err)
		switch {
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return bot.Completion{}, fmt.Errorf("%w: HTTP %d from %s", ErrAuth, status, c.where())
		case ctx.Err() != nil:
			return bot.Completion{}, fmt.Errorf("%w: chat completion at %s: %w", ErrUnavailable, c.where(), ctx.Err())
		case status == http.StatusTooManyRequests || status >= 500:
			if attempt == c.opts.MaxRetries {
				break
			}
			wait := backoff(attempt, retryAfter)
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
				return bot.Completion{}, fmt.Errorf("%w: chat completion at %s: HTTP %d, and the retry wait of %s exceeds the timeout",
					ErrUnavailable, c.where(), status, wait)
			}
			c.log.Warn("llm call failed; retrying", "status", status, "wait", wait, "attempt", attempt+1)
			if err := c.opts.Sleep(ctx, wait); err != nil {
				return bot.Completion{}, fmt.Errorf("%w: chat completion at %s: %w", ErrUnavailable, c.where(), err)
			}
			continue
		default:
			return bot.Completion{}, fmt.Errorf("%w: chat completion at %s: %w", ErrUnavailable, c.where(), err)
		}
		break
	}
	return bot.Completion{}, fmt.Errorf("%w: chat completion at %s after %d attempts: %w", ErrUnavailable, c.where(),
		c.opts.MaxRetries+1, lastErr)
}

func (c *Client) where() string {
	if c.opts.BaseURL == "" {
		return "api.openai.com"
	}
	return c.opts.BaseURL
}

func (c *Client) once(ctx context.Context, creq openai.ChatCompletionRequest) (bot.Completion, string, error) {
	ctx, key := c.ra.track(ctx)
	resp, err := c.c.CreateChatCompletion(ctx, creq)
	if err != nil {
		return bot.Completion{}, c.ra.retryAfter(key), err
	}
	if len(resp.Choices) == 0 {
		return bot.Completion{}, "", errors.New("no choices in the response")
	}
	return bot.Completion{Text: resp.Choices[0].Message.Content, Model: orDefault(resp.Model, c.opts.Model),
		PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}, "", nil
}

func (c *Client) stream(ctx context.Context, creq openai.ChatCompletionRequest, partial func(string)) (bot.Completion, string, error) {
	creq.Stream = true
	creq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	ctx, key := c.ra.track(ctx)
	st, err := c.c.CreateChatCompletionStream(ctx, creq)
	if err != nil {
		return bot.Completion{}, c.ra.retryAfter(key), err
	}
	defer st.Close()
	var b strings.Builder
	comp := bot.Completion{Model: c.opts.Model}
	finished := false
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Anything but EOF is a failure, including "unexpected end of
			// JSON input" from an error sent after a keep-alive comment.
			return bot.Completion{}, "", fmt.Errorf("stream broken after %d bytes: %w", b.Len(), err)
		}
		if chunk.Model != "" {
			comp.Model = chunk.Model
		}
		if chunk.Usage != nil {
			comp.PromptTokens, comp.CompletionTokens = chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens
		}
		for _, ch := range chunk.Choices {
			if ch.Delta.Content != "" {
				b.WriteString(ch.Delta.Content)
				partial(b.String())
			}
			if ch.FinishReason != "" {
				finished = true
			}
		}
	}
	if !finished && b.Len() == 0 {
		return bot.Completion{}, "", errors.New("stream ended without an answer")
	}
	comp.Text = b.String()
	return comp, "", nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// statusOf extracts the HTTP status from a go-openai error.
func statusOf(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// backoff is the wait before retry attempt+1: the server's Retry-After if
// it gave one (capped at 30s), else 500ms doubling.
func backoff(attempt int, retryAfter string) time.Duration {
	if retryAfter != "" {
		if secs, err := strconv.ParseFloat(strings.TrimSpace(retryAfter), 64); err == nil && secs >= 0 {
			return min(time.Duration(secs*float64(time.Second)), 30*time.Second)
		}
		if t, err := http.ParseTime(retryAfter); err == nil {
			return min(max(time.Until(t), 0), 30*time.Second)
		}
	}
	return (500 * time.Millisecond) << attempt
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfterTransport remembers the Retry-After header of each call's
// response, which go-openai's errors do not expose.
type retryAfterTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
}

type callKey struct{}

type callID struct{ v string }

func (t *retryAfterTransport) track(ctx context.Context) (context.Context, *callID) {
	id := &callID{}
	return context.WithValue(ctx, callKey{}, id), id
}

func (t *retryAfterTransport) retryAfter(id *callID) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return id.v
}

func (t *retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		if id, ok := r.Context().Value(callKey{}).(*callID); ok {
			t.mu.Lock()
			id.v = resp.Header.Get("Retry-After")
			t.mu.Unlock()
		}
	}
	return resp, err
}
