package slacktest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// stored is a message the fake accepted, as conversations.replies and
// conversations.history return it.
type stored struct {
	channel, ts, threadTS, text string
	metadata                    json.RawMessage
}

// store keeps a posted message for conversations.replies/history.
func (s *Server) store(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored = append(s.stored, stored{channel: m.Channel, ts: m.TS, threadTS: m.ThreadTS, text: m.Text, metadata: m.Metadata})
}

// updated applies a chat.update to a kept message: its text, and its
// metadata when the update carries some.
func (s *Server) updated(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.stored {
		if st := &s.stored[i]; st.channel == m.Channel && st.ts == m.TS {
			st.text = m.Text
			if m.Metadata != nil {
				st.metadata = m.Metadata
			}
		}
	}
}

// conversationsReplies answers with the kept messages of a thread (the
// parent, when the bot posted it, then the replies, oldest first).
// Metadata is included only with include_all_metadata, as Slack does.
func (s *Server) conversationsReplies(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	channel, ts := r.PostForm.Get("channel"), r.PostForm.Get("ts")
	if channel == "" || ts == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
		return
	}
	s.writeMessages(w, r, func(m stored) bool { return m.channel == channel && (m.ts == ts || m.threadTS == ts) }, false)
}

// conversationsHistory answers with the kept top-level messages of a
// channel, newest first, with metadata only with include_all_metadata.
func (s *Server) conversationsHistory(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !botAuthorized(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	channel := r.PostForm.Get("channel")
	if channel == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	s.writeMessages(w, r, func(m stored) bool { return m.channel == channel && m.threadTS == "" }, true)
}

// writeMessages writes one page (limit, cursor) of the kept messages that
// match, as a conversations.* response.
func (s *Server) writeMessages(w http.ResponseWriter, r *http.Request, match func(stored) bool, newestFirst bool) {
	s.mu.Lock()
	var found []stored
	for _, m := range s.stored {
		if match(m) {
			found = append(found, m)
		}
	}
	s.mu.Unlock()
	if newestFirst {
		slices.Reverse(found)
	}
	from, _ := strconv.Atoi(r.PostForm.Get("cursor"))
	from = min(max(from, 0), len(found))
	limit, err := strconv.Atoi(r.PostForm.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	to := min(from+limit, len(found))
	withMeta := r.PostForm.Get("include_all_metadata") == "1" || r.PostForm.Get("include_all_metadata") == "true"
	msgs := []map[string]any{}
	for _, m := range found[from:to] {
		msg := map[string]any{"type": "message", "text": m.text, "ts": m.ts, "user": BotUserID, "bot_id": BotID}
		if m.threadTS != "" {
			msg["thread_ts"] = m.threadTS
		}
		if withMeta && m.metadata != nil {
			msg["metadata"] = m.metadata
		}
		msgs = append(msgs, msg)
	}
	next := ""
	if to < len(found) {
		next = strconv.Itoa(to)
	}
	writeJSON(w, map[string]any{"ok": true, "messages": msgs, "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next}})
}
