package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/slacktest"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var storyDate = time.Date(2025, 10, 21, 0, 0, 0, 0, time.UTC)

func cnnQuote(p int, speaker, text string) bot.Quote {
	return bot.Quote{Text: text, Speaker: speaker, Story: "2025-10-21-rubio-lavrov-meeting-tabled", Paragraph: p,
		Outlet: "CNN", Date: storyDate}
}

func TestPartialAnswersEditOnePlaceholder(t *testing.T) {
	hs := newHarness(t, nil)
	clock := &fakeClock{t: time.Date(2025, 10, 21, 12, 0, 0, 0, time.UTC)}
	hs.a.now = clock.now
	w := hs.a.newThreadWriter("C1", "1700000000.000001")
	ctx := context.Background()

	steps := []struct {
		name        string
		advance     time.Duration
		partial     string
		wantPost    bool
		wantUpdate  bool
		wantVisible string
	}{
		{name: "the first partial text is posted in the thread as a placeholder",
			partial: "Rubio", wantPost: true, wantVisible: "Rubio"},
		{name: "more text within a second does not call Slack",
			advance: 300 * time.Millisecond, partial: "Rubio and"},
		{name: "more text after a second edits the placeholder",
			advance: 800 * time.Millisecond, partial: "Rubio and Lavrov", wantUpdate: true, wantVisible: "Rubio and Lavrov"},
		{name: "the throttle restarts after each edit",
			advance: 500 * time.Millisecond, partial: "Rubio and Lavrov had"},
		{name: "markup in streamed text is escaped",
			advance: time.Second, partial: "<!channel> Rubio", wantUpdate: true, wantVisible: "&lt;!channel&gt; Rubio"},
	}
	var placeholder slacktest.Message
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.advance(st.advance)
			if err := w.WritePartial(ctx, st.partial); err != nil {
				t.Fatalf("WritePartial: %v", err)
			}
			// WritePartial returns after Slack answered, so the fake has
			// already recorded anything it was sent.
			if st.wantPost {
				placeholder = recv(t, hs.fake.Posts(), "the placeholder")
				if placeholder.ThreadTS != "1700000000.000001" || !strings.Contains(placeholder.Text, st.wantVisible) {
					t.Errorf("placeholder %+v", placeholder)
				}
			}
			none(t, hs.fake.Posts(), "another post")
			if st.wantUpdate {
				u := recv(t, hs.fake.Updates(), "the edit")
				if u.TS != placeholder.TS || !strings.Contains(u.Text, st.wantVisible) {
					t.Errorf("edit of %q with %q, want the placeholder %q showing %q", u.TS, u.Text, placeholder.TS, st.wantVisible)
				}
			}
			none(t, hs.fake.Updates(), "edit")
		})
	}

	t.Run("the final reply replaces the placeholder with blocks", func(t *testing.T) {
		final := bot.Reply{Kind: bot.KindAnswer, Question: holdQuestion, Mode: bot.ModeSummary, Model: "gpt-test",
			Text:   "The meeting was put on hold because the two sides had divergent expectations [¶4].",
			Quotes: []bot.Quote{cnnQuote(4, "", "Rubio and Lavrov had divergent expectations about a possible end to Russia’s invasion of Ukraine")}}
		if err := w.WriteReply(ctx, final); err != nil {
			t.Fatalf("WriteReply: %v", err)
		}
		u := recv(t, hs.fake.Updates(), "the final edit")
		if u.TS != placeholder.TS {
			t.Errorf("final reply edited %q, want the placeholder %q", u.TS, placeholder.TS)
		}
		for _, want := range []string{holdCitation, "summary by gpt-test, checked against the story", "divergent expectations"} {
			if !strings.Contains(u.AllText(), want) {
				t.Errorf("final reply lacks %q:\n%s", want, u.AllText())
			}
		}
		if hs.fake.PostCount() != 1 {
			t.Errorf("%d messages posted for one answer, want 1", hs.fake.PostCount())
		}
	})
}

// scriptedHandler replies with a fixed reply, for adapter behaviour that
// does not depend on what the story says.
type scriptedHandler struct{ reply bot.Reply }

func (s scriptedHandler) Handle(ctx context.Context, _ bot.Message, w bot.ReplyWriter) error {
	return w.WriteReply(ctx, s.reply)
}

func (scriptedHandler) RecordFeedback(context.Context, bot.Feedback) error { return nil }

func TestLongAnswerIsSplitAcrossMessagesInTheThread(t *testing.T) {
	fake := slacktest.New(t)
	var quotes []bot.Quote
	for i := range 120 {
		quotes = append(quotes, cnnQuote(i+1, "Speaker "+fmt.Sprint(i), strings.Repeat("word ", 100)+fmt.Sprint(i)))
	}
	long := bot.Reply{Kind: bot.KindQuotes, Question: "everyone", Mode: bot.ModeQuote,
		Text: strings.Repeat("A long introduction. ", 400), Quotes: quotes}
	a, err := New(scriptedHandler{long}, Options{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken,
		APIURL: fake.URL(), Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	recv(t, fake.Connections(), "connection")
	fake.SendEvent("Ev1", slacktest.Mention("C1", "U1", "<@UBOT> quote everyone", "1700000000.000001", ""))

	var posts []slacktest.Message
	for len(posts) < 4 {
		p := recv(t, fake.Posts(), fmt.Sprintf("message %d of the answer", len(posts)+1))
		posts = append(posts, p)
		if strings.Contains(string(p.Blocks), actionHelpful) {
			break
		}
	}
	// The fake fails the test if any message breaks Slack's limits.
	if len(posts) < 3 {
		t.Errorf("answer with 120 quotes fit in %d messages; want it split at 50 blocks", len(posts))
	}
	for i, p := range posts {
		if p.ThreadTS != "1700000000.000001" {
			t.Errorf("message %d went to thread %q", i+1, p.ThreadTS)
		}
	}
	all := ""
	for _, p := range posts {
		all += p.AllText()
	}
	for _, want := range []string{"word 0", "word 119", "Speaker 119* · ¶120", "¶1 · CNN · 2025-10-21"} {
		if !strings.Contains(all, want) {
			t.Errorf("split answer lost %q", want)
		}
	}
}

func TestPostSendsADigestToTheChannel(t *testing.T) {
	hs := newHarness(t, nil)
	digest := bot.Reply{Kind: bot.KindDigest, Mode: bot.ModeQuote, Text: "Key points:", Note: "key points quoted from the story",
		Quotes: []bot.Quote{cnnQuote(9, "Dmitry Peskov", peskovQuote)}}
	if err := hs.a.Post(context.Background(), "C9", digest); err != nil {
		t.Fatalf("Post: %v", err)
	}
	p := recv(t, hs.fake.Posts(), "the digest")
	if p.Channel != "C9" || p.ThreadTS != "" {
		t.Errorf("digest went to %q thread %q, want the top of C9", p.Channel, p.ThreadTS)
	}
	for _, want := range []string{"Key points:", peskovQuote, "¶9 · CNN · 2025-10-21", "key points quoted from the story"} {
		if !strings.Contains(p.AllText(), want) {
			t.Errorf("digest lacks %q:\n%s", want, p.AllText())
		}
	}
	if strings.Contains(string(p.Blocks), actionHelpful) {
		t.Error("a digest carries feedback buttons; they are for answers")
	}
}

func TestRetryHonoursRetryAfterAndGivesUp(t *testing.T) {
	limited := &slackapi.RateLimitedError{RetryAfter: 7 * time.Second}
	tests := []struct {
		name       string
		maxRetries int
		failures   int // calls that get a 429 before one succeeds
		wantCalls  int
		wantErr    bool
	}{
		{"a call limited once succeeds after waiting Retry-After", 0, 1, 2, false},
		{"a call limited three times succeeds on the fourth try", 0, 3, 4, false},
		{"a call limited more than MaxRetries times fails", 2, 5, 3, true},
		{"a negative MaxRetries never retries", -1, 1, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, func(o *Options) { o.MaxRetries = tc.maxRetries })
			var waits []time.Duration
			hs.a.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			calls := 0
			err := hs.a.retry(context.Background(), "chat.postMessage", func(context.Context) error {
				calls++
				if calls <= tc.failures {
					return limited
				}
				return nil
			})
			if calls != tc.wantCalls || (err != nil) != tc.wantErr {
				t.Fatalf("%d calls, err %v; want %d calls, error %v", calls, err, tc.wantCalls, tc.wantErr)
			}
			for _, w := range waits {
				if w != 7*time.Second {
					t.Errorf("waited %v, want Retry-After (7s)", w)
				}
			}
			if tc.wantErr && !errors.As(err, new(*slackapi.RateLimitedError)) {
				t.Errorf("error %v does not wrap the RateLimitedError", err)
			}
		})
	}

	t.Run("waiting stops when the context is cancelled", func(t *testing.T) {
		hs := newHarness(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		err := hs.a.retry(ctx, "chat.postMessage", func(context.Context) error {
			calls++
			cancel()
			return &slackapi.RateLimitedError{RetryAfter: time.Hour}
		})
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("got %v after %d calls; want context.Canceled after 1", err, calls)
		}
	})
}

func TestRecentSetForgetsOldAndExcessKeys(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	s := newRecentSet(3, time.Minute, clock.now)
	for _, k := range []string{"a", "b", "c"} {
		if !s.add(k) {
			t.Fatalf("%s reported as seen on first add", k)
		}
	}
	if s.add("a") {
		t.Error("a second add of a reported it new")
	}
	s.add("d") // evicts b, the least recently added
	if s.has("b") || !s.has("a") || !s.has("d") {
		t.Errorf("after overflow: b=%v a=%v d=%v; want b evicted", s.has("b"), s.has("a"), s.has("d"))
	}
	clock.advance(time.Minute)
	if s.has("a") || s.len() != 0 {
		t.Errorf("keys survive their TTL: len %d", s.len())
	}
	if !s.add("a") {
		t.Error("an expired key is not new again")
	}
}
