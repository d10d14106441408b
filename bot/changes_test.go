package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
)

// olderSeedVersion records in a fresh store a version of the seed story
// that lacked ¶14, had ¶10 without its second sentence and had one more
// paragraph after ¶5, then the current version; it returns the store.
func olderSeedVersion(t *testing.T, lib *knowledge.Library) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "storybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := lib.Stories()[0]
	cur := knowledge.ParagraphTexts(s)
	var old []string
	for i, p := range cur {
		n := i + 1
		switch n {
		case 14:
			continue
		case 10:
			first, _, _ := strings.Cut(p, ". ")
			p = first + "."
		}
		old = append(old, p)
		if n == 5 {
			old = append(old, "Officials in Budapest said the city stood ready to host the summit at short notice.")
		}
	}
	ctx := context.Background()
	t0 := time.Date(2025, 10, 20, 9, 0, 0, 0, time.UTC)
	if _, err := st.RecordVersion(ctx, knowledge.Version{Story: s.ID, Paragraphs: old}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordVersion(ctx, knowledge.NewVersion(s), t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestChangesCommandSaysWhatChangedWithCitations(t *testing.T) {
	lib := mustLibrary(t)
	st := olderSeedVersion(t, lib)
	id := lib.Stories()[0].ID
	fresh, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	tests := []struct {
		name     string
		changes  bot.ChangeSource
		msg      bot.Message
		kind     bot.Kind
		textHas  []string
		cites    []int
		verbatim bool
	}{
		{name: "changes lists added, edited and removed paragraphs cited into the newest version",
			changes: st, msg: bot.Message{Text: "changes"}, kind: bot.KindDigest,
			textHas: []string{"added ¶14", "edited ¶10 (was ¶11)", "removed the paragraph that was ¶6", "Changes since the version first seen Oct 20, 2025"},
			cites:   []int{10, 14}, verbatim: true},
		{name: "changes names a story by a word of its title",
			changes: st, msg: bot.Message{Text: "changes lavrov"}, kind: bot.KindDigest, textHas: []string{"added ¶14"}, cites: []int{10, 14}},
		{name: "a slash command works the same",
			changes: st, msg: bot.Message{Command: "/changes", Text: id}, kind: bot.KindDigest, textHas: []string{"edited ¶10"}, cites: []int{10, 14}},
		{name: "an unknown story is named in the reply",
			changes: st, msg: bot.Message{Text: "changes zanzibar"}, kind: bot.KindNotice, textHas: []string{"I don't know a story called “zanzibar”"}},
		{name: "a story with no earlier version says there is nothing to compare",
			changes: fresh, msg: bot.Message{Text: "changes"}, kind: bot.KindDigest, textHas: []string{"No earlier version is on record"}},
		{name: "without a store the bot says it does not track versions",
			msg: bot.Message{Text: "changes"}, kind: bot.KindNotice, textHas: []string{"I don't keep earlier versions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := bot.Config{Library: lib}
			if tt.changes != nil {
				cfg.Changes = tt.changes
			}
			r := ask(t, bot.NewHandler(cfg), tt.msg)
			if r.Kind != tt.kind {
				t.Errorf("kind %s, want %s (%q)", r.Kind, tt.kind, r.Text)
			}
			for _, want := range tt.textHas {
				if !strings.Contains(r.Text, want) {
					t.Errorf("reply %q lacks %q", r.Text, want)
				}
			}
			if got := slices.Compact(paragraphs(r)); !slices.Equal(got, tt.cites) {
				t.Errorf("cites %v, want %v", got, tt.cites)
			}
			assertVerbatim(t, lib, r)
		})
	}
	t.Run("an edit quotes only the sentence it added", func(t *testing.T) {
		r := ask(t, bot.NewHandler(bot.Config{Library: lib, Changes: st}), bot.Message{Text: "changes"})
		for _, q := range r.Quotes {
			if q.Paragraph == 10 && strings.HasPrefix(q.Text, "The Trump administration also does not believe") {
				t.Errorf("the edit quotes the unchanged first sentence: %q", q.Text)
			}
		}
	})
}

// adder is a StoryAdder that records the URLs it was asked to add.
type adder struct {
	urls []string
	err  error
}

func (a *adder) AddStory(_ context.Context, url string) (string, error) {
	a.urls = append(a.urls, url)
	return "2025-10-22-new-story", a.err
}

func TestStoryAddIsForAdminsOnly(t *testing.T) {
	lib := mustLibrary(t)
	admins := []string{"slack:UADMIN", "discord:42"}
	tests := []struct {
		name    string
		msg     bot.Message
		adder   *adder
		textHas string
		added   []string
	}{
		{name: "an admin adds a story from a link",
			msg:   bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "story add https://example.com/news/1"},
			adder: &adder{}, textHas: "Added the story `2025-10-22-new-story`", added: []string{"https://example.com/news/1"}},
		{name: "a link wrapped by Slack is unwrapped",
			msg:   bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "story add <https://example.com/a|example.com/a>"},
			adder: &adder{}, textHas: "Added", added: []string{"https://example.com/a"}},
		{name: "a Discord admin uses the slash command",
			msg:   bot.Message{Platform: bot.PlatformDiscord, User: "42", Command: "story", Text: "add https://example.com/b"},
			adder: &adder{}, textHas: "Added", added: []string{"https://example.com/b"}},
		{name: "someone who is not an admin is refused politely",
			msg:   bot.Message{Platform: bot.PlatformSlack, User: "U999", Text: "story add https://example.com/news/1"},
			adder: &adder{}, textHas: "only storybot's admins can add stories"},
		{name: "the same user id on another platform is not an admin",
			msg:   bot.Message{Platform: bot.PlatformDiscord, User: "UADMIN", Text: "story add https://example.com/news/1"},
			adder: &adder{}, textHas: "only storybot's admins"},
		{name: "a link that is not http or https is refused before any fetch",
			msg:   bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "story add file:///etc/passwd"},
			adder: &adder{}, textHas: "Usage: `story add <url>`"},
		{name: "a failed fetch is reported to the admin",
			msg:   bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "story add https://example.com/gone"},
			adder: &adder{err: errors.New("fetch https://example.com/gone: 404 Not Found")}, textHas: "I couldn't add that page: fetch https://example.com/gone: 404 Not Found",
			added: []string{"https://example.com/gone"}},
		{name: "with adding switched off an admin is told so",
			msg:     bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "story add https://example.com/news/1"},
			textHas: "not enabled"},
		{name: "plain stories still lists the stories",
			msg: bot.Message{Platform: bot.PlatformSlack, User: "U999", Text: "stories"}, adder: &adder{}, textHas: "I know 1 story"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := bot.Config{Library: lib, Admins: admins}
			if tt.adder != nil {
				cfg.Stories = tt.adder
			}
			r := ask(t, bot.NewHandler(cfg), tt.msg)
			if !strings.Contains(r.Text, tt.textHas) {
				t.Errorf("reply %q lacks %q", r.Text, tt.textHas)
			}
			var got []string
			if tt.adder != nil {
				got = tt.adder.urls
			}
			if !slices.Equal(got, tt.added) {
				t.Errorf("added %v, want %v", got, tt.added)
			}
		})
	}
}

func TestHelpMentionsChangesAndStoryAdd(t *testing.T) {
	r := ask(t, bot.NewHandler(bot.Config{Library: mustLibrary(t)}), bot.Message{Text: "help"})
	for _, want := range []string{"`changes [story]`", "`story add <url>`"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("help lacks %s", want)
		}
	}
}
