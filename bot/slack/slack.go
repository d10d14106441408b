// Package slack connects storybot to Slack. It receives app mentions,
// direct messages, thread follow-ups, slash commands and button clicks
// over Socket Mode (the default: no public URL needed) or over HTTP (the
// Events API, slash-command and interactivity endpoints), turns them into
// bot.Messages for one bot handler, and renders the handler's bot.Replies
// as Block Kit messages.
//
// The handler owns answering, rate caps and refusals; this package owns
// only Slack: acknowledging within Slack's deadlines, answering each
// delivery once, threading, escaping, Block Kit limits and Slack's own
// rate limits.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

// Handler answers messages and records feedback; *bot.Handler is one.
type Handler interface {
	Handle(ctx context.Context, m bot.Message, w bot.ReplyWriter) error
	RecordFeedback(ctx context.Context, f bot.Feedback) error
}

// Options configure an Adapter. BotToken is always required; Socket Mode
// also needs AppToken, HTTP mode needs SigningSecret.
type Options struct {
	// BotToken is the bot user OAuth token (xoxb-…).
	BotToken string
	// AppToken is the app-level token (xapp-…) with connections:write,
	// used only in Socket Mode.
	AppToken string
	// SigningSecret verifies HTTP-mode requests; without it every HTTP
	// request is rejected.
	SigningSecret string
	// APIURL overrides the Web API base ("" means slack.com). A trailing
	// slash is added if missing, because the client appends method names.
	APIURL string
	// SocketMode selects Socket Mode. It is also chosen when AppToken is
	// set and SigningSecret is not, so a bot token plus an app token is
	// enough to run.
	SocketMode bool
	// Commands maps slash command names ("/ask") to bot commands ("ask");
	// nil means DefaultCommands.
	Commands map[string]string
	// Ephemeral makes slash-command replies visible only to the person who
	// typed the command.
	Ephemeral bool
	// Logger receives the adapter's logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient is used for every Slack call; nil means a default client.
	HTTPClient *http.Client
	// MaxRetries bounds how often one Slack call is retried after a 429
	// (default 3; negative means never).
	MaxRetries int
	// ShutdownGrace is how long Run lets answers in flight finish once its
	// context is done (default 10s); past it they are cancelled.
	ShutdownGrace time.Duration
	// OnEvent, if set, is called with one of the Event* kinds as things
	// happen, for metrics. It is called from many goroutines.
	OnEvent func(kind string)
	// Inbox, if set, receives every event and slash command before it is
	// acknowledged; the answer is then worked from the queue (WorkJob)
	// rather than in memory. Marks then keeps a retried job from posting
	// a reply twice.
	Inbox bot.Inbox
	Marks bot.DeliveryMarks
	// ChannelStories maps a channel id to the story ids configured for it
	// (a digest's stories); the assistant pane's suggested prompts use a
	// channel's stories while the user is viewing it. Nil means every
	// story everywhere.
	ChannelStories map[string][]string
}

// Kinds reported to Options.OnEvent.
const (
	EventConnected   = "connected"    // a Socket Mode connection is up, or HTTP mode is ready
	EventReconnect   = "reconnect"    // a Socket Mode connection was replaced
	EventAnswer      = "answer"       // a reply was delivered to Slack
	EventRateLimited = "rate_limited" // Slack answered 429; the call is retried after Retry-After
	EventDuplicate   = "duplicate"    // a redelivered event was dropped
	EventMalformed   = "malformed"    // an envelope or request could not be understood
	EventRejected    = "rejected"     // an HTTP request failed signature verification
	EventFeedback    = "feedback"     // a 👍/👎 click was recorded
	EventError       = "error"        // answering or delivering failed
)

// DefaultCommands is the slash commands storybot declares in
// slack-app-manifest.yaml (SlashCommands) and the bot command each one
// runs: "/ask" → "ask".
func DefaultCommands() map[string]string {
	out := map[string]string{}
	for _, c := range SlashCommands() {
		out[c.Command] = c.Runs
	}
	return out
}

// BotEvents is the Events API bot events the adapter acts on, as named in
// the app manifest. app_mention starts a conversation in a channel;
// message.im answers DMs and the assistant pane; message.channels and
// message.groups let it answer follow-ups in public and private threads it
// already answered in; assistant_thread_started and
// assistant_thread_context_changed greet the assistant pane and suggest
// prompts.
func BotEvents() []string {
	return []string{"app_mention", "assistant_thread_context_changed", "assistant_thread_started",
		"message.channels", "message.groups", "message.im"}
}

// BotScopes is the OAuth bot scopes the adapter needs for BotEvents and
// the Web API calls it makes.
func BotScopes() []string {
	var out []string
	for _, s := range botScopes {
		out = append(out, s.Name)
	}
	return out
}

// Limits and timings of the adapter.
const (
	maxConcurrent   = 32               // answers worked on at once
	answerTimeout   = 2 * time.Minute  // one answer, including LLM streaming
	partialInterval = time.Second      // chat.update at most this often while streaming
	dedupeTTL       = time.Hour        // Slack redelivers for minutes, never hours
	dedupeSize      = 10000            // delivery ids remembered
	threadTTL       = 72 * time.Hour   // follow-ups answered this long after the bot spoke
	threadSize      = 10000            // threads remembered
	defaultGrace    = 10 * time.Second // how long Run waits for answers in flight, by default
	maxBodyBytes    = 1 << 20          // largest HTTP-mode request read
)

// chatAPI is the part of the Slack Web API the adapter uses.
type chatAPI interface {
	AuthTestContext(ctx context.Context) (*slackapi.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channel string, options ...slackapi.MsgOption) (string, string, error)
	UpdateMessageContext(ctx context.Context, channel, ts string, options ...slackapi.MsgOption) (string, string, string, error)
	GetConversationRepliesContext(ctx context.Context, params *slackapi.GetConversationRepliesParameters) ([]slackapi.Message, bool, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slackapi.GetConversationHistoryParameters) (*slackapi.GetConversationHistoryResponse, error)
}

// Adapter is a running connection between one Slack app and a Handler.
type Adapter struct {
	h        Handler
	opts     Options
	log      *slog.Logger
	client   *slackapi.Client
	api      chatAPI
	ai       assistantAPI    // the assistant pane and native streaming
	assist   *assistantState // what the assistant pane remembers
	socket   bool
	commands map[string]string
	apiHost  string

	// Tests replace these to control time.
	now          func() time.Time
	sleep        func(ctx context.Context, d time.Duration) error
	partialEvery time.Duration

	seen    *recentSet // delivery ids and message keys already handled
	threads *recentSet // channel/thread_ts where the bot has answered
	work    *bot.Workers

	connected atomic.Bool

	mu        sync.Mutex
	base      context.Context // parent of HTTP-mode work; Run's ctx once running
	botUserID string
	botID     string
}

// New returns an Adapter for h. It checks the options but does not
// contact Slack; Run does.
func New(h Handler, opts Options) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("slack adapter: nil handler")
	}
	if opts.BotToken == "" {
		return nil, errors.New("slack adapter: bot token (SLACK_BOT_TOKEN) is required")
	}
	socket := opts.SocketMode || (opts.AppToken != "" && opts.SigningSecret == "")
	if socket && opts.AppToken == "" {
		return nil, errors.New("slack adapter: Socket Mode needs an app-level token (SLACK_APP_TOKEN)")
	}
	if !socket && opts.SigningSecret == "" {
		return nil, errors.New("slack adapter: HTTP mode needs a signing secret (SLACK_SIGNING_SECRET)")
	}
	if opts.APIURL != "" && !strings.HasSuffix(opts.APIURL, "/") {
		opts.APIURL += "/"
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = defaultGrace
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 3
	} else if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	commands := opts.Commands
	if commands == nil {
		commands = DefaultCommands()
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("platform", "slack")

	copts := []slackapi.Option{slackapi.OptionLog(sdkLogger{log})}
	if opts.AppToken != "" {
		copts = append(copts, slackapi.OptionAppLevelToken(opts.AppToken))
	}
	if opts.APIURL != "" {
		copts = append(copts, slackapi.OptionAPIURL(opts.APIURL))
	}
	if opts.HTTPClient != nil {
		copts = append(copts, slackapi.OptionHTTPClient(opts.HTTPClient))
	}
	client := slackapi.New(opts.BotToken, copts...)

	a := &Adapter{
		h: h, opts: opts, log: log, client: client, api: client, ai: client, socket: socket,
		commands:     maps.Clone(commands),
		apiHost:      hostOf(opts.APIURL),
		now:          time.Now,
		sleep:        sleepCtx,
		partialEvery: partialInterval,
		base:         context.Background(),
	}
	a.work = bot.NewWorkers(maxConcurrent, answerTimeout, log, func() { a.event(EventError) })
	a.seen = newRecentSet(dedupeSize, dedupeTTL, a.clock)
	a.threads = newRecentSet(threadSize, threadTTL, a.clock)
	a.assist = newAssistantState(a)
	return a, nil
}

func (a *Adapter) clock() time.Time { return a.now() }

// Run serves Slack until ctx is done. In Socket Mode it learns the bot's
// identity (auth.test), connects, reconnects whenever Slack asks, and
// answers events; in HTTP mode it learns the bot's identity and then
// blocks, while HTTPHandler does the receiving. Either way it returns nil
// after ctx is done and the answers in flight have stopped (at most
// ShutdownGrace later), or an error if Slack rejects the tokens or the
// connection fails for good. An error in which Slack answered and refused
// (invalid_auth, token_revoked, …) matches bot.ErrPermanent; any other
// (Slack unreachable, a 5xx) may go away, and Run may be called again.
func (a *Adapter) Run(ctx context.Context) error {
	if err := a.identify(ctx); err != nil {
		return err
	}
	if a.socket {
		return a.runSocket(ctx)
	}
	a.mu.Lock()
	a.base = ctx
	a.mu.Unlock()
	a.connected.Store(true)
	a.event(EventConnected)
	<-ctx.Done()
	a.connected.Store(false)
	a.drain()
	return nil
}

// Connected reports whether the adapter can receive from Slack: a live
// Socket Mode connection, or in HTTP mode a successful auth.test.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// Post sends r to channel as a new top-level message (or several, when it
// exceeds Slack's limits), for scheduled digests.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply) error {
	if channel == "" {
		return errors.New("slack post: no channel")
	}
	return a.newThreadWriter(channel, "").WriteReply(ctx, r)
}

// identify asks Slack who the bot is, so its own messages and its mention
// can be recognised.
func (a *Adapter) identify(ctx context.Context) error {
	var resp *slackapi.AuthTestResponse
	err := a.retry(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		resp, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return permanentIfRefused(err)
	}
	a.mu.Lock()
	a.botUserID, a.botID = resp.UserID, resp.BotID
	a.mu.Unlock()
	a.log.Info("slack identity", "bot_user", resp.UserID, "team", resp.TeamID, "socket_mode", a.socket)
	return nil
}

// permanentIfRefused marks an error as permanent (bot.Permanent) when
// Slack itself answered and refused — invalid_auth, token_revoked,
// account_inactive, or a 404 for an unknown app — so the service stops
// instead of asking again; an unreachable Slack or a 5xx is left to be
// retried.
func permanentIfRefused(err error) error {
	var refused slackapi.SlackErrorResponse
	var status slackapi.StatusCodeError
	if errors.As(err, &refused) || errors.As(err, &status) && status.Code == http.StatusNotFound {
		return bot.Permanent(err)
	}
	return err
}

func (a *Adapter) identity() (userID, botID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.botUserID, a.botID
}

// learnBotUser records the bot's user id from an event's authorizations
// when auth.test has not run (HTTP mode before Run).
func (a *Adapter) learnBotUser(id string) {
	if id == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.botUserID == "" {
		a.botUserID = id
	}
}

func (a *Adapter) baseContext() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.base
}

func (a *Adapter) event(kind string) {
	if a.opts.OnEvent != nil {
		a.opts.OnEvent(kind)
	}
}

// dispatch runs fn in the background: see bot.Workers for how long it
// may run and what a shutdown does to it.
func (a *Adapter) dispatch(parent context.Context, what string, fn func(ctx context.Context)) {
	a.work.Go(parent, what, fn)
}

// drain waits for the answers in flight, bounded so shutdown cannot hang.
func (a *Adapter) drain() {
	if err := a.work.Drain(a.opts.ShutdownGrace); err != nil {
		a.log.Warn("slack: shutdown", "err", err)
	}
}

// retry calls fn, waiting out Slack's Retry-After and calling again when
// Slack rate-limits it, at most MaxRetries times.
func (a *Adapter) retry(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		var rl *slackapi.RateLimitedError
		if !errors.As(err, &rl) || attempt >= a.opts.MaxRetries {
			return fmt.Errorf("slack %s: %w", what, err)
		}
		a.event(EventRateLimited)
		a.log.Warn("slack rate limited; waiting before retrying", "method", what,
			"retry_after", rl.RetryAfter, "attempt", attempt+1)
		if err := a.sleep(ctx, rl.RetryAfter); err != nil {
			return fmt.Errorf("slack %s: waiting out rate limit: %w", what, err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sdkLogger routes slack-go's own log lines into slog at debug level.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Output(_ int, s string) error {
	l.log.Debug(strings.TrimSpace(s), "source", "slack-go")
	return nil
}

// commandNames lists the configured slash commands, sorted, for logs.
func (a *Adapter) commandNames() []string {
	return slices.Sorted(maps.Keys(a.commands))
}
