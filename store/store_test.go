package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/pgtest"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

// backend is one database the conformance suite runs on: every test
// that takes a backend must pass on both.
type backend struct {
	name string
	// newDB returns where a fresh, empty database is: a file path or a
	// URL. On PostgreSQL without STORYBOT_TEST_POSTGRES_URL it skips.
	newDB func(t *testing.T) string
	open  func(ctx context.Context, where string, opts ...store.Option) (*store.Store, error)
}

var backends = []backend{
	{name: "SQLite", newDB: tempDB, open: store.Open},
	{name: "PostgreSQL", newDB: func(t *testing.T) string { return pgtest.URL(t) }, open: store.OpenPostgres},
}

// onEachBackend runs f as a subtest per backend.
func onEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run("on "+b.name, func(t *testing.T) { f(t, b) })
	}
}

// mustOpen opens the store at where on b, closed when the test ends.
func (b backend) mustOpen(t *testing.T, where string, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := b.open(context.Background(), where, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustOpen(t *testing.T, path string, opts ...store.Option) *store.Store {
	t.Helper()
	return backends[0].mustOpen(t, path, opts...)
}

func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "storybot.db") }

func TestOpenCreatesAndMigratesOnce(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		where := b.newDB(t)
		s := b.mustOpen(t, where)
		if _, err := s.RecordVersion(context.Background(), knowledge.Version{Story: "a", Paragraphs: []string{"x"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s2 := b.mustOpen(t, where)
		vs, err := s2.Versions(context.Background(), "a")
		if err != nil || len(vs) != 1 {
			t.Fatalf("after reopening: %d versions, %v", len(vs), err)
		}
	})
}

func TestReplicasOpeningOneDatabaseAtOnceMigrateItOnce(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		where := b.newDB(t)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := b.open(context.Background(), where)
				if err != nil {
					errs <- err
					return
				}
				s.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a replica could not open the database: %v", err)
		}
	})
}

func TestAStoryRecordedByManyReplicasAtOnceGetsOneVersion(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		where := b.newDB(t)
		a, c := b.mustOpen(t, where), b.mustOpen(t, where)
		v := knowledge.Version{Story: "s", Paragraphs: []string{"one"}}
		var wg sync.WaitGroup
		for i := range 8 {
			s := a
			if i%2 == 1 {
				s = c
			}
			wg.Go(func() {
				if _, err := s.RecordVersion(context.Background(), v, time.Now()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if vs, err := a.Versions(context.Background(), "s"); err != nil || len(vs) != 1 {
			t.Fatalf("%d versions, %v; want 1", len(vs), err)
		}
	})
}

func TestBadDatabaseFilesAreRejectedAtOpenNamingTheFile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		errHas  string
	}{
		{name: "a file that is not a database", errHas: "not a database",
			prepare: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte(strings.Repeat("this is not SQLite\n", 400)), 0o600); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "a database whose pages were overwritten", errHas: "corrupt",
			prepare: func(t *testing.T, path string) {
				s, err := store.Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				for i := range 50 {
					s.LogQuestion(ctx, bot.QuestionRecord{Question: strings.Repeat("why? ", 100+i)})
				}
				s.Close()
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				for i := 4096; i < len(data); i++ {
					data[i] = 0xA5
				}
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "a database another process holds locked", errHas: "locked",
			prepare: func(t *testing.T, path string) {
				mustOpen(t, path).Close()
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { conn.ExecContext(ctx, "ROLLBACK"); conn.Close(); db.Close() })
			}},
		{name: "a database from a newer storybot", errHas: "newer than this storybot",
			prepare: func(t *testing.T, path string) {
				mustOpen(t, path).Close()
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec("UPDATE schema_version SET version = 999"); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempDB(t)
			tt.prepare(t, path)
			s, err := store.Open(ctx, path, store.WithBusyTimeout(50*time.Millisecond))
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, store.ErrUnusable) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %q: want ErrUnusable naming %s and saying %q", err, path, tt.errHas)
			}
		})
	}
}

func TestVersionsAreKeptPerStory(t *testing.T) {
	onEachBackend(t, testVersionsAreKeptPerStory)
}

func testVersionsAreKeptPerStory(t *testing.T, b backend) {
	ctx := context.Background()
	s := b.mustOpen(t, b.newDB(t))
	t0 := time.Date(2025, 10, 20, 8, 0, 0, 0, time.UTC)
	v1 := knowledge.Version{Story: "s", Paragraphs: []string{"one", "two"}}
	v2 := knowledge.Version{Story: "s", Paragraphs: []string{"one", "two", "three"}}
	steps := []struct {
		v     knowledge.Version
		at    time.Time
		added bool
	}{
		{v1, t0, true},
		{v1, t0.Add(time.Hour), false}, // unchanged: no new row
		{v2, t0.Add(24 * time.Hour), true},
		{v1, t0.Add(48 * time.Hour), true}, // changed back: newest again
	}
	for i, st := range steps {
		added, err := s.RecordVersion(ctx, st.v, st.at)
		if err != nil || added != st.added {
			t.Fatalf("step %d: added %v, %v; want %v", i, added, err, st.added)
		}
	}
	h1, h2 := knowledge.VersionHash(v1.Paragraphs), knowledge.VersionHash(v2.Paragraphs)
	t.Run("versions come newest first with their paragraphs and hashes", func(t *testing.T) {
		vs, err := s.Versions(ctx, "s")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Hash)
		}
		if d := cmp.Diff([]string{h1, h2, h1}, got); d != "" {
			t.Fatalf("(-want +got):\n%s", d)
		}
		if d := cmp.Diff(knowledge.ParagraphHashes(v2.Paragraphs), vs[1].ParagraphHashes); d != "" || !vs[1].FirstSeen.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("stored version %+v", vs[1])
		}
	})
	t.Run("the version at a time is the newest first seen by then", func(t *testing.T) {
		v, ok, err := s.VersionAt(ctx, "s", t0.Add(30*time.Hour))
		if err != nil || !ok || v.Hash != h2 {
			t.Fatalf("VersionAt = %s, %v, %v; want %s", v.Hash, ok, err, h2)
		}
		if _, ok, _ := s.VersionAt(ctx, "s", t0.Add(-time.Second)); ok {
			t.Fatal("a version before the story was seen")
		}
	})
	t.Run("the previous version skips the current one", func(t *testing.T) {
		v, ok, err := s.PreviousVersion(ctx, "s", h1)
		if err != nil || !ok || v.Hash != h2 {
			t.Fatalf("PreviousVersion = %s, %v, %v; want %s", v.Hash, ok, err, h2)
		}
		v, ok, _ = s.PreviousVersion(ctx, "s", "not-recorded-yet")
		if !ok || v.Hash != h1 {
			t.Fatalf("an unrecorded current version compares with the newest stored, got %s", v.Hash)
		}
		if _, ok, _ := s.PreviousVersion(ctx, "other", "x"); ok {
			t.Fatal("an unknown story has a previous version")
		}
	})
	t.Run("first seen is the first version's time", func(t *testing.T) {
		at, ok, err := s.FirstSeen(ctx, "s")
		if err != nil || !ok || !at.Equal(t0) {
			t.Fatalf("FirstSeen = %s, %v, %v", at, ok, err)
		}
	})
}

func TestOnlyOneOfManyClaimsOfADigestRunWins(t *testing.T) {
	onEachBackend(t, testOnlyOneOfManyClaimsOfADigestRunWins)
}

func testOnlyOneOfManyClaimsOfADigestRunWins(t *testing.T, be backend) {
	ctx := context.Background()
	where := be.newDB(t)
	// Two handles on one database stand for two storybot replicas.
	a, b := be.mustOpen(t, where), be.mustOpen(t, where)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 32 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimDigest(ctx, "morning", "2026-03-29", time.Now())
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d claims won, want 1", wins)
	}
	if ok, _ := a.ClaimDigest(ctx, "morning", "2026-03-30", time.Now()); !ok {
		t.Fatal("the next day could not be claimed")
	}
	if err := b.FinishDigest(ctx, "morning", "2026-03-29", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if err := a.FinishDigest(ctx, "morning", "2026-03-30", time.Now(), errors.New("slack is down")); err != nil {
		t.Fatal(err)
	}
	runs, err := a.DigestRuns(ctx, "morning")
	if err != nil || len(runs) != 2 || runs[0].Status != store.RunFailed || runs[0].Error != "slack is down" || runs[1].Status != store.RunPosted {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	if _, ok, _ := a.LastPosted(ctx, "morning"); !ok {
		t.Fatal("no last post recorded")
	}
	if err := a.FinishDigest(ctx, "evening", "2026-03-30", time.Now(), nil); err == nil {
		t.Fatal("finishing an unclaimed run succeeded")
	}
}

func TestQuestionLogAndTopQuestions(t *testing.T) {
	onEachBackend(t, testQuestionLogAndTopQuestions)
}

func testQuestionLogAndTopQuestions(t *testing.T, b backend) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	log := func(s *store.Store, at time.Time, q string, stories ...string) {
		t.Helper()
		if err := s.LogQuestion(ctx, bot.QuestionRecord{At: at, Platform: bot.PlatformSlack, Channel: "C1", Question: q,
			Mode: bot.ModeQuote, Latency: 30 * time.Millisecond, Stories: stories}); err != nil {
			t.Fatal(err)
		}
	}
	s := b.mustOpen(t, b.newDB(t))
	log(s, t0.Add(-48*time.Hour), "Who is Lavrov?", "a") // too old
	log(s, t0, "Why was the meeting put on hold?", "a")
	log(s, t0.Add(time.Minute), "why was the meeting  put on hold", "a")
	log(s, t0.Add(2*time.Minute), "Who is Peskov?", "a")
	log(s, t0.Add(3*time.Minute), "What about Gaza?", "b")
	t.Run("the most asked come first, the same question counted together", func(t *testing.T) {
		got, err := s.TopQuestionCounts(ctx, t0.Add(-time.Hour), "", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.TopQuestion{{"why was the meeting put on hold", 2}, {"Who is Peskov?", 1}, {"What about Gaza?", 1}}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("(-want +got):\n%s", d)
		}
	})
	t.Run("questions about one story", func(t *testing.T) {
		got, err := s.TopQuestions(ctx, t0.Add(-time.Hour), "b", 10)
		if err != nil || !cmp.Equal(got, []string{"What about Gaza?"}) {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("with question text off nothing of what was asked is kept", func(t *testing.T) {
		where := b.newDB(t)
		private := b.mustOpen(t, where, store.WithQuestionText(false))
		log(private, t0, "my secret question")
		if err := private.RecordFeedback(ctx, bot.Feedback{Platform: bot.PlatformSlack, Channel: "C", User: "U", MessageID: "1",
			Question: "my secret question", Answer: "secret answer", Helpful: true}); err != nil {
			t.Fatal(err)
		}
		private.Close()
		if b.name == "SQLite" {
			data, err := os.ReadFile(where)
			if err != nil {
				t.Fatal(err)
			}
			wal, _ := os.ReadFile(where + "-wal")
			if strings.Contains(string(data)+string(wal), "secret") {
				t.Fatal("question text was written to the database file")
			}
		}
		again := b.mustOpen(t, where)
		if qs, _ := again.TopQuestions(ctx, t0.Add(-time.Hour), "", 5); len(qs) != 0 {
			t.Fatalf("top questions %q from a log without text", qs)
		}
		if h, u, err := again.FeedbackCounts(ctx, t0.Add(-time.Hour)); err != nil || h != 1 || u != 0 {
			t.Fatalf("feedback %d/%d, %v", h, u, err)
		}
	})
}
