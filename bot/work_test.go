package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWorkers(t *testing.T) {
	t.Run("an answer that started finishes after its event's context is cancelled", func(t *testing.T) {
		w := NewWorkers(2, time.Minute, nil, nil)
		parent, cancel := context.WithCancel(context.Background())
		started, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		w.Go(parent, "answer", func(ctx context.Context) {
			close(started)
			<-release
			finished <- ctx.Err()
		})
		<-started
		cancel()
		close(release)
		if err := <-finished; err != nil {
			t.Errorf("the answer's context was cancelled with its event's: %v", err)
		}
		if err := w.Drain(time.Minute); err != nil {
			t.Errorf("Drain: %v", err)
		}
	})
	t.Run("drain cancels what overruns the grace and says so", func(t *testing.T) {
		w := NewWorkers(1, time.Minute, nil, nil)
		started, finished := make(chan struct{}), make(chan error, 1)
		w.Go(context.Background(), "slow", func(ctx context.Context) {
			close(started)
			<-ctx.Done()
			finished <- ctx.Err()
		})
		<-started
		if err := w.Drain(time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Drain = %v, want a deadline error", err)
		}
		if err := <-finished; !errors.Is(err, context.Canceled) {
			t.Errorf("the overrunning answer saw %v, want cancellation", err)
		}
	})
	t.Run("a panic is recovered and reported", func(t *testing.T) {
		panics := make(chan struct{}, 1)
		w := NewWorkers(1, time.Minute, nil, func() { panics <- struct{}{} })
		w.Go(context.Background(), "boom", func(context.Context) { panic("boom") })
		if err := w.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-panics:
		default:
			t.Error("the panic was not reported")
		}
	})
}
