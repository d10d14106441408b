// Package console is storybot's terminal adapter: `storybot chat`. It
// reads one message per line and prints each reply, so it works both as
// an interactive chat and with a pipe for scripts and tests.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/storybot/storybot/bot"
)

// Handler is what the console needs of the bot.
type Handler interface {
	Handle(ctx context.Context, m bot.Message, w bot.ReplyWriter) error
}

// Options configure the console.
type Options struct {
	In  io.Reader
	Out io.Writer
	// Interactive prints a greeting and a prompt, and shows summaries as
	// they stream; leave it false for pipes.
	Interactive bool
	// User names the person at the terminal (default "you").
	User string
}

// Adapter runs a chat in the terminal.
type Adapter struct {
	h    Handler
	opts Options
}

// New returns a console adapter for h.
func New(h Handler, opts Options) *Adapter {
	if opts.User == "" {
		opts.User = "you"
	}
	return &Adapter{h: h, opts: opts}
}

// Run chats until the input ends, /quit is typed or ctx is done.
func (a *Adapter) Run(ctx context.Context) error {
	out := a.opts.Out
	if a.opts.Interactive {
		fmt.Fprintln(out, "storybot — ask about the story. /quote WHO, /digest, /changes, /stories, /help, /quit.")
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(a.opts.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	n := 0
	for {
		if a.opts.Interactive {
			fmt.Fprint(out, "\n> ")
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			if err := <-errc; err != nil {
				return fmt.Errorf("console: reading input: %w", err)
			}
			return nil
		}
		text := strings.TrimSpace(line)
		if text == "/quit" || text == "/exit" || text == "quit" && a.opts.Interactive {
			return nil
		}
		n++
		m := bot.Message{ID: fmt.Sprint(n), Platform: bot.PlatformConsole, Channel: "console", Thread: "console",
			User: a.opts.User, Text: text, DM: true}
		if cmd, arg, ok := slashCommand(text); ok {
			m.Command, m.Text = cmd, arg
		}
		var w bot.ReplyWriter = &writer{out: out}
		if a.opts.Interactive {
			w = &streamWriter{writer: writer{out: out}}
		}
		if err := a.h.Handle(ctx, m, w); err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
	}
}

// slashCommand splits "/quote Peskov" into ("quote", "Peskov").
func slashCommand(text string) (cmd, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	cmd, arg, _ = strings.Cut(text[1:], " ")
	return cmd, strings.TrimSpace(arg), cmd != ""
}

// writer prints a reply once it is final.
type writer struct {
	out io.Writer
	mu  sync.Mutex
}

func (w *writer) WriteReply(_ context.Context, r bot.Reply) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := io.WriteString(w.out, Render(r)+"\n")
	return err
}

// streamWriter also shows a summary while it streams, printing only what
// is new so the terminal shows the answer growing.
type streamWriter struct {
	writer
	shown string
}

func (w *streamWriter) WritePartial(_ context.Context, text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	text = strings.TrimSuffix(text, " …")
	if !strings.HasPrefix(text, w.shown) {
		return nil
	}
	_, err := io.WriteString(w.out, text[len(w.shown):])
	w.shown = text
	return err
}

func (w *streamWriter) WriteReply(ctx context.Context, r bot.Reply) error {
	w.mu.Lock()
	streamed := w.shown != ""
	w.mu.Unlock()
	if streamed {
		// The streamed text was a draft; print the checked answer in full.
		fmt.Fprint(w.out, "\n\n")
	}
	return w.writer.WriteReply(ctx, r)
}

// Render formats a reply for a terminal: the answer, the cited quotes
// with their ¶ numbers and speakers, and a source line.
func Render(r bot.Reply) string {
	var b strings.Builder
	switch r.Kind {
	case bot.KindQuotes, bot.KindDigest:
		b.WriteString(r.Text + "\n")
		for _, q := range r.Quotes {
			who := ""
			if q.Speaker != "" {
				who = " — " + q.Speaker
			}
			fmt.Fprintf(&b, "  “%s”%s [¶%d]\n", q.Text, who, q.Paragraph)
		}
	case bot.KindAnswer:
		b.WriteString(r.Text + "\n")
		if r.Mode == bot.ModeSummary && len(r.Quotes) > 0 {
			b.WriteString("Sources:\n")
			for _, q := range r.Quotes {
				fmt.Fprintf(&b, "  [¶%d] “%s”\n", q.Paragraph, q.Text)
			}
		}
	default:
		b.WriteString(r.Text + "\n")
	}
	var foot []string
	if r.Note != "" {
		foot = append(foot, r.Note)
	}
	if r.Source != "" {
		foot = append(foot, r.Source)
	}
	if len(foot) > 0 {
		fmt.Fprintf(&b, "(%s)\n", strings.Join(foot, " · "))
	}
	return b.String()
}
