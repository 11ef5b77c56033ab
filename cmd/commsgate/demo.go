package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func init() {
	registerCommand("demo", "run one communication's whole life on this machine (fake GitHub, real server)", runDemo)
}

// demoOptions are the demo's flags.
type demoOptions struct {
	outbox string
	keep   bool
	// logs receives the server's JSON logs; nil keeps them out of the way.
	logs io.Writer
}

// runDemo starts the sandbox (the project's fake GitHub, the real server,
// an SMTP and a webhook receiver, all on loopback) and walks one sensitive
// communication from draft to follow-up with real signed webhooks. Every
// step checks that it reached the expected state, so the demo doubles as
// a smoke test: any surprise ends it with status 1 and says where.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, code, ok := parseDemoFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	started := time.Now()
	outbox, err := prepareOutbox(opts.outbox)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate demo: %v\n", err)
		return 1
	}

	reporter := &fixtureErrors{}
	sb, err := startDemoSandbox(outbox, opts.logs, reporter)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate demo: start the sandbox: %v\n", err)
		return 1
	}
	defer sb.Close()

	out := &demoPrinter{w: stdout}
	out.intro(sb)
	d := &demoStory{sb: sb, out: out, fixtures: reporter, outbox: outbox}
	if err := d.run(ctx); err != nil {
		fmt.Fprintf(stderr, "\ncommsgate demo: FAILED at step %d: %v\n", d.step, err)
		if errors.Is(err, context.Canceled) {
			return 130
		}
		fmt.Fprintln(stderr, "The demo doubles as a smoke test; rerun with --logs to see the server's logs.")
		return 1
	}
	out.finish(outbox, time.Since(started))

	if opts.keep {
		return keepRunning(ctx, sb, d.pr.Number, outbox, stdout)
	}
	return 0
}

// startDemoSandbox starts the sandbox on the demo's clock, with the
// policy's auto_merge off (a maintainer merges, as most communities do)
// and branch protection requiring commsgate's checks, so the merge button
// is what the approval check says it is.
func startDemoSandbox(outbox string, logs io.Writer, reporter *fixtureErrors) (*sandbox.Sandbox, error) {
	sb, err := sandbox.Start(sandbox.Options{
		Clock: sandbox.NewClock(demoStart), Logs: logs, Outbox: outbox, Reporter: reporter,
	})
	if err != nil {
		return nil, err
	}
	// Required from commsgate's own app, as the README's guide ends, so
	// `doctor` finds nothing to fix in the running demo.
	sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main",
		githubfake.AppCheck(checkTemplate, sb.App.ID), githubfake.AppCheck(checkApproval, sb.App.ID))
	return sb, nil
}

func parseDemoFlags(args []string, stdout, stderr io.Writer) (demoOptions, int, bool) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts demoOptions
	var logs bool
	fs.StringVar(&opts.outbox, "outbox", "", "folder for copies of what was published (default: a new temporary folder)")
	fs.BoolVar(&opts.keep, "keep", false, "leave everything running afterwards and print the addresses to poke at")
	fs.BoolVar(&logs, "logs", false, "print the server's JSON logs to stderr")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: commsgate demo [--outbox DIR] [--keep] [--logs]

Runs the whole life of one sensitive communication on this machine, with
nothing to configure: the project's fake GitHub and the real commsgate
server start on loopback and are driven with signed webhooks, from a draft
with mistakes through staged approvals, a hold, the scheduled time and the
merge to publication and the follow-up issue.

`)
		fs.PrintDefaults()
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked for: help is the answer, not an error
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, 0, false
		}
		return opts, 2, false
	}
	if fs.NArg() > 0 {
		return opts, unexpectedArgs(stderr, "demo", fs.Args(), "demo takes only flags"), false
	}
	if logs {
		opts.logs = stderr
	}
	return opts, 0, true
}

// prepareOutbox creates the outbox folder, or a fresh temporary one.
func prepareOutbox(dir string) (string, error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "commsgate-demo-outbox-")
		if err != nil {
			return "", fmt.Errorf("create a temporary outbox: %w", err)
		}
		return tmp, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("outbox %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("create outbox %s: %w", abs, err)
	}
	return abs, nil
}
