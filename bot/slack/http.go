package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTP-mode endpoint paths, as configured in the Slack app (Event
// Subscriptions request URL, each slash command's URL, Interactivity
// request URL).
const (
	EventsPath        = "/slack/events"
	CommandsPath      = "/slack/commands"
	InteractivityPath = "/slack/interactivity"
)

// HTTPHandler serves HTTP mode: POST EventsPath (Events API, including
// url_verification), POST CommandsPath (slash commands) and POST
// InteractivityPath (button clicks). Every request must carry a valid
// Slack signature made with Options.SigningSecret no more than five
// minutes ago; anything else gets 401 and is not looked at. Valid
// requests are answered at once (200, empty body) and the answer follows
// through the Web API or the response_url. Mount it at the server root,
// or under "/slack/".
func (a *Adapter) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+EventsPath, a.serveEvents)
	mux.HandleFunc("POST "+CommandsPath, a.serveCommands)
	mux.HandleFunc("POST "+InteractivityPath, a.serveInteractivity)
	return mux
}

// verified reads the request body and checks Slack's signature over it.
// On failure it has already answered 401.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err := a.verify(r.Header, body); err != nil {
		a.log.Warn("slack: rejected a request that failed signature verification", "path", r.URL.Path, "err", err)
		a.event(EventRejected)
		http.Error(w, "invalid Slack signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func (a *Adapter) verify(h http.Header, body []byte) error {
	if a.opts.SigningSecret == "" {
		return errors.New("no signing secret configured")
	}
	sv, err := slackapi.NewSecretsVerifier(h, a.opts.SigningSecret)
	if err != nil {
		return fmt.Errorf("slack signature headers: %w", err)
	}
	if _, err := sv.Write(body); err != nil {
		return fmt.Errorf("slack signature: %w", err)
	}
	if err := sv.Ensure(); err != nil {
		return fmt.Errorf("slack signature: %w", err)
	}
	return nil
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	if !json.Valid(body) {
		a.log.Warn("slack: events request is not JSON; dropped")
		a.event(EventMalformed)
		http.Error(w, "body is not JSON", http.StatusBadRequest)
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// Valid JSON we do not understand (a new event type): accept it so
		// Slack does not retry, and move on.
		a.log.Warn("slack: event not understood; dropped", "err", err)
		a.event(EventMalformed)
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == slackevents.URLVerification {
		uv, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			http.Error(w, "bad url_verification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, uv.Challenge)
		return
	}
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	if err := a.onEventsAPI(a.baseContext(), ev, retry); err != nil {
		// Not acknowledged: Slack sends it again (to another replica, or to
		// this one once the database is back).
		http.Error(w, "could not queue the event", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slackapi.SlashCommandParse(r)
	if err != nil || cmd.Command == "" {
		a.log.Warn("slack: slash command not understood; dropped", "err", err)
		a.event(EventMalformed)
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	if err := a.onSlashCommand(a.baseContext(), cmd, ""); err != nil {
		http.Error(w, "could not queue the command", http.StatusServiceUnavailable)
		return
	}
	// An empty 200 acknowledges without posting anything; the answer goes
	// to the response_url.
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	var cb slackapi.InteractionCallback
	if err == nil {
		err = json.Unmarshal([]byte(form.Get("payload")), &cb)
	}
	if err != nil {
		a.log.Warn("slack: interaction not understood; dropped", "err", err)
		a.event(EventMalformed)
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	if err := a.onInteraction(a.baseContext(), cb, ""); err != nil {
		http.Error(w, "could not queue the interaction", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
