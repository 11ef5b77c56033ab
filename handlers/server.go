package handlers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
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

// ServerDeps are what the server built that event handlers need.
type ServerDeps struct {
	Config  *config.Server
	Clients githubapp.ClientCreator
	Metrics *Metrics
	Logger  zerolog.Logger
}

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
	factories []func(ServerDeps) ([]githubapp.EventHandler, error)
	readiness []readinessCheck
	retry     RetryPolicy
	listener  net.Listener
	tasks     []BackgroundTask
	// taskMakers build background tasks once the dependencies exist.
	taskMakers []func(ServerDeps) ([]BackgroundTask, error)
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

// WithEventHandlerFactory adds handlers built from what the server creates
// (GitHub clients, metrics, logger), e.g.
//
//	handlers.WithEventHandlerFactory(func(d handlers.ServerDeps) ([]githubapp.EventHandler, error) {
//		return handlers.NewApp(d.Clients, handlers.AppOptions{Observer: d.Metrics}).EventHandlers(), nil
//	})
func WithEventHandlerFactory(f func(ServerDeps) ([]githubapp.EventHandler, error)) ServerOption {
	return func(s *serverSettings) { s.factories = append(s.factories, f) }
}

// WithReadinessCheck adds a check /readyz runs; a failure answers 503 with
// the check's name and error.
func WithReadinessCheck(name string, check func(context.Context) error) ServerOption {
	return func(s *serverSettings) { s.readiness = append(s.readiness, readinessCheck{name, check}) }
}

// WithRetryPolicy replaces DefaultRetryPolicy for the GitHub clients.
func WithRetryPolicy(p RetryPolicy) ServerOption {
	return func(s *serverSettings) { s.retry = p }
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

// WithBackgroundTaskFactory adds tasks built from what the server creates
// (GitHub clients, metrics, logger), e.g. the publication clock.
func WithBackgroundTaskFactory(f func(ServerDeps) ([]BackgroundTask, error)) ServerOption {
	return func(s *serverSettings) { s.taskMakers = append(s.taskMakers, f) }
}

// Server is commsgate's HTTP server: the GitHub webhook, health, readiness
// and metrics endpoints, a bounded worker queue for webhook handlers and
// the GitHub client stack handlers use.
type Server struct {
	cfg       *config.Server
	logger    zerolog.Logger
	metrics   *Metrics
	clients   githubapp.ClientCreator
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
	registry := prometheus.NewRegistry()
	metrics, err := NewMetrics(registry)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	clients, err := NewClientCreator(cfg.Github, ClientStack{Metrics: metrics, Retry: set.retry})
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}

	s := &Server{
		cfg:       cfg,
		logger:    logger,
		metrics:   metrics,
		clients:   clients,
		readiness: set.readiness,
		listener:  set.listener,
		tasks:     set.tasks,
	}

	eventHandlers := append([]githubapp.EventHandler(nil), set.handlers...)
	deps := ServerDeps{Config: cfg, Clients: clients, Metrics: metrics, Logger: logger}
	for _, build := range set.factories {
		hs, err := build(deps)
		if err != nil {
			return nil, fmt.Errorf("new server: build event handlers: %w", err)
		}
		eventHandlers = append(eventHandlers, hs...)
	}
	for _, build := range set.taskMakers {
		ts, err := build(deps)
		if err != nil {
			return nil, fmt.Errorf("new server: build background tasks: %w", err)
		}
		s.tasks = append(s.tasks, ts...)
	}

	s.queue = newDeliveryQueue(cfg.Workers, metrics)
	dispatcher := githubapp.NewEventDispatcher(eventHandlers, cfg.Github.App.WebhookSecret,
		githubapp.WithScheduler(s.queue),
		githubapp.WithErrorCallback(s.webhookError),
		githubapp.WithResponseCallback(s.webhookResponse),
	)

	mux := http.NewServeMux()
	mux.Handle("POST "+WebhookPath, s.verifyWebhook(dispatcher))
	mux.HandleFunc("GET "+HealthzPath, s.healthz)
	mux.HandleFunc("GET "+ReadyzPath, s.readyz)
	mux.Handle("GET "+MetricsPath, promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry}))
	s.handler = withRequestLogging(logger, mux)
	return s, nil
}

// Handler is the server's HTTP handler, with request logging.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics are the server's metrics, for handlers to record into.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Clients create GitHub clients through the server's middleware stack.
func (s *Server) Clients() githubapp.ClientCreator { return s.clients }

// Pending is the number of webhook deliveries queued or being handled.
// Tests and the demo wait for it to reach zero before they look at what
// the app did.
func (s *Server) Pending() int64 { return s.queue.pending.Load() }
