package handlers

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/server"
	"github.com/commsgate/commsgate/handlers/web"
)

// DeployOptions are what a deployment takes besides its configuration.
type DeployOptions struct {
	Logger zerolog.Logger
	// Listener serves instead of cfg's address (tests: a loopback port 0).
	Listener net.Listener
	// SweepEvery runs the sweeper as a background task; zero runs none
	// (tests sweep on demand).
	SweepEvery time.Duration
	// GitHubRetry replaces the GitHub clients' retry policy when set.
	GitHubRetry *ghclient.RetryPolicy
	// App tunes the App; its observers, AppID, secrets and (unless set)
	// public URL are filled in from the metrics and the configuration.
	App AppOptions
}

// Deployment is one commsgate process: its server and the App behind it.
type Deployment struct {
	Server *server.Server
	App    *App
}

// Deploy builds a commsgate process the way `commsgate serve` runs it:
// metrics first, because the GitHub clients, the gate and the publisher
// all record into them; then the clients, the App, and the server that
// dispatches webhooks to it and runs its sweep. It makes no network calls.
// credentialsCheckTTL is how long /readyz reuses its proof that GitHub
// accepts the app's credentials.
const credentialsCheckTTL = 30 * time.Second

func Deploy(cfg *config.Server, o DeployOptions) (*Deployment, error) {
	registry := prometheus.NewRegistry()
	metrics, err := server.NewMetrics(registry)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	stack := ghclient.Stack{Observer: metrics}
	if o.GitHubRetry != nil {
		stack.Retry = *o.GitHubRetry
	}
	clients, err := ghclient.NewClientCreator(cfg.Github, stack)
	if err != nil {
		return nil, fmt.Errorf("deploy: github clients: %w", err)
	}
	appOpts := o.App
	appOpts.AppID = cfg.Github.App.IntegrationID
	// Publish secrets come from the server configuration only, never
	// from a repository.
	appOpts.Secrets = cfg.Publish.Secrets
	appOpts.Evaluations, appOpts.Publications = metrics, metrics
	if appOpts.PublicURL == "" {
		appOpts.PublicURL = cfg.Server.PublicURL
	}
	if appOpts.TimerLag == nil {
		appOpts.TimerLag = metrics.TimerLag
	}
	app := NewApp(clients, appOpts)

	opts := []server.ServerOption{
		server.WithLogger(o.Logger),
		server.WithMetrics(metrics, registry),
		server.WithEventHandlers(app.EventHandlers()...),
		server.WithReadinessCheck("github credentials", ghclient.CredentialsCheck(clients, credentialsCheckTTL)),
	}
	timerLogger := o.Logger.With().Str("task", "timers").Logger()
	opts = append(opts, server.WithBackgroundTask(server.BackgroundTask{
		Name: "timers",
		Run: func(ctx context.Context) error {
			app.Timers().Run(timerLogger.WithContext(ctx))
			return nil
		},
	}))
	if o.Listener != nil {
		opts = append(opts, server.WithListener(o.Listener))
	}
	webUI, err := newWebUI(cfg, clients, app.Calendar(), o.App.Now, o.Logger)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	if webUI != nil {
		opts = append(opts, server.WithWebUI(webUI))
		webUI.ServeReports(app.Calendar())
	}
	if o.SweepEvery > 0 {
		sweeper := app.NewSweeper(o.SweepEvery)
		logger := o.Logger.With().Str("task", "sweep").Logger()
		opts = append(opts, server.WithBackgroundTask(server.BackgroundTask{
			Name: "sweep",
			Run: func(ctx context.Context) error {
				sweeper.Run(logger.WithContext(ctx))
				return nil
			},
		}))
	}
	srv, err := server.NewServer(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &Deployment{Server: srv, App: app}, nil
}

// newWebUI builds the web UI when the configuration has what it needs; when
// not, it logs which settings are missing and the server runs without it.
func newWebUI(cfg *config.Server, clients web.AppClients, cal web.Calendars, now func() time.Time, logger zerolog.Logger) (*web.Handler, error) {
	webCfg, err := web.FromServerConfig(cfg, clients)
	if err != nil {
		logger.Info().Strs("missing", cfg.WebUIMissing()).Msg("web UI off: " + err.Error())
		return nil, nil
	}
	webCfg.Calendar, webCfg.Now = cal, now
	return web.New(webCfg)
}
