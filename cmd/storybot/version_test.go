package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionSaysWhatItKnowsAndNoMore(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20251021-abcdef"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abcdef123"}, {Key: "vcs.time", Value: "2025-10-21T09:00:00Z"},
			{Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name    string
		stamp   stamp
		bi      *debug.BuildInfo
		want    []string
		mustNot []string
	}{
		{"a stamped build prints its version, commit and build date",
			stamp{"v1.2.3", "0123abcd", "2025-10-22T10:00:00Z"}, vcs,
			[]string{"storybot v1.2.3\n", "commit    0123abcd\n", "built     2025-10-22T10:00:00Z\n"},
			[]string{"2025-10-21T09:00:00Z", "abcdef123"}},
		{"an unstamped build falls back to the VCS information, calling the commit time what it is",
			stamp{}, vcs,
			[]string{"storybot v0.0.0-20251021-abcdef\n", "commit    abcdef123 (with uncommitted changes)\n",
				"committed 2025-10-21T09:00:00Z\n", "built     unknown"},
			[]string{"built     2025-10-21"}},
		{"a build with neither says so instead of printing only (devel)",
			stamp{}, &debug.BuildInfo{GoVersion: "go1.26.0"},
			[]string{"storybot (devel)\n", "commit    unknown (built without version control information)\n", "built     unknown"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeVersion(&b, tt.stamp, tt.bi)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tt.mustNot {
				if strings.Contains(b.String(), w) {
					t.Errorf("output has %q:\n%s", w, b.String())
				}
			}
		})
	}
}

// The Dockerfile and the README's build line stamp the same three
// variables version prints.
func TestBuildsStampVersionCommitAndDate(t *testing.T) {
	for _, file := range []string{"Dockerfile", "README.md"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", file))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []string{"-X main.version=", "-X main.commit=", "-X main.date="} {
				if !strings.Contains(string(data), x) {
					t.Errorf("%s does not set %s", file, x)
				}
			}
		})
	}
}
