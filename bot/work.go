package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Workers runs an adapter's answers in the background. At most a fixed
// number run at once, each bounded by a timeout. An answer that has
// started outlives the context of the event that started it, so a
// shutdown stops new events but lets the answer being written finish;
// Drain cancels what is still running only when its grace runs out. A
// panic in one answer is recovered and logged, and the others go on.
type Workers struct {
	timeout time.Duration
	log     *slog.Logger
	onPanic func()
	sem     chan struct{}
	hard    context.Context
	cancel  context.CancelFunc

	mu   sync.Mutex
	n    int
	idle chan struct{}
}

// NewWorkers returns Workers running at most max answers at once, each for
// at most timeout. onPanic, if set, is called after a recovered panic (for
// metrics).
func NewWorkers(max int, timeout time.Duration, log *slog.Logger, onPanic func()) *Workers {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hard, cancel := context.WithCancel(context.Background())
	return &Workers{timeout: timeout, log: log, onPanic: onPanic, sem: make(chan struct{}, max), hard: hard, cancel: cancel}
}

// Go runs fn in the background. It counts the work before returning, so
// a caller that acknowledges an event after Go has made the work visible
// to Wait and Drain. Work still queued for a slot when parent is done is
// dropped: shutdown has begun and it had not started.
func (w *Workers) Go(parent context.Context, what string, fn func(ctx context.Context)) {
	w.add()
	go func() {
		defer w.done()
		defer func() {
			if p := recover(); p != nil {
				w.log.Error("panic while handling", "what", what, "panic", fmt.Sprint(p))
				if w.onPanic != nil {
					w.onPanic()
				}
			}
		}()
		ctx, cancel := context.WithTimeout(w.hard, w.timeout)
		defer cancel()
		select {
		case w.sem <- struct{}{}:
			defer func() { <-w.sem }()
		case <-ctx.Done():
			return
		case <-parent.Done():
			return
		}
		fn(ctx)
	}()
}

// Wait returns when no work is running, or with ctx's error.
func (w *Workers) Wait(ctx context.Context) error {
	w.mu.Lock()
	if w.n == 0 {
		w.mu.Unlock()
		return nil
	}
	idle := w.idle
	w.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Drain waits up to grace for the running work to finish, then cancels
// what is left and reports that it had to.
func (w *Workers) Drain(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := w.Wait(ctx); err != nil {
		w.cancel()
		return fmt.Errorf("answers still running after %s were cancelled: %w", grace, err)
	}
	return nil
}

func (w *Workers) add() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n == 0 {
		w.idle = make(chan struct{})
	}
	w.n++
}

func (w *Workers) done() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n--
	if w.n == 0 {
		close(w.idle)
	}
}

// DeliveryWriter is a ReplyWriter that knows whether it has delivered
// anything to the asker. Adapters' writers implement it so that a failed
// answer gets an apology only when the asker saw nothing.
type DeliveryWriter interface {
	ReplyWriter
	Delivered() bool
}

// Apology is what the asker sees when answering failed before anything
// reached them.
var Apology = Reply{Kind: KindNotice, Text: "Sorry, something went wrong while answering. Please try again."}

// WriteFailer is a DeliveryWriter that remembers the first write the
// platform refused or failed, so that no apology follows a delivery
// failure: it would meet the same failure (or the same rate limit).
type WriteFailer interface {
	WriteError() error
}

// Respond runs handle for m and makes sure the asker hears something: when
// it fails before w delivered anything, and there is still time, it sends
// Apology — unless the failure was w's own delivery (see WriteFailer). It
// returns handle's error, joined with the apology's if that failed too,
// for the adapter to log and count once.
func Respond(ctx context.Context, m Message, w DeliveryWriter,
	handle func(ctx context.Context, m Message, w ReplyWriter) error) error {
	err := handle(ctx, m, w)
	if err == nil || w.Delivered() || ctx.Err() != nil {
		return err
	}
	if wf, ok := w.(WriteFailer); ok && wf.WriteError() != nil {
		return err
	}
	if aerr := w.WriteReply(ctx, Apology); aerr != nil {
		return errors.Join(err, fmt.Errorf("apology: %w", aerr))
	}
	return err
}
