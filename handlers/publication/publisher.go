// Package publication publishes a merged pull request's communications:
// it checks them once more at the merge commit, keeps a ledger of every
// delivery in the commsgate/publish check run (written before and after
// each send, so a restart, a redelivery or another replica sends only
// what is missing), delivers through package publish, and opens the
// follow-up issue. The sweeper resumes what a stopped process left and
// retries temporary failures.
package publication

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/coalesce"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
)

// Observer counts deliveries by target kind and outcome; the server's
// metrics implement it.
type Observer interface {
	PublicationResult(target, kind, outcome string)
}

// Scheduler calls fire at an instant; package timers implements it.
type Scheduler interface {
	At(key string, at time.Time, fire func(context.Context))
}

// Retry bounds the in-process retries of one publication.
type Retry struct {
	Attempts  int
	BaseDelay time.Duration
}

// Options are what a Publisher needs besides the GitHub clients.
type Options struct {
	Cache *facts.Cache
	Self  *ghclient.Identity
	Now   func() time.Time
	// Secrets are the publish targets' secrets from the server config.
	Secrets map[string]config.PublishSecret
	// HTTPClient posts to Slack and webhook targets.
	HTTPClient *http.Client
	// Retry bounds the in-process retries of a failed delivery; zero is
	// four attempts, two seconds apart and doubling.
	Retry    Retry
	Observer Observer
	// Timers publish an early merge at its publish_at; without them the
	// sweep does, at its next pass.
	Timers Scheduler
	// PublicURL is server.public_url: the publish run's details_url is
	// the pull request's notice page under it; without it there is none.
	PublicURL string
}

// Publisher publishes merged pull requests. Publications of one PR never
// overlap in a process; across processes the ledger's claim keeps them
// apart.
type Publisher struct {
	clients    githubapp.ClientCreator
	cache      *facts.Cache
	self       *ghclient.Identity
	now        func() time.Time
	secrets    map[string]config.PublishSecret
	httpClient *http.Client
	retry      Retry
	observer   Observer
	timers     Scheduler
	publicURL  string
	runs       *coalesce.Group[struct{}]
	// followUps serialises, per repository, what edits follow-up records
	// after publication (reminders, ratification): the record is read,
	// changed and written back, and two writers would post a reminder
	// twice.
	followUps keyedLocks
}

// keyedLocks is one mutex per key, made on first use.
type keyedLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (k *keyedLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*sync.Mutex{}
	}
	l, ok := k.locks[key]
	if !ok {
		l = &sync.Mutex{}
		k.locks[key] = l
	}
	k.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// New builds the publisher.
func New(clients githubapp.ClientCreator, o Options) *Publisher {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Retry.Attempts == 0 {
		o.Retry = Retry{Attempts: 4, BaseDelay: 2 * time.Second}
	}
	if o.Self == nil {
		o.Self = ghclient.NewIdentity(clients, 0, "")
	}
	if o.Cache == nil {
		o.Cache = facts.NewCache(0, o.Now)
	}
	return &Publisher{
		clients: clients, cache: o.Cache, self: o.Self, now: o.Now,
		secrets: o.Secrets, httpClient: o.HTTPClient, retry: o.Retry, observer: o.Observer,
		timers: o.Timers, publicURL: o.PublicURL,
		runs: coalesce.New(func(a, b struct{}) struct{} { return a }),
	}
}

// reader reads through one installation's client.
func (pub *Publisher) reader(gh *github.Client) *facts.GitHub {
	return facts.NewGitHub(gh, pub.cache, pub.self)
}

// publishAt sets the timer that publishes t's merge at at.
func (pub *Publisher) publishAt(ctx context.Context, t facts.Target, at time.Time) {
	if pub.timers == nil {
		return
	}
	logger := zerolog.Ctx(ctx).With().Str("owner", t.Owner).Str("repo", t.Repo).Int("pr", t.Number).Logger()
	pub.timers.At("publish:"+t.Key(), at, func(base context.Context) {
		ctx := logger.WithContext(base)
		if err := pub.Publish(ctx, t); err != nil {
			logger.Warn().Err(err).Msg("publication at publish_at failed; the sweep retries")
		}
	})
}

// remindAt sets the timer that posts a follow-up's reminders at at; the
// sweep posts them too, so a restart loses only the precision.
func (pub *Publisher) remindAt(ctx context.Context, t facts.Target, at time.Time) {
	if pub.timers == nil {
		return
	}
	logger := zerolog.Ctx(ctx).With().Str("owner", t.Owner).Str("repo", t.Repo).Int("issue", t.Number).Logger()
	pub.timers.At(fmt.Sprintf("remind:%s@%d", t.Key(), at.Unix()), at, func(base context.Context) {
		ctx := logger.WithContext(base)
		gh, err := pub.clients.NewInstallationClient(t.InstallationID)
		if err != nil {
			logger.Warn().Err(err).Msg("reminder: no installation client; the sweep retries")
			return
		}
		pol, branch, err := pub.reader(gh).Policy(ctx, t)
		if err != nil || !pol.Found {
			logger.Warn().Err(err).Msg("reminder: policy unreadable; the sweep retries")
			return
		}
		repo := t
		repo.DefaultBranch, repo.Number = branch, 0
		if err := pub.RemindRepo(ctx, gh, repo, pol); err != nil {
			logger.Warn().Err(err).Msg("reminder failed; the sweep retries")
		}
	})
}
