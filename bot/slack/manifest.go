package slack

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/storybot/storybot/bot"
)

// manifestTemplate is slack-app-manifest.yaml with the parts the code
// decides (slash commands, scopes, events) left to fill in.
//
//go:embed manifest.yaml.tmpl
var manifestTemplate string

var manifestTmpl = template.Must(template.New("manifest").Funcs(template.FuncMap{"yaml": yamlScalar}).
	Parse(manifestTemplate))

// botScopes are the OAuth bot scopes the adapter needs, each with what
// needs it (a comment in the manifest).
var botScopes = []struct{ Name, Why string }{
	{"app_mentions:read", "app_mention"},
	{"assistant:write", "the assistant pane: status, suggested prompts, thread titles"},
	{"channels:history", "message.channels: follow-ups in public threads"},
	{"chat:write", "answers, placeholders and their updates"},
	{"commands", "slash commands"},
	{"groups:history", "message.groups: follow-ups in private threads"},
	{"im:history", "message.im"},
	{"im:read", ""},
	{"im:write", ""},
}

// SlashCommand is one slash command as the Slack app manifest declares it.
type SlashCommand struct {
	Command     string // "/quote"
	Description string
	UsageHint   string // "[who or topic] e.g. Peskov"; empty for a command with no argument
	Runs        string // the bot command it runs: "quote"
}

// SlashCommands is the slash commands storybot declares in its Slack app
// manifest: every bot.Commands entry offered on Slack, under its own name.
func SlashCommands() []SlashCommand {
	var out []SlashCommand
	for _, c := range bot.Commands() {
		if !c.Slack {
			continue
		}
		sc := SlashCommand{Command: "/" + c.Name, Description: c.Description(), Runs: c.Name}
		if c.Arg != nil {
			sc.UsageHint = "[" + c.Arg.Hint + "]"
			if len(c.Examples) > 0 && c.Examples[0] != "" {
				sc.UsageHint += " e.g. " + c.Examples[0]
			}
		}
		out = append(out, sc)
	}
	return out
}

// Manifest returns the Slack app manifest (slack-app-manifest.yaml): the
// bot user, SlashCommands, BotScopes, BotEvents, interactivity for the
// 👍/👎 buttons, and Socket Mode.
func Manifest() ([]byte, error) {
	cmds := SlashCommands()
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
	}
	data := struct {
		SlashList string
		Commands  []SlashCommand
		Scopes    []struct{ Name, Why string }
		Events    []string
	}{joinAnd(names), cmds, botScopes, BotEvents()}
	var b bytes.Buffer
	if err := manifestTmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	return b.Bytes(), nil
}

// yamlScalar renders s as a YAML scalar, quoted when YAML needs it.
func yamlScalar(s string) (string, error) {
	out, err := yaml.Marshal(s)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// joinAnd joins names as prose: "/ask, /quote and /digest".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
