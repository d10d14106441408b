package main

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/internal/discordtest"
)

// Two replicas, each given its own DISCORD_SHARD_ID and the same
// DISCORD_SHARD_COUNT, identify to the gateway as the two shards.
func TestServeReplicasIdentifyAsTheirGatewayShards(t *testing.T) {
	df := discordtest.New(t)
	for _, id := range []string{"0", "1"} {
		s := startServe(t, map[string]string{
			"DISCORD_TOKEN": discordtest.Token, "DISCORD_APP_ID": discordtest.AppID, "DISCORD_API_URL": df.URL(),
			"DISCORD_SHARD_ID": id, "DISCORD_SHARD_COUNT": "2",
		})
		s.waitReady(t)
	}
	var shards [][]int
	for range 2 {
		select {
		case id := <-df.Identifies():
			shards = append(shards, id.Shard)
		case <-time.After(15 * time.Second):
			t.Fatalf("only %d IDENTIFY of 2", len(shards))
		}
	}
	slices.SortFunc(shards, slices.Compare)
	if diff := cmp.Diff([][]int{{0, 2}, {1, 2}}, shards); diff != "" {
		t.Errorf("IDENTIFY shards (-want +got):\n%s", diff)
	}
}
