// Package handlers is commsgate's webhook side: it turns GitHub events
// into requests for the gate (package gate: evaluate a pull request and
// apply the decision) and the publisher (package publication: publish a
// merge), and runs the sweep (package sweep) that catches up with what
// no event announces, such as a publish_at that has come.
//
// The packages below it split the work the way data flows:
//
//	ghclient     the GitHub client stack: retries, ETag cache, tokens
//	facts        what GitHub says, read into policy.Facts
//	gate         facts → policy.Evaluate → plan → check runs, requests
//	report       every text commsgate writes to GitHub, in words
//	publication  a merge → deliveries through publish, ledger, follow-up
//	publish      rendering and sending to mail, Slack, webhooks, issues
//	sweep        periodic and event-driven walks over installations
//	calendar     the communications of a repository, and their collisions
//	server       HTTP: webhooks, health, metrics, the worker queue
//
// policy (pure: no network, no clock) decides; everything here gathers
// facts for it and applies what it decided.
package handlers

import (
	"net/http"
	"time"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/sweep"
	"github.com/commsgate/commsgate/handlers/timers"
)

// AppOptions tune an App; the zero value is production's defaults.
type AppOptions struct {
	// Now is the clock; tests and the demo run their own.
	Now func() time.Time
	// TeamTTL bounds how long a team's member list is reused.
	TeamTTL time.Duration
	// AppID is the GitHub App's id: check runs other apps create under
	// commsgate's names are not commsgate's.
	AppID int64
	// BotLogin is the app's own login ("commsgate[bot]"), looked up from
	// GET /app when empty; its events are ignored, as are any Bot's.
	BotLogin string
	// Evaluations observes how evaluations went, for metrics.
	Evaluations gate.Observer
	// Secrets are the publish targets' secrets from the server config.
	Secrets map[string]config.PublishSecret
	// HTTPClient posts to Slack and webhook targets.
	HTTPClient *http.Client
	// Retry bounds the in-process retries of a failed delivery.
	Retry publication.Retry
	// Publications observes delivery outcomes, for metrics.
	Publications publication.Observer
	// TimerPoll bounds how long the timers go without re-reading the
	// clock (30 seconds when zero; the sandbox's clock jumps, so it polls
	// often). TimerLag observes how late each timer fired.
	TimerPoll time.Duration
	TimerLag  func(time.Duration)
	// NoBurstBackoff: see gate.Options.
	NoBurstBackoff bool
	// PublicURL is server.public_url, for the check runs' details_url
	// (see gate.Options).
	PublicURL string
}

// App routes webhook events to the gate and the publisher. The two share
// one cache of GitHub answers and one identity.
type App struct {
	clients   githubapp.ClientCreator
	cache     *facts.Cache
	self      *ghclient.Identity
	gate      *gate.Gate
	publisher *publication.Publisher
	sweeper   *sweep.Sweeper
	timers    *timers.Timers
	calendar  *calendar.Lister
}

// NewApp builds the App around a go-githubapp client creator.
func NewApp(clients githubapp.ClientCreator, o AppOptions) *App {
	if o.Now == nil {
		o.Now = time.Now
	}
	cache := facts.NewCache(o.TeamTTL, o.Now)
	self := ghclient.NewIdentity(clients, o.AppID, o.BotLogin)
	a := &App{clients: clients, cache: cache, self: self, timers: timers.New(o.Now, o.TimerPoll, o.TimerLag)}
	// The calendar's cache is filled by every evaluation and tells each
	// evaluation about the repository's other communications.
	seen := calendar.NewCache(o.Now)
	a.calendar = calendar.NewLister(clients, cache, self, seen, o.Now)
	a.gate = gate.New(clients, gate.Options{
		Cache: cache, Self: self, Now: o.Now, Observer: o.Evaluations, Timers: a.timers, Calendar: seen,
		NoBurstBackoff: o.NoBurstBackoff, PublicURL: o.PublicURL,
	})
	a.publisher = publication.New(clients, publication.Options{
		Cache: cache, Self: self, Now: o.Now, Timers: a.timers,
		Secrets: o.Secrets, HTTPClient: o.HTTPClient, Retry: o.Retry, Observer: o.Publications, PublicURL: o.PublicURL,
	})
	a.sweeper = a.NewSweeper(0)
	return a
}

// NewSweeper sweeps every interval (a minute when zero) with the App's
// gate and publisher.
func (a *App) NewSweeper(interval time.Duration) *sweep.Sweeper {
	return sweep.New(a.clients, a.cache, a.self, a.gate, a.publisher, interval)
}

// Calendar lists a repository's communications as the calendar shows
// them, through the App's clients and caches.
func (a *App) Calendar() *calendar.Lister { return a.calendar }

// Timers fire the App's work at its instants: the time gate at
// publish_at, an early merge's publication. Run them beside the server.
func (a *App) Timers() *timers.Timers { return a.timers }

// Deferred counts evaluations of hot pull requests waiting out their
// burst backoff (see coalesce.Group), which no queued webhook stands for.
func (a *App) Deferred() int64 { return a.gate.Deferred() }

// EventHandlers are the go-githubapp handlers the server routes
// deliveries to (server.WithEventHandlers).
func (a *App) EventHandlers() []githubapp.EventHandler {
	return []githubapp.EventHandler{
		&pullRequestHandler{app: a},
		&reviewHandler{app: a},
		&commentHandler{app: a},
		&checkRunHandler{app: a},
		&checkSuiteHandler{app: a},
		&membershipHandler{app: a},
		&memberHandler{app: a},
		&installationHandler{app: a},
	}
}
