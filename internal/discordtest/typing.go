package discordtest

import "net/http"

// Typing delivers the channel id of every typing indicator the bot
// triggered (POST /channels/{id}/typing), in order. Typing is cosmetic
// and frequent, so a test that does not read it is not failed for
// leaving it full: calls past recorderSize unread are not recorded.
func (s *Server) Typing() <-chan string { return s.typing }

// triggerTyping answers POST /channels/{channel}/typing as Discord does,
// with 204, after recording it.
func (s *Server) triggerTyping(w http.ResponseWriter, r *http.Request) {
	select {
	case s.typing <- r.PathValue("channel"):
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}
