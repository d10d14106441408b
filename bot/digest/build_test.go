package digest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/knowledge"
)

// assertVerbatim checks every quote of a reply is in the paragraph it cites.
func assertVerbatim(t *testing.T, lib *knowledge.Library, r bot.Reply) {
	t.Helper()
	for _, q := range r.Quotes {
		p := lib.Story(q.Story).Paragraph(q.Paragraph)
		if p == nil || !strings.Contains(p.Text, q.Text) {
			t.Errorf("quote %q is not verbatim in ¶%d", q.Text, q.Paragraph)
		}
	}
}

func TestADigestQuotesKeyPointsQuotesAndDates(t *testing.T) {
	b := seedBuilder(t)
	d, err := b.Build(context.Background(), digest.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Stories) != 1 {
		t.Fatalf("%d stories", len(d.Stories))
	}
	sd := d.Stories[0]
	if n := len(sd.KeyPoints); n < 3 || n > 5 {
		t.Errorf("%d key points, want 3–5", n)
	}
	speakers := map[string]bool{}
	for _, q := range sd.Quotes {
		speakers[q.Speaker] = true
	}
	if !speakers["Dmitry Peskov"] && !speakers["Anna Kelly"] {
		t.Errorf("notable quotes without the story's named speakers: %v", speakers)
	}
	var dated bool
	for _, e := range sd.Events {
		if e.Date != "" && !e.From.IsZero() {
			dated = true
		}
	}
	if !dated {
		t.Errorf("no resolved dates in %+v", sd.Events)
	}
	r := d.Reply()
	if r.Kind != bot.KindDigest || !strings.Contains(r.Text, "Daily digest —") || !strings.Contains(r.Text, "Dates:") {
		t.Errorf("reply text %q", r.Text)
	}
	assertVerbatim(t, b.Library, r)
}

func TestADigestSaysWhatChangedSinceThePreviousOne(t *testing.T) {
	ctx := context.Background()
	b := seedBuilder(t)
	s := b.Library.Stories()[0]
	st := openStore(t, filepath.Join(t.TempDir(), "db"))
	b.History = st
	cur := knowledge.ParagraphTexts(s)
	old := append([]string{}, cur[:13]...) // ¶14 was added later …
	old = append(old, cur[14:]...)
	old[7] = "Kremlin spokesperson Dmitry Peskov said on Tuesday that the summit cannot be postponed." // … and ¶8 edited
	t0 := time.Date(2025, 10, 20, 6, 0, 0, 0, time.UTC)
	t1 := t0.Add(24 * time.Hour)
	if _, err := st.RecordVersion(ctx, knowledge.Version{Story: s.ID, Paragraphs: old}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordVersion(ctx, knowledge.NewVersion(s), t1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		req     digest.Request
		status  digest.Status
		textHas []string
	}{
		{name: "an update since the last digest lists the added and edited paragraphs with their new words",
			req: digest.Request{Since: t0.Add(time.Hour)}, status: digest.StatusUpdated,
			textHas: []string{"What changed since Oct 20, 2025:", "• added ¶14: “Rubio and Lavrov on Monday", "• edited ¶8, adding: “", "[¶8]"}},
		{name: "an unchanged story gets one line when asked to skip",
			req: digest.Request{Since: t1.Add(time.Hour), SkipUnchanged: true}, status: digest.StatusUnchanged,
			textHas: []string{"No updates since Oct 21, 2025."}},
		{name: "an unchanged story still gets its digest when not skipping",
			req: digest.Request{Since: t1.Add(time.Hour)}, status: digest.StatusUnchanged,
			textHas: []string{"No changes since Oct 21, 2025.", "Key points"}},
		{name: "a story first seen after the last digest is new",
			req: digest.Request{Since: t0.Add(-time.Hour)}, status: digest.StatusNew, textHas: []string{"🆕 New since the last digest."}},
		{name: "the first digest says nothing about changes",
			req: digest.Request{}, status: digest.StatusUnknown, textHas: []string{"Key points"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := b.Build(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Stories[0].Status; got != tt.status {
				t.Errorf("status %s, want %s", got, tt.status)
			}
			r := d.Reply()
			for _, want := range tt.textHas {
				if !strings.Contains(r.Text, want) {
					t.Errorf("digest lacks %q:\n%s", want, r.Text)
				}
			}
			assertVerbatim(t, b.Library, r)
			if tt.req.SkipUnchanged && len(r.Quotes) != 0 {
				t.Errorf("a skipped story still quotes %d passages", len(r.Quotes))
			}
		})
	}
}

func TestTopQuestionsAppearUnderTheirStory(t *testing.T) {
	ctx := context.Background()
	b := seedBuilder(t)
	st := openStore(t, filepath.Join(t.TempDir(), "db"))
	b.Questions = st
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	b.Now = func() time.Time { return now }
	id := b.Library.Stories()[0].ID
	for range 2 {
		st.LogQuestion(ctx, bot.QuestionRecord{At: now.Add(-time.Hour), Question: "Why was the meeting put on hold?", Stories: []string{id}})
	}
	d, err := b.Build(ctx, digest.Request{TopQuestions: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Reply(); !strings.Contains(r.Text, "Most asked: Why was the meeting put on hold?") {
		t.Errorf("digest lacks the top question:\n%s", r.Text)
	}
}

func TestAnUnknownStoryInTheRequestIsAnError(t *testing.T) {
	if _, err := seedBuilder(t).Build(context.Background(), digest.Request{Stories: []string{"nope"}}); err == nil ||
		!strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v", err)
	}
}
