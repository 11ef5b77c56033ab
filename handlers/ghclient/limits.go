package ghclient

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"
)

// paceBelow is the remaining primary budget under which an installation's
// requests are spread out until the limit resets, instead of spending the
// rest at once and then failing every evaluation until the hour is over.
const paceBelow = 100

// Reasons an installation's requests wait, the label values of
// commsgate_github_rate_limit_waits_total.
const (
	waitSecondaryLimit = "secondary_rate_limit"
	waitPrimaryLimit   = "primary_rate_limit"
	waitPrimaryPacing  = "primary_pacing"
)

// rateLimits holds one gate per installation. GitHub's limits belong to
// the installation, not to a request or a worker: once GitHub has said
// "slow down" to one request, every other worker asking for the same
// installation would only earn more 403s and a longer ban. Other
// installations have their own limits and are not held up.
type rateLimits struct {
	observer Observer
	now      func() time.Time

	mu    sync.Mutex
	gates map[int64]*installationGate
}

func newRateLimits(observer Observer) *rateLimits {
	return &rateLimits{observer: observer, now: time.Now, gates: map[int64]*installationGate{}}
}

// gate returns the installation's gate; it survives the client being
// rebuilt after a refused token, because the limit does too.
func (l *rateLimits) gate(installationID int64) *installationGate {
	l.mu.Lock()
	defer l.mu.Unlock()
	g, ok := l.gates[installationID]
	if !ok {
		if len(l.gates) >= maxCachedInstallations {
			clear(l.gates) // only a gate that is paused matters, and pauses are short
		}
		g = &installationGate{installationID: installationID, limits: l}
		l.gates[installationID] = g
	}
	return g
}

// installationGate is where every request to one installation waits while
// GitHub has asked the app to wait.
type installationGate struct {
	installationID int64
	limits         *rateLimits

	mu sync.Mutex
	// pausedUntil is when a secondary limit, or an exhausted primary one,
	// has passed; reason says which.
	pausedUntil time.Time
	reason      string
	// spacing > 0 paces requests while the primary budget runs low;
	// nextSlot is when the next paced request may start.
	spacing  time.Duration
	nextSlot time.Time
}

// wait blocks until a request may be sent to the installation, or ctx ends.
func (g *installationGate) wait(ctx context.Context) error {
	now := g.limits.now()
	g.mu.Lock()
	start, reason := now, ""
	if g.pausedUntil.After(start) {
		start, reason = g.pausedUntil, g.reason
	}
	if g.spacing > 0 {
		if g.nextSlot.After(start) {
			start, reason = g.nextSlot, waitPrimaryPacing
		}
		g.nextSlot = start.Add(g.spacing)
	}
	g.mu.Unlock()

	d := start.Sub(now)
	if d <= 0 {
		return nil
	}
	if o := g.limits.observer; o != nil {
		o.GitHubRateLimitWait(reason, d)
	}
	zerolog.Ctx(ctx).Debug().Int64("installation_id", g.installationID).
		Str("reason", reason).Dur("wait", d).
		Msg("github request waits for the installation's rate limit")
	return sleepContext(ctx, d)
}

// pause holds every request to the installation until until. A later
// pause never shortens an earlier one.
func (g *installationGate) pause(ctx context.Context, until time.Time, reason string) {
	g.mu.Lock()
	extended := until.After(g.pausedUntil)
	if extended {
		g.pausedUntil, g.reason = until, reason
	}
	g.mu.Unlock()
	if extended {
		zerolog.Ctx(ctx).Warn().Int64("installation_id", g.installationID).
			Str("reason", reason).Time("until", until).
			Msg("github asked the app to slow down: every request to this installation waits until then")
	}
}

// observe reads the primary budget from a response. Below paceBelow the
// remaining requests are spread evenly until the reset; at zero the
// installation pauses until the reset.
func (g *installationGate) observe(ctx context.Context, res *http.Response) {
	if res == nil || res.StatusCode == http.StatusUnauthorized {
		// A refused token is answered with the anonymous budget (60 an
		// hour), which is not the installation's.
		return
	}
	if r := res.Header.Get("X-RateLimit-Resource"); r != "" && r != "core" {
		return // search and graphql have budgets of their own
	}
	remaining, err1 := strconv.Atoi(res.Header.Get("X-RateLimit-Remaining"))
	resetUnix, err2 := strconv.ParseInt(res.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	now := g.limits.now()
	// One second more: the reset instant is rounded down to a second.
	reset := time.Unix(resetUnix, 0).Add(time.Second)
	if !reset.After(now) {
		return
	}
	if remaining <= 0 {
		g.pause(ctx, reset, waitPrimaryLimit)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if remaining >= paceBelow {
		g.spacing = 0
		return
	}
	spacing := reset.Sub(now) / time.Duration(remaining)
	if g.spacing == 0 {
		zerolog.Ctx(ctx).Warn().Int64("installation_id", g.installationID).
			Int("remaining", remaining).Time("reset", reset).Dur("spacing", spacing).
			Msg("github rate limit running low: spreading this installation's requests until it resets")
	}
	g.spacing = spacing
}

type gateKey struct{}

// withGate lets the retry transport find the installation's gate.
func withGate(ctx context.Context, g *installationGate) context.Context {
	return context.WithValue(ctx, gateKey{}, g)
}

func gateFrom(ctx context.Context) *installationGate {
	g, _ := ctx.Value(gateKey{}).(*installationGate)
	return g
}

// gatedClient returns a copy of an installation client whose requests
// carry the installation's gate, so that the retry transport (one stack
// shared by every installation) knows which gate to wait at and to pause.
func gatedClient(client *github.Client, g *installationGate) *github.Client {
	hc := client.Client()
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return next.RoundTrip(r.WithContext(withGate(r.Context(), g)))
	})
	gated := github.NewClient(hc)
	gated.BaseURL, gated.UploadURL, gated.UserAgent = client.BaseURL, client.UploadURL, client.UserAgent
	return gated
}
