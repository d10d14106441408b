// Package stories keeps storybot's stories folder and library in step: a
// Watcher swaps new, changed and removed story files into a
// knowledge.Library while answers are being served, and a Fetcher adds
// stories to the folder from a local file or a web page.
//
// It depends on knowledge only; it knows nothing about chat platforms or
// the database, which hear about changes through the Watcher's hooks.
package stories

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/storybot/storybot/knowledge"
)

// Defaults for WatcherOptions.
const (
	DefaultRescanInterval = 30 * time.Second
	DefaultDebounce       = 250 * time.Millisecond
)

// maxStoryFile caps how much of a story file the watcher reads: a story
// is a few dozen kilobytes, and a stray multi-gigabyte file dropped into
// the folder must not take the process's memory with it.
const maxStoryFile = 16 << 20

// WatcherOptions configure a Watcher. Dir and Library are required.
type WatcherOptions struct {
	// Dir is the stories folder.
	Dir string
	// Library receives the stories; usually the one knowledge.LoadDir
	// built from Dir at start.
	Library *knowledge.Library
	// Logger receives parse errors (with the file name) and watch
	// problems; nil discards them.
	Logger *slog.Logger
	// RescanInterval is how often the whole folder is re-read, to catch
	// events fsnotify missed or cannot deliver (network file systems,
	// exhausted inotify watches). Zero means DefaultRescanInterval; a
	// negative value turns the periodic rescan off.
	RescanInterval time.Duration
	// Debounce is how long the folder must be quiet after a file event
	// before it is re-read, so an editor's burst of writes is parsed once
	// and a half-written file is not. Zero means DefaultDebounce.
	Debounce time.Duration
	// OnChange is called after a new or changed story has been swapped
	// into the library. It is also called for every story found by the
	// first scan, so a version that changed while storybot was down gets
	// recorded: a hook that records versions should ignore a hash it
	// already has. Hooks run on the scanning goroutine and must not call
	// Rescan.
	OnChange func(ctx context.Context, s *knowledge.Story)
	// OnRemove is called after a story whose file was deleted has been
	// removed from the library.
	OnRemove func(ctx context.Context, id string)
}

// Watcher keeps a Library in step with a stories folder. A file replaced
// by something that does not parse (not UTF-8, empty, no paragraphs)
// leaves the previous version serving, and the error is logged with the
// file name.
type Watcher struct {
	opts WatcherOptions
	log  *slog.Logger

	mu      sync.Mutex          // serialises scans
	scanned bool                // the first scan has run
	files   map[string]fileInfo // file name → what was last seen there
	owned   map[string]string   // story id → file name it is served from
}

// fileInfo is the last state seen of one story file.
type fileInfo struct {
	sum [sha256.Size]byte
	err error // why the file was rejected; nil when it serves
}

// NewWatcher returns a watcher for opts.Dir. It reads nothing until Run
// or Rescan.
func NewWatcher(opts WatcherOptions) (*Watcher, error) {
	if opts.Dir == "" {
		return nil, errors.New("stories watcher: no folder")
	}
	if opts.Library == nil {
		return nil, errors.New("stories watcher: no library")
	}
	if opts.RescanInterval == 0 {
		opts.RescanInterval = DefaultRescanInterval
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Watcher{
		opts:  opts,
		log:   log.With("stories", opts.Dir),
		files: map[string]fileInfo{},
		owned: map[string]string{},
	}, nil
}

// Run scans the folder, then watches it until ctx is done, re-reading it
// after file events (debounced) and every RescanInterval. Problems with
// single files are logged, never fatal; Run returns nil when ctx ends, or
// an error if the first scan cannot read the folder at all.
func (w *Watcher) Run(ctx context.Context) error {
	fsw, err := fsnotify.NewWatcher()
	if err == nil {
		if err = fsw.Add(w.opts.Dir); err != nil {
			fsw.Close()
		}
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if err != nil {
		w.log.Warn("stories: file events unavailable, relying on the periodic rescan", "err", err)
		if w.opts.RescanInterval < 0 {
			w.opts.RescanInterval = DefaultRescanInterval
		}
	} else {
		defer fsw.Close()
		events, errs = fsw.Events, fsw.Errors
	}

	if err := w.Rescan(ctx); err != nil && w.dirError(err) {
		return err
	}

	var tick <-chan time.Time
	if w.opts.RescanInterval > 0 {
		t := time.NewTicker(w.opts.RescanInterval)
		defer t.Stop()
		tick = t.C
	}
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	defer debounce.Stop()

	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if knowledge.IsStoryFile(ev.Name) && filepath.Dir(ev.Name) == filepath.Clean(w.opts.Dir) {
				debounce.Reset(w.opts.Debounce)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// An overflowed event queue means events were lost: rescan.
			w.log.Warn("stories: file watch error", "err", err)
			debounce.Reset(w.opts.Debounce)
		case <-debounce.C:
			w.rescanAndLog(ctx)
		case <-tick:
			w.rescanAndLog(ctx)
		}
	}
}

func (w *Watcher) rescanAndLog(ctx context.Context) {
	// Per-file errors were logged by Rescan; only a folder error is left.
	if err := w.Rescan(ctx); err != nil && w.dirError(err) {
		w.log.Error("stories: cannot read the folder; keeping the stories already loaded", "err", err)
	}
}

// dirError reports whether err is about the folder rather than one file.
func (w *Watcher) dirError(err error) bool {
	var fe *FileError
	return !errors.As(err, &fe)
}

// FileError is a story file that could not be read or parsed. The
// previous version of its story, if any, keeps serving.
type FileError struct {
	File string // file name inside the folder
	Err  error
}

// Error names the file, so a log line or chat reply says which one.
func (e *FileError) Error() string { return "story file " + e.File + ": " + e.Err.Error() }

// Unwrap returns the underlying error, such as one wrapping
// knowledge.ErrBadStory.
func (e *FileError) Unwrap() error { return e.Err }

// Rescan re-reads the folder once and swaps every new, changed or removed
// story into the library, calling the hooks. It returns the joined
// *FileError of every file that is rejected (each logged once per
// version of the file), or the error reading the folder itself, in which
// case nothing is changed. Rescan is safe to call while Run is running.
func (w *Watcher) Rescan(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()

	entries, err := os.ReadDir(w.opts.Dir)
	if err != nil {
		return fmt.Errorf("stories folder: %w", err)
	}
	present := map[string]bool{}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && knowledge.IsStoryFile(e.Name()) {
			names = append(names, e.Name())
			present[e.Name()] = true
		}
	}
	slices.Sort(names)

	lib := w.opts.Library
	first := !w.scanned
	w.scanned = true
	if first {
		// Stories already loaded from this folder (knowledge.LoadDir) are
		// ours to replace and remove; other stories are left alone.
		for _, s := range lib.Stories() {
			if s.Path != "" && filepath.Clean(filepath.Dir(s.Path)) == filepath.Clean(w.opts.Dir) {
				w.owned[s.ID] = filepath.Base(s.Path)
			}
		}
	}

	// Removals first, so a story moving between a.txt and a.md is free
	// to be picked up from its new file in the same scan.
	for name := range w.files {
		if !present[name] {
			delete(w.files, name)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.owned)) {
		if present[w.owned[id]] {
			continue
		}
		delete(w.owned, id)
		if lib.Remove(id) {
			w.log.Info("stories: story removed", "id", id)
			if w.opts.OnRemove != nil {
				w.opts.OnRemove(ctx, id)
			}
		}
	}

	var errs []error
	for _, name := range names {
		if err := w.scanFile(ctx, name, first); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scanFile re-reads one story file and swaps it in if it changed.
func (w *Watcher) scanFile(ctx context.Context, name string, first bool) error {
	prev, seen := w.files[name]
	reject := func(sum [sha256.Size]byte, err error) error {
		fe := &FileError{File: name, Err: err}
		if !seen || prev.sum != sum || prev.err == nil || prev.err.Error() != err.Error() {
			w.log.Error("stories: story file rejected; the previous version, if any, keeps serving",
				"file", name, "err", err)
		}
		w.files[name] = fileInfo{sum: sum, err: err}
		return fe
	}

	path := filepath.Join(w.opts.Dir, name)
	data, err := readCapped(path, maxStoryFile)
	if err != nil {
		return reject([sha256.Size]byte{}, err)
	}
	sum := sha256.Sum256(data)
	if seen && prev.sum == sum {
		switch {
		case prev.err == nil:
			return nil
		case !errors.Is(prev.err, knowledge.ErrDuplicateID):
			// Still the same rejected bytes; it was logged already.
			return &FileError{File: name, Err: prev.err}
		}
		// A duplicate id may be free now that the other file is gone.
	}
	s, err := knowledge.Parse(name, data)
	if err != nil {
		return reject(sum, err)
	}
	s.Path = path
	if other, ok := w.owned[s.ID]; ok && other != name {
		return reject(sum, fmt.Errorf("%w: %s already holds story %q", knowledge.ErrDuplicateID, other, s.ID))
	}
	w.files[name] = fileInfo{sum: sum}
	w.owned[s.ID] = name

	lib := w.opts.Library
	if old := lib.Story(s.ID); old != nil && old.Hash == s.Hash {
		if first && w.opts.OnChange != nil {
			w.opts.OnChange(ctx, old)
		}
		return nil
	}
	lib.Put(s)
	w.log.Info("stories: story loaded", "id", s.ID, "file", name, "paragraphs", len(s.Paragraphs))
	if w.opts.OnChange != nil {
		w.opts.OnChange(ctx, s)
	}
	return nil
}

// readCapped reads the file at path, refusing one larger than max bytes.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return data, nil
}
