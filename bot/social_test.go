package bot_test

import (
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
)

func TestMannersGetManners(t *testing.T) {
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t)})
	for _, tt := range []struct {
		text    string
		kind    bot.Kind
		textHas string
	}{
		{"thanks!", bot.KindHelp, "You're welcome"},
		{"thank you so much 🙏", bot.KindHelp, "You're welcome"},
		{"hi", bot.KindHelp, "Hi!"},
		{"good morning", bot.KindHelp, "Hi!"},
		{"ok, got it — thanks", bot.KindHelp, "You're welcome"},
		{"great", bot.KindHelp, "Glad that helped"},
		{"bye", bot.KindHelp, "Bye"},
		{"lol", bot.KindHelp, "Ask me anything else"},
		{"haha wow", bot.KindHelp, "Ask me anything else"},
		{"👍", bot.KindHelp, "Ask me anything else"},
		{"?", bot.KindHelp, "I answer questions"},
		{"what can you do?", bot.KindHelp, "I'm storybot"},
		{"Who are you?", bot.KindHelp, "I'm storybot"},
		{"how do I use this", bot.KindHelp, "I'm storybot"},
		// A question or a word of the story in it makes it a question.
		{"thanks, and why was the meeting put on hold?", bot.KindAnswer, ""},
		{"great summit", bot.KindAnswer, ""},
		{"lol why was the meeting put on hold", bot.KindAnswer, ""},
		{"what can you tell me about Peskov?", bot.KindAnswer, ""},
		{"hi, who is Anna Kelly", bot.KindAnswer, "Anna Kelly"},
	} {
		t.Run(tt.text+" gets a reply of kind "+string(tt.kind), func(t *testing.T) {
			r := ask(t, h, bot.Message{Text: tt.text})
			if r.Kind != tt.kind || !strings.Contains(r.Text, tt.textHas) {
				t.Errorf("reply %s %q, want %s with %q", r.Kind, r.Text, tt.kind, tt.textHas)
			}
		})
	}
}
