package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxButtonValue is Slack's limit on a button's value.
const maxButtonValue = 2000

// feedbackValue is what a 👍/👎 button carries, so a click can be recorded
// with its question and answer without the bot keeping any state (and
// still works after a restart).
type feedbackValue struct {
	Q string `json:"q"`
	A string `json:"a"`
}

// encodeFeedback packs question and answer into a button value of at most
// maxButtonValue bytes, shortening the answer first and then the question.
func encodeFeedback(question, answer string) string {
	q := truncateRunes(strings.TrimSpace(question), 500)
	a := truncateRunes(strings.TrimSpace(answer), 1400)
	for {
		v := marshalFeedback(feedbackValue{Q: q, A: a})
		if len(v) <= maxButtonValue {
			return v
		}
		// JSON escaping can grow text up to sixfold; shrink and try again.
		switch {
		case a != "":
			a = truncateRunes(a, len(a)*2/3)
		default:
			q = truncateRunes(q, len(q)*2/3)
		}
	}
}

func marshalFeedback(v feedbackValue) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // <, > and & stay one byte each
	_ = enc.Encode(v)        // two strings cannot fail to encode
	return strings.TrimSuffix(buf.String(), "\n")
}

// decodeFeedback unpacks a button value made by encodeFeedback.
func decodeFeedback(v string) (question, answer string, err error) {
	if len(v) > maxButtonValue {
		return "", "", fmt.Errorf("feedback value of %d bytes: longer than Slack allows", len(v))
	}
	var fv feedbackValue
	if err := json.Unmarshal([]byte(v), &fv); err != nil {
		return "", "", fmt.Errorf("feedback value: %w", err)
	}
	if !utf8.ValidString(fv.Q) || !utf8.ValidString(fv.A) {
		return "", "", errors.New("feedback value: not UTF-8")
	}
	return fv.Q, fv.A, nil
}

// truncateRunes shortens s to at most max bytes without splitting a rune.
func truncateRunes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
