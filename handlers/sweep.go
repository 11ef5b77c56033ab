package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"
)

// Sweeper re-evaluates every open communication PR of every installation,
// on start and then periodically. It holds no state of its own: what is
// due is derived each time from GitHub (publish_at in the documents, holds
// in the comments), so a restart or a second replica loses nothing, and
// since every action is idempotent two replicas sweeping at once only do
// the same work twice.
type Sweeper struct {
	app      *App
	interval time.Duration
}

// NewSweeper sweeps every interval (a minute is a good default: a notice
// then turns green, or is merged, within a minute of publish_at).
func (a *App) NewSweeper(interval time.Duration) *Sweeper {
	if interval <= 0 {
		interval = time.Minute
	}
	return &Sweeper{app: a, interval: interval}
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
	gh, err := s.app.clients.NewAppClient()
	if err != nil {
		return fmt.Errorf("app client: %w", err)
	}
	installations, err := listAll(func(o github.ListOptions) ([]*github.Installation, *github.Response, error) {
		return gh.Apps.ListInstallations(ctx, &o)
	})
	if err != nil {
		return fmt.Errorf("list installations: %w", err)
	}
	var errs []error
	for _, inst := range installations {
		ictx := zerolog.Ctx(ctx).With().Int64("github_installation_id", inst.GetID()).Logger().WithContext(ctx)
		errs = append(errs, s.app.sweepInstallation(ictx, inst.GetID()))
	}
	return errors.Join(errs...)
}

// sweepInstallation lists the installation's repositories once and reads
// each one's policy once for all three jobs of the sweep: it runs every
// minute, so a repository without a policy must cost one free conditional
// request, not a counted 404 per job.
func (a *App) sweepInstallation(ctx context.Context, installationID int64) error {
	return a.eachRepo(ctx, installationID, func(gh *github.Client, repo *github.Repository) error {
		return a.sweepRepo(ctx, gh, installationID, repo)
	})
}

func (a *App) sweepRepo(ctx context.Context, gh *github.Client, installationID int64, repo *github.Repository) error {
	base := targetOf(installationID, repo, 0)
	pol, branch, err := a.policyFor(ctx, gh, base)
	if err != nil {
		return err
	}
	if !pol.found {
		return nil
	}
	base.DefaultBranch = branch
	return errors.Join(
		a.evaluateOpenPRs(ctx, gh, base, repo, evalOptions{Reason: "sweep"}),
		a.resumeRepo(ctx, gh, base, repo),
		a.remindRepo(ctx, gh, base, pol),
	)
}
