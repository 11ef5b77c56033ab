package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
)

// AppWiring says how a server builds and runs commsgate's App.
type AppWiring struct {
	// Configure derives the App's options from the server's dependencies.
	Configure func(ServerDeps) AppOptions
	// SweepEvery runs the sweeper as a background task; zero runs none
	// (tests sweep on demand).
	SweepEvery time.Duration
	// Built, when set, receives the App once it exists.
	Built func(*App)
}

// WithApp registers commsgate's App with a server: its webhook handlers,
// and the sweeper that turns scheduled notices green (or merges them) at
// publish_at, resumes interrupted publications and reminds follow-ups.
// Both share one App, so they share its caches and per-PR serialisation.
func WithApp(w AppWiring) []ServerOption {
	var (
		once sync.Once
		app  *App
	)
	get := func(d ServerDeps) *App {
		once.Do(func() {
			app = NewApp(d.Clients, w.Configure(d))
			if w.Built != nil {
				w.Built(app)
			}
		})
		return app
	}
	opts := []ServerOption{
		WithEventHandlerFactory(func(d ServerDeps) ([]githubapp.EventHandler, error) {
			return get(d).EventHandlers(), nil
		}),
	}
	if w.SweepEvery <= 0 {
		return opts
	}
	return append(opts, WithBackgroundTaskFactory(func(d ServerDeps) ([]BackgroundTask, error) {
		sweeper := get(d).NewSweeper(w.SweepEvery)
		logger := d.Logger.With().Str("task", "sweep").Logger()
		return []BackgroundTask{{
			Name: "sweep",
			Run: func(ctx context.Context) error {
				sweeper.Run(logger.WithContext(ctx))
				return nil
			},
		}}, nil
	}))
}
