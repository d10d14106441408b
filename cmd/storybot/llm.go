package main

import (
	"github.com/storybot/storybot/bot"
)

// configureLLM sets up summary mode from the OPENAI_* variables. Until the
// LLM client lands this leaves the handler in quote mode.
func configureLLM(cfg *bot.Config, getenv func(string) string) error {
	return nil
}
