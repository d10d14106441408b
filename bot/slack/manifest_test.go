package slack

import (
	"bytes"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// The manifest users paste into Slack must ask for exactly what the code
// handles: a missing event means a feature silently never fires, a
// missing command means /ask does nothing.
func TestManifestMatchesWhatTheAdapterHandles(t *testing.T) {
	data, err := os.ReadFile("../../slack-app-manifest.yaml")
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
			if c.Command != "/digest" && strings.TrimSpace(c.UsageHint) == "" {
				t.Errorf("%s has no usage hint", c.Command)
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
