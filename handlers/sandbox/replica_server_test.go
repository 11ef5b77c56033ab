package sandbox_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/handlers/server"
)

// serverReplica is another commsgate server (its own queue, caches,
// coalescer and GitHub clients) against the sandbox's fake GitHub, mail
// and hook receivers: a second replica of a deployment, or one started
// with a different retry policy.
type serverReplica struct {
	server  *server.Server
	app     *handlers.App
	hookURL string
	logger  zerolog.Logger
	logs    *logBuffer
	// busy counts the replica's queued webhooks and running timers.
	busy func() int64
}

type replicaOptions struct {
	name string
	// retry replaces the GitHub client's retry policy when set.
	retry *ghclient.RetryPolicy
}

// startServerReplica builds the server the way the sandbox does, from
// configuration given through the environment.
func startServerReplica(t *testing.T, sb *sandbox.Sandbox, opts replicaOptions) *serverReplica {
	t.Helper()
	r := &serverReplica{logs: &logBuffer{}}
	var out io.Writer = r.logs
	if testing.Verbose() {
		out = io.MultiWriter(r.logs, os.Stderr)
	}
	if opts.name == "" {
		opts.name = "replica"
	}
	r.logger = zerolog.New(out).With().Timestamp().Str("replica", opts.name).Logger()
	started, err := sb.StartReplica(sandbox.ReplicaOptions{
		Logger:  &r.logger,
		Workers: 4, QueueSize: 200,
		GitHubRetry:  opts.retry,
		PublishRetry: publication.Retry{Attempts: 3, BaseDelay: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = started.Close() })
	r.server, r.app, r.hookURL, r.busy = started.Server, started.App(), started.HookURL, started.Busy
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
		pending: []func() int64{sb.Busy, r.busy},
		sb:      sb,
	}
}

// onlyReplica is the set of just that replica: events the load balancer
// sends there and nowhere else.
func onlyReplica(sb *sandbox.Sandbox, r *serverReplica) *servers {
	return &servers{urls: []string{r.hookURL}, pending: []func() int64{r.busy}, sb: sb}
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
