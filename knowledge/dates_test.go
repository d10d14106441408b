package knowledge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
)

func TestFindDates(t *testing.T) {
	tuesday := day("2025-10-21") // the seed story's date, a Tuesday
	tests := []struct {
		name     string
		text     string
		phrase   string
		from, to string
		label    string
	}{
		{"a bare past weekday is the latest one before the story", "Trump said Thursday after a call.", "Thursday", "2025-10-16", "2025-10-16", "Oct 16, 2025"},
		{"Monday is the day before a Tuesday story", "Rubio and Lavrov on Monday had a phone call.", "Monday", "2025-10-20", "2025-10-20", "Oct 20, 2025"},
		{"Saturday is the Saturday before", "Trump told reporters Saturday.", "Saturday", "2025-10-18", "2025-10-18", "Oct 18, 2025"},
		{"the story's own weekday is the story's date", "Peskov said on Tuesday that the summit cannot be postponed.", "Tuesday", "2025-10-21", "2025-10-21", "Oct 21, 2025"},
		{"a weekday after a future verb is the next one", "The ministers will meet Thursday.", "Thursday", "2025-10-23", "2025-10-23", "Oct 23, 2025"},
		{"next Friday is the coming Friday", "The vote is set for next Friday.", "next Friday", "2025-10-24", "2025-10-24", "Oct 24, 2025"},
		{"last week is the Monday-to-Sunday week before", "Trump said last week that they would meet.", "last week", "2025-10-13", "2025-10-19", "Oct 13–19, 2025"},
		{"this week is the story's week", "The meeting was tabled this week.", "this week", "2025-10-20", "2025-10-26", "Oct 20–26, 2025"},
		{"next week crosses into the next month", "It is set to take place next week in Malaysia.", "next week", "2025-10-27", "2025-11-02", "Oct 27 – Nov 2, 2025"},
		{"yesterday is the day before", "The talks ended yesterday.", "yesterday", "2025-10-20", "2025-10-20", "Oct 20, 2025"},
		{"a month and day take the story's year", "The closure will begin on March 16.", "March 16", "2025-03-16", "2025-03-16", "Mar 16, 2025"},
		{"a full date keeps its year", "It happened on Oct. 3, 2024.", "Oct. 3, 2024", "2024-10-03", "2024-10-03", "Oct 3, 2024"},
		{"next month is a calendar month", "Repairs start next month.", "next month", "2025-11-01", "2025-11-30", "Nov 1–30, 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := knowledge.FindDates(tt.text, tuesday)
			if len(ds) != 1 {
				t.Fatalf("FindDates(%q) = %+v, want one date", tt.text, ds)
			}
			d := ds[0]
			if d.Phrase != tt.phrase || tt.text[d.Span.Start:d.Span.End] != tt.phrase {
				t.Errorf("phrase %q span %q, want %q", d.Phrase, tt.text[d.Span.Start:d.Span.End], tt.phrase)
			}
			if !d.From.Equal(day(tt.from)) || !d.To.Equal(day(tt.to)) {
				t.Errorf("%q = %s..%s, want %s..%s", tt.phrase, d.From.Format(time.DateOnly), d.To.Format(time.DateOnly), tt.from, tt.to)
			}
			if d.Label() != tt.label {
				t.Errorf("label %q, want %q", d.Label(), tt.label)
			}
		})
	}
	t.Run("a year-spanning range names both years", func(t *testing.T) {
		d := knowledge.DateRef{From: day("2025-12-29"), To: day("2026-01-04")}
		if got := d.Label(); got != "Dec 29, 2025 – Jan 4, 2026" {
			t.Errorf("label %q", got)
		}
	})
	t.Run("text without dates has none", func(t *testing.T) {
		if ds := knowledge.FindDates("No dates here at all.", tuesday); len(ds) != 0 {
			t.Errorf("dates %+v, want none", ds)
		}
	})
	t.Run("a story without a date resolves no relative dates", func(t *testing.T) {
		s := mustParse(t, "s.txt", "By Maria Chen, Reuters\n\nThe council voted on Monday.")
		if len(s.Dates) != 0 {
			t.Errorf("dates %+v from a story with no date", s.Dates)
		}
	})
}

func TestSeedDates(t *testing.T) {
	s := seedLibrary(t).Stories()[0]
	want := []struct {
		para         int
		phrase       string
		from, to     string
		sentenceName string
	}{
		{2, "Thursday", "2025-10-16", "2025-10-16", "Trump's call with Putin"},
		{14, "Monday", "2025-10-20", "2025-10-20", "the Rubio-Lavrov phone call"},
		{19, "Saturday", "2025-10-18", "2025-10-18", "the battle-line remarks"},
		{7, "last week", "2025-10-13", "2025-10-19", "Trump's two-week timeline"},
		{13, "next week", "2025-10-27", "2025-11-02", "the ASEAN meeting"},
		{20, "Tuesday", "2025-10-21", "2025-10-21", "the update note"},
	}
	for _, w := range want {
		t.Run(w.phrase+" in "+w.sentenceName+" resolves against Tuesday Oct 21", func(t *testing.T) {
			for _, d := range s.Dates {
				if d.Paragraph == w.para && d.Phrase == w.phrase {
					if !d.From.Equal(day(w.from)) || !d.To.Equal(day(w.to)) {
						t.Errorf("¶%d %q = %v..%v, want %s..%s", w.para, w.phrase, d.From, d.To, w.from, w.to)
					}
					if s.Paragraph(d.Paragraph).Text[d.Span.Start:d.Span.End] != d.Phrase {
						t.Errorf("span %v does not cover %q", d.Span, d.Phrase)
					}
					return
				}
			}
			t.Errorf("no date %q in ¶%d", w.phrase, w.para)
		})
	}
	t.Run("an answer about the phone call says which Monday", func(t *testing.T) {
		a, err := seedLibrary(t).Ask("When did Rubio and Lavrov have a phone call?", knowledge.AskOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.Text, "Monday = Oct 20, 2025") {
			t.Errorf("answer %q does not resolve Monday", a.Text)
		}
	})
}
