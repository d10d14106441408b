package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/storybot/storybot/bot"
)

// QuestionLog returns the questions logged at or after since, oldest
// first, for insights. A question logged without its text has an empty
// Question; Closest is set for a declined question that was pointed to a
// passage.
func (s *Store) QuestionLog(ctx context.Context, since time.Time) ([]bot.QuestionRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, platform, channel, COALESCE(question, ''), mode, abstained, latency_ms, stories,
		closest_story, closest_paragraph, closest_quote
		FROM questions WHERE at >= $1 ORDER BY at, id`, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("store: question log: %w", err)
	}
	defer rows.Close()
	var out []bot.QuestionRecord
	for rows.Next() {
		var q bot.QuestionRecord
		var at, latency int64
		var abstained int
		var platform, mode, stories string
		var cStory, cQuote sql.NullString
		var cPara sql.NullInt64
		if err := rows.Scan(&at, &platform, &q.Channel, &q.Question, &mode, &abstained, &latency, &stories,
			&cStory, &cPara, &cQuote); err != nil {
			return nil, fmt.Errorf("store: question log: %w", err)
		}
		q.At, q.Platform, q.Mode = fromNanos(at), bot.Platform(platform), bot.Mode(mode)
		q.Abstained, q.Latency = abstained != 0, time.Duration(latency)*time.Millisecond
		if err := json.Unmarshal([]byte(stories), &q.Stories); err != nil {
			return nil, fmt.Errorf("store: question log: stories of a question: %w", err)
		}
		if cStory.Valid {
			q.Closest = &bot.Quote{Story: cStory.String, Paragraph: int(cPara.Int64), Text: cQuote.String}
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: question log: %w", err)
	}
	return out, nil
}

// FeedbackLog returns the 👍/👎 clicks at or after since, oldest first,
// for insights. The rated question and answer are empty when question
// text is not kept.
func (s *Store) FeedbackLog(ctx context.Context, since time.Time) ([]bot.Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, platform, channel, user_id, message_id, helpful, COALESCE(question, ''), COALESCE(answer, '')
		FROM feedback WHERE at >= $1 ORDER BY at, id`, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("store: feedback log: %w", err)
	}
	defer rows.Close()
	var out []bot.Feedback
	for rows.Next() {
		var f bot.Feedback
		var at int64
		var helpful int
		var platform string
		if err := rows.Scan(&at, &platform, &f.Channel, &f.User, &f.MessageID, &helpful, &f.Question, &f.Answer); err != nil {
			return nil, fmt.Errorf("store: feedback log: %w", err)
		}
		f.At, f.Platform, f.Helpful = fromNanos(at), bot.Platform(platform), helpful != 0
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feedback log: %w", err)
	}
	return out, nil
}

// QuestionTextKept reports whether this store keeps what was asked (see
// WithQuestionText).
func (s *Store) QuestionTextKept() bool { return s.questionText }
