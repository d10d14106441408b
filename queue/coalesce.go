package queue

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// maxBatch bounds how many events one insert transaction carries.
const maxBatch = 256

// batchTimeout bounds one batch's transaction; each caller also stops
// waiting when its own context is done.
const batchTimeout = 10 * time.Second

// coalescer turns concurrent inserts into few transactions: while one
// batch is being written, the inserts that arrive wait together and go
// in the next one. On SQLite, where River runs on one connection that
// the workers share, this is what keeps an acknowledgement from queueing
// behind every other acknowledgement in flight: 200 concurrent events
// take a handful of turns at the connection, not 200.
type coalescer struct {
	insertMany func(ctx context.Context, batch []answerArgs) (dups []bool, err error)

	mu      sync.Mutex
	pending []*insertReq
	running bool
}

type insertReq struct {
	args answerArgs
	dup  bool
	err  error
	done chan struct{}
}

// insert adds a to the next batch and waits for it to be written. It
// reports whether a job with the same platform and key was already
// stored (or is earlier in the same batch).
func (c *coalescer) insert(ctx context.Context, a answerArgs) (dup bool, err error) {
	r := &insertReq{args: a, done: make(chan struct{})}
	c.mu.Lock()
	c.pending = append(c.pending, r)
	if !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	select {
	case <-r.done:
		return r.dup, r.err
	case <-ctx.Done():
		// The batch may still be written; the event is then a duplicate
		// when the platform sends it again, and answered once.
		return false, fmt.Errorf("waiting for the insert: %w", ctx.Err())
	}
}

// run writes batches until none is waiting.
func (c *coalescer) run() {
	for {
		c.mu.Lock()
		batch := c.pending
		if len(batch) > maxBatch {
			batch, c.pending = batch[:maxBatch:maxBatch], batch[maxBatch:]
		} else {
			c.pending = nil
		}
		if len(batch) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.flush(batch)
	}
}

// flush writes one batch in one transaction. A key that appears twice in
// the batch is written once; its later copies are duplicates.
func (c *coalescer) flush(batch []*insertReq) {
	type ident struct{ platform, key string }
	first := map[ident]int{}
	var args []answerArgs
	var index []int // batch position of each of args
	for i, r := range batch {
		id := ident{r.args.Platform, r.args.Key}
		if _, seen := first[id]; seen {
			continue
		}
		first[id] = i
		args = append(args, r.args)
		index = append(index, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	dups, err := c.insertMany(ctx, args)
	result := make([]bool, len(batch))
	if err == nil {
		for j, i := range index {
			result[i] = dups[j]
		}
	}
	for i, r := range batch {
		id := ident{r.args.Platform, r.args.Key}
		switch {
		case err != nil:
			r.err = err
		case first[id] != i:
			r.dup = true
		default:
			r.dup = result[i]
		}
		close(r.done)
	}
}
