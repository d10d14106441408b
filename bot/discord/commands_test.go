package discord

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
)

// The application commands Discord offers keep what they had: /ask
// question:, /quote who: with autocomplete, and /digest, each usable in
// DMs and explained. Commands added to the table later may join them.
func TestCommandsOfferEveryOptionTheyDidBefore(t *testing.T) {
	type option struct {
		name         string
		required     bool
		autocomplete bool
		maxLength    int
	}
	want := []struct {
		name    string
		options []option
	}{
		{"ask", []option{{name: "question", required: true, maxLength: 1000}}},
		{"quote", []option{{name: "who", required: true, autocomplete: true, maxLength: 200}}},
		{"digest", nil},
	}
	got := map[string]*discordgo.ApplicationCommand{}
	for _, c := range Commands() {
		got[c.Name] = c
	}
	for _, w := range want {
		t.Run("/"+w.name+" is offered with its options", func(t *testing.T) {
			c := got[w.name]
			if c == nil {
				t.Fatalf("/%s is not offered", w.name)
			}
			if c.Contexts == nil || !slices.Contains(*c.Contexts, discordgo.InteractionContextBotDM) || !slices.Contains(*c.Contexts, discordgo.InteractionContextGuild) {
				t.Error("not usable both in servers and in DMs")
			}
			if len(c.Options) != len(w.options) {
				t.Fatalf("%d options, want %d", len(c.Options), len(w.options))
			}
			for j, wo := range w.options {
				o := c.Options[j]
				if o.Name != wo.name || o.Type != discordgo.ApplicationCommandOptionString || o.Required != wo.required ||
					o.Autocomplete != wo.autocomplete || o.MaxLength != wo.maxLength {
					t.Errorf("option %+v, want %+v", *o, wo)
				}
			}
		})
	}
}

// Discord registers exactly the commands the table offers there, in its
// order, each explained within Discord's limits.
func TestCommandsAreTheOnesTheTableOffersOnDiscord(t *testing.T) {
	var want []string
	for _, c := range bot.Commands() {
		if c.Discord {
			want = append(want, c.Name)
		}
	}
	var names []string
	for _, c := range Commands() {
		names = append(names, c.Name)
		t.Run("/"+c.Name+" is explained within Discord's limits", func(t *testing.T) {
			if d := strings.TrimSpace(c.Description); d == "" || len([]rune(d)) > 100 {
				t.Errorf("description %q: want 1–100 characters", c.Description)
			}
			for _, o := range c.Options {
				if d := strings.TrimSpace(o.Description); d == "" || len([]rune(d)) > 100 {
					t.Errorf("option %s description %q: want 1–100 characters", o.Name, o.Description)
				}
			}
		})
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("registered %v, want %v", names, want)
	}
}
