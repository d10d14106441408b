package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/storybot/storybot/bot/console"
	"github.com/storybot/storybot/store"
)

// runChat is `storybot chat`: a conversation in the terminal through the
// same handler Slack and Discord use, with the same database as serve, so
// that `changes` and the digest know the stories' earlier versions.
func runChat(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("chat", e)
	stories := fs.String("stories", "", "load every story file in `DIR` instead of the embedded story")
	modeFlag := fs.String("mode", "", "answer `MODE`: quote, summary or auto (default: summary when an LLM is configured)")
	db := fs.String("db", "", "the database `PATH` holding story versions, for changes (default $STORYBOT_DB, or storybot.db if it exists)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage
	}
	mode, ok := parseMode(*modeFlag)
	if !ok {
		fmt.Fprintf(e.stderr, "storybot chat: --mode %q: want quote, summary or auto\n", *modeFlag)
		return exitUsage
	}
	st, err := openStore(ctx, *db, e.getenv)
	if err != nil {
		return fail(e, "chat", err)
	}
	if st != nil {
		defer st.Close()
	}
	h, err := newCLIHandler(*stories, mode, st, e)
	if err != nil {
		return fail(e, "chat", err)
	}
	if st != nil {
		// As serve does at start: the versions being served now are on
		// record, and `changes` compares them with the one before.
		if err := st.RecordLibrary(ctx, h.Library(), time.Now()); err != nil {
			return fail(e, "chat", fmt.Errorf("recording story versions: %w", err))
		}
	}
	a := console.New(h, console.Options{In: e.stdin, Out: e.stdout, Interactive: isTerminal(e.stdin)})
	if err := a.Run(ctx); err != nil {
		fmt.Fprintf(e.stderr, "storybot chat: %v\n", err)
		return exitErr
	}
	return exitOK
}

// openStore opens the database the CLI shares with serve: --db, else
// PostgreSQL at STORYBOT_DATABASE_URL, else STORYBOT_DB, else storybot.db
// in the working directory — the default only when it exists, so that a
// command run anywhere leaves no database behind. It returns nil when
// there is none to open.
func openStore(ctx context.Context, flagValue string, getenv func(string) string) (*store.Store, error) {
	if u := getenv("STORYBOT_DATABASE_URL"); flagValue == "" && u != "" {
		return store.OpenPostgres(ctx, u)
	}
	path := dbPath(flagValue, getenv)
	if flagValue == "" && getenv("STORYBOT_DB") == "" && !store.Exists(path) {
		return nil, nil
	}
	return store.Open(ctx, path)
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
