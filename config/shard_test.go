package config

import (
	"strconv"
	"strings"
	"testing"
)

func TestDiscordGatewayShards(t *testing.T) {
	discord := map[string]string{"DISCORD_TOKEN": "planted-discord-token", "DISCORD_APP_ID": "123456789012345678"}
	tests := []struct {
		name      string
		yaml      string
		env       map[string]string
		wantErr   string
		wantID    int
		wantCount int
	}{
		{name: "one shard is the default", wantCount: 1},
		{name: "the file sets the shard", yaml: "discord:\n  shard_id: 1\n  shard_count: 2\n", wantID: 1, wantCount: 2},
		{name: "the environment sets the shard", env: map[string]string{"DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "3"},
			wantID: 2, wantCount: 3},
		{name: "the environment overrides the file", yaml: "discord:\n  shard_id: 0\n  shard_count: 2\n",
			env: map[string]string{"DISCORD_SHARD_ID": "1"}, wantID: 1, wantCount: 2},
		{name: "a shard id equal to the count is refused", yaml: "discord:\n  shard_id: 2\n  shard_count: 2\n",
			wantErr: "discord.shard_id: must be between 0 and discord.shard_count-1 (1)"},
		{name: "a negative shard id is refused", env: map[string]string{"DISCORD_SHARD_ID": "-1", "DISCORD_SHARD_COUNT": "2"},
			wantErr: "discord.shard_id: must be between 0 and"},
		{name: "a shard count of zero is refused", yaml: "discord:\n  shard_count: 0\n",
			wantErr: "discord.shard_count: must be at least 1"},
		{name: "a shard id that is not a number is refused", env: map[string]string{"DISCORD_SHARD_ID": "first"},
			wantErr: `discord.shard_id: DISCORD_SHARD_ID="first" is not a whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range discord {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, "storybot.yaml", tt.yaml)
			}
			c, err := Load(path, envOf(env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Discord.ShardID != tt.wantID || c.Discord.ShardCount != tt.wantCount {
				t.Errorf("shard %d of %d, want %d of %d", c.Discord.ShardID, c.Discord.ShardCount, tt.wantID, tt.wantCount)
			}
			shown, err := c.Show(envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"shard_id: " + strconv.Itoa(tt.wantID), "shard_count: " + strconv.Itoa(tt.wantCount)} {
				if !strings.Contains(string(shown), want) {
					t.Errorf("config show lacks %q:\n%s", want, shown)
				}
			}
		})
	}
}
