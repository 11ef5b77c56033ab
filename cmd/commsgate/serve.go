package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/server"
)

const serveUsage = `usage: commsgate serve [--config FILE]

Runs the GitHub App: receives webhooks on POST /api/github/hook, answers
/healthz, /readyz and /metrics, and stops gracefully on SIGTERM/SIGINT
(draining queued webhooks for up to shutdown.drain_timeout).

Every setting can come from the environment instead of the file
(GITHUB_APP_INTEGRATION_ID, GITHUB_APP_WEBHOOK_SECRET, GITHUB_APP_PRIVATE_KEY,
COMMSGATE_SERVER_PORT, …; see config/SERVER_CONFIG.md). The environment
overrides the file. --config defaults to $COMMSGATE_CONFIG.
`

// runServe is `commsgate serve`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	tuneGC()
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	configPath := fset.String("config", os.Getenv("COMMSGATE_CONFIG"), "server configuration file (YAML)")
	sweepEvery := fset.Duration("sweep-interval", time.Minute, "how often open communication PRs are re-evaluated (publish_at, auto-merge, follow-up reminders)")
	extra, code, ok := parseArgs(fset, serveUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(extra) > 0 {
		return unexpectedArgs(stderr, "serve", extra, "serve takes only flags")
	}

	if *sweepEvery <= 0 {
		// The sweep is what turns a scheduled notice green at publish_at
		// and resumes interrupted publications; without it they wait
		// forever. handlers.Deploy reads zero as "no sweep" (tests sweep
		// on demand), so the flag must never pass it through. Checked
		// before the configuration, so the flag's error is not hidden
		// behind a configuration error.
		return usageError(stderr, "serve", "--sweep-interval must be a positive duration such as 1m, not %s: the sweep turns scheduled notices green at publish_at and resumes publications, so it cannot be turned off", *sweepEvery)
	}
	cfg, err := config.LoadServer(*configPath, os.Getenv)
	if err != nil {
		// One line, naming the key to fix; nothing else is printed.
		fmt.Fprintf(stderr, "commsgate serve: %v\n", err)
		return 1
	}
	logger := server.NewLogger(cfg.Logging, stderr)
	d, err := handlers.Deploy(cfg, handlers.DeployOptions{Logger: logger, SweepEvery: *sweepEvery})
	if err != nil {
		logger.Error().Err(err).Msg("commsgate could not start")
		return 1
	}
	if err := d.Server.Run(ctx); err != nil {
		logger.Error().Err(err).Msg("commsgate stopped with an error")
		return 1
	}
	return 0
}
