package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
	"github.com/storybot/storybot/stories"
)

const addUsage = "usage: storybot add [--stories DIR] [--allow-private] [--config FILE] PATH|URL\n"

// runAdd saves a story file or a news page into the stories folder, where
// a running storybot's watcher picks it up; with STORYBOT_DATABASE_URL it
// also shares the story with replicas that do not share the folder.
func runAdd(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("add", e)
	dir := fs.String("stories", "", "save into the stories folder `DIR` (default: stories.dir from the configuration or $STORYBOT_STORIES)")
	allowPrivate := fs.Bool("allow-private", false, "allow URLs on private, loopback and link-local addresses")
	cfgPath := fs.String("config", "", "read stories.dir and stories.allow_private_urls from `FILE` (default $STORYBOT_CONFIG, or ./storybot.yaml if present)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		fmt.Fprint(e.stderr, addUsage)
		return exitUsage
	}
	if *dir == "" || *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath, e.getenv)
		if err != nil {
			fmt.Fprintf(e.stderr, "storybot add: the configuration has problems:\n%s\n", indentErrors(err))
			return exitUsage
		}
		if *dir == "" {
			*dir = cfg.Stories.Dir
		}
		*allowPrivate = *allowPrivate || cfg.Stories.AllowPrivateURLs
	}
	if *dir == "" {
		fmt.Fprint(e.stderr, "storybot add: no stories folder: pass --stories DIR, or set stories.dir in the configuration or STORYBOT_STORIES\n"+addUsage)
		return exitUsage
	}
	if err := checkFolder(*dir); err != nil {
		return fail(e, "add", err)
	}
	f, err := stories.NewFetcher(stories.FetcherOptions{
		Dir:          *dir,
		AllowPrivate: *allowPrivate,
		Logger:       slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot add: %v\n", err)
		return exitErr
	}
	r, err := f.Ingest(ctx, pos[0])
	if err != nil {
		if errors.Is(err, knowledge.ErrBadStory) {
			err = badInput(err) // a bad story file, as everywhere else
		}
		code := fail(e, "add", err)
		if errors.Is(err, stories.ErrPrivateAddress) {
			fmt.Fprint(e.stderr, "  (pass --allow-private or set stories.allow_private_urls to fetch from this network)\n")
		}
		return code
	}
	verb := "added"
	switch {
	case r.Unchanged:
		verb = "unchanged"
	case r.Updated:
		verb = "updated"
	}
	content := 0
	for _, p := range r.Story.Paragraphs {
		if p.Kind == knowledge.KindContent {
			content++
		}
	}
	fmt.Fprintf(e.stdout, "%s %s: %d paragraphs (%d content) in %s\n", verb, r.Story.ID, len(r.Story.Paragraphs), content, r.Path)
	if u := e.getenv("STORYBOT_DATABASE_URL"); u != "" {
		// Replicas on PostgreSQL that do not share this folder take the
		// story from the database.
		st, err := store.OpenPostgres(ctx, u)
		if err != nil {
			return fail(e, "add", fmt.Errorf("the story is in %s but was not shared with other replicas: %w", r.Path, err))
		}
		defer st.Close()
		if _, err := shareStoryFile(ctx, st, *dir, r.Story.ID); err != nil {
			return fail(e, "add", fmt.Errorf("the story is in %s but was not shared with other replicas: %w", r.Path, err))
		}
		fmt.Fprintf(e.stdout, "shared %s with the replicas on the database\n", r.Story.ID)
	}
	return exitOK
}
