package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/bottest"
	"github.com/storybot/storybot/knowledge"
)

func mustLibrary(tb testing.TB) *knowledge.Library {
	tb.Helper()
	lib, err := knowledge.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func ask(t *testing.T, h *bot.Handler, m bot.Message) bot.Reply {
	t.Helper()
	var w bottest.Recorder
	if err := h.Handle(context.Background(), m, &w); err != nil {
		t.Fatalf("Handle(%q): %v", m.Text, err)
	}
	rs := w.Replies()
	if len(rs) != 1 {
		t.Fatalf("Handle(%q) wrote %d replies, want 1", m.Text, len(rs))
	}
	return rs[0]
}

func paragraphs(r bot.Reply) []int {
	var out []int
	for _, q := range r.Quotes {
		out = append(out, q.Paragraph)
	}
	return out
}

// assertVerbatim checks every quote of a reply is in the paragraph it cites.
func assertVerbatim(t *testing.T, lib *knowledge.Library, r bot.Reply) {
	t.Helper()
	for _, q := range r.Quotes {
		s := lib.Story(q.Story)
		if s == nil {
			t.Errorf("quote cites unknown story %q", q.Story)
			continue
		}
		p := s.Paragraph(q.Paragraph)
		if p == nil || !strings.Contains(p.Text, q.Text) {
			t.Errorf("quote %q is not verbatim in ¶%d", q.Text, q.Paragraph)
		}
	}
}

func TestHandleAnswersEachCommand(t *testing.T) {
	lib := mustLibrary(t)
	h := bot.NewHandler(bot.Config{Library: lib})
	long := strings.Repeat("why ", 600)
	tests := []struct {
		name      string
		msg       bot.Message
		kind      bot.Kind
		firstPara int
		textHas   string
		abstained bool
	}{
		{name: "a plain question is answered from the paragraph that says why",
			msg: bot.Message{Text: "Why was the Rubio-Lavrov meeting put on hold?"}, kind: bot.KindAnswer, firstPara: 4, textHas: "divergent expectations"},
		{name: "ask as a word works like a plain question",
			msg: bot.Message{Text: "ask Where could Rubio and Lavrov meet on the sidelines?"}, kind: bot.KindAnswer, firstPara: 13},
		{name: "the ask slash command takes its argument from the text",
			msg: bot.Message{Command: "ask", Text: "How long did the Anchorage meeting last?"}, kind: bot.KindAnswer, firstPara: 17},
		{name: "quote names what a person said",
			msg: bot.Message{Text: "quote Peskov"}, kind: bot.KindQuotes, firstPara: 9},
		{name: "the quote slash command finds a title too",
			msg: bot.Message{Command: "quote", Text: "Kremlin spokesperson"}, kind: bot.KindQuotes, firstPara: 9},
		{name: "a person never quoted gets no one else's words",
			msg: bot.Message{Command: "quote", Text: "Putin"}, kind: bot.KindQuotes, textHas: "quotes no words of", abstained: true},
		{name: "an empty message gets a one-line hint naming the commands",
			msg: bot.Message{Text: "   "}, kind: bot.KindHelp, textHas: "quote <who or topic>"},
		{name: "an unknown slash command gets help naming it",
			msg: bot.Message{Text: "/weather today"}, kind: bot.KindHelp, textHas: "`/weather`"},
		{name: "an unknown platform command gets help",
			msg: bot.Message{Command: "frobnicate"}, kind: bot.KindHelp, textHas: "frobnicate"},
		{name: "stories lists the embedded story",
			msg: bot.Message{Text: "stories"}, kind: bot.KindStories, textHas: "2025-10-21-rubio-lavrov-meeting-tabled"},
		{name: "digest gives verbatim key points",
			msg: bot.Message{Command: "digest"}, kind: bot.KindDigest, firstPara: 1},
		{name: "an over-long message is refused politely",
			msg: bot.Message{Text: long}, kind: bot.KindNotice, textHas: "too long"},
		{name: "a question the story cannot answer is declined",
			msg: bot.Message{Text: "What did Volodymyr Zelensky say about the summit?"}, kind: bot.KindAnswer, textHas: "doesn't say", abstained: true},
		{name: "control characters and invalid UTF-8 are cleaned, not echoed",
			msg: bot.Message{Text: "Who is \x00Anna\x1b[31m Kelly\xff?"}, kind: bot.KindAnswer, firstPara: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ask(t, h, tt.msg)
			if r.Kind != tt.kind {
				t.Fatalf("kind = %s, want %s (text %q)", r.Kind, tt.kind, r.Text)
			}
			if tt.firstPara != 0 {
				if ps := paragraphs(r); len(ps) == 0 || ps[0] != tt.firstPara {
					t.Errorf("cited %v, want ¶%d first", ps, tt.firstPara)
				}
			}
			if tt.textHas != "" && !strings.Contains(r.Text+joinQuotes(r), tt.textHas) {
				t.Errorf("reply %q does not mention %q", r.Text, tt.textHas)
			}
			if r.Abstained != tt.abstained {
				t.Errorf("abstained = %v, want %v", r.Abstained, tt.abstained)
			}
			if !utf8.ValidString(r.Text) || strings.ContainsAny(r.Text, "\x00\x1b") || strings.ContainsAny(r.Question, "\x00\x1b") {
				t.Errorf("reply echoes control characters: %q", r.Text)
			}
			assertVerbatim(t, lib, r)
		})
	}
}

func joinQuotes(r bot.Reply) string {
	var b strings.Builder
	for _, q := range r.Quotes {
		b.WriteString(" " + q.Text)
	}
	return b.String()
}

func TestDigestHasThreeToFiveKeyPoints(t *testing.T) {
	lib := mustLibrary(t)
	r := ask(t, bot.NewHandler(bot.Config{Library: lib}), bot.Message{Text: "digest"})
	if n := len(r.Quotes); n < 3 || n > 5 {
		t.Fatalf("digest has %d key points, want 3–5", n)
	}
	for i := 1; i < len(r.Quotes); i++ {
		if r.Quotes[i].Paragraph < r.Quotes[i-1].Paragraph {
			t.Errorf("key points not in story order: %v", paragraphs(r))
		}
	}
}

func TestFollowUpInAThreadUsesTheEarlierQuestion(t *testing.T) {
	lib := mustLibrary(t)
	h := bot.NewHandler(bot.Config{Library: lib})
	thread := bot.Message{Platform: bot.PlatformSlack, Channel: "C1", Thread: "111.1", User: "U1"}

	first := thread
	first.Text = "What did the Kremlin say about the timeline for the summit?"
	if r := ask(t, h, first); len(r.Quotes) == 0 || r.Quotes[0].Paragraph != 7 {
		t.Fatalf("first answer cites %v, want ¶7", paragraphs(r))
	}
	follow := thread
	follow.Text = "and who said that?"
	r := ask(t, h, follow)
	// ¶7 is the Kremlin's words; ¶8, its spokesperson's, may come first.
	if r.Abstained || !slices.Contains(paragraphs(r), 7) {
		t.Errorf("follow-up in the thread cites %v (abstained %v), want ¶7 among them", paragraphs(r), r.Abstained)
	}

	other := bot.Message{Platform: bot.PlatformSlack, Channel: "C1", Thread: "222.2", User: "U1", Text: "and who said that?"}
	if r := ask(t, h, other); !r.Abstained {
		t.Errorf("the same words in another thread answered %v; with no context they should be declined", paragraphs(r))
	}
}

// A question that names its own subject is answered in a thread exactly
// as it would be asked alone, whatever was asked before it.
func TestAQuestionThatStandsAloneIgnoresTheThread(t *testing.T) {
	lib := mustLibrary(t)
	tests := []struct {
		name    string
		earlier []string
		q       string
	}{
		{"loyalty after the phone call is answered from what is said about loyalty",
			[]string{"when did rubio and lavrov talk on the phone"}, "is lavrov loyal to putin?"},
		{"the Anchorage summit after other questions is answered from the summit",
			[]string{"why was the meeting put on hold?", "what did peskov say?", "when did rubio and lavrov talk on the phone"},
			"how long did the anchorage summit last"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alone := ask(t, bot.NewHandler(bot.Config{Library: lib}), bot.Message{Platform: bot.PlatformSlack, Channel: "C1", Text: tt.q})
			for _, where := range []bot.Message{
				{Platform: bot.PlatformSlack, Channel: "C1", Thread: "111.1", User: "U1"},
				{Platform: bot.PlatformConsole, Channel: "console", Thread: "console", User: "you", DM: true},
			} {
				h := bot.NewHandler(bot.Config{Library: lib})
				for _, q := range tt.earlier {
					m := where
					m.Text = q
					ask(t, h, m)
				}
				m := where
				m.Text = tt.q
				got := ask(t, h, m)
				if got.Text != alone.Text || !slices.Equal(paragraphs(got), paragraphs(alone)) {
					t.Errorf("in a %s thread it cites %v:\n%s\nasked alone it cites %v:\n%s",
						where.Platform, paragraphs(got), got.Text, paragraphs(alone), alone.Text)
				}
			}
		})
	}
}

// A follow-up that cannot stand alone still gets the thread's context:
// it is answered from what the earlier answer was about.
func TestAFollowUpThatLeansOnTheThreadKeepsItsContext(t *testing.T) {
	lib := mustLibrary(t)
	tests := []struct {
		name, first, follow string
		// textHas is a word the follow-up's answer must say; when it is
		// empty, the answer must start from a paragraph the earlier one cited.
		textHas string
	}{
		{"and what did Peskov say after the meeting's hold quotes Peskov", "why was the meeting put on hold?", "and what did Peskov say?", "Peskov"},
		{"what did she say after asking about Anna Kelly quotes her", "who is Anna Kelly?", "what did she say?", ""},
		{"how long did it last after the Alaska summit is about the summit", "When did Trump and Putin meet in Alaska?", "how long did it last?", ""},
		{"and why after Peskov's words stays with Peskov", "What did Peskov say?", "and why?", "Peskov"},
		{"what else did they say after the diplomat stays with the diplomat", "who described Lavrov as loyal to Putin?", "what else did they say?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bot.NewHandler(bot.Config{Library: lib})
			thread := bot.Message{Platform: bot.PlatformDiscord, Channel: "c", Thread: "t", User: "u"}
			m := thread
			m.Text = tt.first
			first := ask(t, h, m)
			m.Text = tt.follow
			r := ask(t, h, m)
			if r.Abstained || len(r.Quotes) == 0 {
				t.Fatalf("the follow-up was declined: %q", r.Text)
			}
			if tt.textHas != "" && !strings.Contains(r.Text, tt.textHas) {
				t.Errorf("the follow-up's answer does not mention %s: %q", tt.textHas, r.Text)
			}
			if tt.textHas == "" && !slices.Contains(paragraphs(first), r.Quotes[0].Paragraph) {
				t.Errorf("the follow-up cites %v first; the earlier answer cited %v", paragraphs(r), paragraphs(first))
			}
			assertVerbatim(t, lib, r)
		})
	}
}

func TestThreadContextIsBoundedByCountAndAge(t *testing.T) {
	lib := mustLibrary(t)
	clock := &fakeClock{t: time.Date(2025, 10, 21, 9, 0, 0, 0, time.UTC)}
	h := bot.NewHandler(bot.Config{Library: lib, Now: clock.Now, Threads: bot.ThreadLimits{MaxThreads: 2, TTL: time.Hour}})
	msg := func(thread, text string) bot.Message {
		return bot.Message{Platform: bot.PlatformDiscord, Channel: "c", Thread: thread, User: "u", Text: text}
	}
	ask(t, h, msg("t1", "Why was the Rubio-Lavrov meeting put on hold?"))
	t.Run("a thread answered before is known", func(t *testing.T) {
		if !h.Known(msg("t1", "")) {
			t.Fatal("thread t1 forgotten straight away")
		}
	})
	t.Run("the least recently used thread is forgotten past the cap", func(t *testing.T) {
		ask(t, h, msg("t2", "Who is Anna Kelly?"))
		ask(t, h, msg("t3", "Who is Anna Kelly?"))
		if h.Known(msg("t1", "")) {
			t.Error("thread t1 still remembered with three threads and a cap of two")
		}
	})
	t.Run("an idle thread is forgotten after the TTL", func(t *testing.T) {
		clock.Advance(2 * time.Hour)
		if h.Known(msg("t3", "")) {
			t.Error("thread t3 still remembered after two idle hours")
		}
	})
}

func TestRateLimitsSayWhenToComeBack(t *testing.T) {
	lib := mustLibrary(t)
	clock := &fakeClock{t: time.Date(2025, 10, 21, 9, 0, 0, 0, time.UTC)}
	h := bot.NewHandler(bot.Config{Library: lib, Now: clock.Now,
		Limits: bot.Limits{PerUser: bot.Rate{N: 2, Per: time.Minute}, PerChannel: bot.Rate{N: 3, Per: time.Minute}}})
	q := func(user string) bot.Reply {
		return ask(t, h, bot.Message{Platform: bot.PlatformSlack, Channel: "C1", User: user, Text: "Who is Anna Kelly?"})
	}
	t.Run("a user within the limit is answered", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if r := q("U1"); r.Kind != bot.KindAnswer {
				t.Fatalf("question %d got %s: %q", i+1, r.Kind, r.Text)
			}
		}
	})
	t.Run("the user's third question in a minute is asked to slow down", func(t *testing.T) {
		if r := q("U1"); r.Kind != bot.KindNotice || !strings.Contains(r.Text, "try again in") {
			t.Fatalf("got %s %q, want a slow-down notice", r.Kind, r.Text)
		}
	})
	t.Run("the channel cap applies across users", func(t *testing.T) {
		q("U2")
		if r := q("U3"); r.Kind != bot.KindNotice {
			t.Fatalf("fourth question in the channel got %s, want a notice", r.Kind)
		}
	})
	t.Run("after the window the user is answered again", func(t *testing.T) {
		clock.Advance(61 * time.Second)
		if r := q("U1"); r.Kind != bot.KindAnswer {
			t.Fatalf("got %s %q after the window", r.Kind, r.Text)
		}
	})
}

func TestAPanicWhileAnsweringGetsAnApology(t *testing.T) {
	h := bot.NewHandler(bot.Config{Library: nil}) // every question dereferences the nil library
	var w bottest.Recorder
	err := h.Handle(context.Background(), bot.Message{ID: "m1", Text: "Who is Anna Kelly?"}, &w)
	if err != nil {
		t.Fatalf("Handle returned %v, want the apology written and nil", err)
	}
	if r := w.Last(); r.Kind != bot.KindNotice || !strings.Contains(r.Text, "Sorry") {
		t.Fatalf("reply %s %q, want an apology", r.Kind, r.Text)
	}
}

func TestSpeakerNamesCompleteFromNamesAndTitles(t *testing.T) {
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t)})
	tests := []struct {
		prefix string
		want   string
	}{
		{"pes", "Dmitry Peskov"},
		{"Dmi", "Dmitry Peskov"},
		{"kremlin spok", "Dmitry Peskov"},
		{"kel", "Anna Kelly"},
		{"euro", "European diplomat"},
		{"trum", "Donald Trump"},
	}
	for _, tt := range tests {
		t.Run("typing "+tt.prefix+" offers "+tt.want, func(t *testing.T) {
			got := h.SpeakerNames(tt.prefix, 25)
			if len(got) == 0 || !contains(got, tt.want) {
				t.Fatalf("SpeakerNames(%q) = %v, want %q among them", tt.prefix, got, tt.want)
			}
		})
	}
	t.Run("a prefix nobody matches offers nothing", func(t *testing.T) {
		if got := h.SpeakerNames("zzz", 25); len(got) != 0 {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("the limit is respected", func(t *testing.T) {
		if got := h.SpeakerNames("", 2); len(got) != 2 {
			t.Fatalf("got %d names, want 2", len(got))
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type feedbackStore struct{ got []bot.Feedback }

func (f *feedbackStore) RecordFeedback(_ context.Context, fb bot.Feedback) error {
	f.got = append(f.got, fb)
	return nil
}

func TestFeedbackIsRecordedWithTheAnswer(t *testing.T) {
	store := &feedbackStore{}
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t), Feedback: store})
	fb := bot.Feedback{Platform: bot.PlatformSlack, Channel: "C1", User: "U1", MessageID: "1.2", Question: "q", Answer: "a", Helpful: true}
	if err := h.RecordFeedback(context.Background(), fb); err != nil {
		t.Fatal(err)
	}
	if len(store.got) != 1 || store.got[0].Question != "q" || !store.got[0].Helpful || store.got[0].At.IsZero() {
		t.Fatalf("stored %+v", store.got)
	}
}

func TestQuoteRepliesNameTheSpeakerAsASentenceWould(t *testing.T) {
	lib := mustLibrary(t)
	h := bot.NewHandler(bot.Config{Library: lib})
	tests := []struct {
		name, query, want string
	}{
		{"a person is named by name", "Peskov", "What Dmitry Peskov said:"},
		{"an anonymous source gets the article the story gives it", "European diplomat", "What a European diplomat said:"},
		{"an institution gets the article the story gives it", "Kremlin", "What the Kremlin said:"},
		{"a document described with an adjective keeps its article", "State Department readout", "What a US State Department readout said:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ask(t, h, bot.Message{Command: "quote", Text: tt.query})
			if !strings.HasPrefix(r.Text, tt.want) {
				t.Errorf("reply %q, want it to start %q", r.Text, tt.want)
			}
		})
	}
}

func TestStoriesCountParagraphsAndQuotationsInGoodEnglish(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 quotations"}, {1, "1 quotation"}, {15, "15 quotations"}} {
		t.Run(tt.want, func(t *testing.T) {
			if got := bot.Count(tt.n, "quotation", "quotations"); got != tt.want {
				t.Errorf("Count(%d) = %q", tt.n, got)
			}
		})
	}
}

// TestTLDRInAThreadSumsUpTheThreadsStory checks that "tl;dr?" in a thread
// about one of several stories gets that story's key points, not one line
// of every story.
func TestTLDRInAThreadSumsUpTheThreadsStory(t *testing.T) {
	seed := mustLibrary(t).Stories()[0]
	bridge, err := knowledge.ReadFile("../knowledge/testdata/bridge/2026-03-03-harbor-bridge-vote.txt")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := knowledge.NewLibrary(seed, bridge)
	if err != nil {
		t.Fatal(err)
	}
	h := bot.NewHandler(bot.Config{Library: lib})
	thread := bot.Message{Platform: bot.PlatformSlack, Channel: "C1", Thread: "111.1", User: "U1"}
	first := thread
	first.Text = "Why is the Harbor Street bridge closing?"
	ask(t, h, first)
	tldr := thread
	tldr.Text = "tl;dr?"
	r := ask(t, h, tldr)
	if r.Abstained || len(r.Quotes) == 0 {
		t.Fatalf("tl;dr in the thread: abstained %v, %d quotes: %q", r.Abstained, len(r.Quotes), r.Text)
	}
	for _, q := range r.Quotes {
		if q.Story != bridge.ID {
			t.Errorf("key point from %s, want only the thread's story %s", q.Story, bridge.ID)
		}
	}
}
