package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/storybot/storybot/bot"
)

type fakeInsights struct {
	calls int
	err   error
}

func (f *fakeInsights) BuildInsights(context.Context) (bot.Reply, error) {
	f.calls++
	return bot.Reply{Kind: bot.KindNotice, Text: "What readers asked: 12 asked"}, f.err
}

func TestInsightsAreForAdminsOnly(t *testing.T) {
	lib := mustLibrary(t)
	admins := []string{"slack:UADMIN", "discord:42"}
	tests := []struct {
		name     string
		msg      bot.Message
		builder  *fakeInsights
		textHas  string
		calls    int
		noneWire bool
	}{
		{name: "an admin gets the insights",
			msg:     bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "insights"},
			builder: &fakeInsights{}, textHas: "What readers asked: 12 asked", calls: 1},
		{name: "an admin in the terminal style with a slash gets them too",
			msg:     bot.Message{Platform: bot.PlatformDiscord, User: "42", Text: "/insights"},
			builder: &fakeInsights{}, textHas: "12 asked", calls: 1},
		{name: "someone who is not an admin is refused without the log being read",
			msg:     bot.Message{Platform: bot.PlatformSlack, User: "U999", Text: "insights"},
			builder: &fakeInsights{}, textHas: "only storybot's admins can see what readers asked"},
		{name: "a failure is reported without its details",
			msg:     bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "insights"},
			builder: &fakeInsights{err: errors.New("store: question log: disk I/O error at /var/lib/secret")}, calls: 1,
			textHas: ""},
		{name: "with no question log an admin is told where insights come from",
			msg:      bot.Message{Platform: bot.PlatformSlack, User: "UADMIN", Text: "insights"},
			noneWire: true, textHas: "storybot insights --db PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := bot.Config{Library: lib, Admins: admins}
			if !tt.noneWire {
				cfg.Insights = tt.builder
			}
			r := ask(t, bot.NewHandler(cfg), tt.msg)
			if !strings.Contains(r.Text, tt.textHas) {
				t.Errorf("reply %q lacks %q", r.Text, tt.textHas)
			}
			if strings.Contains(r.Text, "/var/lib/secret") {
				t.Errorf("reply %q shows the error's details", r.Text)
			}
			if tt.builder != nil && tt.builder.calls != tt.calls {
				t.Errorf("insights built %d times, want %d", tt.builder.calls, tt.calls)
			}
		})
	}
}
