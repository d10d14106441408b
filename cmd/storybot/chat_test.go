package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// `changes` in chat uses the database serve and diff use: --db, else
// STORYBOT_DB, else storybot.db when one is in the working directory.
func TestChatChangesReadTheSameDatabaseAsServe(t *testing.T) {
	const addedParagraph = "Hungarian officials said on Wednesday that Budapest was still preparing to host the summit."
	setup := func(t *testing.T, db string) (dir string) {
		t.Helper()
		dir, file := storiesDir(t)
		if _, errOut, code := runCLI(t, "", nil, "diff", "--db", db, "--stories", dir, seedName); code != exitOK {
			t.Fatalf("diff: exit %d: %s", code, errOut)
		}
		updateSeed(t, file)
		return dir
	}
	t.Run("with STORYBOT_DB set after a diff, changes quotes the added paragraph", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "versions.db")
		dir := setup(t, db)
		out, errOut, code := runCLI(t, "changes\n", map[string]string{"STORYBOT_DB": db}, "chat", "--stories", dir)
		if code != exitOK || !strings.Contains(out, "added ¶6") || !strings.Contains(out, addedParagraph) {
			t.Errorf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("with --db, changes names the edited and removed paragraphs", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "versions.db")
		dir := setup(t, db)
		out, errOut, code := runCLI(t, "/changes rubio\n", nil, "chat", "--stories", dir, "--db", db)
		if code != exitOK || !strings.Contains(out, "edited ¶9 (was ¶8)") || !strings.Contains(out, "removed the paragraph that was ¶11") {
			t.Errorf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("with storybot.db in the working directory, it is used by default", func(t *testing.T) {
		wd := t.TempDir()
		dir := setup(t, filepath.Join(wd, "storybot.db"))
		t.Chdir(wd)
		out, errOut, code := runCLI(t, "changes\n", nil, "chat", "--stories", dir)
		if code != exitOK || !strings.Contains(out, "added ¶6") {
			t.Errorf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("with no database anywhere, chat says so and creates none", func(t *testing.T) {
		wd := t.TempDir()
		t.Chdir(wd)
		out, _, code := runCLI(t, "changes\n", nil, "chat")
		if code != exitOK || !strings.Contains(out, "I don't keep earlier versions") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if matches, _ := filepath.Glob(filepath.Join(wd, "*.db")); len(matches) != 0 {
			t.Errorf("chat created %v", matches)
		}
	})
}

// A command without its argument, and an empty line, get one line of
// usage in chat, not the whole help.
func TestChatAnswersAMissingArgumentAndAnEmptyLineInOneLine(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"/quote alone shows how to use quote", "/quote", "Usage: `quote <who or topic>` — for example `quote Peskov`."},
		{"quote alone shows how to use quote", "quote", "Usage: `quote <who or topic>` — for example `quote Peskov`."},
		{"/ask alone shows how to use ask", "/ask", "Usage: `ask <question>`"},
		{"an empty line says what to ask", "", "Ask a question about the news stories, or try `quote <who or topic>`"},
		{"a line of spaces says what to ask", "   ", "Ask a question about the news stories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.line+"\n", nil, "chat")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("reply %q, want one line starting %q", out, tt.want)
			}
		})
	}
}
