package slack

import (
	"bytes"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"github.com/storybot/storybot/bot"
)

const manifestPath = "../../slack-app-manifest.yaml"

// The committed manifest is exactly what `storybot manifest slack`
// prints, so a command added to bot.Commands cannot be missing from it.
// Run `go test ./bot/slack -run Manifest -update` to rewrite it.
func TestCommittedManifestIsTheGeneratedOne(t *testing.T) {
	want, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(manifestPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatalf("read manifest: %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("slack-app-manifest.yaml differs from Manifest() (-generated +committed); "+
			"run go test ./bot/slack -run Manifest -update:\n%s", diff)
	}
}

// Every command the table offers on Slack is a slash command in the
// manifest, under its own name, running itself, and no other is.
func TestSlashCommandsAreTheOnesTheTableOffersOnSlack(t *testing.T) {
	var want []string
	for _, c := range bot.Commands() {
		if c.Slack {
			want = append(want, "/"+c.Name)
		}
	}
	got := slices.Sorted(maps.Keys(DefaultCommands()))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("DefaultCommands %v, want %v", got, want)
	}
	for slash, name := range DefaultCommands() {
		t.Run(slash+" runs the command it is named after", func(t *testing.T) {
			if "/"+name != slash {
				t.Errorf("%s runs %q", slash, name)
			}
		})
	}
	t.Run("today's slash commands are all still offered", func(t *testing.T) {
		for _, slash := range []string{"/ask", "/quote", "/digest"} {
			if _, ok := DefaultCommands()[slash]; !ok {
				t.Errorf("%s is no longer offered", slash)
			}
		}
	})
}

// The manifest users paste into Slack must ask for exactly what the code
// handles: a missing event means a feature silently never fires, a
// missing command means /ask does nothing.
func TestManifestMatchesWhatTheAdapterHandles(t *testing.T) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatalf("read manifest: %v", err)
	}
	var m slackapi.Manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key would be ignored by Slack too
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("parse manifest: %v", err)
	}

	t.Run("the app is called storybot", func(t *testing.T) {
		if m.Display.Name != "storybot" || m.Features.BotUser.DisplayName != "storybot" {
			t.Errorf("names %q / %q", m.Display.Name, m.Features.BotUser.DisplayName)
		}
	})
	t.Run("Socket Mode, interactivity and DMs are on", func(t *testing.T) {
		if !m.Settings.SocketModeEnabled {
			t.Error("socket_mode_enabled is off; the default deployment needs it")
		}
		if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
			t.Error("interactivity is off; 👍/👎 buttons would do nothing")
		}
		if !m.Features.AppHome.MessagesTabEnabled || m.Features.AppHome.MessagesTabReadOnlyEnabled {
			t.Error("the messages tab must be on and writable for people to DM the bot")
		}
	})
	t.Run("the bot events are the ones the adapter handles", func(t *testing.T) {
		if m.Settings.EventSubscriptions == nil {
			t.Fatal("no event_subscriptions")
		}
		got := slices.Sorted(slices.Values(m.Settings.EventSubscriptions.BotEvents))
		if want := slices.Sorted(slices.Values(BotEvents())); !slices.Equal(got, want) {
			t.Errorf("bot_events %v, want %v", got, want)
		}
	})
	t.Run("the slash commands are the ones the adapter handles, each explained", func(t *testing.T) {
		var got []string
		for _, c := range m.Features.SlashCommands {
			got = append(got, c.Command)
			if strings.TrimSpace(c.Description) == "" {
				t.Errorf("%s has no description", c.Command)
			}
			cmd, ok := bot.FindCommand(c.Command)
			if ok && cmd.Arg != nil && strings.TrimSpace(c.UsageHint) == "" {
				t.Errorf("%s takes an argument but has no usage hint", c.Command)
			}
		}
		slices.Sort(got)
		if want := slices.Sorted(maps.Keys(DefaultCommands())); !slices.Equal(got, want) {
			t.Errorf("slash commands %v, want %v", got, want)
		}
	})
	t.Run("the bot scopes cover every event and call", func(t *testing.T) {
		got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
		if want := slices.Sorted(slices.Values(BotScopes())); !slices.Equal(got, want) {
			t.Errorf("bot scopes %v, want %v", got, want)
		}
	})
}
