package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
)

func TestRenderRespectsDiscordLimits(t *testing.T) {
	date := time.Date(2025, 10, 21, 0, 0, 0, 0, time.UTC)
	longQuote := strings.Repeat("Сергей Лавров said the summit cannot be postponed because no date was ever set. ", 120)
	var many []bot.Quote
	for i := range 40 {
		many = append(many, bot.Quote{Text: strings.Repeat("word ", 300) + "end", Speaker: "Dmitry Peskov",
			Paragraph: i + 1, Outlet: "CNN", Date: date})
	}
	tests := []struct {
		name string
		r    bot.Reply
	}{
		{"a short answer fits one message", bot.Reply{Kind: bot.KindAnswer, Question: "why?", Text: "Because [¶4].",
			Quotes: []bot.Quote{{Text: "Because", Paragraph: 4, Outlet: "CNN", Date: date, URL: "https://cnn.com/x"}}, Mode: bot.ModeQuote}},
		{"a quote longer than an embed is split between words", bot.Reply{Kind: bot.KindQuotes, Question: "Lavrov",
			Text: "What Lavrov said:", Quotes: []bot.Quote{{Text: longQuote, Speaker: "Sergey Lavrov", Paragraph: 9, Outlet: "CNN", Date: date}}}},
		{"forty long quotes spill into several messages", bot.Reply{Kind: bot.KindQuotes, Question: "Peskov",
			Text: "What Peskov said:", Quotes: many}},
		{"a huge answer with a huge question", bot.Reply{Kind: bot.KindAnswer, Question: strings.Repeat("why ", 200),
			Text: strings.Repeat("x", 9000), Mode: bot.ModeSummary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := render(tt.r, renderOptions{feedback: true})
			var all strings.Builder
			for i, m := range msgs {
				body, err := json.Marshal(&discordgo.MessageSend{Embeds: m.embeds, Components: m.components,
					AllowedMentions: noMentions()})
				if err != nil {
					t.Fatal(err)
				}
				if err := discordtest.CheckMessage(body); err != nil {
					t.Errorf("message %d: %v", i, err)
				}
				for _, e := range m.embeds {
					all.WriteString(e.Description + "\n")
				}
				if (len(m.components) > 0) != (i == len(msgs)-1) {
					t.Errorf("message %d of %d: feedback buttons %v", i, len(msgs), m.components)
				}
			}
			for _, q := range tt.r.Quotes {
				for _, w := range strings.Fields(q.Text) {
					if !strings.Contains(all.String(), w) {
						t.Fatalf("quote word %q missing or cut", w)
					}
				}
				if q.Text == longQuote {
					// Every piece of the quote is whole words.
					for _, line := range strings.Split(all.String(), "\n") {
						line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(line, "> "), "…"), "…")
						if strings.HasPrefix(line, "Сергей") || line == "" || !strings.Contains(longQuote, line) {
							continue
						}
						for _, w := range strings.Fields(line) {
							if !strings.Contains(longQuote, " "+w+" ") && !strings.HasPrefix(longQuote, w+" ") {
								t.Errorf("piece boundary cut a word: %q", w)
							}
						}
					}
				}
			}
		})
	}
}

func TestEscapeKeepsStoryTextInert(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**bold** _it_ `code` ~~s~~ ||spoiler||", `\*\*bold\*\* \_it\_ \` + "`code\\`" + ` \~\~s\~\~ \|\|spoiler\|\|`},
		{"[click](https://evil.example)", `[click]\(https://evil.example)`},
		{"<@123> <#456> > quote # head", `\<@123\> \<\#456\> \> quote \# head`},
		{"citations [¶4] stay readable", "citations [¶4] stay readable"},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("hello world. this is a test\n\nof splitting", 16)
	f.Add(strings.Repeat("ж", 100)+`\*`, 20)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || max < 16 || max > 5000 {
			return
		}
		parts := splitText(s, max)
		if strings.Join(parts, "") != s {
			t.Fatal("pieces do not add up to the text")
		}
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n > max {
				t.Fatalf("piece of %d characters, over %d", n, max)
			}
		}
	})
}
