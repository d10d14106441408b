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
	"github.com/storybot/storybot/knowledge"
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
	db := fs.String("db", "", "read story versions and questions from `PATH` (default $STORYBOT_DB, or storybot.db if it exists)")
	tz := fs.String("tz", "", "format dates in this IANA time `ZONE` (default UTC)")
	mode := fs.String("mode", "quote", "`MODE`: quote (key points verbatim) or summary (checked LLM summary)")
	questions := fs.Bool("questions", false, "add the most asked questions about each story")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) > 0 {
		fmt.Fprint(e.stderr, "usage: storybot digest [--json] [--since 24h] [--story ID] [--stories DIR] [--db PATH] [--tz ZONE] [--mode quote|summary] [--questions]\n")
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
	h, err := newCLIHandler(c.stories, "", nil, e)
	if err != nil {
		return fail(e, "digest", err)
	}
	if *storyID != "" {
		if _, err := findStory(h.Library(), *storyID); err != nil {
			return fail(e, "digest", err)
		}
		req.Stories = []string{*storyID}
	}
	b := &digest.Builder{Library: h.Library(), Summarizer: h}
	st, err := openStore(ctx, *db, e.getenv)
	if err != nil {
		return fail(e, "digest", err)
	}
	if st != nil {
		defer st.Close()
		b.History, b.Questions = st, st
	}
	if *since > 0 {
		req.Since = time.Now().Add(-*since)
	}
	d, err := b.Build(ctx, req)
	if err != nil {
		return fail(e, "digest", err)
	}
	if c.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(newDigestJSON(d, req.Location)); err != nil {
			return fail(e, "digest", err)
		}
		return exitOK
	}
	for _, r := range d.Replies() {
		fmt.Fprintln(e.stdout, console.Render(r))
	}
	return exitOK
}

// digestJSON is the `storybot digest --json` contract, one object on one
// line like every --json output: lower-case keys, a cited span as
// {"story", "paragraph", "quote", "speaker"} as in ask and quote, keys
// left out when they have no value, days as YYYY-MM-DD and moments in
// RFC 3339.
type digestJSON struct {
	Date    string            `json:"date"`
	Since   string            `json:"since,omitempty"`
	Stories []storyDigestJSON `json:"stories"`
}

type storyDigestJSON struct {
	ID            string               `json:"id"`
	Headline      string               `json:"headline"`
	Source        string               `json:"source,omitempty"`
	URL           string               `json:"url,omitempty"`
	Status        digest.Status        `json:"status"`
	Skipped       bool                 `json:"skipped,omitempty"`
	Changes       []knowledge.Change   `json:"changes,omitempty"`
	Added         []knowledge.Citation `json:"added,omitempty"`
	KeyPoints     []knowledge.Citation `json:"key_points,omitempty"`
	Summary       string               `json:"summary,omitempty"`
	SummaryQuotes []knowledge.Citation `json:"summary_quotes,omitempty"`
	Model         string               `json:"model,omitempty"`
	Quotes        []knowledge.Citation `json:"quotes,omitempty"`
	Events        []eventJSON          `json:"events,omitempty"`
	TopQuestions  []string             `json:"top_questions,omitempty"`
}

// eventJSON is a date a story mentions: the phrase, the calendar days it
// means (from = to for one day) and how answers write it.
type eventJSON struct {
	Phrase    string `json:"phrase"`
	From      string `json:"from"`
	To        string `json:"to"`
	Label     string `json:"label"`
	Paragraph int    `json:"paragraph"`
}

const day = "2006-01-02"

func newDigestJSON(d digest.Digest, loc *time.Location) digestJSON {
	out := digestJSON{Date: d.Date.In(loc).Format(day), Stories: []storyDigestJSON{}}
	if !d.Since.IsZero() {
		out.Since = d.Since.In(loc).Format(time.RFC3339)
	}
	for _, sd := range d.Stories {
		js := storyDigestJSON{ID: sd.ID, Headline: sd.Headline, Source: sd.Source, URL: sd.URL, Status: sd.Status,
			Skipped: sd.Skipped, Changes: sd.Changes, Added: citations(sd.Added), KeyPoints: citations(sd.KeyPoints),
			Summary: sd.Summary, SummaryQuotes: citations(sd.SummaryQuotes), Model: sd.Model,
			Quotes: citations(sd.Quotes), TopQuestions: sd.TopQuestions}
		for _, ev := range sd.Events {
			js.Events = append(js.Events, eventJSON{Phrase: ev.Phrase, From: ev.From.Format(day), To: ev.To.Format(day),
				Label: ev.Date, Paragraph: ev.Paragraph})
		}
		out.Stories = append(out.Stories, js)
	}
	return out
}

// citations turns quotes into the JSON contract's cited spans.
func citations(qs []bot.Quote) []knowledge.Citation {
	var out []knowledge.Citation
	for _, q := range qs {
		out = append(out, knowledge.Citation{Story: q.Story, Paragraph: q.Paragraph, Quote: q.Text, Speaker: q.Speaker})
	}
	return out
}
