package publication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

const (
	// publicationLease is how long a publication may go without writing
	// its ledger before the sweeper takes it over. A live one writes after
	// every send, and a send with its retries takes well under a minute,
	// so a quiet ledger this old belongs to a process that stopped.
	publicationLease = 10 * time.Minute
	// resumeWindow bounds how far back the sweeper looks for merges whose
	// publication never finished; older ones need a person's "Retry failed".
	resumeWindow = 48 * time.Hour
	// waitWindow bounds how long after its merge an early merge may wait
	// for its publish_at and still be found by the sweep.
	waitWindow = 60 * 24 * time.Hour
	// recentMerges bounds the closed pull requests read per repository
	// and sweep.
	recentMerges = 30
)

// ResumeRepo finds recent merges whose publication a stopped process
// left unfinished (a ledger still "in progress" past its lease) or never
// started (the merged event was lost, though commsgate was gating the
// pull request), and publishes what is missing. The ledger makes this
// safe to run on every replica at once. base names the repository, with
// the default branch its policy was read from.
func (pub *Publisher) ResumeRepo(ctx context.Context, gh *github.Client, base facts.Target, repo *github.Repository) error {
	branch := base.DefaultBranch
	prs, _, err := gh.PullRequests.List(ctx, base.Owner, base.Repo, &github.PullRequestListOptions{
		State: "closed", Base: branch, Sort: "updated", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: recentMerges},
	})
	if err != nil {
		return fmt.Errorf("list closed pull requests of %s: %w", repo.GetFullName(), err)
	}
	now := pub.now()
	var errs []error
	for _, pr := range prs {
		if pr.MergedAt == nil || pr.GetMergeCommitSHA() == "" || now.Sub(pr.GetMergedAt().Time) > waitWindow {
			continue
		}
		st, err := pub.publicationUnfinished(ctx, pub.reader(gh), base, pr, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t := base
		t.Number = pr.GetNumber()
		if !st.due {
			if !st.waitingUntil.IsZero() {
				// Rebuilt after a restart: the timer this process never set.
				pub.publishAt(ctx, t, st.waitingUntil)
			}
			continue
		}
		why := st.why
		pctx, logger := githubapp.PreparePRContext(ctx, base.InstallationID, repo, pr.GetNumber())
		logger.Info().Str("why", why).Msg("resuming publication")
		errs = append(errs, pub.Publish(pctx, t))
	}
	return errors.Join(errs...)
}

// unfinished is what the sweep makes of a merge's publication.
type unfinished struct {
	due          bool
	why          string
	waitingUntil time.Time // an early merge waiting for its publish_at
}

// publicationUnfinished says whether a merged pull request's publication
// needs taking up, and why.
func (pub *Publisher) publicationUnfinished(ctx context.Context, reader facts.Reader, t facts.Target, pr *github.PullRequest, now time.Time) (unfinished, error) {
	runs, err := reader.CheckRuns(ctx, t, pr.GetMergeCommitSHA(), report.CheckPublish, false)
	if err != nil {
		return unfinished{}, err
	}
	merged := now.Sub(pr.GetMergedAt().Time)
	if len(runs) == 0 {
		// No publication started. Give the merged event its lease first
		// (another replica may be handling it right now), and only take it
		// up if commsgate was gating this pull request: a merge it never
		// saw (before installation, or touching no communication) is not
		// its to publish.
		if merged < publicationLease || merged > resumeWindow {
			return unfinished{}, nil
		}
		gated, err := reader.CheckRuns(ctx, t, pr.GetHead().GetSHA(), report.CheckApproval, false)
		if err != nil {
			return unfinished{}, err
		}
		return unfinished{due: len(gated) > 0, why: "merged event never handled"}, nil
	}
	run := runs[0]
	l, err := parseLedger(run.GetOutput().GetText(), pr.GetNumber())
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("check_run_id", run.GetID()).Msg("unreadable publication ledger: left for a person")
		return unfinished{}, nil
	}
	if run.GetStatus() != "completed" && !l.WaitingUntil.IsZero() {
		if now.Before(l.WaitingUntil) {
			return unfinished{waitingUntil: l.WaitingUntil}, nil
		}
		return unfinished{due: true, why: "publish_at has come for an early merge"}, nil
	}
	if merged > resumeWindow {
		return unfinished{}, nil // older ones need a person's "Retry failed"
	}
	if run.GetStatus() == "completed" {
		return unfinished{due: pub.retryDue(l, now), why: "temporary failure due for another try"}, nil
	}
	saved := l.Saved
	if saved.IsZero() {
		saved = run.GetStartedAt().Time
	}
	if now.Sub(saved) < publicationLease {
		return unfinished{}, nil // another process may be publishing right now
	}
	return unfinished{due: true, why: "publication stopped half-way"}, nil
}

// retryDue says whether a finished publication has a failure that may
// pass with time and has waited long enough for its next try: a minute
// after the first round of retries, doubling up to an hour. Refusals
// (an embargo, missing approvals) are never retried on their own.
func (pub *Publisher) retryDue(l *ledger, now time.Time) bool {
	for _, d := range l.Deliveries {
		if d.Status != deliveryFailed || !d.Retryable {
			continue
		}
		if now.Sub(d.At) >= autoRetryDelay(d.Attempts, pub.retry.Attempts) {
			return true
		}
	}
	return false
}

func autoRetryDelay(attempts, perRound int) time.Duration {
	rounds := 1
	if perRound > 0 && attempts/perRound > 1 {
		rounds = attempts / perRound
	}
	delay := time.Minute
	for i := 1; i < rounds && delay < time.Hour; i++ {
		delay *= 2
	}
	return min(delay, time.Hour)
}
