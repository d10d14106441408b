package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/queue"
)

// queueMetrics are the durable inbox's figures: jobs by state, the time
// from acknowledgement to delivery, retries, and each job's outcome,
// counted once however many tries it took.
type queueMetrics struct {
	latency    *prometheus.HistogramVec
	retries    *prometheus.CounterVec
	tooOld     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
}

// registerQueue adds the queue's metrics to m's registry and returns the
// observer to give the queue. counts is read on every scrape.
func (m *metrics) registerQueue(counts func(ctx context.Context) (map[string]int, error)) queue.Observer {
	qm := &queueMetrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "storybot_job_latency_seconds",
			Help:    "Time from acknowledging an event to delivering its answer, by platform.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 600}}, []string{"platform"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_job_retries_total",
			Help: "Tries at answering an event that failed and were made again, by platform."}, []string{"platform"}),
		tooOld: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_jobs_dropped_too_old_total",
			Help: "Events dropped unanswered because they were older than queue.max_age, by platform."}, []string{"platform"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_deliveries_total",
			Help: "Events finished, by platform and outcome (delivered, failed, dropped_too_old); each once."}, []string{"platform", "outcome"}),
	}
	states := []string{"available", "running", "retryable", "scheduled", "completed", "cancelled", "discarded"}
	m.reg.MustRegister(qm.latency, qm.retries, qm.tooOld, qm.deliveries, &jobsCollector{counts: counts, states: states,
		desc: prometheus.NewDesc("storybot_jobs", "Jobs in the durable inbox, by state.", []string{"state"}, nil)})
	return queue.Observer{
		Finished: func(p bot.Platform, outcome string) {
			qm.deliveries.WithLabelValues(string(p), outcome).Inc()
			if outcome == queue.OutcomeTooOld {
				qm.tooOld.WithLabelValues(string(p)).Inc()
			}
		},
		Retried: func(p bot.Platform) { qm.retries.WithLabelValues(string(p)).Inc() },
		Latency: func(p bot.Platform, d time.Duration) { qm.latency.WithLabelValues(string(p)).Observe(d.Seconds()) },
	}
}

// jobsCollector reads the storybot_jobs gauge from the database at scrape
// time, so every replica reports the shared queue as it is.
type jobsCollector struct {
	counts func(ctx context.Context) (map[string]int, error)
	states []string
	desc   *prometheus.Desc
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, s := range c.states {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[s]), s)
	}
}
