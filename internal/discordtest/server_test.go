package discordtest

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestDiscordgoTalksToTheFake drives the real client directly: connect,
// receive a dispatch, send a reply, get rate limited, resume.
func TestDiscordgoTalksToTheFake(t *testing.T) {
	fake := New(t)
	s, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = fake.HTTPClient()
	s.LogLevel = -1
	got := make(chan *discordgo.MessageCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer func() { s.ShouldReconnectOnError = false; _ = s.Close() }()
	<-fake.Connections()

	id := fake.SendMessage(Mention("hello"))
	var m *discordgo.MessageCreate
	select {
	case m = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no MESSAGE_CREATE")
	}
	if m.ID != id || len(m.Mentions) != 1 || m.Mentions[0].ID != BotUserID {
		t.Fatalf("message %+v", m.Message)
	}
	fake.RateLimitNext(1, 50*time.Millisecond)
	_, err = s.ChannelMessageSendComplex(ChannelID, &discordgo.MessageSend{Content: "hi", Reference: m.Reference(),
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}})
	if err != nil {
		t.Fatal(err)
	}
	<-fake.RateLimited()
	sent := <-fake.Messages()
	if sent.Content != "hi" || sent.Reference.MessageID != id || !sent.NoMentions() {
		t.Fatalf("sent %+v", sent)
	}
}

func TestCheckMessage(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"parse [] is accepted", `{"content":"hi","allowed_mentions":{"parse":[]}}`, true},
		{"parse null is refused", `{"content":"hi","allowed_mentions":{"parse":null}}`, false},
		{"no allowed_mentions is refused", `{"content":"hi"}`, false},
		{"content over 2000 characters is refused", `{"content":"` + repeat("x", 2001) + `","allowed_mentions":{"parse":[]}}`, false},
		{"a deferral needs no content", `{"type":5,"data":{"flags":64}}`, true},
		{"eleven embeds are refused", `{"embeds":[` + repeatSep(`{"description":"x"}`, 11) + `],"allowed_mentions":{"parse":[]}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckMessage([]byte(tt.body)); (err == nil) != tt.ok {
				t.Fatalf("CheckMessage = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func repeatSep(s string, n int) string {
	out := s
	for range n - 1 {
		out += "," + s
	}
	return out
}
