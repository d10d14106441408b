package main

import (
	"context"
	"fmt"
	"time"

	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/queue"
	"github.com/storybot/storybot/store"
)

// openServiceStore opens the store: in PostgreSQL when database.url is
// set (shared by every replica: versions, digest claims, feedback and
// the question log), otherwise in the SQLite file store.path.
func openServiceStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	opt := store.WithQuestionText(cfg.Store.LogQuestionText)
	if u := cfg.Database.URL; u != "" {
		return store.OpenPostgres(ctx, u, opt)
	}
	return store.Open(ctx, cfg.Store.Path, opt)
}

// openQueue opens the durable inbox: in PostgreSQL when database.url is
// set, otherwise in the store's SQLite file.
func (s *service) openQueue(ctx context.Context) (*queue.Queue, error) {
	opts := queue.Options{
		MaxAge: s.cfg.Queue.MaxAge.D(), Workers: s.cfg.Queue.Workers, JobTimeout: s.cfg.Queue.JobTimeout.D(),
		RescueAfter: s.cfg.Queue.RescueAfter.D(), Logger: s.log,
	}
	var q *queue.Queue
	var err error
	if u := s.cfg.Database.URL; u != "" {
		q, err = queue.OpenPostgres(ctx, u, opts)
	} else {
		q, err = queue.OpenSQLite(ctx, s.cfg.Store.Path, opts)
	}
	if err != nil {
		return nil, err
	}
	// The observer counts the queue it observes, so it is set once the
	// queue exists, before Start.
	q.SetObserver(s.metrics.registerQueue(q.Counts))
	s.log.Info("queue open", "backend", q.Backend(), "max_age", opts.MaxAge.String(), "workers", opts.Workers)
	return q, nil
}

// runQueue works queued events until ctx is done, then stops taking jobs
// and lets the ones in flight finish within http.shutdown_timeout; the
// rest stay queued for the next start.
func (s *service) runQueue(ctx context.Context) error {
	if err := s.queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), s.cfg.HTTP.ShutdownTimeout.D())
	defer cancel()
	if err := s.queue.Stop(stopCtx); err != nil {
		s.log.Warn("queue: shutdown", "err", err)
	}
	if n, err := s.queue.Backlog(context.Background()); err == nil && n > 0 {
		s.log.Info("queue: events left for the next start", "count", n)
	}
	return nil
}

// queueTrouble says why the database or the queue makes the service not
// ready: the database does not take a write (checked afresh each time, so
// readiness comes back by itself), or more events wait than
// queue.max_backlog.
func (s *service) queueTrouble(ctx context.Context) []string {
	if s.queue == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.queue.Writable(ctx); err != nil {
		return []string{"database: not writable (" + err.Error() + ")"}
	}
	n, err := s.queue.Backlog(ctx)
	if err != nil {
		return []string{"queue: " + err.Error()}
	}
	if n > s.cfg.Queue.MaxBacklog {
		return []string{fmt.Sprintf("queue: %d events waiting, more than queue.max_backlog (%d)", n, s.cfg.Queue.MaxBacklog)}
	}
	return nil
}
