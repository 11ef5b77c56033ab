package sandbox

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/server"
)

// ReplicaOptions shape one commsgate server started against the sandbox's
// fake GitHub, mail and hook receivers. The zero value is a server with
// the configuration's default queue, the app's default publish retries,
// no sweeper and the production logger writing nowhere.
type ReplicaOptions struct {
	// Logger receives the server's logs; nil is the logger `commsgate
	// serve` builds from the configuration (level, format), discarding
	// what it writes.
	Logger *zerolog.Logger
	// Workers and QueueSize size the webhook queue; zero leaves the
	// configuration's default (config.DefaultWorkers, DefaultQueueSize).
	Workers, QueueSize int
	// SweepEvery runs the sweeper; zero leaves it off (sweep with
	// Replica.SweepOnce).
	SweepEvery time.Duration
	// GitHubRetry replaces the GitHub client's retry policy when set.
	GitHubRetry *ghclient.RetryPolicy
	// PublishRetry retries failed deliveries to targets; the zero value
	// is the app's default.
	PublishRetry publication.Retry
	// NoBurstBackoff re-evaluates a PR hit by many events at once without
	// waiting; the sandbox's own server uses it, since Settle waits for an
	// idle server after every event. Replicas and the bench keep it on.
	NoBurstBackoff bool
}

// Replica is a commsgate server (its own queue, caches and GitHub
// clients) running against the sandbox's world: the sandbox's own server,
// a second replica of a deployment, what comes up after a restart, or the
// server a benchmark measures. It shares nothing in memory with other
// replicas.
type Replica struct {
	Server *server.Server
	// BaseURL is the server's address (health, metrics); HookURL is where
	// webhooks go.
	BaseURL string
	HookURL string

	app     *handlers.App
	logger  zerolog.Logger
	cancel  context.CancelFunc
	stopped chan struct{}
	runErr  error
	once    sync.Once
}

// StartReplica builds a server the way `commsgate serve` does, from
// configuration given through the environment, runs it on a loopback
// port and waits until it is ready; Close stops it.
func (s *Sandbox) StartReplica(o ReplicaOptions) (*Replica, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sandbox server listener: %w", err)
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.LoadServer("", s.environment(o.Workers, o.QueueSize, base))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("sandbox server config: %w", err)
	}
	r := &Replica{
		BaseURL: base,
		stopped: make(chan struct{}),
	}
	r.HookURL = r.BaseURL + server.WebhookPath
	if o.Logger != nil {
		r.logger = *o.Logger
	} else {
		r.logger = server.NewLogger(cfg.Logging, io.Discard)
	}
	d, err := handlers.Deploy(cfg, handlers.DeployOptions{
		Logger: r.logger, Listener: ln, SweepEvery: o.SweepEvery, GitHubRetry: o.GitHubRetry,
		// The sandbox's clock jumps when a test moves it: the timers look
		// at it often, so a time gate opens within milliseconds of a move.
		App: handlers.AppOptions{Now: s.now, BotLogin: s.App.BotLogin, Retry: o.PublishRetry, TimerPoll: 10 * time.Millisecond, NoBurstBackoff: o.NoBurstBackoff},
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("sandbox server: %w", err)
	}
	r.Server, r.app = d.Server, d.App
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		r.runErr = r.Server.Run(ctx)
		close(r.stopped)
	}()
	if err := r.waitReady(); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// ServerConfig is the configuration the sandbox's servers run with, as
// `commsgate serve` would load it: for tools that check an installation
// from the outside (doctor).
func (s *Sandbox) ServerConfig() (*config.Server, error) {
	return config.LoadServer("", s.environment(0, 0, ""))
}

// environment is the server configuration, given the way an operator
// would: through the environment, secrets included. Zero workers or queue
// size leave the configuration's default. With a public URL (the
// server's own address) the web UI is on, signing people in through the
// fake GitHub's OAuth with the app's client.
func (s *Sandbox) environment(workers, queueSize int, publicURL string) func(string) string {
	hooks := s.Hooks.URL()
	host, port, _ := net.SplitHostPort(s.Mail.Addr())
	env := map[string]string{
		"GITHUB_V3_API_URL":                    s.GitHub.URL() + "/",
		"GITHUB_V4_API_URL":                    s.GitHub.URL() + "/graphql",
		"GITHUB_WEB_URL":                       s.GitHub.URL(),
		"GITHUB_APP_INTEGRATION_ID":            strconv.FormatInt(s.App.ID, 10),
		"GITHUB_APP_WEBHOOK_SECRET":            WebhookSecret,
		"GITHUB_APP_PRIVATE_KEY":               string(s.App.PrivateKeyPEM),
		"COMMSGATE_SERVER_ADDRESS":             "127.0.0.1",
		"COMMSGATE_SECRET_NAMES":               "smtp,slack-announce,status-page",
		"COMMSGATE_SECRET_SMTP_KIND":           "smtp",
		"COMMSGATE_SECRET_SMTP_HOST":           host,
		"COMMSGATE_SECRET_SMTP_PORT":           port,
		"COMMSGATE_SECRET_SMTP_FROM":           "Example Announcements <announce@example.org>",
		"COMMSGATE_SECRET_SMTP_USERNAME":       MailUser,
		"COMMSGATE_SECRET_SMTP_PASSWORD":       MailPassword,
		"COMMSGATE_SECRET_SMTP_CA_FILE":        s.Mail.CAFile(),
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_KIND": "slack",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL":  hooks + "/slack",
		"COMMSGATE_SECRET_STATUS_PAGE_KIND":    "webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_URL":     hooks + "/webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_SECRET":  HookSecret,
	}
	if publicURL != "" {
		env[config.EnvPublicURL] = publicURL
		env[config.EnvGitHubOAuthID] = s.App.ClientID
		env[config.EnvGitHubOAuthSecret] = s.App.ClientSecret
		env[config.EnvWebSessionKey] = s.webKey
	}
	if workers != 0 {
		env[config.EnvWorkers] = strconv.Itoa(workers)
	}
	if queueSize != 0 {
		env[config.EnvQueueSize] = strconv.Itoa(queueSize)
	}
	return func(k string) string { return env[k] }
}

func (r *Replica) waitReady() error {
	// A client of its own, so the wait leaves no connection behind in a
	// pool a test or benchmark measures.
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.stopped:
			return fmt.Errorf("sandbox server at %s stopped before it was ready: %v", r.BaseURL, r.runErr)
		default:
		}
		resp, err := client.Get(r.BaseURL + server.ReadyzPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("sandbox server at %s did not become ready within 10s", r.BaseURL)
}

// App is the server's App.
func (r *Replica) App() *handlers.App { return r.app }

// Logger is the logger the server writes to.
func (r *Replica) Logger() zerolog.Logger { return r.logger }

// SweepOnce runs one sweep now, as the periodic sweeper does every minute.
// It does not deliver the events the sweep caused (see Sandbox.Settle).
func (r *Replica) SweepOnce(ctx context.Context) error {
	return r.app.NewSweeper(time.Minute).SweepOnce(r.logger.WithContext(ctx))
}

// Close stops the server (a graceful shutdown that drains its queue) and
// waits until it has stopped; it returns what Run returned. Closing again
// only returns that again.
func (r *Replica) Close() error {
	r.once.Do(func() {
		r.cancel()
		<-r.stopped
	})
	return r.runErr
}

// Busy counts the work the replica is doing: webhooks queued or being
// handled, timers running their work (a time gate opening, an early
// merge publishing), which no webhook announces, and evaluations of hot
// pull requests waiting out their burst backoff.
func (r *Replica) Busy() int64 {
	return r.Server.Pending() + r.app.Timers().Firing() + r.app.Deferred()
}
