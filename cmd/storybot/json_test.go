package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Every --json output is one object per line, so `| while read` and `jq
// -c` work on any of them.
func TestEveryJSONOutputIsOneObjectPerLine(t *testing.T) {
	dir, _ := storiesDir(t)
	db := filepath.Join(t.TempDir(), "storybot.db")
	tests := []struct {
		name  string
		stdin string
		args  []string
		lines int
	}{
		{"ask with two questions prints two lines", "Who is Anna Kelly?\nWhy was the meeting put on hold?\n", []string{"ask", "--json", "-"}, 2},
		{"quote with two queries prints two lines", "Peskov\nbattle line\n", []string{"quote", "--json", "-"}, 2},
		{"stories prints a line per story", "", []string{"stories", "--json"}, 1},
		{"digest prints one line", "", []string{"digest", "--json", "--db", db, "--stories", dir}, 1},
		{"diff prints one line", "", []string{"diff", "--json", "--db", db, "--stories", dir, seedName}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.stdin, nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != tt.lines {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), tt.lines, out)
			}
			for _, l := range lines {
				var v map[string]any
				if err := json.Unmarshal([]byte(l), &v); err != nil {
					t.Errorf("line is not one JSON object: %v\n%s", err, l)
				}
			}
		})
	}
}

// A cited span has the same lower-case keys wherever it appears (ask's
// citations, quote's quotes, the digest's key points and quotes), an
// absent speaker is left out rather than empty, and a story's days are
// YYYY-MM-DD.
func TestDigestJSONUsesTheKeysAskAndQuoteUse(t *testing.T) {
	out, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_DB": filepath.Join(t.TempDir(), "x.db")}, "digest", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, goName := range []string{`"Text"`, `"Speaker"`, `"Story"`, `"Paragraph"`, `"Outlet"`, `"Date"`, `"URL"`, `"speaker":""`, "T00:00:00Z"} {
		if strings.Contains(out, goName) {
			t.Errorf("digest --json has %s:\n%s", goName, out)
		}
	}
	var d struct {
		Date    string `json:"date"`
		Stories []struct {
			KeyPoints []map[string]any `json:"key_points"`
			Quotes    []map[string]any `json:"quotes"`
			Events    []struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"events"`
		} `json:"stories"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Date) != len("2006-01-02") || len(d.Stories) != 1 {
		t.Fatalf("date %q, %d stories", d.Date, len(d.Stories))
	}
	sd := d.Stories[0]
	t.Run("key points and quotes are story, paragraph, quote and maybe speaker", func(t *testing.T) {
		spans := append(sd.KeyPoints, sd.Quotes...)
		if len(spans) == 0 || len(sd.Quotes) == 0 {
			t.Fatalf("no key points or quotes: %s", out)
		}
		for _, span := range spans {
			for k := range span {
				if k != "story" && k != "paragraph" && k != "quote" && k != "speaker" {
					t.Errorf("a cited span has the key %q: %v", k, span)
				}
			}
			if span["story"] == nil || span["paragraph"] == nil || span["quote"] == nil {
				t.Errorf("a cited span lacks story, paragraph or quote: %v", span)
			}
		}
		for _, q := range sd.Quotes {
			if q["speaker"] == nil {
				t.Errorf("a notable quotation has no speaker: %v", q)
			}
		}
	})
	t.Run("event days are YYYY-MM-DD", func(t *testing.T) {
		if len(sd.Events) == 0 {
			t.Fatal("no events")
		}
		for _, ev := range sd.Events {
			if len(ev.From) != 10 || len(ev.To) != 10 {
				t.Errorf("event from %q to %q", ev.From, ev.To)
			}
		}
	})
}

// A question or query that cannot be looked up says the same words
// whether it was asked alone (on stderr, exit 2) or as a line of a batch
// (an "error" object on stdout).
func TestBatchErrorsSayWhatSingleErrorsSay(t *testing.T) {
	long := strings.Repeat("a", 2001)
	for _, cmd := range []string{"ask", "quote"} {
		t.Run(cmd+" with an over-long question", func(t *testing.T) {
			_, single, code := runCLI(t, "", nil, cmd, long)
			if code != exitUsage {
				t.Fatalf("single: exit %d, want 2", code)
			}
			msg := strings.TrimSpace(strings.TrimPrefix(single, "storybot "+cmd+": "))
			out, errOut, code := runCLI(t, "Peskov\n"+long+"\n", nil, cmd, "--json", "-")
			if code != exitOK {
				t.Fatalf("batch: exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d lines for 2 queries:\n%s", len(lines), out)
			}
			var v struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal([]byte(lines[1]), &v); err != nil {
				t.Fatal(err)
			}
			if v.Error == "" || v.Error != msg {
				t.Errorf("batch error %q, single error %q: want the same words", v.Error, msg)
			}
			if strings.Contains(lines[0], `"error"`) {
				t.Errorf("the good line carries an error key: %s", lines[0])
			}
		})
		t.Run(cmd+" in text mode reports a bad line on stderr, not as JSON", func(t *testing.T) {
			out, errOut, code := runCLI(t, long+"\n", nil, cmd, "-")
			if code != exitOK || strings.Contains(out, "{") || !strings.Contains(errOut, "longer than 2000") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

func TestAskAboutAStoryThatDoesNotExistIsBadInput(t *testing.T) {
	_, errOut, code := runCLI(t, "", nil, "ask", "--story", "nope", "why was the meeting put on hold?")
	if code != exitUsage || !strings.Contains(errOut, `no story "nope"`) || !strings.Contains(errOut, seedName) {
		t.Errorf("exit %d, stderr %q; want 2 naming the story and the stories there are", code, errOut)
	}
	t.Run("a story that exists is answered from", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", nil, "ask", "--story", seedName, "why was the meeting put on hold?")
		if code != exitOK || !strings.Contains(out, "¶4") {
			t.Errorf("exit %d: %s%s", code, out, errOut)
		}
	})
	t.Run("the usage lists --story", func(t *testing.T) {
		_, errOut, _ := runCLI(t, "", nil, "ask")
		if !strings.Contains(errOut, "[--story ID]") {
			t.Errorf("usage lacks --story:\n%s", errOut)
		}
	})
}
