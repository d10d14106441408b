package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/pgtest"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
	"github.com/storybot/storybot/stories"
)

const (
	tramV1 = "date 2025-11-01 By Jane Roe, Courier\n\nThe council voted 12 to 3 on Friday to fund the new tram line.\n\n“It is a good day,” the mayor said.\n"
	tramV2 = tramV1 + "\nConstruction starts in March, the council said.\n"
)

// Two replicas share one database but not a stories folder: a story
// added on one reaches the other's library, and its folder, at the next
// poll (driven here, so nothing waits for the interval).
func TestAStoryAddedOnOneReplicaReachesTheOther(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) (a, b *store.Store)
	}{
		{"SQLite", func(t *testing.T) (a, b *store.Store) {
			path := filepath.Join(t.TempDir(), "storybot.db")
			return mustStore(t, func() (*store.Store, error) { return store.Open(context.Background(), path) }),
				mustStore(t, func() (*store.Store, error) { return store.Open(context.Background(), path) })
		}},
		{"PostgreSQL", func(t *testing.T) (a, b *store.Store) {
			u := pgtest.URL(t)
			return mustStore(t, func() (*store.Store, error) { return store.OpenPostgres(context.Background(), u) }),
				mustStore(t, func() (*store.Store, error) { return store.OpenPostgres(context.Background(), u) })
		}},
	}
	for _, be := range backends {
		for _, withDir := range []bool{true, false} {
			name := "on " + be.name + " into a replica with its own stories folder"
			if !withDir {
				name = "on " + be.name + " into a replica with no stories folder"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				stA, stB := be.open(t)
				dirA := t.TempDir()
				dirB := ""
				if withDir {
					dirB = t.TempDir()
				}
				libB, err := knowledge.LoadDefault()
				if err != nil {
					t.Fatal(err)
				}
				var recorded []string
				r, err := stories.NewReplicator(stories.ReplicatorOptions{
					Shared: sharedStories{stB}, Library: libB, Dir: dirB,
					OnChange: func(_ context.Context, s *knowledge.Story) { recorded = append(recorded, s.ID) },
				})
				if err != nil {
					t.Fatal(err)
				}
				poll := func(want int) {
					t.Helper()
					n, err := r.Poll(ctx)
					if err != nil || n != want {
						t.Fatalf("Poll = %d, %v; want %d stories taken", n, err, want)
					}
				}
				poll(0)

				add := func(text string) {
					t.Helper()
					if err := os.WriteFile(filepath.Join(dirA, "tram.txt"), []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
					if added, err := shareStoryFile(ctx, stA, dirA, "tram"); err != nil || !added {
						t.Fatalf("shareStoryFile = %v, %v", added, err)
					}
				}
				serves := func(text string) {
					t.Helper()
					s := libB.Story("tram")
					want, _ := knowledge.Parse("tram.txt", []byte(text))
					if s == nil || s.Hash != want.Hash {
						t.Fatalf("replica B serves %+v, want the text of hash %s", s, want.Hash)
					}
					if !withDir {
						return
					}
					got, err := os.ReadFile(filepath.Join(dirB, "tram.txt"))
					if err != nil || string(got) != text {
						t.Fatalf("replica B's folder holds %q, %v", got, err)
					}
				}

				add(tramV1)
				poll(1)
				serves(tramV1)
				poll(0)

				if added, err := shareStoryFile(ctx, stA, dirA, "tram"); err != nil || added {
					t.Errorf("sharing the same text again = %v, %v; want nothing added", added, err)
				}
				poll(0)

				add(tramV2)
				poll(1)
				serves(tramV2)

				if len(recorded) != 2 {
					t.Errorf("OnChange saw %v, want tram twice", recorded)
				}
				if withDir {
					// After a restart replica B loads the story from its own folder.
					lib, err := knowledge.LoadDir(dirB)
					if err != nil || lib.Story("tram") == nil {
						t.Errorf("replica B's folder does not load the story: %v", err)
					}
				}
			})
		}
	}
}

func mustStore(t *testing.T, open func() (*store.Store, error)) *store.Store {
	t.Helper()
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// On PostgreSQL a replica need not wait for its poll: adding a story
// notifies every listener, and the replicator polls when woken.
func TestANotificationSaysAStoryWasAdded(t *testing.T) {
	u := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stA := mustStore(t, func() (*store.Store, error) { return store.OpenPostgres(ctx, u) })
	stB := mustStore(t, func() (*store.Store, error) { return store.OpenPostgres(ctx, u) })
	libB, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	r, err := stories.NewReplicator(stories.ReplicatorOptions{Shared: sharedStories{stB}, Library: libB})
	if err != nil {
		t.Fatal(err)
	}
	wake := make(chan struct{}, 1)
	listened := make(chan error, 1)
	go func() { listened <- store.ListenStories(ctx, u, wake, nil) }()
	woken := func(what string) {
		t.Helper()
		select {
		case <-wake:
		case <-time.After(10 * time.Second):
			t.Fatalf("no wake-up: %s", what)
		}
	}
	woken("the listener did not connect")
	if n, err := r.Poll(ctx); err != nil || n != 0 {
		t.Fatalf("Poll before anything was added = %d, %v", n, err)
	}

	dirA := t.TempDir()
	if err := os.WriteFile(filepath.Join(dirA, "tram.txt"), []byte(tramV1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := shareStoryFile(ctx, stA, dirA, "tram"); err != nil {
		t.Fatal(err)
	}
	woken("no notification after a story was added")
	if n, err := r.Poll(ctx); err != nil || n != 1 || libB.Story("tram") == nil {
		t.Fatalf("Poll after the notification = %d, %v; want tram taken", n, err)
	}
	cancel()
	if err := <-listened; err != nil {
		t.Errorf("ListenStories: %v", err)
	}
}

// `storybot add` with STORYBOT_DATABASE_URL shares the story; a replica
// with a stories folder of its own starts serving it, and keeps it in
// that folder.
func TestAStoryAddedFromTheCommandLineReachesAReplicaStartingLater(t *testing.T) {
	u := pgtest.URL(t)
	dirA, dirB, src := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "tram.txt"), []byte(tramV1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dirB, "bridge.txt"), []byte("date 2025-11-04 By Anna Kovács, Courier\n\nThe bridge reopened on Tuesday after three weeks of repairs.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_DATABASE_URL": u},
		"add", "--stories", dirA, filepath.Join(src, "tram.txt"))
	if code != exitOK || !strings.Contains(out, "shared tram with the replicas") {
		t.Fatalf("add: exit %d\n%s%s", code, out, errOut)
	}

	vars := slackVars(slacktest.New(t))
	vars["STORYBOT_DATABASE_URL"], vars["STORYBOT_STORIES"] = u, dirB
	startServe(t, vars)
	got, err := os.ReadFile(filepath.Join(dirB, "tram.txt"))
	if err != nil || string(got) != tramV1 {
		t.Fatalf("replica B's folder holds %q, %v; want the added story", got, err)
	}
	out, errOut, code = runCLI(t, "", nil, "stories", "--stories", dirB)
	if code != exitOK || !strings.Contains(out, "tram") {
		t.Errorf("stories in replica B's folder: exit %d\n%s%s", code, out, errOut)
	}
}
