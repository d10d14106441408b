package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
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
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	c, err := Load(filepath.Join("..", "storybot.example.yaml"), envOf(env))
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if c.Limits.PerUser != (Rate{10, time.Minute}) {
		t.Errorf("per_user %v", c.Limits.PerUser)
	}
	if len(c.Digests) != 0 || len(c.Admins) != 0 {
		t.Errorf("the example sets digests %+v and admins %v; they name your own channels and people", c.Digests, c.Admins)
	}
}

// The example's digest is a commented example; uncommented, it is valid.
func TestTheExampleDigestIsValidOnceUncommented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "storybot.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inDigests := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "digests: []"):
			inDigests = true
			line = "digests:"
		case inDigests && strings.HasPrefix(line, "#  "):
			line = strings.TrimPrefix(line, "#")
		default:
			inDigests = false
		}
		out = append(out, line)
	}
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	c, err := Load(writeFile(t, "storybot.yaml", strings.Join(out, "\n")), envOf(env))
	if err != nil {
		t.Fatalf("the uncommented example does not load: %v", err)
	}
	if len(c.Digests) != 1 || c.Digests[0].Timezone != "Europe/Budapest" || !c.Digests[0].Unchanged() {
		t.Errorf("digests %+v", c.Digests)
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
		{"a bad rate is named with its key and line", "limits:\n  per_user: lots\n", nil, `limits.per_user: "lots": want N/duration, like 10/1m (line 2)`},
		{"an unknown key is named with the keys its section takes", "stories:\n  folder: x\n", nil, "stories.folder: unknown key (stories takes dir,"},
		{"a misspelt key is named with the key it misspells", "stories:\n  dri: x\n", nil, "stories.dri: unknown key; did you mean stories.dir? (line 2)"},
		{"a misspelt section is named with the section it misspells", "slak:\n  mode: http\n", nil, "slak: unknown key; did you mean slack? (line 1)"},
		{"a slack mode is checked even with Slack off", "slack:\n  mode: carrier\n", nil, `slack.mode: "carrier" is not one of socket, http`},
		{"a value that is not a number is named with its key", "answer:\n  max_quotes: lots\n", nil, `answer.max_quotes: "lots" is not a whole number (line 2)`},
		{"a list where a list belongs", "admins: slack:U1\n", nil, `admins: "slack:U1": want a list (line 1)`},
		{"a bad duration is named with its key", "http:\n  shutdown_timeout: soon\n", nil, `http.shutdown_timeout: "soon" is not a duration like 20s or 1h (line 2)`},
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

func TestAllProblemsInAFileAreReportedAtOnceEachWithItsKey(t *testing.T) {
	y := `stories:
  dri: ./stories
  rescan_interval: soon
answer:
  mode: vibes
  max_quotes: lots
limits:
  per_user: lots
slack:
  mode: carrier
  comands:
    ask: /ask
digests:
  - name: d
    platform: slack
    channel: C1
    time: "08:00"
    timezone: UTC
    skip_unchanged: sometimes
`
	_, err := Load(writeFile(t, "c.yaml", y), envOf(nil))
	if err == nil {
		t.Fatal("a file full of mistakes loads")
	}
	for _, want := range []string{
		"stories.dri: unknown key; did you mean stories.dir? (line 2)",
		`stories.rescan_interval: "soon" is not a duration like 20s or 1h (line 3)`,
		`answer.mode: "vibes" is not one of quote, summary, auto`,
		`answer.max_quotes: "lots" is not a whole number (line 6)`,
		`limits.per_user: "lots": want N/duration, like 10/1m (line 8)`,
		`slack.mode: "carrier" is not one of socket, http`,
		"slack.comands: unknown key; did you mean slack.commands? (line 11)",
		`digests[0].skip_unchanged: "sometimes" is not true or false (line 19)`,
		"digests[0].platform: slack is not configured",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the errors lack %q:\n%v", want, err)
		}
	}
}

func TestShowSaysWhereEachSecretCameFromWithoutShowingIt(t *testing.T) {
	app := writeFile(t, "app", appToken+"\n")
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN_FILE": app,
		"DISCORD_TOKEN": "discord-planted", "DISCORD_APP_ID": "1234567", "DISCORD_PUBLIC_KEY": pubKey, "OPENAI_API_KEY": "sk-planted"}
	c, err := Load("", envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Show(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, s := range []string{botToken, appToken, "discord-planted", "sk-planted", pubKey} {
		if strings.Contains(out, s) {
			t.Errorf("show prints the secret %q", s)
		}
	}
	for _, want := range []string{
		"# bot_token: (set, from SLACK_BOT_TOKEN)",
		"# app_token: (set, from the file " + app + " named by SLACK_APP_TOKEN_FILE)",
		"# signing_secret: (not set)",
		"# api_key: (set, from OPENAI_API_KEY)",
		"# token: (set, from DISCORD_TOKEN)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		key, _, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch key {
		case "api_key", "bot_token", "app_token", "signing_secret", "token", "public_key":
			t.Errorf("show writes the key %s, which a config file may not hold: %q", key, line)
		}
	}
}

func TestShowWritesEffectiveValuesAsTheExampleDoes(t *testing.T) {
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	y := "digests:\n  - name: d\n    platform: slack\n    channel: C1\n    time: \"08:00\"\n    timezone: UTC\n"
	c, err := Load(writeFile(t, "c.yaml", y), envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Show(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, want := range []string{"  mode: socket\n", "  rescan_interval: 30s\n", "  cache_ttl: 1h\n", "  per_user: 10/1m\n",
		"  shutdown_timeout: 10s\n", "    skip_unchanged: true\n", "admins: []\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	t.Run("its output is a config file that loads to the same configuration", func(t *testing.T) {
		again, err := Load(writeFile(t, "shown.yaml", out), envOf(env))
		if err != nil {
			t.Fatalf("show's output does not load: %v\n%s", err, out)
		}
		b2, err := again.Show(envOf(env))
		if err != nil {
			t.Fatal(err)
		}
		if string(b2) != out {
			t.Errorf("showing the shown file differs:\n%s\nwas:\n%s", b2, out)
		}
	})
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

// keyPaths lists the key paths of a YAML document: "stories.dir",
// "digests[].name".
func keyPaths(t *testing.T, data []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := join(path, n.Content[i].Value)
				out = append(out, p)
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, path+"[]")
			}
		}
	}
	walk(&doc, "")
	return out
}

func TestShowWritesEveryKeyTheExampleDoes(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "storybot.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
	c, err := Load(filepath.Join("..", "storybot.example.yaml"), envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := c.Show(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	have := keyPaths(t, shown)
	for _, k := range keyPaths(t, example) {
		if !slices.Contains(have, k) {
			t.Errorf("show does not write the example's key %s:\n%s", k, shown)
		}
	}
}
