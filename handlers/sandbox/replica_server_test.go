package sandbox_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// serverReplica is another commsgate server (its own queue, caches,
// coalescer and GitHub clients) against the sandbox's fake GitHub, mail
// and hook receivers: a second replica of a deployment, or one started
// with a different retry policy.
type serverReplica struct {
	server  *handlers.Server
	app     *handlers.App
	hookURL string
	logger  zerolog.Logger
	logs    *logBuffer
}

type replicaOptions struct {
	name string
	// retry replaces the GitHub client's retry policy when set.
	retry *handlers.RetryPolicy
}

// startServerReplica builds the server the way the sandbox does, from
// configuration given through the environment.
func startServerReplica(t *testing.T, sb *sandbox.Sandbox, opts replicaOptions) *serverReplica {
	t.Helper()
	host, port, _ := net.SplitHostPort(sb.Mail.Addr())
	env := map[string]string{
		"GITHUB_V3_API_URL":                    sb.GitHub.URL() + "/",
		"GITHUB_V4_API_URL":                    sb.GitHub.URL() + "/graphql",
		"GITHUB_WEB_URL":                       sb.GitHub.URL(),
		"GITHUB_APP_INTEGRATION_ID":            strconv.FormatInt(sb.App.ID, 10),
		"GITHUB_APP_WEBHOOK_SECRET":            sandbox.WebhookSecret,
		"GITHUB_APP_PRIVATE_KEY":               string(sb.App.PrivateKeyPEM),
		"COMMSGATE_SERVER_ADDRESS":             "127.0.0.1",
		"COMMSGATE_WORKERS":                    "4",
		"COMMSGATE_QUEUE_SIZE":                 "200",
		"COMMSGATE_SECRET_NAMES":               "smtp,slack-announce,status-page",
		"COMMSGATE_SECRET_SMTP_KIND":           "smtp",
		"COMMSGATE_SECRET_SMTP_HOST":           host,
		"COMMSGATE_SECRET_SMTP_PORT":           port,
		"COMMSGATE_SECRET_SMTP_FROM":           "Example Announcements <announce@example.org>",
		"COMMSGATE_SECRET_SMTP_TLS":            "opportunistic",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_KIND": "slack",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL":  sb.Hooks.URL() + "/slack",
		"COMMSGATE_SECRET_STATUS_PAGE_KIND":    "webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_URL":     sb.Hooks.URL() + "/webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_SECRET":  sandbox.HookSecret,
	}
	cfg, err := config.LoadServer("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &serverReplica{hookURL: "http://" + ln.Addr().String() + handlers.WebhookPath, logs: &logBuffer{}}
	var out io.Writer = r.logs
	if testing.Verbose() {
		out = io.MultiWriter(r.logs, os.Stderr)
	}
	if opts.name == "" {
		opts.name = "replica"
	}
	r.logger = zerolog.New(out).With().Timestamp().Str("replica", opts.name).Logger()
	configure := func(d handlers.ServerDeps) handlers.AppOptions {
		return handlers.AppOptions{
			Now: sb.Clock.Now, Observer: d.Metrics, Publications: d.Metrics,
			Secrets: d.Config.Publish.Secrets, BotLogin: sb.App.BotLogin,
			Retry: handlers.PublishRetry{Attempts: 3, BaseDelay: 20 * time.Millisecond},
		}
	}
	serverOpts := []handlers.ServerOption{handlers.WithLogger(r.logger), handlers.WithListener(ln)}
	if opts.retry != nil {
		serverOpts = append(serverOpts, handlers.WithRetryPolicy(*opts.retry))
	}
	serverOpts = append(serverOpts, handlers.WithApp(handlers.AppWiring{Configure: configure, Built: func(a *handlers.App) { r.app = a }})...)
	if r.server, err = handlers.NewServer(cfg, serverOpts...); err != nil {
		ln.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = r.server.Run(ctx); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	return r
}

// deliverTo posts one signed webhook to a server and fails the test on
// anything but 200/202.
func deliverTo(ctx context.Context, url string, ev githubfake.Event) error {
	resp, err := ev.Deliver(ctx, url, sandbox.WebhookSecret)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 202 {
		return fmt.Errorf("deliver %s to %s: HTTP %d", ev, url, resp.StatusCode)
	}
	return nil
}

// servers is a set of commsgate servers receiving the same webhooks, as
// when two replicas both get GitHub's deliveries (or one gets GitHub's,
// the other a manual redelivery).
type servers struct {
	urls    []string
	pending []func() int64
	sb      *sandbox.Sandbox
}

func bothServers(sb *sandbox.Sandbox, r *serverReplica) *servers {
	return &servers{
		urls:    []string{sb.HookURL, r.hookURL},
		pending: []func() int64{sb.Server.Pending, r.server.Pending},
		sb:      sb,
	}
}

// send delivers the event to every server at once, then settles: waits
// until all are idle and delivers the events their own writes caused to
// every server too, until none are left.
func (s *servers) send(t *testing.T, ev githubfake.Event) {
	t.Helper()
	ctx := ctxFor(t)
	s.fanOut(t, ctx, []githubfake.Event{ev})
	for round := 0; ; round++ {
		if round == 20 {
			t.Fatal("the servers' own events did not settle after 20 rounds")
		}
		s.waitIdle(t, ctx)
		more := s.sb.GitHub.TakeEvents()
		if len(more) == 0 {
			return
		}
		s.fanOut(t, ctx, more)
	}
}

func (s *servers) fanOut(t *testing.T, ctx context.Context, events []githubfake.Event) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(events)*len(s.urls))
	for _, ev := range events {
		for _, url := range s.urls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- deliverTo(ctx, url, ev)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (s *servers) waitIdle(t *testing.T, ctx context.Context) {
	t.Helper()
	for {
		busy := false
		for _, p := range s.pending {
			if p() > 0 {
				busy = true
			}
		}
		if !busy {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("servers did not become idle: %v", ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// sweepReplica runs one sweep of the replica, then settles everything.
func (s *servers) sweepReplica(t *testing.T, r *serverReplica) {
	t.Helper()
	if err := r.app.NewSweeper(time.Minute).SweepOnce(r.logger.WithContext(ctxFor(t))); err != nil {
		t.Fatal(err)
	}
	s.waitIdle(t, ctxFor(t))
	for _, ev := range s.sb.GitHub.TakeEvents() {
		s.send(t, ev)
	}
}
