package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/slacktest"
)

func TestConfigCheckAndShow(t *testing.T) {
	vars := map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-1-planted-secret", "SLACK_APP_TOKEN": "xapp-1-planted-secret",
		"OPENAI_MODEL": "gpt-4o-mini", "OPENAI_API_KEY": "sk-planted-secret",
	}
	t.Run("check says what is switched on", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", vars, "config", "check")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"configuration OK", "Slack (Socket Mode)", "LLM gpt-4o-mini"} {
			if !strings.Contains(out, want) {
				t.Errorf("check output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("show prints the effective configuration without secrets", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", vars, "config", "show")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if strings.Contains(out, "planted-secret") {
			t.Errorf("show prints a secret:\n%s", out)
		}
		if !strings.Contains(out, "# api_key: (set, from OPENAI_API_KEY)") || !strings.Contains(out, "model: gpt-4o-mini") ||
			!strings.Contains(out, "  mode: socket\n") {
			t.Errorf("show does not print the effective configuration:\n%s", out)
		}
	})
	t.Run("check names every bad key of a file and exits 2", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "storybot.yaml")
		os.WriteFile(path, []byte("answer:\n  mode: sometimes\nlogging:\n  level: loud\n"), 0o600)
		_, errOut, code := runCLI(t, "", nil, "config", "check", "--config", path)
		if code != exitUsage {
			t.Errorf("exit %d, want 2", code)
		}
		for _, key := range []string{"answer.mode", "logging.level"} {
			if !strings.Contains(errOut, key) {
				t.Errorf("the error does not name %s:\n%s", key, errOut)
			}
		}
	})
	t.Run("an unknown subcommand is a usage error", func(t *testing.T) {
		if _, _, code := runCLI(t, "", nil, "config", "frobnicate"); code != exitUsage {
			t.Errorf("exit %d, want 2", code)
		}
	})
}

// The README's smallest setups, the environment variables in front of
// `storybot serve`, one setup per line.
func readmeSetups(t *testing.T) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var setups []map[string]string
	for _, line := range strings.Split(string(data), "\n") {
		before, _, ok := strings.Cut(line, " storybot serve")
		if !ok || !strings.Contains(before, "=") {
			continue
		}
		vars := map[string]string{}
		for _, f := range strings.Fields(before) {
			k, v, ok := strings.Cut(f, "=")
			if !ok || k != strings.ToUpper(k) {
				vars = nil
				break
			}
			// The README writes "…" where your own value goes.
			vars[k] = strings.ReplaceAll(v, "…", "123456789012345678")
		}
		if vars != nil {
			setups = append(setups, vars)
		}
	}
	if len(setups) < 2 {
		t.Fatalf("found %d setups in the README, want the Slack and Discord ones", len(setups))
	}
	return setups
}

// The example file, copied to storybot.yaml as the README says, passes
// config check with each of the README's environment setups.
func TestTheExampleConfigPassesCheckWithTheREADMEsVariables(t *testing.T) {
	example := filepath.Join("..", "..", "storybot.example.yaml")
	for _, vars := range readmeSetups(t) {
		var names []string
		for k := range vars {
			names = append(names, k)
		}
		slices.Sort(names)
		t.Run("with "+strings.Join(names, " and "), func(t *testing.T) {
			out, errOut, code := runCLI(t, "", vars, "config", "check", "--config", example)
			if code != exitOK || !strings.HasPrefix(out, "configuration OK") {
				t.Errorf("exit %d:\n%s%s", code, out, errOut)
			}
		})
	}
	t.Run("and serve starts with it", func(t *testing.T) {
		fake := slacktest.New(t)
		vars := slackVars(fake)
		vars["STORYBOT_CONFIG"] = example
		s := startServe(t, vars)
		<-fake.Connections()
		s.waitReady(t)
	})
}

func TestConfigCheckReadsTheStoriesFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	_, errOut, code := runCLI(t, "", map[string]string{"STORYBOT_STORIES": dir}, "config", "check")
	if code != exitUsage || !strings.Contains(errOut, "stories.dir: story empty.txt: empty file") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
