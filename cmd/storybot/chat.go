package main

import (
	"context"
	"fmt"
	"os"

	"github.com/storybot/storybot/bot/console"
)

// runChat is `storybot chat`: a conversation in the terminal through the
// same handler Slack and Discord use.
func runChat(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("chat", e)
	stories := fs.String("stories", "", "load every story file in `DIR` instead of the embedded story")
	modeFlag := fs.String("mode", "", "answer `MODE`: quote, summary or auto (default: summary when an LLM is configured)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	mode, ok := parseMode(*modeFlag)
	if !ok {
		fmt.Fprintf(e.stderr, "storybot chat: --mode %q: want quote, summary or auto\n", *modeFlag)
		return exitUsage
	}
	h, err := newCLIHandler(*stories, mode, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot chat: %v\n", err)
		return exitErr
	}
	a := console.New(h, console.Options{In: e.stdin, Out: e.stdout, Interactive: isTerminal(e.stdin)})
	if err := a.Run(ctx); err != nil {
		fmt.Fprintf(e.stderr, "storybot chat: %v\n", err)
		return exitErr
	}
	return exitOK
}

// isTerminal reports whether r is a character device such as a terminal.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
