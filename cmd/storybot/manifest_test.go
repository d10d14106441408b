package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestManifestSlackPrintsTheCommittedManifest(t *testing.T) {
	want, err := os.ReadFile("../../slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "", nil, "manifest", "slack")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(string(want), out); diff != "" {
		t.Errorf("storybot manifest slack (-committed +printed):\n%s", diff)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"no platform is a usage error", []string{"manifest"}},
		{"a platform with no manifest is a usage error", []string{"manifest", "discord"}},
		{"extra arguments are a usage error", []string{"manifest", "slack", "now"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", nil, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, "usage: storybot manifest slack") {
				t.Errorf("exit %d, stderr %q; want %d and the usage", code, errOut, exitUsage)
			}
		})
	}
}

func TestSlackCommandsAreTheManifestsWithTheConfiguredNames(t *testing.T) {
	tests := []struct {
		name    string
		renames map[string]string
		want    map[string]string
	}{
		{"no renames gives the manifest's commands", nil,
			map[string]string{"/ask": "ask", "/quote": "quote", "/digest": "digest"}},
		{"the default configuration changes nothing",
			map[string]string{"ask": "/ask", "quote": "/quote", "digest": "/digest"},
			map[string]string{"/ask": "ask", "/quote": "quote", "/digest": "digest"}},
		{"a renamed command answers to its new name only",
			map[string]string{"ask": "/news"},
			map[string]string{"/news": "ask", "/quote": "quote", "/digest": "digest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, slackCommands(tt.renames)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
