package discord

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
	"github.com/storybot/storybot/internal/openaitest"
)

func TestGatewayMessages(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, harnessOptions{opts: Options{GuildID: discordtest.GuildID}})
	fake := hs.fake

	t.Run("the bot identifies with the intents it needs", func(t *testing.T) {
		id := recv(t, fake.Identifies(), "IDENTIFY")
		if id.Token != "Bot "+discordtest.Token {
			t.Errorf("token %q", id.Token)
		}
		if id.Intents != int(Intents) || id.Intents&discordtest.IntentMessageContent == 0 {
			t.Errorf("intents %b", id.Intents)
		}
		if fake.Heartbeats() == 0 && !hs.a.Connected() {
			t.Error("not connected")
		}
	})

	t.Run("a mention is answered as a reply with the story's citations", func(t *testing.T) {
		id := fake.SendMessage(discordtest.Mention(holdQuestion))
		got := recv(t, fake.Messages(), "the reply")
		if got.ChannelID != discordtest.ChannelID || got.Reference == nil || got.Reference.MessageID != id {
			t.Fatalf("not a reply to %s in the channel: %+v", id, got)
		}
		wantText(t, got, "divergent expectations", "[¶4]")
		if !strings.Contains(got.Footers(), holdCitation) {
			t.Errorf("footer %q lacks %q", got.Footers(), holdCitation)
		}
		if got.Embeds[0].Title != holdQuestion {
			t.Errorf("title %q", got.Embeds[0].Title)
		}
		if len(got.Buttons) != 2 {
			t.Errorf("feedback buttons: %+v", got.Buttons)
		}
		if !got.NoMentions() {
			t.Errorf("allowed_mentions %+v", got.Mentions)
		}
	})

	t.Run("a DM is answered without a mention", func(t *testing.T) {
		id := fake.SendMessage(discordtest.DirectMessage("quote Peskov"))
		got := recv(t, fake.Messages(), "the DM reply")
		if got.ChannelID != discordtest.DMChannelID || got.Reference == nil || got.Reference.MessageID != id {
			t.Fatalf("not a reply in the DM: %+v", got)
		}
		wantText(t, got, peskovQuote, "Dmitry Peskov", peskovCitation)
	})

	t.Run("a mention in a thread is answered in the thread", func(t *testing.T) {
		m := discordtest.Mention(holdQuestion)
		m.ChannelID = discordtest.ThreadID
		id := fake.SendMessage(m)
		got := recv(t, fake.Messages(), "the thread reply")
		if got.ChannelID != discordtest.ThreadID || got.Reference.MessageID != id {
			t.Fatalf("reply not in the thread: %+v", got)
		}
	})

	t.Run("@everyone in a question pings nobody", func(t *testing.T) {
		fake.SendMessage(discordtest.Mention("@everyone @here <@&42> why was the meeting put on hold?"))
		got := recv(t, fake.Messages(), "the reply")
		if got.Mentions == nil || got.Mentions.Parse == nil || len(got.Mentions.Parse) != 0 {
			t.Fatalf("allowed_mentions.parse is not []: %s", got.Body)
		}
		if !strings.Contains(string(got.Body), `"parse":[]`) {
			t.Fatalf("body does not carry \"parse\":[]: %s", got.Body)
		}
	})

	t.Run("the bot ignores itself, other bots, webhooks and messages not for it", func(t *testing.T) {
		self := discordtest.ChannelMessage("<@" + discordtest.BotUserID + "> talking to myself")
		self.AuthorID, self.AuthorBot, self.MentionsBot = discordtest.BotUserID, true, true
		fake.SendMessage(self)
		other := discordtest.Mention(holdQuestion)
		other.AuthorID, other.AuthorBot = "900000000000000001", true
		fake.SendMessage(other)
		hook := discordtest.Mention(holdQuestion)
		hook.WebhookID = "900000000000000002"
		fake.SendMessage(hook)
		fake.SendMessage(discordtest.ChannelMessage(holdQuestion))
		// Events are handled in order of arrival, so once this DM is
		// answered the ones before it were seen, and ignored.
		id := fake.SendMessage(discordtest.DirectMessage("stories"))
		got := recv(t, fake.Messages(), "the DM reply")
		if got.Reference == nil || got.Reference.MessageID != id {
			t.Fatalf("first reply is not to the DM: %+v", got)
		}
		hs.idle(t)
		none(t, fake.Messages(), "reply to an ignored message")
	})

	t.Run("an attachment with no words gets a clear answer", func(t *testing.T) {
		m := discordtest.Mention("")
		m.Attachments = 1
		fake.SendMessage(m)
		got := recv(t, fake.Messages(), "the reply")
		wantText(t, got, "only read text")
	})

	t.Run("an empty mention gets the help text", func(t *testing.T) {
		fake.SendMessage(discordtest.Mention(""))
		wantText(t, recv(t, fake.Messages(), "the reply"), "quote <who or topic>")
	})

	t.Run("a 429 is waited out for retry_after and counted", func(t *testing.T) {
		const retryAfter = 300 * time.Millisecond
		fake.RateLimitNext(1, retryAfter)
		fake.SendMessage(discordtest.Mention(holdQuestion))
		limited := recv(t, fake.RateLimited(), "the 429")
		got := recv(t, fake.Messages(), "the retried reply")
		if gap := got.At.Sub(limited.At); gap < retryAfter {
			t.Errorf("retried after %v, before retry_after %v", gap, retryAfter)
		}
		hs.idle(t)
		if n := hs.events.count(EventRateLimited); n != 1 {
			t.Errorf("%d rate_limited events, want 1", n)
		}
	})

	t.Run("a dropped connection is resumed and answering goes on", func(t *testing.T) {
		fake.DropConnections()
		r := recv(t, fake.Resumes(), "RESUME")
		if r.SessionID != discordtest.SessionID || r.Seq == 0 {
			t.Errorf("resume %+v", r)
		}
		recv(t, fake.Connections(), "the resumed connection")
		id := fake.SendMessage(discordtest.Mention(holdQuestion))
		got := recv(t, fake.Messages(), "a reply after the resume")
		if got.Reference.MessageID != id {
			t.Fatalf("reply %+v", got)
		}
		hs.idle(t)
		if n := hs.events.count(EventReconnect); n != 1 {
			t.Errorf("%d reconnect events, want 1", n)
		}
		if n := fake.CommandOverwriteCount(); n != 1 {
			t.Errorf("commands registered %d times, want once per start", n)
		}
	})
}

func TestCommandsAreRegisteredOncePerStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		guild string
	}{
		{"in the configured guild when there is one", discordtest.GuildID},
		{"globally when no guild is configured", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs := newHarness(t, harnessOptions{opts: Options{GuildID: tt.guild}, noStart: true})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- hs.a.Run(ctx) }()
			ow := recv(t, hs.fake.Commands(), "the bulk overwrite")
			if ow.GuildID != tt.guild {
				t.Errorf("registered in guild %q, want %q", ow.GuildID, tt.guild)
			}
			var names []string
			for _, c := range ow.Commands {
				names = append(names, c.Name)
			}
			if strings.Join(names, ",") != "ask,quote,digest" {
				t.Errorf("commands %v", names)
			}
			if o := ow.Commands[1].Options; len(o) != 1 || o[0].Name != "who" || !o[0].Autocomplete || !o[0].Required {
				t.Errorf("/quote options %+v", o)
			}
			if o := ow.Commands[0].Options; len(o) != 1 || o[0].Name != "question" || !o[0].Required {
				t.Errorf("/ask options %+v", o)
			}
			cancel()
			if err := recv(t, done, "Run to return"); err != nil {
				t.Fatal(err)
			}
			if n := hs.fake.CommandOverwriteCount(); n != 1 {
				t.Errorf("%d overwrites, want 1", n)
			}
		})
	}
}

func TestDisallowedIntentStopsWithOneClearLogLine(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, harnessOptions{noStart: true})
	hs.fake.DisableMessageContentIntent()
	err := hs.a.Run(context.Background())
	if !errors.Is(err, ErrDisallowedIntents) {
		t.Fatalf("Run: %v, want ErrDisallowedIntents", err)
	}
	if !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("Run: %v does not say that running again cannot help (bot.ErrPermanent)", err)
	}
	recv(t, hs.fake.Identifies(), "IDENTIFY")
	none(t, hs.fake.Identifies(), "a second IDENTIFY")
	if n := strings.Count(hs.logs.String(), "Message Content Intent"); n != 1 {
		t.Errorf("%d log lines about the Message Content intent, want 1:\n%s", n, hs.logs)
	}
	if hs.a.Connected() {
		t.Error("Connected after a refused intent")
	}
}

func TestStreamingAnswerToAMentionEditsAPlaceholder(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.Reply(`The meeting has been put on hold [¶4]. Rubio and Lavrov had divergent expectations [¶4].`)
	hs := newHarness(t, harnessOptions{cfg: summaryConfig(t, srv)})
	id := hs.fake.SendMessage(discordtest.Mention(holdQuestion))
	ph := recv(t, hs.fake.Messages(), "the placeholder")
	if ph.Reference == nil || ph.Reference.MessageID != id || !strings.HasPrefix(ph.Content, "⏳") {
		t.Fatalf("placeholder %+v", ph)
	}
	var final discordtest.Sent
	for final.Embeds == nil {
		final = recv(t, hs.fake.Edits(), "an edit")
		if final.MessageID != ph.MessageID {
			t.Fatalf("edited %s, want the placeholder %s", final.MessageID, ph.MessageID)
		}
	}
	if final.Content != "" {
		t.Errorf("final edit keeps the placeholder text %q", final.Content)
	}
	wantText(t, final, "put on hold", "summary by fake-model", holdCitation)
	hs.idle(t)
	none(t, hs.fake.Messages(), "a second message")
}

func TestPostSendsADigest(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, harnessOptions{})
	h := bot.NewHandler(bot.Config{Library: mustLibrary(t)})
	if err := hs.a.Post(context.Background(), discordtest.ChannelID, h.KeyPointsReply("")); err != nil {
		t.Fatal(err)
	}
	got := recv(t, hs.fake.Messages(), "the digest")
	if got.Reference != nil || got.ChannelID != discordtest.ChannelID {
		t.Errorf("digest %+v", got)
	}
	wantText(t, got, "Key points", "¶")
}
