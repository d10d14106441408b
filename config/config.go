// Package config is storybot's configuration as plain data: one YAML file
// plus environment overrides, with secrets only from the environment or
// from files named by *_file keys. It reads nothing by itself: callers
// pass the file path and a getenv function.
package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is everything storybot can be told.
type Config struct {
	Stories StoriesConfig  `yaml:"stories"`
	Answer  AnswerConfig   `yaml:"answer"`
	LLM     LLMConfig      `yaml:"llm"`
	Slack   SlackConfig    `yaml:"slack"`
	Discord DiscordConfig  `yaml:"discord"`
	Digests []DigestConfig `yaml:"digests"`
	// Insights are weekly posts of what readers asked, to editors.
	Insights []InsightsConfig `yaml:"insights"`
	Limits   LimitsConfig     `yaml:"limits"`
	// Admins may add stories from chat: "slack:U123", "discord:1234".
	Admins []string `yaml:"admins"`
	// Admin guards the insights page on the HTTP server.
	Admin AdminConfig `yaml:"admin"`
	Store StoreConfig `yaml:"store"`
	// Database moves the store and the queue to PostgreSQL.
	Database DatabaseConfig `yaml:"database"`
	Queue    QueueConfig    `yaml:"queue"`
	HTTP     HTTPConfig     `yaml:"http"`
	Logging  LoggingConfig  `yaml:"logging"`
}

// StoriesConfig says where stories come from.
type StoriesConfig struct {
	// Dir is a folder of story files; empty uses the embedded story.
	Dir string `yaml:"dir"`
	// EmbeddedDefault serves the embedded story when Dir is empty.
	EmbeddedDefault bool `yaml:"embedded_default"`
	// Watch reloads the folder when files change.
	Watch          bool     `yaml:"watch"`
	RescanInterval Duration `yaml:"rescan_interval"`
	// AllowPrivateURLs lets `story add` fetch from private and loopback
	// addresses (off: a chat user could otherwise probe the network).
	AllowPrivateURLs bool `yaml:"allow_private_urls"`
	// SharedPollInterval is how often a replica on PostgreSQL checks the
	// database for stories added on other replicas.
	SharedPollInterval Duration `yaml:"shared_poll_interval"`
}

// AnswerConfig tunes answers.
type AnswerConfig struct {
	Mode      string `yaml:"mode"`       // quote, summary or auto
	MaxQuotes int    `yaml:"max_quotes"` // cited sentences per answer
	Abstain   string `yaml:"abstain"`    // strict, normal or lenient
}

// LLMConfig configures summary mode.
type LLMConfig struct {
	BaseURL       string   `yaml:"base_url"`
	APIKey        string   `yaml:"api_key"` // secret: OPENAI_API_KEY or api_key_file only
	APIKeyFile    string   `yaml:"api_key_file"`
	Model         string   `yaml:"model"`
	Azure         bool     `yaml:"azure"`
	APIVersion    string   `yaml:"api_version"`
	Temperature   float64  `yaml:"temperature"`
	Timeout       Duration `yaml:"timeout"`
	MaxParagraphs int      `yaml:"max_paragraphs"`
	MaxRetries    int      `yaml:"max_retries"`
	CacheSize     int      `yaml:"cache_size"`
	CacheTTL      Duration `yaml:"cache_ttl"`
}

// SlackConfig configures the Slack adapter.
type SlackConfig struct {
	Mode              string            `yaml:"mode"` // socket or http
	BotToken          string            `yaml:"bot_token"`
	BotTokenFile      string            `yaml:"bot_token_file"`
	AppToken          string            `yaml:"app_token"`
	AppTokenFile      string            `yaml:"app_token_file"`
	SigningSecret     string            `yaml:"signing_secret"`
	SigningSecretFile string            `yaml:"signing_secret_file"`
	APIURL            string            `yaml:"api_url"`
	Commands          map[string]string `yaml:"commands"` // ask/quote/digest → "/ask"…
	Ephemeral         bool              `yaml:"ephemeral"`
}

// DiscordConfig configures the Discord adapter.
type DiscordConfig struct {
	Token         string `yaml:"token"`
	TokenFile     string `yaml:"token_file"`
	AppID         string `yaml:"app_id"`
	GuildID       string `yaml:"guild_id"`
	PublicKey     string `yaml:"public_key"`
	PublicKeyFile string `yaml:"public_key_file"`
	APIURL        string `yaml:"api_url"`
	Gateway       bool   `yaml:"gateway"`
	Ephemeral     bool   `yaml:"ephemeral"`
	// ShardID and ShardCount split the gateway between replicas: each
	// replica a different shard_id, all the same shard_count
	// (DISCORD_SHARD_ID, DISCORD_SHARD_COUNT).
	ShardID    int `yaml:"shard_id"`
	ShardCount int `yaml:"shard_count"`
}

// DigestConfig is one scheduled digest.
type DigestConfig struct {
	Name                string   `yaml:"name"`
	Platform            string   `yaml:"platform"` // slack or discord
	Channel             string   `yaml:"channel"`
	Time                string   `yaml:"time"`     // "08:00"
	Timezone            string   `yaml:"timezone"` // IANA, e.g. Europe/Budapest
	Stories             []string `yaml:"stories"`  // empty: all
	Mode                string   `yaml:"mode"`     // quote or summary
	SkipUnchanged       *bool    `yaml:"skip_unchanged"`
	IncludeTopQuestions bool     `yaml:"include_top_questions"`
}

// Unchanged reports whether an unchanged story gets a one-line note
// instead of the same digest again (the default).
func (d DigestConfig) Unchanged() bool { return d.SkipUnchanged == nil || *d.SkipUnchanged }

// LimitsConfig caps question rates and sizes.
type LimitsConfig struct {
	PerUser        Rate `yaml:"per_user"`
	PerChannel     Rate `yaml:"per_channel"`
	MaxQuestionLen int  `yaml:"max_question_len"`
}

// StoreConfig configures the embedded database.
type StoreConfig struct {
	Path            string `yaml:"path"`
	LogQuestionText bool   `yaml:"log_question_text"`
}

// DatabaseConfig names a PostgreSQL database shared by several replicas.
// Empty, the store and the queue live in store.path (SQLite).
type DatabaseConfig struct {
	// URL is postgres://user@host:5432/db (STORYBOT_DATABASE_URL). It is
	// treated as a secret: a URL holding a password is refused in the
	// file (set the variable, url_file or STORYBOT_DATABASE_URL_FILE, or
	// keep the password in PGPASSWORD or ~/.pgpass, which pgx reads), and
	// `config show` prints it without its password.
	URL     string `yaml:"url"`
	URLFile string `yaml:"url_file"`
}

// QueueConfig tunes the durable inbox every acknowledged event goes
// through.
type QueueConfig struct {
	// MaxAge is how old an unanswered event may get before it is dropped.
	MaxAge Duration `yaml:"max_age"`
	// Workers is how many events are answered at once.
	Workers int `yaml:"workers"`
	// JobTimeout bounds one try at answering, from when it starts.
	JobTimeout Duration `yaml:"job_timeout"`
	// MaxBacklog is the queue depth above which /readyz says not ready.
	MaxBacklog int `yaml:"max_backlog"`
	// RescueAfter is how long a job may stay running before it is taken
	// to belong to a process that died (kill -9, a lost machine) and is
	// worked again; at least JobTimeout.
	RescueAfter Duration `yaml:"rescue_after"`
}

// HTTPConfig configures the health, metrics and webhook server.
type HTTPConfig struct {
	Addr            string   `yaml:"addr"`
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// PublicURL is where people reach the server (https://bot.example.com),
	// for links to the insights page; empty means no links.
	PublicURL string `yaml:"public_url"`
}

// InsightsConfig is one weekly insights post.
type InsightsConfig struct {
	Name        string `yaml:"name"`
	Platform    string `yaml:"platform"` // slack or discord
	Channel     string `yaml:"channel"`
	WeekdayName string `yaml:"weekday"`  // monday … sunday
	Time        string `yaml:"time"`     // "09:00"
	Timezone    string `yaml:"timezone"` // IANA, e.g. Europe/Budapest
}

// AdminConfig guards the admin pages of the HTTP server.
type AdminConfig struct {
	// Token opens the insights page (as a bearer token or typed into its
	// login form); empty means the page is not served. Secret:
	// STORYBOT_ADMIN_TOKEN or token_file only.
	Token     string `yaml:"token"`
	TokenFile string `yaml:"token_file"`
}

// LoggingConfig configures logs.
type LoggingConfig struct {
	Level           string `yaml:"level"`  // debug, info, warn, error
	Format          string `yaml:"format"` // auto, json, text
	LogQuestionText bool   `yaml:"log_question_text"`
}

// Default returns the configuration storybot uses with no file and no
// environment: the embedded story, quote or auto mode, no platforms.
func Default() Config {
	return Config{
		Stories: StoriesConfig{EmbeddedDefault: true, Watch: true, RescanInterval: Duration(30 * time.Second),
			SharedPollInterval: Duration(30 * time.Second)},
		Answer: AnswerConfig{Mode: "auto", MaxQuotes: 3, Abstain: "normal"},
		LLM: LLMConfig{Temperature: 0.2, Timeout: Duration(20 * time.Second), MaxParagraphs: 6, MaxRetries: 2,
			CacheSize: 256, CacheTTL: Duration(time.Hour)},
		Slack:   SlackConfig{Commands: map[string]string{"ask": "/ask", "quote": "/quote", "digest": "/digest"}},
		Discord: DiscordConfig{Gateway: true, ShardCount: 1},
		Limits: LimitsConfig{PerUser: Rate{N: 10, Per: time.Minute}, PerChannel: Rate{N: 30, Per: time.Minute},
			MaxQuestionLen: 2000},
		Store: StoreConfig{Path: "storybot.db", LogQuestionText: true},
		Queue: QueueConfig{MaxAge: Duration(10 * time.Minute), Workers: 32, JobTimeout: Duration(2 * time.Minute),
			MaxBacklog: 1000, RescueAfter: Duration(5 * time.Minute)},
		HTTP:    HTTPConfig{Addr: "127.0.0.1:8080", ShutdownTimeout: Duration(10 * time.Second)},
		Logging: LoggingConfig{Level: "info", Format: "auto"},
	}
}

// EnvVar is an environment variable storybot reads.
type EnvVar struct {
	Name   string
	Key    string // the config key it sets
	Secret bool
}

// EnvVars lists every environment variable storybot reads. Each secret
// also has a NAME_FILE form naming a file that holds it.
var EnvVars = []EnvVar{
	{"STORYBOT_STORIES", "stories.dir", false},
	{"STORYBOT_MODE", "answer.mode", false},
	{"OPENAI_BASE_URL", "llm.base_url", false},
	{"OPENAI_API_KEY", "llm.api_key", true},
	{"OPENAI_MODEL", "llm.model", false},
	{"SLACK_BOT_TOKEN", "slack.bot_token", true},
	{"SLACK_APP_TOKEN", "slack.app_token", true},
	{"SLACK_SIGNING_SECRET", "slack.signing_secret", true},
	{"SLACK_API_URL", "slack.api_url", false},
	{"DISCORD_TOKEN", "discord.token", true},
	{"DISCORD_APP_ID", "discord.app_id", false},
	{"DISCORD_GUILD_ID", "discord.guild_id", false},
	{"DISCORD_PUBLIC_KEY", "discord.public_key", true},
	{"DISCORD_API_URL", "discord.api_url", false},
	{"DISCORD_SHARD_ID", "discord.shard_id", false},
	{"DISCORD_SHARD_COUNT", "discord.shard_count", false},
	{"STORYBOT_DB", "store.path", false},
	{"STORYBOT_DATABASE_URL", "database.url", true},
	{"STORYBOT_ADMIN_TOKEN", "admin.token", true},
	{"STORYBOT_HTTP_ADDR", "http.addr", false},
	{"STORYBOT_LOG_LEVEL", "logging.level", false},
}

// FieldError is a problem with one configuration key.
type FieldError struct {
	Key string
	Msg string
	// Line is where the key is in the config file; 0 when the problem is
	// not at one place in the file (a value from the environment, a
	// missing key).
	Line int
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: %s (line %d)", e.Key, e.Msg, e.Line)
	}
	return e.Key + ": " + e.Msg
}

// Load builds the configuration: defaults, then the YAML file at path (if
// path is not empty), then the environment, then secrets from *_file
// paths; then it validates, reporting every problem at once.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	var errs []error
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config file: %w", err)
		}
		decodeErrs := c.decode(data)
		for _, err := range decodeErrs {
			var fe *FieldError
			if !errors.As(err, &fe) {
				return c, fmt.Errorf("config file %s: %w", path, err) // unreadable YAML
			}
		}
		errs = append(errs, decodeErrs...)
		errs = append(errs, c.secretsInFile()...)
	}
	if err := c.ApplyEnv(getenv); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.readSecretFiles()...)
	// A public key without a bot token can only mean HTTP interactions,
	// as a signing secret without an app token means Slack HTTP mode.
	if c.Discord.Token == "" && c.Discord.PublicKey != "" {
		c.Discord.Gateway = false
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// secretsInFile refuses secrets written into the YAML file itself.
func (c *Config) secretsInFile() []error {
	var errs []error
	check := func(key, val, env string) {
		if val != "" {
			errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf("secrets do not belong in the config file; set %s or %s_file", env, key)})
		}
	}
	check("llm.api_key", c.LLM.APIKey, "OPENAI_API_KEY")
	check("slack.bot_token", c.Slack.BotToken, "SLACK_BOT_TOKEN")
	check("slack.app_token", c.Slack.AppToken, "SLACK_APP_TOKEN")
	check("slack.signing_secret", c.Slack.SigningSecret, "SLACK_SIGNING_SECRET")
	check("discord.token", c.Discord.Token, "DISCORD_TOKEN")
	check("discord.public_key", c.Discord.PublicKey, "DISCORD_PUBLIC_KEY")
	check("admin.token", c.Admin.Token, "STORYBOT_ADMIN_TOKEN")
	c.Admin.Token = ""
	if URLPassword(c.Database.URL) != "" {
		errs = append(errs, &FieldError{Key: "database.url", Msg: "a password does not belong in the config file; set STORYBOT_DATABASE_URL or database.url_file, or keep it in PGPASSWORD"})
		c.Database.URL = ""
	}
	// Clear them so a rejected secret is never used or printed.
	c.LLM.APIKey, c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret, c.Discord.Token, c.Discord.PublicKey = "", "", "", "", "", ""
	return errs
}

// ApplyEnv overrides the configuration with the environment variables in
// EnvVars (and NAME_FILE for secrets).
func (c *Config) ApplyEnv(getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	set := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set("STORYBOT_STORIES", &c.Stories.Dir)
	set("STORYBOT_MODE", &c.Answer.Mode)
	set("OPENAI_BASE_URL", &c.LLM.BaseURL)
	set("OPENAI_API_KEY", &c.LLM.APIKey)
	set("OPENAI_API_KEY_FILE", &c.LLM.APIKeyFile)
	set("OPENAI_MODEL", &c.LLM.Model)
	set("SLACK_BOT_TOKEN", &c.Slack.BotToken)
	set("SLACK_BOT_TOKEN_FILE", &c.Slack.BotTokenFile)
	set("SLACK_APP_TOKEN", &c.Slack.AppToken)
	set("SLACK_APP_TOKEN_FILE", &c.Slack.AppTokenFile)
	set("SLACK_SIGNING_SECRET", &c.Slack.SigningSecret)
	set("SLACK_SIGNING_SECRET_FILE", &c.Slack.SigningSecretFile)
	set("SLACK_API_URL", &c.Slack.APIURL)
	set("DISCORD_TOKEN", &c.Discord.Token)
	set("DISCORD_TOKEN_FILE", &c.Discord.TokenFile)
	set("DISCORD_APP_ID", &c.Discord.AppID)
	set("DISCORD_GUILD_ID", &c.Discord.GuildID)
	set("DISCORD_PUBLIC_KEY", &c.Discord.PublicKey)
	set("DISCORD_PUBLIC_KEY_FILE", &c.Discord.PublicKeyFile)
	set("DISCORD_API_URL", &c.Discord.APIURL)
	var errs []error
	setInt := func(name, key string, dst *int) {
		v := getenv(name)
		if v == "" {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf("%s=%q is not a whole number", name, v)})
			return
		}
		*dst = n
	}
	setInt("DISCORD_SHARD_ID", "discord.shard_id", &c.Discord.ShardID)
	setInt("DISCORD_SHARD_COUNT", "discord.shard_count", &c.Discord.ShardCount)
	set("STORYBOT_DB", &c.Store.Path)
	set("STORYBOT_DATABASE_URL", &c.Database.URL)
	set("STORYBOT_DATABASE_URL_FILE", &c.Database.URLFile)
	set("STORYBOT_ADMIN_TOKEN", &c.Admin.Token)
	set("STORYBOT_ADMIN_TOKEN_FILE", &c.Admin.TokenFile)
	set("STORYBOT_HTTP_ADDR", &c.HTTP.Addr)
	set("STORYBOT_LOG_LEVEL", &c.Logging.Level)
	// Slack in HTTP mode is what a signing secret without an app token means.
	if getenv("SLACK_SIGNING_SECRET") != "" && getenv("SLACK_APP_TOKEN") == "" && c.Slack.AppToken == "" && c.Slack.Mode == "" {
		c.Slack.Mode = "http"
	}
	return errors.Join(errs...)
}

// readSecretFiles fills secrets from their *_file paths when not set.
func (c *Config) readSecretFiles() []error {
	var errs []error
	read := func(key, path string, dst *string) {
		if path == "" || *dst != "" {
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, &FieldError{Key: key + "_file", Msg: fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))})
			return
		}
		*dst = strings.TrimSpace(string(data))
	}
	read("llm.api_key", c.LLM.APIKeyFile, &c.LLM.APIKey)
	read("slack.bot_token", c.Slack.BotTokenFile, &c.Slack.BotToken)
	read("slack.app_token", c.Slack.AppTokenFile, &c.Slack.AppToken)
	read("slack.signing_secret", c.Slack.SigningSecretFile, &c.Slack.SigningSecret)
	read("discord.token", c.Discord.TokenFile, &c.Discord.Token)
	read("discord.public_key", c.Discord.PublicKeyFile, &c.Discord.PublicKey)
	read("database.url", c.Database.URLFile, &c.Database.URL)
	read("admin.token", c.Admin.TokenFile, &c.Admin.Token)
	return errs
}

// SlackEnabled reports whether the Slack adapter should run.
func (c Config) SlackEnabled() bool { return c.Slack.BotToken != "" }

// SlackSocketMode reports whether Slack runs in Socket Mode.
func (c Config) SlackSocketMode() bool {
	switch c.Slack.Mode {
	case "socket":
		return true
	case "http":
		return false
	}
	return c.Slack.AppToken != "" || c.Slack.SigningSecret == ""
}

// DiscordEnabled reports whether the Discord adapter should run: a bot
// token, or a public key and app id for HTTP interactions only.
func (c Config) DiscordEnabled() bool {
	return c.Discord.Token != "" || (c.Discord.PublicKey != "" && c.Discord.AppID != "")
}

// LLMEnabled reports whether summary mode has an LLM.
func (c Config) LLMEnabled() bool { return c.LLM.Model != "" }

var (
	snowflakeRe = regexp.MustCompile(`^[0-9]{5,25}$`)
	adminRe     = regexp.MustCompile(`^(slack|discord):[A-Za-z0-9_.-]+$`)
)

// Validate reports every problem with the configuration at once, each
// naming its key: "slack.app_token: must start with xapp-".
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	oneOf := func(key, val string, allowed ...string) {
		for _, a := range allowed {
			if val == a {
				return
			}
		}
		bad(key, "%q is not one of %s", val, strings.Join(allowed, ", "))
	}
	if c.Stories.Dir == "" && !c.Stories.EmbeddedDefault {
		bad("stories.dir", "required when stories.embedded_default is false")
	}
	if c.Stories.Dir != "" {
		if fi, err := os.Stat(c.Stories.Dir); err != nil || !fi.IsDir() {
			bad("stories.dir", "%s is not a folder", c.Stories.Dir)
		}
	}
	if c.Stories.RescanInterval < Duration(time.Second) {
		bad("stories.rescan_interval", "must be at least 1s")
	}
	if c.Stories.SharedPollInterval < Duration(time.Second) {
		bad("stories.shared_poll_interval", "must be at least 1s")
	}
	oneOf("answer.mode", c.Answer.Mode, "quote", "summary", "auto")
	if c.Answer.Mode == "summary" && !c.LLMEnabled() {
		bad("answer.mode", "summary needs an LLM: set llm.model (OPENAI_MODEL)")
	}
	if c.Answer.MaxQuotes < 1 || c.Answer.MaxQuotes > 10 {
		bad("answer.max_quotes", "must be between 1 and 10")
	}
	oneOf("answer.abstain", c.Answer.Abstain, "strict", "normal", "lenient")
	if c.LLM.Temperature < 0 || c.LLM.Temperature > 2 {
		bad("llm.temperature", "must be between 0 and 2")
	}
	if c.LLM.Timeout <= 0 {
		bad("llm.timeout", "must be positive")
	}
	if c.LLM.MaxParagraphs < 1 || c.LLM.MaxParagraphs > 20 {
		bad("llm.max_paragraphs", "must be between 1 and 20")
	}
	if c.LLM.BaseURL != "" && !strings.HasPrefix(c.LLM.BaseURL, "http://") && !strings.HasPrefix(c.LLM.BaseURL, "https://") {
		bad("llm.base_url", "must start with http:// or https://")
	}
	if c.LLM.Azure && c.LLM.BaseURL == "" {
		bad("llm.base_url", "required for Azure OpenAI (your resource's endpoint)")
	}
	if c.LLM.MaxRetries < 0 || c.LLM.MaxRetries > 10 {
		bad("llm.max_retries", "must be between 0 and 10")
	}
	if c.Slack.Mode != "" {
		oneOf("slack.mode", c.Slack.Mode, "socket", "http")
	}
	if c.SlackEnabled() || c.Slack.AppToken != "" || c.Slack.SigningSecret != "" {
		if !strings.HasPrefix(c.Slack.BotToken, "xoxb-") {
			bad("slack.bot_token", "must start with xoxb- (the Bot User OAuth Token)")
		}
		if c.SlackSocketMode() && !strings.HasPrefix(c.Slack.AppToken, "xapp-") {
			bad("slack.app_token", "must start with xapp- (an app-level token with connections:write) in socket mode")
		}
		if !c.SlackSocketMode() && c.Slack.SigningSecret == "" {
			bad("slack.signing_secret", "required in http mode")
		}
	}
	if c.Slack.APIURL != "" && !strings.HasPrefix(c.Slack.APIURL, "http") {
		bad("slack.api_url", "must be an http(s) URL")
	}
	for _, k := range []string{"ask", "quote", "digest"} {
		if v, ok := c.Slack.Commands[k]; ok && !strings.HasPrefix(v, "/") {
			bad("slack.commands."+k, "must start with /")
		}
	}
	for k := range c.Slack.Commands {
		if k != "ask" && k != "quote" && k != "digest" {
			bad("slack.commands."+k, "unknown command (ask, quote, digest)")
		}
	}
	if c.DiscordEnabled() || c.Discord.AppID != "" {
		if c.Discord.AppID == "" || !snowflakeRe.MatchString(c.Discord.AppID) {
			bad("discord.app_id", "must be the numeric application id")
		}
		if c.Discord.GuildID != "" && !snowflakeRe.MatchString(c.Discord.GuildID) {
			bad("discord.guild_id", "must be a numeric guild id")
		}
		if c.Discord.PublicKey != "" {
			if b, err := hex.DecodeString(c.Discord.PublicKey); err != nil || len(b) != 32 {
				bad("discord.public_key", "must be 64 hex characters (the application's ed25519 public key)")
			}
		}
		if c.Discord.Token == "" && c.Discord.Gateway {
			bad("discord.token", "required for the gateway (or set discord.gateway: false for HTTP interactions only)")
		}
	}
	if c.Discord.ShardCount < 1 {
		bad("discord.shard_count", "must be at least 1")
	} else if c.Discord.ShardID < 0 || c.Discord.ShardID >= c.Discord.ShardCount {
		bad("discord.shard_id", "must be between 0 and discord.shard_count-1 (%d)", c.Discord.ShardCount-1)
	}
	names := map[string]bool{}
	for i, d := range c.Digests {
		key := fmt.Sprintf("digests[%d]", i)
		c.validatePost(bad, key, "digest", d.Name, d.Platform, d.Channel, names)
		if !validClock(d.Time) {
			bad(key+".time", "%q: want HH:MM (24-hour)", d.Time)
		}
		if d.Timezone == "" {
			bad(key+".timezone", "required (an IANA name such as Europe/Budapest)")
		} else if _, err := time.LoadLocation(d.Timezone); err != nil {
			bad(key+".timezone", "unknown time zone %q", d.Timezone)
		}
		if d.Mode != "" {
			oneOf(key+".mode", d.Mode, "quote", "summary")
		}
	}
	c.validateInsights(bad)
	if c.Limits.MaxQuestionLen < 1 {
		bad("limits.max_question_len", "must be positive")
	}
	for i, a := range c.Admins {
		if !adminRe.MatchString(a) {
			bad(fmt.Sprintf("admins[%d]", i), "%q: want slack:USERID or discord:USERID", a)
		}
	}
	if c.Store.Path == "" {
		bad("store.path", "required")
	}
	if u := c.Database.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		bad("database.url", "must start with postgres:// or postgresql://")
	}
	if c.Queue.MaxAge.D() <= 0 {
		bad("queue.max_age", "must be positive")
	}
	if c.Queue.Workers < 1 {
		bad("queue.workers", "must be at least 1")
	}
	if c.Queue.JobTimeout.D() <= 0 {
		bad("queue.job_timeout", "must be positive")
	}
	if c.Queue.RescueAfter.D() < c.Queue.JobTimeout.D() {
		bad("queue.rescue_after", "must be at least queue.job_timeout (%s)", c.Queue.JobTimeout.D())
	}
	if c.Queue.MaxBacklog < 1 {
		bad("queue.max_backlog", "must be at least 1")
	}
	if c.HTTP.Addr == "" {
		bad("http.addr", "required")
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		bad("http.shutdown_timeout", "must be positive")
	}
	oneOf("logging.level", c.Logging.Level, "debug", "info", "warn", "error")
	oneOf("logging.format", c.Logging.Format, "auto", "json", "text")
	return errors.Join(errs...)
}

func validClock(s string) bool {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) == 0 || len(h) > 2 {
		return false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	return err1 == nil && err2 == nil && hh >= 0 && hh < 24 && mm >= 0 && mm < 60
}

// Secrets returns the secret values in use, so logs can be checked for
// leaks and scrubbed.
func (c Config) Secrets() []string {
	var out []string
	for _, s := range []string{c.LLM.APIKey, c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret, c.Discord.Token, c.Admin.Token} {
		if s != "" {
			out = append(out, s)
		}
	}
	if pw := URLPassword(c.Database.URL); pw != "" {
		out = append(out, c.Database.URL, pw)
	}
	return out
}

// URLPassword returns the password in a database URL, or "" when it has
// none (or is not a URL).
func URLPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// RedactURL returns a database URL without its password, so it can be
// shown and written into a config file; a URL that does not parse is
// replaced whole by "(not a URL)".
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// Duration is a time.Duration written as "20s" in YAML.
type Duration time.Duration

// UnmarshalYAML reads "20s", "1h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration like 20s or 1h", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes a duration as the example file does: "20s", "1m",
// "1h".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String writes the duration as people write it, "1m" rather than Go's
// "1m0s".
func (d Duration) String() string { return shortDuration(time.Duration(d)) }

// shortDuration drops the zero minutes and seconds Go writes after a
// whole number of hours or minutes: 1h0m0s → 1h, 1m0s → 1m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Rate is N events per Per, written "10/1m"; "0" or "" means unlimited.
type Rate struct {
	N   int
	Per time.Duration
}

// ParseRate reads "10/1m", "30/1h" or "0".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Rate{}, nil
	}
	ns, ps, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("%q: want N/duration, like 10/1m", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 0 {
		return Rate{}, fmt.Errorf("%q: %q is not a count", s, ns)
	}
	ps = strings.TrimSpace(ps)
	if ps != "" && (ps[0] < '0' || ps[0] > '9') {
		ps = "1" + ps // "10/m"
	}
	per, err := time.ParseDuration(ps)
	if err != nil || per <= 0 {
		return Rate{}, fmt.Errorf("%q: %q is not a positive duration", s, ps)
	}
	return Rate{N: n, Per: per}, nil
}

// String writes "10/1m", as ParseRate reads it.
func (r Rate) String() string {
	if r.N == 0 {
		return "0"
	}
	return fmt.Sprintf("%d/%s", r.N, shortDuration(r.Per))
}

// UnmarshalYAML reads a rate.
func (r *Rate) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseRate(n.Value)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MarshalYAML writes a rate.
func (r Rate) MarshalYAML() (any, error) { return r.String(), nil }

// validatePost checks what a scheduled post (a digest, a weekly insights
// post) needs: a name no other post of its kind uses, a configured
// platform and a channel.
func (c Config) validatePost(bad func(key, format string, args ...any), key, kind, name, platform, channel string, names map[string]bool) {
	if name == "" {
		bad(key+".name", "required")
	} else if names[name] {
		bad(key+".name", "%q is used by another %s", name, kind)
	}
	names[name] = true
	switch platform {
	case "slack":
		if !c.SlackEnabled() {
			bad(key+".platform", "slack is not configured (SLACK_BOT_TOKEN)")
		}
	case "discord":
		if c.Discord.Token == "" {
			bad(key+".platform", "discord is not configured (DISCORD_TOKEN)")
		}
	default:
		bad(key+".platform", "%q is not one of slack, discord", platform)
	}
	if channel == "" {
		bad(key+".channel", "required")
	}
}
