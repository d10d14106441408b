package stories

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// syncBuffer is a log sink safe to read while the watcher writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	bridgeV1 = "date 2025-11-04 By Anna Kovács, Courier\n\nThe bridge reopened on Tuesday after three weeks of repairs.\n\nThe repairs cost about 4.2 million euros, the transport authority said.\n"
	bridgeV2 = "date 2025-11-04 By Anna Kovács, Courier\n\nThe bridge reopened on Tuesday after three weeks of repairs.\n\nThe repairs cost about 5.1 million euros, the transport authority said on Wednesday, revising its estimate.\n"
	tramV1   = "date 2025-11-05 By Peter Lindqvist, Courier\n\nTram services across the bridge will resume on Thursday, the city said.\n\nThe trams had been replaced by buses during the closure.\n"
)

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// answer asks the library a question about one story and returns the
// answer text, or "" when the story is not there or does not say.
func answer(t *testing.T, lib *knowledge.Library, story, q string) string {
	t.Helper()
	if lib.Story(story) == nil {
		return ""
	}
	a, err := lib.Ask(q, knowledge.AskOptions{Story: story})
	if err != nil {
		t.Fatal(err)
	}
	if a.Abstained {
		return ""
	}
	return a.Text
}

// hookLog records the watcher's hooks.
type hookLog struct {
	mu      sync.Mutex
	changed []string // "id hash"
	removed []string
}

func (h *hookLog) onChange(_ context.Context, s *knowledge.Story) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changed = append(h.changed, s.ID)
}

func (h *hookLog) onRemove(_ context.Context, id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removed = append(h.removed, id)
}

func (h *hookLog) take() (changed, removed []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	changed, removed = h.changed, h.removed
	h.changed, h.removed = nil, nil
	return changed, removed
}

func TestWatcherKeepsTheLibraryInStepWithTheFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, dir, "bridge.txt", bridgeV1)
	lib, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	var hooks hookLog
	w, err := NewWatcher(WatcherOptions{
		Dir: dir, Library: lib, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		OnChange: hooks.onChange, OnRemove: hooks.onRemove,
	})
	if err != nil {
		t.Fatal(err)
	}
	loaded := lib.Story("bridge")
	if err := w.Rescan(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("the first scan reports the stories already loaded without reloading them", func(t *testing.T) {
		changed, removed := hooks.take()
		if strings.Join(changed, ",") != "bridge" || len(removed) != 0 {
			t.Errorf("hooks: changed %q, removed %q", changed, removed)
		}
		if lib.Story("bridge") != loaded {
			t.Error("an unchanged story was swapped for a copy")
		}
	})

	t.Run("a new file is answered from", func(t *testing.T) {
		writeFile(t, dir, "tram.txt", tramV1)
		if err := w.Rescan(ctx); err != nil {
			t.Fatal(err)
		}
		if got := answer(t, lib, "tram", "When will trams resume?"); !strings.Contains(got, "resume on Thursday") {
			t.Errorf("answer = %q", got)
		}
		if changed, _ := hooks.take(); strings.Join(changed, ",") != "tram" {
			t.Errorf("OnChange for %q, want tram only", changed)
		}
	})

	t.Run("a changed file answers with its new text", func(t *testing.T) {
		writeFile(t, dir, "bridge.txt", bridgeV2)
		if err := w.Rescan(ctx); err != nil {
			t.Fatal(err)
		}
		got := answer(t, lib, "bridge", "How much did the repairs cost?")
		if !strings.Contains(got, "5.1 million euros") || strings.Contains(got, "4.2") {
			t.Errorf("answer = %q, want the new figure", got)
		}
		if changed, _ := hooks.take(); strings.Join(changed, ",") != "bridge" {
			t.Errorf("OnChange for %q, want bridge", changed)
		}
	})

	for _, garbage := range []struct {
		name string
		data string
	}{
		{"not UTF-8", "\xff\xfe\x00d\x00a\x00t\x00e\x00"},
		{"empty", ""},
		{"only a header", "date 2025-11-04 By Anna Kovács, Courier\n"},
	} {
		t.Run("a file replaced by "+garbage.name+" keeps its previous version serving", func(t *testing.T) {
			writeFile(t, dir, "bridge.txt", garbage.data)
			err := w.Rescan(ctx)
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != "bridge.txt" || !errors.Is(err, knowledge.ErrBadStory) {
				t.Fatalf("Rescan err = %v, want a FileError for bridge.txt", err)
			}
			if got := answer(t, lib, "bridge", "How much did the repairs cost?"); !strings.Contains(got, "5.1 million euros") {
				t.Errorf("answer = %q, want the last good version", got)
			}
			if !strings.Contains(logs.String(), "file=bridge.txt") {
				t.Errorf("log does not name the file:\n%s", logs.String())
			}
			if changed, removed := hooks.take(); len(changed)+len(removed) != 0 {
				t.Errorf("hooks fired for garbage: changed %q removed %q", changed, removed)
			}
		})
	}

	t.Run("a broken file is logged once, not on every rescan", func(t *testing.T) {
		before := strings.Count(logs.String(), "file=bridge.txt")
		w.Rescan(ctx)
		w.Rescan(ctx)
		if after := strings.Count(logs.String(), "file=bridge.txt"); after != before {
			t.Errorf("logged %d more times", after-before)
		}
	})

	t.Run("a repaired file serves again", func(t *testing.T) {
		writeFile(t, dir, "bridge.txt", bridgeV1)
		if err := w.Rescan(ctx); err != nil {
			t.Fatal(err)
		}
		if got := answer(t, lib, "bridge", "How much did the repairs cost?"); !strings.Contains(got, "4.2 million euros") {
			t.Errorf("answer = %q", got)
		}
		hooks.take()
	})

	t.Run("a removed file is no longer answered from", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, "tram.txt")); err != nil {
			t.Fatal(err)
		}
		if err := w.Rescan(ctx); err != nil {
			t.Fatal(err)
		}
		if lib.Story("tram") != nil {
			t.Error("the removed story is still in the library")
		}
		if got, _ := lib.Ask("When will trams resume?", knowledge.AskOptions{}); !got.Abstained && strings.Contains(got.Text, "Thursday") {
			t.Errorf("answer = %q, still from the removed story", got.Text)
		}
		if _, removed := hooks.take(); strings.Join(removed, ",") != "tram" {
			t.Errorf("OnRemove for %q, want tram", removed)
		}
	})

	t.Run("a missing folder changes nothing", func(t *testing.T) {
		w2, err := NewWatcher(WatcherOptions{Dir: filepath.Join(dir, "gone"), Library: lib})
		if err != nil {
			t.Fatal(err)
		}
		if err := w2.Rescan(ctx); err == nil {
			t.Error("no error for a missing folder")
		}
		if lib.Story("bridge") == nil {
			t.Error("a folder error removed stories")
		}
	})
}

func TestWatcherRefusesASecondFileWithTheSameID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, dir, "bridge.md", "---\ntitle: Bridge\n---\n\nThe bridge reopened on Tuesday after repairs.\n")
	lib, _ := knowledge.NewLibrary()
	w, err := NewWatcher(WatcherOptions{Dir: dir, Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Rescan(ctx); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "bridge.txt", bridgeV1)
	if err := w.Rescan(ctx); !errors.Is(err, knowledge.ErrDuplicateID) {
		t.Fatalf("err = %v, want ErrDuplicateID", err)
	}
	if s := lib.Story("bridge"); s == nil || s.Title != "Bridge" {
		t.Fatalf("the first file stopped serving")
	}

	t.Run("once the first file goes, the second one serves", func(t *testing.T) {
		os.Remove(filepath.Join(dir, "bridge.md"))
		if err := w.Rescan(ctx); err != nil {
			t.Fatal(err)
		}
		if s := lib.Story("bridge"); s == nil || filepath.Base(s.Path) != "bridge.txt" {
			t.Fatalf("story = %+v, want it from bridge.txt", s)
		}
	})
}

func TestWatcherRunFollowsFileEvents(t *testing.T) {
	dir := t.TempDir()
	lib, _ := knowledge.NewLibrary()
	changed := make(chan *knowledge.Story, 8)
	removed := make(chan string, 8)
	w, err := NewWatcher(WatcherOptions{
		Dir: dir, Library: lib,
		RescanInterval: -1, // file events only, so the test proves they work
		Debounce:       5 * time.Millisecond,
		OnChange:       func(_ context.Context, s *knowledge.Story) { changed <- s },
		OnRemove:       func(_ context.Context, id string) { removed <- id },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	// With the periodic rescan off, only Run's first scan or a file event
	// can bring the new file in, and only an event the removal after it.
	// The time.After cases only guard against a hang; nothing is timed.

	writeFile(t, dir, "tram.txt", tramV1)
	select {
	case s := <-changed:
		if s.ID != "tram" || lib.Story("tram") != s {
			t.Fatalf("OnChange(%q), library has %v", s.ID, lib.Story("tram"))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no OnChange after writing a story file")
	}

	if err := os.Remove(filepath.Join(dir, "tram.txt")); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-removed:
		if id != "tram" || lib.Story("tram") != nil {
			t.Fatalf("OnRemove(%q), library still has it: %v", id, lib.Story("tram") != nil)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no OnRemove after deleting a story file")
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
}
