package main

import (
	"context"
	"fmt"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/store"
	"github.com/storybot/storybot/stories"
)

// sharedBatch is how many shared stories one query reads.
const sharedBatch = 64

// sharedStories is stories.Shared on the store's story_texts table.
type sharedStories struct{ st *store.Store }

func (s sharedStories) SharedSince(ctx context.Context, after int64) ([]stories.SharedStory, error) {
	texts, err := s.st.StoryTextsSince(ctx, after, sharedBatch)
	if err != nil {
		return nil, err
	}
	out := make([]stories.SharedStory, len(texts))
	for i, t := range texts {
		out[i] = stories.SharedStory{Seq: t.Seq, Name: t.Name, Text: t.Text, AddedAt: t.AddedAt}
	}
	return out, nil
}

// shareStoryFile records the file holding story id in dir in the shared
// database, so the other replicas take it (see stories.Replicator).
func shareStoryFile(ctx context.Context, st *store.Store, dir, id string) (added bool, err error) {
	name, text, err := stories.StoryFile(dir, id)
	if err != nil {
		return false, fmt.Errorf("sharing story %s: %w", id, err)
	}
	_, added, err = st.AddStoryText(ctx, name, text, time.Now())
	return added, err
}

// shareStory is storyAdder's share hook: on PostgreSQL, a story added
// from chat is shared with the other replicas. On SQLite (one process)
// it does nothing.
func (s *service) shareStory(ctx context.Context, id string) {
	if s.store.Backend() != "postgres" || s.cfg.Stories.Dir == "" {
		return
	}
	if _, err := shareStoryFile(ctx, s.store, s.cfg.Stories.Dir, id); err != nil {
		s.log.Error("sharing an added story with the other replicas failed", "story", id, "err", err)
		return
	}
	s.log.Info("story shared with the other replicas", "story", id)
}

// addReplicator, on PostgreSQL, takes the stories shared so far and runs
// a stories.Replicator beside the other components: stories added on other replicas are put into this
// one's library, written to its stories folder if it has one, and their
// versions recorded — at once when PostgreSQL notifies that one was
// added, and every stories.shared_poll_interval regardless.
func (s *service) addReplicator(ctx context.Context) error {
	if s.store.Backend() != "postgres" {
		return nil
	}
	// LISTEN/NOTIFY takes a story at once; the poll is the fallback.
	wake := make(chan struct{}, 1)
	r, err := stories.NewReplicator(stories.ReplicatorOptions{
		Shared: sharedStories{s.store}, Library: s.lib, Dir: s.cfg.Stories.Dir,
		Interval: s.cfg.Stories.SharedPollInterval.D(), Wake: wake, Logger: s.log,
		OnChange: func(ctx context.Context, st *knowledge.Story) {
			if _, err := s.store.RecordVersion(ctx, knowledge.NewVersion(st), time.Now()); err != nil {
				s.log.Error("recording a story version failed", "story", st.ID, "err", err)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("stories replicator: %w", err)
	}
	// A replica starts with every story shared so far; Run polls again
	// at once, and a failure there is retried.
	if n, err := r.Poll(ctx); err != nil {
		s.log.Warn("taking shared stories at start failed; trying again shortly", "err", err)
	} else if n > 0 {
		s.log.Info("stories taken from other replicas at start", "count", n)
	}
	s.components = append(s.components,
		component{name: "stories replicator", run: r.Run},
		component{name: "stories listener", run: func(ctx context.Context) error {
			return store.ListenStories(ctx, s.cfg.Database.URL, wake, s.log)
		}})
	return nil
}
