// Package sweep walks every installation's repositories: periodically,
// to turn scheduled notices green (or merge them) at publish_at, resume
// publications a stopped process left and remind follow-ups that are
// due; and on demand, to re-evaluate the open pull requests an event not
// about one PR affects (a team that changed, a repository newly reached).
//
// It holds no state of its own: what is due is derived each time from
// GitHub (publish_at in the documents, holds in the comments, ledgers in
// check runs), so a restart or a second replica loses nothing, and since
// every action is idempotent two replicas sweeping at once only do the
// same work twice.
package sweep

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publication"
)

// Sweeper visits installations for the gate and the publisher.
type Sweeper struct {
	clients   githubapp.ClientCreator
	cache     *facts.Cache
	self      *ghclient.Identity
	gate      *gate.Gate
	publisher *publication.Publisher
	interval  time.Duration
}

// New sweeps every interval (a minute when zero: a notice then turns
// green, or is merged, within a minute of publish_at).
func New(clients githubapp.ClientCreator, cache *facts.Cache, self *ghclient.Identity, g *gate.Gate, pub *publication.Publisher, interval time.Duration) *Sweeper {
	if interval <= 0 {
		interval = time.Minute
	}
	return &Sweeper{clients: clients, cache: cache, self: self, gate: g, publisher: pub, interval: interval}
}

// Run sweeps until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	logger := zerolog.Ctx(ctx)
	ticker := time.NewTicker(s.interval)
	defer ticker.Stop()
	for {
		if err := s.SweepOnce(ctx); err != nil && ctx.Err() == nil {
			logger.Warn().Err(err).Msg("sweep incomplete; the next one retries")
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// SweepOnce evaluates every open PR of every installation once, resumes
// publications a stopped process left unfinished, and reminds follow-ups
// that are due.
func (s *Sweeper) SweepOnce(ctx context.Context) error {
	gh, err := s.clients.NewAppClient()
	if err != nil {
		return fmt.Errorf("app client: %w", err)
	}
	installations, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.Installation, *github.Response, error) {
		return gh.Apps.ListInstallations(ctx, &o)
	})
	if err != nil {
		return fmt.Errorf("list installations: %w", err)
	}
	var errs []error
	for _, inst := range installations {
		ictx := zerolog.Ctx(ctx).With().Int64("github_installation_id", inst.GetID()).Logger().WithContext(ctx)
		errs = append(errs, s.sweepInstallation(ictx, inst.GetID()))
	}
	return errors.Join(errs...)
}

// sweepInstallation lists the installation's repositories once and reads
// each one's policy once for all three jobs of the sweep: it runs every
// minute, so a repository without a policy must cost one free conditional
// request, not a counted 404 per job.
func (s *Sweeper) sweepInstallation(ctx context.Context, installationID int64) error {
	return s.eachRepo(ctx, installationID, func(gh *github.Client, repo *github.Repository) error {
		base := facts.TargetOf(installationID, repo, 0)
		pol, branch, err := facts.NewGitHub(gh, s.cache, s.self).PolicyForEvent(ctx, base)
		if err != nil {
			return err
		}
		if !pol.Found {
			return nil
		}
		base.DefaultBranch = branch
		return errors.Join(
			s.evaluateOpenPRs(ctx, gh, base, repo, gate.Request{Trigger: gate.Swept}),
			s.publisher.ResumeRepo(ctx, gh, base, repo),
			s.publisher.RemindRepo(ctx, gh, base, pol),
		)
	})
}
