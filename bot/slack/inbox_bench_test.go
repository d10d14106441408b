package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/slacktest"
)

// BenchmarkQueuedHTTPEvents is the load figure of the README's
// reliability table: 1,000 signed Slack events (app mentions) sent over
// HTTP by 200 concurrent clients to an adapter whose inbox is the durable
// queue, on SQLite and on PostgreSQL. It reports events acknowledged and
// answered per second and the p99 acknowledgement latency, and fails if
// any event is answered other than exactly once. Run it with
//
//	go test ./bot/slack -run '^$' -bench QueuedHTTPEvents -benchtime 1x
//
// (STORYBOT_TEST_POSTGRES_URL for the PostgreSQL case).
func BenchmarkQueuedHTTPEvents(b *testing.B) {
	const events, clients = 1000, 200
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				loadOnce(b, backend, events, clients)
			}
		})
	}
}

func loadOnce(b *testing.B, backend string, events, clients int) {
	hs, q := newQueuedHTTPHarnessOn(b, backend)
	startQueue(b, q)
	bodies := make([][]byte, events)
	threads := make([]string, events)
	for i := range events {
		threads[i] = hs.fake.NextTS()
		bodies[i], _ = json.Marshal(slacktest.EventCallback(fmt.Sprintf("EvL%d", i),
			slacktest.Mention("C1", "U1", "<@UBOT> "+holdQuestion, threads[i], "")))
	}
	answered := map[string]int{}
	allAnswered := make(chan time.Time, 1)
	stopDrain := make(chan struct{})
	var drain sync.WaitGroup
	drain.Go(func() {
		for {
			select {
			case p := <-hs.fake.Posts():
				answered[p.ThreadTS]++
				if len(answered) == events {
					select {
					case allAnswered <- time.Now():
					default:
					}
				}
			case <-stopDrain:
				return
			}
		}
	})

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	lat := make([]time.Duration, events)
	next := make(chan int)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := range next {
				req, _ := slacktest.NewSignedRequest(hs.srv.URL+EventsPath, "application/json", bodies[i], slacktest.SigningSecret, time.Now())
				t0 := time.Now()
				resp, err := client.Do(req)
				lat[i] = time.Since(t0)
				if err != nil {
					b.Errorf("event %d: %v", i, err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("event %d: status %d", i, resp.StatusCode)
				}
			}
		})
	}
	for i := range events {
		next <- i
	}
	close(next)
	wg.Wait()
	ackedIn := time.Since(start)
	var doneAt time.Time
	select {
	case doneAt = <-allAnswered:
	case <-time.After(2 * time.Minute):
		b.Fatalf("not every event was answered")
	}
	b.StopTimer()
	// Let a duplicate show itself, if there is one.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		n, err := q.Backlog(ctx)
		if err != nil || n == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stopDrain)
	drain.Wait()
	for _, th := range threads {
		if answered[th] != 1 {
			b.Errorf("thread %s answered %d times, want once", th, answered[th])
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(events)/ackedIn.Seconds(), "acked/s")
	b.ReportMetric(float64(events)/doneAt.Sub(start).Seconds(), "answered/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ack-ms")
	b.ReportMetric(0, "ns/op")
}
