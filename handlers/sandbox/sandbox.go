// Package sandbox runs commsgate for real on loopback: the project's fake
// GitHub, the real server (the same code as `commsgate serve`), a real
// SMTP receiver and a webhook receiver. End-to-end tests and
// `commsgate demo` drive it with signed webhooks.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/server"
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
	Server       *server.Server
	Mail         *MailReceiver
	Hooks        *HookReceiver
	Clock        *Clock
	// HookURL is where webhooks go; Secret signs them.
	HookURL string
	Secret  string
	// BaseURL is the server's address (health, metrics).
	BaseURL string

	// own is the sandbox's server; now is the clock it and the fake
	// GitHub read.
	own *Replica
	now func() time.Time
	// webKey is the web UI's session key, shared by every replica so a
	// person stays signed in across them.
	webKey string
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
	s := &Sandbox{Clock: opts.Clock, Secret: WebhookSecret, now: time.Now, webKey: randomKey()}
	if opts.Clock != nil {
		s.now = opts.Clock.Now
	}
	s.GitHub = githubfake.New(opts.Reporter)
	s.GitHub.SetClock(s.now)
	s.App = s.GitHub.CreateApp("commsgate")
	seed(s.GitHub, opts.AutoMerge, opts.Files)
	s.Installation, _ = s.GitHub.Install(s.App.ID, Org)

	var err error
	if s.Mail, err = StartMailReceiver(opts.Outbox); err != nil {
		s.GitHub.Close()
		return nil, err
	}
	s.Hooks = StartHookReceiver([]byte(HookSecret), opts.Outbox, s.now)

	logs := opts.Logs
	if logs == nil {
		logs = io.Discard
	}
	logger := zerolog.New(logs).With().Timestamp().Logger()
	s.own, err = s.StartReplica(ReplicaOptions{
		Logger:  &logger,
		Workers: opts.Workers, QueueSize: opts.QueueSize,
		SweepEvery: opts.SweepEvery,
		// Quick retries: a sandbox shows backoff, it does not wait for it.
		PublishRetry:   publication.Retry{Attempts: 3, BaseDelay: 20 * time.Millisecond},
		NoBurstBackoff: true,
	})
	if err != nil {
		s.closeReceivers()
		return nil, err
	}
	s.Server, s.BaseURL, s.HookURL = s.own.Server, s.own.BaseURL, s.own.HookURL
	return s, nil
}

func randomKey() string {
	buf := make([]byte, 32)
	_, _ = rand.Read(buf) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(buf)
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
	// Timers due by the clock fire now and are waited for, so a test that
	// moved the clock sees what they did.
	if err := s.own.App().Timers().Flush(ctx); err != nil {
		return fmt.Errorf("waiting for the timers: %w", err)
	}
	for s.own.Busy() > 0 {
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
	if err := s.own.SweepOnce(ctx); err != nil {
		return err
	}
	return s.Settle(ctx)
}

// Close stops the server and every receiver.
func (s *Sandbox) Close() {
	if s.own != nil {
		_ = s.own.Close()
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

// Busy counts the work the sandbox's own server is doing (see Replica.Busy).
func (s *Sandbox) Busy() int64 { return s.own.Busy() }
