package main

import (
	"io"
	"log/slog"
	"strings"

	"github.com/storybot/storybot/config"
)

// newLogger returns the service's logger: JSON when the output is not a
// terminal (a log collector reads it), text when a person does. Every
// attribute and message passes through a scrubber that replaces the
// configured secrets, so a token that reaches a log line by accident —
// inside an SDK's error text, say — is never written.
func newLogger(c config.LoggingConfig, w io.Writer, terminal bool, secrets []string) *slog.Logger {
	var level slog.Level
	switch c.Level {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: scrubber(secrets)}
	jsonOut := c.Format == "json" || (c.Format != "text" && !terminal)
	if jsonOut {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// minSecretLen keeps a very short "secret" (a misconfiguration) from
// blanking out ordinary words in every log line.
const minSecretLen = 8

// scrubber returns a slog ReplaceAttr function that removes secrets from
// string values, errors and anything else that prints as text.
func scrubber(secrets []string) func(groups []string, a slog.Attr) slog.Attr {
	var pairs []string
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			pairs = append(pairs, s, "[redacted]")
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	r := strings.NewReplacer(pairs...)
	return func(_ []string, a slog.Attr) slog.Attr {
		v := a.Value.Resolve()
		switch v.Kind() {
		case slog.KindString:
			if s := v.String(); r.Replace(s) != s {
				a.Value = slog.StringValue(r.Replace(s))
			}
		case slog.KindAny:
			if err, ok := v.Any().(error); ok {
				a.Value = slog.StringValue(r.Replace(err.Error()))
			} else if s, ok := v.Any().(interface{ String() string }); ok {
				a.Value = slog.StringValue(r.Replace(s.String()))
			}
		}
		return a
	}
}
