package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
)

// Routes the server answers.
const (
	WebhookPath = githubapp.DefaultWebhookRoute // POST, from GitHub
	HealthzPath = "/healthz"                    // the process is alive
	ReadyzPath  = "/readyz"                     // ready for webhooks (503 while draining)
	MetricsPath = "/metrics"                    // Prometheus
)

// BackgroundTask runs beside the HTTP server (e.g. the publication clock)
// until its context is cancelled at the start of shutdown.
type BackgroundTask struct {
	Name string
	Run  func(ctx context.Context) error
}

// ServerOption adjusts NewServer.
type ServerOption func(*serverSettings)

type serverSettings struct {
	logger    *zerolog.Logger
	handlers  []githubapp.EventHandler
	readiness []readinessCheck
	listener  net.Listener
	tasks     []BackgroundTask
	metrics   *Metrics
	gatherer  prometheus.Gatherer
	web       http.Handler
}

type readinessCheck struct {
	name  string
	check func(context.Context) error
}

// WithLogger sets the logger; by default one is built from cfg.Logging,
// writing to stderr.
func WithLogger(l zerolog.Logger) ServerOption {
	return func(s *serverSettings) { s.logger = &l }
}

// WithEventHandlers adds ready-made webhook handlers. Earlier handlers win
// when two claim the same event (go-githubapp's rule).
func WithEventHandlers(h ...githubapp.EventHandler) ServerOption {
	return func(s *serverSettings) { s.handlers = append(s.handlers, h...) }
}

// WithReadinessCheck adds a check /readyz runs; a failure answers 503 with
// the check's name and error.
func WithReadinessCheck(name string, check func(context.Context) error) ServerOption {
	return func(s *serverSettings) { s.readiness = append(s.readiness, readinessCheck{name, check}) }
}

// WithListener serves on l instead of listening on cfg's address (tests
// pass a loopback listener on port 0).
func WithListener(l net.Listener) ServerOption {
	return func(s *serverSettings) { s.listener = l }
}

// WithBackgroundTask runs t while the server runs.
func WithBackgroundTask(t BackgroundTask) ServerOption {
	return func(s *serverSettings) { s.tasks = append(s.tasks, t) }
}

// WithMetrics makes the server count into m and serve g on /metrics. The
// caller builds them first because the GitHub clients and the App record
// into the same metrics; without it the server makes its own.
func WithMetrics(m *Metrics, g prometheus.Gatherer) ServerOption {
	return func(s *serverSettings) { s.metrics, s.gatherer = m, g }
}

// WithWebUI serves h under / for every path the server's own routes do
// not claim: the webhook, /healthz, /readyz and /metrics keep precedence
// and answer a wrong method with 405 as before.
func WithWebUI(h http.Handler) ServerOption {
	return func(s *serverSettings) { s.web = h }
}

// Server is commsgate's HTTP server: the GitHub webhook, health, readiness
// and metrics endpoints, and a bounded worker queue for webhook handlers.
type Server struct {
	cfg       *config.Server
	logger    zerolog.Logger
	metrics   *Metrics
	handler   http.Handler
	readiness []readinessCheck
	listener  net.Listener
	tasks     []BackgroundTask

	queue    *deliveryQueue
	draining atomic.Bool
	running  atomic.Bool
}

// NewServer builds the server from a loaded configuration. It makes no
// network calls; Run listens and serves.
func NewServer(cfg *config.Server, opts ...ServerOption) (*Server, error) {
	if cfg == nil {
		return nil, errors.New("new server: no configuration")
	}
	// config.LoadServer checks these; a hand-built config must not turn
	// signature checking off or make go-githubapp's scheduler panic.
	switch {
	case cfg.Github.App.WebhookSecret == "":
		return nil, errors.New("new server: github.app.webhook_secret is empty; webhook signatures could not be checked")
	case cfg.Workers.Count < 1:
		return nil, fmt.Errorf("new server: workers.count must be at least 1, not %d", cfg.Workers.Count)
	case cfg.Workers.QueueSize < 0:
		return nil, fmt.Errorf("new server: workers.queue_size must not be negative, not %d", cfg.Workers.QueueSize)
	}
	var set serverSettings
	for _, opt := range opts {
		opt(&set)
	}
	logger := NewLogger(cfg.Logging, os.Stderr)
	if set.logger != nil {
		logger = *set.logger
	}
	metrics, gatherer := set.metrics, set.gatherer
	if metrics == nil {
		registry := prometheus.NewRegistry()
		var err error
		if metrics, err = NewMetrics(registry); err != nil {
			return nil, fmt.Errorf("new server: %w", err)
		}
		gatherer = registry
	}

	s := &Server{
		cfg:       cfg,
		logger:    logger,
		metrics:   metrics,
		readiness: set.readiness,
		listener:  set.listener,
		tasks:     set.tasks,
	}

	eventHandlers := set.handlers

	s.queue = newDeliveryQueue(cfg.Workers, metrics)
	mux := http.NewServeMux()
	mux.Handle("POST "+WebhookPath, s.webhookHandler(eventHandlers))
	mux.HandleFunc("GET "+HealthzPath, s.healthz)
	mux.HandleFunc("GET "+ReadyzPath, s.readyz)
	mux.Handle("GET "+MetricsPath, promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	if set.web != nil {
		// Without these the catch-all below would answer a wrong method
		// on the server's own paths with the web UI's 404.
		mux.Handle(WebhookPath, methodNotAllowed(http.MethodPost))
		for _, p := range []string{HealthzPath, ReadyzPath, MetricsPath} {
			mux.Handle(p, methodNotAllowed(http.MethodGet, http.MethodHead))
		}
		mux.Handle("/", set.web)
	}
	s.handler = withRequestLogging(logger, mux)
	return s, nil
}

func methodNotAllowed(allowed ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	})
}

// Handler is the server's HTTP handler, with request logging.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics are the server's metrics, for handlers to record into.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Pending is the number of webhook deliveries queued or being handled.
// Tests and the demo wait for it to reach zero before they look at what
// the app did.
func (s *Server) Pending() int64 { return s.queue.pending.Load() }
