package server

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// HTTP server timeouts: webhook answers are immediate (handlers run on the
// queue), so anything slower than this is a stuck or hostile client.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	readinessTimeout  = 2 * time.Second
)

// ErrDrainTimeout is returned by Run when deliveries were still being
// handled when shutdown.drain_timeout ran out.
var ErrDrainTimeout = errors.New("drain timeout: deliveries were still being handled")

// Run listens and serves until ctx is cancelled (main cancels it on SIGTERM
// or SIGINT), then shuts down gracefully: /readyz turns 503, background
// tasks are told to stop, the listener closes and open requests finish,
// and queued deliveries get until shutdown.drain_timeout to complete.
// It returns nil after a clean drain.
func (s *Server) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("run server: already running or run")
	}
	ln := s.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.cfg.ListenAddress()); err != nil {
			return fmt.Errorf("run server: listen on %s: %w", s.cfg.ListenAddress(), err)
		}
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          log.New(s.logger.With().Str("component", "http").Logger(), "", 0),
	}

	taskCtx, stopTasks := context.WithCancel(context.Background())
	defer stopTasks()
	var tasks sync.WaitGroup
	for _, t := range s.tasks {
		tasks.Add(1)
		go func() {
			defer tasks.Done()
			if err := t.Run(taskCtx); err != nil && !errors.Is(err, context.Canceled) {
				s.logger.Error().Err(err).Str("task", t.Name).Msg("background task stopped with an error")
			}
		}()
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.logger.Info().
		Str("address", ln.Addr().String()).
		Int("workers", s.cfg.Workers.Count).
		Int("queue_size", s.cfg.Workers.QueueSize).
		Int64("integration_id", s.cfg.Github.App.IntegrationID).
		Msg("commsgate serving")

	var serveErr error
	select {
	case <-ctx.Done():
	case err := <-served:
		// The listener failed on its own; still drain what was accepted.
		serveErr = fmt.Errorf("run server: serve http: %w", err)
	}
	return errors.Join(serveErr, s.shutdown(srv, stopTasks, &tasks))
}

func (s *Server) shutdown(srv *http.Server, stopTasks context.CancelFunc, tasks *sync.WaitGroup) error {
	s.draining.Store(true)
	drain := s.cfg.Shutdown.DrainTimeout
	s.logger.Info().Dur("drain_timeout", drain).Msg("shutting down: no new webhooks, draining the queue")
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()

	stopTasks()
	if err := srv.Shutdown(ctx); err != nil {
		s.logger.Warn().Err(err).Msg("open HTTP requests did not finish in time; closing them")
		_ = srv.Close()
	}
	// From here no request can schedule a delivery, so waiting is sound.
	abandoned, err := s.queue.drain(ctx)
	tasksDone := make(chan struct{})
	go func() { tasks.Wait(); close(tasksDone) }()
	select {
	case <-tasksDone:
	case <-ctx.Done():
		s.logger.Warn().Msg("background tasks did not stop within the drain timeout")
	}
	if err != nil {
		s.logger.Error().Int64("abandoned", abandoned).Dur("drain_timeout", drain).
			Msg("drain timeout: some deliveries were cut short; redeliver them from the app's Recent Deliveries")
		return fmt.Errorf("%w (%d unfinished after %s)", ErrDrainTimeout, abandoned, drain)
	}
	s.logger.Info().Msg("shutdown complete: every accepted delivery was handled")
	return nil
}

// healthz says the process is alive and serving HTTP.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says whether to send webhooks here: not while draining, and not
// while any readiness check fails.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: shutting down, draining the webhook queue\n"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readinessTimeout)
	defer cancel()
	for _, c := range s.readiness {
		if err := c.check(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprintf(w, "not ready: %s: %v\n", c.name, err)
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}
