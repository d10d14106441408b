package digest

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

// Spec is one configured digest: where it goes, when, and what it covers.
type Spec struct {
	// Name identifies the digest in the store's run records and in logs;
	// renaming a digest makes it a new one.
	Name     string
	Platform string // a key of SchedulerConfig.Posters: "slack", "discord"
	Channel  string
	// At is the local time of day, "HH:MM" (24-hour).
	At string
	// Location is the IANA zone At is in.
	Location *time.Location
	// Request is what the digest covers; Since and Location are set by
	// the scheduler.
	Request Request
}

// Runs records digest runs so each (digest, local day) is posted at most
// once, even with several storybot processes on one database
// (*store.Store).
type Runs interface {
	// ClaimDigest atomically claims the run of digest on day
	// (YYYY-MM-DD, local) at time at: true for exactly one caller, ever.
	ClaimDigest(ctx context.Context, digest, day string, at time.Time) (claimed bool, err error)
	// FinishDigest records the outcome of a claimed run at time at.
	FinishDigest(ctx context.Context, digest, day string, at time.Time, postErr error) error
	// LastPosted returns when digest was last posted successfully.
	LastPosted(ctx context.Context, digest string) (time.Time, bool, error)
}

// Poster sends a reply to a channel of one platform. The Slack adapter
// (*slack.Adapter) has this method, and so will the Discord adapter.
type Poster interface {
	Post(ctx context.Context, channel string, r bot.Reply) error
}

// Clock is the time source; tests use a fake.
type Clock = bot.Clock

// SchedulerConfig wires a Scheduler. Builder and Runs are required.
type SchedulerConfig struct {
	Specs   []Spec
	Builder *Builder
	Runs    Runs
	// Posters by platform name; a digest for a platform with no poster is
	// skipped with a log line (that platform is not configured).
	Posters map[string]Poster
	// Clock defaults to the real one.
	Clock  Clock
	Logger *slog.Logger
	// Attempts and Backoff bound retries of a failed post (defaults 4
	// attempts, waiting 2s, doubling).
	Attempts int
	Backoff  time.Duration
	// MaxWait caps one sleep (default 10m) so that a suspended machine or
	// a stepped wall clock is noticed soon; firings are always computed
	// from the calendar, never by adding up sleeps.
	MaxWait time.Duration
	// OnPost, if set, is told about every run that was claimed and
	// attempted, for metrics.
	OnPost func(digest string, err error)
}

// Scheduler posts digests at their local times. It computes each firing
// from the calendar in the digest's time zone, so it keeps the wall-clock
// time across DST changes and does not drift over days.
type Scheduler struct {
	cfg  SchedulerConfig
	mu   sync.Mutex        // serialises RunDue
	done map[string]string // spec name → last local day handled by this process
}

// NewScheduler returns a scheduler for cfg. Every spec is checked; the
// error names each bad one as digests[i].key.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Clock == nil {
		cfg.Clock = bot.RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 4
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 2 * time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Minute
	}
	var errs []error
	names := map[string]bool{}
	for i, sp := range cfg.Specs {
		if err := sp.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("digests[%d]: %w", i, err))
		}
		if names[sp.Name] {
			errs = append(errs, fmt.Errorf("digests[%d].name: %q is used by another digest", i, sp.Name))
		}
		names[sp.Name] = true
	}
	if len(cfg.Specs) > 0 && cfg.Builder == nil {
		errs = append(errs, errors.New("digest scheduler: no Builder"))
	}
	if len(cfg.Specs) > 0 && cfg.Runs == nil {
		errs = append(errs, errors.New("digest scheduler: no Runs store (needed to post each digest once)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Scheduler{cfg: cfg, done: map[string]string{}}, nil
}

// Validate checks a spec's name, time of day and zone, naming the key.
func (sp Spec) Validate() error {
	if sp.Name == "" {
		return errors.New("name: required")
	}
	if _, _, err := parseClock(sp.At); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	if sp.Location == nil {
		return errors.New("timezone: required")
	}
	return nil
}

func parseClock(at string) (h, m int, err error) {
	hs, ms, ok := strings.Cut(at, ":")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want HH:MM", at)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(ms) != 2 {
		return 0, 0, fmt.Errorf("%q: want HH:MM between 00:00 and 23:59", at)
	}
	return h, m, nil
}

// FireTime is when spec fires on the local day of t. A time that does not
// exist that day (skipped by a DST change) fires when the clock would have
// shown it, after the jump: 02:30 on a spring-forward night is 03:30. A
// time that happens twice (autumn) fires at its first occurrence.
func (sp Spec) FireTime(t time.Time) time.Time {
	lt := t.In(sp.Location)
	return sp.fireOn(lt.Year(), lt.Month(), lt.Day())
}

// fireOn resolves the wall-clock time on a date itself rather than
// leaving gaps and overlaps to time.Date, which does not specify which
// side of a DST change it picks.
func (sp Spec) fireOn(y int, mo time.Month, d int) time.Time {
	h, m, _ := parseClock(sp.At)
	naive := time.Date(y, mo, d, h, m, 0, 0, time.UTC)
	_, before := naive.Add(-36 * time.Hour).In(sp.Location).Zone()
	_, after := naive.Add(36 * time.Hour).In(sp.Location).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		c := naive.Add(-time.Duration(off) * time.Second).In(sp.Location)
		if c.Day() == naive.Day() && c.Hour() == h && c.Minute() == m && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if best.IsZero() {
		// In the gap: the offset before the jump puts it just after.
		best = naive.Add(-time.Duration(before) * time.Second).In(sp.Location)
	}
	return best
}

// NextFire is the first firing strictly after t.
func (sp Spec) NextFire(t time.Time) time.Time {
	if ft := sp.FireTime(t); ft.After(t) {
		return ft
	}
	lt := t.In(sp.Location)
	return sp.fireOn(lt.Year(), lt.Month(), lt.Day()+1)
}

// day is the local date a firing belongs to.
func (sp Spec) day(t time.Time) string { return t.In(sp.Location).Format(time.DateOnly) }

// Run posts digests until ctx is done, then returns nil. On start, a
// digest whose time has already passed today is posted once (if no
// process posted it yet); days missed entirely while storybot was down
// are skipped and logged.
func (s *Scheduler) Run(ctx context.Context) error {
	if len(s.cfg.Specs) == 0 {
		<-ctx.Done()
		return nil
	}
	s.logMissed(ctx)
	return bot.RunSchedule(ctx, s.cfg.Clock, s.cfg.MaxWait, s.cfg.Specs, s.RunDue)
}

// RunDue posts every digest whose time has come on its local day of now
// and that this process has not handled yet that day. The store claim
// makes sure no other process posts it too.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sp := range s.cfg.Specs {
		ft := sp.FireTime(now)
		if now.Before(ft) {
			continue
		}
		day := sp.day(ft)
		if s.done[sp.Name] == day {
			continue
		}
		s.done[sp.Name] = day
		if late := now.Sub(ft); late > s.cfg.MaxWait+time.Minute {
			s.cfg.Logger.Info("digest time passed while storybot was not running; catching up once today",
				"digest", sp.Name, "day", day, "late", late.Round(time.Minute))
		}
		s.fire(ctx, sp, day)
	}
}

func (s *Scheduler) fire(ctx context.Context, sp Spec, day string) {
	log := s.cfg.Logger.With("digest", sp.Name, "day", day, "platform", sp.Platform, "channel", sp.Channel)
	poster, ok := s.cfg.Posters[sp.Platform]
	if !ok || poster == nil {
		log.Warn("digest skipped: its platform is not configured")
		return
	}
	// Since is read before claiming: once this run is posted it becomes
	// the last post.
	req := sp.Request
	req.Location = sp.Location
	if t, ok, err := s.cfg.Runs.LastPosted(ctx, sp.Name); err != nil {
		log.Warn("could not read when the digest last went out; it will not say what changed", "err", err)
	} else if ok {
		req.Since = t
	}
	claimed, err := s.cfg.Runs.ClaimDigest(ctx, sp.Name, day, s.cfg.Clock.Now())
	if err != nil {
		log.Error("digest not posted: could not claim the run", "err", err)
		return
	}
	if !claimed {
		log.Info("digest already posted for the day (by this or another process)")
		return
	}
	d, err := s.cfg.Builder.Build(ctx, req)
	if err == nil {
		err = s.post(ctx, poster, sp, d.Replies(), log)
	}
	if s.cfg.OnPost != nil {
		s.cfg.OnPost(sp.Name, err)
	}
	if err != nil {
		log.Error("digest not posted", "err", err)
	} else {
		log.Info("digest posted")
	}
	if ferr := s.cfg.Runs.FinishDigest(context.WithoutCancel(ctx), sp.Name, day, s.cfg.Clock.Now(), err); ferr != nil {
		log.Error("could not record the digest run", "err", ferr)
	}
}

// post sends the digest's messages in order, retrying a failed one with
// doubling backoff; messages already sent are not sent again.
func (s *Scheduler) post(ctx context.Context, p Poster, sp Spec, rs []bot.Reply, log *slog.Logger) error {
	for i, r := range rs {
		wait := s.cfg.Backoff
		for attempt := 1; ; attempt++ {
			err := p.Post(ctx, sp.Channel, r)
			if err == nil {
				break
			}
			if attempt == s.cfg.Attempts {
				return fmt.Errorf("digest %s: message %d of %d: %d attempts: %w", sp.Name, i+1, len(rs), attempt, err)
			}
			log.Warn("digest post failed; retrying", "attempt", attempt, "wait", wait, "err", err)
			select {
			case <-ctx.Done():
				return fmt.Errorf("digest %s: %w (after: %w)", sp.Name, ctx.Err(), err)
			case <-s.cfg.Clock.After(wait):
			}
			wait *= 2
		}
	}
	return nil
}

// logMissed says which digests were missed entirely while storybot was
// down: the previous day's firing passed with no post since.
func (s *Scheduler) logMissed(ctx context.Context) {
	now := s.cfg.Clock.Now()
	for _, sp := range s.cfg.Specs {
		last, ok, err := s.cfg.Runs.LastPosted(ctx, sp.Name)
		if err != nil || !ok {
			continue
		}
		lt := now.In(sp.Location)
		prev := sp.fireOn(lt.Year(), lt.Month(), lt.Day()-1)
		if last.Before(prev) {
			s.cfg.Logger.Warn("digests missed while storybot was down are skipped, not posted late", "digest", sp.Name,
				"last_posted", last.In(sp.Location).Format(time.DateOnly), "skipped_through", sp.day(prev))
		}
	}
}
