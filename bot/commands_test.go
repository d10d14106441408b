package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

// fixedDigest is a DigestBuilder whose reply says where it came from.
type fixedDigest struct{}

const digestText = "the digest from the builder"

func (fixedDigest) BuildDigest(context.Context) (bot.Reply, error) {
	return bot.Reply{Kind: bot.KindDigest, Text: digestText}, nil
}

// noVersions is a ChangeSource that has never seen an earlier version.
type noVersions struct{}

func (noVersions) PreviousVersion(context.Context, string, string) (knowledge.Version, bool, error) {
	return knowledge.Version{}, false, nil
}

// ran says which command answered a reply, and with what argument:
// "quote Peskov", "digest", "help", "help /weather" (help naming an
// unknown command), "story add https://…".
func ran(r bot.Reply, added []string) string {
	switch {
	case len(added) > 0:
		return "story add " + added[0]
	case r.Kind == bot.KindAnswer:
		return "ask " + r.Question
	case r.Kind == bot.KindQuotes:
		return "quote " + r.Question
	case r.Kind == bot.KindDigest && r.Text == digestText:
		return "digest"
	case r.Kind == bot.KindStories:
		return "stories"
	case strings.HasPrefix(r.Text, "Usage: `story add <url>`"):
		return "story add"
	case strings.Contains(r.Text, "No earlier version is on record"):
		return "changes"
	case strings.HasPrefix(r.Text, "I don't know a story called “"):
		arg, _, _ := strings.Cut(strings.TrimPrefix(r.Text, "I don't know a story called “"), "”")
		return "changes " + arg
	case r.Kind == bot.KindHelp && strings.HasPrefix(r.Text, "Usage: "):
		usage, _, _ := strings.Cut(strings.TrimPrefix(r.Text, "Usage: `"), "`")
		return "usage " + usage
	case r.Kind == bot.KindHelp && strings.HasPrefix(r.Text, "I don't know the command `"):
		name, _, _ := strings.Cut(strings.TrimPrefix(r.Text, "I don't know the command `"), "`")
		return "help " + name
	case r.Kind == bot.KindHelp && !strings.Contains(r.Text, "\n") && strings.HasSuffix(r.Text, "`help` explains each."):
		return "hint"
	case r.Kind == bot.KindHelp && strings.Contains(r.Text, "`quote <who or topic>`") && strings.Contains(r.Text, "`digest`"):
		return "help"
	}
	return string(r.Kind) + ": " + r.Text
}

// Every command, alias and form that works today keeps working: words at
// the start of a message (with a slash, a colon or in capitals), slash
// commands from Slack and Discord, and `story add` as a subcommand.
func TestEveryCommandAliasAndFormStillWorks(t *testing.T) {
	lib := mustLibrary(t)
	const url = "https://example.com/news/1"
	tests := []struct {
		name string
		msg  bot.Message
		want string
	}{
		// Plain text and ask.
		{"a plain question is asked", bot.Message{Text: "Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"ask as the first word asks the rest", bot.Message{Text: "ask Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"ask followed by a colon still asks", bot.Message{Text: "Ask: Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"ask typed with a slash asks", bot.Message{Text: "/ask Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"the ask slash command asks its text", bot.Message{Command: "ask", Text: "Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"a slash command name may keep its slash", bot.Message{Command: "/ask", Text: "Who is Anna Kelly?"}, "ask Who is Anna Kelly?"},
		{"a word that only starts like a command is a question", bot.Message{Text: "quotation marks in ¶9?"}, "ask quotation marks in ¶9?"},
		{"a command word later in the message is a question", bot.Message{Text: "what did the quote say?"}, "ask what did the quote say?"},
		{"ask with nothing after it shows how to use it", bot.Message{Text: "ask"}, "usage ask <question>"},
		{"the ask slash command with no question shows how to use it", bot.Message{Command: "ask"}, "usage ask <question>"},

		// quote and its alias.
		{"quote as the first word quotes the rest", bot.Message{Text: "quote Peskov"}, "quote Peskov"},
		{"quotes is an alias of quote", bot.Message{Text: "quotes Peskov"}, "quote Peskov"},
		{"quote in capitals with a comma still quotes", bot.Message{Text: "QUOTE, Peskov"}, "quote Peskov"},
		{"quote typed with a slash quotes", bot.Message{Text: "/quote Peskov"}, "quote Peskov"},
		{"the quote slash command quotes its text", bot.Message{Command: "quote", Text: "Kremlin spokesperson"}, "quote Kremlin spokesperson"},
		{"the quotes slash command is quote too", bot.Message{Command: "quotes", Text: "Peskov"}, "quote Peskov"},
		{"a slash command name in capitals is understood", bot.Message{Command: "QUOTE", Text: "Peskov"}, "quote Peskov"},
		{"quote with nothing after it shows how to use it", bot.Message{Text: "quote"}, "usage quote <who or topic>"},
		{"the quote slash command with no argument shows how to use it", bot.Message{Command: "quote", Text: "  "}, "usage quote <who or topic>"},

		// digest.
		{"digest shows the digest", bot.Message{Text: "digest"}, "digest"},
		{"digest ignores words after it", bot.Message{Text: "digest please"}, "digest"},
		{"digest typed with a slash shows the digest", bot.Message{Text: "/digest"}, "digest"},
		{"the digest slash command shows the digest", bot.Message{Command: "digest"}, "digest"},

		// stories and its alias.
		{"stories lists the stories", bot.Message{Text: "stories"}, "stories"},
		{"story is an alias of stories", bot.Message{Text: "story"}, "stories"},
		{"stories typed with a slash lists them", bot.Message{Text: "/stories"}, "stories"},
		{"the stories slash command lists them", bot.Message{Command: "stories"}, "stories"},
		{"a word after story that is not add still lists the stories", bot.Message{Text: "story addendum"}, "stories"},

		// changes and its aliases.
		{"changes says what changed in every story", bot.Message{Text: "changes"}, "changes"},
		{"changes names the story after it", bot.Message{Text: "changes zzz"}, "changes zzz"},
		{"change is an alias of changes", bot.Message{Text: "change zzz"}, "changes zzz"},
		{"updates is an alias of changes", bot.Message{Text: "updates zzz"}, "changes zzz"},
		{"the changes slash command names its story", bot.Message{Command: "changes", Text: "zzz"}, "changes zzz"},
		{"the updates slash command is changes too", bot.Message{Command: "updates"}, "changes"},

		// story add, a subcommand.
		{"story add adds a story", bot.Message{Text: "story add " + url}, "story add " + url},
		{"stories add adds a story too", bot.Message{Text: "stories add " + url}, "story add " + url},
		{"story add in capitals adds a story", bot.Message{Text: "STORY ADD " + url}, "story add " + url},
		{"story add typed with a slash adds a story", bot.Message{Text: "/story add " + url}, "story add " + url},
		{"extra spaces between story and add are ignored", bot.Message{Text: "story  add " + url}, "story add " + url},
		{"the story slash command with add adds a story", bot.Message{Command: "story", Text: "add " + url}, "story add " + url},
		{"the stories slash command with add adds a story", bot.Message{Command: "stories", Text: "add " + url}, "story add " + url},
		{"story add with no link shows how to use it", bot.Message{Text: "story add"}, "story add"},

		// help and its alias.
		{"help shows the help", bot.Message{Text: "help"}, "help"},
		{"a question mark is help", bot.Message{Text: "?"}, "help"},
		{"help in capitals is help", bot.Message{Text: "HELP"}, "help"},
		{"help typed with a slash is help", bot.Message{Text: "/help"}, "help"},
		{"the help slash command is help", bot.Message{Command: "help"}, "help"},
		{"help followed by words that name no command is the whole help", bot.Message{Text: "help me please"}, "help"},
		{"an empty message gets a one-line hint, not the whole help", bot.Message{Text: "  "}, "hint"},
		{"a message of only tabs and newlines gets the hint", bot.Message{Text: "\t\n"}, "hint"},
		{"an unknown word with a slash gets help naming it", bot.Message{Text: "/weather today"}, "help /weather"},
		{"an unknown slash command gets help naming it", bot.Message{Command: "frobnicate"}, "help frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			add := &adder{}
			h := bot.NewHandler(bot.Config{Library: lib, Digest: fixedDigest{}, Changes: noVersions{}, Stories: add,
				Admins: []string{"console:admin"}})
			m := tt.msg
			m.Platform, m.User = bot.PlatformConsole, "admin"
			if got := ran(ask(t, h, m), add.urls); got != tt.want {
				t.Errorf("%+v ran %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}
