package publication

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/commsgate/commsgate/handlers/report"
	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"
)

// One publication at a time per merge, across replicas and restarts. The
// check-runs API has no compare-and-swap, so ownership is settled in two
// ways:
//
//   - creating the ledger: when two processes each create a publish run
//     at the same moment, the run with the lowest id owns the publication;
//     the other process stands down and renames its run out of the way;
//   - taking up an existing ledger (a retry, a redelivery, a resume): a
//     run in progress whose ledger was written within publicationLease
//     belongs to a live process and is left alone; otherwise the process
//     writes its owner token into the ledger (reopening the run as in
//     progress, which keeps later comers off), waits a moment and reads it
//     back, and goes on only if its token is still there. Two processes
//     that both looked before either wrote are thus told apart unless one
//     takes longer than that moment between looking and writing.

// openLedger finds or creates the publish run of the merge commit and
// reports whether this process now owns the publication (false: another
// process does, or nothing is left to do).
func (p *publication) openLedger(ctx context.Context) (bool, error) {
	p.owner = newOwnerToken()
	runs, err := p.publishRuns(ctx)
	if err != nil {
		return false, err
	}
	if len(runs) == 0 {
		return p.createLedger(ctx)
	}
	p.run = runs[0]
	l, err := p.readLedger(p.run)
	if err != nil {
		return false, err
	}
	logger := zerolog.Ctx(ctx).With().Int64("check_run_id", p.run.GetID()).Logger()
	switch {
	case p.run.GetStatus() == "completed" && p.run.GetConclusion() == "success":
		logger.Info().Msg("publication already complete: nothing to send")
		return false, nil
	case p.run.GetStatus() != "completed" && l.Owner != "" && l.WaitingUntil.IsZero() && p.pub.now().Sub(l.Saved) < publicationLease:
		logger.Info().Str("owner", l.Owner).Msg("another process is publishing this merge")
		return false, nil
	}
	return p.claim(ctx, l)
}

func (p *publication) createLedger(ctx context.Context) (bool, error) {
	l := newLedger(p.t.Number)
	l.Owner, l.Saved = p.owner, p.pub.now()
	text, err := l.text()
	if err != nil {
		return false, err
	}
	opts := github.CreateCheckRunOptions{
		Name: report.CheckPublish, HeadSHA: p.pr.GetMergeCommitSHA(), Status: github.String("in_progress"),
		Output: &github.CheckRunOutput{Title: github.String("Publishing"), Summary: github.String(p.summary(l)), Text: github.String(text)},
	}
	if u := report.NoticeURL(p.pub.publicURL, p.t.Owner, p.t.Repo, p.pr.GetNumber()); u != "" {
		opts.DetailsURL = github.String(u)
	}
	created, _, err := p.gh.Checks.CreateCheckRun(ctx, p.t.Owner, p.t.Repo, opts)
	if err != nil {
		return false, fmt.Errorf("create %s check run: %w", report.CheckPublish, err)
	}
	runs, err := p.publishRuns(ctx)
	if err != nil {
		return false, err
	}
	if len(runs) == 0 || runs[0].GetID() != created.GetID() {
		zerolog.Ctx(ctx).Info().Int64("check_run_id", created.GetID()).Msg("another process created this merge's ledger first: standing down")
		p.retireDuplicate(ctx, created.GetID())
		return false, nil
	}
	p.run, p.ledger = created, l
	return true, nil
}

// retireDuplicate moves a run that lost the creation race out of the
// way: check runs cannot be deleted, but renamed and completed as
// skipped it no longer stands beside the ledger under the publish name.
// If this fails, the owner's completion updates it along with its own.
func (p *publication) retireDuplicate(ctx context.Context, id int64) {
	u := fmt.Sprintf("repos/%s/%s/check-runs/%d", p.t.Owner, p.t.Repo, id)
	req, err := p.gh.NewRequest("PATCH", u, publishRunCompletion{
		Name: report.CheckPublish + " (duplicate)", Status: "completed", Conclusion: "skipped",
		Output: &github.CheckRunOutput{
			Title:   github.String("Duplicate"),
			Summary: github.String("Another commsgate process started this merge's publication at the same moment; its " + report.CheckPublish + " check records what was sent."),
		},
		Actions: []*github.CheckRunAction{},
	})
	if err == nil {
		_, err = p.gh.Do(ctx, req, nil)
	}
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("check_run_id", id).Msg("could not retire the duplicate publish run")
	}
}

// claim writes this process's token into the ledger and reads it back
// after a pause: of two processes claiming at once, the later write wins
// and the other sees it and stands down.
func (p *publication) claim(ctx context.Context, l *ledger) (bool, error) {
	l.Owner = p.owner
	p.ledger = l
	if err := p.save(ctx, "Publishing"); err != nil {
		return false, err
	}
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-time.After(p.pub.claimSettle()):
	}
	run, _, err := p.gh.Checks.GetCheckRun(ctx, p.t.Owner, p.t.Repo, p.run.GetID())
	if err != nil {
		return false, fmt.Errorf("read back %s check run %d: %w", report.CheckPublish, p.run.GetID(), err)
	}
	back, err := p.readLedger(run)
	if err != nil {
		return false, err
	}
	if back.Owner != p.owner {
		zerolog.Ctx(ctx).Info().Str("owner", back.Owner).Msg("another process claimed this publication at the same moment: standing down")
		return false, nil
	}
	return true, nil
}

func (p *publication) readLedger(run *github.CheckRun) (*ledger, error) {
	l, err := parseLedger(run.GetOutput().GetText(), p.t.Number)
	if err != nil {
		// A ledger we cannot read could hide a delivery already made;
		// publishing again might send it twice. Stop and say so.
		return nil, fmt.Errorf("%s check run %d: %w", report.CheckPublish, run.GetID(), err)
	}
	return l, nil
}

// claimSettle is how long a claim waits before reading itself back: long
// enough for a competing claim's write to land. It follows the delivery
// retry pause (two seconds in production), but never under a quarter
// second, which a slow, busy machine needs.
func (pub *Publisher) claimSettle() time.Duration {
	return min(max(pub.retry.BaseDelay, 250*time.Millisecond), 2*time.Second)
}

// publishRuns lists the publish check runs of the merge commit, oldest first.
func (p *publication) publishRuns(ctx context.Context) ([]*github.CheckRun, error) {
	return p.reader.CheckRuns(ctx, p.t, p.pr.GetMergeCommitSHA(), report.CheckPublish, false)
}

func sortRunsByID(runs []*github.CheckRun) {
	sort.Slice(runs, func(i, j int) bool { return runs[i].GetID() < runs[j].GetID() })
}

func newOwnerToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
