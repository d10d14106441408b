// Package store is storybot's database: story versions, digest runs,
// feedback clicks and the question log. By default it is one SQLite file
// (pure Go, no cgo; Open); several replicas share one PostgreSQL database
// instead (OpenPostgres, pgx v5). Either is created and migrated when
// opened, and both behave the same: one conformance suite tests them.
//
// Callers do not depend on *Store directly: each defines the small
// interface it needs where it uses it (bot.FeedbackRecorder,
// bot.QuestionLogger, bot.ChangeSource, the digest package's Runs and
// History).
package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
)

// Store is the database, on SQLite or PostgreSQL. It is safe for
// concurrent use, and several processes may share one database: a digest
// run is claimed by one INSERT … ON CONFLICT DO NOTHING, so exactly one
// claim wins; recording a version runs in a transaction that holds the
// write lock (BEGIN IMMEDIATE on SQLite, an advisory lock per story on
// PostgreSQL).
type Store struct {
	db           *sql.DB
	path         string // the SQLite file; "" on PostgreSQL
	postgres     bool
	questionText bool
}

var (
	_ bot.FeedbackRecorder = (*Store)(nil)
	_ bot.QuestionLogger   = (*Store)(nil)
	_ bot.ChangeSource     = (*Store)(nil)
)

// Option tunes Open.
type Option func(*options)

type options struct {
	questionText bool
	busyTimeout  time.Duration
}

// WithQuestionText says whether the question log and feedback keep what
// was asked and answered (default true). Off, only the metadata — when,
// where, mode, abstained, latency — is kept, for privacy.
func WithQuestionText(keep bool) Option { return func(o *options) { o.questionText = keep } }

// WithBusyTimeout sets how long a write waits for another process's lock
// before failing with "database is locked" (default 5s).
func WithBusyTimeout(d time.Duration) Option { return func(o *options) { o.busyTimeout = d } }

// ErrUnusable is wrapped by Open when the file is not a usable storybot
// database: corrupt, not SQLite at all, locked by another process, or
// from a newer storybot.
var ErrUnusable = errors.New("database file is not usable")

// Open opens the database at path, creating and migrating it as needed.
// A file that is corrupt, not a database, locked for longer than the busy
// timeout or written by a newer storybot is an error naming the file.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{questionText: true, busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("store: no database path")
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, questionText: o.questionText}
	if err := s.init(ctx, o.busyTimeout); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w: %w", path, ErrUnusable, err)
	}
	return s, nil
}

// OpenPostgres opens the store in the PostgreSQL database at dbURL
// (postgres://…; pgx reads PGPASSWORD and ~/.pgpass for a password not in
// it), creating and migrating its tables as needed. Replicas may open it
// at once: migrations take an advisory lock. The error never repeats
// dbURL, which may hold a password.
func OpenPostgres(ctx context.Context, dbURL string, opts ...Option) (*Store, error) {
	o := options{questionText: true}
	for _, opt := range opts {
		opt(&o)
	}
	if dbURL == "" {
		return nil, errors.New("store: no database URL")
	}
	cfg, err := pgxConfig(dbURL)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, postgres: true, questionText: o.questionText}
	if err := s.db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open postgres: %w: %w", ErrUnusable, err)
	}
	return s, nil
}

// Path returns the SQLite file's path, or "" on PostgreSQL.
func (s *Store) Path() string { return s.path }

// Backend names the database: "sqlite" or "postgres".
func (s *Store) Backend() string {
	if s.postgres {
		return "postgres"
	}
	return "sqlite"
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) init(ctx context.Context, busyTimeout time.Duration) error {
	// WAL lets readers work while a process writes; it is a property of
	// the file, so setting it once suffices, and it needs the write lock.
	// Switching a new file to WAL takes an exclusive lock that SQLite's
	// busy handler does not wait for, so replicas opening one new file at
	// once retry it within the busy timeout.
	var mode string
	deadline := time.Now().Add(busyTimeout)
	for {
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return explain(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	// quick_check reads every page, so a damaged file is refused now
	// rather than failing later, halfway through a digest.
	rows, err := s.db.QueryContext(ctx, "PRAGMA quick_check(3)")
	if err != nil {
		return explain(err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return explain(err)
		}
		if line != "ok" {
			problems = append(problems, strings.TrimSpace(line))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return explain(err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the file is corrupt (integrity check: %s); move it aside to start afresh", strings.Join(problems, "; "))
	}
	return s.migrate(ctx)
}

// explain adds what a user can do to the SQLite errors people meet at start.
func explain(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%w (the file is corrupt or not a SQLite database; move it aside to start afresh)", err)
	case strings.Contains(msg, "locked"), strings.Contains(msg, "busy"):
		return fmt.Errorf("%w (another process holds a lock on it)", err)
	}
	return err
}

// migrations are applied in order; migration i brings the schema to
// version i+1. Never edit one that has shipped: append a new one.
var migrations = []string{
	`CREATE TABLE story_versions (
		id               INTEGER PRIMARY KEY AUTOINCREMENT,
		story            TEXT    NOT NULL,
		hash             TEXT    NOT NULL,
		paragraphs       TEXT    NOT NULL, -- JSON array of paragraph texts, ¶1 first
		paragraph_hashes TEXT    NOT NULL, -- JSON array
		first_seen       INTEGER NOT NULL  -- Unix nanoseconds
	);
	CREATE INDEX story_versions_by_story ON story_versions (story, id);
	CREATE TABLE digest_runs (
		digest      TEXT    NOT NULL,
		day         TEXT    NOT NULL, -- local date, YYYY-MM-DD
		claimed_at  INTEGER NOT NULL,
		finished_at INTEGER,
		status      TEXT    NOT NULL, -- claimed, posted, failed
		error       TEXT,
		PRIMARY KEY (digest, day)
	);
	CREATE TABLE feedback (
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		at         INTEGER NOT NULL,
		platform   TEXT    NOT NULL,
		channel    TEXT    NOT NULL,
		user_id    TEXT    NOT NULL,
		message_id TEXT    NOT NULL,
		helpful    INTEGER NOT NULL,
		question   TEXT,
		answer     TEXT
	);
	CREATE TABLE questions (
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		at         INTEGER NOT NULL,
		platform   TEXT    NOT NULL,
		channel    TEXT    NOT NULL,
		question   TEXT,              -- NULL when question text is not kept
		mode       TEXT    NOT NULL,
		abstained  INTEGER NOT NULL,
		latency_ms INTEGER NOT NULL,
		stories    TEXT    NOT NULL   -- JSON array of story ids
	);
	CREATE INDEX questions_by_time ON questions (at);`,
	// 2: the passage a declined question was pointed to, for insights.
	`ALTER TABLE questions ADD COLUMN closest_story TEXT;
	ALTER TABLE questions ADD COLUMN closest_paragraph INTEGER;
	ALTER TABLE questions ADD COLUMN closest_quote TEXT;`,
	// 3: story texts added on one replica, for the others (stories.go).
	storyTextsMigration,
}

// pgMigrations are migrations for PostgreSQL, one for one with
// migrations: pgMigrations[i] makes the same schema as migrations[i].
// Each is a list of statements.
var pgMigrations = [][]string{
	{
		`CREATE TABLE story_versions (
			id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			story            TEXT   NOT NULL,
			hash             TEXT   NOT NULL,
			paragraphs       TEXT   NOT NULL,
			paragraph_hashes TEXT   NOT NULL,
			first_seen       BIGINT NOT NULL
		)`,
		`CREATE INDEX story_versions_by_story ON story_versions (story, id)`,
		`CREATE TABLE digest_runs (
			digest      TEXT   NOT NULL,
			day         TEXT   NOT NULL,
			claimed_at  BIGINT NOT NULL,
			finished_at BIGINT,
			status      TEXT   NOT NULL,
			error       TEXT,
			PRIMARY KEY (digest, day)
		)`,
		`CREATE TABLE feedback (
			id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			at         BIGINT  NOT NULL,
			platform   TEXT    NOT NULL,
			channel    TEXT    NOT NULL,
			user_id    TEXT    NOT NULL,
			message_id TEXT    NOT NULL,
			helpful    INTEGER NOT NULL,
			question   TEXT,
			answer     TEXT
		)`,
		`CREATE TABLE questions (
			id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			at         BIGINT  NOT NULL,
			platform   TEXT    NOT NULL,
			channel    TEXT    NOT NULL,
			question   TEXT,
			mode       TEXT    NOT NULL,
			abstained  INTEGER NOT NULL,
			latency_ms BIGINT  NOT NULL,
			stories    TEXT    NOT NULL
		)`,
		`CREATE INDEX questions_by_time ON questions (at)`,
	},
	{
		`ALTER TABLE questions ADD COLUMN closest_story TEXT`,
		`ALTER TABLE questions ADD COLUMN closest_paragraph INTEGER`,
		`ALTER TABLE questions ADD COLUMN closest_quote TEXT`,
	},
	pgStoryTextsMigration,
}

// SchemaVersion is the schema version this build of storybot writes.
var SchemaVersion = len(migrations)

// migrationLock is the PostgreSQL advisory lock key migrations hold, so
// replicas starting together migrate one at a time.
const migrationLock = 0x73746f7279 // "story"

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil) // SQLite: BEGIN IMMEDIATE, one migrator at a time
	if err != nil {
		return explain(err)
	}
	defer tx.Rollback()
	if s.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return explain(err)
	}
	var v int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	case err != nil:
		return explain(err)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this storybot knows (%d)", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		stmts := []string{migrations[i]}
		if s.postgres {
			stmts = pgMigrations[i]
		}
		for _, stmt := range stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = $1`, len(migrations)); err != nil {
		return err
	}
	return tx.Commit()
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// RecordVersion stores v as the newest version of its story, first seen at
// seen, unless the newest stored version already has its hash. It reports
// whether a version was added. A story changed back to an older text gets
// a new row: it is the newest version again.
func (s *Store) RecordVersion(ctx context.Context, v knowledge.Version, seen time.Time) (added bool, err error) {
	if v.Hash == "" {
		v.Hash = knowledge.VersionHash(v.Paragraphs)
	}
	if v.ParagraphHashes == nil {
		v.ParagraphHashes = knowledge.ParagraphHashes(v.Paragraphs)
	}
	paras, err := json.Marshal(nonNil(v.Paragraphs))
	if err != nil {
		return false, err
	}
	hashes, err := json.Marshal(nonNil(v.ParagraphHashes))
	if err != nil {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: record version of %s: %w", v.Story, err)
	}
	defer tx.Rollback()
	if s.postgres {
		// One recorder per story at a time, across replicas: the check
		// and the insert below are then one step.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "story_versions:"+v.Story); err != nil {
			return false, fmt.Errorf("store: record version of %s: %w", v.Story, err)
		}
	}
	var newest string
	err = tx.QueryRowContext(ctx, `SELECT hash FROM story_versions WHERE story = $1 ORDER BY id DESC LIMIT 1`, v.Story).Scan(&newest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: record version of %s: %w", v.Story, err)
	}
	if newest == v.Hash {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO story_versions (story, hash, paragraphs, paragraph_hashes, first_seen)
		VALUES ($1, $2, $3, $4, $5)`, v.Story, v.Hash, string(paras), string(hashes), nanos(seen)); err != nil {
		return false, fmt.Errorf("store: record version of %s: %w", v.Story, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: record version of %s: %w", v.Story, err)
	}
	return true, nil
}

// RecordLibrary records the current version of every story in lib (see
// RecordVersion): call it when stories are loaded and after each reload,
// so digests and the changes command can say what changed.
func (s *Store) RecordLibrary(ctx context.Context, lib *knowledge.Library, seen time.Time) error {
	var errs []error
	for _, st := range lib.Stories() {
		if _, err := s.RecordVersion(ctx, knowledge.NewVersion(st), seen); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const versionCols = `story, hash, paragraphs, paragraph_hashes, first_seen`

func scanVersion(row interface{ Scan(...any) error }) (knowledge.Version, error) {
	var v knowledge.Version
	var paras, hashes string
	var seen int64
	if err := row.Scan(&v.Story, &v.Hash, &paras, &hashes, &seen); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(paras), &v.Paragraphs); err != nil {
		return v, fmt.Errorf("paragraphs of %s version %s: %w", v.Story, v.Hash, err)
	}
	if err := json.Unmarshal([]byte(hashes), &v.ParagraphHashes); err != nil {
		return v, fmt.Errorf("paragraph hashes of %s version %s: %w", v.Story, v.Hash, err)
	}
	v.FirstSeen = fromNanos(seen)
	return v, nil
}

// one runs a query for at most one version.
func (s *Store) one(ctx context.Context, what, query string, args ...any) (knowledge.Version, bool, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, query, args...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return knowledge.Version{}, false, nil
	case err != nil:
		return knowledge.Version{}, false, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, true, nil
}

// Versions returns a story's stored versions, newest first.
func (s *Store) Versions(ctx context.Context, storyID string) ([]knowledge.Version, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionCols+` FROM story_versions WHERE story = $1 ORDER BY id DESC`, storyID)
	if err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", storyID, err)
	}
	defer rows.Close()
	var out []knowledge.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("store: versions of %s: %w", storyID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", storyID, err)
	}
	return out, nil
}

// VersionAt returns the version of a story that was current at t: the
// newest one first seen at or before t.
func (s *Store) VersionAt(ctx context.Context, storyID string, t time.Time) (knowledge.Version, bool, error) {
	return s.one(ctx, "version of "+storyID, `SELECT `+versionCols+` FROM story_versions
		WHERE story = $1 AND first_seen <= $2 ORDER BY id DESC LIMIT 1`, storyID, nanos(t))
}

// PreviousVersion returns the version a story had before the one with
// currentHash: the newest stored version, skipping the newest if it is the
// current one. ok is false when there is no earlier version on record.
func (s *Store) PreviousVersion(ctx context.Context, storyID, currentHash string) (knowledge.Version, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+versionCols+` FROM story_versions WHERE story = $1 ORDER BY id DESC LIMIT 2`, storyID)
	if err != nil {
		return knowledge.Version{}, false, fmt.Errorf("store: previous version of %s: %w", storyID, err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		v, err := scanVersion(rows)
		if err != nil {
			return knowledge.Version{}, false, fmt.Errorf("store: previous version of %s: %w", storyID, err)
		}
		if i == 0 && v.Hash == currentHash {
			continue
		}
		return v, true, nil
	}
	if err := rows.Err(); err != nil {
		return knowledge.Version{}, false, fmt.Errorf("store: previous version of %s: %w", storyID, err)
	}
	return knowledge.Version{}, false, nil
}

// FirstSeen returns when storybot first saw a story, in any version.
func (s *Store) FirstSeen(ctx context.Context, storyID string) (time.Time, bool, error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(first_seen) FROM story_versions WHERE story = $1`, storyID).Scan(&n); err != nil {
		return time.Time{}, false, fmt.Errorf("store: first seen of %s: %w", storyID, err)
	}
	if !n.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(n.Int64), true, nil
}

// Digest run states.
const (
	RunClaimed = "claimed" // a process decided to post and is posting
	RunPosted  = "posted"
	RunFailed  = "failed"
)

// ClaimDigest claims the run of digest on day (a local date, YYYY-MM-DD)
// at time at.
// The claim is one INSERT … ON CONFLICT DO NOTHING on the run's primary
// key, so of any number of processes and replicas sharing the database
// exactly one gets claimed == true; the others, and any later call, get
// false. A claimed run is never claimed again, even if its post failed: a
// digest is posted at most once.
func (s *Store) ClaimDigest(ctx context.Context, digest, day string, at time.Time) (claimed bool, err error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO digest_runs (digest, day, claimed_at, status) VALUES ($1, $2, $3, $4)
		ON CONFLICT (digest, day) DO NOTHING`, digest, day, nanos(at), RunClaimed)
	if err != nil {
		return false, fmt.Errorf("store: claim digest %s for %s: %w", digest, day, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim digest %s for %s: %w", digest, day, err)
	}
	return n == 1, nil
}

// FinishDigest records how a claimed run ended at time at: posted when
// postErr is nil, failed (with the error text) otherwise.
func (s *Store) FinishDigest(ctx context.Context, digest, day string, at time.Time, postErr error) error {
	status, msg := RunPosted, sql.NullString{}
	if postErr != nil {
		status, msg = RunFailed, sql.NullString{String: postErr.Error(), Valid: true}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE digest_runs SET status = $1, error = $2, finished_at = $3 WHERE digest = $4 AND day = $5`,
		status, msg, nanos(at), digest, day)
	if err != nil {
		return fmt.Errorf("store: finish digest %s for %s: %w", digest, day, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish digest %s for %s: the run was never claimed", digest, day)
	}
	return nil
}

// DigestRun is one recorded digest run.
type DigestRun struct {
	Digest, Day string
	Status      string
	Error       string
	ClaimedAt   time.Time
	FinishedAt  time.Time // zero while claimed
}

// DigestRuns returns a digest's runs, newest day first.
func (s *Store) DigestRuns(ctx context.Context, digest string) ([]DigestRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT digest, day, status, COALESCE(error, ''), claimed_at, COALESCE(finished_at, 0)
		FROM digest_runs WHERE digest = $1 ORDER BY day DESC`, digest)
	if err != nil {
		return nil, fmt.Errorf("store: runs of digest %s: %w", digest, err)
	}
	defer rows.Close()
	var out []DigestRun
	for rows.Next() {
		var r DigestRun
		var claimed, finished int64
		if err := rows.Scan(&r.Digest, &r.Day, &r.Status, &r.Error, &claimed, &finished); err != nil {
			return nil, fmt.Errorf("store: runs of digest %s: %w", digest, err)
		}
		r.ClaimedAt = fromNanos(claimed)
		if finished != 0 {
			r.FinishedAt = fromNanos(finished)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastPosted returns when digest was last posted successfully.
func (s *Store) LastPosted(ctx context.Context, digest string) (time.Time, bool, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(finished_at) FROM digest_runs WHERE digest = $1 AND status = $2`, digest, RunPosted).Scan(&n)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: last post of digest %s: %w", digest, err)
	}
	if !n.Valid {
		return time.Time{}, false, nil
	}
	return fromNanos(n.Int64), true, nil
}

// RecordFeedback stores a 👍/👎 click (bot.FeedbackRecorder). The rated
// question and answer are kept only when question text is kept.
func (s *Store) RecordFeedback(ctx context.Context, f bot.Feedback) error {
	if f.At.IsZero() {
		f.At = time.Now()
	}
	var q, a sql.NullString
	if s.questionText {
		q, a = sql.NullString{String: f.Question, Valid: true}, sql.NullString{String: f.Answer, Valid: true}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO feedback (at, platform, channel, user_id, message_id, helpful, question, answer)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, nanos(f.At), string(f.Platform), f.Channel, f.User, f.MessageID, boolInt(f.Helpful), q, a)
	if err != nil {
		return fmt.Errorf("store: record feedback: %w", err)
	}
	return nil
}

// FeedbackCounts returns the helpful and unhelpful clicks since t.
func (s *Store) FeedbackCounts(ctx context.Context, since time.Time) (helpful, unhelpful int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM feedback WHERE at >= $1`,
		nanos(since)).Scan(&helpful, &unhelpful)
	if err != nil {
		return 0, 0, fmt.Errorf("store: feedback counts: %w", err)
	}
	return helpful, unhelpful, nil
}

// LogQuestion adds a question to the log (bot.QuestionLogger). Its text
// is left out when question text is not kept.
func (s *Store) LogQuestion(ctx context.Context, q bot.QuestionRecord) error {
	if q.At.IsZero() {
		q.At = time.Now()
	}
	var text sql.NullString
	if s.questionText && strings.TrimSpace(q.Question) != "" {
		text = sql.NullString{String: q.Question, Valid: true}
	}
	stories, err := json.Marshal(nonNil(q.Stories))
	if err != nil {
		return err
	}
	var cStory, cQuote sql.NullString
	var cPara sql.NullInt64
	if c := q.Closest; c != nil {
		cStory, cPara, cQuote = sql.NullString{String: c.Story, Valid: true}, sql.NullInt64{Int64: int64(c.Paragraph), Valid: true},
			sql.NullString{String: c.Text, Valid: true}
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO questions (at, platform, channel, question, mode, abstained, latency_ms, stories,
		closest_story, closest_paragraph, closest_quote)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, nanos(q.At), string(q.Platform), q.Channel, text, string(q.Mode), boolInt(q.Abstained),
		q.Latency.Milliseconds(), string(stories), cStory, cPara, cQuote)
	if err != nil {
		return fmt.Errorf("store: log question: %w", err)
	}
	return nil
}

// TopQuestion is a question and how often it was asked.
type TopQuestion struct {
	Question string
	Count    int
}

// TopQuestionCounts returns the most asked questions since t, most asked
// first, counting questions the same when they differ only in case and
// spacing; storyID, if set, keeps only questions answered from that story.
// Questions logged without their text are not counted.
func (s *Store) TopQuestionCounts(ctx context.Context, since time.Time, storyID string, limit int) ([]TopQuestion, error) {
	if limit <= 0 {
		limit = 5
	}
	// The story filter is applied in Go, the same on both databases.
	rows, err := s.db.QueryContext(ctx, `SELECT question, stories FROM questions
		WHERE at >= $1 AND question IS NOT NULL ORDER BY at, id`, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("store: top questions: %w", err)
	}
	defer rows.Close()
	// Grouping in Go: SQLite's lower() only folds ASCII, and both
	// databases then group alike.
	type group struct {
		text  string
		count int
		first int
	}
	groups := map[string]*group{}
	n := 0
	for rows.Next() {
		var q, stories string
		if err := rows.Scan(&q, &stories); err != nil {
			return nil, fmt.Errorf("store: top questions: %w", err)
		}
		if storyID != "" {
			var ids []string
			if err := json.Unmarshal([]byte(stories), &ids); err != nil || !slices.Contains(ids, storyID) {
				continue
			}
		}
		key := strings.ToLower(strings.Join(strings.Fields(q), " "))
		key = strings.TrimRight(key, "?!. ")
		g, ok := groups[key]
		if !ok {
			g = &group{first: n}
			groups[key] = g
		}
		g.text = q // the latest wording
		g.count++
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top questions: %w", err)
	}
	list := make([]*group, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	slices.SortFunc(list, func(a, b *group) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	var out []TopQuestion
	for i, g := range list {
		if i == limit {
			break
		}
		out = append(out, TopQuestion{Question: strings.Join(strings.Fields(g.text), " "), Count: g.count})
	}
	return out, nil
}

// TopQuestions returns the texts of the most asked questions since t (see
// TopQuestionCounts), for the digest.
func (s *Store) TopQuestions(ctx context.Context, since time.Time, storyID string, limit int) ([]string, error) {
	qs, err := s.TopQuestionCounts(ctx, since, storyID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Question
	}
	return out, nil
}

// boolInt stores a bool as 0 or 1, as both databases' INTEGER columns take.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pgxConfig parses a PostgreSQL URL; its error never repeats the URL.
func pgxConfig(dbURL string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, errors.New("store: database.url is not a valid PostgreSQL URL")
	}
	return cfg, nil
}

// Exists reports whether a database file exists at path, so a command
// that only reads history can do without one instead of creating it.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
