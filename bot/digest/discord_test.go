package digest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/digest"
	"github.com/storybot/storybot/bot/discord"
	"github.com/storybot/storybot/internal/discordtest"
)

func TestTheScheduledDigestReachesDiscordThroughTheRealClient(t *testing.T) {
	fake := discordtest.New(t)
	b := seedBuilder(t)
	a, err := discord.New(bot.NewHandler(bot.Config{Library: b.Library}), discord.Options{Token: discordtest.Token,
		AppID: discordtest.AppID, APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	s, err := digest.NewScheduler(digest.SchedulerConfig{
		Specs:   []digest.Spec{{Name: "d", Platform: "discord", Channel: discordtest.ChannelID, At: "08:00", Location: time.UTC}},
		Builder: b, Runs: openStore(t, filepath.Join(t.TempDir(), "db")),
		Posters: map[string]digest.Poster{"discord": a}, Clock: newFakeClock(now),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RunDue(context.Background(), now)
	select {
	case m := <-fake.Messages():
		text := m.Text()
		if m.ChannelID != discordtest.ChannelID || !strings.Contains(text, "Daily digest") || !strings.Contains(text, "¶") {
			t.Errorf("posted to %s: %s", m.ChannelID, text)
		}
		if !m.NoMentions() {
			t.Errorf("the digest could ping people: %s", m.Body)
		}
	case <-time.After(wait):
		t.Fatal("nothing posted to Discord")
	}
}
