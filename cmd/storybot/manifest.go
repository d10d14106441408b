package main

import (
	"context"
	"fmt"

	"github.com/storybot/storybot/bot/slack"
)

// runManifest is `storybot manifest slack`: print the Slack app manifest
// (slack-app-manifest.yaml), slash commands drawn from the command table.
func runManifest(_ context.Context, args []string, e env) int {
	if len(args) != 1 || args[0] != "slack" {
		fmt.Fprint(e.stderr, "usage: storybot manifest slack\n")
		return exitUsage
	}
	m, err := slack.Manifest()
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot manifest: %v\n", err)
		return exitErr
	}
	e.stdout.Write(m)
	return exitOK
}
