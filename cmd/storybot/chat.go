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
	var c commonFlags
	c.register(fs)
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	h, err := newCLIHandler(c.stories, e)
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
