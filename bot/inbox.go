package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Job is an event the bot has acknowledged to its platform and must still
// answer. It is written to a durable inbox before the acknowledgement, so
// that a shutdown or a crash between the two loses nothing.
type Job struct {
	// Platform is the adapter that enqueued the job and works it.
	Platform Platform
	// Key is the platform's own id for the event (Slack event or message
	// key, slash-command trigger_id, Discord interaction id). Two jobs with
	// the same Platform and Key are one job.
	Key string
	// Kind tells the adapter how to read Payload.
	Kind string
	// Payload is what the adapter needs to answer, in its own JSON.
	Payload []byte
	// AckedAt is when the event was acknowledged.
	AckedAt time.Time
	// Attempt counts the tries, from 1.
	Attempt int
}

// Inbox is where adapters put events before acknowledging them.
type Inbox interface {
	// Enqueue stores j. It returns false, and no error, when a job with
	// the same Platform and Key is already stored: the event is a
	// duplicate, to be acknowledged and dropped.
	Enqueue(ctx context.Context, j Job) (fresh bool, err error)
}

// Deduper remembers platform event ids across restarts and replicas.
type Deduper interface {
	// FirstTime reports whether key is new for platform, recording it.
	FirstTime(ctx context.Context, platform Platform, key string) (bool, error)
}

// DeliveryMarks records, per job and reply, that a reply was posted, so a
// job that is tried again never posts the same reply twice.
type DeliveryMarks interface {
	// Delivered reports whether key was marked, and the posted message's id.
	Delivered(ctx context.Context, key string) (ref string, ok bool, err error)
	// MarkDelivered records that key was posted as message ref.
	MarkDelivered(ctx context.Context, key, ref string) error
}

// PartLabeler is implemented by DeliveryWriters that can label the
// messages of a job's reply on the platform itself and look for them
// there. It closes the gap the delivered marker leaves: a reply the
// platform accepted just before a crash, before its marker was written.
// On a try after the first, JobWriter asks FindPart before writing a
// reply that has no marker, and skips the reply when it is found.
type PartLabeler interface {
	// LabelPart makes the messages of the next WriteReply carry the label
	// of the nth reply of the job with key jobKey.
	LabelPart(jobKey string, n int)
	// FindPart reports whether a message with the label of the nth reply
	// of the job with key jobKey was posted by an earlier try, and its id.
	FindPart(ctx context.Context, jobKey string, n int) (ref string, ok bool, err error)
}

// JobWorker is implemented by adapters that enqueue jobs: it answers one.
// A nil error means done. An error wrapping ErrPermanent is not tried
// again; a RetryAfterError is tried again after its wait; any other error
// is tried again with backoff until the job is too old.
type JobWorker interface {
	WorkJob(ctx context.Context, j Job) error
}

// JobAbandoner is implemented by JobWorkers that must tell the asker when
// the queue gives a job up unanswered because it grew older than the
// maximum age: the Discord adapter edits an interaction's "thinking…"
// into an apology.
type JobAbandoner interface {
	AbandonJob(ctx context.Context, j Job)
}

// RetryAfterError says the platform asked us to wait (HTTP 429) before
// trying again.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// ErrDelivery is wrapped by the error of a job whose answer could not be
// delivered: the platform refused, failed or could not be reached.
var ErrDelivery = errors.New("delivering the answer failed")

// JobWriter wraps an adapter's DeliveryWriter for one job. The nth final
// reply it writes is marked delivered under the job's key, and skipped
// when a previous try already marked it; partial (streaming) writes are
// passed on only on the first try. A write that fails is remembered, so
// RespondJob can tell a delivery failure, worth trying again, from a
// failure to answer.
type JobWriter struct {
	w     DeliveryWriter
	job   Job
	marks DeliveryMarks

	mu       sync.Mutex
	n        int
	skipped  bool
	last     bool // the latest WriteReply was skipped
	writeErr error
}

// A JobWriter passes on whatever its adapter's writer can show.
var (
	_ PartialWriter = (*JobWriter)(nil)
	_ StepWriter    = (*JobWriter)(nil)
)

// replayer is a ReplyWriter that can tell that its latest reply was not
// written because an earlier try of the same job delivered it.
type replayer interface{ replayed() bool }

func (jw *JobWriter) replayed() bool {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	return jw.last
}

// NewJobWriter returns a JobWriter delivering j's replies through w;
// marks may be nil (then nothing is skipped).
func NewJobWriter(w DeliveryWriter, j Job, marks DeliveryMarks) *JobWriter {
	return &JobWriter{w: w, job: j, marks: marks}
}

// WriteReply delivers r unless a previous try of the job already did.
func (jw *JobWriter) WriteReply(ctx context.Context, r Reply) error {
	jw.mu.Lock()
	jw.n++
	n := jw.n
	jw.last = false
	key := string(jw.job.Platform) + ":" + jw.job.Key + "#" + strconv.Itoa(n)
	jw.mu.Unlock()
	if jw.marks != nil {
		if _, ok, err := jw.marks.Delivered(ctx, key); err != nil {
			return jw.failed(fmt.Errorf("checking the delivered marker: %w", err))
		} else if ok {
			jw.mu.Lock()
			jw.skipped, jw.last = true, true
			jw.mu.Unlock()
			return nil
		}
	}
	if pl, ok := jw.w.(PartLabeler); ok {
		if jw.job.Attempt > 1 {
			ref, found, err := pl.FindPart(ctx, jw.job.Key, n)
			if err != nil {
				return jw.failed(fmt.Errorf("looking for a reply an earlier try posted: %w", err))
			}
			if found {
				if jw.marks != nil {
					// Not marked: a later try finds the message again.
					_ = jw.marks.MarkDelivered(context.WithoutCancel(ctx), key, ref)
				}
				jw.mu.Lock()
				jw.skipped, jw.last = true, true
				jw.mu.Unlock()
				return nil
			}
		}
		pl.LabelPart(jw.job.Key, n)
	}
	if err := jw.w.WriteReply(ctx, r); err != nil {
		return jw.failed(err)
	}
	if jw.marks != nil {
		if err := jw.marks.MarkDelivered(context.WithoutCancel(ctx), key, ""); err != nil {
			// Delivered but not marked: a later try could post it again,
			// so say so, but do not fail a job that reached the asker.
			return nil
		}
	}
	return nil
}

// WritePartial passes streaming text on during the first try only: a
// retried job shows its final reply alone.
func (jw *JobWriter) WritePartial(ctx context.Context, text string) error {
	pw, ok := jw.w.(PartialWriter)
	if !ok || jw.job.Attempt > 1 {
		return nil
	}
	if err := pw.WritePartial(ctx, text); err != nil {
		return jw.failed(err)
	}
	return nil
}

// WriteStep passes the steps of an LLM answer on during the first try
// only, as WritePartial does the text (StepWriter): a retried job shows
// its final reply alone.
func (jw *JobWriter) WriteStep(ctx context.Context, s Step) error {
	sw, ok := jw.w.(StepWriter)
	if !ok || jw.job.Attempt > 1 {
		return nil
	}
	if err := sw.WriteStep(ctx, s); err != nil {
		return jw.failed(err)
	}
	return nil
}

// Delivered reports whether the asker has seen something from this job,
// on this try or an earlier one.
func (jw *JobWriter) Delivered() bool {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	return jw.skipped || jw.w.Delivered()
}

func (jw *JobWriter) failed(err error) error {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	if jw.writeErr == nil {
		jw.writeErr = err
	}
	return err
}

// WriteError returns the first error a write returned, if any.
func (jw *JobWriter) WriteError() error {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	return jw.writeErr
}

// RespondJob answers m for a job through jw. When delivery failed, it
// returns an error wrapping ErrDelivery for the queue to try again later,
// and sends no apology (it would meet the same failure). When answering
// itself failed and the asker saw nothing, the asker gets Apology, as
// Respond does, and the job is done: answering again would fail again.
func RespondJob(ctx context.Context, m Message, jw *JobWriter,
	handle func(ctx context.Context, m Message, w ReplyWriter) error) error {
	err := handle(ctx, m, jw)
	if werr := jw.WriteError(); werr != nil {
		return fmt.Errorf("%w: %w", ErrDelivery, werr)
	}
	if err == nil || jw.Delivered() || ctx.Err() != nil {
		return err
	}
	if aerr := jw.WriteReply(ctx, Apology); aerr != nil {
		return fmt.Errorf("%w: apology: %w", ErrDelivery, aerr)
	}
	return Permanent(err)
}
