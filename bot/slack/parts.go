package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	slackapi "github.com/slack-go/slack"
)

// replyEventType is the event_type of the metadata every reply part a
// queued job posts carries, with event_payload {"job": key, "part": n}.
// chat.postMessage has no idempotency key: a retried job looks for this
// metadata in the thread before posting a part again.
const replyEventType = "storybot_reply"

// maxPartPages bounds how many pages of a thread or channel FindPart
// reads looking for a reply an earlier try posted.
const maxPartPages = 5

// partLabel is the metadata of the nth reply of the job with key jobKey.
func partLabel(jobKey string, n int) *slackapi.SlackMetadata {
	return &slackapi.SlackMetadata{EventType: replyEventType,
		EventPayload: map[string]any{"job": jobKey, "part": n}}
}

// LabelPart makes the next reply's messages carry the metadata of the nth
// reply of job jobKey (bot.PartLabeler).
func (w *threadWriter) LabelPart(jobKey string, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.label = partLabel(jobKey, n)
}

// FindPart looks in the writer's thread (conversations.replies), or in
// the channel's recent history for a top-level reply
// (conversations.history), for a message of the bot's own labelled as
// the nth reply of job jobKey (bot.PartLabeler). A Slack refusal (a
// missing scope, say) is logged and reported as not found: the reply is
// then posted, at least once, as before.
func (w *threadWriter) FindPart(ctx context.Context, jobKey string, n int) (string, bool, error) {
	a := w.a
	userID, botID := a.identity()
	cursor := ""
	for range maxPartPages {
		var msgs []slackapi.Message
		method := "conversations.replies"
		if w.threadTS == "" {
			method = "conversations.history"
		}
		err := a.retry(ctx, method, func(ctx context.Context) error {
			var err error
			if w.threadTS != "" {
				msgs, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{
					ChannelID: w.channel, Timestamp: w.threadTS, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
				return err
			}
			resp, err := a.api.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{
				ChannelID: w.channel, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
			if err != nil {
				return err
			}
			msgs, cursor = resp.Messages, resp.ResponseMetaData.NextCursor
			return nil
		})
		var refused slackapi.SlackErrorResponse
		if errors.As(err, &refused) {
			a.log.Warn("slack: cannot look for a reply an earlier try posted; posting it, perhaps again",
				"method", method, "job", jobKey, "part", n, "err", err)
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("looking for part %d of job %s: %w", n, jobKey, err)
		}
		for _, m := range msgs {
			if isPart(m, userID, botID, jobKey, n) {
				a.log.Info("slack: found the reply an earlier try posted; not posting it again",
					"job", jobKey, "part", n, "ts", m.Timestamp)
				return m.Timestamp, true, nil
			}
		}
		if cursor == "" {
			break
		}
	}
	return "", false, nil
}

// isPart reports whether m is the bot's own message labelled as the nth
// reply of job jobKey.
func isPart(m slackapi.Message, userID, botID, jobKey string, n int) bool {
	// Only apps post metadata, and this event type is ours; the sender is
	// checked too when the bot's identity is known.
	own := userID == "" && botID == "" || userID != "" && m.User == userID || botID != "" && m.BotID == botID
	if !own || m.Metadata.EventType != replyEventType {
		return false
	}
	job, _ := m.Metadata.EventPayload["job"].(string)
	if job != jobKey {
		return false
	}
	switch p := m.Metadata.EventPayload["part"].(type) {
	case float64:
		return p == float64(n)
	case string:
		return p == strconv.Itoa(n)
	}
	return false
}

// LabelPart labels the next reply's messages (bot.PartLabeler). A summary
// that streams natively (chat.startStream/stopStream) is not labelled: a
// retried job may post it again.
func (w *assistantWriter) LabelPart(jobKey string, n int) { w.tw.LabelPart(jobKey, n) }

// FindPart looks for the nth reply of job jobKey in the assistant thread
// (bot.PartLabeler).
func (w *assistantWriter) FindPart(ctx context.Context, jobKey string, n int) (string, bool, error) {
	return w.tw.FindPart(ctx, jobKey, n)
}
