package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AssistantCall is an assistant.threads.* call as the fake received it.
type AssistantCall struct {
	Method   string // "assistant.threads.setStatus", "…setSuggestedPrompts", "…setTitle"
	Channel  string
	ThreadTS string
	Status   string   // setStatus; "" clears the status
	Title    string   // setTitle, or the heading of setSuggestedPrompts
	Prompts  []Prompt // setSuggestedPrompts
	Form     url.Values
	At       time.Time
}

// Prompt is one suggested prompt as setSuggestedPrompts carries it.
type Prompt struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

// Chunk is one element of a streaming call's chunks, decoded.
type Chunk struct {
	Type    string          `json:"type"` // markdown_text, task_update, plan_update, blocks
	Text    string          `json:"text"`
	ID      string          `json:"id"`
	Title   string          `json:"title"`
	Status  string          `json:"status"`
	Details string          `json:"details"`
	Output  string          `json:"output"`
	Blocks  json.RawMessage `json:"blocks"`
}

// StreamCall is a chat.startStream, chat.appendStream or chat.stopStream
// call as the fake received it.
type StreamCall struct {
	Method   string // "chat.startStream", "chat.appendStream", "chat.stopStream"
	Channel  string
	ThreadTS string // startStream's thread_ts
	TS       string // the stream's ts: assigned by startStream, given to the others
	// Markdown is the markdown_text parameter, when set.
	Markdown string
	Chunks   []Chunk
	// Blocks is stopStream's blocks parameter.
	Blocks json.RawMessage
	Form   url.Values
	At     time.Time
}

// BlockTexts returns every "text" string inside the call's blocks and
// blocks chunks.
func (c StreamCall) BlockTexts() []string {
	out := blockTexts(c.Blocks)
	for _, ch := range c.Chunks {
		out = append(out, blockTexts(ch.Blocks)...)
	}
	return out
}

// Text is the markdown the call adds to the message: its markdown_text
// and its markdown_text chunks, in order.
func (c StreamCall) Text() string {
	var b strings.Builder
	b.WriteString(c.Markdown)
	for _, ch := range c.Chunks {
		if ch.Type == "markdown_text" {
			b.WriteString(ch.Text)
		}
	}
	return b.String()
}

// Tasks returns the call's task_update chunks.
func (c StreamCall) Tasks() []Chunk {
	var out []Chunk
	for _, ch := range c.Chunks {
		if ch.Type == "task_update" {
			out = append(out, ch)
		}
	}
	return out
}

// stream is an open or stopped streaming message.
type stream struct {
	channel string
	stopped bool
}

// Assistant delivers every assistant.threads.* call the fake accepted.
func (s *Server) Assistant() <-chan AssistantCall { return s.assistant }

// Streams delivers every chat.startStream, appendStream and stopStream
// call the fake accepted.
func (s *Server) Streams() <-chan StreamCall { return s.streams }

// Fail makes every later call of method ("chat.startStream") answer
// {"ok": false, "error": code}, as Slack does for a workspace or token
// that may not use it (not_allowed_token_type, feature_not_enabled, …).
// An empty code makes the method work again.
func (s *Server) Fail(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.failing, method)
		return
	}
	s.failing[method] = code
}

// Failed delivers the method of each call answered with an error set by
// Fail.
func (s *Server) Failed() <-chan string { return s.failed }

func (s *Server) failure(method string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, ok := s.failing[method]
	return code, ok
}

// refuse answers a call failing by Fail; it reports whether it did.
func (s *Server) refuse(w http.ResponseWriter, method string) bool {
	code, ok := s.failure(method)
	if !ok {
		return false
	}
	record(s, s.failed, method, "failed")
	writeJSON(w, map[string]any{"ok": false, "error": code})
	return true
}

func (s *Server) registerAssistant(mux *http.ServeMux) {
	for _, m := range []string{"assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts", "assistant.threads.setTitle"} {
		mux.HandleFunc("/api/"+m, func(w http.ResponseWriter, r *http.Request) { s.assistantThreads(w, r, m) })
	}
	for _, m := range []string{"chat.startStream", "chat.appendStream", "chat.stopStream"} {
		mux.HandleFunc("/api/"+m, func(w http.ResponseWriter, r *http.Request) { s.chatStream(w, r, m) })
	}
}

func (s *Server) assistantThreads(w http.ResponseWriter, r *http.Request, method string) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if s.refuse(w, method) {
		return
	}
	c := AssistantCall{Method: method, Channel: r.PostForm.Get("channel_id"), ThreadTS: r.PostForm.Get("thread_ts"),
		Status: r.PostForm.Get("status"), Title: r.PostForm.Get("title"), Form: r.PostForm, At: time.Now()}
	if c.Channel == "" || c.ThreadTS == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	switch method {
	case "assistant.threads.setSuggestedPrompts":
		if err := json.Unmarshal([]byte(r.PostForm.Get("prompts")), &c.Prompts); err != nil || len(c.Prompts) == 0 || len(c.Prompts) > 4 {
			s.t.Errorf("slacktest: setSuggestedPrompts Slack would reject: %d prompts (1–4 allowed), %v", len(c.Prompts), err)
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		for _, p := range c.Prompts {
			if p.Title == "" || p.Message == "" {
				s.t.Errorf("slacktest: setSuggestedPrompts with an empty title or message: %+v", p)
			}
		}
	case "assistant.threads.setTitle":
		if c.Title == "" {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
	}
	record(s, s.assistant, c, method)
	writeJSON(w, map[string]any{"ok": true})
}

func (s *Server) chatStream(w http.ResponseWriter, r *http.Request, method string) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if s.refuse(w, method) {
		return
	}
	c := StreamCall{Method: method, Channel: r.PostForm.Get("channel"), ThreadTS: r.PostForm.Get("thread_ts"),
		TS: r.PostForm.Get("ts"), Markdown: r.PostForm.Get("markdown_text"),
		Blocks: rawBlocks(r.PostForm.Get("blocks")), Form: r.PostForm, At: time.Now()}
	if raw := r.PostForm.Get("chunks"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &c.Chunks); err != nil {
			s.t.Errorf("slacktest: %s chunks are not a JSON array: %v", method, err)
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_chunks"})
			return
		}
	}
	if err := checkStreamCall(c); err != nil {
		s.t.Errorf("slacktest: %s Slack would reject: %v", method, err)
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	if c.Channel == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	s.mu.Lock()
	switch method {
	case "chat.startStream":
		if c.ThreadTS == "" {
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		c.TS = s.NextTS()
		s.open[c.TS] = &stream{channel: c.Channel}
	default:
		st, ok := s.open[c.TS]
		switch {
		case !ok || st.channel != c.Channel:
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
			return
		case st.stopped:
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": false, "error": "message_not_in_streaming_state"})
			return
		}
		if method == "chat.stopStream" {
			st.stopped = true
		}
	}
	s.mu.Unlock()
	record(s, s.streams, c, method)
	writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS})
}

// checkStreamCall applies Slack's limits to a streaming call: a known
// chunk type, a task with an id and a title, blocks Block Kit accepts.
func checkStreamCall(c StreamCall) error {
	for i, ch := range c.Chunks {
		switch ch.Type {
		case "markdown_text":
			if ch.Text == "" {
				return fmt.Errorf("chunk %d: empty markdown_text", i)
			}
			if n := len([]rune(ch.Text)); n > 12000 {
				return fmt.Errorf("chunk %d: markdown_text of %d characters, over 12,000", i, n)
			}
		case "task_update":
			if ch.ID == "" || ch.Title == "" {
				return fmt.Errorf("chunk %d: task_update without an id or a title", i)
			}
			switch ch.Status {
			case "", "pending", "in_progress", "complete", "error":
			default:
				return fmt.Errorf("chunk %d: task_update status %q", i, ch.Status)
			}
		case "plan_update":
		case "blocks":
			if err := CheckMessage("x", ch.Blocks); err != nil {
				return fmt.Errorf("chunk %d: %w", i, err)
			}
		default:
			return fmt.Errorf("chunk %d: unknown type %q", i, ch.Type)
		}
	}
	if len(c.Blocks) > 0 {
		if err := CheckMessage("x", c.Blocks); err != nil {
			return err
		}
	}
	return nil
}

// AssistantThreadStarted is an assistant_thread_started event: user opened
// the assistant pane, which is thread threadTS of DM channel, while viewing
// contextChannel ("" when none).
func AssistantThreadStarted(channel, user, threadTS, contextChannel string) map[string]any {
	return map[string]any{"type": "assistant_thread_started", "event_ts": threadTS,
		"assistant_thread": assistantThread(channel, user, threadTS, contextChannel)}
}

// AssistantThreadContextChanged is an assistant_thread_context_changed
// event: the user of the assistant thread moved to contextChannel.
func AssistantThreadContextChanged(channel, user, threadTS, contextChannel string) map[string]any {
	return map[string]any{"type": "assistant_thread_context_changed", "event_ts": threadTS,
		"assistant_thread": assistantThread(channel, user, threadTS, contextChannel)}
}

func assistantThread(channel, user, threadTS, contextChannel string) map[string]any {
	ctx := map[string]any{}
	if contextChannel != "" {
		ctx = map[string]any{"channel_id": contextChannel, "team_id": TeamID, "enterprise_id": ""}
	}
	return map[string]any{"user_id": user, "channel_id": channel, "thread_ts": threadTS, "context": ctx}
}

// AssistantMessage is a message.im event in an assistant thread: what a
// user types in the assistant pane.
func AssistantMessage(channel, user, text, ts, threadTS string) map[string]any {
	e := DirectMessage(channel, user, text, ts)
	e["thread_ts"] = threadTS
	return e
}

// FeedbackValue returns the value of the positive (or negative) button of
// the feedback_buttons element with actionID in the message's
// context_actions blocks: what Slack sends back when it is clicked.
func (m Message) FeedbackValue(actionID string, positive bool) (string, bool) {
	return feedbackValue(m.Blocks, actionID, positive)
}

// FeedbackValue is Message.FeedbackValue for the blocks a stream stopped with.
func (c StreamCall) FeedbackValue(actionID string, positive bool) (string, bool) {
	return feedbackValue(c.Blocks, actionID, positive)
}

func feedbackValue(blocks json.RawMessage, actionID string, positive bool) (string, bool) {
	type button struct {
		Value string `json:"value"`
	}
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Positive button `json:"positive_button"`
			Negative button `json:"negative_button"`
		} `json:"elements"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return "", false
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if b.Type == "context_actions" && e.Type == "feedback_buttons" && e.ActionID == actionID {
				if positive {
					return e.Positive.Value, true
				}
				return e.Negative.Value, true
			}
		}
	}
	return "", false
}
