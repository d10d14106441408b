package bot

import (
	"context"
	"errors"
	"fmt"
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

// recordingWriter is a DeliveryWriter that keeps what it was given.
type recordingWriter struct {
	replies []Reply
	fail    bool
}

func (w *recordingWriter) WriteReply(_ context.Context, r Reply) error {
	if w.fail {
		return errors.New("platform down")
	}
	w.replies = append(w.replies, r)
	return nil
}

func (w *recordingWriter) Delivered() bool { return len(w.replies) > 0 }

func TestRespondMakesSureTheAskerHearsSomething(t *testing.T) {
	failing := errors.New("answering broke")
	tests := []struct {
		name     string
		handle   func(ctx context.Context, m Message, w ReplyWriter) error
		fail     bool
		want     []Kind
		wantErrs []error
	}{
		{"a good answer is delivered as it is",
			func(ctx context.Context, _ Message, w ReplyWriter) error {
				return w.WriteReply(ctx, Reply{Kind: KindAnswer})
			},
			false, []Kind{KindAnswer}, nil},
		{"a failure before anything was delivered gets an apology",
			func(context.Context, Message, ReplyWriter) error { return failing }, false, []Kind{KindNotice}, []error{failing}},
		{"a failure after the answer was delivered gets no second message",
			func(ctx context.Context, _ Message, w ReplyWriter) error {
				w.WriteReply(ctx, Reply{Kind: KindAnswer})
				return failing
			}, false, []Kind{KindAnswer}, []error{failing}},
		{"when the apology cannot be delivered either, both errors are reported",
			func(context.Context, Message, ReplyWriter) error { return failing }, true, nil, []error{failing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &recordingWriter{fail: tt.fail}
			err := Respond(context.Background(), Message{}, w, tt.handle)
			var kinds []Kind
			for _, r := range w.replies {
				kinds = append(kinds, r.Kind)
			}
			if fmt.Sprint(kinds) != fmt.Sprint(tt.want) {
				t.Errorf("delivered %v, want %v", kinds, tt.want)
			}
			for _, want := range tt.wantErrs {
				if !errors.Is(err, want) {
					t.Errorf("error %v does not wrap %v", err, want)
				}
			}
			if tt.wantErrs == nil && err != nil {
				t.Errorf("error %v, want none", err)
			}
		})
	}
}
