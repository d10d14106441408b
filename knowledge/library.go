package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed seed/*.txt
var seedFS embed.FS

// Library is the set of stories storybot answers from. It is safe for
// concurrent use: readers see an immutable snapshot, and Put and Remove
// build a new one and swap it in, so answers in flight are never blocked
// or torn by a reload.
type Library struct {
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[snapshot]
}

// NewLibrary returns a library holding stories. Two stories with the same
// id are an error.
func NewLibrary(stories ...*Story) (*Library, error) {
	seen := map[string]string{}
	for _, s := range stories {
		if prev, ok := seen[s.ID]; ok {
			return nil, fmt.Errorf("story id %q: both %s and %s: %w", s.ID, prev, s.Path, ErrDuplicateID)
		}
		seen[s.ID] = s.Path
	}
	l := &Library{}
	l.snap.Store(newSnapshot(stories))
	return l, nil
}

// ErrDuplicateID is returned when two story files share an id.
var ErrDuplicateID = errors.New("duplicate story id")

// LoadDefault returns a library holding the story embedded in the binary.
func LoadDefault() (*Library, error) {
	stories, err := loadFS(seedFS, "seed")
	if err != nil {
		return nil, err
	}
	return NewLibrary(stories...)
}

// LoadDir returns a library holding every story file (.txt, .md) in dir.
func LoadDir(dir string) (*Library, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("stories folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("stories folder %s: not a directory", dir)
	}
	stories, err := loadFS(os.DirFS(dir), ".")
	if err != nil {
		return nil, err
	}
	for _, s := range stories {
		s.Path = filepath.Join(dir, s.Path)
	}
	if len(stories) == 0 {
		return nil, fmt.Errorf("stories folder %s: no story files (*.txt, *.md)", dir)
	}
	return NewLibrary(stories...)
}

// IsStoryFile reports whether name has an extension storybot reads.
func IsStoryFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return !strings.HasPrefix(filepath.Base(name), ".")
	}
	return false
}

func loadFS(fsys fs.FS, dir string) ([]*Story, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read stories: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && IsStoryFile(e.Name()) {
			names = append(names, e.Name())
		}
	}
	// Parsing is most of a library's load and stories are independent:
	// they are parsed on every CPU, then checked in file order, so the
	// first error and the duplicate reported are the same as one by one.
	stories := make([]*Story, len(names))
	errs := make([]error, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(names) {
					return
				}
				p := names[i]
				if dir != "." {
					p = dir + "/" + names[i]
				}
				data, err := fs.ReadFile(fsys, p)
				if err != nil {
					errs[i] = fmt.Errorf("read story %s: %w", names[i], err)
					continue
				}
				stories[i], errs[i] = Parse(names[i], data)
			}
		})
	}
	wg.Wait()
	out := make([]*Story, 0, len(names))
	seen := map[string]string{}
	for i, s := range stories {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if prev, ok := seen[s.ID]; ok {
			return nil, fmt.Errorf("story id %q: both %s and %s: %w", s.ID, prev, names[i], ErrDuplicateID)
		}
		seen[s.ID] = names[i]
		s.Path = names[i]
		out = append(out, s)
	}
	return out, nil
}

// ReadFile parses the story file at path.
func ReadFile(path string) (*Story, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read story: %w", err)
	}
	s, err := Parse(filepath.Base(path), data)
	if err != nil {
		return nil, err
	}
	s.Path = path
	return s, nil
}

// Stories returns the loaded stories, newest first, then by id.
func (l *Library) Stories() []*Story {
	return slices.Clone(l.snap.Load().stories)
}

// Story returns the story with the given id, or nil.
func (l *Library) Story(id string) *Story {
	sn := l.snap.Load()
	if i, ok := sn.byID[id]; ok {
		return sn.stories[i]
	}
	return nil
}

// Put adds s, or replaces the story with the same id, without blocking
// readers.
func (l *Library) Put(s *Story) {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.snap.Load().stories
	next := make([]*Story, 0, len(old)+1)
	for _, o := range old {
		if o.ID != s.ID {
			next = append(next, o)
		}
	}
	next = append(next, s)
	l.snap.Store(newSnapshot(next))
}

// Remove drops the story with the given id and reports whether it was there.
func (l *Library) Remove(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.snap.Load().stories
	next := make([]*Story, 0, len(old))
	for _, o := range old {
		if o.ID != id {
			next = append(next, o)
		}
	}
	if len(next) == len(old) {
		return false
	}
	l.snap.Store(newSnapshot(next))
	return true
}
