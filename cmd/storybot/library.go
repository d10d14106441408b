package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/storybot/storybot/knowledge"
)

// errBadInput marks an error the user fixes by changing what they gave
// storybot — a stories folder that is missing, holds no story or holds a
// file that is not a story, a story id that names no story — as opposed
// to a failure of storybot or its surroundings. Every command exits 2
// for it, as for any other usage error.
var errBadInput = errors.New("bad input")

// badInput wraps err so that errors.Is(err, errBadInput) holds, keeping
// its message and its own chain.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return badInputError{err}
}

type badInputError struct{ err error }

func (e badInputError) Error() string        { return e.err.Error() }
func (e badInputError) Unwrap() error        { return e.err }
func (e badInputError) Is(target error) bool { return target == errBadInput }

// exitCode is the exit status for a command that failed with err: 2 for
// bad input (see errBadInput), 1 for anything else.
func exitCode(err error) int {
	if errors.Is(err, errBadInput) {
		return exitUsage
	}
	return exitErr
}

// fail reports err for command and returns its exit status.
func fail(e env, command string, err error) int {
	fmt.Fprintf(e.stderr, "storybot %s: %v\n", command, err)
	return exitCode(err)
}

// loadLibrary loads --stories DIR, or the embedded default story. Every
// way a stories folder can be wrong is bad input: missing, not a folder,
// no story files, a story file that is empty, not UTF-8 or has no
// paragraphs, two files with one id.
func loadLibrary(dir string) (*knowledge.Library, error) {
	if dir == "" {
		return knowledge.LoadDefault()
	}
	if err := checkStoriesDir(dir); err != nil {
		return nil, err
	}
	lib, err := knowledge.LoadDir(dir)
	if err != nil && (errors.Is(err, knowledge.ErrBadStory) || errors.Is(err, knowledge.ErrDuplicateID) ||
		errors.Is(err, fs.ErrNotExist)) {
		return nil, badInput(err)
	}
	return lib, err
}

// checkFolder refuses a stories folder that is missing or not a folder,
// as bad input.
func checkFolder(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return badInput(fmt.Errorf("stories folder: %w", err))
	}
	if !fi.IsDir() {
		return badInput(fmt.Errorf("stories folder %s: not a directory", dir))
	}
	return nil
}

// checkStoriesDir refuses a stories folder that is missing, is not a
// folder or holds no story file, before knowledge.LoadDir says so in
// errors that carry no sentinel to tell them by.
func checkStoriesDir(dir string) error {
	if err := checkFolder(dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("stories folder: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() && knowledge.IsStoryFile(e.Name()) {
			return nil
		}
	}
	return badInput(fmt.Errorf("stories folder %s: no story files (*.txt, *.md)", dir))
}

// findStory returns the story with id, or an error naming the stories
// there are, which is bad input.
func findStory(lib *knowledge.Library, id string) (*knowledge.Story, error) {
	if s := lib.Story(id); s != nil {
		return s, nil
	}
	var ids []string
	for _, s := range lib.Stories() {
		ids = append(ids, s.ID)
	}
	return nil, badInput(fmt.Errorf("no story %q (stories: %s)", id, strings.Join(ids, ", ")))
}
