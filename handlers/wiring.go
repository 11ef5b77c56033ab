package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
)

// WithApp registers commsgate's App with a server: its webhook handlers,
// and the sweeper that turns scheduled notices green (or merges them) at
// publish_at, resumes interrupted publications and reminds follow-ups.
// Both share one App, so they share its caches and per-PR serialisation.
func WithApp(configure func(ServerDeps) AppOptions, sweepEvery time.Duration) []ServerOption {
	var (
		once sync.Once
		app  *App
	)
	get := func(d ServerDeps) *App {
		once.Do(func() { app = NewApp(d.Clients, configure(d)) })
		return app
	}
	return []ServerOption{
		WithEventHandlerFactory(func(d ServerDeps) ([]githubapp.EventHandler, error) {
			return get(d).EventHandlers(), nil
		}),
		WithBackgroundTaskFactory(func(d ServerDeps) ([]BackgroundTask, error) {
			sweeper := get(d).NewSweeper(sweepEvery)
			logger := d.Logger.With().Str("task", "sweep").Logger()
			return []BackgroundTask{{
				Name: "sweep",
				Run: func(ctx context.Context) error {
					sweeper.Run(logger.WithContext(ctx))
					return nil
				},
			}}, nil
		}),
	}
}
