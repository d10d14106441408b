package knowledge_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
)

// mustParse parses an inline story or fails the test.
func mustParse(t testing.TB, name, text string) *knowledge.Story {
	t.Helper()
	s, err := knowledge.Parse(name, []byte(text))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return s
}

func paragraphTexts(s *knowledge.Story) []string {
	var out []string
	for _, p := range s.Paragraphs {
		out = append(out, p.Text)
	}
	return out
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseHeader(t *testing.T) {
	const body = "\n\nFirst paragraph.\n\nSecond paragraph.\n"
	tests := []struct {
		name    string
		header  string
		date    string // "" for none
		authors []string
		outlet  string
		paras   []string
	}{
		{
			name:    "a full header gives date, authors and outlet",
			header:  "date 2025-10-21 By Kristen Holmes, Jennifer Hansler, Kylie Atwood, CNN",
			date:    "2025-10-21",
			authors: []string{"Kristen Holmes", "Jennifer Hansler", "Kylie Atwood"},
			outlet:  "CNN",
			paras:   []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:    "a header with leading spaces reads the same",
			header:  "   date 2025-10-21 By Kristen Holmes, CNN",
			date:    "2025-10-21",
			authors: []string{"Kristen Holmes"},
			outlet:  "CNN",
			paras:   []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:    "a header without By still gives the authors",
			header:  "date 2025-10-21 Kristen Holmes, CNN",
			date:    "2025-10-21",
			authors: []string{"Kristen Holmes"},
			outlet:  "CNN",
			paras:   []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:    "a byline with no date gives authors and outlet",
			header:  "By Maria Chen and Tom Okafor, Reuters",
			authors: []string{"Maria Chen", "Tom Okafor"},
			outlet:  "Reuters",
			paras:   []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:   "a bare ISO date is a header",
			header: "2026-03-03",
			date:   "2026-03-03",
			paras:  []string{"First paragraph.", "Second paragraph."},
		},
		{
			name:   "with no header the first block is paragraph 1",
			header: "(CNN) — The meeting was tabled.",
			paras:  []string{"(CNN) — The meeting was tabled.", "First paragraph.", "Second paragraph."},
			outlet: "CNN",
		},
		{
			name:   "a first paragraph that starts with By is not taken for a byline",
			header: "By the time the council voted, the bridge was already shut.",
			paras:  []string{"By the time the council voted, the bridge was already shut.", "First paragraph.", "Second paragraph."},
		},
		{
			name:   "a first paragraph that starts with Date is not taken for a header",
			header: "Date night at the White House ended early, officials said.",
			paras:  []string{"Date night at the White House ended early, officials said.", "First paragraph.", "Second paragraph."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, "2025-10-21-test.txt", tt.header+body)
			if got := paragraphTexts(s); !slices.Equal(got, tt.paras) {
				t.Errorf("paragraphs %q, want %q", got, tt.paras)
			}
			var want time.Time
			if tt.date != "" {
				want = day(tt.date)
			}
			if !s.Date.Equal(want) {
				t.Errorf("date %v, want %v", s.Date, want)
			}
			if !slices.Equal(s.Authors, tt.authors) {
				t.Errorf("authors %q, want %q", s.Authors, tt.authors)
			}
			if s.Outlet != tt.outlet {
				t.Errorf("outlet %q, want %q", s.Outlet, tt.outlet)
			}
			if s.ID != "2025-10-21-test" {
				t.Errorf("id %q, want the file name without extension", s.ID)
			}
		})
	}
}

func TestParseSeedMetadata(t *testing.T) {
	lib, err := knowledge.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	s := lib.Story("2025-10-21-rubio-lavrov-meeting-tabled")
	if s == nil {
		t.Fatal("the seed story is not loaded under its file name")
	}
	t.Run("the header's date, authors and outlet are read", func(t *testing.T) {
		if !s.Date.Equal(day("2025-10-21")) {
			t.Errorf("date %v", s.Date)
		}
		if want := []string{"Kristen Holmes", "Jennifer Hansler", "Kylie Atwood"}; !slices.Equal(s.Authors, want) {
			t.Errorf("authors %q, want %q", s.Authors, want)
		}
		if s.Outlet != "CNN" || s.Source() != "CNN, 2025-10-21" {
			t.Errorf("outlet %q source %q", s.Outlet, s.Source())
		}
	})
	t.Run("the title is the first sentence of paragraph 1 without the dateline", func(t *testing.T) {
		if !strings.HasPrefix(s.Title, "President Donald Trump’s hopes") || !strings.HasSuffix(s.Title, "at least for now.") {
			t.Errorf("title %q", s.Title)
		}
	})
	t.Run("there are 22 paragraphs numbered from 1 in file order", func(t *testing.T) {
		if len(s.Paragraphs) != 22 {
			t.Fatalf("%d paragraphs, want 22", len(s.Paragraphs))
		}
		for i, p := range s.Paragraphs {
			if p.N != i+1 {
				t.Errorf("paragraph %d has N %d", i+1, p.N)
			}
		}
		if p := s.Paragraph(9); p == nil || p.Text != "“You cannot postpone what has not been scheduled,” he told reporters." {
			t.Errorf("¶9 = %+v", p)
		}
		if s.Paragraph(0) != nil || s.Paragraph(23) != nil {
			t.Error("Paragraph accepts numbers outside 1..22")
		}
	})
	t.Run("wire tag, copyright and update note keep their numbers but are not content", func(t *testing.T) {
		want := map[int]knowledge.Kind{20: knowledge.KindNote, 21: knowledge.KindWire, 22: knowledge.KindCopyright}
		for _, p := range s.Paragraphs {
			k, special := want[p.N]
			if !special {
				k = knowledge.KindContent
			}
			if p.Kind != k {
				t.Errorf("¶%d is %s, want %s: %.60q", p.N, p.Kind, k, p.Text)
			}
		}
		note, ok := s.UpdateNote()
		if !ok || note.N != 20 {
			t.Errorf("UpdateNote = ¶%d, %v; want ¶20", note.N, ok)
		}
	})
	t.Run("paragraphs record the line they start on", func(t *testing.T) {
		if s.Paragraph(1).Line != 3 || s.Paragraph(22).Line != 45 {
			t.Errorf("¶1 line %d, ¶22 line %d; want 3 and 45", s.Paragraph(1).Line, s.Paragraph(22).Line)
		}
	})
}

func TestParseParagraphNumbering(t *testing.T) {
	// Paragraph N is the Nth blank-line-separated block after the header,
	// whatever the block says and however many blank lines sit between.
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			name: "several blank lines and white-space-only lines separate one block",
			text: "date 2025-10-21 By A Writer, CNN\n\n\n\nOne.\n   \n\t\nTwo.\n\n\n",
			want: []string{"One.", "Two."},
		},
		{
			name: "lines of one block stay together",
			text: "date 2025-10-21 By A Writer, CNN\n\nOne line\nand its continuation.\n\nTwo.",
			want: []string{"One line\nand its continuation.", "Two."},
		},
		{
			name: "Windows line endings number the same",
			text: "date 2025-10-21 By A Writer, CNN\r\n\r\nOne.\r\n\r\nTwo.\r\n",
			want: []string{"One.", "Two."},
		},
		{
			name: "a byte-order mark does not hide the header",
			text: "\ufeffdate 2025-10-21 By A Writer, CNN\n\nOne.\n\nTwo.",
			want: []string{"One.", "Two."},
		},
		{
			name: "a paragraph on the header's next line is paragraph 1",
			text: "date 2025-10-21 By A Writer, CNN\nOne.\n\nTwo.",
			want: []string{"One.", "Two."},
		},
		{
			name: "non-content blocks count in the numbering",
			text: "date 2025-10-21 By A Writer, CNN\n\nThe-CNN-Wire\n\nOne.\n\nThis story has been updated.\n\nTwo.",
			want: []string{"The-CNN-Wire", "One.", "This story has been updated.", "Two."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, "s.txt", tt.text)
			if got := paragraphTexts(s); !slices.Equal(got, tt.want) {
				t.Errorf("paragraphs %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("the seed's numbering matches the eval scorer's", func(t *testing.T) {
		path := filepath.Join("seed", "2025-10-21-rubio-lavrov-meeting-tabled.txt")
		want := scoredParagraphs(t, path)
		s, err := knowledge.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Paragraphs) != len(want) {
			t.Fatalf("%d paragraphs, scorer sees %d", len(s.Paragraphs), len(want))
		}
		for _, p := range s.Paragraphs {
			if fold(p.Text) != want[p.N] {
				t.Errorf("¶%d = %.50q, scorer's ¶%d = %.50q", p.N, p.Text, p.N, want[p.N])
			}
		}
	})
}

func TestParseKinds(t *testing.T) {
	tests := []struct {
		name string
		text string
		want knowledge.Kind
	}{
		{"a wire tag is not content", "The-CNN-Wire", knowledge.KindWire},
		{"a spaced wire tag is not content", "The AP Wire", knowledge.KindWire},
		{"a copyright line is not content", "™ & © 2025 Cable News Network, Inc. All rights reserved.", knowledge.KindCopyright},
		{"an all-rights-reserved line is not content", "Copyright 2026 Reuters. All rights reserved.", knowledge.KindCopyright},
		{"an update note is a note", "This story has been updated with additional reporting Tuesday.", knowledge.KindNote},
		{"an editor's note is a note", "Editor’s note: An earlier version misspelled a name.", knowledge.KindNote},
		{"a correction is a note", "Correction: The vote was 7-2, not 6-3.", knowledge.KindNote},
		{"a sentence about an update is content", "The mayor said the plan has been updated twice since March.", knowledge.KindContent},
		{"a sentence mentioning the wire service is content", "Reporters at the wire service said the vote was close.", knowledge.KindContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, "s.txt", "date 2025-10-21 By A Writer, CNN\n\nThe council voted on Monday.\n\n"+tt.text)
			if got := s.Paragraph(2).Kind; got != tt.want {
				t.Errorf("%q is %s, want %s", tt.text, got, tt.want)
			}
		})
	}
	t.Run("non-content paragraphs are never cited", func(t *testing.T) {
		lib, err := knowledge.LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"Who owns Cable News Network?",
			"What is Warner Bros. Discovery?",
			"Are all rights reserved?",
			"What is The-CNN-Wire?",
			"What additional reporting was added?",
		} {
			a, err := lib.Ask(q, knowledge.AskOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range a.Citations {
				if c.Paragraph >= 20 {
					t.Errorf("%q cites ¶%d, which is not content: %q", q, c.Paragraph, c.Quote)
				}
			}
			if a.Closest != nil && a.Closest.Paragraph >= 20 {
				t.Errorf("%q names ¶%d as closest, which is not content", q, a.Closest.Paragraph)
			}
		}
	})
}

func TestParseMarkdown(t *testing.T) {
	const md = `---
title: Harbor bridge to close for repairs
date: 2026-03-03
authors: [Maria Chen, Tom Okafor]
outlet: Reuters
url: https://example.com/bridge
---

# Harbor bridge to close

The city council voted 7-2 on Monday to close the bridge.

"We had no choice," Mayor Linda Ortiz said.
`
	s := mustParse(t, "bridge.md", md)
	t.Run("front matter gives title, date, authors, outlet and url", func(t *testing.T) {
		if s.Title != "Harbor bridge to close for repairs" || !s.Date.Equal(day("2026-03-03")) ||
			!slices.Equal(s.Authors, []string{"Maria Chen", "Tom Okafor"}) || s.Outlet != "Reuters" ||
			s.URL != "https://example.com/bridge" {
			t.Errorf("got title %q date %v authors %q outlet %q url %q", s.Title, s.Date, s.Authors, s.Outlet, s.URL)
		}
	})
	t.Run("paragraphs are counted after the front matter, the heading included", func(t *testing.T) {
		want := []string{"# Harbor bridge to close", "The city council voted 7-2 on Monday to close the bridge.", `"We had no choice," Mayor Linda Ortiz said.`}
		if got := paragraphTexts(s); !slices.Equal(got, want) {
			t.Errorf("paragraphs %q, want %q", got, want)
		}
		if s.Paragraph(1).Kind != knowledge.KindHeading {
			t.Errorf("¶1 is %s, want heading", s.Paragraph(1).Kind)
		}
		if s.Paragraph(2).Line != 11 {
			t.Errorf("¶2 starts on line %d, want 11", s.Paragraph(2).Line)
		}
	})
	t.Run("a Markdown file without front matter takes its title from the heading", func(t *testing.T) {
		s := mustParse(t, "x.md", "# The headline\n\nBody text here.")
		if s.Title != "The headline" || len(s.Paragraphs) != 2 {
			t.Errorf("title %q, %d paragraphs", s.Title, len(s.Paragraphs))
		}
	})
	t.Run("the quotation in a Markdown story is attributed", func(t *testing.T) {
		if len(s.Quotes) != 1 || s.Quotes[0].Speaker != "Linda Ortiz" || s.Quotes[0].Text != "We had no choice" {
			t.Errorf("quotes %+v", s.Quotes)
		}
	})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		text     string
		contains []string
	}{
		{"text that is not UTF-8 is refused with its file and line", "bad.txt", "date 2025-10-21\n\nFine.\n\nBad \xff here.", []string{"bad.txt", "line 5", "UTF-8"}},
		{"an empty file is refused", "empty.txt", "", []string{"empty.txt", "empty"}},
		{"a file of white space is refused", "blank.txt", " \n\n\t\n", []string{"blank.txt", "empty"}},
		{"a header with no paragraphs is refused", "nopara.txt", "date 2025-10-21 By A Writer, CNN\n\n\n", []string{"nopara.txt", "no paragraphs"}},
		{"a story of only boilerplate is refused", "wire.txt", "date 2025-10-21 By A Writer, CNN\n\nThe-CNN-Wire\n\n© 2025 CNN. All rights reserved.", []string{"wire.txt", "no content"}},
		{"broken front matter is refused", "fm.md", "---\ntitle: [\n---\n\nBody.", []string{"fm.md", "front matter"}},
		{"unclosed front matter is refused", "open.md", "---\ntitle: x\n\nBody.", []string{"open.md", "front matter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := knowledge.Parse(tt.file, []byte(tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, knowledge.ErrBadStory) {
				t.Errorf("error %v does not wrap ErrBadStory", err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(err.Error(), c) {
					t.Errorf("error %q does not mention %q", err, c)
				}
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	write := func(t *testing.T, dir string, files map[string]string) {
		t.Helper()
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	const story = "date 2025-10-21 By A Writer, CNN\n\nThe council voted on Monday."
	t.Run("every story file in the folder is loaded and other files are skipped", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"a.txt": story, "b.md": "# B\n\nBody.", "notes.json": "{}", ".hidden.txt": story})
		lib, err := knowledge.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range lib.Stories() {
			ids = append(ids, s.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"a", "b"}) {
			t.Errorf("ids %q, want a and b", ids)
		}
		if p := lib.Story("a").Path; p != filepath.Join(dir, "a.txt") {
			t.Errorf("path %q", p)
		}
	})
	t.Run("two files with the same id are an error naming both", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"same.txt": story, "same.md": "# B\n\nBody."})
		_, err := knowledge.LoadDir(dir)
		if !errors.Is(err, knowledge.ErrDuplicateID) || !strings.Contains(err.Error(), "same.txt") || !strings.Contains(err.Error(), "same.md") {
			t.Errorf("error %v, want ErrDuplicateID naming same.txt and same.md", err)
		}
	})
	t.Run("of several bad files, the first in file order is the one reported, though they are parsed at once", func(t *testing.T) {
		dir := t.TempDir()
		files := map[string]string{"c-empty.txt": "", "d-empty.txt": ""}
		for i := range 20 {
			files[fmt.Sprintf("a%02d.txt", i)] = story
			files[fmt.Sprintf("z%02d.txt", i)] = story
		}
		write(t, dir, files)
		for range 5 {
			_, err := knowledge.LoadDir(dir)
			if !errors.Is(err, knowledge.ErrBadStory) || !strings.Contains(err.Error(), "c-empty.txt") {
				t.Fatalf("error %v, want ErrBadStory naming c-empty.txt", err)
			}
		}
	})
	t.Run("NewLibrary refuses two stories with one id", func(t *testing.T) {
		a, b := mustParse(t, "x.txt", story), mustParse(t, "x.md", "# B\n\nBody.")
		if _, err := knowledge.NewLibrary(a, b); !errors.Is(err, knowledge.ErrDuplicateID) {
			t.Errorf("error %v, want ErrDuplicateID", err)
		}
	})
	t.Run("a bad story file fails the load with its name", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"good.txt": story, "broken.txt": "\xfe\xff"})
		_, err := knowledge.LoadDir(dir)
		if !errors.Is(err, knowledge.ErrBadStory) || !strings.Contains(err.Error(), "broken.txt") {
			t.Errorf("error %v, want ErrBadStory naming broken.txt", err)
		}
	})
	t.Run("a missing folder is a clear error", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nope")
		_, err := knowledge.LoadDir(dir)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope") {
			t.Errorf("error %v, want not-exist naming the folder", err)
		}
	})
	t.Run("a folder with no story files is an error", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"readme.json": "{}"})
		if _, err := knowledge.LoadDir(dir); err == nil || !strings.Contains(err.Error(), "no story files") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a file given as the folder is an error", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"a.txt": story})
		if _, err := knowledge.LoadDir(filepath.Join(dir, "a.txt")); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("error %v", err)
		}
	})
}
