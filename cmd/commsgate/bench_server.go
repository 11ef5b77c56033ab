package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// benchServer is the server under measurement: built like `commsgate
// serve` from configuration given through the environment, with the
// bench's worker and queue sizes, against the sandbox's fake GitHub, mail
// and hook receivers. The sandbox's own server stays idle, so its fixed
// sizes do not decide what is measured.
type benchServer struct {
	server  *handlers.Server
	baseURL string
	hookURL string
	stop    func()
}

func startBenchServer(sb *sandbox.Sandbox, workers, queueSize int) (*benchServer, error) {
	host, port, err := net.SplitHostPort(sb.Mail.Addr())
	if err != nil {
		return nil, fmt.Errorf("bench server: mail receiver address: %w", err)
	}
	env := map[string]string{
		"GITHUB_V3_API_URL":                    sb.GitHub.URL() + "/",
		"GITHUB_V4_API_URL":                    sb.GitHub.URL() + "/graphql",
		"GITHUB_WEB_URL":                       sb.GitHub.URL(),
		"GITHUB_APP_INTEGRATION_ID":            strconv.FormatInt(sb.App.ID, 10),
		"GITHUB_APP_WEBHOOK_SECRET":            sb.Secret,
		"GITHUB_APP_PRIVATE_KEY":               string(sb.App.PrivateKeyPEM),
		"COMMSGATE_SERVER_ADDRESS":             "127.0.0.1",
		"COMMSGATE_WORKERS":                    strconv.Itoa(workers),
		"COMMSGATE_QUEUE_SIZE":                 strconv.Itoa(queueSize),
		"COMMSGATE_SECRET_NAMES":               "smtp,slack-announce,status-page",
		"COMMSGATE_SECRET_SMTP_KIND":           "smtp",
		"COMMSGATE_SECRET_SMTP_HOST":           host,
		"COMMSGATE_SECRET_SMTP_PORT":           port,
		"COMMSGATE_SECRET_SMTP_FROM":           "Bench <bench@example.org>",
		"COMMSGATE_SECRET_SMTP_TLS":            "opportunistic",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_KIND": "slack",
		"COMMSGATE_SECRET_SLACK_ANNOUNCE_URL":  sb.Hooks.URL() + "/slack",
		"COMMSGATE_SECRET_STATUS_PAGE_KIND":    "webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_URL":     sb.Hooks.URL() + "/webhook",
		"COMMSGATE_SECRET_STATUS_PAGE_SECRET":  sandbox.HookSecret,
	}
	cfg, err := config.LoadServer("", func(k string) string { return env[k] })
	if err != nil {
		return nil, fmt.Errorf("bench server config: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench server listener: %w", err)
	}
	// Logs are discarded at the production level: their formatting is
	// part of the cost being measured, their text is not needed.
	logger := handlers.NewLogger(cfg.Logging, io.Discard)
	configure := func(d handlers.ServerDeps) handlers.AppOptions {
		return handlers.AppOptions{
			Now: sb.Clock.Now, Observer: d.Metrics, Publications: d.Metrics,
			Secrets: d.Config.Publish.Secrets, BotLogin: sb.App.BotLogin,
		}
	}
	opts := append([]handlers.ServerOption{handlers.WithLogger(logger), handlers.WithListener(ln)},
		handlers.WithApp(handlers.AppWiring{Configure: configure})...)
	srv, err := handlers.NewServer(cfg, opts...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("bench server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(stopped) }()
	b := &benchServer{
		server:  srv,
		baseURL: "http://" + ln.Addr().String(),
		hookURL: "http://" + ln.Addr().String() + handlers.WebhookPath,
		stop:    func() { cancel(); <-stopped },
	}
	if err := b.waitReady(); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

func (b *benchServer) waitReady() error {
	client := newLoopbackClient()
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(b.baseURL + handlers.ReadyzPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("bench server did not become ready at %s within 10s", b.baseURL)
}
