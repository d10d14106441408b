package stories

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// DefaultPollInterval is how often a Replicator asks the shared database
// for stories added on other replicas, by default.
const DefaultPollInterval = 30 * time.Second

// SharedStory is a story file added on one replica and shared with the
// others through the database.
type SharedStory struct {
	// Seq orders shared stories; each is newer than every lower Seq.
	Seq int64
	// Name is the story's file name, e.g. "rubio-lavrov.md".
	Name string
	// Text is the whole file.
	Text []byte
	// AddedAt is when it was added.
	AddedAt time.Time
}

// Shared is where replicas share the stories added on any of them;
// *store.Store, through cmd/storybot, is one.
type Shared interface {
	// SharedSince returns stories shared after seq after, oldest first:
	// all of them or a first batch (then Poll asks again from the last
	// one); none when there are no more.
	SharedSince(ctx context.Context, after int64) ([]SharedStory, error)
}

// ReplicatorOptions configure a Replicator. Shared and Library are
// required.
type ReplicatorOptions struct {
	Shared  Shared
	Library *knowledge.Library
	// Dir, if set, is the replica's own stories folder: each story taken
	// from Shared is also written there, so it survives a restart.
	Dir string
	// Interval is how often Run polls Shared; zero means
	// DefaultPollInterval.
	Interval time.Duration
	// Wake, if set, makes Run poll at once whenever it receives (a
	// PostgreSQL notification, say), besides every Interval.
	Wake <-chan struct{}
	// OnChange is called after a story from Shared has been put into the
	// library (to record its version, say).
	OnChange func(ctx context.Context, s *knowledge.Story)
	// Logger receives what was taken and why a story was not; nil
	// discards it.
	Logger *slog.Logger
}

// Replicator brings the stories added on other replicas into this one:
// it polls Shared for stories newer than the last it saw, puts each into
// the Library and, with a Dir, writes its file there. A story whose file
// in Dir was written (by someone else than this Replicator) after the
// shared one was added is left alone: the newer text wins, by the
// clocks of the two machines. So is a story kept in Dir under another
// file name.
type Replicator struct {
	opts ReplicatorOptions
	log  *slog.Logger

	mu      sync.Mutex                   // serialises polls
	after   int64                        // the last Seq seen
	written map[string][sha256.Size]byte // file name → what this replicator last wrote there
}

// NewReplicator returns a Replicator; it reads nothing until Poll or Run.
func NewReplicator(opts ReplicatorOptions) (*Replicator, error) {
	if opts.Shared == nil {
		return nil, errors.New("stories replicator: no shared database")
	}
	if opts.Library == nil {
		return nil, errors.New("stories replicator: no library")
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultPollInterval
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Replicator{opts: opts, log: log.With("component", "stories replicator"),
		written: map[string][sha256.Size]byte{}}, nil
}

// Run polls at once, then every Interval and whenever Wake receives,
// until ctx is done; it returns nil then. A failed poll is logged and
// tried again at the next tick.
func (r *Replicator) Run(ctx context.Context) error {
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		if _, err := r.Poll(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("polling shared stories failed; trying again later", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-r.opts.Wake:
		}
	}
}

// Poll takes the stories shared since the last poll into the library
// (and Dir), and returns how many it put in. A story that does not parse
// or cannot be written is logged and skipped; only a failure to read
// Shared is returned, and the next poll starts where this one did.
func (r *Replicator) Poll(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	applied := 0
	for {
		shared, err := r.opts.Shared.SharedSince(ctx, r.after)
		if err != nil {
			return applied, fmt.Errorf("stories replicator: %w", err)
		}
		if len(shared) == 0 {
			return applied, nil
		}
		for _, sh := range shared {
			if r.take(ctx, sh) {
				applied++
			}
			r.after = max(r.after, sh.Seq)
		}
	}
}

// take puts one shared story into the library and Dir, and reports
// whether it did.
func (r *Replicator) take(ctx context.Context, sh SharedStory) bool {
	name := filepath.Base(sh.Name)
	if name != sh.Name || !knowledge.IsStoryFile(name) {
		r.log.Warn("shared story skipped: not a story file name", "name", sh.Name, "seq", sh.Seq)
		return false
	}
	path := name
	if r.opts.Dir != "" {
		path = filepath.Join(r.opts.Dir, name)
	}
	st, err := knowledge.Parse(path, sh.Text)
	if err != nil {
		r.log.Warn("shared story skipped", "name", name, "seq", sh.Seq, "err", err)
		return false
	}
	if cur := r.opts.Library.Story(st.ID); cur != nil && cur.Hash == st.Hash {
		return false // already serving this text
	}
	if r.opts.Dir != "" {
		ok, err := r.write(name, st.ID, sh)
		if err != nil {
			r.log.Error("shared story not written to the stories folder", "story", st.ID, "err", err)
			return false
		}
		if !ok {
			return false
		}
	}
	r.opts.Library.Put(st)
	r.log.Info("story taken from another replica", "story", st.ID, "paragraphs", len(st.Paragraphs), "seq", sh.Seq)
	if r.opts.OnChange != nil {
		r.opts.OnChange(ctx, st)
	}
	return true
}

// write saves the shared story as Dir/name, atomically, unless the
// folder holds the story under another name or a file written after the
// story was shared. It reports whether the story should be served.
func (r *Replicator) write(name, id string, sh SharedStory) (bool, error) {
	entries, err := os.ReadDir(r.opts.Dir)
	if err != nil {
		return false, fmt.Errorf("stories folder: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !knowledge.IsStoryFile(n) || strings.TrimSuffix(n, filepath.Ext(n)) != id || n == name {
			continue
		}
		r.log.Warn("shared story skipped: the stories folder holds it under another file name",
			"story", id, "shared_as", name, "file", n)
		return false, nil
	}
	dest := filepath.Join(r.opts.Dir, name)
	if old, err := os.ReadFile(dest); err == nil {
		if bytes.Equal(old, sh.Text) {
			return true, nil
		}
		// A file this replicator wrote is an older shared text; any
		// other is kept if it is newer than the shared one.
		ours := r.written[name] == sha256.Sum256(old)
		if fi, err := os.Stat(dest); err == nil && !ours && fi.ModTime().After(sh.AddedAt) {
			r.log.Info("shared story skipped: the file in the stories folder is newer", "story", id, "file", dest)
			return false, nil
		}
	}
	tmp, err := os.CreateTemp(r.opts.Dir, ".storybot-replica-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(sh.Text); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return false, err
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return false, err
	}
	r.written[name] = sha256.Sum256(sh.Text)
	return true, nil
}

// StoryFile returns the name and text of the file in dir that holds the
// story id, for sharing a story just added there.
func StoryFile(dir, id string) (name string, text []byte, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("stories folder: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && knowledge.IsStoryFile(n) && strings.TrimSuffix(n, filepath.Ext(n)) == id {
			text, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				return "", nil, fmt.Errorf("story %s: %w", id, err)
			}
			return n, text, nil
		}
	}
	return "", nil, fmt.Errorf("story %s: no file in %s: %w", id, dir, os.ErrNotExist)
}
