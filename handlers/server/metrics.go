package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Outcomes of a webhook delivery when it arrives (commsgate_webhooks_total).
const (
	WebhookAccepted          = "accepted"           // signed, valid, queued for its handler
	WebhookIgnored           = "ignored"            // signed and valid, but no handler wants this event
	WebhookRejectedSignature = "rejected_signature" // missing or wrong X-Hub-Signature-256
	WebhookRejectedMalformed = "rejected_malformed" // no event header, bad content type, too big, not JSON
	WebhookDroppedQueueFull  = "dropped_queue_full" // the worker queue was full: answered 503
	WebhookDroppedShutdown   = "dropped_shutdown"   // arrived after the queue closed for shutdown: 503
	WebhookFailed            = "error"              // anything else that stopped the dispatch
)

// Outcomes of running a queued delivery's handler (commsgate_webhook_handled_total).
const (
	HandlerOK    = "ok"
	HandlerError = "handler_error"
	HandlerPanic = "handler_panic"
)

// unverifiedEvent labels deliveries whose signature was not checked yet:
// their X-GitHub-Event header is attacker-controlled and must not become a
// label value (unbounded cardinality).
const unverifiedEvent = "unverified"

// Metrics are commsgate's Prometheus metrics, registered on one private
// registry. All methods are safe on a nil *Metrics, so code that records
// metrics needs no test-only branches.
type Metrics struct {
	webhooks       *prometheus.CounterVec
	handled        *prometheus.CounterVec
	handling       *prometheus.HistogramVec
	queueDepth     prometheus.Gauge
	queueDropped   prometheus.Counter
	activeHandlers prometheus.Gauge
	evaluations    *prometheus.HistogramVec
	publications   *prometheus.CounterVec
	githubRequests *prometheus.CounterVec
	githubCached   prometheus.Counter
	githubRetries  *prometheus.CounterVec
	rateRemaining  *prometheus.GaugeVec
	// rateLimitWaits and rateLimitWaited: requests held back at their
	// installation's rate-limit gate, and for how long in all.
	rateLimitWaits  *prometheus.CounterVec
	rateLimitWaited *prometheus.CounterVec
	timerLag        prometheus.Histogram
	autoMerge       *prometheus.CounterVec
}

// latencyBuckets span a cached re-evaluation (milliseconds) to a slow one
// that pages through many reviews and team members (tens of seconds).
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// NewMetrics creates the metrics and registers them, with the Go runtime
// and process collectors, on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_webhooks_total",
			Help: "Webhook deliveries received, by event and outcome on arrival (accepted, ignored, rejected_signature, rejected_malformed, dropped_queue_full, dropped_shutdown, error).",
		}, []string{"event", "outcome"}),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_webhook_handled_total",
			Help: "Queued webhook deliveries whose handler finished, by event and outcome (ok, handler_error, handler_panic).",
		}, []string{"event", "outcome"}),
		handling: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "commsgate_webhook_handling_seconds",
			Help:    "Time a webhook handler ran, by event.",
			Buckets: latencyBuckets,
		}, []string{"event"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "commsgate_webhook_queue_depth",
			Help: "Webhook deliveries waiting for a worker.",
		}),
		queueDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "commsgate_webhook_queue_dropped_total",
			Help: "Webhook deliveries refused with 503 because the worker queue was full.",
		}),
		activeHandlers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "commsgate_webhook_handlers_active",
			Help: "Webhook handlers running now.",
		}),
		evaluations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "commsgate_evaluation_seconds",
			Help:    "Time to evaluate a pull request's communications, by outcome.",
			Buckets: latencyBuckets,
		}, []string{"outcome"}),
		publications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_publications_total",
			Help: "Publication attempts per target, by target name, kind and outcome.",
		}, []string{"target", "kind", "outcome"}),
		githubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_github_requests_total",
			Help: `GitHub API responses by method and HTTP status ("error" when no response arrived). Each retry attempt counts.`,
		}, []string{"method", "status"}),
		githubCached: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "commsgate_github_cached_responses_total",
			Help: "GitHub API responses served from the ETag cache (revalidated with 304 Not Modified, which costs no rate limit).",
		}),
		githubRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_github_retries_total",
			Help: "GitHub API requests retried, by reason (server_error, rate_limited, secondary_rate_limit, network).",
		}, []string{"reason"}),
		rateRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "commsgate_github_rate_limit_remaining",
			Help: "The X-RateLimit-Remaining GitHub sent last, by X-RateLimit-Resource (core, graphql, search…).",
		}, []string{"resource"}),
		rateLimitWaits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_github_rate_limit_waits_total",
			Help: "GitHub requests held back because their installation is rate limited, by reason (secondary_rate_limit, primary_rate_limit, primary_pacing).",
		}, []string{"reason"}),
		rateLimitWaited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_github_rate_limit_wait_seconds_total",
			Help: "Seconds GitHub requests waited for their installation's rate limit, by reason.",
		}, []string{"reason"}),
		timerLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "commsgate_timer_lag_seconds",
			Help:    "How late a timer (a time gate opening at publish_at, an early merge's publication) fired after its instant.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 10, 30, 60},
		}),
		autoMerge: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "commsgate_auto_merge_refused_total",
			Help: "Auto-merges GitHub refused, by reason (not_mergeable, head_moved, checks_missing, other); the sweep keeps retrying.",
		}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{
		m.webhooks, m.handled, m.handling, m.queueDepth, m.queueDropped, m.activeHandlers,
		m.evaluations, m.publications, m.githubRequests, m.githubCached, m.githubRetries, m.rateRemaining,
		m.rateLimitWaits, m.rateLimitWaited, m.timerLag, m.autoMerge,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// ObserveEvaluation records how long one evaluation took and how it ended
// (the App's outcome words, e.g. "passed", "failed", "error").
func (m *Metrics) ObserveEvaluation(d time.Duration, outcome string) {
	if m == nil {
		return
	}
	m.evaluations.WithLabelValues(outcome).Observe(d.Seconds())
}

// TimerLag records how late a timer fired.
func (m *Metrics) TimerLag(d time.Duration) {
	if m == nil {
		return
	}
	m.timerLag.Observe(max(d, 0).Seconds())
}

// AutoMergeRefused counts a merge GitHub refused, by reason.
func (m *Metrics) AutoMergeRefused(reason string) {
	if m == nil {
		return
	}
	m.autoMerge.WithLabelValues(reason).Inc()
}

// PublicationResult records one publication attempt to a target.
func (m *Metrics) PublicationResult(target, kind, outcome string) {
	if m == nil {
		return
	}
	m.publications.WithLabelValues(target, kind, outcome).Inc()
}

func (m *Metrics) webhookReceived(event, outcome string) {
	if m == nil {
		return
	}
	m.webhooks.WithLabelValues(event, outcome).Inc()
	if outcome == WebhookDroppedQueueFull {
		m.queueDropped.Inc()
	}
}

func (m *Metrics) webhookQueued() {
	if m != nil {
		m.queueDepth.Inc()
	}
}

func (m *Metrics) webhookUnqueued() {
	if m != nil {
		m.queueDepth.Dec()
	}
}

func (m *Metrics) handlerStarted() {
	if m != nil {
		m.queueDepth.Dec()
		m.activeHandlers.Inc()
	}
}

func (m *Metrics) handlerFinished(event, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.activeHandlers.Dec()
	m.handled.WithLabelValues(event, outcome).Inc()
	m.handling.WithLabelValues(event).Observe(d.Seconds())
}

// GitHubResponse records one GitHub API attempt.
func (m *Metrics) GitHubResponse(method string, res *http.Response) {
	if m == nil {
		return
	}
	if res == nil {
		m.githubRequests.WithLabelValues(method, "error").Inc()
		return
	}
	m.githubRequests.WithLabelValues(method, strconv.Itoa(res.StatusCode)).Inc()
	if res.Header.Get("X-From-Cache") != "" {
		m.githubCached.Inc()
	}
	if v := res.Header.Get("X-RateLimit-Remaining"); v != "" {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			resource := res.Header.Get("X-RateLimit-Resource")
			if resource == "" {
				resource = "core"
			}
			m.rateRemaining.WithLabelValues(resource).Set(n)
		}
	}
}

// GitHubRateLimitWait records a request held back by its installation's
// rate limit.
func (m *Metrics) GitHubRateLimitWait(reason string, wait time.Duration) {
	if m != nil {
		m.rateLimitWaits.WithLabelValues(reason).Inc()
		m.rateLimitWaited.WithLabelValues(reason).Add(wait.Seconds())
	}
}

func (m *Metrics) GitHubRetry(reason string) {
	if m != nil {
		m.githubRetries.WithLabelValues(reason).Inc()
	}
}
