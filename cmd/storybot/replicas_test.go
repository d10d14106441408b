package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/pgtest"
	"github.com/storybot/storybot/internal/slacktest"
	"github.com/storybot/storybot/store"
)

// waitMetrics polls /metrics until it has every line of want: a counter
// reaches its value as a state, after the event the test saw.
func (s *served) waitMetrics(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, metrics := s.get(t, "/metrics")
		missing := ""
		for _, w := range want {
			if !strings.Contains(metrics, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", missing, grepLines(metrics, "storybot_"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// zoneWhereItIsAfternoon names an Etc/GMT zone in which the local time
// now is between 10:00 and 14:00, so a digest at 08:00 there is due today
// whatever the hour the test runs at.
func zoneWhereItIsAfternoon(now time.Time) string {
	n := now.UTC().Hour() - 12 // Etc/GMT+N is N hours behind UTC
	switch {
	case n > 0:
		return fmt.Sprintf("Etc/GMT+%d", n)
	case n < 0:
		return fmt.Sprintf("Etc/GMT%d", n)
	}
	return "Etc/GMT"
}

// Two replicas on one PostgreSQL database share the store: a digest due
// on both is posted by exactly one, and what one stored the other reads.
func TestTwoServeReplicasOnOnePostgreSQLPostOneDigestPerDay(t *testing.T) {
	dbURL := pgtest.URL(t)
	fake := slacktest.New(t)
	conf := filepath.Join(t.TempDir(), "storybot.yaml")
	y := fmt.Sprintf("digests:\n  - name: morning\n    platform: slack\n    channel: CDIGEST\n    time: \"08:00\"\n    timezone: %s\n",
		zoneWhereItIsAfternoon(time.Now()))
	if err := os.WriteFile(conf, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	var replicas []*served
	for range 2 {
		vars := slackVars(fake)
		vars["STORYBOT_CONFIG"] = conf
		vars["STORYBOT_DATABASE_URL"] = dbURL
		replicas = append(replicas, startServe(t, vars))
	}
	for _, r := range replicas {
		for deadline := time.Now().Add(10 * time.Second); ; {
			l := r.logs.String()
			if strings.Contains(l, "digest posted") || strings.Contains(l, "digest already posted for the day") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the replica never decided about the digest:\n%s", l)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	posted := 0
	for _, r := range replicas {
		if strings.Contains(r.logs.String(), "digest posted") {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d replicas posted the digest, want 1", posted)
	}
	for _, r := range replicas {
		if code := r.exit(t); code != exitOK {
			t.Errorf("exit %d:\n%s", code, r.logs)
		}
	}
	got := 0
	for len(fake.Posts()) > 0 {
		if p := <-fake.Posts(); p.Channel == "CDIGEST" {
			got++
		}
	}
	if got == 0 {
		t.Errorf("no digest reached Slack")
	}
	st, err := store.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.DigestRuns(context.Background(), "morning")
	if err != nil || len(runs) != 1 || runs[0].Status != store.RunPosted {
		t.Errorf("digest runs in the shared database: %+v, %v; want one posted", runs, err)
	}
	if vs, err := st.Versions(context.Background(), "2025-10-21-rubio-lavrov-meeting-tabled"); err != nil || len(vs) != 1 {
		t.Errorf("the seed story has %d versions in the shared database (%v), want 1 recorded by either replica", len(vs), err)
	}
}
