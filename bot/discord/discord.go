// Package discord connects storybot to Discord. It receives mentions and
// direct messages over the gateway, and the application commands that
// bot.Commands offers on Discord (/ask, /quote with speaker autocomplete,
// /digest) plus 👍/👎 button clicks over the gateway or an HTTP
// interactions endpoint; it turns them into bot.Messages for one handler
// and renders the handler's bot.Replies as embeds.
//
// The handler owns answering, rate caps and refusals; this package owns
// only Discord: the gateway connection and its resumes, the three-second
// interaction deadline, replies and threads, Discord's message limits and
// rate limits, and never pinging anyone (every message is sent with
// allowed_mentions "parse": []).
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/storybot/storybot/bot"
)

// Handler answers messages, records feedback and suggests values for
// autocomplete; *bot.Handler is one.
type Handler interface {
	Handle(ctx context.Context, m bot.Message, w bot.ReplyWriter) error
	RecordFeedback(ctx context.Context, f bot.Feedback) error
	Suggest(src bot.Autocomplete, prefix string, limit int) []string
}

// Options configure an Adapter. Token is required unless HTTPOnly is set;
// the HTTP interactions endpoint needs PublicKey.
type Options struct {
	// Token is the bot token (with or without the "Bot " prefix).
	Token string
	// AppID is the application id; commands are registered under it. When
	// empty the id the gateway reports in READY is used.
	AppID string
	// GuildID, if set, registers the commands in that guild only, which
	// takes effect at once; otherwise they are global.
	GuildID string
	// PublicKey is the application's Ed25519 public key, hex encoded as
	// the developer portal shows it, for the HTTP interactions endpoint.
	PublicKey string
	// APIURL replaces https://discord.com for every REST call (a
	// rate-limit proxy, or a fake in tests); "" means Discord itself.
	APIURL string
	// HTTPOnly skips the gateway: commands arrive only through
	// InteractionsHandler, and mentions and DMs are not seen.
	HTTPOnly bool
	// ShardID and ShardCount split the gateway between replicas: each
	// identifies as shard ShardID of ShardCount, and Discord sends it the
	// events of the guilds (guild_id >> 22) % ShardCount == ShardID, and
	// DMs to shard 0 only. Zero ShardCount means one shard.
	ShardID    int
	ShardCount int
	// Ephemeral makes command replies visible only to the person who used
	// the command.
	Ephemeral bool
	// Logger receives the adapter's logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient is the base client for REST calls; nil means a default
	// one. Its transport is wrapped when APIURL is set.
	HTTPClient *http.Client
	// ShutdownGrace is how long Run lets answers in flight finish once its
	// context is done (default 10s); past it they are cancelled.
	ShutdownGrace time.Duration
	// OnEvent, if set, is called with one of the Event* kinds as things
	// happen, for metrics. It is called from many goroutines.
	OnEvent func(kind string)
	// Dedupe, if set, remembers interaction ids across restarts and
	// replicas, so an interaction delivered more than once is answered
	// once.
	Dedupe bot.Deduper
	// Inbox, if set, is where mentions, DMs and application commands are
	// stored before they are answered (a command is deferred only once
	// stored), so that a shutdown or a crash loses none: register the
	// adapter as the inbox's worker for bot.PlatformDiscord. Nil answers
	// in memory.
	Inbox bot.Inbox
	// Marks records which replies of a queued job were delivered, so a
	// job tried again never posts one twice, and that a command's
	// deferral was sent.
	Marks bot.DeliveryMarks
}

// Kinds reported to Options.OnEvent.
const (
	EventConnected   = "connected"    // the gateway is up (or, HTTPOnly, the adapter is ready)
	EventReconnect   = "reconnect"    // the gateway connection was lost and resumed or re-identified
	EventAnswer      = "answer"       // a reply was delivered to Discord
	EventRateLimited = "rate_limited" // Discord answered 429; the call waits out retry_after
	EventMalformed   = "malformed"    // an event or request could not be understood
	EventRejected    = "rejected"     // an HTTP interaction failed signature or age checks
	EventFeedback    = "feedback"     // a 👍/👎 click was recorded
	EventError       = "error"        // answering or delivering failed
	EventDuplicate   = "duplicate"    // an interaction already answered was dropped
)

// Intents is the gateway intents the adapter asks for. MessageContent is
// privileged: it must be switched on under Bot → Privileged Gateway
// Intents in the developer portal, or Discord closes the gateway with
// 4014.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages |
	discordgo.IntentMessageContent

// ErrDisallowedIntents is returned by Run when Discord refuses the
// Message Content intent (gateway close code 4014).
var ErrDisallowedIntents = errors.New("discord refused the Message Content intent (close code 4014): " +
	"switch on Bot → Privileged Gateway Intents → Message Content Intent in the developer portal")

// ErrBadShard is returned by New when the shard id is not below the
// shard count.
var ErrBadShard = errors.New("invalid gateway shard")

// ErrAuthenticationFailed is returned by Run when Discord rejects the bot
// token on the gateway (close code 4004).
var ErrAuthenticationFailed = errors.New("discord rejected the bot token (close code 4004): check DISCORD_TOKEN")

// Limits and timings of the adapter.
const (
	maxConcurrent   = 32               // answers worked on at once
	answerTimeout   = 2 * time.Minute  // one answer, including LLM streaming
	partialInterval = time.Second      // edits at most this often while an answer streams
	deferAfter      = 2 * time.Second  // Discord wants an interaction answered within 3s
	maxTimestampAge = 5 * time.Minute  // oldest signed HTTP interaction accepted
	defaultGrace    = 10 * time.Second // how long Run waits for answers in flight, by default
	maxBodyBytes    = 1 << 20          // largest HTTP interaction read
	maxReconnect    = 2 * time.Minute  // longest wait between reconnection attempts
)

// session is the part of discordgo.Session the adapter uses.
type session interface {
	Open() error
	Close() error
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageEditComplex(m *discordgo.MessageEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, newresp *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ApplicationCommandBulkOverwrite(appID string, guildID string, commands []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	ChannelTyping(channelID string, options ...discordgo.RequestOption) error
}

// Adapter is a running connection between one Discord application and a
// Handler.
type Adapter struct {
	h         Handler
	opts      Options
	log       *slog.Logger
	s         *discordgo.Session
	api       session
	publicKey ed25519.PublicKey

	// Tests replace these to control time.
	now          func() time.Time
	partialEvery time.Duration
	deferAfter   time.Duration

	work *bot.Workers

	connected atomic.Bool
	lost      chan struct{} // the gateway connection dropped

	mu    sync.Mutex
	base  context.Context // parent of HTTP-mode work; Run's ctx once running
	appID string
}

// New returns an Adapter for h. It checks the options but does not
// contact Discord; Run does.
func New(h Handler, opts Options) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("discord adapter: nil handler")
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = defaultGrace
	}
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(opts.Token), "Bot "))
	if token == "" && !opts.HTTPOnly {
		return nil, errors.New("discord adapter: a bot token (DISCORD_TOKEN) is required for the gateway")
	}
	var pub ed25519.PublicKey
	if opts.PublicKey != "" {
		b, err := hex.DecodeString(strings.TrimSpace(opts.PublicKey))
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, errors.New("discord adapter: the public key (DISCORD_PUBLIC_KEY) must be 64 hex characters")
		}
		pub = b
	}
	if opts.ShardCount == 0 {
		opts.ShardCount = 1
	}
	if opts.ShardCount < 1 || opts.ShardID < 0 || opts.ShardID >= opts.ShardCount {
		return nil, fmt.Errorf("discord adapter: shard %d of %d: want 0 ≤ shard id < shard count: %w",
			opts.ShardID, opts.ShardCount, ErrBadShard)
	}
	if opts.HTTPOnly && pub == nil {
		return nil, errors.New("discord adapter: HTTP interactions need the public key (DISCORD_PUBLIC_KEY)")
	}
	if opts.HTTPOnly && opts.AppID == "" {
		return nil, errors.New("discord adapter: HTTP interactions need the application id (DISCORD_APP_ID)")
	}
	client, err := httpClient(opts.HTTPClient, opts.APIURL)
	if err != nil {
		return nil, fmt.Errorf("discord adapter: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("platform", "discord")

	auth := ""
	if token != "" {
		auth = "Bot " + token
	}
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("discord adapter: %w", err)
	}
	s.Client = client
	s.Identify.Intents = Intents
	s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
	s.StateEnabled = false // nothing here reads guild caches; READY's user is kept regardless
	// The adapter reconnects itself, so that a refused intent stops the
	// loop with one clear log line instead of retrying forever.
	s.ShouldReconnectOnError = false
	s.LogLevel = -1 // errors are returned to the adapter, which logs them with slog

	a := &Adapter{
		h: h, opts: opts, log: log, s: s, api: s, publicKey: pub,
		now:          time.Now,
		partialEvery: partialInterval,
		deferAfter:   deferAfter,
		lost:         make(chan struct{}, 1),
		base:         context.Background(),
		appID:        opts.AppID,
	}
	a.work = bot.NewWorkers(maxConcurrent, answerTimeout, log, func() { a.event(EventError) })
	s.AddHandler(a.onMessageCreate)
	s.AddHandler(a.onInteractionCreate)
	s.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) {
		a.event(EventRateLimited)
		a.log.Warn("discord rate limited; waiting before retrying", "url", redactURL(rl.URL),
			"retry_after", rl.RetryAfter)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		select {
		case a.lost <- struct{}{}:
		default:
		}
	})
	return a, nil
}

// Run serves Discord until ctx is done. It connects to the gateway,
// registers the commands with one bulk overwrite, and answers; when the
// connection drops it resumes (or identifies again) with backoff. It
// returns nil after ctx is done and the answers in flight have stopped
// (at most ShutdownGrace later), or an error if the first connection
// fails, the token is rejected, or the Message Content intent is refused.
// The last two, and the other close codes after which reconnecting cannot
// help, match bot.ErrPermanent; a first connection that failed otherwise
// (Discord unreachable) may be run again.
// With HTTPOnly it registers the commands and waits while
// InteractionsHandler does the receiving.
func (a *Adapter) Run(ctx context.Context) error {
	a.mu.Lock()
	a.base = ctx
	a.mu.Unlock()
	if a.opts.HTTPOnly {
		a.registerCommands(ctx)
		a.connected.Store(true)
		a.event(EventConnected)
		<-ctx.Done()
		a.connected.Store(false)
		a.drain()
		return nil
	}
	if err := a.open(); err != nil {
		return err
	}
	a.connected.Store(true)
	a.event(EventConnected)
	a.log.Info("discord gateway connected", "bot_user", a.botUserID(), "app", a.applicationID(),
		"shard", a.opts.ShardID, "shards", a.opts.ShardCount)
	a.registerCommands(ctx)

	err := a.keepConnected(ctx)
	a.connected.Store(false)
	// Close waits a second for Discord to close the socket; answers in
	// flight finish meanwhile.
	_ = a.s.Close()
	a.drain()
	return err
}

// open connects the gateway, translating the close codes that mean
// "stop trying" into errors that say what to do.
func (a *Adapter) open() error {
	err := a.api.Open()
	if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
		return nil
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case 4014:
			a.log.Error("discord: the Message Content intent is not enabled for this bot: switch on " +
				"Bot → Privileged Gateway Intents → Message Content Intent in the Discord developer portal, then restart; not reconnecting")
			return bot.Permanent(ErrDisallowedIntents)
		case 4004:
			a.log.Error("discord: the gateway rejected the bot token (DISCORD_TOKEN); not reconnecting")
			return bot.Permanent(ErrAuthenticationFailed)
		case 4010, 4011, 4012, 4013:
			a.log.Error("discord: the gateway refused the connection; not reconnecting", "code", ce.Code, "reason", ce.Text)
			return bot.Permanent(fmt.Errorf("discord gateway closed with %d (%s): %w", ce.Code, ce.Text, errClosedForGood))
		}
	}
	return fmt.Errorf("discord gateway: %w", err)
}

// errClosedForGood marks gateway close codes after which reconnecting
// cannot help.
var errClosedForGood = errors.New("not reconnecting")

// keepConnected reconnects whenever the gateway drops, until ctx is done
// or Discord refuses for good.
func (a *Adapter) keepConnected(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-a.lost:
		}
		if ctx.Err() != nil {
			return nil
		}
		a.connected.Store(false)
		a.log.Warn("discord gateway connection lost; reconnecting")
		wait := time.Second
		for {
			err := a.open()
			if err == nil {
				break
			}
			if errors.Is(err, bot.ErrPermanent) {
				return err
			}
			a.log.Warn("discord gateway reconnect failed; trying again", "err", err, "in", wait)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			wait = min(wait*2, maxReconnect)
		}
		// A drop noticed while reopening is stale: the new connection is up.
		select {
		case <-a.lost:
		default:
		}
		a.connected.Store(true)
		a.event(EventReconnect)
		a.log.Info("discord gateway reconnected")
	}
}

// Connected reports whether the adapter can receive from Discord: a live
// gateway connection, or with HTTPOnly a running adapter.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// Post sends r to channel as new messages (as many as Discord's limits
// need), for scheduled digests.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply) error {
	if channel == "" {
		return errors.New("discord post: no channel")
	}
	for _, m := range render(r, renderOptions{}) {
		if _, err := a.api.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Embeds: m.embeds,
			Components: m.components, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
			a.event(EventError)
			return fmt.Errorf("discord post to %s: %w", channel, err)
		}
	}
	a.event(EventAnswer)
	return nil
}

// noMentions is allowed_mentions that lets nothing ping: "parse": [] (an
// empty slice, because a nil one is sent as null, which Discord reads as
// "parse everything in content").
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (a *Adapter) botUserID() string {
	st := a.s.State
	if st == nil {
		return ""
	}
	st.RLock()
	defer st.RUnlock()
	if st.User == nil {
		return ""
	}
	return st.User.ID
}

// applicationID is the configured application id, or the one READY
// reported.
func (a *Adapter) applicationID() string {
	a.mu.Lock()
	id := a.appID
	a.mu.Unlock()
	if id != "" {
		return id
	}
	st := a.s.State
	if st == nil {
		return ""
	}
	st.RLock()
	defer st.RUnlock()
	if st.Application != nil {
		return st.Application.ID
	}
	return ""
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
		a.log.Warn("discord: shutdown", "err", err)
	}
}
