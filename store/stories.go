package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// storyTextsMigration and pgStoryTextsMigration make the story_texts
// table: every story file added with `story add` or `storybot add`, as
// text, so that replicas that do not share a stories folder can load it.
// seq orders the rows; a replica remembers the last seq it has seen.
const storyTextsMigration = `CREATE TABLE story_texts (
		seq      INTEGER PRIMARY KEY AUTOINCREMENT,
		story    TEXT    NOT NULL,
		name     TEXT    NOT NULL,   -- the file name, e.g. rubio-lavrov.md
		hash     TEXT    NOT NULL,   -- sha256 of text, hex
		text     TEXT    NOT NULL,
		added_at INTEGER NOT NULL
	);
	CREATE INDEX story_texts_by_story ON story_texts (story, seq);`

var pgStoryTextsMigration = []string{
	`CREATE TABLE story_texts (
		seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		story    TEXT   NOT NULL,
		name     TEXT   NOT NULL,
		hash     TEXT   NOT NULL,
		text     TEXT   NOT NULL,
		added_at BIGINT NOT NULL
	)`,
	`CREATE INDEX story_texts_by_story ON story_texts (story, seq)`,
}

// StoriesChannel is the PostgreSQL notification channel AddStoryText
// notifies, with the new row's seq as payload, when a story is added.
const StoriesChannel = "storybot_stories"

// storyTextsLock is the PostgreSQL advisory lock AddStoryText holds, so
// that rows commit in seq order and a reader that has seen seq n has
// seen every row before it.
const storyTextsLock = 0x7374786c // "stxl"

// StoryText is a story file as it was added on one replica.
type StoryText struct {
	// Seq orders the added texts, across all replicas.
	Seq int64
	// Story is the story id: Name without its extension.
	Story string
	// Name is the file name, e.g. "rubio-lavrov.md".
	Name string
	// Hash is the SHA-256 of Text, hex encoded.
	Hash string
	// Text is the whole story file.
	Text []byte
	// AddedAt is when it was added.
	AddedAt time.Time
}

// AddStoryText stores the story file text under its file name (the base
// name of name) as the newest text of its story, added at at, unless the
// newest stored text of that story is already the same. It reports the
// row's seq and whether a row was added. On PostgreSQL it notifies
// StoriesChannel when the row commits.
func (s *Store) AddStoryText(ctx context.Context, name string, text []byte, at time.Time) (seq int64, added bool, err error) {
	name = filepath.Base(name)
	story := strings.TrimSuffix(name, filepath.Ext(name))
	if story == "" || story == "." {
		return 0, false, fmt.Errorf("store: add story text %q: no story id in the name", name)
	}
	sum := sha256.Sum256(text)
	hash := hex.EncodeToString(sum[:])
	tx, err := s.db.BeginTx(ctx, nil) // SQLite: BEGIN IMMEDIATE
	if err != nil {
		return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
	}
	defer tx.Rollback()
	if s.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(storyTextsLock)); err != nil {
			return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
		}
	}
	var newestSeq int64
	var newestName, newestHash string
	err = tx.QueryRowContext(ctx, `SELECT seq, name, hash FROM story_texts WHERE story = $1 ORDER BY seq DESC LIMIT 1`, story).
		Scan(&newestSeq, &newestName, &newestHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
	case newestHash == hash && newestName == name:
		return newestSeq, false, nil
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO story_texts (story, name, hash, text, added_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING seq`, story, name, hash, string(text), nanos(at)).Scan(&seq); err != nil {
		return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
	}
	if s.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, StoriesChannel, fmt.Sprint(seq)); err != nil {
			return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("store: add story text of %s: %w", story, err)
	}
	return seq, true, nil
}

// StoryTextsSince returns the story texts added after seq after, oldest
// first, at most limit of them (all when limit < 1).
func (s *Store) StoryTextsSince(ctx context.Context, after int64, limit int) ([]StoryText, error) {
	q := `SELECT seq, story, name, hash, text, added_at FROM story_texts WHERE seq > $1 ORDER BY seq`
	args := []any{after}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: story texts since %d: %w", after, err)
	}
	defer rows.Close()
	var out []StoryText
	for rows.Next() {
		var t StoryText
		var text string
		var at int64
		if err := rows.Scan(&t.Seq, &t.Story, &t.Name, &t.Hash, &text, &at); err != nil {
			return nil, fmt.Errorf("store: story texts since %d: %w", after, err)
		}
		t.Text, t.AddedAt = []byte(text), fromNanos(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: story texts since %d: %w", after, err)
	}
	return out, nil
}

// ListenStories wakes wake, without blocking, whenever a story text is
// added to the PostgreSQL database at dbURL by any replica (LISTEN on
// StoriesChannel), and once each time it (re)connects, since
// notifications sent while it was not listening are lost. It keeps one
// connection of its own, reconnects with backoff when it drops, logs
// through log, and returns nil when ctx is done.
func ListenStories(ctx context.Context, dbURL string, wake chan<- struct{}, log *slog.Logger) error {
	cfg, err := pgxConfig(dbURL)
	if err != nil {
		return err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	backoff := time.Second
	for ctx.Err() == nil {
		began := time.Now()
		err := listenOnce(ctx, cfg, poke)
		if ctx.Err() != nil {
			break
		}
		if time.Since(began) > time.Minute {
			backoff = time.Second // it was listening: a new failure
		}
		log.Warn("listening for shared stories failed; polling meanwhile", "err", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
	return nil
}

// listenOnce listens on one connection until it fails or ctx is done.
func listenOnce(ctx context.Context, cfg *pgx.ConnConfig, poke func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+StoriesChannel); err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	poke()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("store: listen: %w", err)
		}
		poke()
	}
}
