package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/storybot/storybot/config"
)

// runConfig is `storybot config check|show [--config FILE]`: validate the
// configuration (and the stories it points at), or print the effective
// one as a config file, secrets only said to be set or not.
func runConfig(_ context.Context, args []string, e env) int {
	if len(args) == 0 || (args[0] != "check" && args[0] != "show") {
		fmt.Fprint(e.stderr, "usage: storybot config check|show [--config FILE]\n")
		return exitUsage
	}
	sub := args[0]
	fs := newFlagSet("config "+sub, e)
	path := fs.String("config", "", "read the configuration from `FILE` (default $STORYBOT_CONFIG, or ./storybot.yaml if present)")
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return exitUsage
	}
	cfg, err := loadConfig(*path, e.getenv)
	if err == nil && sub == "check" && cfg.Stories.Dir != "" {
		// The folder exists (Validate saw to that); its files must be
		// stories too, or serve would refuse to start.
		if _, lerr := loadLibrary(cfg.Stories.Dir); lerr != nil {
			err = &config.FieldError{Key: "stories.dir", Msg: lerr.Error()}
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot config: the configuration has problems:\n%s\n", indentErrors(err))
		return exitUsage
	}
	if sub == "check" {
		var on []string
		if cfg.SlackEnabled() {
			mode := "Socket Mode"
			if !cfg.SlackSocketMode() {
				mode = "HTTP mode"
			}
			on = append(on, "Slack ("+mode+")")
		}
		if cfg.DiscordEnabled() {
			on = append(on, "Discord")
		}
		if cfg.LLMEnabled() {
			on = append(on, "LLM "+cfg.LLM.Model)
		}
		if len(cfg.Digests) > 0 {
			on = append(on, fmt.Sprintf("%d digest(s)", len(cfg.Digests)))
		}
		if len(on) == 0 {
			on = append(on, "no chat platform (storybot serve would refuse to start; storybot chat works)")
		}
		fmt.Fprintf(e.stdout, "configuration OK: %s\n", strings.Join(on, ", "))
		return exitOK
	}
	out, err := cfg.Show(e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "storybot config show: %v\n", err)
		return exitErr
	}
	e.stdout.Write(out)
	return exitOK
}

// indentErrors lists every error joined in err, one per line.
func indentErrors(err error) string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		lines = append(lines, "  "+err.Error())
	}
	walk(err)
	return strings.Join(lines, "\n")
}
