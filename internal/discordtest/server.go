// Package discordtest is an in-process fake of the parts of Discord that
// storybot talks to: the REST API calls it makes (gateway discovery,
// channel messages, interaction callbacks, webhook edits and follow-ups,
// application command bulk overwrites) and the gateway websocket (HELLO,
// IDENTIFY, READY, heartbeats, RESUME, dispatches). Tests push gateway
// events in and read what the bot sent back from the recorders, so the
// real discordgo client is exercised end to end without reaching
// discord.com.
//
// Typical use with the storybot Discord adapter:
//
//	fake := discordtest.New(t)
//	a, _ := discord.New(h, discord.Options{Token: discordtest.Token,
//		AppID: discordtest.AppID, APIURL: fake.URL()})
//	go a.Run(ctx)
//	<-fake.Connections() // READY was sent
//	fake.SendMessage(discordtest.Mention("why was the meeting put on hold?"))
//	reply := <-fake.Messages() // the answer, as a reply to that message
//
// Code that uses discordgo directly can instead set session.Client to
// fake.HTTPClient(). Everything the bot sends is checked against
// Discord's message limits and must carry allowed_mentions with
// "parse": [] (CheckMessage); a violation fails the test.
package discordtest

import (
	"bytes"
	"compress/zlib"
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
// test are configured with these; any other token is refused.
const (
	Token       = "storybot-discord-test-token"
	BotUserID   = "100000000000000001"
	BotName     = "storybot"
	AppID       = "100000000000000002"
	GuildID     = "100000000000000003"
	ChannelID   = "100000000000000004"
	DMChannelID = "100000000000000005"
	ThreadID    = "100000000000000006"
	UserID      = "100000000000000007"
	SessionID   = "fake-session-1"
)

// Gateway close codes the fake can send.
const (
	CloseAuthenticationFailed = 4004
	CloseDisallowedIntents    = 4014
	CloseInvalidShard         = 4010
)

// IntentMessageContent is the privileged intent bit Discord refuses with
// close code 4014 unless it is switched on in the developer portal.
const IntentMessageContent = 1 << 15

// DefaultHeartbeatInterval is the heartbeat interval the fake announces in
// HELLO. discordgo sends one heartbeat at once, so tests see heartbeats
// without waiting this long.
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// recorderSize bounds every recorder channel; a test that lets more than
// this many calls pile up unread is told so instead of deadlocking.
const recorderSize = 256

// Identify is an op 2 IDENTIFY the fake received.
type Identify struct {
	Token   string
	Intents int
	// Shard is the [shard_id, num_shards] pair the client asked for; nil
	// when it sent none (one shard).
	Shard []int
	Raw   json.RawMessage
}

// Resume is an op 6 RESUME the fake received.
type Resume struct {
	Token     string
	SessionID string
	Seq       int64
}

// CommandOverwrite is a bulk overwrite of the application's commands.
type CommandOverwrite struct {
	// GuildID is set for guild-scoped commands, empty for global ones.
	GuildID  string
	Commands []Command
}

// Command is one application command as registered.
type Command struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Type        int             `json:"type"`
	Options     []CommandOption `json:"options"`
}

// CommandOption is one option of a registered command.
type CommandOption struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	Type         int    `json:"type"`
	Required     bool   `json:"required"`
	Autocomplete bool   `json:"autocomplete"`
}

// Server is a running fake Discord. Create it with New; it is closed when
// the test ends.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	heartbeat time.Duration

	messages   chan Sent
	edits      chan Sent
	callbacks  chan Sent
	webhooks   chan Sent
	followups  chan Sent
	limited    chan Sent
	commands   chan CommandOverwrite
	identifies chan Identify
	resumes    chan Resume
	conns      chan int
	typing     chan string // channel ids: typing.go

	seq        atomic.Int64 // gateway sequence
	ids        atomic.Int64 // snowflakes
	connNum    atomic.Int32
	heartbeats atomic.Int32
	overwrites atomic.Int32
	gateways   atomic.Int32

	mu           sync.Mutex
	queue        [][]byte // dispatches waiting for a live connection
	wake         chan struct{}
	rateLeft     int
	retryAfter   time.Duration
	noContent    bool          // the MessageContent intent is switched off in the "portal"
	readyGate    chan struct{} // READY waits for it to close; nil sends at once
	closing      bool
	live         map[*websocket.Conn]struct{}
	interactions map[string]*interactionState // by token
	wsDone       sync.WaitGroup
}

type interactionState struct {
	id        string
	responded bool
}

// ServerOption configures a Server.
type ServerOption func(*Server)

// WithHeartbeatInterval sets the interval announced in HELLO.
func WithHeartbeatInterval(d time.Duration) ServerOption {
	return func(s *Server) { s.heartbeat = d }
}

// New starts a fake Discord on 127.0.0.1 and registers its shutdown with
// t.Cleanup.
func New(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s := &Server{
		t:            t,
		heartbeat:    DefaultHeartbeatInterval,
		messages:     make(chan Sent, recorderSize),
		edits:        make(chan Sent, recorderSize),
		callbacks:    make(chan Sent, recorderSize),
		webhooks:     make(chan Sent, recorderSize),
		followups:    make(chan Sent, recorderSize),
		limited:      make(chan Sent, recorderSize),
		commands:     make(chan CommandOverwrite, recorderSize),
		identifies:   make(chan Identify, recorderSize),
		resumes:      make(chan Resume, recorderSize),
		conns:        make(chan int, recorderSize),
		typing:       make(chan string, recorderSize),
		wake:         make(chan struct{}, 1),
		live:         map[*websocket.Conn]struct{}{},
		interactions: map[string]*interactionState{},
	}
	s.ids.Store(200000000000000000)
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", s.gateway)
	mux.HandleFunc("GET /api/v9/gateway/bot", s.gateway)
	mux.HandleFunc("GET /api/v9/users/@me", s.authed(s.me))
	mux.HandleFunc("POST /api/v9/channels/{channel}/messages", s.authed(s.createMessage))
	mux.HandleFunc("PATCH /api/v9/channels/{channel}/messages/{message}", s.authed(s.editMessage))
	mux.HandleFunc("POST /api/v9/channels/{channel}/typing", s.authed(s.triggerTyping))
	mux.HandleFunc("POST /api/v9/interactions/{id}/{token}/callback", s.callback)
	mux.HandleFunc("PATCH /api/v9/webhooks/{app}/{token}/messages/{message}", s.webhookEdit)
	mux.HandleFunc("POST /api/v9/webhooks/{app}/{token}", s.followup)
	mux.HandleFunc("PUT /api/v9/applications/{app}/commands", s.authed(s.overwrite))
	mux.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", s.authed(s.overwrite))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.t.Logf("discordtest: unhandled %s %s", r.Method, r.URL.Path)
		apiError(w, http.StatusNotFound, 0, "404: Not Found")
	})
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway) // discordgo adds a slash to the URL it is given
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	s.closing = true
	for c := range s.live {
		c.Close()
	}
	s.mu.Unlock()
	s.wsDone.Wait()
	s.srv.Close()
}

// URL is the fake's base URL, to use in place of https://discord.com (the
// adapter's APIURL option, DISCORD_API_URL).
func (s *Server) URL() string { return s.srv.URL }

// HTTPClient returns a client that sends every request for discord.com to
// the fake, for tests that drive discordgo themselves (session.Client).
func (s *Server) HTTPClient() *http.Client {
	target, _ := url.Parse(s.srv.URL)
	return &http.Client{Transport: rewrite{target}, Timeout: 10 * time.Second}
}

type rewrite struct{ target *url.URL }

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, rt.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// Messages delivers every channel message the bot created (POST
// /channels/{id}/messages), replies and digests alike.
func (s *Server) Messages() <-chan Sent { return s.messages }

// Edits delivers every channel message edit (PATCH /channels/{id}/messages/{id}).
func (s *Server) Edits() <-chan Sent { return s.edits }

// Callbacks delivers every interaction response made over REST (POST
// /interactions/{id}/{token}/callback).
func (s *Server) Callbacks() <-chan Sent { return s.callbacks }

// WebhookEdits delivers every edit of an interaction response or
// follow-up (PATCH /webhooks/{app}/{token}/messages/{id}); MessageID is
// "@original" for the original response.
func (s *Server) WebhookEdits() <-chan Sent { return s.webhooks }

// Followups delivers every interaction follow-up message (POST /webhooks/{app}/{token}).
func (s *Server) Followups() <-chan Sent { return s.followups }

// RateLimited delivers every message create the fake answered with 429.
func (s *Server) RateLimited() <-chan Sent { return s.limited }

// Commands delivers every application command bulk overwrite.
func (s *Server) Commands() <-chan CommandOverwrite { return s.commands }

// Identifies delivers every IDENTIFY received on the gateway.
func (s *Server) Identifies() <-chan Identify { return s.identifies }

// Resumes delivers every RESUME received on the gateway, once the fake
// has answered it with RESUMED.
func (s *Server) Resumes() <-chan Resume { return s.resumes }

// Connections delivers the number (1, 2, …) of each gateway connection
// once the fake has sent READY or RESUMED on it, so dispatches will be
// delivered.
func (s *Server) Connections() <-chan int { return s.conns }

// Heartbeats reports how many heartbeats the fake has acknowledged.
func (s *Server) Heartbeats() int { return int(s.heartbeats.Load()) }

// CommandOverwriteCount reports how many bulk overwrites were accepted.
func (s *Server) CommandOverwriteCount() int { return int(s.overwrites.Load()) }

// GatewayLookups reports how many times the gateway URL was asked for.
func (s *Server) GatewayLookups() int { return int(s.gateways.Load()) }

// RateLimitNext makes the next n message creates fail with HTTP 429 and a
// retry_after of retryAfter, as Discord's per-route buckets do.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLeft, s.retryAfter = n, retryAfter
}

// DisableMessageContentIntent makes the fake behave like an application
// whose privileged Message Content intent is off in the developer portal:
// an IDENTIFY asking for it is closed with 4014.
func (s *Server) DisableMessageContentIntent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noContent = true
}

// HoldReady makes the fake keep every IDENTIFY waiting for its READY until
// release is called, so a test can look at a bot that is not connected yet.
func (s *Server) HoldReady() (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.readyGate = gate
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.readyGate = nil
			s.mu.Unlock()
			close(gate)
		})
	}
}

// DropConnections closes every live gateway connection abruptly, as a
// network failure would; clients are expected to reconnect and RESUME.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.live {
		c.Close()
	}
}

// NewID returns a fresh snowflake.
func (s *Server) NewID() string { return fmt.Sprint(s.ids.Add(1)) }

func record[T any](s *Server, ch chan T, v T, what string) {
	select {
	case ch <- v:
	default:
		s.t.Errorf("discordtest: %s recorder full (%d unread); read it in the test", what, cap(ch))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError answers the way Discord's REST API reports errors.
func apiError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code})
}

func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bot "+Token {
			apiError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
			return
		}
		next(w, r)
	}
}

func (s *Server) wsURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway" }

func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	s.gateways.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{"url": s.wsURL(), "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
}

func botUser() map[string]any {
	return map[string]any{"id": BotUserID, "username": BotName, "discriminator": "0", "bot": true}
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, botUser())
}

// readSent reads a message-bearing request body and checks it; on failure
// it has answered and returns false.
func (s *Server) readSent(w http.ResponseWriter, r *http.Request, kind Kind, what string) (Sent, bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return Sent{}, false
	}
	m, err := parseSent(kind, raw)
	if err != nil {
		s.t.Errorf("discordtest: %s: %v", what, err)
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return Sent{}, false
	}
	m.Path = r.URL.Path
	if err := CheckMessage(raw); err != nil {
		s.t.Errorf("discordtest: %s Discord would reject or that could ping people: %v\nbody: %s", what, err, raw)
		apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return Sent{}, false
	}
	return m, true
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

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.readSent(w, r, KindMessage, "message create")
	if !ok {
		return
	}
	m.ChannelID = r.PathValue("channel")
	if after, limited := s.takeRateLimit(); limited {
		record(s, s.limited, m, "rate-limited")
		secs := after.Seconds()
		w.Header().Set("X-RateLimit-Limit", "5")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", secs))
		w.Header().Set("X-RateLimit-Bucket", "fake-bucket")
		w.Header().Set("Retry-After", fmt.Sprint(int(secs+0.999)))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.",
			"retry_after": secs, "global": false})
		return
	}
	m.MessageID = s.NewID()
	record(s, s.messages, m, "message create")
	writeJSON(w, http.StatusOK, s.messageObject(m))
}

func (s *Server) editMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.readSent(w, r, KindEdit, "message edit")
	if !ok {
		return
	}
	m.ChannelID, m.MessageID = r.PathValue("channel"), r.PathValue("message")
	record(s, s.edits, m, "message edit")
	writeJSON(w, http.StatusOK, s.messageObject(m))
}

// messageObject is the message Discord returns for a create or edit.
func (s *Server) messageObject(m Sent) map[string]any {
	o := map[string]any{"id": m.MessageID, "channel_id": m.ChannelID, "content": m.Content,
		"author": botUser(), "timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0,
		"flags": m.Flags, "mentions": []any{}, "attachments": []any{}}
	if len(m.EmbedsRaw) > 0 {
		o["embeds"] = m.EmbedsRaw
	}
	if len(m.ComponentsRaw) > 0 {
		o["components"] = m.ComponentsRaw
	}
	if m.Reference != nil {
		o["type"] = 19
		o["message_reference"] = m.Reference
	}
	return o
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	id, token := r.PathValue("id"), r.PathValue("token")
	m, ok := s.readSent(w, r, KindCallback, "interaction callback")
	if !ok {
		return
	}
	m.InteractionID, m.Token = id, token
	s.mu.Lock()
	st := s.interactions[token]
	bad := ""
	switch {
	case st == nil:
		bad = "unknown interaction"
	case st.id != id:
		bad = "interaction id does not match its token"
	case st.responded:
		bad = "interaction has already been acknowledged"
	default:
		st.responded = true
	}
	s.mu.Unlock()
	if bad != "" {
		s.t.Errorf("discordtest: callback for interaction %s: %s", id, bad)
		apiError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	record(s, s.callbacks, m, "interaction callback")
	w.WriteHeader(http.StatusNoContent)
}

// acknowledged reports whether an original response may be edited: the
// interaction was answered by callback, or it was not dispatched by this
// fake (HTTP-mode interactions are answered in the HTTP response).
func (s *Server) acknowledged(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[token]
	return st == nil || st.responded
}

func (s *Server) webhookEdit(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != AppID {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	m, ok := s.readSent(w, r, KindWebhookEdit, "webhook message edit")
	if !ok {
		return
	}
	m.Token, m.MessageID = r.PathValue("token"), r.PathValue("message")
	if m.MessageID == "@original" && !s.acknowledged(m.Token) {
		s.t.Errorf("discordtest: @original edited before the interaction was answered")
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	record(s, s.webhooks, m, "webhook message edit")
	writeJSON(w, http.StatusOK, s.messageObject(m))
}

func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != AppID {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	m, ok := s.readSent(w, r, KindFollowup, "follow-up message")
	if !ok {
		return
	}
	m.Token = r.PathValue("token")
	if !s.acknowledged(m.Token) {
		s.t.Errorf("discordtest: follow-up sent before the interaction was answered")
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	m.MessageID = s.NewID()
	record(s, s.followups, m, "follow-up message")
	writeJSON(w, http.StatusOK, s.messageObject(m))
}

func (s *Server) overwrite(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("app") != AppID {
		apiError(w, http.StatusForbidden, 50001, "Missing Access")
		return
	}
	var cmds []Command
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &cmds); err != nil {
		s.t.Errorf("discordtest: command overwrite is not a JSON array of commands: %v", err)
		apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	if err := checkCommands(cmds); err != nil {
		s.t.Errorf("discordtest: command overwrite Discord would reject: %v", err)
		apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	s.overwrites.Add(1)
	record(s, s.commands, CommandOverwrite{GuildID: r.PathValue("guild"), Commands: cmds}, "command overwrite")
	var out []map[string]any
	_ = json.Unmarshal(raw, &out)
	for i := range out {
		out[i]["id"] = s.NewID()
		out[i]["application_id"] = AppID
		out[i]["version"] = s.NewID()
		if g := r.PathValue("guild"); g != "" {
			out[i]["guild_id"] = g
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func checkCommands(cmds []Command) error {
	if len(cmds) > 100 {
		return fmt.Errorf("%d commands, over 100", len(cmds))
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		if c.Name == "" || len(c.Name) > 32 || strings.ToLower(c.Name) != c.Name {
			return fmt.Errorf("command name %q: 1–32 lower-case characters", c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("command %q twice", c.Name)
		}
		seen[c.Name] = true
		if c.Description == "" || len([]rune(c.Description)) > 100 {
			return fmt.Errorf("command %q: description must be 1–100 characters", c.Name)
		}
		for _, o := range c.Options {
			if o.Name == "" || o.Description == "" || len([]rune(o.Description)) > 100 {
				return fmt.Errorf("command %q option %q: name and a 1–100 character description needed", c.Name, o.Name)
			}
		}
	}
	return nil
}

// Dispatch queues a gateway dispatch (op 0) of event type t with data d for
// the current or next live connection. A []byte or json.RawMessage d is
// sent as is.
func (s *Server) Dispatch(t string, d any) {
	var data json.RawMessage
	switch v := d.(type) {
	case []byte:
		data = v
	case json.RawMessage:
		data = v
	default:
		var err error
		if data, err = json.Marshal(v); err != nil {
			s.t.Fatalf("discordtest: encode %s: %v", t, err)
		}
	}
	frame, _ := json.Marshal(map[string]any{"op": 0, "t": t, "d": data})
	s.enqueue(frame, false)
}

func (s *Server) enqueue(frame []byte, front bool) {
	s.mu.Lock()
	if front {
		s.queue = append([][]byte{frame}, s.queue...)
	} else {
		s.queue = append(s.queue, frame)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Server) dequeue() ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return nil, false
	}
	f := s.queue[0]
	s.queue = s.queue[1:]
	return f, true
}

// withSeq gives a queued dispatch frame its sequence number.
func (s *Server) withSeq(frame []byte) []byte {
	var m map[string]any
	_ = json.Unmarshal(frame, &m)
	m["s"] = s.seq.Add(1)
	out, _ := json.Marshal(m)
	return out
}

func zlibJSON(v any) []byte {
	j, _ := json.Marshal(v)
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	_, _ = zw.Write(j)
	_ = zw.Close()
	return b.Bytes()
}

// serveGateway is the gateway websocket: HELLO, IDENTIFY → READY or
// RESUME → RESUMED, heartbeats, then queued dispatches.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wsDone.Add(1)
	s.mu.Unlock()
	defer s.wsDone.Done()

	c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		s.t.Logf("discordtest: websocket upgrade: %v", err)
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
	sendJSON := func(v any) error {
		b, _ := json.Marshal(v)
		return write(websocket.TextMessage, b)
	}
	closeWith := func(code int, reason string) {
		wmu.Lock()
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		wmu.Unlock()
	}
	if sendJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.heartbeat.Milliseconds()}}) != nil {
		return
	}

	done := make(chan struct{})
	var bg sync.WaitGroup
	defer bg.Wait()
	defer close(done)
	pumping := false
	pump := func() {
		if pumping {
			return
		}
		pumping = true
		bg.Go(func() {
			for {
				frame, ok := s.dequeue()
				if !ok {
					select {
					case <-done:
						return
					case <-s.wake:
						continue
					}
				}
				if err := write(websocket.TextMessage, s.withSeq(frame)); err != nil {
					// The connection is dying; keep the event for the next one.
					s.enqueue(frame, true)
					return
				}
			}
		})
	}

	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &p) != nil {
			closeWith(4002, "Error while decoding payload.")
			return
		}
		switch p.Op {
		case 1:
			s.heartbeats.Add(1)
			if sendJSON(map[string]any{"op": 11}) != nil {
				return
			}
		case 2:
			var id struct {
				Token   string `json:"token"`
				Intents int    `json:"intents"`
				Shard   []int  `json:"shard"`
			}
			_ = json.Unmarshal(p.D, &id)
			record(s, s.identifies, Identify{Token: id.Token, Intents: id.Intents, Shard: id.Shard, Raw: p.D}, "identify")
			if id.Token != "Bot "+Token {
				closeWith(CloseAuthenticationFailed, "Authentication failed.")
				return
			}
			if id.Shard != nil && (len(id.Shard) != 2 || id.Shard[1] < 1 || id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1]) {
				closeWith(CloseInvalidShard, "Invalid shard.")
				return
			}
			s.mu.Lock()
			noContent, gate := s.noContent, s.readyGate
			s.mu.Unlock()
			if gate != nil {
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
			}
			if noContent && id.Intents&IntentMessageContent != 0 {
				closeWith(CloseDisallowedIntents, "Disallowed intent(s).")
				return
			}
			// READY as a zlib-compressed binary frame, as Discord sends it
			// to clients that asked for compression.
			ready := map[string]any{"op": 0, "t": "READY", "s": s.seq.Add(1), "d": map[string]any{
				"v": 9, "session_id": SessionID, "resume_gateway_url": s.wsURL(), "user": botUser(),
				"application": map[string]any{"id": AppID, "flags": 0},
				"guilds":      []any{map[string]any{"id": GuildID, "unavailable": true}}, "private_channels": []any{}}}
			if id.Shard != nil {
				ready["d"].(map[string]any)["shard"] = id.Shard
			}
			if write(websocket.BinaryMessage, zlibJSON(ready)) != nil {
				return
			}
			record(s, s.conns, int(s.connNum.Add(1)), "connections")
			pump()
		case 6:
			var rs struct {
				Token     string `json:"token"`
				SessionID string `json:"session_id"`
				Seq       int64  `json:"seq"`
			}
			_ = json.Unmarshal(p.D, &rs)
			if rs.Token != "Bot "+Token || rs.SessionID != SessionID {
				_ = sendJSON(map[string]any{"op": 9, "d": false})
				continue
			}
			if sendJSON(map[string]any{"op": 0, "t": "RESUMED", "s": s.seq.Add(1), "d": map[string]any{}}) != nil {
				return
			}
			record(s, s.resumes, Resume{Token: rs.Token, SessionID: rs.SessionID, Seq: rs.Seq}, "resume")
			record(s, s.conns, int(s.connNum.Add(1)), "connections")
			pump()
		}
	}
}
