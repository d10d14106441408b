package digest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/bot/slack"
	"github.com/storybot/storybot/internal/slacktest"
)

func TestTheScheduledDigestReachesSlackThroughTheRealClient(t *testing.T) {
	fake := slacktest.New(t)
	b := seedBuilder(t)
	a, err := slack.New(bot.NewHandler(bot.Config{Library: b.Library}), slack.Options{BotToken: slacktest.BotToken,
		SigningSecret: "secret", APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s, err := digest.NewScheduler(digest.SchedulerConfig{
		Specs:   []digest.Spec{{Name: "d", Platform: "slack", Channel: "C42", At: "08:00", Location: time.UTC}},
		Builder: b, Runs: openStore(t, filepath.Join(t.TempDir(), "db")),
		Posters: map[string]digest.Poster{"slack": a}, Clock: newFakeClock(now),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RunDue(context.Background(), now)
	select {
	case m := <-fake.Posts():
		text := m.AllText()
		if m.Channel != "C42" || !strings.Contains(text, "Daily digest") || !strings.Contains(text, "¶") {
			t.Errorf("posted to %s: %s", m.Channel, text)
		}
		if err := slacktest.CheckMessage(m.Text, m.Blocks); err != nil {
			t.Errorf("Slack would reject the digest: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("nothing posted to Slack")
	}
	if n := fake.PostCount(); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}
