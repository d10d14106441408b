package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	slackapi "github.com/slack-go/slack"

	"github.com/storybot/storybot/bot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden and slack-app-manifest.yaml from the code")

const storyURL = "https://www.cnn.com/2025/10/21/politics/rubio-lavrov-meeting-trump-putin?a=1&b=2"

func withURL(q bot.Quote) bot.Quote { q.URL = storyURL; return q }

func TestRenderMatchesGoldenFiles(t *testing.T) {
	hold1 := "However, that anticipated meeting between Rubio and his Russian counterpart Sergey Lavrov has been put on hold for the time being, a White House official told CNN."
	hold2 := "It was not immediately clear why the meeting was no longer taking place this week, though one of the sources said Rubio and Lavrov had divergent expectations about a possible end to Russia’s invasion of Ukraine."
	tests := []struct {
		name   string
		golden string
		reply  bot.Reply
		opts   renderOptions
	}{
		{
			name:   "a quote-mode answer shows the sentences once, cites ¶4 with a link and offers feedback",
			golden: "answer_quote",
			reply: bot.Reply{Kind: bot.KindAnswer, Question: holdQuestion, Mode: bot.ModeQuote, Source: "CNN, 2025-10-21",
				Note:   "quoted from the story",
				Text:   hold1 + " [¶4] " + hold2 + " [¶4]\nDates: this week = Oct 20–26, 2025.",
				Quotes: []bot.Quote{withURL(cnnQuote(4, "", hold1)), withURL(cnnQuote(4, "", hold2))}},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "a slash-command answer echoes the question above it",
			golden: "answer_slash",
			reply: bot.Reply{Kind: bot.KindAnswer, Question: holdQuestion, Mode: bot.ModeQuote, Note: "quoted from the story",
				Text: hold1 + " [¶4]", Quotes: []bot.Quote{cnnQuote(4, "", hold1)}},
			opts: renderOptions{feedback: true, showQuestion: true},
		},
		{
			name:   "a summary names its model and keeps the quotes as evidence",
			golden: "answer_summary",
			reply: bot.Reply{Kind: bot.KindAnswer, Question: holdQuestion, Mode: bot.ModeSummary, Model: "gpt-4o-mini",
				Text:   "The Rubio–Lavrov meeting was put on hold because the two sides had divergent expectations about ending the war [¶4].",
				Quotes: []bot.Quote{cnnQuote(4, "", hold2), cnnQuote(9, "Dmitry Peskov", peskovQuote)}},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "an abstention says so without claiming to quote the story",
			golden: "abstained",
			reply: bot.Reply{Kind: bot.KindAnswer, Question: "what is the weather on mars?", Abstained: true, Mode: bot.ModeQuote,
				Text: "The story doesn't say.", Source: "CNN, 2025-10-21", Note: "the story doesn't answer this; nothing was guessed"},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "text from the story or the asker cannot mention, ping or link",
			golden: "escaping",
			reply: bot.Reply{Kind: bot.KindAnswer, Question: "<!channel> who is <@U123>?", Mode: bot.ModeSummary, Model: "<!here>",
				Text: "Tom & Jerry said <!everyone> <https://evil.example|click> <#C1> *bold*",
				Note: "<@U999> & co",
				Quotes: []bot.Quote{{Text: "<!subteam^S1|@team> & <@U123>", Speaker: "<@U123|bob>", Paragraph: 2, Outlet: "<CNN>",
					URL: "https://evil.example/|<!channel>"}}},
			opts: renderOptions{feedback: true, showQuestion: true},
		},
		{
			name:   "quotations by a person show each quote with its speaker",
			golden: "quotes",
			reply: bot.Reply{Kind: bot.KindQuotes, Question: "Peskov", Mode: bot.ModeQuote, Text: "What Dmitry Peskov said:",
				Note: "quoted from the story", Source: "CNN, 2025-10-21",
				Quotes: []bot.Quote{withURL(cnnQuote(9, "Dmitry Peskov", peskovQuote))}},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "a digest lists key points with their citations and no feedback buttons",
			golden: "digest",
			reply: bot.Reply{Kind: bot.KindDigest, Mode: bot.ModeQuote, Source: "CNN, 2025-10-21", Note: "key points quoted from the story",
				Text:   "Key points:\n*Rubio–Lavrov meeting tabled* (CNN, 2025-10-21)",
				Quotes: []bot.Quote{cnnQuote(4, "", hold1), cnnQuote(14, "US State Department readout", "Rubio and Lavrov on Monday had a phone call and discussed “next steps”.")}},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "help is plain text with its placeholders escaped",
			golden: "help",
			reply: bot.Reply{Kind: bot.KindHelp, Text: "I answer questions about the news stories I follow.\n" +
				"• `quote <who or topic>` — what someone actually said.\n• `digest` — the key points of each story."},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "the story list shows its source line",
			golden: "stories",
			reply: bot.Reply{Kind: bot.KindStories, Text: "• *Rubio–Lavrov meeting tabled* — CNN, 2025-10-21 (18 paragraphs)",
				Source: "1 story loaded"},
			opts: renderOptions{feedback: true},
		},
		{
			name:   "a notice is a single section",
			golden: "notice",
			reply:  bot.Reply{Kind: bot.KindNotice, Text: "Slow down a little — you can ask again in 20 seconds."},
			opts:   renderOptions{feedback: true, showQuestion: true},
		},
		{
			name:   "an empty answer still says something",
			golden: "empty",
			reply:  bot.Reply{Kind: bot.KindAnswer, Mode: bot.ModeQuote},
			opts:   renderOptions{feedback: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep the goldens readable: < stays <
			enc.SetIndent("", "  ")
			if err := enc.Encode(render(tc.reply, tc.opts)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", tc.golden+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("rendering differs from %s (-want +got):\n%s", path, diff)
			}
			checkRendered(t, tc.reply, render(tc.reply, tc.opts))
		})
	}
}

func TestRenderSplitsAtSlackLimits(t *testing.T) {
	t.Run("a text over 3,000 characters becomes several sections that keep every word", func(t *testing.T) {
		var words []string
		for i := range 1500 {
			words = append(words, "w"+strings.Repeat("x", i%7))
		}
		text := strings.Join(words, " ") + " & <tail>"
		msgs := render(bot.Reply{Kind: bot.KindAnswer, Mode: bot.ModeQuote, Text: text}, renderOptions{})
		sections := sectionTexts(msgs)
		if len(sections) < 3 {
			t.Fatalf("%d-byte text in %d sections", len(text), len(sections))
		}
		joined := strings.Join(sections, " ")
		if strings.Join(strings.Fields(joined), " ") != strings.Join(strings.Fields(escape(text)), " ") {
			t.Error("splitting lost or changed words")
		}
		checkRendered(t, bot.Reply{Text: text}, msgs)
	})
	t.Run("a reply over 50 blocks continues in further messages with the buttons last", func(t *testing.T) {
		var quotes []bot.Quote
		for i := range 70 {
			quotes = append(quotes, cnnQuote(i+1, "Someone", "Quote number "+strings.Repeat("i", i)))
		}
		r := bot.Reply{Kind: bot.KindQuotes, Mode: bot.ModeQuote, Text: "All of them:", Quotes: quotes}
		msgs := render(r, renderOptions{feedback: true})
		if len(msgs) != 2 {
			t.Fatalf("%d messages, want 2", len(msgs))
		}
		last := msgs[len(msgs)-1].Blocks
		if a, ok := last[len(last)-1].(*slackapi.ActionBlock); !ok || a.BlockID != feedbackBlockID {
			t.Errorf("last block is %T, want the feedback buttons", last[len(last)-1])
		}
		checkRendered(t, r, msgs)
	})
	t.Run("one huge quote is split into quote sections", func(t *testing.T) {
		r := bot.Reply{Kind: bot.KindQuotes, Mode: bot.ModeQuote, Quotes: []bot.Quote{cnnQuote(3, "Trump", strings.Repeat("stop the war ", 600))}}
		msgs := render(r, renderOptions{})
		secs := sectionTexts(msgs)
		if len(secs) < 3 {
			t.Fatalf("%d sections", len(secs))
		}
		for i, s := range secs {
			if !strings.HasPrefix(s, "> ") && !strings.HasPrefix(s, "— ") {
				t.Errorf("section %d does not continue the quote: %.40q", i, s)
			}
		}
		checkRendered(t, r, msgs)
	})
}

func sectionTexts(msgs []outMessage) []string {
	var out []string
	for _, m := range msgs {
		for _, b := range m.Blocks {
			if s, ok := b.(*slackapi.SectionBlock); ok {
				out = append(out, s.Text.Text)
			}
		}
	}
	return out
}

// ourLink matches the only links the renderer writes: an http(s) URL with
// a label.
var ourLink = regexp.MustCompile(`<https?://[^<>|\s]+\|[^<>]*>`)

// checkRendered asserts what Slack and its users rely on in every
// rendering: Slack's limits hold, and no text can ping or link anyone.
func checkRendered(t *testing.T, r bot.Reply, msgs []outMessage) {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no messages")
	}
	for i, m := range msgs {
		if len(m.Blocks) == 0 || len(m.Blocks) > maxBlocks {
			t.Errorf("message %d has %d blocks", i, len(m.Blocks))
		}
		if m.Text == "" || utf8.RuneCountInString(m.Text) > maxFallbackLen {
			t.Errorf("message %d fallback text is %d characters", i, utf8.RuneCountInString(m.Text))
		}
		raw, _ := json.Marshal(m.Blocks)
		var texts []string
		collectTexts(raw, &texts)
		for _, s := range append(texts, m.Text) {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in %q", s)
			}
			if utf8.RuneCountInString(s) > maxSectionLen {
				t.Errorf("text of %d characters", utf8.RuneCountInString(s))
			}
			rest := ourLink.ReplaceAllString(s, "")
			if strings.Contains(rest, "<") {
				t.Errorf("unescaped < in %q", s)
			}
			for _, line := range strings.Split(rest, "\n") {
				// A > can only start a line: our quote marker.
				if strings.Contains(strings.TrimPrefix(line, ">"), ">") {
					t.Errorf("unescaped > in %q", line)
				}
			}
		}
	}
}

func collectTexts(raw []byte, out *[]string) {
	var v any
	_ = json.Unmarshal(raw, &v)
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "text" {
					*out = append(*out, s)
				} else {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
}

func FuzzRenderNeverPingsAndFitsSlack(f *testing.F) {
	f.Add("<!channel> hi & bye", "<@U1>", "> quote\n<!here>", "<@U2|x>", "https://x.example/?a=1&b=<2>", 4)
	f.Add(strings.Repeat("&amp;", 900), "", strings.Repeat("é", 2000), "", "", 1)
	f.Add("\xff\xfe<", "\n\n", "&", "*", "http://a|b", 0)
	f.Fuzz(func(t *testing.T, text, question, quote, speaker, link string, para int) {
		r := bot.Reply{Kind: bot.KindAnswer, Mode: bot.ModeSummary, Model: speaker, Question: question, Text: text, Note: question,
			Quotes: []bot.Quote{{Text: quote, Speaker: speaker, Paragraph: para, Outlet: speaker, URL: link}}}
		for _, s := range []string{text, question, quote, speaker, link} {
			if !utf8.ValidString(s) {
				t.Skip("the handler only produces UTF-8")
			}
		}
		checkRendered(t, r, render(r, renderOptions{feedback: true, showQuestion: true}))
	})
}

func FuzzSplitTextKeepsEverythingWithinLimits(f *testing.F) {
	f.Add("hello world", 8)
	f.Add(strings.Repeat("a&amp;b ", 50), 9)
	f.Add(strings.Repeat("日本語", 40), 10)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 8 || max > 4000 || !utf8.ValidString(s) {
			t.Skip()
		}
		chunks := splitText(s, max)
		if strings.Join(chunks, "") != s {
			t.Fatalf("chunks do not add up to the input")
		}
		for _, c := range chunks {
			if len(c) > max || c == "" || !utf8.ValidString(c) {
				t.Fatalf("chunk %q (len %d, max %d)", c, len(c), max)
			}
		}
	})
}
