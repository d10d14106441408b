package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	botToken = "xoxb-1-planted-bot-token"
	appToken = "xapp-1-planted-app-token"
	pubKey   = "8d4ab1f7f0c0d3b1b3c4f0a6e1f2d3c4b5a69788776655443322110099887766"
)

func TestTheExampleFileLoadsAndValidates(t *testing.T) {
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken, "DISCORD_TOKEN": "discord-planted"}
	c, err := Load(filepath.Join("..", "storybot.example.yaml"), envOf(env))
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if len(c.Digests) != 1 || c.Digests[0].Timezone != "Europe/Budapest" || !c.Digests[0].Unchanged() {
		t.Errorf("digests %+v", c.Digests)
	}
	if c.Limits.PerUser != (Rate{10, time.Minute}) {
		t.Errorf("per_user %v", c.Limits.PerUser)
	}
}

func TestNoFileAndNoEnvironmentIsAValidLocalSetup(t *testing.T) {
	c, err := Load("", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SlackEnabled() || c.DiscordEnabled() || c.LLMEnabled() || c.Answer.Mode != "auto" {
		t.Fatalf("defaults enable something: %+v", c)
	}
}

func TestValidationNamesEveryBadKey(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		key  string
	}{
		{"a Slack app token of the wrong kind is named", "", map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": "xoxp-user"}, "slack.app_token: must start with xapp-"},
		{"a Slack bot token of the wrong kind is named", "", map[string]string{"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_APP_TOKEN": appToken}, "slack.bot_token: must start with xoxb-"},
		{"http mode needs a signing secret", "slack:\n  mode: http\n", map[string]string{"SLACK_BOT_TOKEN": botToken}, "slack.signing_secret: required in http mode"},
		{"an unknown slack mode is refused", "slack:\n  mode: carrier-pigeon\n", map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "slack.mode"},
		{"a slash command must start with a slash", "slack:\n  commands:\n    ask: ask\n", nil, "slack.commands.ask: must start with /"},
		{"discord needs a numeric app id", "", map[string]string{"DISCORD_TOKEN": "t", "DISCORD_APP_ID": "my-bot"}, "discord.app_id"},
		{"a discord public key must be ed25519 hex", "", map[string]string{"DISCORD_TOKEN": "t", "DISCORD_APP_ID": "1234567", "DISCORD_PUBLIC_KEY": "abc"}, "discord.public_key"},
		{"a digest with an unknown time zone is refused", "digests:\n  - name: d\n    platform: slack\n    channel: C1\n    time: \"08:00\"\n    timezone: Mars/Olympus\n", map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "digests[0].timezone: unknown time zone"},
		{"a digest without a channel is refused", "digests:\n  - name: d\n    platform: slack\n    time: \"08:00\"\n    timezone: UTC\n", map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "digests[0].channel: required"},
		{"a digest for an unconfigured platform is refused", "digests:\n  - name: d\n    platform: discord\n    channel: \"1\"\n    time: \"08:00\"\n    timezone: UTC\n", nil, "digests[0].platform: discord is not configured"},
		{"a digest time must be HH:MM", "digests:\n  - name: d\n    platform: slack\n    channel: C\n    time: 8am\n    timezone: UTC\n", map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "digests[0].time"},
		{"summary mode needs an LLM", "answer:\n  mode: summary\n", nil, "answer.mode: summary needs an LLM"},
		{"an unknown answer mode is refused", "answer:\n  mode: vibes\n", nil, "answer.mode"},
		{"admins must name a platform", "admins: [bob]\n", nil, "admins[0]"},
		{"a bad rate is named with its line", "limits:\n  per_user: lots\n", nil, "line 2"},
		{"an unknown key is named", "stories:\n  folder: x\n", nil, "field folder not found"},
		{"a secret written in the file is refused", "llm:\n  api_key: sk-in-file\n", nil, "llm.api_key: secrets do not belong in the config file"},
		{"an unreadable secret file is named", "", map[string]string{"OPENAI_API_KEY_FILE": "/no/such/secret"}, "llm.api_key_file: cannot read"},
		{"a stories folder that does not exist is named", "stories:\n  dir: /no/such/folder\n", nil, "stories.dir"},
		{"an unknown log level is refused", "logging:\n  level: chatty\n", nil, "logging.level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, "storybot.yaml", tt.yaml)
			}
			_, err := Load(path, envOf(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("error %v, want it to mention %q", err, tt.key)
			}
			if strings.Contains(err.Error(), "sk-in-file") {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
}

func TestAllProblemsAreReportedAtOnce(t *testing.T) {
	y := "answer:\n  mode: vibes\n  max_quotes: 99\nlogging:\n  level: chatty\n"
	_, err := Load(writeFile(t, "c.yaml", y), envOf(map[string]string{"SLACK_BOT_TOKEN": "nope"}))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err %v is not a FieldError", err)
	}
	for _, key := range []string{"answer.mode", "answer.max_quotes", "logging.level", "slack.bot_token"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error lacks %s:\n%v", key, err)
		}
	}
}

func TestTheEnvironmentOverridesTheFile(t *testing.T) {
	y := "http:\n  addr: 0.0.0.0:9000\nstore:\n  path: file.db\nanswer:\n  mode: quote\n"
	c, err := Load(writeFile(t, "c.yaml", y), envOf(map[string]string{"STORYBOT_DB": "env.db", "STORYBOT_MODE": "auto"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Path != "env.db" || c.HTTP.Addr != "0.0.0.0:9000" || c.Answer.Mode != "auto" {
		t.Fatalf("got store %q, addr %q, mode %q", c.Store.Path, c.HTTP.Addr, c.Answer.Mode)
	}
}

func TestSecretsComeFromFiles(t *testing.T) {
	bot := writeFile(t, "bot", botToken+"\n")
	app := writeFile(t, "app", "  "+appToken+"  ")
	t.Run("from NAME_FILE variables", func(t *testing.T) {
		c, err := Load("", envOf(map[string]string{"SLACK_BOT_TOKEN_FILE": bot, "SLACK_APP_TOKEN_FILE": app}))
		if err != nil || c.Slack.BotToken != botToken || c.Slack.AppToken != appToken {
			t.Fatalf("got %q %q, %v", c.Slack.BotToken, c.Slack.AppToken, err)
		}
	})
	t.Run("from _file keys in the config file", func(t *testing.T) {
		y := "slack:\n  bot_token_file: " + bot + "\n  app_token_file: " + app + "\n"
		c, err := Load(writeFile(t, "c.yaml", y), envOf(nil))
		if err != nil || !c.SlackEnabled() || !c.SlackSocketMode() {
			t.Fatalf("slack not enabled from files: %v", err)
		}
	})
}

func TestASigningSecretAloneMeansHTTPMode(t *testing.T) {
	c, err := Load("", envOf(map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_SIGNING_SECRET": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SlackSocketMode() {
		t.Fatal("socket mode chosen without an app token")
	}
}

func TestRedactedConfigShowsNoSecret(t *testing.T) {
	c, err := Load("", envOf(map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken,
		"DISCORD_TOKEN": "discord-planted", "DISCORD_APP_ID": "1234567", "DISCORD_PUBLIC_KEY": pubKey, "OPENAI_API_KEY": "sk-planted"}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Redacted().YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{botToken, appToken, "discord-planted", "sk-planted", pubKey} {
		if strings.Contains(string(out), s) {
			t.Errorf("config show prints the secret %q", s)
		}
	}
	if !strings.Contains(string(out), "[redacted]") {
		t.Errorf("no redaction marker in:\n%s", out)
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		ok   bool
	}{
		{"10/1m", Rate{10, time.Minute}, true},
		{"30/1h", Rate{30, time.Hour}, true},
		{"5/m", Rate{5, time.Minute}, true},
		{"0", Rate{}, true},
		{"", Rate{}, true},
		{"ten/1m", Rate{}, false},
		{"10", Rate{}, false},
		{"10/0s", Rate{}, false},
		{"-1/1m", Rate{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseRate(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"10/1m", "0", "", "5/m", "1/1h30m", "x/y", "/", "9999999999999999999/1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err == nil && r.N > 0 && r.Per <= 0 {
			t.Fatalf("ParseRate(%q) = %v: positive count with no period", s, r)
		}
	})
}

func TestAPublicKeyWithoutATokenMeansDiscordHTTPInteractions(t *testing.T) {
	c, err := Load("", func(k string) string {
		return map[string]string{"DISCORD_APP_ID": "100000000000000002", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Discord.Gateway || !c.DiscordEnabled() {
		t.Errorf("gateway %v, enabled %v: want HTTP interactions only", c.Discord.Gateway, c.DiscordEnabled())
	}
}
