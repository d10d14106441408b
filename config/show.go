package config

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// secretEnv names, for each secret key, the environment variable that
// sets it; the key's *_file twin and NAME_FILE name files that hold it.
var secretEnv = map[string]string{
	"llm.api_key":          "OPENAI_API_KEY",
	"slack.bot_token":      "SLACK_BOT_TOKEN",
	"slack.app_token":      "SLACK_APP_TOKEN",
	"slack.signing_secret": "SLACK_SIGNING_SECRET",
	"discord.token":        "DISCORD_TOKEN",
	"discord.public_key":   "DISCORD_PUBLIC_KEY",
	"admin.token":          "STORYBOT_ADMIN_TOKEN",
}

// Show renders the effective configuration as a config file in the
// example file's own layout and spelling: every key with the value in
// force, defaults and computed values included (slack.mode: socket,
// skip_unchanged: true), durations as the example writes them (1m, not
// 1m0s). Secrets never appear: each is a comment saying whether it is set
// and where it came from, so the output is also a file `config check`
// accepts. getenv is the environment c was loaded with.
func (c Config) Show(getenv func(string) string) ([]byte, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	eff := c
	if eff.Slack.Mode == "" {
		eff.Slack.Mode = "http"
		if c.SlackSocketMode() {
			eff.Slack.Mode = "socket"
		}
	}
	eff.Digests = slices.Clone(c.Digests)
	for i := range eff.Digests {
		on := eff.Digests[i].Unchanged()
		eff.Digests[i].SkipUnchanged = &on
	}
	root, err := showNode(reflect.ValueOf(eff), "", c, getenv)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("config: render YAML: %w", err)
	}
	return b.Bytes(), nil
}

// showNode renders v, at key path, as a YAML node.
func showNode(v reflect.Value, path string, c Config, getenv func(string) string) (*yaml.Node, error) {
	if m, ok := v.Interface().(yaml.Marshaler); ok {
		out, err := m.MarshalYAML()
		if err != nil {
			return nil, err
		}
		v = reflect.ValueOf(out)
	}
	switch v.Kind() {
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		var pending []string // secrets, said above the key that follows them
		for i := range v.NumField() {
			name := yamlName(v.Type().Field(i))
			if name == "" {
				continue
			}
			key := join(path, name)
			if env, ok := secretEnv[key]; ok {
				pending = append(pending, name+": "+secretSource(key, env, c, getenv))
				continue
			}
			f := v.Field(i)
			if key == "database.url" {
				k := &yaml.Node{Kind: yaml.ScalarNode, Value: name, HeadComment: strings.Join(pending, "\n")}
				pending = nil
				n.Content = append(n.Content, k, databaseURLNode(c, getenv))
				continue
			}
			if strings.HasSuffix(name, "_file") && f.String() == "" {
				continue // the example leaves unused secret files out
			}
			val, err := showNode(f, key, c, getenv)
			if err != nil {
				return nil, err
			}
			k := &yaml.Node{Kind: yaml.ScalarNode, Value: name, HeadComment: strings.Join(pending, "\n")}
			pending = nil
			n.Content = append(n.Content, k, val)
		}
		if len(pending) > 0 {
			n.FootComment = strings.Join(pending, "\n")
		}
		return n, nil
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		if v.Len() == 0 {
			n.Style = yaml.FlowStyle // "[]", as the example writes it
		}
		for i := range v.Len() {
			item, err := showNode(v.Index(i), fmt.Sprintf("%s[%d]", path, i), c, getenv)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, item)
		}
		return n, nil
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			val, err := showNode(v.MapIndex(k), join(path, k.String()), c, getenv)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k.String()}, val)
		}
		return n, nil
	case reflect.Pointer:
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
		}
		return showNode(v.Elem(), path, c, getenv)
	}
	n := &yaml.Node{}
	if err := n.Encode(v.Interface()); err != nil {
		return nil, fmt.Errorf("config: render %s: %w", path, err)
	}
	return n, nil
}

// databaseURLNode shows database.url without its password; when one is
// set, a comment says where the URL came from, as for other secrets.
func databaseURLNode(c Config, getenv func(string) string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: RedactURL(c.Database.URL)}
	if URLPassword(c.Database.URL) != "" {
		n.LineComment = "password: " + secretSource("database.url", "STORYBOT_DATABASE_URL", c, getenv) + "; not shown"
	}
	return n
}

// secretSource says whether the secret at key is set and where from:
// "(set, from SLACK_BOT_TOKEN)", "(set, from the file /run/secrets/slack
// named by slack.bot_token_file)", "(not set)". It follows the order Load
// reads them in: the variable, then NAME_FILE, then the *_file key.
func secretSource(key, env string, c Config, getenv func(string) string) string {
	val, file := secretValue(key, c)
	switch {
	case val == "":
		return "(not set)"
	case getenv(env) != "":
		return "(set, from " + env + ")"
	case getenv(env+"_FILE") != "":
		return "(set, from the file " + getenv(env+"_FILE") + " named by " + env + "_FILE)"
	case file != "":
		return "(set, from the file " + file + " named by " + key + "_file)"
	}
	return "(set)"
}

// secretValue returns the secret at key and its *_file path.
func secretValue(key string, c Config) (val, file string) {
	switch key {
	case "llm.api_key":
		return c.LLM.APIKey, c.LLM.APIKeyFile
	case "slack.bot_token":
		return c.Slack.BotToken, c.Slack.BotTokenFile
	case "slack.app_token":
		return c.Slack.AppToken, c.Slack.AppTokenFile
	case "slack.signing_secret":
		return c.Slack.SigningSecret, c.Slack.SigningSecretFile
	case "discord.token":
		return c.Discord.Token, c.Discord.TokenFile
	case "discord.public_key":
		return c.Discord.PublicKey, c.Discord.PublicKeyFile
	case "database.url":
		return c.Database.URL, c.Database.URLFile
	case "admin.token":
		return c.Admin.Token, c.Admin.TokenFile
	}
	return "", ""
}
