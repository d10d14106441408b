// Package openaitest is an in-process fake of an OpenAI-compatible chat
// completions server for tests: scripted replies (plain or streamed as
// server-sent events), errors with Retry-After, hangs and broken streams,
// with every request recorded.
package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Request is one chat completion request the server received.
type Request struct {
	Path          string
	Authorization string
	APIKey        string // Azure's api-key header
	Model         string
	Stream        bool
	Messages      []Message
}

// Message is a chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Last returns the content of the request's last message.
func (r Request) Last() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[len(r.Messages)-1].Content
}

// Behaviour is what the server does with one request.
type Behaviour struct {
	// Text is the answer (streamed in chunks for stream requests).
	Text string
	// Status, if not 0, answers with this HTTP error instead.
	Status     int
	RetryAfter string
	// Hang waits until the client gives up.
	Hang bool
	// Cut streams Text, then a keep-alive comment, then a broken frame,
	// so the client sees the stream fail mid-way.
	Cut bool
	// Arrived, if set, is closed when the request arrives, and the answer
	// then waits until Release is closed (or the client gives up): tests
	// use the pair to act while an answer is in flight.
	Arrived chan struct{}
	Release chan struct{}
}

// Server is the fake. Create it with New.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	queue    []Behaviour
	fallback func(Request) Behaviour
	requests []Request
}

// New starts a fake server that is closed when the test ends. With an
// empty queue it answers "NOT IN STORY" unless SetDefault says otherwise.
func New(tb testing.TB) *Server {
	s := &Server{fallback: func(Request) Behaviour { return Behaviour{Text: "NOT IN STORY"} }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /openai/deployments/{deployment}/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[{"id":"fake-model","object":"model","owned_by":"storybot"}]}`)
	})
	s.srv = httptest.NewServer(mux)
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL to configure the client with, ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// RootURL is the server's root, for Azure-style configuration.
func (s *Server) RootURL() string { return s.srv.URL + "/" }

// Push queues behaviours, used one per request in order.
func (s *Server) Push(b ...Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, b...)
}

// Reply queues a successful answer.
func (s *Server) Reply(text string) { s.Push(Behaviour{Text: text}) }

// Error queues an HTTP error with an optional Retry-After header.
func (s *Server) Error(status int, retryAfter string) {
	s.Push(Behaviour{Status: status, RetryAfter: retryAfter})
}

// SetDefault decides what to do once the queue is empty.
func (s *Server) SetDefault(fn func(Request) Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = fn
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model    string    `json:"model"`
		Stream   bool      `json:"stream"`
		Messages []Message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	req := Request{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), APIKey: r.Header.Get("api-key"),
		Model: body.Model, Stream: body.Stream, Messages: body.Messages}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var b Behaviour
	if len(s.queue) > 0 {
		b, s.queue = s.queue[0], s.queue[1:]
	} else {
		b = s.fallback(req)
	}
	s.mu.Unlock()

	if b.Arrived != nil {
		close(b.Arrived)
	}
	if b.Release != nil {
		select {
		case <-b.Release:
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case b.Hang:
		<-r.Context().Done()
		return
	case b.Status != 0:
		if b.RetryAfter != "" {
			w.Header().Set("Retry-After", b.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(b.Status)
		fmt.Fprintf(w, `{"error":{"message":"fake error %d","type":"server_error","param":null,"code":null}}`, b.Status)
		return
	}
	if !body.Stream {
		w.Header().Set("Content-Type", "application/json")
		out, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": body.Model,
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": b.Text}, "finish_reason": "stop"}},
			"usage":   map[string]int{"prompt_tokens": words(req), "completion_tokens": len(strings.Fields(b.Text)), "total_tokens": words(req) + len(strings.Fields(b.Text))},
		})
		w.Write(out)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fl, _ := w.(http.Flusher)
	chunk := func(delta map[string]string, finish string) {
		var fr any
		if finish != "" {
			fr = finish
		}
		out, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": body.Model,
			"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": fr}},
		})
		fmt.Fprintf(w, "data: %s\n\n", out)
		if fl != nil {
			fl.Flush()
		}
	}
	fmt.Fprint(w, ": keep-alive\n\n")
	chunk(map[string]string{"role": "assistant", "content": ""}, "")
	for _, part := range splitChunks(b.Text) {
		chunk(map[string]string{"content": part}, "")
	}
	if b.Cut {
		fmt.Fprint(w, ": keep-alive\n\ndata: {\"error\":{\"message\":\"upstream crashed\",\"type\":\"server_error\"}}\n\n")
		if fl != nil {
			fl.Flush()
		}
		return
	}
	chunk(map[string]string{}, "stop")
	usage, _ := json.Marshal(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000,
		"model": body.Model, "choices": []any{},
		"usage": map[string]int{"prompt_tokens": words(req), "completion_tokens": len(strings.Fields(b.Text)), "total_tokens": words(req) + len(strings.Fields(b.Text))}})
	fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", usage)
	if fl != nil {
		fl.Flush()
	}
}

// splitChunks cuts text into word-sized pieces as a model streams them.
func splitChunks(text string) []string {
	var out []string
	for len(text) > 0 {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func words(r Request) int {
	n := 0
	for _, m := range r.Messages {
		n += len(strings.Fields(m.Content))
	}
	return n
}
