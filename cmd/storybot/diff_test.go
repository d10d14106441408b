package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedName = "2025-10-21-rubio-lavrov-meeting-tabled"

// storiesDir copies the seed story into a temporary stories folder.
func storiesDir(t *testing.T) (dir, file string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "seed", seedName+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	file = filepath.Join(dir, seedName+".txt")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

// updateSeed edits ¶8, adds a paragraph after ¶4 and removes ¶11.
func updateSeed(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, r := range []struct{ from, to string }{
		{"because no date was ever set.", "because no date was ever set. He repeated the point on Wednesday."},
		{"Budapest, Hungary.\n", "Budapest, Hungary.\n\nHungarian officials said on Wednesday that Budapest was still preparing to host the summit.\n"},
		{"A European diplomat described Lavrov as someone who is “100% loyal to Putin but who’s never in the room when real important decisions are being taken.”\n\n", ""},
	} {
		if !strings.Contains(text, r.from) {
			t.Fatalf("seed story lacks %.40q", r.from)
		}
		text = strings.Replace(text, r.from, r.to, 1)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiffShowsWhatChangedSinceTheStoredVersion(t *testing.T) {
	dir, file := storiesDir(t)
	db := filepath.Join(t.TempDir(), "storybot.db")
	vars := map[string]string{"STORYBOT_DB": db}

	out, errOut, code := runCLI(t, "", vars, "diff", "--stories", dir, seedName)
	if code != exitOK || !strings.Contains(out, "No earlier version is on record") {
		t.Fatalf("first diff: code %d\n%s%s", code, out, errOut)
	}
	updateSeed(t, file)
	out, errOut, code = runCLI(t, "", vars, "diff", "--stories", dir, seedName)
	if code != exitOK {
		t.Fatalf("code %d: %s", code, errOut)
	}
	for _, want := range []string{
		"+ ¶6 added:\n    “Hungarian officials said on Wednesday that Budapest was still preparing to host the summit.” [¶6]",
		"~ ¶9 edited (was ¶8):\n    new: “He repeated the point on Wednesday.” [¶9]",
		"- removed (was ¶11):\n    “A European diplomat described Lavrov",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	t.Run("json lists the changes with citations into the new version", func(t *testing.T) {
		out, _, code := runCLI(t, "", nil, "diff", "--json", "--db", db, "--stories", dir, seedName)
		var got diffJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitOK {
			t.Fatalf("code %d, %v: %s", code, err, out)
		}
		if len(got.Changes) != 3 || got.Changes[0].New != 6 || got.Changes[1].New != 9 || got.Changes[2].Old != 11 || got.RecordedNow {
			t.Errorf("changes %+v", got)
		}
	})
	t.Run("an unknown story is named", func(t *testing.T) {
		_, errOut, code := runCLI(t, "", vars, "diff", "--stories", dir, "nope")
		if code != exitUsage || !strings.Contains(errOut, `no story "nope"`) {
			t.Errorf("code %d: %s", code, errOut)
		}
	})
	t.Run("a corrupt database is refused naming the file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.db")
		os.WriteFile(bad, []byte(strings.Repeat("garbage ", 1000)), 0o600)
		_, errOut, code := runCLI(t, "", nil, "diff", "--db", bad, "--stories", dir, seedName)
		if code != exitErr || !strings.Contains(errOut, bad) || !strings.Contains(errOut, "not a database") {
			t.Errorf("code %d: %s", code, errOut)
		}
	})
}
