package bot_test

import (
	"flag"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
)

var update = flag.Bool("update", false, "rewrite the README's command table from bot.Commands")

// Every command in the table is complete and fits where it is shown:
// Slack and Discord descriptions are short, slash commands are one word,
// and no name or alias calls two commands.
func TestCommandTableIsWellFormed(t *testing.T) {
	cmds := bot.Commands()
	seen := map[string]string{}
	defaults := 0
	for _, c := range cmds {
		t.Run(c.Name+" is well formed", func(t *testing.T) {
			if c.Default {
				defaults++
			}
			for _, name := range append([]string{c.Name}, c.Aliases...) {
				if name != strings.ToLower(name) || strings.TrimSpace(name) != name || strings.Count(name, " ") > 1 {
					t.Errorf("name %q: want one or two lower-case words", name)
				}
				if other, dup := seen[name]; dup {
					t.Errorf("%q calls both %s and %s", name, other, c.Name)
				}
				seen[name] = c.Name
			}
			if n := utf8.RuneCountInString(c.Description()); n == 0 || n > 100 {
				t.Errorf("summary %q: want 1–100 characters", c.Summary)
			}
			if r, _ := utf8.DecodeRuneInString(c.Summary); !unicode.IsLower(r) || strings.HasSuffix(c.Summary, ".") {
				t.Errorf("summary %q: want it to start lower-case, with no full stop", c.Summary)
			}
			if (c.Slack || c.Discord) && strings.Contains(c.Name, " ") {
				t.Errorf("%q is offered as a slash command but is two words", c.Name)
			}
			if a := c.Arg; a != nil {
				if a.Name == "" || a.Hint == "" || a.Name != strings.ToLower(a.Name) || strings.Contains(a.Name, " ") {
					t.Errorf("argument %+v: want a one-word lower-case name and a hint", *a)
				}
				if n := utf8.RuneCountInString(a.Description); n == 0 || n > 100 {
					t.Errorf("argument description %q: want 1–100 characters", a.Description)
				}
				if a.Required && len(c.Examples) == 0 {
					t.Error("a required argument needs an example for the usage line")
				}
			} else if len(c.Examples) > 0 {
				t.Errorf("examples %q for a command that takes no argument", c.Examples)
			}
		})
	}
	if defaults != 1 {
		t.Errorf("%d default commands, want exactly one (for plain questions)", defaults)
	}
}

// Every name and alias of every command, typed as a word or sent as a
// slash command, runs that command: the reply is the one its own name
// gives, and nothing panics.
func TestEveryNameAndAliasRunsItsCommand(t *testing.T) {
	lib := mustLibrary(t)
	newHandler := func() *bot.Handler {
		return bot.NewHandler(bot.Config{Library: lib, Digest: fixedDigest{}, Changes: noVersions{},
			Stories: &adder{}, Admins: []string{"console:admin"}})
	}
	for _, c := range bot.Commands() {
		arg := ""
		if len(c.Examples) > 0 {
			arg = c.Examples[0]
		}
		want := ask(t, newHandler(), bot.Message{Platform: bot.PlatformConsole, User: "admin", Text: c.Name + " " + arg})
		if strings.Contains(want.Text, "something went wrong") {
			t.Fatalf("%s panicked: %q", c.Name, want.Text)
		}
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			word, sub, _ := strings.Cut(name, " ")
			msgs := map[string]bot.Message{
				"typed":        {Text: name + " " + arg},
				"with a slash": {Text: "/" + name + " " + arg},
				"as a slash command": {Command: word,
					Text: strings.TrimSpace(sub + " " + arg)},
			}
			for how, m := range msgs {
				t.Run(name+" "+how+" runs "+c.Name, func(t *testing.T) {
					m.Platform, m.User = bot.PlatformConsole, "admin"
					got := ask(t, newHandler(), m)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%+v (-%s +%s):\n%s", m, c.Name, name, diff)
					}
				})
			}
		}
	}
}

// Given no argument, a command that needs one answers with one line of
// usage and an example, not the whole help; `help <command>` explains the
// command with every example.
func TestHelpExplainsEachCommand(t *testing.T) {
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t), Admins: []string{"console:admin"}})
	for _, c := range bot.Commands() {
		if c.Arg != nil && c.Arg.Required {
			word, sub, _ := strings.Cut(c.Name, " ")
			for how, m := range map[string]bot.Message{
				"typed":              {Text: c.Name},
				"as a slash command": {Command: word, Text: sub},
			} {
				t.Run(c.Name+" "+how+" with no argument shows one line of usage", func(t *testing.T) {
					m.Platform, m.User = bot.PlatformConsole, "admin"
					r := ask(t, h, m)
					want := "Usage: `" + c.Usage() + "` — for example `" + c.Example(0) + "`."
					if r.Kind != bot.KindHelp || r.Text != want {
						t.Errorf("%s %q, want %s %q", r.Kind, r.Text, bot.KindHelp, want)
					}
				})
			}
		}
		t.Run("help "+c.Name+" shows its usage and every example", func(t *testing.T) {
			r := ask(t, h, bot.Message{Text: "help " + c.Name})
			wants := []string{"`" + c.Usage() + "` — " + c.Summary, c.Details}
			for i := range c.Examples {
				wants = append(wants, "`"+c.Example(i)+"`")
			}
			for _, a := range c.Aliases {
				wants = append(wants, "`"+a+"`")
			}
			for _, want := range wants {
				if r.Kind != bot.KindHelp || !strings.Contains(r.Text, want) {
					t.Errorf("%s %q lacks %q", r.Kind, r.Text, want)
				}
			}
			if strings.Contains(r.Text, "I answer questions") {
				t.Errorf("help %s is the whole help:\n%s", c.Name, r.Text)
			}
		})
	}
	t.Run("help lists every command with its summary", func(t *testing.T) {
		r := ask(t, h, bot.Message{Text: "help"})
		for _, c := range bot.Commands() {
			if !strings.Contains(r.Text, "`"+c.Usage()+"`") || !strings.Contains(r.Text, c.Summary) {
				t.Errorf("help lacks %s:\n%s", c.Name, r.Text)
			}
		}
	})
	t.Run("help with a slash before the command name explains it", func(t *testing.T) {
		quote, _ := bot.FindCommand("quote")
		if r := ask(t, h, bot.Message{Command: "help", Text: "/quotes"}); !strings.HasPrefix(r.Text, "`"+quote.Usage()+"`") {
			t.Errorf("help /quotes: %q", r.Text)
		}
	})
}

const (
	tableStart = "<!-- commands:start -->\n"
	tableEnd   = "<!-- commands:end -->"
)

// The README's table of chat commands is the one the command table
// generates. Run `go test ./bot -run README -update` to rewrite it.
func TestREADMECommandTableIsTheGeneratedOne(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, tableStart), strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", strings.TrimSpace(tableStart), tableEnd)
	}
	got, want := readme[i+len(tableStart):j], bot.CommandsMarkdown()
	if *update && got != want {
		readme = readme[:i+len(tableStart)] + want + readme[j:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		got = want
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README.md's command table differs from bot.CommandsMarkdown() (-generated +README); "+
			"run go test ./bot -run README -update:\n%s", diff)
	}
}

func TestSuggestOffersValuesFromEachSource(t *testing.T) {
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t)})
	tests := []struct {
		name   string
		src    bot.Autocomplete
		prefix string
		want   string
	}{
		{"speakers are suggested by a prefix of their name", bot.AutocompleteSpeakers, "pes", "Dmitry Peskov"},
		{"stories are suggested by a word of their id", bot.AutocompleteStories, "rubio", "2025-10-21-rubio-lavrov-meeting-tabled"},
		{"stories are suggested by a word of their title", bot.AutocompleteStories, "hope", "2025-10-21-rubio-lavrov-meeting-tabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.Suggest(tt.src, tt.prefix, 25); !contains(got, tt.want) {
				t.Errorf("Suggest(%s, %q) = %v, want %q among them", tt.src, tt.prefix, got, tt.want)
			}
		})
	}
	t.Run("an argument with no source gets no suggestions", func(t *testing.T) {
		if got := h.Suggest(bot.AutocompleteNone, "p", 25); len(got) != 0 {
			t.Errorf("got %v", got)
		}
	})
}
