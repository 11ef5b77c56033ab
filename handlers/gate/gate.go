// Package gate is one evaluation of a pull request: it reads the facts
// (package facts), lets policy.Evaluate decide, plans the effects and
// applies them: the template and approval check runs, review requests,
// reactions to commands and, at publish_at, the merge.
//
// A green check is the one result that must never rest on stale facts,
// so it is guarded twice: it is decided on team answers read fresh from
// GitHub, and after writing it the pass re-reads what it rested on and
// starts over if anything moved (see GitHub.Moved for why after).
package gate

import (
	"context"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/coalesce"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
)

// Observer records how evaluations went; the server's metrics implement it.
type Observer interface {
	ObserveEvaluation(d time.Duration, outcome string)
}

// Scheduler calls fire at an instant; package timers implements it.
type Scheduler interface {
	At(key string, at time.Time, fire func(context.Context))
}

// A PR under a burst of deliveries is re-evaluated at once after the run
// in progress, then at most after 0.1, 0.2, 0.4… s, and no less often
// than every 2 s, until the burst ends; the last evaluation still reads
// GitHub after the last delivery. 4,000 deliveries over 10 s then cost a
// dozen evaluations, not hundreds (see `commsgate bench`).
const (
	burstBackoff        = 100 * time.Millisecond
	burstBackoffCeiling = 2 * time.Second
)

// Gate evaluates pull requests. Evaluations of one PR never overlap in a
// process; a request arriving meanwhile folds into one more pass.
type Gate struct {
	clients  githubapp.ClientCreator
	cache    *facts.Cache
	self     *ghclient.Identity
	now      func() time.Time
	observer Observer
	timers   Scheduler
	passes   *coalesce.Group[Request]
	calendar Calendar
	// publicURL is server.public_url, for the check runs' details_url.
	publicURL string
	// reader builds the facts reader of one pass; unit tests stand a
	// struct fake in.
	reader func(gh *github.Client) facts.Reader
}

// Options are what a Gate needs besides the GitHub clients.
type Options struct {
	Cache    *facts.Cache
	Self     *ghclient.Identity
	Now      func() time.Time
	Observer Observer
	// Timers evaluate a scheduled notice again at the moment its time
	// gate opens; without them the sweep does, at its next pass.
	Timers Scheduler
	// Calendar remembers what each evaluation read and tells it about the
	// repository's other communications, for the collision warning;
	// without it there is no warning.
	Calendar Calendar
	// NoBurstBackoff evaluates a hot PR again as soon as the last run
	// ends. Production backs off; a test harness that waits for the
	// server to be idle after every event turns it off, or it would wait
	// out backoffs it did not come to test.
	NoBurstBackoff bool
	// PublicURL is server.public_url: the check runs' details_url is the
	// pull request's notice page under it (report.NoticeURL); without it
	// they carry none.
	PublicURL string
}

// New builds the gate.
func New(clients githubapp.ClientCreator, o Options) *Gate {
	if o.Now == nil {
		o.Now = time.Now
	}
	g := &Gate{
		clients: clients, cache: o.Cache, self: o.Self, now: o.Now, observer: o.Observer, timers: o.Timers,
		passes: coalesce.New(merge), calendar: o.Calendar, publicURL: o.PublicURL,
	}
	if !o.NoBurstBackoff {
		g.passes.WithBackoff(coalesce.Doubling(burstBackoff, burstBackoffCeiling)).
			WithDeferredErrors(func(ctx context.Context, key string, err error) {
				zerolog.Ctx(ctx).Warn().Err(err).Str("pull_request_key", key).
					Msg("evaluation after the burst backoff failed; the next event or the sweep evaluates it again")
			})
	}
	g.reader = func(gh *github.Client) facts.Reader { return facts.NewGitHub(gh, g.cache, g.self) }
	return g
}

// Evaluate re-evaluates one pull request from GitHub's current state and
// applies the decision.
func (g *Gate) Evaluate(ctx context.Context, t facts.Target, req Request) error {
	return g.passes.Do(ctx, t.Key(), req, func(r Request) error {
		start := time.Now()
		outcome, err := g.evaluateOnce(ctx, t, r)
		if err != nil {
			outcome = "error"
		}
		if g.observer != nil {
			g.observer.ObserveEvaluation(time.Since(start), outcome)
		}
		return err
	})
}

// Deferred counts evaluations of hot pull requests waiting out their
// burst backoff, or running after it: work no webhook handler waits for.
func (g *Gate) Deferred() int64 { return g.passes.Deferred() }

// wakeAt evaluates t again at at, when its time gate opens.
func (g *Gate) wakeAt(ctx context.Context, t facts.Target, at time.Time) {
	if g.timers == nil {
		return
	}
	logger := *zerolog.Ctx(ctx)
	g.timers.At("gate:"+t.Key(), at, func(base context.Context) {
		ctx := logger.WithContext(base)
		if err := g.Evaluate(ctx, t, Request{Trigger: TimerFired}); err != nil {
			logger.Warn().Err(err).Msg("evaluation at the time gate failed; the sweep retries")
		}
	})
}
