// Package digest builds storybot's daily digest — per story: a headline,
// key points quoted verbatim, notable quotes, dated events and what changed
// since the previous digest — and posts it on schedule, at most once per
// digest and local day, to chat channels.
//
// Wiring (cmd/storybot serve):
//
//	st, _ := store.Open(ctx, path)                  // *store.Store is History, Questions and Runs
//	b := &digest.Builder{Library: lib, History: st, Questions: st, Summarizer: handler}
//	s, err := digest.NewScheduler(digest.SchedulerConfig{
//		Specs: specs, Builder: b, Runs: st,
//		Posters: map[string]digest.Poster{"slack": slackAdapter, "discord": discordAdapter},
//		Logger: log,
//	})
//	go s.Run(ctx)
//
// and bot.Config{Digest: b} makes the chat `digest` command use the builder.
package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

// History holds earlier versions of stories (the store, *store.Store).
type History interface {
	// VersionAt returns the newest version of a story first seen at or
	// before t.
	VersionAt(ctx context.Context, storyID string, t time.Time) (knowledge.Version, bool, error)
	// FirstSeen returns when a story was first seen, in any version.
	FirstSeen(ctx context.Context, storyID string) (time.Time, bool, error)
}

// Questions counts what people asked (the store, *store.Store).
type Questions interface {
	// TopQuestions returns the most asked questions since t about a story
	// (all stories when storyID is empty), most asked first.
	TopQuestions(ctx context.Context, since time.Time, storyID string, limit int) ([]string, error)
}

// Summarizer writes a checked summary of one story (*bot.Handler).
type Summarizer interface {
	Answer(ctx context.Context, question string, opts bot.AnswerOptions) (bot.Reply, error)
}

// Request says what one digest covers.
type Request struct {
	// Stories are the story ids to include; empty means all.
	Stories []string
	// Since is when the previous digest went out; zero means never, and
	// the digest then says nothing about changes.
	Since time.Time
	// SkipUnchanged turns a story with nothing new since Since into a
	// one-line "no updates since <date>" instead of the same digest again.
	SkipUnchanged bool
	// TopQuestions adds the most asked questions about each story since
	// Since (or the last day when Since is zero).
	TopQuestions bool
	// Location is the readers' time zone, for the digest's dates
	// (default UTC).
	Location *time.Location
	// Mode summary replaces the key points by a checked LLM summary when
	// the builder has a Summarizer and the LLM answers; otherwise, and in
	// quote mode, key points are quoted verbatim.
	Mode bot.Mode
}

// ErrUnknownStory is wrapped by Build when a request names a story the
// library does not hold.
var ErrUnknownStory = errors.New("no story")

// Builder makes digests from a library. Library is required; History,
// Questions and Summarizer are optional (without History the digest
// cannot say what changed and says so). A Builder is safe for concurrent
// use once set up.
type Builder struct {
	Library    *knowledge.Library
	History    History
	Questions  Questions
	Summarizer Summarizer
	// OnDemand is the request BuildDigest (the chat `digest` command)
	// uses; its zero Since means "the last 24 hours".
	OnDemand Request
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ bot.DigestBuilder = (*Builder)(nil)

// Status says how a story stands since the previous digest.
type Status string

// Story statuses.
const (
	StatusNew       Status = "new"       // first seen since the previous digest
	StatusUpdated   Status = "updated"   // paragraphs changed since then
	StatusUnchanged Status = "unchanged" // nothing new since then
	StatusUnknown   Status = "unknown"   // no earlier digest, or no history on record
)

// Digest is a built digest, platform-neutral; Replies and Reply render
// it, and `storybot digest --json` defines its JSON form.
type Digest struct {
	// Date is when it was built, in the request's location.
	Date    time.Time
	Since   time.Time
	Stories []StoryDigest

	location *time.Location
}

// StoryDigest is one story's part of a digest. Every bot.Quote in it is
// verbatim in the paragraph of the current story version it cites.
type StoryDigest struct {
	ID       string
	Headline string
	Source   string
	URL      string
	Status   Status
	// Changes are the paragraph changes since the previous digest, cited
	// into the current version; Added holds what the additions and edits
	// say, verbatim.
	Changes []knowledge.Change
	Added   []bot.Quote
	// KeyPoints are 3–5 verbatim sentences (quote mode).
	KeyPoints []bot.Quote
	// Summary is the checked LLM summary (summary mode), SummaryQuotes the
	// spans it cites, and Model the LLM that wrote it.
	Summary       string
	SummaryQuotes []bot.Quote
	Model         string
	// Quotes are notable quotations, one per speaker.
	Quotes       []bot.Quote
	Events       []Event
	TopQuestions []string
	// Skipped is set when the story is unchanged and the request asked
	// for a one-line note instead of its full section.
	Skipped bool
}

// Event is a date the story mentions, resolved to the calendar.
type Event struct {
	Phrase    string
	Date      string // "Oct 20, 2025" or a range
	From      time.Time
	To        time.Time
	Paragraph int
}

// BuildDigest builds the on-demand digest as one reply, for the chat
// `digest` command (bot.DigestBuilder).
func (b *Builder) BuildDigest(ctx context.Context) (bot.Reply, error) {
	req := b.OnDemand
	if req.Since.IsZero() {
		req.Since = b.now().Add(-24 * time.Hour)
	}
	d, err := b.Build(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	return d.Reply(), nil
}

func (b *Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Build makes the digest req asks for.
func (b *Builder) Build(ctx context.Context, req Request) (Digest, error) {
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	d := Digest{Date: b.now().In(loc), Since: req.Since, location: loc}
	for _, id := range req.Stories {
		if b.Library.Story(id) == nil {
			return Digest{}, fmt.Errorf("%w %q", ErrUnknownStory, id)
		}
	}
	for _, s := range b.Library.Stories() {
		if len(req.Stories) > 0 && !slices.Contains(req.Stories, s.ID) {
			continue
		}
		sd, err := b.story(ctx, s, req)
		if err != nil {
			return Digest{}, err
		}
		d.Stories = append(d.Stories, sd)
	}
	return d, nil
}

// story builds one story's part.
func (b *Builder) story(ctx context.Context, s *knowledge.Story, req Request) (StoryDigest, error) {
	mk := func(n int, text, speaker string) bot.Quote {
		return bot.Quote{Text: text, Speaker: speaker, Story: s.ID, Paragraph: n, Outlet: s.Outlet, Date: s.Date, URL: s.URL}
	}
	sd := StoryDigest{ID: s.ID, Headline: headline(s.Title), Source: s.Source(), URL: s.URL}
	var err error
	sd.Status, sd.Changes, err = b.changes(ctx, s, req.Since)
	if err != nil {
		return StoryDigest{}, err
	}
	if req.SkipUnchanged && sd.Status == StatusUnchanged {
		sd.Skipped = true
		return sd, nil
	}
	for _, c := range sd.Changes {
		switch c.Kind {
		case knowledge.ChangeAdded:
			sd.Added = append(sd.Added, mk(c.New, c.NewText, ""))
		case knowledge.ChangeEdited:
			p := s.Paragraph(c.New)
			for _, sp := range s.NewSentences(c.New, c.OldText) {
				sd.Added = append(sd.Added, mk(c.New, p.Text[sp.Start:sp.End], ""))
			}
		}
	}

	kp := b.Library.KeyPoints(s.ID, 4)
	if req.Mode == bot.ModeSummary && b.Summarizer != nil {
		sum, err := b.Summarizer.Answer(ctx, "What are the main points of this story?", bot.AnswerOptions{Mode: bot.ModeSummary, Story: s.ID})
		// Only a summary whose citations the handler checked replaces the
		// key points; anything else falls back to the story's own words.
		if err == nil && sum.Mode == bot.ModeSummary && !sum.Abstained && len(sum.Quotes) > 0 {
			sd.Summary, sd.SummaryQuotes, sd.Model = sum.Text, sum.Quotes, sum.Model
			kp = nil
		}
	}
	for _, c := range kp {
		sd.KeyPoints = append(sd.KeyPoints, mk(c.Paragraph, c.Quote, c.Speaker))
	}
	for _, q := range notableQuotes(s, kp, 3) {
		sd.Quotes = append(sd.Quotes, mk(q.Paragraph, q.Text, q.Speaker))
	}
	sd.Events = events(s)
	if req.TopQuestions && b.Questions != nil {
		since := req.Since
		if since.IsZero() {
			since = b.now().Add(-24 * time.Hour)
		}
		qs, err := b.Questions.TopQuestions(ctx, since, s.ID, 3)
		if err != nil {
			return StoryDigest{}, fmt.Errorf("top questions about %s: %w", s.ID, err)
		}
		sd.TopQuestions = qs
	}
	return sd, nil
}

// changes compares a story with its version at the previous digest.
func (b *Builder) changes(ctx context.Context, s *knowledge.Story, since time.Time) (Status, []knowledge.Change, error) {
	if since.IsZero() || b.History == nil {
		return StatusUnknown, nil, nil
	}
	first, ok, err := b.History.FirstSeen(ctx, s.ID)
	if err != nil {
		return "", nil, fmt.Errorf("history of %s: %w", s.ID, err)
	}
	if !ok {
		return StatusUnknown, nil, nil
	}
	if first.After(since) {
		return StatusNew, nil, nil
	}
	old, ok, err := b.History.VersionAt(ctx, s.ID, since)
	if err != nil {
		return "", nil, fmt.Errorf("version of %s at %s: %w", s.ID, since.Format(time.RFC3339), err)
	}
	if !ok {
		return StatusUnknown, nil, nil
	}
	changes := knowledge.Diff(old.Paragraphs, knowledge.ParagraphTexts(s))
	if len(changes) == 0 {
		return StatusUnchanged, nil, nil
	}
	return StatusUpdated, changes, nil
}

// headline is the story's title cut to one line.
func headline(title string) string {
	title = strings.Join(strings.Fields(title), " ")
	if len(title) <= 140 {
		return title
	}
	cut := strings.LastIndexByte(title[:140], ' ')
	if cut <= 0 {
		cut = 140
	}
	return strings.TrimRight(title[:cut], " ,;:") + "…"
}

// notableQuotes picks up to n direct quotations, one per speaker, named
// people first, leaving out those already among the key points.
func notableQuotes(s *knowledge.Story, kp []knowledge.Citation, n int) []knowledge.Quote {
	var out []knowledge.Quote
	seen := map[string]bool{}
	persons := map[string]bool{}
	for _, sp := range s.Speakers {
		persons[sp.Name] = sp.Person
	}
	inKeyPoints := func(q knowledge.Quote) bool {
		for _, c := range kp {
			if c.Paragraph == q.Paragraph && c.Start <= q.Span.Start && q.Span.End <= c.End {
				return true
			}
		}
		return false
	}
	for pass := 0; pass < 2; pass++ {
		for _, q := range s.Quotes {
			if len(out) == n {
				return out
			}
			if q.Speaker == "" || seen[q.Speaker] || persons[q.Speaker] != (pass == 0) || inKeyPoints(q) {
				continue
			}
			if len(strings.Fields(q.Text)) < 5 {
				continue // scare quotes are not statements
			}
			seen[q.Speaker] = true
			out = append(out, q)
		}
	}
	return out
}

// events lists the story's dated references resolved to calendar dates,
// once each, at most six.
func events(s *knowledge.Story) []Event {
	var out []Event
	seen := map[string]bool{}
	for _, d := range s.Dates {
		p := s.Paragraph(d.Paragraph)
		if p == nil || p.Kind != knowledge.KindContent {
			continue
		}
		key := strings.ToLower(d.Phrase) + "|" + d.Label()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Event{Phrase: d.Phrase, Date: d.Label(), From: d.From, To: d.To, Paragraph: d.Paragraph})
		if len(out) == 6 {
			break
		}
	}
	return out
}

// Replies renders the digest as one chat message per story, the first
// with the digest's header, so each story's quotes sit under its own
// headline. A digest with no stories is one message saying so.
func (d Digest) Replies() []bot.Reply {
	header := d.header()
	if len(d.Stories) == 0 {
		return []bot.Reply{{Kind: bot.KindDigest, Mode: bot.ModeQuote, Text: header + "\n\nNo stories to report."}}
	}
	var out []bot.Reply
	for i, sd := range d.Stories {
		r := sd.reply(d.loc(), d.Since)
		if i == 0 {
			r.Text = header + "\n\n" + r.Text
		}
		out = append(out, r)
	}
	return out
}

// Reply renders the whole digest as one message (the chat command).
func (d Digest) Reply() bot.Reply {
	rs := d.Replies()
	r := rs[0]
	var sources []string
	if r.Source != "" {
		sources = append(sources, r.Source)
	}
	for _, x := range rs[1:] {
		r.Text += "\n\n" + x.Text
		r.Quotes = append(r.Quotes, x.Quotes...)
		if x.Source != "" && !slices.Contains(sources, x.Source) {
			sources = append(sources, x.Source)
		}
		if x.Mode == bot.ModeSummary {
			r.Mode, r.Model = x.Mode, x.Model
		}
	}
	r.Source = strings.Join(sources, "; ")
	return r
}

func (d Digest) loc() *time.Location {
	if d.location != nil {
		return d.location
	}
	return time.UTC
}

func (d Digest) header() string {
	return fmt.Sprintf("Daily digest — %s", d.Date.In(d.loc()).Format("Monday, January 2, 2006"))
}

// reply renders one story: headline, what changed (new sentences quoted
// inline with their ¶), the summary if any, dates and questions in the
// text; key points and notable quotes as the reply's quotes.
func (sd StoryDigest) reply(loc *time.Location, since time.Time) bot.Reply {
	r := bot.Reply{Kind: bot.KindDigest, Mode: bot.ModeQuote, Source: sd.Source, Note: "quoted from the stories; ¶ numbers are those of the current versions"}
	lines := []string{fmt.Sprintf("%s — %s", sd.Headline, sd.Source)}
	sinceDate := since.In(loc).Format("Jan 2, 2006")
	if sd.Skipped {
		lines = append(lines, fmt.Sprintf("No updates since %s.", sinceDate))
		r.Text = strings.Join(lines, "\n")
		r.Note = ""
		return r
	}
	switch sd.Status {
	case StatusNew:
		lines = append(lines, "🆕 New since the last digest.")
	case StatusUnchanged:
		lines = append(lines, fmt.Sprintf("No changes since %s.", sinceDate))
	case StatusUpdated:
		lines = append(lines, fmt.Sprintf("What changed since %s:", sinceDate))
		added := map[int][]string{}
		for _, q := range sd.Added {
			added[q.Paragraph] = append(added[q.Paragraph], q.Text)
		}
		for _, c := range sd.Changes {
			switch c.Kind {
			case knowledge.ChangeAdded:
				lines = append(lines, fmt.Sprintf("• added ¶%d: “%s” [¶%d]", c.New, strings.Join(added[c.New], " "), c.New))
			case knowledge.ChangeEdited:
				if news := added[c.New]; len(news) > 0 {
					lines = append(lines, fmt.Sprintf("• edited ¶%d, adding: “%s” [¶%d]", c.New, strings.Join(news, " "), c.New))
				} else {
					lines = append(lines, fmt.Sprintf("• reworded ¶%d", c.New))
				}
			case knowledge.ChangeRemoved:
				lines = append(lines, fmt.Sprintf("• removed a paragraph (was ¶%d)", c.Old))
			}
		}
	}
	if sd.Summary != "" {
		r.Mode, r.Model = bot.ModeSummary, sd.Model
		lines = append(lines, "Summary: "+sd.Summary)
		r.Quotes = append(r.Quotes, sd.SummaryQuotes...)
	}
	if len(sd.Events) > 0 {
		var evs []string
		for _, e := range sd.Events {
			evs = append(evs, fmt.Sprintf("%s = %s (¶%d)", e.Phrase, e.Date, e.Paragraph))
		}
		lines = append(lines, "Dates: "+strings.Join(evs, "; "))
	}
	if len(sd.TopQuestions) > 0 {
		lines = append(lines, "Most asked: "+strings.Join(sd.TopQuestions, " · "))
	}
	switch {
	case len(sd.KeyPoints) > 0 && len(sd.Quotes) > 0:
		lines = append(lines, "Key points and notable quotes:")
	case len(sd.KeyPoints) > 0:
		lines = append(lines, "Key points:")
	case len(sd.Quotes) > 0:
		lines = append(lines, "Notable quotes:")
	}
	r.Quotes = append(r.Quotes, sd.KeyPoints...)
	r.Quotes = append(r.Quotes, sd.Quotes...)
	r.Text = strings.Join(lines, "\n")
	return r
}
