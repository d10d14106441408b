package slack

import (
	"context"
	"errors"
	"fmt"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// socketClient is the part of socketmode.Client the event loop uses.
type socketClient interface {
	RunContext(ctx context.Context) error
	Ack(req socketmode.Request, payload ...any) error
}

// runSocket connects over Socket Mode and answers until ctx is done.
// slack-go reconnects by itself on Slack's disconnect requests and when
// pings stop; this loop only reads events, acknowledging each before the
// slow work starts.
func (a *Adapter) runSocket(ctx context.Context) error {
	sm := socketmode.New(a.client, socketmode.OptionLog(sdkLogger{a.log}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	a.log.Info("slack: connecting in Socket Mode", "commands", a.commandNames())

	defer func() {
		a.connected.Store(false)
		a.drain()
	}()
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return nil
		case err := <-runErr:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return permanentIfRefused(fmt.Errorf("slack socket mode: %w", err))
		case evt := <-sm.Events:
			a.onSocketEvent(ctx, sm, evt)
		}
	}
}

// onSocketEvent handles one thing slack-go's Socket Mode client reports.
func (a *Adapter) onSocketEvent(ctx context.Context, sm socketClient, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.connected.Store(false)
	case socketmode.EventTypeConnected:
		a.connected.Store(true)
		if c, ok := evt.Data.(*socketmode.ConnectedEvent); ok && c.ConnectionCount > 0 {
			a.log.Info("slack: reconnected", "connection", c.ConnectionCount+1)
			a.event(EventReconnect)
		} else {
			a.log.Info("slack: connected")
		}
		a.event(EventConnected)
	case socketmode.EventTypeHello:
		a.connected.Store(true)
	case socketmode.EventTypeConnectionError:
		a.connected.Store(false)
		if ce, ok := evt.Data.(*slackapi.ConnectionErrorEvent); ok {
			a.log.Warn("slack: connection failed; retrying", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", ce.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth:
		a.connected.Store(false)
		a.log.Error("slack: the app-level token was rejected")
	case socketmode.EventTypeIncomingError:
		// An unreadable frame; slack-go keeps the connection when it can.
		a.log.Warn("slack: unreadable Socket Mode frame dropped", "err", errorOf(evt.Data))
		a.event(EventMalformed)
	case socketmode.EventTypeErrorBadMessage:
		bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
		if bad == nil {
			return
		}
		a.log.Warn("slack: envelope not understood; dropped", "err", bad.Cause)
		a.event(EventMalformed)
		// Acknowledge it anyway, or Slack keeps redelivering it.
		if id := envelopeIDOf(bad.Message); id != "" {
			a.ack(sm, socketmode.Request{EnvelopeID: id})
		}
	case socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack: writing to the Socket Mode connection failed", "err", errorOf(evt.Data))
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			a.log.Warn("slack: events_api envelope without an event; dropped")
			a.event(EventMalformed)
			return
		}
		if err := a.onEventsAPI(ctx, ev, evt.Request.RetryAttempt); err != nil {
			return // not acknowledged: Slack sends it again
		}
		a.ack(sm, *evt.Request)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackapi.SlashCommand)
		if !ok || evt.Request == nil {
			a.log.Warn("slack: slash_commands envelope without a command; dropped")
			a.event(EventMalformed)
			return
		}
		if err := a.onSlashCommand(ctx, cmd, evt.Request.EnvelopeID); err != nil {
			return // not acknowledged: Slack sends it again
		}
		a.ack(sm, *evt.Request)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if !ok || evt.Request == nil {
			a.log.Warn("slack: interactive envelope without a payload; dropped")
			a.event(EventMalformed)
			return
		}
		if err := a.onInteraction(ctx, cb, evt.Request.EnvelopeID); err != nil {
			return // not acknowledged: Slack sends it again
		}
		a.ack(sm, *evt.Request)
	default:
		a.log.Debug("slack: ignoring Socket Mode event", "type", evt.Type)
	}
}

// ack acknowledges an envelope. The handlers above only queue work, so the
// ack goes out well within Slack's three seconds.
func (a *Adapter) ack(sm socketClient, req socketmode.Request) {
	if err := sm.Ack(req); err != nil {
		a.log.Warn("slack: acknowledging envelope failed", "envelope", req.EnvelopeID, "err", err)
	}
}

func errorOf(data any) error {
	// The wrapped error first: IncomingEventError is an error itself, and
	// the case for any error would take it before its own.
	switch d := data.(type) {
	case *slackapi.IncomingEventError:
		if d.ErrorObj != nil {
			return d.ErrorObj
		}
		return d
	case *socketmode.ErrorWriteFailed:
		if d.Cause != nil {
			return d.Cause
		}
	case error:
		return d
	}
	return fmt.Errorf("%v", data)
}
