package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/slacktest"
)

// badFolders are stories folders that cannot be served, each with the
// word the error must name.
func badFolders(t *testing.T) []struct{ name, dir, names string } {
	t.Helper()
	folder := func(files map[string][]byte) string {
		dir := t.TempDir()
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	good := []byte("date 2026-03-02 By Ana Ruiz, Daily Planet\n\nThe council voted 7-2 on Monday to close the bridge.\n")
	notAFolder := filepath.Join(t.TempDir(), "story.txt")
	os.WriteFile(notAFolder, good, 0o644)
	return []struct{ name, dir, names string }{
		{"a missing folder", filepath.Join(t.TempDir(), "nowhere"), "nowhere"},
		{"a file where the folder should be", notAFolder, "story.txt"},
		{"a folder with no story files", folder(map[string][]byte{"notes.pdf": []byte("%PDF")}), "no story files"},
		{"an empty story file", folder(map[string][]byte{"a.txt": good, "empty.txt": nil}), "empty.txt"},
		{"a story file that is not UTF-8", folder(map[string][]byte{"latin1.txt": []byte("date 2026-03-02\n\nCaf\xe9 owners voted.\n")}), "latin1.txt"},
		{"a story file with only a header", folder(map[string][]byte{"header.txt": []byte("date 2026-03-02 By Ana Ruiz\n")}), "header.txt"},
		{"two files with one id", folder(map[string][]byte{"x.txt": good, "x.md": good}), "x"},
	}
}

// Every way a stories folder can be bad is one rule: exit 2, naming the
// file or folder, whichever command reads it.
func TestABadStoriesFolderIsBadInputForEveryCommand(t *testing.T) {
	for _, bad := range badFolders(t) {
		for _, args := range [][]string{
			{"ask", "why?"}, {"quote", "Ortiz"}, {"stories"}, {"digest"}, {"diff", "x"}, {"chat"},
		} {
			t.Run(bad.name+" makes "+args[0]+" exit 2", func(t *testing.T) {
				args := append([]string{args[0], "--stories", bad.dir}, args[1:]...)
				_, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_DB": filepath.Join(t.TempDir(), "x.db")}, args...)
				if code != exitUsage || !strings.Contains(errOut, bad.names) {
					t.Errorf("exit %d, stderr %q; want 2 naming %q", code, errOut, bad.names)
				}
			})
		}
	}
}

func TestServeRefusesABadStoriesFolderAsBadInput(t *testing.T) {
	fake := slacktest.New(t)
	for _, bad := range badFolders(t) {
		t.Run(bad.name, func(t *testing.T) {
			vars := slackVars(fake)
			vars["STORYBOT_STORIES"] = bad.dir
			vars["STORYBOT_DB"] = filepath.Join(t.TempDir(), "x.db")
			vars["STORYBOT_HTTP_ADDR"] = "127.0.0.1:0"
			_, errOut, code := runCLI(t, "", vars, "serve")
			if code != exitUsage || !strings.Contains(errOut, bad.names) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, errOut, bad.names)
			}
		})
	}
}
