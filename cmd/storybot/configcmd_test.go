package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		if !strings.Contains(out, "[redacted]") || !strings.Contains(out, "model: gpt-4o-mini") {
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
