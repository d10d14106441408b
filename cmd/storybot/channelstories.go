package main

import (
	"slices"

	"github.com/storybot/storybot/config"
)

// slackChannelStories maps each Slack channel a digest is posted to onto
// the stories its digests follow, for the assistant pane's suggested
// prompts while the user views that channel. A channel with a digest of
// every story (no stories listed) is left out: it follows them all.
func slackChannelStories(digests []config.DigestConfig) map[string][]string {
	out := map[string][]string{}
	all := map[string]bool{}
	for _, d := range digests {
		if d.Platform != "slack" || d.Channel == "" {
			continue
		}
		if len(d.Stories) == 0 {
			all[d.Channel] = true
			continue
		}
		for _, id := range d.Stories {
			if !slices.Contains(out[d.Channel], id) {
				out[d.Channel] = append(out[d.Channel], id)
			}
		}
	}
	for ch := range all {
		delete(out, ch)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
