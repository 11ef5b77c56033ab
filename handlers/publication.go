package handlers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/policy"
)

// handleMerged publishes the communications of a merged pull request.
// Publications of one PR never overlap within a replica; across replicas
// and restarts the ledger in the commsgate/publish check run keeps every
// delivery to one target to a single success.
func (a *App) handleMerged(ctx context.Context, t prTarget) error {
	return a.publishing.do(t.key(), evalOptions{}, func(evalOptions) error {
		return a.publishMerged(ctx, t)
	})
}

// publication is one merged PR being published.
type publication struct {
	app      *App
	gh       *github.Client
	t        prTarget
	rules    *policy.Rules
	pr       *github.PullRequest
	decision policy.Decision
	run      *github.CheckRun
	ledger   *ledger
	now      time.Time
}

func (a *App) publishMerged(ctx context.Context, t prTarget) error {
	logger := zerolog.Ctx(ctx)
	gh, err := a.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", t.InstallationID, err)
	}
	pol, branch, err := loadPolicy(ctx, gh, t)
	if err != nil {
		return err
	}
	if !pol.found {
		return nil
	}
	t.DefaultBranch = branch
	st, err := loadPRState(ctx, gh, t)
	if err != nil {
		return err
	}
	pr := st.pr
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
	if pol.broken() {
		return fmt.Errorf("policy file on %s is broken: publication of #%d waits until it is fixed and retried", branch, t.Number)
	}
	comms, _ := changedFiles(pol.rules, st.files)
	if len(comms) == 0 {
		return nil
	}
	now := a.now()
	facts, err := a.gatherFacts(ctx, gh, t, pol.rules, st, comms, false, now)
	if err != nil {
		return err
	}
	p := &publication{app: a, gh: gh, t: t, rules: pol.rules, pr: pr, decision: policy.Evaluate(facts.Facts), now: now}
	owner, err := p.openLedger(ctx)
	if err != nil {
		return err
	}
	if !owner {
		logger.Info().Msg("another replica owns this publication")
		return nil
	}
	statuses := map[string]string{}
	for _, f := range st.files {
		statuses[f.GetFilename()] = f.GetStatus()
	}
	var errs []error
	for _, c := range comms {
		errs = append(errs, p.publishFile(ctx, c.path, statuses[c.path]))
	}
	errs = append(errs, p.finish(ctx))
	return errors.Join(errs...)
}

// openLedger finds or creates the commsgate/publish check run of the merge
// commit. When two replicas create one at the same moment, the run with
// the lowest id owns the publication and the other stands down.
func (p *publication) openLedger(ctx context.Context) (bool, error) {
	runs, err := p.publishRuns(ctx)
	if err != nil {
		return false, err
	}
	if len(runs) == 0 {
		l := newLedger(p.t.Number)
		text, err := l.text()
		if err != nil {
			return false, err
		}
		created, _, err := p.gh.Checks.CreateCheckRun(ctx, p.t.Owner, p.t.Repo, github.CreateCheckRunOptions{
			Name: CheckPublish, HeadSHA: p.pr.GetMergeCommitSHA(), Status: github.String("in_progress"),
			Output: &github.CheckRunOutput{Title: github.String("Publishing"), Summary: github.String(p.summary(l)), Text: github.String(text)},
		})
		if err != nil {
			return false, fmt.Errorf("create %s check run: %w", CheckPublish, err)
		}
		if runs, err = p.publishRuns(ctx); err != nil {
			return false, err
		}
		if len(runs) == 0 || runs[0].GetID() != created.GetID() {
			return false, nil
		}
	}
	p.run = runs[0]
	l, err := parseLedger(p.run.GetOutput().GetText(), p.t.Number)
	if err != nil {
		// A ledger we cannot read could hide a delivery already made;
		// publishing again might send it twice. Stop and say so.
		return false, fmt.Errorf("%s check run %d: %w", CheckPublish, p.run.GetID(), err)
	}
	p.ledger = l
	return true, nil
}

// publishRuns lists the publish check runs of the merge commit, oldest first.
func (p *publication) publishRuns(ctx context.Context) ([]*github.CheckRun, error) {
	list, _, err := p.gh.Checks.ListCheckRunsForRef(ctx, p.t.Owner, p.t.Repo, p.pr.GetMergeCommitSHA(), &github.ListCheckRunsOptions{
		CheckName: github.String(CheckPublish), Filter: github.String("all"),
	})
	if err != nil {
		return nil, fmt.Errorf("list %s check runs: %w", CheckPublish, err)
	}
	var runs []*github.CheckRun
	for _, r := range list.CheckRuns {
		if r.GetName() == CheckPublish {
			runs = append(runs, r)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].GetID() < runs[j].GetID() })
	return runs, nil
}

// publishFile delivers one communication to each of its channels that has
// not yet succeeded, recording each outcome before the next send.
func (p *publication) publishFile(ctx context.Context, path, status string) error {
	content, err := fileAt(ctx, p.gh, p.t, path, p.pr.GetMergeCommitSHA())
	if err != nil {
		return err
	}
	check := policy.CheckDocument(path, content, p.rules, p.now)
	doc := check.Document
	refusal := p.refusal(doc, check.Findings)

	var update *publish.UpdateInfo
	if status == "modified" || status == "renamed" {
		update = &publish.UpdateInfo{Date: p.now, Changes: fmt.Sprintf("Changed by #%d: %s", p.pr.GetNumber(), p.pr.GetTitle())}
		record, _, err := p.app.findRecord(ctx, p.gh, p.t, p.rules, communicationID(p.t, path))
		if err != nil {
			return err
		}
		if record != nil {
			update.Previous = record.Receipts
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
		target, known := p.rules.Targets[channel]
		d.Kind = string(target.Kind)
		d.At = p.app.now()
		switch {
		case refusal != "":
			d.Status, d.Error = deliveryRefused, refusal
		case !known:
			d.Status, d.Error = deliveryFailed, fmt.Sprintf("no publish target named %q in %s", channel, PolicyPath)
		default:
			p.deliver(ctx, d, target, notice)
			if d.Status == deliverySucceeded && notice.URL == "" {
				notice.URL = d.Receipt.URL
			}
		}
		p.observe(d)
		errs = append(errs, p.save(ctx, "Publishing"))
	}
	return errors.Join(errs...)
}

func (p *publication) deliver(ctx context.Context, d *targetDelivery, target policy.Target, n publish.Notice) {
	sender, err := p.app.senderFor(p.gh, target)
	if err != nil {
		d.Status, d.Error = deliveryFailed, err.Error()
		return
	}
	receipt, attempts, err := p.app.sendWithRetry(ctx, sender, n)
	d.Attempts += attempts
	if err != nil {
		d.Status, d.Error = deliveryFailed, err.Error()
		zerolog.Ctx(ctx).Warn().Err(err).Str("target", d.Target).Str("path", d.Path).Msg("delivery failed")
		return
	}
	d.Status, d.Error, d.Receipt = deliverySucceeded, "", receipt
	zerolog.Ctx(ctx).Info().Str("target", d.Target).Str("path", d.Path).Str("receipt", receipt.ID).Msg("published")
}

func (p *publication) observe(d *targetDelivery) {
	if p.app.publications != nil {
		p.app.publications.PublicationResult(d.Target, d.Kind, d.Status)
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
	if policy.HasErrors(findings) {
		return "the merged notice has template errors: not published"
	}
	if !p.decision.Satisfied() {
		return "merged before it was approved (" + p.decision.Headline + "): not published"
	}
	return ""
}

// audit records which stage was approved by whom, at which commit.
func (p *publication) audit() publish.Audit {
	a := publish.Audit{PR: p.pr.GetNumber(), Commit: p.pr.GetHead().GetSHA(), Tier: p.decision.Tier.Tier}
	for _, s := range p.decision.Stages {
		a.Stages = append(a.Stages, publish.AuditStage{Name: s.Name, Approvers: s.Approvers})
	}
	return a
}

// save writes the ledger back to the check run. Called after every
// delivery, so a restart resumes exactly where this one stopped.
func (p *publication) save(ctx context.Context, title string) error {
	text, err := p.ledger.text()
	if err != nil {
		return err
	}
	_, _, err = p.gh.Checks.UpdateCheckRun(ctx, p.t.Owner, p.t.Repo, p.run.GetID(), github.UpdateCheckRunOptions{
		Name:   CheckPublish,
		Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(p.summary(p.ledger)), Text: github.String(text)},
	})
	if err != nil {
		return fmt.Errorf("record publication in check run %d: %w", p.run.GetID(), err)
	}
	return nil
}

// finish opens follow-ups and completes the check: success only when
// every delivery succeeded; otherwise failure with a "Retry failed" action.
func (p *publication) finish(ctx context.Context) error {
	followErr := p.app.openFollowUps(ctx, p)
	succeeded, failed, refused := p.ledger.counts()
	text, err := p.ledger.text()
	if err != nil {
		return err
	}
	opts := github.UpdateCheckRunOptions{
		Name:   CheckPublish,
		Status: github.String("completed"),
		Output: &github.CheckRunOutput{Summary: github.String(p.summary(p.ledger)), Text: github.String(text)},
	}
	if failed+refused == 0 {
		opts.Conclusion = github.String("success")
		opts.Output.Title = github.String(fmt.Sprintf("Published: %d deliveries", succeeded))
	} else {
		opts.Conclusion = github.String("failure")
		opts.Output.Title = github.String(fmt.Sprintf("%d published, %d failed, %d refused", succeeded, failed, refused))
		opts.Actions = []*github.CheckRunAction{{
			Label: "Retry failed", Identifier: retryFailedAction,
			Description: "Send again to the targets that failed",
		}}
	}
	if _, _, err := p.gh.Checks.UpdateCheckRun(ctx, p.t.Owner, p.t.Repo, p.run.GetID(), opts); err != nil {
		return errors.Join(followErr, fmt.Errorf("complete %s check run: %w", CheckPublish, err))
	}
	return followErr
}

const retryFailedAction = "retry-failed"

func (p *publication) summary(l *ledger) string {
	succeeded, failed, refused := l.counts()
	s := fmt.Sprintf("Merge of #%d at `%s`: %d delivered, %d failed, %d refused.\n\n", p.t.Number, shortSHA(p.pr.GetMergeCommitSHA()), succeeded, failed, refused)
	if failed > 0 {
		s += "Failed deliveries were retried with backoff. Press **Retry failed** to try them again; targets that already succeeded are never sent twice.\n"
	}
	if refused > 0 {
		s += "Refused deliveries were held back on purpose; the table says why.\n"
	}
	return s
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

// retryPublication handles the "Retry failed" action of a publish check.
// The run is read back from GitHub rather than trusted from the payload.
func (a *App) retryPublication(ctx context.Context, installationID int64, repo *github.Repository, runID int64) error {
	gh, err := a.clients.NewInstallationClient(installationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", installationID, err)
	}
	run, _, err := gh.Checks.GetCheckRun(ctx, repo.GetOwner().GetLogin(), repo.GetName(), runID)
	if err != nil {
		return fmt.Errorf("read %s check run %d: %w", CheckPublish, runID, err)
	}
	pr, err := prFromLedger(run)
	if err != nil {
		return err
	}
	return a.handleMerged(ctx, targetOf(installationID, repo, pr))
}

func prFromLedger(run *github.CheckRun) (int, error) {
	l, err := parseLedger(run.GetOutput().GetText(), 0)
	if err != nil {
		return 0, err
	}
	if l.PR == 0 {
		return 0, fmt.Errorf("%s check run %d names no pull request", CheckPublish, run.GetID())
	}
	return l.PR, nil
}
