package bot_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/storybot/storybot/bot"
)

func TestPermanentMarksAnErrorAndKeepsIt(t *testing.T) {
	err := fmt.Errorf("slack auth.test: %w", bot.Permanent(io.ErrUnexpectedEOF))
	t.Run("a marked error is permanent", func(t *testing.T) {
		if !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("%v is not permanent", err)
		}
	})
	t.Run("it is still the error it was, with the same words", func(t *testing.T) {
		if !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != "slack auth.test: unexpected EOF" {
			t.Errorf("got %q", err)
		}
	})
	t.Run("an unmarked error is not permanent", func(t *testing.T) {
		if errors.Is(io.ErrUnexpectedEOF, bot.ErrPermanent) {
			t.Error("every error is permanent")
		}
	})
}
