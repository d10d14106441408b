package main

import (
	"fmt"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/bot/llm"
)

// configureLLM sets up summary mode from the conventional OPENAI_*
// variables: OPENAI_MODEL turns it on; OPENAI_BASE_URL points at any
// OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio); the key
// may be empty for local servers. Without a model, answers quote.
func configureLLM(cfg *bot.Config, getenv func(string) string) error {
	model := getenv("OPENAI_MODEL")
	if model == "" {
		return nil
	}
	c, err := llm.New(llm.Options{
		BaseURL: getenv("OPENAI_BASE_URL"),
		APIKey:  getenv("OPENAI_API_KEY"),
		Model:   model,
		Timeout: 20 * time.Second,
		Logger:  cfg.Logger,
	})
	if err != nil {
		return fmt.Errorf("LLM: %w", err)
	}
	cfg.LLM, cfg.Model = c, model
	return nil
}
