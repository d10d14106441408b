package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

// diffJSON is the `storybot diff --json` contract.
type diffJSON struct {
	Story       string             `json:"story"`
	Version     string             `json:"version"`
	Previous    string             `json:"previous,omitempty"`
	PreviousAt  string             `json:"previous_first_seen,omitempty"`
	Changes     []knowledge.Change `json:"changes"`
	NoPrevious  bool               `json:"no_previous,omitempty"`
	RecordedNow bool               `json:"recorded_now"`
}

// runDiff is `storybot diff STORY`: it records the story's current version
// in the database if it is new, then shows what changed against the
// version before it, citing paragraphs of the current version.
func runDiff(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("diff", e)
	var c commonFlags
	c.register(fs)
	db := fs.String("db", "", "the database `PATH` holding story versions (default $STORYBOT_DB or storybot.db)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprint(e.stderr, "usage: storybot diff [--stories DIR] [--db PATH] [--json] STORY\n")
		return exitUsage
	}
	lib, err := loadLibrary(c.stories)
	if err != nil {
		return fail(e, "diff", err)
	}
	s, err := findStory(lib, pos[0])
	if err != nil {
		return fail(e, "diff", err)
	}
	var st *store.Store
	if u := e.getenv("STORYBOT_DATABASE_URL"); *db == "" && u != "" {
		st, err = store.OpenPostgres(ctx, u)
	} else {
		st, err = store.Open(ctx, dbPath(*db, e.getenv))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot diff: %v\n", err)
		return exitErr
	}
	defer st.Close()
	cur := knowledge.NewVersion(s)
	recorded, err := st.RecordVersion(ctx, cur, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot diff: %v\n", err)
		return exitErr
	}
	prev, ok, err := st.PreviousVersion(ctx, s.ID, cur.Hash)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot diff: %v\n", err)
		return exitErr
	}
	out := diffJSON{Story: s.ID, Version: cur.Hash, RecordedNow: recorded, NoPrevious: !ok, Changes: []knowledge.Change{}}
	if ok {
		out.Previous, out.PreviousAt = prev.Hash, prev.FirstSeen.Format(time.RFC3339)
		if cs := knowledge.Diff(prev.Paragraphs, cur.Paragraphs); cs != nil {
			out.Changes = cs
		}
	}
	if c.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(out)
		return exitOK
	}
	printDiff(e, s, out, recorded)
	return exitOK
}

func printDiff(e env, s *knowledge.Story, d diffJSON, recorded bool) {
	w := e.stdout
	fmt.Fprintf(w, "%s\n  %s\n", s.ID, s.Title)
	if recorded {
		fmt.Fprintf(w, "  (version %s recorded now)\n", d.Version)
	}
	if d.NoPrevious {
		fmt.Fprintln(w, "\nNo earlier version is on record; run this again after the story changes.")
		return
	}
	if len(d.Changes) == 0 {
		fmt.Fprintf(w, "\nNo changes to its paragraphs since version %s, first seen %s.\n", d.Previous, d.PreviousAt)
		return
	}
	fmt.Fprintf(w, "\nChanges since version %s, first seen %s (¶ numbers are the current version's):\n\n", d.Previous, d.PreviousAt)
	for _, c := range d.Changes {
		switch c.Kind {
		case knowledge.ChangeAdded:
			fmt.Fprintf(w, "+ ¶%d added:\n    “%s” [¶%d]\n", c.New, c.NewText, c.New)
		case knowledge.ChangeEdited:
			fmt.Fprintf(w, "~ ¶%d edited (was ¶%d):\n", c.New, c.Old)
			p := s.Paragraph(c.New)
			spans := s.NewSentences(c.New, c.OldText)
			if len(spans) == 0 {
				fmt.Fprintf(w, "    now: “%s” [¶%d]\n", c.NewText, c.New)
			}
			for _, sp := range spans {
				fmt.Fprintf(w, "    new: “%s” [¶%d]\n", p.Text[sp.Start:sp.End], c.New)
			}
			fmt.Fprintf(w, "    was: “%s”\n", c.OldText)
		case knowledge.ChangeRemoved:
			fmt.Fprintf(w, "- removed (was ¶%d):\n    “%s”\n", c.Old, c.OldText)
		}
	}
}
