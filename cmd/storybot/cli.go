package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/console"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

// env is the process's outside world, passed in so tests can run the CLI
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// onListen, if set, is told the address `serve` listens on (tests).
	onListen func(addr string)
}

// Exit codes.
const (
	exitOK    = 0
	exitErr   = 1
	exitUsage = 2
)

const usage = `storybot answers questions about news stories, quoting them verbatim with
paragraph citations (¶N), in the terminal, Slack and Discord.

Usage:
  storybot chat                       chat in the terminal (start here)
  storybot ask [flags] QUESTION...    answer a question ("-" reads one per line from stdin)
  storybot quote [flags] WHO-OR-TOPIC what someone said, or quotations on a topic
  storybot stories [flags]            list the loaded stories
  storybot digest [flags]             print the digest: key points, quotes, dates, what changed
  storybot diff [flags] STORY         what changed in a story since its previous stored version
  storybot insights [flags]           what readers asked: answered, declined, top and unanswered questions
  storybot add [flags] PATH|URL       save a story file or a news page into the stories folder
  storybot serve [--config FILE]      run the Slack and Discord bots, digests, /healthz and /metrics
  storybot config check|show          validate the configuration, or print it with secrets redacted
  storybot manifest slack             print the Slack app manifest (slack-app-manifest.yaml)
  storybot version                    print version information

Flags (ask, quote, stories, chat, digest, diff):
  --stories DIR   load every story file in DIR instead of the embedded story
  --json          print JSON, one object per line (ask, quote, stories, digest, diff)
  --story ID      answer from one story only (ask, digest)
  --mode MODE     quote, summary or auto (ask, chat)
  --db PATH       the database of story versions serve keeps (chat, digest, diff;
                  default $STORYBOT_DB, else storybot.db)

An LLM is used for summaries when OPENAI_MODEL is set (with OPENAI_API_KEY
and OPENAI_BASE_URL for OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp or
LM Studio); without one, answers quote the story verbatim.

Run 'storybot COMMAND --help' for a command's flags.
`

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ask":
		return runAsk(ctx, rest, e)
	case "quote":
		return runQuote(ctx, rest, e)
	case "stories":
		return runStories(ctx, rest, e)
	case "digest":
		return runDigest(ctx, rest, e)
	case "diff":
		return runDiff(ctx, rest, e)
	case "insights":
		return runInsights(ctx, rest, e)
	case "add":
		return runAdd(ctx, rest, e)
	case "chat":
		return runChat(ctx, rest, e)
	case "serve":
		return runServe(ctx, rest, e)
	case "config":
		return runConfig(ctx, rest, e)
	case "manifest":
		return runManifest(ctx, rest, e)
	case "version", "--version":
		return runVersion(e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "storybot: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// commonFlags are the flags every story-reading command takes.
type commonFlags struct {
	stories string
	json    bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.stories, "stories", "", "load every story file in `DIR` instead of the embedded story")
	fs.BoolVar(&c.json, "json", false, "print JSON, one object per line")
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments, so `ask "why?" --json` works as well as `ask --json "why?"`.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// queries returns the positional arguments as one query, or, for "-",
// one query per line of stdin.
func queries(pos []string, stdin io.Reader) (qs []string, batch bool, err error) {
	if len(pos) == 1 && pos[0] == "-" {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			qs = append(qs, sc.Text())
		}
		return qs, true, sc.Err()
	}
	return []string{strings.Join(pos, " ")}, false, nil
}

// askJSON is the stable `ask --json` contract. A question that cannot be
// answered at all (empty, too long) in a batch is still one line: Error
// says why, in the words a single question's error uses.
type askJSON struct {
	Question  string               `json:"question"`
	Abstained bool                 `json:"abstained"`
	Mode      string               `json:"mode"`
	Text      string               `json:"text"`
	Citations []knowledge.Citation `json:"citations"`
	Closest   *knowledge.Citation  `json:"closest,omitempty"`
	Error     string               `json:"error,omitempty"`
	// Why is present with --explain.
	Why *explainJSON `json:"why,omitempty"`
}

// explainJSON is the decision behind an answer, with --explain.
type explainJSON struct {
	Decline   float64                  `json:"decline"`
	Threshold float64                  `json:"threshold"`
	Features  []knowledge.FeatureValue `json:"features"`
	Corrected []string                 `json:"corrected,omitempty"`
	Foreign   bool                     `json:"foreign,omitempty"`
}

const askUsage = "usage: storybot ask [--json] [--explain] [--stories DIR] [--story ID] [--mode quote|summary|auto] QUESTION...\n" +
	"       storybot ask [--json] ... -   (one question per line on stdin)\n"

func runAsk(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("ask", e)
	var c commonFlags
	c.register(fs)
	story := fs.String("story", "", "answer from the story with this `ID` only")
	mode := fs.String("mode", "", "answer `MODE`: quote, summary or auto (default: summary when an LLM is configured)")
	explain := fs.Bool("explain", false, "say why each question was answered or declined: the features and weights of the decision")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	qs, batch, err := queries(pos, e.stdin)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot ask: reading stdin: %v\n", err)
		return exitErr
	}
	if !batch && strings.TrimSpace(qs[0]) == "" {
		fmt.Fprintf(e.stderr, "storybot ask: %v\n%s", knowledge.ErrEmptyQuestion, askUsage)
		return exitUsage
	}
	m, ok := parseMode(*mode)
	if !ok {
		fmt.Fprintf(e.stderr, "storybot ask: --mode %q: want quote, summary or auto\n", *mode)
		return exitUsage
	}
	h, err := newCLIHandler(c.stories, "", nil, e)
	if err != nil {
		return fail(e, "ask", err)
	}
	if *story != "" {
		if _, err := findStory(h.Library(), *story); err != nil {
			return fail(e, "ask", err)
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		r, err := h.Answer(ctx, q, bot.AnswerOptions{Mode: m, Story: *story})
		if err != nil {
			// The same words for one question and for a line of a batch.
			if !batch {
				fmt.Fprintf(e.stderr, "storybot ask: %v\n", err)
				return exitUsage
			}
			if !c.json {
				fmt.Fprintf(e.stderr, "storybot ask: %v\n", err)
				continue
			}
			enc.Encode(askJSON{Question: knowledge.CleanText(q), Abstained: true, Mode: string(bot.ModeQuote),
				Text: err.Error(), Citations: []knowledge.Citation{}, Error: err.Error()})
			continue
		}
		var why *knowledge.Explanation
		if *explain {
			// The quote-mode decision behind the answer, asked again of the
			// library: a summary rests on the same retrieval.
			if a, err := h.Library().Ask(q, knowledge.AskOptions{Story: *story}); err == nil && a.Why.Threshold > 0 {
				why = &a.Why
			}
		}
		if c.json {
			out := askJSON{Question: r.Question, Abstained: r.Abstained, Mode: string(r.Mode), Text: r.Text,
				Citations: []knowledge.Citation{}}
			for _, qt := range r.Quotes {
				out.Citations = append(out.Citations, knowledge.Citation{Story: qt.Story, Paragraph: qt.Paragraph,
					Quote: qt.Text, Speaker: qt.Speaker})
			}
			if why != nil {
				out.Why = &explainJSON{Decline: why.Decline, Threshold: why.Threshold, Features: why.Values(),
					Corrected: why.Corrected, Foreign: why.Foreign}
			}
			enc.Encode(out)
			continue
		}
		fmt.Fprintf(e.stdout, "Q: %s\n\n%s\n", r.Question, console.Render(r))
		if why != nil {
			fmt.Fprintf(e.stdout, "Why: %s", why)
		}
	}
	return exitOK
}

// newCLIHandler loads the stories and builds the handler the CLI commands
// share, with the LLM from OPENAI_* variables when they are set. With a
// store st (chat's), it is wired as serve wires it: earlier story versions
// for `changes`, and history and questions for the digest.
func newCLIHandler(storiesDir string, mode bot.Mode, st *store.Store, e env) (*bot.Handler, error) {
	lib, err := loadLibrary(storiesDir)
	if err != nil {
		return nil, err
	}
	builder := &digest.Builder{Library: lib}
	cfg := bot.Config{Library: lib, Digest: builder, Mode: mode,
		Logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if st != nil {
		cfg.Changes = st
		builder.History, builder.Questions = st, st
	}
	if err := configureLLM(&cfg, e.getenv); err != nil {
		return nil, err
	}
	h := bot.NewHandler(cfg)
	builder.Summarizer = h
	return h, nil
}

// parseMode checks a --mode value: quote, summary, auto, or empty.
func parseMode(s string) (bot.Mode, bool) {
	switch m := bot.Mode(s); m {
	case "", bot.ModeQuote, bot.ModeSummary, bot.ModeAuto:
		return m, true
	}
	return "", false
}

// quoteJSON is the stable `quote --json` contract; Error is set, as in
// ask's, for a line of a batch that cannot be looked up at all.
type quoteJSON struct {
	Query  string               `json:"query"`
	Quotes []knowledge.Citation `json:"quotes"`
	Note   string               `json:"note,omitempty"`
	Error  string               `json:"error,omitempty"`
}

// checkQuery refuses what the quote command cannot look up, in the words
// ask uses for a question.
func checkQuery(q string) error {
	if len(q) > knowledge.MaxQuestionLen {
		return fmt.Errorf("question of %d characters: %w", len(q), knowledge.ErrQuestionTooLong)
	}
	if knowledge.CleanText(q) == "" {
		return knowledge.ErrEmptyQuestion
	}
	return nil
}

func runQuote(_ context.Context, args []string, e env) int {
	fs := newFlagSet("quote", e)
	var c commonFlags
	c.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	qs, batch, err := queries(pos, e.stdin)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot quote: reading stdin: %v\n", err)
		return exitErr
	}
	if !batch && strings.TrimSpace(qs[0]) == "" {
		fmt.Fprintf(e.stderr, "storybot quote: %v\nusage: storybot quote [--json] [--stories DIR] WHO-OR-TOPIC\n", knowledge.ErrEmptyQuestion)
		return exitUsage
	}
	lib, err := loadLibrary(c.stories)
	if err != nil {
		return fail(e, "quote", err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		if err := checkQuery(q); err != nil {
			switch {
			case !batch:
				fmt.Fprintf(e.stderr, "storybot quote: %v\n", err)
				return exitUsage
			case c.json:
				enc.Encode(quoteJSON{Query: knowledge.CleanText(q), Quotes: []knowledge.Citation{}, Note: err.Error(), Error: err.Error()})
			default:
				fmt.Fprintf(e.stderr, "storybot quote: %v\n", err)
			}
			continue
		}
		res := lib.Quotes(q)
		if c.json {
			out := quoteJSON{Query: res.Query, Quotes: []knowledge.Citation{}, Note: res.Note}
			for _, qt := range res.Quotes {
				out.Quotes = append(out.Quotes, knowledge.Citation{Story: qt.Story, Paragraph: qt.Paragraph, Quote: qt.Text, Speaker: qt.Speaker})
			}
			enc.Encode(out)
			continue
		}
		printQuotes(e.stdout, lib, res)
	}
	return exitOK
}

func printQuotes(w io.Writer, lib *knowledge.Library, res knowledge.QuoteResult) {
	switch {
	case res.Speaker != "" && len(res.Quotes) > 0:
		fmt.Fprintf(w, "%s, quoted:\n\n", capitalize(bot.SpeakerPhrase(lib, res)))
	case len(res.Quotes) > 0:
		fmt.Fprintf(w, "Quotations about “%s”:\n\n", res.Query)
	}
	for _, q := range res.Quotes {
		who := ""
		if res.Speaker == "" && q.Speaker != "" {
			who = " — " + q.Speaker
		} else if q.Speaker == "" {
			who = " — (speaker not stated)"
		}
		fmt.Fprintf(w, "  “%s”%s [¶%d, %s]\n", q.Text, who, q.Paragraph, q.Story)
	}
	if res.Note != "" {
		fmt.Fprintf(w, "%s\n", res.Note)
	}
	fmt.Fprintln(w)
}

// capitalize makes the first letter of s upper-case, for a phrase that
// starts a sentence ("A European diplomat, quoted:").
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

type storyJSON struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Date       string   `json:"date,omitempty"`
	Outlet     string   `json:"outlet,omitempty"`
	Authors    []string `json:"authors"`
	URL        string   `json:"url,omitempty"`
	Paragraphs int      `json:"paragraphs"`
	Quotes     int      `json:"quotes"`
}

func runStories(_ context.Context, args []string, e env) int {
	fs := newFlagSet("stories", e)
	var c commonFlags
	c.register(fs)
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	lib, err := loadLibrary(c.stories)
	if err != nil {
		return fail(e, "stories", err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, s := range lib.Stories() {
		if c.json {
			out := storyJSON{ID: s.ID, Title: s.Title, Outlet: s.Outlet, Authors: s.Authors, URL: s.URL,
				Paragraphs: len(s.Paragraphs), Quotes: len(s.Quotes)}
			if !s.Date.IsZero() {
				out.Date = s.Date.Format("2006-01-02")
			}
			if out.Authors == nil {
				out.Authors = []string{}
			}
			enc.Encode(out)
			continue
		}
		fmt.Fprintf(e.stdout, "%s\n  %s\n  %s · %s · %s, %s\n\n", s.ID, s.Title, s.Source(),
			orDash(strings.Join(s.Authors, ", ")), bot.Count(len(s.Paragraphs), "paragraph", "paragraphs"),
			bot.Count(len(s.Quotes), "quotation", "quotations"))
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
