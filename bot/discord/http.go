package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// InteractionsPath is where InteractionsHandler expects to be mounted, and
// so the path to give as the Interactions Endpoint URL in the developer
// portal (https://your.host/discord/interactions).
const InteractionsPath = "/discord/interactions"

// InteractionsHandler serves Discord's HTTP interactions endpoint, an
// alternative to receiving commands over the gateway. Every request must
// carry a valid Ed25519 signature (Options.PublicKey) over its timestamp
// and body, and the timestamp must be no more than five minutes from now;
// anything else gets 401 and is not looked at. PING is answered with
// PONG; commands, autocomplete and button clicks are answered in the
// HTTP response when that is ready within two seconds, and otherwise
// deferred there and completed over REST. It answers any path: mount it
// at InteractionsPath.
func (a *Adapter) InteractionsHandler() http.Handler {
	return http.HandlerFunc(a.serveInteraction)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if reason := a.verify(r, body); reason != "" {
		a.log.Warn("discord: rejected an interaction request", "reason", reason)
		a.event(EventRejected)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		a.log.Warn("discord: interaction not understood", "err", err)
		a.event(EventMalformed)
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	hr := &httpResponder{ch: make(chan *discordgo.InteractionResponse, 1), sent: make(chan struct{})}
	a.onInteraction(a.baseContext(), &i, hr)

	t := time.NewTimer(a.deferAfter)
	defer t.Stop()
	var resp *discordgo.InteractionResponse
	select {
	case resp = <-hr.ch:
	case <-t.C:
		if hr.expire() {
			resp = a.fallbackResponse(&i)
		} else {
			resp = <-hr.ch
		}
	case <-r.Context().Done():
		hr.expire()
		return
	}
	writeResponse(w, resp)
	close(hr.sent)
}

// verify checks the request's age and signature and returns why it is
// not acceptable, or "".
func (a *Adapter) verify(r *http.Request, body []byte) string {
	if a.publicKey == nil {
		return "no public key configured (DISCORD_PUBLIC_KEY)"
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-Signature-Timestamp"), 10, 64)
	if err != nil {
		return "missing or malformed X-Signature-Timestamp"
	}
	// discordgo checks the signature only; a replayed request would pass
	// that forever, so its age is checked here.
	age := a.now().Sub(time.Unix(ts, 0))
	if age > maxTimestampAge || age < -maxTimestampAge {
		return "timestamp too old or in the future"
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !discordgo.VerifyInteraction(r, a.publicKey) {
		return "bad signature"
	}
	return ""
}

// fallbackResponse is what the endpoint answers when the work is not
// ready before the deadline: a deferral of the right kind.
func (a *Adapter) fallbackResponse(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	case discordgo.InteractionMessageComponent:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	var flags discordgo.MessageFlags
	if a.opts.Ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentions()}}
}

func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	b, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, "could not encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// httpResponder hands an interaction's initial response to the HTTP
// request that is waiting for it. Whichever comes first wins: the
// response, or the request's deadline (expire), after which the work is
// told errDeferred and edits the original response instead.
type httpResponder struct {
	ch   chan *discordgo.InteractionResponse // holds at most the one response
	sent chan struct{}                       // closed once the response is written

	mu   sync.Mutex
	done bool
}

func (h *httpResponder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	h.mu.Lock()
	if h.done {
		h.mu.Unlock()
		return errDeferred
	}
	h.done = true
	h.ch <- resp
	h.mu.Unlock()
	// Edits of the original response must not overtake the response itself.
	select {
	case <-h.sent:
	case <-ctx.Done():
	case <-time.After(deferAfter + time.Second):
	}
	return nil
}

// expire claims the response for the endpoint; it reports false when the
// work has already handed one over.
func (h *httpResponder) expire() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return false
	}
	h.done = true
	return true
}
