// Package queue is storybot's durable inbox: every event an adapter
// acknowledges is first written here, and workers answer it, deliver the
// answer and mark it done. It is River (github.com/riverqueue/river) on
// the embedded SQLite file, or on PostgreSQL when several replicas share
// one database: unique jobs (a platform event id is enqueued once),
// retries with backoff, job timeouts that start when work starts, a
// graceful stop that leaves unfinished jobs queued, and rescue of jobs
// whose worker died.
package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/storybot/storybot/bot"
)

// Outcomes reported to Observer.Finished.
const (
	OutcomeDelivered = "delivered"       // the answer reached the asker
	OutcomeFailed    = "failed"          // answering failed for good; not tried again
	OutcomeTooOld    = "dropped_too_old" // older than MaxAge before it could be delivered
)

// Observer receives what the queue does, for metrics. Any field may be nil.
// Each job is Finished exactly once, however many tries it took.
type Observer struct {
	Finished func(platform bot.Platform, outcome string)
	// Retried is called for each try that failed and will be made again.
	Retried func(platform bot.Platform)
	// Latency is the time from acknowledgement to delivery.
	Latency func(platform bot.Platform, d time.Duration)
}

// Options tune a Queue. Zero values take the defaults.
type Options struct {
	// MaxAge is how old a job may get before it is dropped instead of
	// answered (default 10 minutes: a later answer is worse than none).
	MaxAge time.Duration
	// Workers is how many jobs are worked at once (default 32).
	Workers int
	// JobTimeout bounds one try, from when it starts (default 2 minutes).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken to
	// belong to a worker that died and is worked again (default 5 minutes;
	// longer than JobTimeout).
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs when the
	// database cannot notify them (default 100ms).
	PollInterval time.Duration
	// Logger receives the queue's logs; nil discards them.
	Logger   *slog.Logger
	Observer Observer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Backoff is the wait before try attempt+1; nil means Backoff.
	Backoff func(attempt int) time.Duration
}

func (o *Options) defaults() {
	if o.MaxAge <= 0 {
		o.MaxAge = 10 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 2 * time.Minute
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = max(5*time.Minute, 2*o.JobTimeout)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff == nil {
		o.Backoff = Backoff
	}
}

// Queue is a durable job queue. Register the adapters' workers, Start it,
// and Stop it on shutdown. It implements bot.Inbox, bot.Deduper and
// bot.DeliveryMarks.
type Queue struct {
	opts    Options
	log     *slog.Logger
	backend string
	db      sqlDB
	ackDB   sqlDB // what acknowledgements write through (FirstTime)
	markDB  sqlDB // what delivery markers go through

	insert    func(ctx context.Context, a answerArgs) (dup bool, err error)
	start     func(ctx context.Context) error
	stop      func(ctx context.Context) error
	hardStop  func(ctx context.Context) error
	closeDB   func()
	closeOnce sync.Once

	mu      sync.RWMutex
	workers map[bot.Platform]bot.JobWorker
}

var (
	_ bot.Inbox         = (*Queue)(nil)
	_ bot.Deduper       = (*Queue)(nil)
	_ bot.DeliveryMarks = (*Queue)(nil)
)

// answerArgs is the job River stores: unique by platform and key.
type answerArgs struct {
	Platform string    `json:"platform" river:"unique"`
	Key      string    `json:"key" river:"unique"`
	JobKind  string    `json:"kind"`
	Payload  []byte    `json:"payload"`
	AckedAt  time.Time `json:"acked_at"`
}

func (answerArgs) Kind() string { return "storybot_answer" }

func (answerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1000, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// OpenSQLite opens the queue in the SQLite file at path (the store's
// file does: the tables do not clash), creating River's tables as needed.
func OpenSQLite(ctx context.Context, path string, opts Options) (*Queue, error) {
	if path == "" {
		return nil, errors.New("queue: no database path")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("queue: open %s: %w", path, err)
	}
	// River on SQLite wants one connection: SQLite runs one writer at a time.
	db.SetMaxOpenConns(1)
	// Acknowledgements get a connection of their own, so that an event
	// being stored waits at most for SQLite's write lock (held for a few
	// milliseconds at a time), never behind the workers' queue for the
	// one connection River works on.
	ackDB, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("queue: open %s: %w", path, err)
	}
	ackDB.SetMaxOpenConns(1)
	// Delivery markers too: a reply posted and not yet marked is what a
	// kill -9 can post twice, so the mark must not wait in line.
	markDB, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		db.Close()
		ackDB.Close()
		return nil, fmt.Errorf("queue: open %s: %w", path, err)
	}
	markDB.SetMaxOpenConns(1)
	qu, err := newQueue(ctx, riversqlite.New(db), riversqlite.New(ackDB), stdDB{db}, "sqlite", opts)
	if err != nil {
		db.Close()
		ackDB.Close()
		markDB.Close()
		return nil, fmt.Errorf("queue: open %s: %w", path, err)
	}
	qu.ackDB, qu.markDB = stdDB{ackDB}, stdDB{markDB}
	qu.closeDB = func() { markDB.Close(); ackDB.Close(); db.Close() }
	return qu, nil
}

// OpenPostgres opens the queue in the PostgreSQL database at url
// (postgres://…), creating River's tables as needed.
func OpenPostgres(ctx context.Context, dbURL string, opts Options) (*Queue, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("queue: open postgres: %w", err)
	}
	qu, err := newQueue(ctx, riverpgxv5.New(pool), nil, pgDB{pool}, "postgres", opts)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("queue: open postgres: %w", err)
	}
	qu.closeDB = pool.Close
	return qu, nil
}

// newQueue makes the queue on driver. ackDriver, if not nil, is a second
// handle on the same database that inserts go through.
func newQueue[TTx any](ctx context.Context, driver, ackDriver riverdriver.Driver[TTx], db sqlDB, backend string, opts Options) (*Queue, error) {
	opts.defaults()
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quiet(opts.Logger)})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	for _, stmt := range schema {
		if _, err := db.exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("queue tables: %w", err)
		}
	}
	qu := &Queue{opts: opts, log: opts.Logger.With("component", "queue"), backend: backend, db: db, ackDB: db, markDB: db,
		workers: map[bot.Platform]bot.JobWorker{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, &answerWorker{q: qu})
	client, err := river.NewClient(driver, &river.Config{
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}},
		Workers:                     workers,
		JobTimeout:                  opts.JobTimeout,
		RescueStuckJobsAfter:        opts.RescueAfter,
		FetchPollInterval:           opts.PollInterval,
		FetchCooldown:               min(opts.PollInterval, 50*time.Millisecond),
		CompletedJobRetentionPeriod: 24 * time.Hour,
		CancelledJobRetentionPeriod: 24 * time.Hour,
		Logger:                      quiet(opts.Logger),
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	inserter := client
	if ackDriver != nil {
		// An insert-only client: no queues, so it works nothing.
		inserter, err = river.NewClient(ackDriver, &river.Config{Workers: workers, Logger: quiet(opts.Logger)})
		if err != nil {
			return nil, fmt.Errorf("river insert client: %w", err)
		}
	}
	co := &coalescer{insertMany: func(ctx context.Context, batch []answerArgs) ([]bool, error) {
		params := make([]river.InsertManyParams, len(batch))
		for i, a := range batch {
			params[i] = river.InsertManyParams{Args: a}
		}
		res, err := inserter.InsertMany(ctx, params)
		if err != nil {
			return nil, err
		}
		return matchResults(batch, res)
	}}
	qu.insert = co.insert
	qu.start = client.Start
	qu.stop = client.Stop
	qu.hardStop = client.StopAndCancel
	return qu, nil
}

// matchResults reads, for each of batch, whether River skipped it as a
// duplicate, matching results to jobs by platform and key rather than
// trusting their order.
func matchResults(batch []answerArgs, res []*rivertype.JobInsertResult) ([]bool, error) {
	type ident struct{ platform, key string }
	skipped := make(map[ident]bool, len(res))
	for _, r := range res {
		var a answerArgs
		if err := json.Unmarshal(r.Job.EncodedArgs, &a); err != nil {
			return nil, fmt.Errorf("reading an inserted job: %w", err)
		}
		skipped[ident{a.Platform, a.Key}] = r.UniqueSkippedAsDuplicate
	}
	dups := make([]bool, len(batch))
	for i, a := range batch {
		dup, ok := skipped[ident{a.Platform, a.Key}]
		if !ok {
			return nil, fmt.Errorf("no insert result for %s %s", a.Platform, a.Key)
		}
		dups[i] = dup
	}
	return dups, nil
}

// quiet passes River's own warnings and errors on, not its chatter.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(levelFloor{log.Handler(), slog.LevelWarn}).With("source", "river")
}

type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// Backend names the database: "sqlite" or "postgres".
func (q *Queue) Backend() string { return q.backend }

// SetObserver sets what the queue reports to. Call it before Start.
func (q *Queue) SetObserver(o Observer) { q.opts.Observer = o }

// Register makes w the worker of jobs from platform. Call it before Start.
func (q *Queue) Register(platform bot.Platform, w bot.JobWorker) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.workers[platform] = w
}

func (q *Queue) worker(p bot.Platform) bot.JobWorker {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.workers[p]
}

// Enqueue stores j before its event is acknowledged (bot.Inbox).
func (q *Queue) Enqueue(ctx context.Context, j bot.Job) (bool, error) {
	if j.Key == "" {
		return false, errors.New("queue: a job needs its platform event id")
	}
	acked := j.AckedAt
	if acked.IsZero() {
		acked = q.opts.Now()
	}
	dup, err := q.insert(ctx, answerArgs{Platform: string(j.Platform), Key: j.Key, JobKind: j.Kind, Payload: j.Payload, AckedAt: acked.UTC()})
	if err != nil {
		return false, fmt.Errorf("queue: enqueue %s %s: %w", j.Platform, j.Key, err)
	}
	return !dup, nil
}

// Start starts working jobs, those left from an earlier run first. It
// returns at once; Stop ends the work.
func (q *Queue) Start(ctx context.Context) error {
	if _, err := q.db.exec(ctx, `DELETE FROM storybot_seen WHERE at < $1`, q.opts.Now().Add(-48*time.Hour).UnixNano()); err != nil {
		q.log.Warn("queue: pruning old event ids failed", "err", err)
	}
	if _, err := q.db.exec(ctx, `DELETE FROM storybot_delivered WHERE at < $1`, q.opts.Now().Add(-48*time.Hour).UnixNano()); err != nil {
		q.log.Warn("queue: pruning old delivery markers failed", "err", err)
	}
	if err := q.start(ctx); err != nil {
		return fmt.Errorf("queue: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and lets the ones running finish until ctx is
// done; then it cancels them, and they stay queued, as does every job not
// yet started, for the next start (here or on another replica).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.stop(ctx)
	if err == nil {
		return nil
	}
	hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if herr := q.hardStop(hctx); herr != nil {
		return fmt.Errorf("queue: stop: %w", errors.Join(err, herr))
	}
	return fmt.Errorf("queue: jobs still running at the end of the grace were cancelled and stay queued: %w", err)
}

// Close releases the database. Stop first.
func (q *Queue) Close() error {
	q.closeOnce.Do(func() {
		if q.closeDB != nil {
			q.closeDB()
		}
	})
	return nil
}

// Counts returns how many jobs are in each River state (available,
// running, retryable, scheduled, completed, cancelled, discarded).
func (q *Queue) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := q.db.query(ctx, `SELECT state, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("queue: counting jobs: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.state] = r.n
	}
	return out, nil
}

// Backlog is how many jobs are waiting or being worked.
func (q *Queue) Backlog(ctx context.Context) (int, error) {
	c, err := q.Counts(ctx)
	if err != nil {
		return 0, err
	}
	return c["available"] + c["running"] + c["retryable"] + c["scheduled"] + c["pending"], nil
}

// Writable checks that the database takes a write now.
func (q *Queue) Writable(ctx context.Context) error {
	if _, err := q.db.exec(ctx, `INSERT INTO storybot_health (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
		q.opts.Now().UnixNano()); err != nil {
		return fmt.Errorf("queue: database not writable: %w", err)
	}
	return nil
}

// FirstTime records key for platform and reports whether it was new
// (bot.Deduper).
func (q *Queue) FirstTime(ctx context.Context, platform bot.Platform, key string) (bool, error) {
	n, err := q.ackDB.exec(ctx, `INSERT INTO storybot_seen (platform, key, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		string(platform), key, q.opts.Now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("queue: recording event id: %w", err)
	}
	return n == 1, nil
}

// Delivered reports whether key was marked delivered (bot.DeliveryMarks).
func (q *Queue) Delivered(ctx context.Context, key string) (string, bool, error) {
	ref, ok, err := q.markDB.queryString(ctx, `SELECT ref FROM storybot_delivered WHERE key = $1`, key)
	if err != nil {
		return "", false, fmt.Errorf("queue: reading delivery marker: %w", err)
	}
	return ref, ok, nil
}

// MarkDelivered records that key was posted as ref (bot.DeliveryMarks).
func (q *Queue) MarkDelivered(ctx context.Context, key, ref string) error {
	if _, err := q.markDB.exec(ctx, `INSERT INTO storybot_delivered (key, ref, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		key, ref, q.opts.Now().UnixNano()); err != nil {
		return fmt.Errorf("queue: writing delivery marker: %w", err)
	}
	return nil
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS storybot_seen (platform TEXT NOT NULL, key TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (platform, key))`,
	`CREATE TABLE IF NOT EXISTS storybot_delivered (key TEXT PRIMARY KEY, ref TEXT NOT NULL, at BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS storybot_health (id INTEGER PRIMARY KEY, at BIGINT NOT NULL)`,
}

// answerWorker works storybot_answer jobs through the registered adapters.
type answerWorker struct {
	river.WorkerDefaults[answerArgs]
	q *Queue
}

func (w *answerWorker) Work(ctx context.Context, job *river.Job[answerArgs]) error {
	q, a := w.q, job.Args
	p := bot.Platform(a.Platform)
	obs := q.opts.Observer
	finish := func(outcome string) {
		if obs.Finished != nil {
			obs.Finished(p, outcome)
		}
	}
	age := q.opts.Now().Sub(a.AckedAt)
	if age > q.opts.MaxAge {
		q.log.Warn("queue: dropping a job older than the maximum age", "platform", a.Platform, "key", a.Key,
			"age", age.Round(time.Second), "max_age", q.opts.MaxAge, "attempt", job.Attempt)
		finish(OutcomeTooOld)
		if ab, ok := q.worker(p).(bot.JobAbandoner); ok {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			ab.AbandonJob(actx, bot.Job{Platform: p, Key: a.Key, Kind: a.JobKind, Payload: a.Payload, AckedAt: a.AckedAt, Attempt: job.Attempt})
			cancel()
		}
		return river.JobCancel(fmt.Errorf("older than %s", q.opts.MaxAge))
	}
	jw := w.q.worker(p)
	if jw == nil {
		// This replica does not run that platform; leave it to one that does.
		return river.JobSnooze(10 * time.Second)
	}
	err := jw.WorkJob(ctx, bot.Job{Platform: p, Key: a.Key, Kind: a.JobKind, Payload: a.Payload, AckedAt: a.AckedAt, Attempt: job.Attempt})
	var ra *bot.RetryAfterError
	switch {
	case err == nil:
		finish(OutcomeDelivered)
		if obs.Latency != nil {
			obs.Latency(p, q.opts.Now().Sub(a.AckedAt))
		}
		return nil
	case errors.Is(err, bot.ErrPermanent):
		q.log.Error("queue: job failed for good", "platform", a.Platform, "key", a.Key, "err", err)
		finish(OutcomeFailed)
		return river.JobCancel(err)
	case errors.As(err, &ra):
		w.retried(p)
		q.log.Warn("queue: rate limited; trying the job again later", "platform", a.Platform, "key", a.Key, "retry_after", ra.After)
		return river.JobSnooze(max(ra.After, 100*time.Millisecond))
	default:
		w.retried(p)
		q.log.Warn("queue: job failed; trying again", "platform", a.Platform, "key", a.Key, "attempt", job.Attempt, "err", err)
		return err
	}
}

func (w *answerWorker) retried(p bot.Platform) {
	if f := w.q.opts.Observer.Retried; f != nil {
		f(p)
	}
}

// NextRetry is capped exponential backoff with jitter: about 1s, 2s, 4s …
// up to 30s, each between half and all of that.
func (w *answerWorker) NextRetry(job *river.Job[answerArgs]) time.Time {
	return w.q.opts.Now().Add(w.q.opts.Backoff(job.Attempt))
}

// Backoff is the wait before try attempt+1: 2^(attempt-1) seconds capped
// at 30s, jittered down by up to half.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	if attempt >= 1 && attempt <= 5 {
		d = time.Second << (attempt - 1)
	}
	return d/2 + rand.N(d/2+1)
}

// sqlDB is the little SQL the queue runs itself, on either database.
// Queries use $1, $2 … in order, which SQLite binds by position too.
type sqlDB interface {
	exec(ctx context.Context, q string, args ...any) (int64, error)
	queryString(ctx context.Context, q string, args ...any) (string, bool, error)
	query(ctx context.Context, q string) ([]stateCount, error)
}

type stateCount struct {
	state string
	n     int
}

type stdDB struct{ db *sql.DB }

func (d stdDB) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := d.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (d stdDB) queryString(ctx context.Context, q string, args ...any) (string, bool, error) {
	var s string
	err := d.db.QueryRowContext(ctx, q, args...).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return s, err == nil, err
}

func (d stdDB) query(ctx context.Context, q string) ([]stateCount, error) {
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanCounts(rows)
}

// countRows is what database/sql's and pgx's result rows share.
type countRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanCounts reads (state, count) rows.
func scanCounts(rows countRows) ([]stateCount, error) {
	var out []stateCount
	for rows.Next() {
		var c stateCount
		if err := rows.Scan(&c.state, &c.n); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

type pgDB struct{ pool *pgxpool.Pool }

func (d pgDB) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := d.pool.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (d pgDB) queryString(ctx context.Context, q string, args ...any) (string, bool, error) {
	var s string
	err := d.pool.QueryRow(ctx, q, args...).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return s, err == nil, err
}

func (d pgDB) query(ctx context.Context, q string) ([]stateCount, error) {
	rows, err := d.pool.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanCounts(rows)
}
