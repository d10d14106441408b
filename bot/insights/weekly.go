package insights

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/storybot/storybot/bot"
)

// WeeklySpec is one configured weekly insights post.
type WeeklySpec struct {
	// Name identifies the post in the store's run records and in logs.
	Name     string
	Platform string // a key of WeeklyConfig.Posters: "slack", "discord"
	Channel  string
	Weekday  time.Weekday
	// At is the local time of day, "HH:MM" (24-hour).
	At       string
	Location *time.Location
}

// Runs records posts so each (post, ISO week) goes out at most once, even
// with several storybot processes on one database (*store.Store, whose
// digest-run claims it reuses).
type Runs interface {
	ClaimDigest(ctx context.Context, digest, day string, at time.Time) (claimed bool, err error)
	FinishDigest(ctx context.Context, digest, day string, at time.Time, postErr error) error
}

// Poster sends a reply to a channel of one platform (the Slack and
// Discord adapters).
type Poster interface {
	Post(ctx context.Context, channel string, r bot.Reply) error
}

// Clock is the time source; tests use a fake.
type Clock = bot.Clock

// WeeklyConfig wires a Weekly poster. Source and Runs are required when
// there are specs.
type WeeklyConfig struct {
	Specs   []WeeklySpec
	Source  Source
	Runs    Runs
	Posters map[string]Poster
	// PageURL, if set, is linked from every post (http.public_url +
	// "/insights").
	PageURL string
	// Title names a story id for people; nil shows ids.
	Title  func(id string) string
	Clock  Clock
	Logger *slog.Logger
	// MaxWait caps one sleep (default 10m), so a suspended machine or a
	// stepped clock is noticed soon.
	MaxWait time.Duration
}

// Weekly posts the insights of the past seven days once a week per spec.
type Weekly struct {
	cfg  WeeklyConfig
	mu   sync.Mutex
	done map[string]string // spec name → ISO week handled by this process
}

// RunPrefix starts the run-record names of weekly insights posts, so they
// never collide with a digest's.
const RunPrefix = "insights:"

// NewWeekly checks cfg and returns the poster; the error names each bad
// spec as insights[i].key.
func NewWeekly(cfg WeeklyConfig) (*Weekly, error) {
	if cfg.Clock == nil {
		cfg.Clock = bot.RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Minute
	}
	var errs []error
	names := map[string]bool{}
	for i, sp := range cfg.Specs {
		if sp.Name == "" {
			errs = append(errs, fmt.Errorf("insights[%d].name: required", i))
		} else if names[sp.Name] {
			errs = append(errs, fmt.Errorf("insights[%d].name: %q is used by another insights post", i, sp.Name))
		}
		names[sp.Name] = true
		if _, _, err := ParseClock(sp.At); err != nil {
			errs = append(errs, fmt.Errorf("insights[%d].time: %w", i, err))
		}
		if sp.Location == nil {
			errs = append(errs, fmt.Errorf("insights[%d].timezone: required", i))
		}
	}
	if len(cfg.Specs) > 0 && (cfg.Source == nil || cfg.Runs == nil) {
		errs = append(errs, errors.New("weekly insights: a store is needed (to read the log and post once a week)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Weekly{cfg: cfg, done: map[string]string{}}, nil
}

// ParseClock reads a time of day, "HH:MM".
func ParseClock(at string) (h, m int, err error) {
	hs, ms, ok := strings.Cut(at, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(ms) != 2 {
		return 0, 0, fmt.Errorf("%q: want HH:MM between 00:00 and 23:59", at)
	}
	return h, m, nil
}

// ParseWeekday reads a day of the week in English, full or three letters,
// any case: "monday", "Mon".
func ParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || (len(s) == 3 && s == name[:3]) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q: want a day of the week, such as monday", s)
}

// FireTime is when sp fires in the ISO week (Monday to Sunday, local)
// that holds t.
func (sp WeeklySpec) FireTime(t time.Time) time.Time {
	lt := t.In(sp.Location)
	monday := lt.AddDate(0, 0, -((int(lt.Weekday()) + 6) % 7))
	offset := (int(sp.Weekday) + 6) % 7
	h, m, _ := ParseClock(sp.At)
	return time.Date(monday.Year(), monday.Month(), monday.Day()+offset, h, m, 0, 0, sp.Location)
}

// NextFire is the first firing strictly after t.
func (sp WeeklySpec) NextFire(t time.Time) time.Time {
	ft := sp.FireTime(t)
	if ft.After(t) {
		return ft
	}
	lt := ft.In(sp.Location)
	h, m, _ := ParseClock(sp.At)
	return time.Date(lt.Year(), lt.Month(), lt.Day()+7, h, m, 0, 0, sp.Location)
}

// week names the ISO week of a firing, as run records hold it: "2026-W49".
func (sp WeeklySpec) week(t time.Time) string {
	y, w := t.In(sp.Location).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// CatchUp is how late a weekly post may still go out: a storybot that
// was down at the time posts on start within this long, once.
const CatchUp = 24 * time.Hour

// Run posts until ctx is done, then returns nil. On start, a post whose
// time passed less than CatchUp ago is made once, if no process made it
// yet; one missed by longer waits for next week.
func (wk *Weekly) Run(ctx context.Context) error {
	if len(wk.cfg.Specs) == 0 {
		<-ctx.Done()
		return nil
	}
	return bot.RunSchedule(ctx, wk.cfg.Clock, wk.cfg.MaxWait, wk.cfg.Specs, wk.RunDue)
}

// RunDue makes every post whose time has come this week and that this
// process has not handled yet this week; the store claim makes sure no
// other process makes it too.
func (wk *Weekly) RunDue(ctx context.Context, now time.Time) {
	wk.mu.Lock()
	defer wk.mu.Unlock()
	for _, sp := range wk.cfg.Specs {
		ft := sp.FireTime(now)
		if now.Before(ft) {
			continue
		}
		week := sp.week(ft)
		if wk.done[sp.Name] == week {
			continue
		}
		wk.done[sp.Name] = week
		if late := now.Sub(ft); late > CatchUp {
			wk.cfg.Logger.Info("weekly insights time passed while storybot was not running; skipped until next week",
				"insights", sp.Name, "week", week, "late", late.Round(time.Minute))
			continue
		}
		wk.fire(ctx, sp, week, now)
	}
}

func (wk *Weekly) fire(ctx context.Context, sp WeeklySpec, week string, now time.Time) {
	log := wk.cfg.Logger.With("insights", sp.Name, "week", week, "platform", sp.Platform, "channel", sp.Channel)
	poster, ok := wk.cfg.Posters[sp.Platform]
	if !ok || poster == nil {
		log.Warn("weekly insights skipped: its platform is not configured")
		return
	}
	run := RunPrefix + sp.Name
	claimed, err := wk.cfg.Runs.ClaimDigest(ctx, run, week, now)
	if err != nil {
		log.Error("weekly insights not posted: could not claim the run", "err", err)
		return
	}
	if !claimed {
		log.Info("weekly insights already posted this week (by this or another process)")
		return
	}
	rep, err := Build(ctx, wk.cfg.Source, Request{Since: now.Add(-7 * 24 * time.Hour), Until: now, Limit: 5,
		Location: sp.Location, Title: wk.cfg.Title})
	if err == nil {
		err = poster.Post(ctx, sp.Channel, rep.Reply("What readers asked this week", wk.cfg.PageURL))
	}
	if err != nil {
		log.Error("weekly insights not posted", "err", err)
	} else {
		log.Info("weekly insights posted")
	}
	if ferr := wk.cfg.Runs.FinishDigest(context.WithoutCancel(ctx), run, week, wk.cfg.Clock.Now(), err); ferr != nil {
		log.Error("could not record the weekly insights run", "err", ferr)
	}
}
