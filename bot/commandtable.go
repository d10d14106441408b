package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Command is one chat command: the words that call it, how to use it, who
// may run it, where it is offered as a slash command, and the method that
// answers it. Commands lists every command once; parsing and dispatch in
// Handle, the help, Discord's application commands, Slack's app manifest
// and the README's command table are all drawn from that list.
type Command struct {
	// Name is what a user types: one word ("quote"), or two for a
	// subcommand ("story add"). Slash commands use the name as it is.
	Name string
	// Aliases are other words for the command ("quotes"), or, for a
	// subcommand, other pairs of words ("stories add").
	Aliases []string
	// Summary is one line, starting lower-case and without a full stop:
	// the help's list, and the description Slack and Discord show (with a
	// capital there), so at most 100 characters. For an admin command it
	// is a verb phrase: "only storybot's admins can <Summary>".
	Summary string
	// Details are further sentences for `help <command>` and the README.
	Details string
	// Arg is the command's argument, the rest of the message; nil means it
	// takes none (and ignores words after it).
	Arg *Arg
	// Examples are arguments to show in help ("Peskov" for quote); the
	// first is also the example of a one-line usage.
	Examples []string
	// Access says who may run the command.
	Access Access
	// Default marks the command that runs text which names no command:
	// ask, for plain questions.
	Default bool
	// Slack and Discord say whether the command is offered as a slash
	// command there (in slack-app-manifest.yaml; in Discord's registered
	// application commands). Only one-word commands can be.
	Slack, Discord bool

	run func(h *Handler, ctx context.Context, c call) error
}

// Arg is a command's argument.
type Arg struct {
	// Name names the argument where a platform shows names: Discord's
	// option ("who").
	Name string
	// Hint stands for the argument in usage: "who or topic" gives
	// `quote <who or topic>`.
	Hint string
	// Description is one line, at most 100 characters: Discord's option
	// description.
	Description string
	// Required says the command needs the argument; given none, the
	// command answers with its one-line usage.
	Required bool
	// MaxLength caps what Discord lets people type; 0 means Discord's own
	// limit.
	MaxLength int
	// Autocomplete is where suggestions come from as people type it.
	Autocomplete Autocomplete
}

// Access says who may run a command.
type Access int

// Who may run a command.
const (
	Everyone Access = iota
	Admins          // Config.Admins only
)

// Autocomplete names a source of suggestions for an argument.
type Autocomplete string

// The suggestion sources Handler.Suggest knows.
const (
	AutocompleteNone     Autocomplete = ""
	AutocompleteSpeakers Autocomplete = "speakers" // the people the stories quote
	AutocompleteStories  Autocomplete = "stories"  // the ids of the stories loaded
)

// call is one run of a command: the message, its argument and where the
// reply goes.
type call struct {
	cmd *Command
	msg Message
	arg string
	w   ReplyWriter
}

// Commands returns every chat command, in the order help lists them.
func Commands() []Command {
	return []Command{
		{
			Name:    "ask",
			Summary: "ask a question about the news stories",
			Details: "Any message that names no command is a question too. The answer quotes the stories with ¶ " +
				"citations, or is an LLM summary checked against them. In a thread the bot answered, a follow-up " +
				"that leans on what came before (`why?`, `and what did he say next?`, `who said that?`) keeps the " +
				"earlier questions' context; a question that names its own subject is answered as if asked alone. " +
				"Asked what a story is about (`tl;dr?`, `what's this about?`, `catch me up on the bridge vote`), " +
				"it answers with that story's key points, quoted. " +
				"Manners get manners: \"thanks!\", \"hi\", \"lol\" or \"ok, got it\" get a word in kind (and \"hi\" or " +
				"\"what can you do?\" what the bot can do), not a paragraph of the story, and do not count as questions " +
				"for the editors.",
			Arg: &Arg{Name: "question", Hint: "question", Description: "What do you want to know?", Required: true,
				MaxLength: 1000},
			Examples: []string{"why was the Rubio–Lavrov meeting put on hold?"},
			Default:  true, Slack: true, Discord: true,
			run: (*Handler).runAsk,
		},
		{
			Name:    "quote",
			Aliases: []string{"quotes"},
			Summary: "what someone actually said, word for word, or quotations on a topic",
			Details: "Name a person, by name or title, or give a topic. A person who is named but never quoted " +
				"gets “the story quotes no words of …”, never someone else's words.",
			Arg: &Arg{Name: "who", Hint: "who or topic", Description: "A person quoted in the stories, or a topic",
				Required: true, MaxLength: 200, Autocomplete: AutocompleteSpeakers},
			Examples: []string{"Peskov", "Dmitry Peskov", "Kremlin spokesperson", "battle line"},
			Slack:    true, Discord: true,
			run: (*Handler).runQuote,
		},
		{
			Name:    "digest",
			Summary: "the key points of each story, with citations",
			Details: "Per story: the headline, key points and notable quotations verbatim with ¶, dates resolved " +
				"to calendar days, and what changed in the last 24 hours.",
			Slack: true, Discord: true,
			run: func(h *Handler, ctx context.Context, c call) error { return c.w.WriteReply(ctx, h.digest(ctx)) },
		},
		{
			Name:    "changes",
			Aliases: []string{"change", "updates"},
			Summary: "what changed in the newest version of a story, with ¶ citations",
			Details: "Added, edited and removed paragraphs, quoted from the new version; with no story named, every story.",
			Arg: &Arg{Name: "story", Hint: "story", Description: "A story's id or a word of its title",
				Autocomplete: AutocompleteStories},
			Examples: []string{"rubio"},
			run: func(h *Handler, ctx context.Context, c call) error {
				return c.w.WriteReply(ctx, h.changes(ctx, c.arg))
			},
		},
		{
			Name:    "stories",
			Aliases: []string{"story"},
			Summary: "the stories being followed, with their sources",
			run:     func(h *Handler, ctx context.Context, c call) error { return c.w.WriteReply(ctx, h.storiesReply()) },
		},
		{
			Name:    "story add",
			Aliases: []string{"stories add"},
			Summary: "add stories from web pages",
			Details: "Fetches the page, extracts the article and follows it as a story. " +
				"Admins are listed under `admins:` in the configuration.",
			Arg:      &Arg{Name: "url", Hint: "url", Description: "The article's http or https link", Required: true},
			Examples: []string{"https://example.com/news/article.html"},
			Access:   Admins,
			run: func(h *Handler, ctx context.Context, c call) error {
				return c.w.WriteReply(ctx, h.addStory(ctx, c.msg, c.arg))
			},
		},
		{
			Name:    "insights",
			Summary: "see what readers asked in the last 7 days and what the stories did not answer",
			Details: "Per story: questions asked, answered and declined, 👍/👎 and the median answer time; the top " +
				"questions, rewordings counted together; and the questions the stories do not answer, each with the " +
				"passage the bot named instead. The full page is `/insights` on storybot's HTTP server.",
			Access: Admins,
			run: func(h *Handler, ctx context.Context, c call) error {
				return c.w.WriteReply(ctx, h.insights(ctx))
			},
		},
		{
			Name:     "help",
			Aliases:  []string{"?"},
			Summary:  "the commands, or how to use one of them, with examples",
			Arg:      &Arg{Name: "command", Hint: "command", Description: "A command to explain"},
			Examples: []string{"quote"},
			run: func(h *Handler, ctx context.Context, c call) error {
				return c.w.WriteReply(ctx, h.helpFor(c.arg))
			},
		},
	}
}

// FindCommand returns the command called name (or an alias of it), as
// typed: "quote", "/quotes", "story add".
func FindCommand(name string) (Command, bool) {
	cmds := Commands()
	if c := newCommandIndex(cmds).byName(name); c != nil {
		return *c, true
	}
	return Command{}, false
}

// Usage is how the command is written with its argument:
// "quote <who or topic>", "changes [story]", "digest".
func (c Command) Usage() string {
	if c.Arg == nil {
		return c.Name
	}
	if c.Arg.Required {
		return c.Name + " <" + c.Arg.Hint + ">"
	}
	return c.Name + " [" + c.Arg.Hint + "]"
}

// Example returns the command with its nth example argument ("quote
// Peskov"), or just its name when it has no such example.
func (c Command) Example(n int) string {
	if n < 0 || n >= len(c.Examples) || c.Examples[n] == "" {
		return c.Name
	}
	return c.Name + " " + c.Examples[n]
}

// Description is the Summary as a platform shows it, with a capital.
func (c Command) Description() string {
	if c.Summary == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(c.Summary)
	return string(unicode.ToUpper(r)) + c.Summary[size:]
}

// commandIndex finds commands by the words that call them.
type commandIndex struct {
	cmds  []Command
	words map[string]*Command   // one-word names and aliases
	pairs map[string][]namePair // two-word names and aliases, by their first word
	def   *Command
}

// namePair is a two-word name or alias of cmd: its second word.
type namePair struct {
	second string
	cmd    *Command
}

func newCommandIndex(cmds []Command) *commandIndex {
	ix := &commandIndex{cmds: cmds, words: map[string]*Command{}, pairs: map[string][]namePair{}}
	for i := range cmds {
		c := &cmds[i]
		if c.Default {
			ix.def = c
		}
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			first, second, two := strings.Cut(strings.ToLower(name), " ")
			if two {
				ix.pairs[first] = append(ix.pairs[first], namePair{second: second, cmd: c})
			} else {
				ix.words[first] = c
			}
		}
	}
	return ix
}

// lookup finds the command that word (lower-case, without a slash) and
// the text after it call: a subcommand when the text starts with its
// second word ("story" + "add https://…"), else the one-word command.
// arg is what is left for the command.
func (ix *commandIndex) lookup(word, rest string) (c *Command, arg string, ok bool) {
	rest = strings.TrimSpace(rest)
	second, subRest, _ := strings.Cut(rest, " ")
	for _, p := range ix.pairs[word] {
		if strings.EqualFold(second, p.second) {
			return p.cmd, strings.TrimSpace(subRest), true
		}
	}
	if c := ix.words[word]; c != nil {
		return c, rest, true
	}
	return nil, "", false
}

// byName finds a command by one of its names as typed, with or without a
// slash: "quote", "/Quotes", "story add".
func (ix *commandIndex) byName(name string) *Command {
	first, rest, _ := strings.Cut(strings.TrimSpace(name), " ")
	c, arg, ok := ix.lookup(strings.ToLower(strings.TrimPrefix(first, "/")), rest)
	if !ok || arg != "" {
		return nil // "help quote" and "digest now" are not names
	}
	return c
}

// parse reads the command in m and its argument. Plain text that names no
// command runs the default command; a "/word" or slash command that names
// none returns nil and the word, for the help to name.
func (ix *commandIndex) parse(m Message) (c *Command, arg, unknown string) {
	if m.Command != "" {
		word := strings.ToLower(strings.TrimPrefix(m.Command, "/"))
		if c, arg, ok := ix.lookup(word, m.Text); ok {
			return c, arg, ""
		}
		return nil, "", m.Command
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return nil, "", ""
	}
	first, rest, _ := strings.Cut(text, " ")
	word := strings.ToLower(strings.TrimRight(first, ":,"))
	slash := strings.HasPrefix(word, "/")
	word = strings.TrimPrefix(word, "/")
	if c, arg, ok := ix.lookup(word, rest); ok {
		return c, arg, ""
	}
	if slash || ix.def == nil {
		return nil, "", first
	}
	return ix.def, text, ""
}

// run checks who may run c and that it has its argument, then runs it.
func (h *Handler) run(ctx context.Context, c call) error {
	if c.cmd.Access == Admins && !h.isAdmin(c.msg) {
		h.log.Info("command refused: not an admin", "command", c.cmd.Name, "platform", c.msg.Platform, "user", c.msg.User)
		return c.w.WriteReply(ctx, Reply{Kind: KindNotice, Text: fmt.Sprintf(
			"Sorry — only storybot's admins can %s. Ask one of them to do it for you.", c.cmd.Summary)})
	}
	if c.cmd.Arg != nil && c.cmd.Arg.Required && strings.TrimSpace(c.arg) == "" {
		return c.w.WriteReply(ctx, usageReply(c.cmd))
	}
	return c.cmd.run(h, ctx, c)
}

// usageReply is the one line a command given no argument answers with:
// "Usage: `quote <who or topic>` — for example `quote Peskov`."
func usageReply(c *Command) Reply {
	text := "Usage: `" + c.Usage() + "`"
	if ex := c.Example(0); ex != c.Name {
		text += " — for example `" + ex + "`"
	}
	return Reply{Kind: KindHelp, Text: text + "."}
}

// hint is the one line an empty message gets: what to ask and the
// commands to try, drawn from the table, without the whole help.
func (h *Handler) hint() Reply {
	var text string
	var others []string
	for i := range h.commands.cmds {
		c := &h.commands.cmds[i]
		switch {
		case c.Default:
			text = c.Description()
		case c.Access == Everyone && c.Name != "help":
			others = append(others, "`"+c.Usage()+"`")
		}
	}
	if len(others) > 0 {
		text += ", or try " + strings.Join(others, ", ")
	}
	return Reply{Kind: KindHelp, Text: text + " — `help` explains each."}
}

// helpFor answers `help [command]`: how to use the command named, or, when
// arg names none, every command.
func (h *Handler) helpFor(arg string) Reply {
	if arg != "" {
		if c := h.commands.byName(arg); c != nil {
			return Reply{Kind: KindHelp, Text: commandHelp(c)}
		}
	}
	return h.help("")
}

// help lists every command, after a note naming the unknown command that
// brought the user here, if any.
func (h *Handler) help(unknown string) Reply {
	var b strings.Builder
	if unknown != "" {
		fmt.Fprintf(&b, "I don't know the command `%s`.\n\n", unknown)
	}
	b.WriteString("I answer questions about the news stories I follow, quoting them word for word with paragraph citations (¶N).\n")
	for i := range h.commands.cmds {
		c := &h.commands.cmds[i]
		b.WriteString("• `" + c.Usage() + "`")
		if c.Default {
			b.WriteString(", or just the question")
		}
		b.WriteString(" — " + c.Summary)
		if c.Access == Admins {
			b.WriteString(" (admins only)")
		}
		if ex := c.Example(0); ex != c.Name {
			if c.Default {
				ex = c.Examples[0]
			}
			b.WriteString(", e.g. `" + ex + "`")
		}
		b.WriteString(".\n")
	}
	b.WriteString("In a thread I remember the earlier questions, so `why?` and `who said that?` work. " +
		"When a story doesn't say, I tell you so instead of guessing.")
	return Reply{Kind: KindHelp, Text: b.String()}
}

// commandHelp is `help <command>`: usage, summary, details, examples,
// other names and who may run it.
func commandHelp(c *Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "`%s` — %s.", c.Usage(), c.Summary)
	if c.Details != "" {
		b.WriteString("\n" + c.Details)
	}
	if len(c.Examples) > 0 {
		var ex []string
		for i := range c.Examples {
			ex = append(ex, "`"+c.Example(i)+"`")
		}
		if c.Default {
			ex = append(ex, "`"+c.Examples[0]+"`")
		}
		b.WriteString("\nExamples: " + strings.Join(ex, ", ") + ".")
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\nAlso: `" + strings.Join(c.Aliases, "`, `") + "`.")
	}
	if slash := slashNote(c); slash != "" {
		b.WriteString("\nSlash command: " + slash + ".")
	}
	if c.Access == Admins {
		b.WriteString("\nOnly storybot's admins may use it.")
	}
	return b.String()
}

// slashNote says where c is a slash command: "`/quote`" (Slack and
// Discord), "`/quote` on Slack", or "".
func slashNote(c *Command) string {
	switch {
	case c.Slack && c.Discord:
		return "`/" + c.Name + "`"
	case c.Slack:
		return "`/" + c.Name + "` on Slack"
	case c.Discord:
		return "`/" + c.Name + "` on Discord"
	}
	return ""
}

// CommandsMarkdown is the README's table of chat commands, drawn from
// Commands: usage (and slash command), summary, details, examples and
// other names.
func CommandsMarkdown() string {
	var b strings.Builder
	b.WriteString("| command | what it does |\n| --- | --- |\n")
	for _, c := range Commands() {
		name := "`" + c.Usage() + "`"
		if c.Default {
			name = "*any question* or " + name
		}
		if slash := slashNote(&c); slash != "" {
			name += " (" + slash + ")"
		}
		what := c.Summary
		if c.Access == Admins {
			what += " (admins only)"
		}
		what += "."
		if c.Details != "" {
			what += " " + c.Details
		}
		if len(c.Examples) > 0 {
			var ex []string
			for i := range c.Examples {
				ex = append(ex, "`"+c.Example(i)+"`")
			}
			what += " For example " + strings.Join(ex, ", ") + "."
		}
		if len(c.Aliases) > 0 {
			what += " Also `" + strings.Join(c.Aliases, "`, `") + "`."
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name, strings.ReplaceAll(what, "|", `\|`))
	}
	return b.String()
}
