package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/bot/insights"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/knowledge"
)

const insightsUsage = "usage: storybot insights [--json] [--since 7d] [--story ID] [--db PATH] [--stories DIR] [--tz ZONE]\n"

// runInsights is `storybot insights`: what readers asked, from the
// question log and the 👍/👎 clicks in the database serve keeps.
func runInsights(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("insights", e)
	var c commonFlags
	c.register(fs)
	since := fs.String("since", "7d", "cover the last `PERIOD`: days (7d) or a duration (36h)")
	storyID := fs.String("story", "", "only questions about the story with this `ID`")
	db := fs.String("db", "", "read the question log from `PATH` (default $STORYBOT_DB, or storybot.db if it exists)")
	tz := fs.String("tz", "", "count days in this IANA time `ZONE` (default UTC)")
	limit := fs.Int("limit", 10, "list at most `N` questions of each kind")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) > 0 {
		fmt.Fprint(e.stderr, insightsUsage)
		return exitUsage
	}
	period, err := insights.ParseSince(*since)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot insights: --since %v\n", err)
		return exitUsage
	}
	loc := time.UTC
	if *tz != "" {
		if loc, err = time.LoadLocation(*tz); err != nil {
			fmt.Fprintf(e.stderr, "storybot insights: --tz %q: unknown time zone\n", *tz)
			return exitUsage
		}
	}
	// The stories only name themselves; a question may be about a story
	// no longer loaded, so --story is not checked against them.
	lib, err := loadLibrary(c.stories)
	if err != nil {
		return fail(e, "insights", err)
	}
	st, err := openStore(ctx, *db, e.getenv)
	if err != nil {
		return fail(e, "insights", err)
	}
	if st == nil {
		return fail(e, "insights", errors.New("no database: insights read the question log `storybot serve` keeps (--db PATH or STORYBOT_DB)"))
	}
	defer st.Close()
	now := time.Now()
	rep, err := insights.Build(ctx, st, insights.Request{Since: now.Add(-period), Until: now, Story: *storyID, Limit: *limit,
		Location: loc, Title: storyTitle(lib)})
	if err != nil {
		return fail(e, "insights", err)
	}
	if c.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return fail(e, "insights", err)
		}
		return exitOK
	}
	fmt.Fprint(e.stdout, rep.Text())
	return exitOK
}

// storyTitle names stories by their titles, cut to 80 bytes at a word
// (a story without a headline has its first paragraph as its title), for
// insights.
func storyTitle(lib *knowledge.Library) func(id string) string {
	return func(id string) string {
		if lib == nil {
			return ""
		}
		s := lib.Story(id)
		if s == nil {
			return ""
		}
		title := strings.Join(strings.Fields(s.Title), " ")
		if len(title) <= 80 {
			return title
		}
		cut := strings.LastIndexByte(title[:80], ' ')
		if cut <= 0 {
			cut = 80
		}
		return strings.TrimRight(title[:cut], " ,;:") + "…"
	}
}

// insightsSpecs turns the configured weekly insights posts into specs,
// naming the key of any that is wrong (serve uses it).
func insightsSpecs(cfgs []config.InsightsConfig) ([]insights.WeeklySpec, error) {
	var specs []insights.WeeklySpec
	var errs []error
	for i, ic := range cfgs {
		loc, err := time.LoadLocation(ic.Timezone)
		if err != nil || ic.Timezone == "" {
			errs = append(errs, fmt.Errorf("insights[%d].timezone: unknown time zone %q", i, ic.Timezone))
			continue
		}
		wd, ok := ic.Weekday()
		if !ok {
			errs = append(errs, fmt.Errorf("insights[%d].weekday: %q is not a day of the week", i, ic.WeekdayName))
			continue
		}
		specs = append(specs, insights.WeeklySpec{Name: ic.Name, Platform: ic.Platform, Channel: ic.Channel, Weekday: wd,
			At: ic.Time, Location: loc})
	}
	return specs, errors.Join(errs...)
}

// insightsPageURL is the page's address under http.public_url, or "".
func insightsPageURL(publicURL string) string {
	if publicURL == "" {
		return ""
	}
	return strings.TrimRight(publicURL, "/") + "/insights"
}

// insightsReply builds the admins' `insights` chat reply from the store:
// the last seven days, short, linking the page when http.public_url is set.
type insightsReply struct {
	src     insights.Source
	title   func(string) string
	pageURL string
}

// BuildInsights implements bot.InsightsBuilder.
func (b insightsReply) BuildInsights(ctx context.Context) (bot.Reply, error) {
	now := time.Now()
	rep, err := insights.Build(ctx, b.src, insights.Request{Since: now.Add(-7 * 24 * time.Hour), Until: now, Limit: 5,
		Title: b.title})
	if err != nil {
		return bot.Reply{}, err
	}
	return rep.Reply("What readers asked in the last 7 days", b.pageURL), nil
}

// addInsights wires insights into the service: the chat command's
// builder into hcfg, the page on the HTTP server (404 unless admin.token
// is set), and the weekly posts.
func (s *service) addInsights(hcfg *bot.Config) {
	pageURL := ""
	if s.cfg.Admin.Token != "" {
		pageURL = insightsPageURL(s.cfg.HTTP.PublicURL)
	}
	title := storyTitle(s.lib)
	hcfg.Insights = insightsReply{src: s.store, title: title, pageURL: pageURL}
	page := insights.NewPage(insights.PageConfig{Source: s.store, Token: s.cfg.Admin.Token, Title: title,
		Stories: func() []string {
			var ids []string
			for _, st := range s.lib.Stories() {
				ids = append(ids, st.ID)
			}
			return ids
		},
		Logger: s.log.With("component", "insights")})
	s.mux.Handle("/insights", page)
	s.mux.Handle("/insights/", page)
}

// addWeeklyInsights starts the weekly insights posts, if any are configured.
func (s *service) addWeeklyInsights(posters map[string]digest.Poster) error {
	if len(s.cfg.Insights) == 0 {
		return nil
	}
	specs, err := insightsSpecs(s.cfg.Insights)
	if err != nil {
		return err
	}
	ps := map[string]insights.Poster{}
	for k, p := range posters {
		ps[k] = p
	}
	pageURL := ""
	if s.cfg.Admin.Token != "" {
		pageURL = insightsPageURL(s.cfg.HTTP.PublicURL)
	}
	wk, err := insights.NewWeekly(insights.WeeklyConfig{Specs: specs, Source: s.store, Runs: s.store, Posters: ps,
		PageURL: pageURL, Title: storyTitle(s.lib), Logger: s.log.With("component", "insights")})
	if err != nil {
		return fmt.Errorf("insights: %w", err)
	}
	s.components = append(s.components, component{name: "weekly insights", run: wk.Run})
	return nil
}
