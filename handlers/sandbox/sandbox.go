// Package sandbox runs commsgate for real on loopback: the project's fake
// GitHub, the real server (the same code as `commsgate serve`), a real
// SMTP receiver and a webhook receiver. End-to-end tests and
// `commsgate demo` drive it with signed webhooks.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/githubfake"
)

// Options shape a sandbox; the zero value is a quiet sandbox on the real
// clock with no sweeper.
type Options struct {
	// Clock drives both the fake GitHub and the app; nil is the real time.
	Clock *Clock
	// Logs receives the server's JSON logs; nil discards them.
	Logs io.Writer
	// SweepEvery runs the sweeper (publish_at, auto-merge, reminders);
	// zero leaves it off so tests sweep explicitly with Sweep.
	SweepEvery time.Duration
	// AutoMerge turns on auto_merge in the sandbox policy.
	AutoMerge bool
	// Outbox, when set, receives a copy of every mail and post.
	Outbox string
	// Files are extra files for the communications repository's first commit.
	Files map[string]string
	// Reporter receives misuse of the fake (a test's *testing.T).
	Reporter githubfake.Reporter
	// Workers and QueueSize size the webhook queue (defaults 4 and 100).
	Workers, QueueSize int
}

// Sandbox is a running commsgate with everything it talks to.
type Sandbox struct {
	GitHub       *githubfake.Server
	App          githubfake.App
	Installation githubfake.Installation
	Server       *handlers.Server
	Mail         *MailReceiver
	Hooks        *HookReceiver
	Clock        *Clock
	// HookURL is where webhooks go; Secret signs them.
	HookURL string
	Secret  string
	// BaseURL is the server's address (health, metrics).
	BaseURL string

	app     *handlers.App
	logger  zerolog.Logger
	cancel  context.CancelFunc
	stopped chan error
}

// WebhookSecret signs the sandbox's webhooks, and HookSecret the posts to
// the status-page webhook target.
const (
	WebhookSecret = "sandbox-webhook-secret"
	HookSecret    = "sandbox-status-page-secret"
)

// Start builds the world and starts everything; Close stops it.
func Start(opts Options) (*Sandbox, error) {
	if opts.Workers == 0 {
		opts.Workers = 4
	}
	if opts.QueueSize == 0 {
		opts.QueueSize = 100
	}
	s := &Sandbox{Clock: opts.Clock, Secret: WebhookSecret, stopped: make(chan error, 1)}
	now := time.Now
	if opts.Clock != nil {
		now = opts.Clock.Now
	}
	s.GitHub = githubfake.New(opts.Reporter)
	s.GitHub.SetClock(now)
	s.App = s.GitHub.CreateApp("commsgate")
	seed(s.GitHub, opts.AutoMerge, opts.Files)
	s.Installation, _ = s.GitHub.Install(s.App.ID, Org)

	var err error
	if s.Mail, err = StartMailReceiver(opts.Outbox); err != nil {
		s.GitHub.Close()
		return nil, err
	}
	s.Hooks = StartHookReceiver([]byte(HookSecret), opts.Outbox)

	cfg, err := config.LoadServer("", s.environment())
	if err != nil {
		s.closeReceivers()
		return nil, fmt.Errorf("sandbox config: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.closeReceivers()
		return nil, fmt.Errorf("sandbox listener: %w", err)
	}
	s.BaseURL = "http://" + ln.Addr().String()
	s.HookURL = s.BaseURL + "/api/github/hook"

	logs := opts.Logs
	if logs == nil {
		logs = io.Discard
	}
	logger := zerolog.New(logs).With().Timestamp().Logger()
	s.logger = logger
	configure := func(d handlers.ServerDeps) handlers.AppOptions {
		return handlers.AppOptions{
			Now: now, Observer: d.Metrics, Publications: d.Metrics,
			Secrets:  d.Config.Publish.Secrets,
			BotLogin: s.App.BotLogin,
			// Quick retries: a sandbox shows backoff, it does not wait for it.
			Retry: handlers.PublishRetry{Attempts: 3, BaseDelay: 20 * time.Millisecond},
		}
	}
	serverOpts := append([]handlers.ServerOption{
		handlers.WithLogger(logger),
		handlers.WithListener(ln),
	}, handlers.WithApp(handlers.AppWiring{
		Configure: configure, SweepEvery: opts.SweepEvery,
		Built: func(a *handlers.App) { s.app = a },
	})...)
	if s.Server, err = handlers.NewServer(cfg, serverOpts...); err != nil {
		ln.Close()
		s.closeReceivers()
		return nil, fmt.Errorf("sandbox server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.stopped <- s.Server.Run(ctx) }()
	if err := s.waitReady(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// environment is the server configuration, given the way an operator
// would: through the environment, secrets included.
func (s *Sandbox) environment() func(string) string {
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
		"COMMSGATE_WORKERS":                    "4",
		"COMMSGATE_QUEUE_SIZE":                 "100",
		"COMMSGATE_SECRET_NAMES":               "smtp,slack-announce,status-page",
		"COMMSGATE_SECRET_SMTP_KIND":           "smtp",
		"COMMSGATE_SECRET_SMTP_HOST":           host,
		"COMMSGATE_SECRET_SMTP_PORT":           port,
		"COMMSGATE_SECRET_SMTP_FROM":           "Example Announcements <announce@example.org>",
		"COMMSGATE_SECRET_SMTP_TLS":            "opportunistic",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_KIND": "slack",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL":  hooks + "/slack",
		"COMMSGATE_SECRET_STATUS_PAGE_KIND":    "webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_URL":     hooks + "/webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_SECRET":  HookSecret,
	}
	return func(k string) string { return env[k] }
}

func (s *Sandbox) waitReady() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.BaseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("sandbox server did not become ready within 10s")
}

// Send delivers a webhook the way GitHub does (signed, over HTTP) and
// waits until the app has handled it and everything it caused.
func (s *Sandbox) Send(ctx context.Context, ev githubfake.Event) error {
	if err := s.deliver(ctx, ev); err != nil {
		return err
	}
	return s.Settle(ctx)
}

func (s *Sandbox) deliver(ctx context.Context, ev githubfake.Event) error {
	resp, err := ev.Deliver(ctx, s.HookURL, s.Secret)
	if err != nil {
		return fmt.Errorf("deliver %s.%s: %w", ev.Name, ev.Action, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("deliver %s.%s: HTTP %d: %s", ev.Name, ev.Action, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// Settle waits until the server's queue is empty, then delivers the
// webhooks GitHub would send for what the app itself did (its merges,
// comments, review requests), until nothing is left.
func (s *Sandbox) Settle(ctx context.Context) error {
	for round := 0; round < 20; round++ {
		if err := s.idle(ctx); err != nil {
			return err
		}
		events := s.GitHub.TakeEvents()
		if len(events) == 0 {
			return nil
		}
		for _, ev := range events {
			if err := s.deliver(ctx, ev); err != nil {
				return err
			}
		}
	}
	return errors.New("sandbox did not settle after 20 rounds of follow-on events")
}

func (s *Sandbox) idle(ctx context.Context) error {
	for s.Server.Pending() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the server to finish: %w", ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return nil
}

// Sweep runs one sweep now (what the periodic sweeper does every minute)
// and settles.
func (s *Sandbox) Sweep(ctx context.Context) error {
	if s.app == nil {
		return errors.New("sandbox: the app is not wired")
	}
	if err := s.app.NewSweeper(time.Minute).SweepOnce(s.logger.WithContext(ctx)); err != nil {
		return err
	}
	return s.Settle(ctx)
}

// Close stops the server and every receiver.
func (s *Sandbox) Close() {
	if s.cancel != nil {
		s.cancel()
		<-s.stopped
	}
	s.closeReceivers()
}

func (s *Sandbox) closeReceivers() {
	if s.Mail != nil {
		_ = s.Mail.Close()
	}
	if s.Hooks != nil {
		s.Hooks.Close()
	}
	s.GitHub.Close()
}
