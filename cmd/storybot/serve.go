package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/bot/discord"
	"github.com/storybot/storybot/bot/llm"
	"github.com/storybot/storybot/bot/slack"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/queue"
	"github.com/storybot/storybot/store"
	"github.com/storybot/storybot/stories"
)

// runServe is `storybot serve`: every configured adapter, the digest
// scheduler, the stories watcher and the HTTP server, sharing one handler,
// until SIGINT or SIGTERM.
func runServe(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("serve", e)
	path := fs.String("config", "", "read the configuration from `FILE` (default $STORYBOT_CONFIG, or ./storybot.yaml if present)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot serve: the configuration has problems:\n%s\n", indentErrors(err))
		return exitUsage
	}
	if !cfg.SlackEnabled() && !cfg.DiscordEnabled() {
		fmt.Fprint(e.stderr, `storybot serve: no chat platform is configured.
Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Slack Socket Mode), SLACK_BOT_TOKEN and
SLACK_SIGNING_SECRET (Slack HTTP mode), or DISCORD_TOKEN and DISCORD_APP_ID
(Discord), or configure them in storybot.yaml (see storybot.example.yaml).
To talk to storybot locally without any platform, run: storybot chat
`)
		return exitUsage
	}
	log := newLogger(cfg.Logging, e.stderr, isTerminal(e.stderr), cfg.Secrets())
	svc, err := newService(ctx, cfg, log, e)
	if err != nil {
		log.Error("storybot could not start", "err", err)
		return exitCode(err)
	}
	stopSecond := exitOnSecondSignal(ctx, log)
	defer stopSecond()
	if err := svc.run(ctx); err != nil {
		log.Error("storybot stopped with an error", "err", err)
		return exitErr
	}
	log.Info("storybot stopped")
	return exitOK
}

// exitOnSecondSignal makes a second SIGINT or SIGTERM, received while the
// first one's graceful shutdown is under way, end the process at once.
func exitOnSecondSignal(ctx context.Context, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
		select {
		case <-done:
		case <-sigs:
			log.Warn("second signal: exiting without waiting for answers in flight")
			os.Exit(exitErr)
		}
	}()
	return func() { close(done) }
}

// loadConfig finds and loads the configuration: --config, then
// STORYBOT_CONFIG, then ./storybot.yaml when it exists, then defaults
// with the environment alone.
func loadConfig(path string, getenv func(string) string) (config.Config, error) {
	if path == "" {
		path = getenv("STORYBOT_CONFIG")
	}
	if path == "" {
		if _, err := os.Stat("storybot.yaml"); err == nil {
			path = "storybot.yaml"
		}
	}
	return config.Load(path, getenv)
}

// component is a long-running part of the service.
type component struct {
	name string
	run  func(ctx context.Context) error
	// ready reports whether the part is connected; nil means always.
	ready func() bool
	// platform marks a chat adapter: the service runs while one is left,
	// and an adapter that fails for a reason other than a permanent one
	// (bot.ErrPermanent) is started again.
	platform bool
}

// Pauses between starts of a platform that failed: they double from the
// first to the cap, so a Slack that is unreachable for a moment costs a
// second, and one that is down for an hour costs a request a minute.
const (
	restartFirst = time.Second
	restartMax   = time.Minute
)

// service is one running storybot: the handler shared by every adapter,
// and everything that runs beside it.
type service struct {
	cfg        config.Config
	log        *slog.Logger
	lib        *knowledge.Library
	handler    *bot.Handler
	metrics    *metrics
	store      *store.Store
	queue      *queue.Queue
	mux        *http.ServeMux
	components []component
	closers    []func() error
	// trouble is why a component is not running, for /readyz, by name.
	troubleMu sync.Mutex
	trouble   map[string]string
	// onListen is told the HTTP server's address once it listens (tests).
	onListen func(addr string)
}

// newService builds every configured part without connecting anything:
// stories, the store, the handler, the adapters, the digest scheduler and
// the stories watcher.
func newService(ctx context.Context, cfg config.Config, log *slog.Logger, e env) (*service, error) {
	lib, err := serviceLibrary(cfg.Stories)
	if err != nil {
		return nil, err
	}
	s := &service{cfg: cfg, log: log, lib: lib, metrics: newMetrics(), mux: http.NewServeMux(), onListen: e.onListen}
	st, err := openServiceStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.store = st
	s.closers = append(s.closers, st.Close)
	q, err := s.openQueue(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	s.queue = q
	s.closers = append(s.closers, q.Close)
	// Stories shared by other replicas first, so an old copy in this
	// replica's folder is not recorded as the newest version.
	if err := s.addReplicator(ctx); err != nil {
		q.Close()
		st.Close()
		return nil, err
	}
	if err := st.RecordLibrary(ctx, lib, time.Now()); err != nil {
		st.Close()
		return nil, fmt.Errorf("recording story versions: %w", err)
	}
	if err := s.build(); err != nil {
		q.Close()
		st.Close()
		return nil, err
	}
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	s.mux.HandleFunc("GET /readyz", s.serveReady)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	return s, nil
}

// build wires the handler and everything around it.
func (s *service) build() error {
	cfg := s.cfg
	builder := &digest.Builder{Library: s.lib, History: s.store, Questions: s.store}
	hcfg, err := s.handlerConfig()
	if err != nil {
		return err
	}
	hcfg.Feedback = s.store
	hcfg.Questions = questionLog{next: s.store, log: s.log, text: cfg.Logging.LogQuestionText}
	hcfg.Changes = s.store
	hcfg.Digest = builder
	hcfg.Admins = cfg.Admins
	s.addInsights(&hcfg)

	var watcher *stories.Watcher
	if cfg.Stories.Dir != "" {
		if cfg.Stories.Watch {
			if watcher, err = s.newWatcher(); err != nil {
				return err
			}
		}
		f, err := stories.NewFetcher(stories.FetcherOptions{Dir: cfg.Stories.Dir,
			AllowPrivate: cfg.Stories.AllowPrivateURLs, Logger: s.log.With("component", "stories")})
		if err != nil {
			return fmt.Errorf("story fetcher: %w", err)
		}
		hcfg.Stories = storyAdder{fetcher: f, watcher: watcher, share: s.shareStory}
	}
	s.handler = bot.NewHandler(hcfg)
	builder.Summarizer = s.handler

	posters := map[string]digest.Poster{}
	if cfg.SlackEnabled() {
		a, err := s.addSlack()
		if err != nil {
			return err
		}
		posters["slack"] = a
	}
	if cfg.DiscordEnabled() {
		a, err := s.addDiscord()
		if err != nil {
			return err
		}
		posters["discord"] = a
	}
	if len(cfg.Digests) > 0 {
		specs, err := digestSpecs(cfg.Digests)
		if err != nil {
			return err
		}
		sched, err := digest.NewScheduler(digest.SchedulerConfig{
			Specs: specs, Builder: builder, Runs: s.store, Posters: posters,
			Logger: s.log.With("component", "digest"), OnPost: s.metrics.digestPosted,
		})
		if err != nil {
			return fmt.Errorf("digests: %w", err)
		}
		s.components = append(s.components, component{name: "digest scheduler", run: sched.Run})
	}
	if err := s.addWeeklyInsights(posters); err != nil {
		return err
	}
	if watcher != nil {
		s.components = append(s.components, component{name: "stories watcher", run: watcher.Run})
	}
	s.components = append(s.components, component{name: "queue", run: s.runQueue})
	return nil
}

// serviceLibrary loads the stories folder, or the embedded story.
func serviceLibrary(c config.StoriesConfig) (*knowledge.Library, error) {
	switch {
	case c.Dir != "":
		return loadLibrary(c.Dir)
	case c.EmbeddedDefault:
		return knowledge.LoadDefault()
	}
	return nil, errors.New("stories.dir is empty and stories.embedded_default is off: there is nothing to answer from")
}

// handlerConfig translates the configuration into the handler's.
func (s *service) handlerConfig() (bot.Config, error) {
	c := s.cfg
	hc := bot.Config{
		Library:   s.lib,
		Mode:      bot.Mode(c.Answer.Mode),
		MaxQuotes: c.Answer.MaxQuotes,
		Limits: bot.Limits{
			PerUser:        bot.Rate{N: c.Limits.PerUser.N, Per: c.Limits.PerUser.Per},
			PerChannel:     bot.Rate{N: c.Limits.PerChannel.N, Per: c.Limits.PerChannel.Per},
			MaxQuestionLen: c.Limits.MaxQuestionLen,
		},
		MaxPromptParagraphs: c.LLM.MaxParagraphs,
		LLMTimeout:          c.LLM.Timeout.D(),
		CacheSize:           c.LLM.CacheSize,
		CacheTTL:            c.LLM.CacheTTL.D(),
		Observer:            s.metrics,
		Logger:              s.log,
	}
	switch c.Answer.Abstain {
	case "strict":
		hc.Strictness = knowledge.AbstainStrict
	case "lenient":
		hc.Strictness = knowledge.AbstainLenient
	default:
		hc.Strictness = knowledge.AbstainNormal
	}
	if c.LLMEnabled() {
		client, err := llm.New(llm.Options{
			BaseURL: c.LLM.BaseURL, APIKey: c.LLM.APIKey, Model: c.LLM.Model,
			Azure: c.LLM.Azure, APIVersion: c.LLM.APIVersion,
			Temperature: float32(c.LLM.Temperature), Timeout: c.LLM.Timeout.D(),
			MaxRetries: c.LLM.MaxRetries, Logger: s.log.With("component", "llm"),
		})
		if err != nil {
			return hc, fmt.Errorf("llm: %w", err)
		}
		hc.LLM, hc.Model = client, c.LLM.Model
	}
	return hc, nil
}

// slackCommands maps slash commands to bot commands: those the manifest
// declares (slack.DefaultCommands), with the renames of slack.commands
// ("ask": "/news") in place of their default names.
func slackCommands(renames map[string]string) map[string]string {
	commands := slack.DefaultCommands()
	for name, slash := range renames {
		for def, runs := range commands {
			if runs == name {
				delete(commands, def)
			}
		}
		commands[slash] = name
	}
	return commands
}

// addSlack wires the Slack adapter: Socket Mode runs its own connection;
// HTTP mode mounts its endpoints on the service's server.
func (s *service) addSlack() (*slack.Adapter, error) {
	c := s.cfg.Slack
	commands := slackCommands(c.Commands)
	a, err := slack.New(s.handler, slack.Options{
		BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
		APIURL: c.APIURL, SocketMode: s.cfg.SlackSocketMode(), Commands: commands,
		Ephemeral: c.Ephemeral, Logger: s.log, OnEvent: s.metrics.adapterEvent(bot.PlatformSlack),
		ShutdownGrace: s.cfg.HTTP.ShutdownTimeout.D(),
		Inbox:         s.queue, Marks: s.queue,
		ChannelStories: slackChannelStories(s.cfg.Digests),
	})
	if err != nil {
		return nil, err
	}
	s.queue.Register(bot.PlatformSlack, a)
	if !s.cfg.SlackSocketMode() {
		s.mux.Handle("/slack/", a.HTTPHandler())
	}
	s.components = append(s.components, component{name: "slack", run: a.Run, ready: a.Connected, platform: true})
	return a, nil
}

// addDiscord wires the Discord adapter: the gateway for mentions, DMs and
// commands, and, with a public key, the HTTP interactions endpoint.
func (s *service) addDiscord() (*discord.Adapter, error) {
	c := s.cfg.Discord
	a, err := discord.New(s.handler, discord.Options{
		Token: c.Token, AppID: c.AppID, GuildID: c.GuildID, PublicKey: c.PublicKey, APIURL: c.APIURL,
		HTTPOnly: !c.Gateway || c.Token == "", Ephemeral: c.Ephemeral, Logger: s.log,
		ShardID: c.ShardID, ShardCount: c.ShardCount,
		OnEvent:       s.metrics.adapterEvent(bot.PlatformDiscord),
		ShutdownGrace: s.cfg.HTTP.ShutdownTimeout.D(),
		Dedupe:        s.queue, Inbox: s.queue, Marks: s.queue,
	})
	if err != nil {
		return nil, err
	}
	s.queue.Register(bot.PlatformDiscord, a)
	if c.PublicKey != "" {
		s.mux.Handle("POST "+discord.InteractionsPath, a.InteractionsHandler())
	}
	s.components = append(s.components, component{name: "discord", run: a.Run, ready: a.Connected, platform: true})
	return a, nil
}

// newWatcher reloads the stories folder as files are added, changed or
// removed, without a restart and without blocking answers in flight, and
// records each new version so digests and `changes` can say what changed.
func (s *service) newWatcher() (*stories.Watcher, error) {
	w, err := stories.NewWatcher(stories.WatcherOptions{
		Dir: s.cfg.Stories.Dir, Library: s.lib, Logger: s.log.With("component", "stories"),
		RescanInterval: s.cfg.Stories.RescanInterval.D(),
		OnChange: func(ctx context.Context, st *knowledge.Story) {
			added, err := s.store.RecordVersion(ctx, knowledge.NewVersion(st), time.Now())
			if err != nil {
				s.log.Error("recording a story version failed", "story", st.ID, "err", err)
				return
			}
			if added {
				s.log.Info("story version recorded", "story", st.ID, "paragraphs", len(st.Paragraphs))
			}
		},
		OnRemove: func(_ context.Context, id string) { s.log.Info("story removed", "story", id) },
	})
	if err != nil {
		return nil, fmt.Errorf("stories watcher: %w", err)
	}
	return w, nil
}

// storyAdder is the chat command `story add <url>`: the fetcher saves the
// page into the stories folder, and a rescan serves it at once.
type storyAdder struct {
	fetcher *stories.Fetcher
	watcher *stories.Watcher // nil when the folder is not watched
	// share hands the added story's id to the other replicas (replicate.go).
	share func(ctx context.Context, id string)
}

func (a storyAdder) AddStory(ctx context.Context, url string) (string, error) {
	id, err := a.fetcher.AddStory(ctx, url)
	if err != nil {
		return "", err
	}
	if a.watcher != nil {
		// A rescan error names other files; the new story is in either way.
		_ = a.watcher.Rescan(ctx)
	}
	if a.share != nil {
		a.share(ctx, id)
	}
	return id, nil
}

// questionLog writes answered questions to the store and, for operators,
// one log line each; the question's text is in that line only when
// logging.log_question_text is on.
type questionLog struct {
	next bot.QuestionLogger
	log  *slog.Logger
	text bool
}

func (q questionLog) LogQuestion(ctx context.Context, r bot.QuestionRecord) error {
	attrs := []any{"platform", r.Platform, "channel", r.Channel, "mode", r.Mode, "abstained", r.Abstained,
		"latency_ms", r.Latency.Milliseconds()}
	if q.text {
		attrs = append(attrs, "question", r.Question)
	}
	q.log.Info("question answered", attrs...)
	return q.next.LogQuestion(ctx, r)
}

func (s *service) serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// serveReady answers 200 only when stories are loaded and every platform
// is connected, so a load balancer or Kubernetes waits for a usable bot.
func (s *service) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var missing []string
	if len(s.lib.Stories()) == 0 {
		missing = append(missing, "stories: none loaded")
	}
	for _, c := range s.components {
		if c.ready != nil && !c.ready() {
			line := c.name + ": not connected"
			if why := s.troubleOf(c.name); why != "" {
				line += " (" + why + ")"
			}
			missing = append(missing, line)
		}
	}
	missing = append(missing, s.queueTrouble(r.Context())...)
	if len(missing) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, m := range missing {
			fmt.Fprintln(w, m)
		}
		return
	}
	fmt.Fprintln(w, "ready")
}

// run serves until ctx is done, then shuts down in order: components stop
// taking new events and finish the answers in flight (bounded by
// http.shutdown_timeout), the HTTP server drains, and the store closes.
// A platform that fails for good (a revoked token, Discord's missing
// Message Content intent) is logged and shown by /readyz while the others
// keep serving; when every platform has failed, the service stops with
// their errors, so a supervisor sees it.
func (s *service) run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http server on %s: %w", s.cfg.HTTP.Addr, err)
	}
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	s.log.Info("http server listening", "addr", ln.Addr().String())
	if s.onListen != nil {
		s.onListen(ln.Addr().String())
	}
	httpErr := make(chan error, 1)
	go func() { httpErr <- srv.Serve(ln) }()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	type failure struct {
		c   component
		err error
	}
	failed := make(chan failure, len(s.components))
	platforms := 0
	for _, c := range s.components {
		if c.platform {
			platforms++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.runComponent(runCtx, c); err != nil && runCtx.Err() == nil {
				failed <- failure{c, err}
			}
		}()
	}

	var errs []error
	for runErr := error(nil); runErr == nil; {
		select {
		case <-ctx.Done():
			s.log.Info("shutting down: finishing answers in flight", "grace", s.cfg.HTTP.ShutdownTimeout.D().String())
			runErr = ctx.Err()
		case f := <-failed:
			s.log.Error("stopped for good", "component", f.c.name, "err", f.err)
			s.setTrouble(f.c.name, "stopped for good: "+f.err.Error())
			errs = append(errs, f.err)
			if f.c.platform {
				platforms--
			}
			if platforms == 0 {
				runErr = errors.New("no chat platform is left running")
				errs = append([]error{runErr}, errs...)
			}
		case err := <-httpErr:
			runErr = fmt.Errorf("http server: %w", err)
			errs = append([]error{runErr}, errs...)
		}
	}
	if ctx.Err() != nil && platforms > 0 {
		errs = nil // a signal, not a failure: exit 0 even if a platform had failed earlier
	}
	cancel()
	s.waitBounded(&wg)

	shutCtx, shutCancel := context.WithTimeout(context.Background(), s.cfg.HTTP.ShutdownTimeout.D())
	defer shutCancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		s.log.Warn("http server did not drain in time", "err", err)
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			s.log.Warn("closing", "err", err)
		}
	}
	return errors.Join(errs...)
}

// runComponent runs c until ctx is done. A platform that fails for a
// reason starting again may cure — Slack unreachable at start, a 5xx, a
// gateway that would not open — is started again after a pause that
// doubles from restartFirst to restartMax, each attempt logged, while
// /readyz says it is not connected. It returns c's error when c is not a
// platform or the error is permanent (a rejected token, a refused
// intent).
func (s *service) runComponent(ctx context.Context, c component) error {
	wait := restartFirst
	for attempt := 1; ; attempt++ {
		s.log.Info("starting", "component", c.name, "attempt", attempt)
		started := time.Now()
		err := c.run(ctx)
		if err == nil || ctx.Err() != nil {
			return nil
		}
		err = fmt.Errorf("%s: %w", c.name, err)
		if !c.platform || errors.Is(err, bot.ErrPermanent) {
			return err
		}
		if time.Since(started) > restartMax {
			wait = restartFirst // it ran for a while: a new outage, not the same one
		}
		s.log.Warn("could not run; starting it again", "component", c.name, "err", err, "in", wait.String(), "attempt", attempt)
		s.setTrouble(c.name, fmt.Sprintf("starting again in %s after: %v", wait, err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		s.setTrouble(c.name, "")
		wait = min(2*wait, restartMax)
	}
}

// setTrouble records why a component is not running ("" when it is
// trying again), for /readyz.
func (s *service) setTrouble(name, why string) {
	s.troubleMu.Lock()
	defer s.troubleMu.Unlock()
	if s.trouble == nil {
		s.trouble = map[string]string{}
	}
	s.trouble[name] = why
}

func (s *service) troubleOf(name string) string {
	s.troubleMu.Lock()
	defer s.troubleMu.Unlock()
	return s.trouble[name]
}

// waitBounded waits for the components to return, at most a little longer
// than the shutdown grace they each honour.
func (s *service) waitBounded(wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	grace := s.cfg.HTTP.ShutdownTimeout.D() + 5*time.Second
	select {
	case <-done:
	case <-time.After(grace):
		s.log.Warn("components still running after the shutdown grace; exiting anyway")
	}
}
