package handlers

import (
	"net/http"
	"time"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/config"
)

// EvaluationObserver records how evaluations went; the server's metrics
// implement it. It is an interface so the App does not depend on how
// metrics are exported.
type EvaluationObserver interface {
	ObserveEvaluation(d time.Duration, outcome string)
}

// AppOptions tune an App; the zero value is production's defaults.
type AppOptions struct {
	// Now is the clock; tests and the demo run their own.
	Now func() time.Time
	// TeamTTL bounds how long a team's member list is reused.
	TeamTTL time.Duration
	// BotLogin is the app's own login ("commsgate[bot]"); its events are
	// ignored. Any Bot sender's comments are ignored regardless.
	BotLogin string
	Observer EvaluationObserver
	// Secrets are the publish targets' secrets from the server config.
	Secrets map[string]config.PublishSecret
	// HTTPClient posts to Slack and webhook targets.
	HTTPClient *http.Client
	// Retry bounds the in-process retries of a failed delivery.
	Retry PublishRetry
	// Publications observes delivery outcomes for metrics.
	Publications PublicationObserver
}

// PublicationObserver counts deliveries by target kind and outcome.
type PublicationObserver interface {
	PublicationResult(target, kind, outcome string)
}

// App is commsgate's webhook side: it turns events into evaluations of
// pull requests and applies the decisions to GitHub.
type App struct {
	clients githubapp.ClientCreator
	now     func() time.Time
	teams   *ttlCache[[]string]
	perms   *ttlCache[string]
	// absent maps "owner/repo" to the default branch commit at which the
	// repository had no policy file.
	absent *ttlCache[string]
	// parsed maps a policy file's blob SHA to its parsed rules.
	parsed   *ttlCache[repoPolicy]
	coalesce *coalescer
	observer EvaluationObserver
	self     *identity

	secrets      map[string]config.PublishSecret
	httpClient   *http.Client
	retry        PublishRetry
	publications PublicationObserver
	publishing   *coalescer
}

// NewApp builds the App around a go-githubapp client creator.
func NewApp(clients githubapp.ClientCreator, opts AppOptions) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TeamTTL == 0 {
		opts.TeamTTL = 5 * time.Minute
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = defaultHTTPClient()
	}
	if opts.Retry.Attempts == 0 {
		opts.Retry = PublishRetry{Attempts: 4, BaseDelay: 2 * time.Second}
	}
	return &App{
		clients:  clients,
		now:      opts.Now,
		teams:    newTTLCache[[]string](opts.TeamTTL, 4096, opts.Now),
		perms:    newTTLCache[string](opts.TeamTTL, 16384, opts.Now),
		absent:   newTTLCache[string](24*time.Hour, 16384, opts.Now),
		parsed:   newTTLCache[repoPolicy](24*time.Hour, 256, opts.Now),
		coalesce: newCoalescer(),
		observer: opts.Observer,
		self:     &identity{login: opts.BotLogin},

		secrets:      opts.Secrets,
		httpClient:   opts.HTTPClient,
		retry:        opts.Retry,
		publications: opts.Publications,
		publishing:   newCoalescer(),
	}
}

// EventHandlers are the go-githubapp handlers to register with the
// dispatcher.
func (a *App) EventHandlers() []githubapp.EventHandler {
	return []githubapp.EventHandler{
		&pullRequestHandler{app: a},
		&reviewHandler{app: a},
		&commentHandler{app: a},
		&checkRunHandler{app: a},
		&checkSuiteHandler{app: a},
		&membershipHandler{app: a},
		&installationHandler{app: a},
	}
}
