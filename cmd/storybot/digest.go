package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/console"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/store"
)

// dbPath is the database file: --db, else STORYBOT_DB, else storybot.db in
// the working directory (config's default).
func dbPath(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := getenv("STORYBOT_DB"); p != "" {
		return p
	}
	return config.Default().Store.Path
}

// digestSpecs turns the configured digests into scheduler specs, naming
// the key of any that is wrong (serve uses it to wire digest.Scheduler).
func digestSpecs(cfgs []config.DigestConfig) ([]digest.Spec, error) {
	var specs []digest.Spec
	var errs []error
	for i, d := range cfgs {
		loc, err := time.LoadLocation(d.Timezone)
		if err != nil || d.Timezone == "" {
			errs = append(errs, fmt.Errorf("digests[%d].timezone: unknown time zone %q", i, d.Timezone))
			continue
		}
		mode := bot.ModeQuote
		if d.Mode == string(bot.ModeSummary) {
			mode = bot.ModeSummary
		}
		specs = append(specs, digest.Spec{Name: d.Name, Platform: d.Platform, Channel: d.Channel, At: d.Time, Location: loc,
			Request: digest.Request{Stories: d.Stories, SkipUnchanged: d.Unchanged(), TopQuestions: d.IncludeTopQuestions, Mode: mode}})
	}
	return specs, errors.Join(errs...)
}

// runDigest is `storybot digest`: the digest as it would be posted now,
// saying what changed since --since when a database with story versions
// is at hand.
func runDigest(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("digest", e)
	var c commonFlags
	c.register(fs)
	since := fs.Duration("since", 24*time.Hour, "say what changed in the last `DURATION` (0: nothing about changes)")
	storyID := fs.String("story", "", "only the story with this `ID`")
	db := fs.String("db", "", "read story versions and questions from `PATH` (default $STORYBOT_DB or storybot.db, if it exists)")
	tz := fs.String("tz", "", "format dates in this IANA time `ZONE` (default UTC)")
	mode := fs.String("mode", "quote", "`MODE`: quote (key points verbatim) or summary (checked LLM summary)")
	questions := fs.Bool("questions", false, "add the most asked questions about each story")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) > 0 {
		fmt.Fprint(e.stderr, "usage: storybot digest [--json] [--since 24h] [--story ID] [--stories DIR] [--db PATH]\n")
		return exitUsage
	}
	req := digest.Request{Location: time.UTC, TopQuestions: *questions, Mode: bot.Mode(*mode)}
	if *mode != string(bot.ModeQuote) && *mode != string(bot.ModeSummary) {
		fmt.Fprintf(e.stderr, "storybot digest: --mode %q: want quote or summary\n", *mode)
		return exitUsage
	}
	if *tz != "" {
		if req.Location, err = time.LoadLocation(*tz); err != nil {
			fmt.Fprintf(e.stderr, "storybot digest: --tz %q: unknown time zone\n", *tz)
			return exitUsage
		}
	}
	h, err := newCLIHandler(c.stories, "", e)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot digest: %v\n", err)
		return exitErr
	}
	b := &digest.Builder{Library: h.Library(), Summarizer: h}
	path := dbPath(*db, e.getenv)
	if *db != "" || store.Exists(path) {
		st, err := store.Open(ctx, path)
		if err != nil {
			fmt.Fprintf(e.stderr, "storybot digest: %v\n", err)
			return exitErr
		}
		defer st.Close()
		b.History, b.Questions = st, st
	}
	if *since > 0 {
		req.Since = time.Now().Add(-*since)
	}
	if *storyID != "" {
		req.Stories = []string{*storyID}
	}
	d, err := b.Build(ctx, req)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot digest: %v\n", err)
		return exitErr
	}
	if c.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			fmt.Fprintf(e.stderr, "storybot digest: %v\n", err)
			return exitErr
		}
		return exitOK
	}
	for _, r := range d.Replies() {
		fmt.Fprintln(e.stdout, console.Render(r))
	}
	return exitOK
}
