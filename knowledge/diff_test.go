package knowledge_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/knowledge"
)

const seedFile = "seed/2025-10-21-rubio-lavrov-meeting-tabled.txt"

// kinds renders changes compactly for comparison: "edited 8→9".
func kinds(cs []knowledge.Change) []string {
	var out []string
	for _, c := range cs {
		switch c.Kind {
		case knowledge.ChangeAdded:
			out = append(out, "added →"+itoa(c.New))
		case knowledge.ChangeRemoved:
			out = append(out, "removed "+itoa(c.Old)+"→")
		default:
			out = append(out, c.Kind.String()+" "+itoa(c.Old)+"→"+itoa(c.New))
		}
	}
	return out
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

func TestDiffOfTwoVersionsOfTheSeedStory(t *testing.T) {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	oldStory, err := knowledge.Parse("story.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	edited := "Kremlin spokesperson Dmitry Peskov said on Tuesday that the summit cannot be postponed, because no date was ever set."
	added := "Hungarian officials said on Wednesday that Budapest was still preparing to host the summit."
	removed := oldStory.Paragraph(11).Text
	for _, r := range []struct{ from, to string }{
		{edited, edited + " He repeated the point to reporters on Wednesday."},
		{oldStory.Paragraph(4).Text + "\n", oldStory.Paragraph(4).Text + "\n\n" + added + "\n"},
		{removed + "\n\n", ""},
	} {
		if !strings.Contains(text, r.from) {
			t.Fatalf("seed story no longer contains %.40q", r.from)
		}
		text = strings.Replace(text, r.from, r.to, 1)
	}
	newStory, err := knowledge.Parse("story.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}

	changes := knowledge.Diff(knowledge.ParagraphTexts(oldStory), knowledge.ParagraphTexts(newStory))
	want := []string{"added →05", "edited 08→09", "removed 11→"}
	if d := cmp.Diff(want, kinds(changes)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	t.Run("citations point into the new version", func(t *testing.T) {
		if got := newStory.Paragraph(changes[0].New).Text; got != added {
			t.Errorf("added ¶%d is %.60q", changes[0].New, got)
		}
		if got := newStory.Paragraph(changes[1].New).Text; !strings.HasPrefix(got, edited) {
			t.Errorf("edited ¶%d is %.60q", changes[1].New, got)
		}
		if changes[2].OldText != removed {
			t.Errorf("removed paragraph text %.60q", changes[2].OldText)
		}
	})
	t.Run("an edit names the sentence it added, verbatim", func(t *testing.T) {
		p := newStory.Paragraph(changes[1].New)
		spans := newStory.NewSentences(changes[1].New, changes[1].OldText)
		if len(spans) != 1 || p.Text[spans[0].Start:spans[0].End] != "He repeated the point to reporters on Wednesday." {
			t.Errorf("new sentences %v in %q", spans, p.Text)
		}
	})
	t.Run("the version hash changes and paragraph hashes of untouched paragraphs do not", func(t *testing.T) {
		ov, nv := knowledge.NewVersion(oldStory), knowledge.NewVersion(newStory)
		if ov.Hash == nv.Hash {
			t.Error("two different versions share a hash")
		}
		if ov.ParagraphHashes[0] != nv.ParagraphHashes[0] || ov.ParagraphHashes[7] == nv.ParagraphHashes[8] {
			t.Error("paragraph hashes do not follow paragraph content")
		}
	})
}

func TestDiffMatchesParagraphsByContent(t *testing.T) {
	a := "The meeting between the two foreign ministers was put on hold this week, officials said."
	b := "Kremlin spokesperson Dmitry Peskov said the summit cannot be postponed."
	c := "Trump said he expected to meet Putin within two weeks or so."
	d := "Nothing in this sentence resembles any other paragraph at all whatsoever."
	tests := []struct {
		name     string
		old, new []string
		want     []string
	}{
		{name: "the same text is no change", old: []string{a, b, c}, new: []string{a, b, c}},
		{name: "a moved paragraph is no change", old: []string{a, b, c}, new: []string{c, a, b}},
		{name: "re-wrapped whitespace is no change", old: []string{a}, new: []string{strings.Replace(a, " ", "\n ", 3)}},
		{name: "a paragraph added at the top shifts no other paragraph into a change",
			old: []string{a, b}, new: []string{d, a, b}, want: []string{"added →01"}},
		{name: "a reworded paragraph is an edit",
			old: []string{a, b}, new: []string{strings.Replace(a, "this week", "on Tuesday", 1), b}, want: []string{"edited 01→01"}},
		{name: "an unrelated replacement is a removal and an addition",
			old: []string{a, b}, new: []string{a, d}, want: []string{"removed 02→", "added →02"}},
		{name: "a duplicated paragraph counts once as added",
			old: []string{a, b}, new: []string{a, b, b}, want: []string{"added →03"}},
		{name: "a removed first paragraph comes first", old: []string{d, a}, new: []string{a}, want: []string{"removed 01→"}},
		{name: "everything new in an empty story is added", old: nil, new: []string{a, b}, want: []string{"added →01", "added →02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, kinds(knowledge.Diff(tt.old, tt.new))); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzDiffAccountsForEveryParagraph(f *testing.F) {
	f.Add("a b c\n\nd e f", "a b c\n\nd e g\n\nh")
	f.Fuzz(func(t *testing.T, x, y string) {
		old, new := strings.Split(x, "\n\n"), strings.Split(y, "\n\n")
		seenOld, seenNew := map[int]bool{}, map[int]bool{}
		for _, c := range knowledge.Diff(old, new) {
			if c.Old != 0 {
				if seenOld[c.Old] || c.Old > len(old) || old[c.Old-1] != c.OldText {
					t.Fatalf("bad old reference %+v", c)
				}
				seenOld[c.Old] = true
			}
			if c.New != 0 {
				if seenNew[c.New] || c.New > len(new) || new[c.New-1] != c.NewText {
					t.Fatalf("bad new reference %+v", c)
				}
				seenNew[c.New] = true
			}
		}
	})
}
