package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/internal/slacktest"
)

func TestSlackChannelStoriesComeFromTheDigests(t *testing.T) {
	tests := []struct {
		name    string
		digests []config.DigestConfig
		want    map[string][]string
	}{
		{name: "no digests restrict no channel"},
		{name: "a Slack digest's stories are its channel's",
			digests: []config.DigestConfig{{Platform: "slack", Channel: "C7", Stories: []string{"a", "b"}}},
			want:    map[string][]string{"C7": {"a", "b"}}},
		{name: "two digests to one channel follow the stories of both, each once",
			digests: []config.DigestConfig{
				{Platform: "slack", Channel: "C7", Stories: []string{"a", "b"}},
				{Platform: "slack", Channel: "C7", Stories: []string{"b", "c"}}},
			want: map[string][]string{"C7": {"a", "b", "c"}}},
		{name: "a channel with a digest of every story is not restricted",
			digests: []config.DigestConfig{
				{Platform: "slack", Channel: "C7", Stories: []string{"a"}},
				{Platform: "slack", Channel: "C7"},
				{Platform: "slack", Channel: "C8", Stories: []string{"b"}}},
			want: map[string][]string{"C8": {"b"}}},
		{name: "Discord digests are not Slack channels",
			digests: []config.DigestConfig{{Platform: "discord", Channel: "123", Stories: []string{"a"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, slackChannelStories(tc.digests)); diff != "" {
				t.Errorf("slackChannelStories (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServeSuggestsPromptsFromTheStoriesOfTheChannelInView(t *testing.T) {
	const (
		seedID   = "2025-10-21-rubio-lavrov-meeting-tabled"
		bridgeID = "2026-03-03-harbor-bridge-vote"
	)
	dir := t.TempDir()
	for _, src := range []string{
		filepath.Join("..", "..", "knowledge", "seed", seedID+".txt"),
		filepath.Join("..", "..", "knowledge", "testdata", "bridge", bridgeID+".txt"),
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(t.TempDir(), "storybot.yaml")
	cfg := "stories:\n  dir: " + dir + "\n" +
		"digests:\n  - name: russia\n    platform: slack\n    channel: C7\n    time: \"08:00\"\n    timezone: UTC\n    stories: [" + seedID + "]\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	sf := slacktest.New(t)
	vars := slackVars(sf)
	vars["STORYBOT_CONFIG"] = cfgPath
	s := startServe(t, vars)
	<-sf.Connections()

	// prompts waits for the next suggested prompts and returns the story
	// the first one asks about ("changes <id>").
	prompts := func() string {
		t.Helper()
		for {
			select {
			case c := <-sf.Assistant():
				if c.Method != "assistant.threads.setSuggestedPrompts" {
					continue
				}
				if len(c.Prompts) == 0 {
					t.Fatalf("no prompts: %+v", c)
				}
				return strings.TrimPrefix(c.Prompts[0].Message, "changes ")
			case <-time.After(15 * time.Second):
				t.Fatalf("no suggested prompts:\n%s", s.logs)
				return ""
			}
		}
	}
	threadTS := sf.NextTS()
	sf.SendEvent("EvStart", slacktest.AssistantThreadStarted("D1", "U1", threadTS, ""))
	if got := prompts(); got != bridgeID {
		t.Errorf("with no channel in view the first prompt is about %q, want the newest story %q", got, bridgeID)
	}
	tests := []struct {
		name, channel, want string
	}{
		{name: "a channel with a digest gets prompts from the digest's stories", channel: "C7", want: seedID},
		{name: "a channel without a digest gets prompts from every story", channel: "C9", want: bridgeID},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sf.SendEvent("EvCtx"+string(rune('0'+i)), slacktest.AssistantThreadContextChanged("D1", "U1", threadTS, tc.channel))
			if got := prompts(); got != tc.want {
				t.Errorf("viewing %s, the first prompt is about %q, want %q", tc.channel, got, tc.want)
			}
		})
	}
}
