package bot

import (
	"context"
	"time"
)

// Clock is a scheduler's time source; tests use a fake.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current time.
func (RealClock) Now() time.Time { return time.Now() }

// After waits for d on the wall clock.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Firing is a scheduled post's timetable: the next time it fires after now.
type Firing interface {
	NextFire(now time.Time) time.Time
}

// RunSchedule is the loop the daily digests and the weekly insights post
// share: it calls due with the current time, then sleeps until the
// earliest next firing of specs, or maxWait at most (so a changed clock
// or time zone is noticed), and again, until ctx is done; then it returns
// nil.
func RunSchedule[S Firing](ctx context.Context, clock Clock, maxWait time.Duration, specs []S, due func(ctx context.Context, now time.Time)) error {
	for {
		now := clock.Now()
		due(ctx, now)
		wake := now.Add(maxWait)
		for _, sp := range specs {
			if n := sp.NextFire(now); n.Before(wake) {
				wake = n
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-clock.After(wake.Sub(now)):
		}
	}
}
