package publication

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// Publish publishes the communications of a merged pull request.
// Publications of one PR never overlap within a replica; across replicas
// and restarts the ledger in the commsgate/publish check run keeps every
// delivery to one target to a single success.
func (pub *Publisher) Publish(ctx context.Context, t facts.Target) error {
	return pub.runs.Do(ctx, t.Key(), struct{}{}, func(struct{}) error {
		return pub.publishMerged(ctx, t)
	})
}

// publication is one merged PR being published.
type publication struct {
	pub      *Publisher
	gh       *github.Client
	reader   *facts.GitHub
	t        facts.Target
	rules    *policy.Rules
	pr       *github.PullRequest
	decision policy.Decision
	run      *github.CheckRun
	ledger   *ledger
	now      time.Time
	// waited is set when the merge waited for its publish_at.
	waited bool
	// unsaved is set once writing the ledger failed.
	unsaved bool
	// owner is this process's claim on the ledger.
	owner string
	// mergedFiles are the communications read at the merge commit, kept
	// so the follow-up does not download what publishing already read;
	// docs are the same, checked.
	mergedFiles map[string][]byte
	docs        map[string]*policy.Document
	// renamedFrom maps a renamed communication's path to its old one, whose
	// follow-up record it continues.
	renamedFrom map[string]string
}

func (pub *Publisher) publishMerged(ctx context.Context, t facts.Target) error {
	logger := zerolog.Ctx(ctx)
	gh, err := pub.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", t.InstallationID, err)
	}
	reader := pub.reader(gh)
	current, branch, err := reader.Policy(ctx, t)
	if err != nil {
		return err
	}
	if !current.Found {
		return nil
	}
	t.DefaultBranch = branch
	st, err := reader.PRState(ctx, t)
	if err != nil {
		return err
	}
	pr := st.PR
	// Only a real merge into the default branch publishes: a closed PR, or
	// a merge into a release or staging branch, says nothing in public.
	if !pr.GetMerged() || pr.GetMergeCommitSHA() == "" {
		logger.Info().Msg("pull request is not merged: nothing is published")
		return nil
	}
	if pr.GetBase().GetRef() != branch {
		logger.Info().Str("base", pr.GetBase().GetRef()).Msg("merged into a branch other than the default: nothing is published")
		return nil
	}
	now := pub.now()
	p := &publication{pub: pub, gh: gh, reader: reader, t: t, pr: pr, now: now}
	// The approvals are judged by the policy that governed the pull
	// request: the default branch's just before the merge. A merge that
	// weakens the policy must not publish under its own weaker rules.
	pol, err := reader.PolicyBefore(ctx, t, pr.GetMergeCommitSHA())
	if err != nil {
		return err
	}
	_, mergeChangedPolicy := facts.ChangedFiles(policy.DefaultRules(), st.Files)
	switch {
	case !pol.Found:
		pol = current // the merge added the policy file: nothing governed it before
	case pol.Broken() && !current.Broken() && !mergeChangedPolicy:
		// The policy was broken at the merge and has been mended since by
		// a change of its own: the mended one judges. A merge that itself
		// "mended" it would be judging itself, so that one stays refused.
		pol = current
	}
	if pol.Broken() {
		// Without a policy nothing can be checked, so nothing goes out;
		// say so on the merge commit when the merge carried a notice (by
		// the broken file's comms folder if it has one, else the default).
		rules := pol.Rules
		if rules == nil {
			rules = policy.DefaultRules()
		}
		if comms, _ := facts.ChangedFiles(rules, st.Files); len(comms) == 0 {
			return nil
		}
		if err := p.refuseAll(ctx, report.PolicyBrokenAtMerge(facts.PolicyPath, branch)); err != nil {
			return err
		}
		return fmt.Errorf("policy file on %s is broken: publication of #%d waits until it is fixed and retried", branch, t.Number)
	}
	comms, _ := facts.ChangedFiles(pol.Rules, st.Files)
	if len(comms) == 0 {
		return nil
	}
	// Publishing rests on fresh team answers, like a green check.
	ev, err := reader.Gather(ctx, t, pol.Rules, st, facts.ReadFresh, now)
	if err != nil {
		return err
	}
	p.rules, p.decision = pol.Rules, policy.Evaluate(ev.Facts)
	owner, err := p.openLedger(ctx)
	if err != nil {
		return err
	}
	if !owner {
		logger.Info().Msg("another replica owns this publication")
		return nil
	}
	if p.decision.State == policy.StateScheduled {
		// Approved, and merged before its time: it waits, and goes out
		// by itself at publish_at. A merge is not a reason to go early.
		return p.wait(ctx, p.decision.ReleaseAt)
	}
	// A notice that waited for its time may have been reverted or changed
	// on the default branch meanwhile: that withdraws it.
	p.waited = !p.ledger.WaitingUntil.IsZero()
	p.ledger.WaitingUntil = time.Time{}
	p.renamedFrom = map[string]string{}
	for _, c := range comms {
		if c.PreviousPath != "" {
			p.renamedFrom[c.Path] = c.PreviousPath
		}
	}
	var errs []error
	for _, c := range comms {
		if err := p.publishFile(ctx, c); err != nil {
			errs = append(errs, err)
			if p.unsaved {
				// The ledger could not be written: stop rather than send
				// what no later run could know about.
				return errors.Join(errs...)
			}
		}
	}
	errs = append(errs, p.finish(ctx))
	return errors.Join(errs...)
}

// publishFile delivers one communication to each of its channels that has
// not yet succeeded, recording each outcome before the next send.
func (p *publication) publishFile(ctx context.Context, c facts.CommFile) error {
	path := c.Path
	content, err := p.mergedFile(ctx, path)
	if err != nil {
		return err
	}
	check := policy.CheckDocument(path, content, p.rules, p.now)
	doc := check.Document
	refusal := p.refusal(doc, check.Findings)
	if refusal == "" && p.waited {
		if refusal, err = p.withdrawn(ctx, path, content); err != nil {
			return err
		}
	}
	if p.docs == nil {
		p.docs = map[string]*policy.Document{}
	}
	p.docs[path] = doc

	// Only a communication that went out before is an update: a file
	// first published by this merge is new, however GitHub labels its
	// change. A renamed file is the same communication as its old path.
	var update *publish.UpdateInfo
	if c.Status == "modified" || c.Status == "renamed" {
		rec, err := p.previousRecord(ctx, c)
		if err != nil {
			return err
		}
		if rec != nil {
			// Dated by the merge, not by this run: a resumed or retried
			// run must produce the same delivery ids as the first one did.
			update = &publish.UpdateInfo{
				Date:     p.mergedAt(),
				Changes:  fmt.Sprintf("Changed by #%d: %s", p.pr.GetNumber(), p.pr.GetTitle()),
				Previous: rec.Receipts,
			}
		}
	}
	notice := publish.Notice{
		Doc: doc, Repo: p.t.Owner + "/" + p.t.Repo, Path: path, MergeSHA: p.pr.GetMergeCommitSHA(),
		Audit: p.audit(), Update: update,
	}
	var errs []error
	for _, channel := range orderedChannels(doc.Channels, p.rules) {
		key := deliveryKey(path, channel)
		d := p.ledger.Deliveries[key]
		if d != nil && d.Status == deliverySucceeded {
			if notice.URL == "" && d.Receipt.URL != "" {
				notice.URL = d.Receipt.URL
			}
			continue
		}
		if d == nil {
			d = &targetDelivery{Path: path, Target: channel}
			p.ledger.Deliveries[key] = d
		}
		interrupted := d.Status == deliverySending
		target, known := p.rules.Targets[channel]
		d.Kind = string(target.Kind)
		d.At = p.pub.now()
		d.Note = ""
		switch {
		case refusal != "":
			d.Status, d.Error = deliveryRefused, refusal
		case !known:
			d.Status, d.Error = deliveryFailed, fmt.Sprintf("no publish target named %q in %s", channel, facts.PolicyPath)
		default:
			// Record the attempt before making it: if this process stops
			// mid-send, the next run knows the target may have it.
			d.Status, d.Error = deliverySending, ""
			if err := p.save(ctx, "Publishing"); err != nil {
				return errors.Join(append(errs, err)...)
			}
			p.deliver(ctx, d, target, notice, interrupted)
			if d.Status == deliverySucceeded && notice.URL == "" {
				notice.URL = d.Receipt.URL
			}
		}
		p.observe(d)
		if err := p.save(ctx, "Publishing"); err != nil {
			// Without a record of this outcome, going on could send what
			// a later run cannot know was sent. Stop; the sweeper resumes.
			return errors.Join(append(errs, err)...)
		}
	}
	return errors.Join(errs...)
}

// wait records that the publication waits until at, says so in the
// publish check (in progress, so branch protection and readers see it is
// not done), and sets the timer that publishes it then.
func (p *publication) wait(ctx context.Context, at time.Time) error {
	p.ledger.WaitingUntil = at
	p.ledger.Saved = p.pub.now()
	if err := p.write(ctx, report.PublishWaitingTitle(at), report.PublishWaiting(p.t.Number, p.pr.GetMergeCommitSHA(), at, p.decision.Schedule)); err != nil {
		return err
	}
	zerolog.Ctx(ctx).Info().Time("publish_at", at).Msg("merged before publish_at: waiting")
	p.pub.publishAt(ctx, p.t, at)
	return nil
}

// withdrawn says why a notice that waited for its time no longer goes
// out: the default branch no longer has it as merged (reverted, or
// changed by a later merge that publishes itself), or "".
func (p *publication) withdrawn(ctx context.Context, path string, merged []byte) (string, error) {
	current, err := p.reader.FileAt(ctx, p.t, path, p.t.DefaultBranch)
	switch {
	case ghclient.IsNotFound(err):
		return report.RefusedWithdrawn(p.t.DefaultBranch), nil
	case err != nil:
		return "", err
	case !bytes.Equal(current, merged):
		return report.RefusedChangedWhileWaiting(p.t.DefaultBranch), nil
	}
	return "", nil
}

// previousRecord finds the follow-up record of a communication published
// before under its path, or under its old path when it was renamed.
func (p *publication) previousRecord(ctx context.Context, c facts.CommFile) (*record, error) {
	rec, _, err := p.findRecordOf(ctx, c.Path)
	return rec, err
}

// findRecordOf finds the follow-up issue of the communication at path,
// under the path it had before a rename if not under its own.
func (p *publication) findRecordOf(ctx context.Context, path string) (*record, *github.Issue, error) {
	paths := []string{path}
	if old := p.renamedFrom[path]; old != "" && old != path {
		paths = append(paths, old)
	}
	for _, at := range paths {
		rec, issue, err := p.pub.findRecord(ctx, p.gh, p.t, p.rules, communicationID(p.t, at))
		if err != nil || rec != nil {
			return rec, issue, err
		}
	}
	return nil, nil, nil
}

// mergedFile reads a communication at the merge commit, once per
// publication: a commit's content never changes.
func (p *publication) mergedFile(ctx context.Context, path string) ([]byte, error) {
	if content, ok := p.mergedFiles[path]; ok {
		return content, nil
	}
	content, err := p.reader.FileAt(ctx, p.t, path, p.pr.GetMergeCommitSHA())
	if err != nil {
		return nil, err
	}
	if p.mergedFiles == nil {
		p.mergedFiles = make(map[string][]byte)
	}
	p.mergedFiles[path] = content
	return content, nil
}

func (p *publication) deliver(ctx context.Context, d *targetDelivery, target policy.Target, n publish.Notice, interrupted bool) {
	sender, err := p.pub.senderFor(ctx, p.gh, target)
	if err != nil {
		d.Status, d.Error = deliveryFailed, err.Error()
		return
	}
	// An earlier run stopped between recording this send and its outcome,
	// or failed after trying: the target may have the notice. Where the
	// target can be asked, sendWithRetry asks; elsewhere it sends again
	// under the same delivery id, which receivers can use to drop the
	// repeat (Message-ID, the webhook delivery header).
	if _, canAsk := sender.(deliveryFinder); interrupted && !canAsk {
		d.Note = "sent again after an interrupted run, under the same delivery id " + n.DeliveryID(d.Target)
	}
	out, err := p.pub.sendWithRetry(ctx, sender, n, interrupted || d.Attempts > 0)
	d.Attempts += out.attempts
	if err != nil {
		d.Status, d.Error, d.Retryable = deliveryFailed, err.Error(), publish.IsRetryable(err)
		zerolog.Ctx(ctx).Warn().Err(err).Str("target", d.Target).Str("path", d.Path).Msg("delivery failed")
		return
	}
	d.Status, d.Error, d.Retryable, d.Receipt = deliverySucceeded, "", false, out.receipt
	if out.found {
		d.Note = "found already delivered: an earlier attempt's answer was lost"
		if interrupted {
			d.Note = "found already delivered after an interrupted run"
		}
	}
	zerolog.Ctx(ctx).Info().Str("target", d.Target).Str("path", d.Path).Str("receipt", out.receipt.ID).Bool("found", out.found).Msg("published")
}

func (p *publication) observe(d *targetDelivery) {
	if p.pub.observer != nil {
		p.pub.observer.PublicationResult(d.Target, d.Kind, d.Status)
	}
}

// refusal says why a merged notice must not go out, or "". The merge is
// not trusted on its own: an administrator can merge past branch
// protection, and an embargo must hold whatever happened to the PR.
func (p *publication) refusal(doc *policy.Document, findings []policy.Finding) string {
	if doc.Embargo && (doc.EmbargoUntil.IsZero() || p.now.Before(doc.EmbargoUntil)) {
		until := "an unset embargo_until"
		if !doc.EmbargoUntil.IsZero() {
			until = policy.FormatInstant(doc.EmbargoUntil)
		}
		return "embargoed until " + until + ": not published; press \"Retry failed\" once it has lifted"
	}
	if late := report.RefusedLate(findings); late != "" {
		return late
	}
	if policy.HasErrors(findings) {
		return report.RefusedTemplate()
	}
	if !p.decision.Satisfied() {
		return report.RefusedUnapproved(p.decision)
	}
	return ""
}

// mergedAt is when the pull request was merged, the date an update
// carries; the run's clock only when GitHub did not say.
func (p *publication) mergedAt() time.Time {
	if at := p.pr.GetMergedAt(); !at.IsZero() {
		return at.Time
	}
	return p.now
}

// audit records which stage was approved by whom, at which commit.
func (p *publication) audit() publish.Audit {
	return publish.AuditOf(p.pr.GetNumber(), p.pr.GetHead().GetSHA(), p.decision)
}

// save writes the ledger back to the check run. Called after every
// delivery, so a restart resumes exactly where this one stopped.
func (p *publication) save(ctx context.Context, title string) error {
	p.ledger.Saved = p.pub.now()
	return p.write(ctx, title, p.summary(p.ledger))
}

// write puts the ledger into the check run, in progress, with title and
// summary.
func (p *publication) write(ctx context.Context, title, summary string) error {
	text, err := p.ledger.text()
	if err != nil {
		return err
	}
	// In progress while anything is being sent: a retry reopens a
	// finished run, which also tells other processes to keep off.
	_, _, err = p.gh.Checks.UpdateCheckRun(ctx, p.t.Owner, p.t.Repo, p.run.GetID(), github.UpdateCheckRunOptions{
		Name: report.CheckPublish, Status: github.String("in_progress"),
		Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(summary), Text: github.String(text)},
	})
	if err != nil {
		p.unsaved = true
		return fmt.Errorf("record publication in check run %d: %w", p.run.GetID(), err)
	}
	return nil
}

// finish opens follow-ups and completes the check: success only when
// every delivery succeeded; otherwise failure with a "Retry failed" action.
func (p *publication) finish(ctx context.Context) error {
	followErr := p.pub.openFollowUps(ctx, p)
	succeeded, failed, refused := p.ledger.counts()
	text, err := p.ledger.text()
	if err != nil {
		return err
	}
	done := publishRunCompletion{
		Name: report.CheckPublish, Status: "completed",
		Output:  &github.CheckRunOutput{Summary: github.String(p.summary(p.ledger)), Text: github.String(text)},
		Actions: []*github.CheckRunAction{},
	}
	done.Output.Title = github.String(report.PublishTitle(succeeded, failed, refused))
	if failed+refused == 0 {
		done.Conclusion = "success"
	} else {
		done.Conclusion = "failure"
		done.Actions = []*github.CheckRunAction{{
			Label: "Retry failed", Identifier: RetryFailedAction,
			Description: "Send again to the targets that failed",
		}}
	}
	if err := p.complete(ctx, done); err != nil {
		return errors.Join(followErr, err)
	}
	return followErr
}

// refuseAll completes the publish check as refused as a whole, with the
// reason and a "Retry failed" button, leaving any ledger as it was.
func (p *publication) refuseAll(ctx context.Context, reason string) error {
	owner, err := p.openLedger(ctx)
	if err != nil || !owner {
		return err
	}
	text, err := p.ledger.text()
	if err != nil {
		return err
	}
	return p.complete(ctx, publishRunCompletion{
		Name: report.CheckPublish, Status: "completed", Conclusion: "failure",
		Output: &github.CheckRunOutput{
			Title: github.String("Not published"), Summary: github.String(reason), Text: github.String(text),
		},
		Actions: []*github.CheckRunAction{{
			Label: "Retry failed", Identifier: RetryFailedAction,
			Description: "Publish once the cause is fixed",
		}},
	})
}

// publishRunCompletion is the update that completes the publish check.
// Unlike go-github's options it always sends "actions", because an empty
// list is what removes the "Retry failed" button once a retry succeeded.
type publishRunCompletion struct {
	Name       string                   `json:"name"`
	Status     string                   `json:"status"`
	Conclusion string                   `json:"conclusion"`
	Output     *github.CheckRunOutput   `json:"output"`
	Actions    []*github.CheckRunAction `json:"actions"`
}

// complete writes the final state to the ledger's run and to any other
// publish run of the merge commit (one a process created at the same
// moment and then stood down from), so whichever GitHub shows agrees.
func (p *publication) complete(ctx context.Context, done publishRunCompletion) error {
	if err := p.completeRun(ctx, p.run.GetID(), done); err != nil {
		return err
	}
	runs, err := p.publishRuns(ctx)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.GetID() != p.run.GetID() {
			if err := p.completeRun(ctx, r.GetID(), done); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *publication) completeRun(ctx context.Context, id int64, done publishRunCompletion) error {
	u := fmt.Sprintf("repos/%s/%s/check-runs/%d", p.t.Owner, p.t.Repo, id)
	req, err := p.gh.NewRequest("PATCH", u, done)
	if err != nil {
		return fmt.Errorf("complete %s check run: %w", report.CheckPublish, err)
	}
	if _, err := p.gh.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("complete %s check run: %w", report.CheckPublish, err)
	}
	return nil
}

// RetryFailedAction is the publish check's "Retry failed" button.
const RetryFailedAction = "retry-failed"

func (p *publication) summary(l *ledger) string {
	succeeded, failed, refused := l.counts()
	return report.PublishSummary(p.t.Number, p.pr.GetMergeCommitSHA(), succeeded, failed, refused)
}

// orderedChannels puts GitHub issue targets first, so the other channels
// can link to the public announcement issue.
func orderedChannels(channels []string, rules *policy.Rules) []string {
	out := append([]string(nil), channels...)
	sort.SliceStable(out, func(i, j int) bool {
		return rules.Targets[out[i]].Kind == policy.TargetGitHubIssue && rules.Targets[out[j]].Kind != policy.TargetGitHubIssue
	})
	return out
}

// Retry handles the "Retry failed" action of a publish check.
// The run is read back from GitHub rather than trusted from the payload.
func (pub *Publisher) Retry(ctx context.Context, installationID int64, repo *github.Repository, runID int64) error {
	gh, err := pub.clients.NewInstallationClient(installationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", installationID, err)
	}
	run, _, err := gh.Checks.GetCheckRun(ctx, repo.GetOwner().GetLogin(), repo.GetName(), runID)
	if err != nil {
		return fmt.Errorf("read %s check run %d: %w", report.CheckPublish, runID, err)
	}
	pr, err := prFromLedger(run)
	if err != nil {
		return err
	}
	return pub.Publish(ctx, facts.TargetOf(installationID, repo, pr))
}

func prFromLedger(run *github.CheckRun) (int, error) {
	l, err := parseLedger(run.GetOutput().GetText(), 0)
	if err != nil {
		return 0, fmt.Errorf("%s check run %d: %w", report.CheckPublish, run.GetID(), err)
	}
	if l.PR == 0 {
		return 0, fmt.Errorf("%s check run %d names no pull request", report.CheckPublish, run.GetID())
	}
	return l.PR, nil
}
