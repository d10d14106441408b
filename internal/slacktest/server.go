// Package slacktest is an in-process fake of the parts of Slack that
// storybot talks to: the Web API methods it calls (auth.test,
// apps.connections.open, chat.postMessage, chat.update (both kept for
// conversations.replies and conversations.history), the streaming
// chat.startStream/appendStream/stopStream and the assistant.threads.*
// methods of the assistant pane), response_url
// endpoints and a Socket Mode websocket. Tests push envelopes into the
// socket and read what the bot sent back from the recorders, so the real
// slack-go client is exercised end to end without reaching slack.com.
//
// Typical use with the storybot Slack adapter:
//
//	fake := slacktest.New(t)
//	a, _ := slack.New(h, slack.Options{BotToken: slacktest.BotToken,
//		AppToken: slacktest.AppToken, APIURL: fake.URL()})
//	go a.Run(ctx)
//	<-fake.Connections() // Socket Mode is up
//	fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> why?", fake.NextTS(), ""))
//	post := <-fake.Posts() // the threaded answer
//
// For HTTP mode, sign requests with NewSignedRequest and SigningSecret.
// Every message the bot sends is checked against Slack's Block Kit limits
// (CheckMessage); a violation fails the test.
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Credentials and identities the fake accepts and reports. Adapters under
// test are configured with these; any other token gets invalid_auth.
const (
	BotToken      = "xoxb-storybot-test"
	AppToken      = "xapp-storybot-test"
	SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	BotUserID     = "UBOT"
	BotID         = "BBOT"
	TeamID        = "T0001"
	AppID         = "A0001"
)

// PingInterval is how often the fake pings each Socket Mode connection.
// slack-go drops connections that stop receiving pings, so a fake without
// them would make the client reconnect in a loop.
const PingInterval = 200 * time.Millisecond

// recorderSize bounds every recorder channel; a test that lets more than
// this many calls pile up unread is told so instead of deadlocking.
const recorderSize = 256

// Message is a chat.postMessage or chat.update call as the fake received it.
type Message struct {
	Method   string // "chat.postMessage" or "chat.update"
	Channel  string
	Text     string
	ThreadTS string // thread_ts of a post; empty for top-level posts
	TS       string // for chat.postMessage the ts the fake assigned; for chat.update the ts updated
	Blocks   json.RawMessage
	// Metadata is the message metadata sent with the call, if any.
	Metadata json.RawMessage
	Form     url.Values
	At       time.Time
}

// BlockTexts returns every "text" string inside the message's blocks, in
// order, which is what a reader of the message sees.
func (m Message) BlockTexts() []string { return blockTexts(m.Blocks) }

// ButtonValue returns the value of the button with actionID in the
// message's actions blocks, which is what Slack sends back when it is
// clicked.
func (m Message) ButtonValue(actionID string) (string, bool) {
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &bs); err != nil {
		return "", false
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if b.Type == "actions" && e.ActionID == actionID {
				return e.Value, true
			}
		}
	}
	return "", false
}

// AllText returns the fallback text and every block text joined by
// newlines, for "does the message mention X" assertions.
func (m Message) AllText() string {
	return strings.Join(append([]string{m.Text}, m.BlockTexts()...), "\n")
}

// Response is a POST the bot made to a response_url.
type Response struct {
	Path            string
	ResponseType    string // "ephemeral" or "in_channel"
	Text            string
	Blocks          json.RawMessage
	ReplaceOriginal bool
	At              time.Time
}

// BlockTexts returns every "text" string inside the response's blocks.
func (r Response) BlockTexts() []string { return blockTexts(r.Blocks) }

// AllText returns the fallback text and every block text joined by newlines.
func (r Response) AllText() string {
	return strings.Join(append([]string{r.Text}, r.BlockTexts()...), "\n")
}

// Ack is a frame the client wrote on the Socket Mode websocket, normally
// the acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage
	At         time.Time
}

// frame is something queued for the next live Socket Mode connection.
type frame struct {
	data       []byte
	disconnect bool
}

// Server is a running fake Slack. Create it with New; it is closed when
// the test ends.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	toClient  chan frame
	posts     chan Message
	updates   chan Message
	limited   chan Message
	responses chan Response
	acks      chan Ack
	conns     chan int

	opens    atomic.Int32
	connNum  atomic.Int32
	seq      atomic.Int64
	postsN   atomic.Int32
	updatesN atomic.Int32

	unavailable atomic.Bool
	refused     chan string

	assistant chan AssistantCall
	streams   chan StreamCall
	failed    chan string

	mu         sync.Mutex
	rateLeft   int
	retryAfter time.Duration
	closing    bool
	failing    map[string]string  // method → error code, set by Fail
	open       map[string]*stream // streaming messages by ts
	stored     []stored           // messages posted, in order, for conversations.replies/history
	live       map[*websocket.Conn]struct{}
	wsDone     sync.WaitGroup
}

// New starts a fake Slack on 127.0.0.1 and registers its shutdown with
// t.Cleanup.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:         t,
		toClient:  make(chan frame, recorderSize),
		posts:     make(chan Message, recorderSize),
		updates:   make(chan Message, recorderSize),
		limited:   make(chan Message, recorderSize),
		responses: make(chan Response, recorderSize),
		acks:      make(chan Ack, recorderSize),
		conns:     make(chan int, recorderSize),
		live:      map[*websocket.Conn]struct{}{},

		refused: make(chan string, recorderSize),

		assistant: make(chan AssistantCall, recorderSize),
		streams:   make(chan StreamCall, recorderSize),
		failed:    make(chan string, recorderSize),
		failing:   map[string]string{},
		open:      map[string]*stream{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/auth.test", s.authTest)
	mux.HandleFunc("/api/apps.connections.open", s.connectionsOpen)
	mux.HandleFunc("/api/chat.postMessage", s.chatPostMessage)
	mux.HandleFunc("/api/chat.update", s.chatUpdate)
	mux.HandleFunc("/api/conversations.replies", s.conversationsReplies)
	mux.HandleFunc("/api/conversations.history", s.conversationsHistory)
	s.registerAssistant(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	})
	mux.HandleFunc("/response/", s.responseURL)
	mux.HandleFunc("/link/", s.serveWS)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if method, ok := strings.CutPrefix(r.URL.Path, "/api/"); ok {
			if s.unavailable.Load() {
				select {
				case s.refused <- method:
				default: // a client retrying for long; the test has seen enough
				}
				http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
				return
			}
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	s.closing = true
	for c := range s.live {
		// Closing the socket ends its read loop; the client sees a dropped
		// connection, which is what a server shutdown looks like.
		c.Close()
	}
	s.mu.Unlock()
	s.wsDone.Wait()
	s.srv.Close()
}

// URL is the Web API base to give the client (slack.OptionAPIURL or
// SLACK_API_URL); it ends in "/api/" because slack-go appends method names.
func (s *Server) URL() string { return s.srv.URL + "/api/" }

// BaseURL is the fake's root URL, for building other endpoints.
func (s *Server) BaseURL() string { return s.srv.URL }

// ResponseURL returns a fresh response_url on the fake; posts to it are
// recorded in Responses.
func (s *Server) ResponseURL() string {
	return fmt.Sprintf("%s/response/T0001/%d/hook", s.srv.URL, s.seq.Add(1))
}

// NextTS returns a new, increasing Slack timestamp ("1700000000.000042").
func (s *Server) NextTS() string {
	return fmt.Sprintf("1700000000.%06d", s.seq.Add(1))
}

// Unavailable makes every Web API call answer 503 Service Unavailable,
// as a Slack outage or a proxy that cannot reach Slack does, until the
// returned function is called.
func (s *Server) Unavailable() (restore func()) {
	s.unavailable.Store(true)
	return func() { s.unavailable.Store(false) }
}

// Refused delivers the method ("auth.test") of each Web API call answered
// 503 while Unavailable.
func (s *Server) Refused() <-chan string { return s.refused }

// Posts delivers every chat.postMessage the fake accepted.
func (s *Server) Posts() <-chan Message { return s.posts }

// Updates delivers every chat.update the fake accepted.
func (s *Server) Updates() <-chan Message { return s.updates }

// RateLimited delivers every chat.postMessage the fake answered with 429.
func (s *Server) RateLimited() <-chan Message { return s.limited }

// Responses delivers every POST to a response_url.
func (s *Server) Responses() <-chan Response { return s.responses }

// Acks delivers every frame clients wrote on Socket Mode connections.
func (s *Server) Acks() <-chan Ack { return s.acks }

// Connections delivers the number (1, 2, …) of each Socket Mode connection
// once the fake has said hello on it.
func (s *Server) Connections() <-chan int { return s.conns }

// Opens reports how many times apps.connections.open succeeded.
func (s *Server) Opens() int { return int(s.opens.Load()) }

// PostCount reports how many chat.postMessage calls were accepted so far.
func (s *Server) PostCount() int { return int(s.postsN.Load()) }

// UpdateCount reports how many chat.update calls were accepted so far.
func (s *Server) UpdateCount() int { return int(s.updatesN.Load()) }

// RateLimitNext makes the next n chat.postMessage calls fail with HTTP 429
// and a Retry-After header of retryAfter, rounded up to whole seconds as
// Slack sends it.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLeft = n
	s.retryAfter = retryAfter
}

func (s *Server) takeRateLimit() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLeft <= 0 {
		return 0, false
	}
	s.rateLeft--
	return s.retryAfter, true
}

func record[T any](s *Server, ch chan T, v T, what string) {
	select {
	case ch <- v:
	default:
		s.t.Errorf("slacktest: %s recorder full (%d unread); read it in the test", what, cap(ch))
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// botAuthorized accepts the bot token from the form (how slack-go sends
// it) or from an Authorization header.
func botAuthorized(r *http.Request) bool {
	return r.PostForm.Get("token") == BotToken || r.Header.Get("Authorization") == "Bearer "+BotToken
}

func (s *Server) authTest(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	writeJSON(w, map[string]any{"ok": true, "url": "https://storybot-fake.slack.com/", "team": "Fake Team",
		"user": "storybot", "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
}

func (s *Server) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+AppToken {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	n := s.opens.Add(1)
	ws := "ws" + strings.TrimPrefix(s.srv.URL, "http") + fmt.Sprintf("/link/?ticket=t%d&app_id=%s", n, AppID)
	writeJSON(w, map[string]any{"ok": true, "url": ws})
}

func (s *Server) chatPostMessage(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if s.refuse(w, "chat.postMessage") {
		return
	}
	m := Message{Method: "chat.postMessage", Channel: r.PostForm.Get("channel"), Text: r.PostForm.Get("text"),
		ThreadTS: r.PostForm.Get("thread_ts"), Blocks: rawBlocks(r.PostForm.Get("blocks")),
		Metadata: rawBlocks(r.PostForm.Get("metadata")), Form: r.PostForm, At: time.Now()}
	if after, limited := s.takeRateLimit(); limited {
		record(s, s.limited, m, "rate-limited")
		secs := int((after + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
		return
	}
	if m.Channel == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	if err := CheckMessage(m.Text, m.Blocks); err != nil {
		s.t.Errorf("slacktest: chat.postMessage Slack would reject: %v", err)
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_blocks"})
		return
	}
	m.TS = s.NextTS()
	s.store(m)
	s.postsN.Add(1)
	record(s, s.posts, m, "chat.postMessage")
	msg := map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "user": BotUserID, "bot_id": BotID}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	writeJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "message": msg})
}

func (s *Server) chatUpdate(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	m := Message{Method: "chat.update", Channel: r.PostForm.Get("channel"), Text: r.PostForm.Get("text"),
		TS: r.PostForm.Get("ts"), Blocks: rawBlocks(r.PostForm.Get("blocks")),
		Metadata: rawBlocks(r.PostForm.Get("metadata")), Form: r.PostForm, At: time.Now()}
	if m.Channel == "" || m.TS == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
		return
	}
	if err := CheckMessage(m.Text, m.Blocks); err != nil {
		s.t.Errorf("slacktest: chat.update Slack would reject: %v", err)
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_blocks"})
		return
	}
	s.updated(m)
	s.updatesN.Add(1)
	record(s, s.updates, m, "chat.update")
	writeJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text})
}

func (s *Server) responseURL(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if err := CheckMessage(body.Text, body.Blocks); err != nil {
		s.t.Errorf("slacktest: response_url post Slack would reject: %v", err)
		http.Error(w, "invalid_blocks", http.StatusBadRequest)
		return
	}
	record(s, s.responses, Response{Path: r.URL.Path, ResponseType: body.ResponseType, Text: body.Text,
		Blocks: body.Blocks, ReplaceOriginal: body.ReplaceOriginal, At: time.Now()}, "response_url")
	// slack-go parses the reply by content type; without it the call fails.
	writeJSON(w, map[string]any{"ok": true})
}

func rawBlocks(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// CheckMessage reports what Slack would reject in a message with this
// fallback text and blocks JSON: more than 50 blocks, sections over 3,000
// characters, empty texts, oversized button values and the like. The fake
// applies it to everything the bot sends, so a renderer that exceeds a
// limit fails its test instead of failing in production.
func CheckMessage(text string, blocks json.RawMessage) error {
	if len(text) > 40000 {
		return fmt.Errorf("text is %d bytes, over 40,000", len(text))
	}
	if len(blocks) == 0 || string(blocks) == "null" {
		if text == "" {
			return fmt.Errorf("neither text nor blocks")
		}
		return nil
	}
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		return fmt.Errorf("blocks are not a JSON array of objects: %w", err)
	}
	if len(bs) > 50 {
		return fmt.Errorf("%d blocks, over 50", len(bs))
	}
	ids := map[string]bool{}
	for i, b := range bs {
		if id, _ := b["block_id"].(string); id != "" {
			if ids[id] {
				return fmt.Errorf("block %d: duplicate block_id %q", i, id)
			}
			ids[id] = true
		}
		switch b["type"] {
		case "section":
			t, _ := b["text"].(map[string]any)
			txt, _ := t["text"].(string)
			if txt == "" {
				return fmt.Errorf("block %d: section without text", i)
			}
			if n := len([]rune(txt)); n > 3000 {
				return fmt.Errorf("block %d: section text is %d characters, over 3,000", i, n)
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				return fmt.Errorf("block %d: context with %d elements (1–10 allowed)", i, len(els))
			}
			for _, e := range els {
				em, _ := e.(map[string]any)
				if txt, _ := em["text"].(string); txt == "" || len([]rune(txt)) > 3000 {
					return fmt.Errorf("block %d: context element text empty or over 3,000 characters", i)
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				return fmt.Errorf("block %d: actions with %d elements (1–25 allowed)", i, len(els))
			}
			for _, e := range els {
				em, _ := e.(map[string]any)
				if v, _ := em["value"].(string); len([]rune(v)) > 2000 {
					return fmt.Errorf("block %d: button value over 2,000 characters", i)
				}
				if id, _ := em["action_id"].(string); len(id) > 255 {
					return fmt.Errorf("block %d: action_id over 255 characters", i)
				}
			}
		case "card":
			if err := checkCard(b); err != nil {
				return fmt.Errorf("block %d: %w", i, err)
			}
		case "carousel":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				return fmt.Errorf("block %d: carousel with %d cards (1–10 allowed)", i, len(els))
			}
			for j, e := range els {
				em, _ := e.(map[string]any)
				if em["type"] != "card" {
					return fmt.Errorf("block %d: carousel element %d is %v, not a card", i, j, em["type"])
				}
				if err := checkCard(em); err != nil {
					return fmt.Errorf("block %d card %d: %w", i, j, err)
				}
			}
		case "context_actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 5 {
				return fmt.Errorf("block %d: context_actions with %d elements (1–5 allowed)", i, len(els))
			}
			for _, e := range els {
				em, _ := e.(map[string]any)
				switch em["type"] {
				case "feedback_buttons":
					for _, k := range []string{"positive_button", "negative_button"} {
						btn, _ := em[k].(map[string]any)
						if v, _ := btn["value"].(string); v == "" || len([]rune(v)) > 2000 {
							return fmt.Errorf("block %d: feedback %s value empty or over 2,000 characters", i, k)
						}
					}
				case "icon_button":
				default:
					return fmt.Errorf("block %d: context_actions element %v", i, em["type"])
				}
			}
		case "header":
			t, _ := b["text"].(map[string]any)
			if txt, _ := t["text"].(string); txt == "" || len([]rune(txt)) > 150 {
				return fmt.Errorf("block %d: header text empty or over 150 characters", i)
			}
		}
	}
	return nil
}

// checkCard applies a card block's limits: a title, and texts within
// their lengths.
func checkCard(b map[string]any) error {
	title, _ := b["title"].(map[string]any)
	if t, _ := title["text"].(string); t == "" || len([]rune(t)) > 150 {
		return fmt.Errorf("card title empty or over 150 characters")
	}
	for _, k := range []string{"subtitle", "body", "subtext"} {
		if o, ok := b[k].(map[string]any); ok {
			if t, _ := o["text"].(string); t == "" || len([]rune(t)) > 3000 {
				return fmt.Errorf("card %s empty or over 3,000 characters", k)
			}
		}
	}
	return nil
}

func blockTexts(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			// Fixed key order so texts read top to bottom the way Slack
			// shows a block: its text, then fields, elements, accessory.
			for _, k := range []string{"title", "subtitle", "text", "body", "subtext", "fields", "elements", "accessory"} {
				if t, ok := x[k].(string); ok && k == "text" {
					out = append(out, t)
				} else if c, ok := x[k]; ok {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// serveWS is the Socket Mode websocket: hello, pings, queued envelopes out,
// acknowledgements in.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wsDone.Add(1)
	s.mu.Unlock()
	defer s.wsDone.Done()

	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.t.Logf("slacktest: websocket upgrade: %v", err)
		return
	}
	s.mu.Lock()
	s.live[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.live, c)
		s.mu.Unlock()
		c.Close()
	}()

	var wmu sync.Mutex
	write := func(kind int, data []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		return c.WriteMessage(kind, data)
	}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "num_connections": 1,
		"debug_info":      map[string]any{"host": "slacktest", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID}})
	if write(websocket.TextMessage, hello) != nil {
		return
	}
	record(s, s.conns, int(s.connNum.Add(1)), "connections")

	done := make(chan struct{})
	var bg sync.WaitGroup
	defer bg.Wait()
	defer close(done)
	bg.Go(func() {
		tk := time.NewTicker(PingInterval)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				wmu.Lock()
				_ = c.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
				wmu.Unlock()
			}
		}
	})
	bg.Go(func() {
		for {
			select {
			case <-done:
				return
			case f := <-s.toClient:
				if err := write(websocket.TextMessage, f.data); err != nil {
					s.t.Logf("slacktest: envelope lost on a dying connection: %v", err)
					return
				}
				if f.disconnect {
					// Slack stops sending on a connection it asked to close.
					return
				}
			}
		}
	})
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		_ = json.Unmarshal(data, &a)
		record(s, s.acks, Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, At: time.Now()}, "acks")
	}
}

// Send queues a Socket Mode frame for the current (or next) connection. A
// []byte or json.RawMessage is sent as is, so tests can send malformed
// frames; anything else is encoded as JSON.
func (s *Server) Send(envelope any) {
	var data []byte
	switch v := envelope.(type) {
	case []byte:
		data = v
	case json.RawMessage:
		data = v
	default:
		var err error
		if data, err = json.Marshal(v); err != nil {
			s.t.Fatalf("slacktest: encode envelope: %v", err)
		}
	}
	s.toClient <- frame{data: data}
}

func (s *Server) envelopeID() string { return fmt.Sprintf("env-%d", s.seq.Add(1)) }

// SendEvent sends an events_api envelope carrying event (see Mention,
// DirectMessage, ChannelMessage) as delivery eventID, and returns the
// envelope id the client must acknowledge.
func (s *Server) SendEvent(eventID string, event map[string]any) string {
	return s.SendEventRetry(eventID, event, 0)
}

// SendEventRetry is SendEvent for Slack's redelivery number attempt of the
// same event (same event_id, new envelope).
func (s *Server) SendEventRetry(eventID string, event map[string]any, attempt int) string {
	id := s.envelopeID()
	reason := ""
	if attempt > 0 {
		reason = "timeout"
	}
	s.Send(map[string]any{"envelope_id": id, "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": attempt, "retry_reason": reason, "payload": EventCallback(eventID, event)})
	return id
}

// SendSlashCommand sends a slash_commands envelope and returns its id.
func (s *Server) SendSlashCommand(cmd SlashCommand) string {
	id := s.envelopeID()
	s.Send(map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true,
		"payload": cmd.Payload()})
	return id
}

// SendBlockAction sends an interactive envelope for a button click and
// returns its id.
func (s *Server) SendBlockAction(a BlockAction) string {
	id := s.envelopeID()
	s.Send(map[string]any{"envelope_id": id, "type": "interactive", "accepts_response_payload": false,
		"payload": a.Payload()})
	return id
}

// SendDisconnect asks the connected client to reconnect, as Slack does
// before it recycles a connection.
func (s *Server) SendDisconnect(reason string) {
	data, _ := json.Marshal(map[string]any{"type": "disconnect", "reason": reason,
		"debug_info": map[string]any{"host": "slacktest"}})
	s.toClient <- frame{data: data, disconnect: true}
}

// Mention is an app_mention event; threadTS is empty for a top-level
// message.
func Mention(channel, user, text, ts, threadTS string) map[string]any {
	e := map[string]any{"type": "app_mention", "user": user, "text": text, "ts": ts,
		"channel": channel, "event_ts": ts}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

// DirectMessage is a message.im event.
func DirectMessage(channel, user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": user, "text": text,
		"ts": ts, "channel": channel, "event_ts": ts}
}

// ChannelMessage is a message.channels event; threadTS is empty for a
// top-level message.
func ChannelMessage(channel, user, text, ts, threadTS string) map[string]any {
	e := map[string]any{"type": "message", "channel_type": "channel", "user": user, "text": text,
		"ts": ts, "channel": channel, "event_ts": ts}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

// EventCallback wraps an inner event in the event_callback body Slack
// posts to the Events API (and carries in events_api envelopes).
func EventCallback(eventID string, event map[string]any) map[string]any {
	return map[string]any{"token": "legacy-verification-token", "team_id": TeamID, "api_app_id": AppID,
		"type": "event_callback", "event_id": eventID, "event_time": 1700000000, "event": event,
		"authorizations": []any{map[string]any{"team_id": TeamID, "user_id": BotUserID, "is_bot": true}}}
}

// URLVerification is the body Slack posts when an Events API URL is saved.
func URLVerification(challenge string) map[string]any {
	return map[string]any{"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
}

// SlashCommand is a slash command invocation.
type SlashCommand struct {
	Command     string // "/ask"
	Text        string
	ChannelID   string
	ChannelName string // "directmessage" when typed in a DM
	UserID      string
	ResponseURL string
	TriggerID   string
}

// NewSlashCommand returns command with text typed by user U0001 in channel
// C0001, answerable through a fresh response_url on s.
func (s *Server) NewSlashCommand(command, text string) SlashCommand {
	return SlashCommand{Command: command, Text: text, ChannelID: "C0001", ChannelName: "general",
		UserID: "U0001", ResponseURL: s.ResponseURL(), TriggerID: fmt.Sprintf("trig-%d", s.seq.Add(1))}
}

// Payload is the command as a Socket Mode envelope carries it.
func (c SlashCommand) Payload() map[string]any {
	p := map[string]any{}
	for k, v := range c.Form() {
		p[k] = v[0]
	}
	return p
}

// Form is the command as Slack posts it to an HTTP slash-command URL.
func (c SlashCommand) Form() url.Values {
	return url.Values{"token": {"legacy-verification-token"}, "team_id": {TeamID}, "team_domain": {"fake"},
		"channel_id": {c.ChannelID}, "channel_name": {c.ChannelName}, "user_id": {c.UserID},
		"user_name": {"alice"}, "command": {c.Command}, "text": {c.Text}, "api_app_id": {AppID},
		"response_url": {c.ResponseURL}, "trigger_id": {c.TriggerID}}
}

// BlockAction is a click on a button in a message the bot posted.
type BlockAction struct {
	// Type is the element clicked: "button" (the default) or
	// "feedback_buttons" (Slack's native 👍/👎 in a context_actions block).
	Type        string
	ChannelID   string
	UserID      string
	MessageTS   string
	BlockID     string
	ActionID    string
	Value       string
	ResponseURL string
}

// Payload is the block_actions interaction payload.
func (a BlockAction) Payload() map[string]any {
	kind := a.Type
	if kind == "" {
		kind = "button"
	}
	return map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": TeamID, "domain": "fake"},
		"user":         map[string]any{"id": a.UserID, "username": "alice", "team_id": TeamID},
		"api_app_id":   AppID,
		"token":        "legacy-verification-token",
		"trigger_id":   "trig-action",
		"channel":      map[string]any{"id": a.ChannelID, "name": "general"},
		"container":    map[string]any{"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID},
		"message":      map[string]any{"type": "message", "ts": a.MessageTS, "user": BotUserID, "bot_id": BotID},
		"response_url": a.ResponseURL,
		"actions": []any{map[string]any{"type": kind, "block_id": a.BlockID, "action_id": a.ActionID,
			"value": a.Value, "action_ts": "1700000001.000001", "text": map[string]any{"type": "plain_text", "text": "x"}}},
	}
}

// Form is the interaction as Slack posts it to an HTTP interactivity URL.
func (a BlockAction) Form() url.Values {
	p, _ := json.Marshal(a.Payload())
	return url.Values{"payload": {string(p)}}
}

// ReadBody reads and closes an HTTP response body, for assertions.
func ReadBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response body: %v", err)
	}
	return string(b)
}
