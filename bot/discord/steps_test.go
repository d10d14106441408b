package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

func TestASummaryRendersItsCitationsAsEmbedFieldsWithTheSourceLink(t *testing.T) {
	date := time.Date(2025, 10, 21, 0, 0, 0, 0, time.UTC)
	r := bot.Reply{Kind: bot.KindAnswer, Mode: bot.ModeSummary, Model: "fake-model", Question: "why?",
		Text: "The meeting was put on hold [¶4].", Checked: "Checked 1 quotation against the story: 1 verbatim",
		Quotes: []bot.Quote{
			{Text: "has been put on hold for the time being", Story: "s", Paragraph: 4, Outlet: "CNN", Date: date, URL: "https://example.com/a"},
			{Text: "You cannot postpone", Speaker: "Dmitry Peskov", Story: "s", Paragraph: 9, Outlet: "CNN", Date: date},
		}}
	msgs := render(r, renderOptions{})
	embeds := msgs[len(msgs)-1].embeds
	cites := embeds[len(embeds)-1]
	if cites.Title != "Citations" || len(cites.Fields) != 2 {
		t.Fatalf("last embed = %+v, want a Citations embed with 2 fields", cites)
	}
	tests := []struct {
		name       string
		field      int
		nameHas    string
		valueHas   []string
		valueLacks string
	}{
		{name: "a paragraph with a source links to it", field: 0, nameHas: "¶4 · CNN · 2025-10-21",
			valueHas: []string{"> has been put on hold for the time being", "[source](https://example.com/a)"}},
		{name: "a paragraph without a source names its speaker and has no link", field: 1, nameHas: "¶9 · CNN · 2025-10-21 · Dmitry Peskov",
			valueHas: []string{"> You cannot postpone"}, valueLacks: "source"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := cites.Fields[tc.field]
			if f.Name != tc.nameHas {
				t.Errorf("name = %q, want %q", f.Name, tc.nameHas)
			}
			for _, s := range tc.valueHas {
				if !strings.Contains(f.Value, s) {
					t.Errorf("value %q lacks %q", f.Value, s)
				}
			}
			if tc.valueLacks != "" && strings.Contains(f.Value, tc.valueLacks) {
				t.Errorf("value %q has %q", f.Value, tc.valueLacks)
			}
		})
	}
	if cites.Footer == nil || !strings.Contains(cites.Footer.Text, r.Checked) {
		t.Errorf("footer %+v lacks the check's verdict", cites.Footer)
	}
	if strings.Contains(embeds[0].Description, "You cannot postpone") {
		t.Errorf("the quotes are in the description as well as the fields")
	}
}

func TestStepsShowAsLinesALaterUpdateReplacingTheEarlier(t *testing.T) {
	var l stepLog
	l.add(bot.Step{ID: bot.StepRetrieve, Title: "Retrieved ¶4", Status: bot.StepDone})
	l.add(bot.Step{ID: bot.StepSummarise, Title: "Summarising", Status: bot.StepRunning})
	got := l.add(bot.Step{ID: bot.StepSummarise, Title: "Summarised by m", Status: bot.StepDone})
	want := "⏳ *working on it…*\n✅ Retrieved ¶4\n✅ Summarised by m"
	if got != want {
		t.Errorf("steps =\n%s\nwant\n%s", got, want)
	}
}
