package stories

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// fakeShared is a Shared in memory, handing out batches of at most two.
type fakeShared struct {
	mu      sync.Mutex
	stories []SharedStory
	err     error
}

func (f *fakeShared) add(name, text string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stories = append(f.stories, SharedStory{Seq: int64(len(f.stories) + 1), Name: name, Text: []byte(text), AddedAt: at})
}

func (f *fakeShared) SharedSince(_ context.Context, after int64) ([]SharedStory, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []SharedStory
	for _, s := range f.stories {
		if s.Seq > after && len(out) < 2 {
			out = append(out, s)
		}
	}
	return out, nil
}

func TestReplicatorTakesSharedStories(t *testing.T) {
	added := time.Now().Add(-time.Hour)
	tests := []struct {
		name      string
		folder    map[string]string // files in the replica's folder, written after the story was shared
		shared    []SharedStory
		wantTaken int
		wantHash  map[string]string // story id → the text it serves ("" = not served)
		wantFiles map[string]string // file → content afterwards
	}{
		{
			name:      "new stories are served and written to the folder, in batches",
			shared:    []SharedStory{{Name: "bridge.txt", Text: []byte(bridgeV1)}, {Name: "tram.txt", Text: []byte(tramV1)}, {Name: "bridge.txt", Text: []byte(bridgeV2)}},
			wantTaken: 3,
			wantHash:  map[string]string{"bridge": bridgeV2, "tram": tramV1},
			wantFiles: map[string]string{"bridge.txt": bridgeV2, "tram.txt": tramV1},
		},
		{
			name:      "a story that does not parse is skipped and the next one taken",
			shared:    []SharedStory{{Name: "empty.txt", Text: []byte("  \n")}, {Name: "tram.txt", Text: []byte(tramV1)}},
			wantTaken: 1,
			wantHash:  map[string]string{"empty": "", "tram": tramV1},
			wantFiles: map[string]string{"tram.txt": tramV1},
		},
		{
			name:      "a name that is not a story file in the folder is skipped",
			shared:    []SharedStory{{Name: "../escape.txt", Text: []byte(tramV1)}, {Name: "notes.pdf", Text: []byte(tramV1)}},
			wantHash:  map[string]string{"escape": "", "notes": ""},
			wantFiles: map[string]string{},
		},
		{
			name:      "a file in the folder written after the story was shared is kept",
			folder:    map[string]string{"bridge.txt": bridgeV2},
			shared:    []SharedStory{{Name: "bridge.txt", Text: []byte(bridgeV1)}},
			wantHash:  map[string]string{"bridge": bridgeV2},
			wantFiles: map[string]string{"bridge.txt": bridgeV2},
		},
		{
			name:      "a story the folder holds under another file name is left alone",
			folder:    map[string]string{"bridge.md": bridgeV2},
			shared:    []SharedStory{{Name: "bridge.txt", Text: []byte(bridgeV1)}},
			wantHash:  map[string]string{"bridge": bridgeV2},
			wantFiles: map[string]string{"bridge.md": bridgeV2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.folder {
				writeFile(t, dir, name, text)
			}
			lib, err := knowledge.LoadDir(dir)
			if err != nil && len(tt.folder) > 0 {
				t.Fatal(err)
			}
			if lib == nil {
				lib, _ = knowledge.NewLibrary()
			}
			shared := &fakeShared{}
			for _, s := range tt.shared {
				shared.add(s.Name, string(s.Text), added)
			}
			r, err := NewReplicator(ReplicatorOptions{Shared: shared, Library: lib, Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			n, err := r.Poll(context.Background())
			if err != nil || n != tt.wantTaken {
				t.Fatalf("Poll = %d, %v; want %d taken", n, err, tt.wantTaken)
			}
			for id, text := range tt.wantHash {
				s := lib.Story(id)
				if text == "" {
					if s != nil {
						t.Errorf("story %s is served", id)
					}
					continue
				}
				want, _ := knowledge.Parse(id+".txt", []byte(text))
				if s == nil || s.Hash != want.Hash {
					t.Errorf("story %s serves %+v, want the text of hash %s", id, s, want.Hash)
				}
			}
			entries, _ := os.ReadDir(dir)
			got := map[string]string{}
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				got[e.Name()] = string(b)
			}
			if len(got) != len(tt.wantFiles) {
				t.Errorf("folder holds %d files %v, want %d", len(got), keys(got), len(tt.wantFiles))
			}
			for name, text := range tt.wantFiles {
				if got[name] != text {
					t.Errorf("%s holds %q, want %q", name, got[name], text)
				}
			}
			if n, err := r.Poll(context.Background()); err != nil || n != 0 {
				t.Errorf("a second Poll = %d, %v; want nothing new", n, err)
			}
		})
	}
}

func TestReplicatorRunPollsWhenWoken(t *testing.T) {
	shared := &fakeShared{}
	lib, _ := knowledge.NewLibrary()
	wake := make(chan struct{})
	taken := make(chan string, 4)
	r, err := NewReplicator(ReplicatorOptions{Shared: shared, Library: lib, Interval: time.Hour, Wake: wake,
		OnChange: func(_ context.Context, s *knowledge.Story) { taken <- s.ID }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	shared.add("tram.txt", tramV1, time.Now())
	wake <- struct{}{}
	select {
	case id := <-taken:
		if id != "tram" {
			t.Errorf("took %s, want tram", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the woken replicator did not take the story")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestReplicatorPollReportsAnUnreachableDatabase(t *testing.T) {
	lib, _ := knowledge.NewLibrary()
	down := errors.New("connection refused")
	r, err := NewReplicator(ReplicatorOptions{Shared: &fakeShared{err: down}, Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Poll(context.Background()); !errors.Is(err, down) {
		t.Errorf("Poll: %v, want %v", err, down)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
