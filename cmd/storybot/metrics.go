package main

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/storybot/storybot/bot"
)

// metrics counts what storybot does, in Prometheus form. It is the
// handler's bot.Observer and the hook adapters and digests report to.
type metrics struct {
	reg         *prometheus.Registry
	questions   *prometheus.CounterVec
	abstentions *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	llmCalls    prometheus.Counter
	llmErrors   prometheus.Counter
	llmTokens   *prometheus.CounterVec
	digests     *prometheus.CounterVec
	reconnects  *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	events      *prometheus.CounterVec
}

var _ bot.Observer = (*metrics)(nil)

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_questions_total",
			Help: "Questions answered, by platform and answer mode."}, []string{"platform", "mode"}),
		abstentions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_abstentions_total",
			Help: "Questions the stories did not answer, by platform."}, []string{"platform"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "storybot_answer_latency_seconds",
			Help:    "Time to answer a question, by platform and mode.",
			Buckets: []float64{.0005, .001, .005, .01, .05, .1, .5, 1, 2.5, 5, 10, 25}}, []string{"platform", "mode"}),
		llmCalls: prometheus.NewCounter(prometheus.CounterOpts{Name: "storybot_llm_calls_total",
			Help: "Calls to the LLM."}),
		llmErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "storybot_llm_errors_total",
			Help: "LLM calls that failed (the answer fell back to quotes)."}),
		llmTokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_llm_tokens_total",
			Help: "LLM tokens used, by kind (prompt, completion)."}, []string{"kind"}),
		digests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_digest_posts_total",
			Help: "Digest posts, by digest and result (ok, error)."}, []string{"digest", "result"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_reconnects_total",
			Help: "Platform reconnections."}, []string{"platform"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_rate_limited_total",
			Help: "Replies slowed down by storybot's own caps or by the platform's rate limits."}, []string{"platform", "by"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storybot_adapter_events_total",
			Help: "Other adapter events, by platform and kind."}, []string{"platform", "kind"}),
	}
	m.reg.MustRegister(m.questions, m.abstentions, m.latency, m.llmCalls, m.llmErrors, m.llmTokens, m.digests,
		m.reconnects, m.rateLimited, m.events,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Answered counts an answered question.
func (m *metrics) Answered(p bot.Platform, mode bot.Mode, abstained bool, latency time.Duration) {
	m.questions.WithLabelValues(string(p), string(mode)).Inc()
	if abstained {
		m.abstentions.WithLabelValues(string(p)).Inc()
	}
	m.latency.WithLabelValues(string(p), string(mode)).Observe(latency.Seconds())
}

// RateLimited counts a question refused by storybot's own caps.
func (m *metrics) RateLimited(p bot.Platform) {
	m.rateLimited.WithLabelValues(string(p), "storybot").Inc()
}

// LLMCall counts an LLM call and its tokens.
func (m *metrics) LLMCall(err error, promptTokens, completionTokens int) {
	m.llmCalls.Inc()
	if err != nil {
		m.llmErrors.Inc()
	}
	m.llmTokens.WithLabelValues("prompt").Add(float64(promptTokens))
	m.llmTokens.WithLabelValues("completion").Add(float64(completionTokens))
}

// digestPosted counts a digest post.
func (m *metrics) digestPosted(digest string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.digests.WithLabelValues(digest, result).Inc()
}

// adapterEvent returns the hook an adapter reports its events to.
func (m *metrics) adapterEvent(platform bot.Platform) func(kind string) {
	return func(kind string) {
		switch kind {
		case "reconnect":
			m.reconnects.WithLabelValues(string(platform)).Inc()
		case "rate_limited":
			m.rateLimited.WithLabelValues(string(platform), "platform").Inc()
		default:
			m.events.WithLabelValues(string(platform), kind).Inc()
		}
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
