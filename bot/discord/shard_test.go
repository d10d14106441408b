package discord

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/discordtest"
)

func TestGatewaySharding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		id, count int
		want      []int // the shard in IDENTIFY; nil when none is sent
	}{
		{name: "one replica sends no shard", id: 0, count: 0, want: nil},
		{name: "the first of two replicas identifies as shard 0 of 2", id: 0, count: 2, want: []int{0, 2}},
		{name: "the third of three replicas identifies as shard 2 of 3", id: 2, count: 3, want: []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs := newHarness(t, harnessOptions{opts: Options{ShardID: tt.id, ShardCount: tt.count}})
			id := recv(t, hs.fake.Identifies(), "IDENTIFY")
			if diff := cmp.Diff(tt.want, id.Shard); diff != "" {
				t.Errorf("IDENTIFY shard (-want +got):\n%s", diff)
			}
			// The sharded connection answers like any other.
			msg := hs.fake.SendMessage(discordtest.Mention(holdQuestion))
			got := recv(t, hs.fake.Messages(), "the reply")
			if got.Reference == nil || got.Reference.MessageID != msg {
				t.Errorf("not a reply to %s: %+v", msg, got)
			}
		})
	}
}

func TestAShardOutsideTheCountIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		id, count int
	}{
		{name: "a shard id equal to the count", id: 2, count: 2},
		{name: "a negative shard id", id: -1, count: 2},
		{name: "a negative shard count", id: 0, count: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(bot.NewHandler(bot.Config{Library: mustLibrary(t)}), Options{
				Token: discordtest.Token, AppID: discordtest.AppID, ShardID: tt.id, ShardCount: tt.count})
			if !errors.Is(err, ErrBadShard) {
				t.Errorf("New: %v, want ErrBadShard", err)
			}
		})
	}
}
