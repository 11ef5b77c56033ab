package gate

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// maxAnnotationsPerRequest is GitHub's limit for one create or update.
const maxAnnotationsPerRequest = 50

// checkPoster writes check runs on one head commit.
type checkPoster struct {
	p    *pass
	head string
	// latestRuns is the newest run of each name on head, listed once per
	// evaluation: one list serves both checks, and the runs this poster
	// writes replace their entries.
	latestRuns map[string]*github.CheckRun
	listOnce   sync.Once
	listErr    error
	// approved is the approval result this poster wrote, so a later step
	// of the same pass (a refused merge) can add to it.
	approved checkResult
	// collisions are the other communications that publish too close to
	// this pull request's, for the approval check's warning.
	collisions []policy.Collision
}

func newCheckPoster(p *pass, head string) *checkPoster {
	return &checkPoster{p: p, head: head}
}

// checkResult is a check run to write. An empty conclusion leaves the run
// in progress, which blocks merging like a failure but reads as "waiting".
type checkResult struct {
	name       string
	conclusion string
	title      string
	summary    string
	// text is the output's text below the summary: the approval check's
	// previews of what will be published.
	text        string
	annotations []*github.CheckRunAnnotation
}

// post writes the check run idempotently. If the latest run of that name
// on the head commit already says the same thing, nothing is written: the
// periodic sweep and redelivered events then cost reads that GitHub
// answers with 304, not writes. A changed run without annotations is
// updated in place; one with annotations is created anew, because GitHub
// appends annotations on update and old ones would linger.
func (p *checkPoster) post(ctx context.Context, r checkResult) error {
	existing, err := p.latest(ctx, r.name)
	if err != nil {
		return err
	}
	if existing != nil && sameOutcome(existing, r) && (p.p.detailsURL == "" || existing.GetDetailsURL() == p.p.detailsURL) {
		return nil
	}
	if existing != nil && len(r.annotations) == 0 && existing.GetOutput().GetAnnotationsCount() == 0 {
		opts := github.UpdateCheckRunOptions{Name: r.name, Output: output(r, nil), DetailsURL: p.detailsURL()}
		setStatus(r.conclusion, &opts.Status, &opts.Conclusion)
		run, _, err := p.p.gh.Checks.UpdateCheckRun(ctx, p.p.t.Owner, p.p.t.Repo, existing.GetID(), opts)
		if err != nil {
			return fmt.Errorf("update check run %s on %s: %w", r.name, policy.ShortSHA(p.head), err)
		}
		p.latestRuns[r.name] = run
		return nil
	}
	return p.create(ctx, r)
}

// create writes r as a new check run, annotations in batches.
func (p *checkPoster) create(ctx context.Context, r checkResult) error {
	first := r.annotations
	if len(first) > maxAnnotationsPerRequest {
		first = first[:maxAnnotationsPerRequest]
	}
	opts := github.CreateCheckRunOptions{Name: r.name, HeadSHA: p.head, Output: output(r, first), DetailsURL: p.detailsURL()}
	setStatus(r.conclusion, &opts.Status, &opts.Conclusion)
	run, _, err := p.p.gh.Checks.CreateCheckRun(ctx, p.p.t.Owner, p.p.t.Repo, opts)
	if err != nil {
		return fmt.Errorf("create check run %s on %s: %w", r.name, policy.ShortSHA(p.head), err)
	}
	if p.latestRuns != nil {
		p.latestRuns[r.name] = run
	}
	for rest := r.annotations[len(first):]; len(rest) > 0; {
		batch := rest
		if len(batch) > maxAnnotationsPerRequest {
			batch = batch[:maxAnnotationsPerRequest]
		}
		rest = rest[len(batch):]
		_, _, err := p.p.gh.Checks.UpdateCheckRun(ctx, p.p.t.Owner, p.p.t.Repo, run.GetID(), github.UpdateCheckRunOptions{
			Name: r.name, Output: output(r, batch),
		})
		if err != nil {
			return fmt.Errorf("add annotations to check run %s: %w", r.name, err)
		}
	}
	return nil
}

// detailsURL is the pull request's notice page, nil without one (GitHub
// then shows its default).
func (p *checkPoster) detailsURL() *string {
	if p.p.detailsURL == "" {
		return nil
	}
	return github.String(p.p.detailsURL)
}

// prefetch starts listing the head's check runs in the background, so the
// list overlaps the evaluation's other reads. Every path that follows a
// prefetch posts a check, which waits for the list.
func (p *checkPoster) prefetch(ctx context.Context) {
	go p.list(ctx)
}

// list fills latestRuns once; later callers wait for the first.
func (p *checkPoster) list(ctx context.Context) {
	p.listOnce.Do(func() { p.latestRuns, p.listErr = p.listLatest(ctx) })
}

// latest returns the newest check run of the name on the head commit.
func (p *checkPoster) latest(ctx context.Context, name string) (*github.CheckRun, error) {
	p.list(ctx)
	if p.listErr != nil {
		return nil, p.listErr
	}
	return p.latestRuns[name], nil
}

func (p *checkPoster) listLatest(ctx context.Context) (map[string]*github.CheckRun, error) {
	runs, err := p.p.reader.CheckRuns(ctx, p.p.t, p.head, "", true)
	if err != nil {
		return nil, err
	}
	return facts.LatestRuns(runs), nil
}

func sameOutcome(run *github.CheckRun, r checkResult) bool {
	status, conclusion := "completed", r.conclusion
	if r.conclusion == "" {
		status = "in_progress"
	}
	return run.GetStatus() == status && run.GetConclusion() == conclusion &&
		run.GetOutput().GetTitle() == r.title && run.GetOutput().GetSummary() == r.summary &&
		run.GetOutput().GetText() == r.text && run.GetOutput().GetAnnotationsCount() == len(r.annotations)
}

func output(r checkResult, annotations []*github.CheckRunAnnotation) *github.CheckRunOutput {
	out := &github.CheckRunOutput{
		Title:       github.String(r.title),
		Summary:     github.String(r.summary),
		Annotations: annotations,
	}
	if r.text != "" {
		out.Text = github.String(r.text)
	}
	return out
}

// setStatus leaves a run in progress when there is no conclusion yet.
func setStatus(conclusion string, status, concl **string) {
	if conclusion == "" {
		*status = github.String("in_progress")
		return
	}
	*status = github.String("completed")
	*concl = github.String(conclusion)
}

func (p *checkPoster) template(ctx context.Context, findings []policy.Finding) error {
	title, summary := report.TemplateCheck(findings)
	conclusion := "success"
	if policy.HasErrors(findings) {
		conclusion = "failure"
	}
	return p.post(ctx, checkResult{
		name: report.CheckTemplate, conclusion: conclusion, title: title, summary: summary,
		annotations: annotations(findings),
	})
}

func (p *checkPoster) approval(ctx context.Context, d policy.Decision, requests reviewRequestOutcome, ignored []policy.IgnoredCommand, docs []*policy.Document) error {
	title, summary := report.ApprovalCheck(d)
	summary += report.ReviewRequests(requests.requested, requests.failed) + report.IgnoredCommands(ignored) +
		report.Collisions(p.collisions) + p.protection(ctx)
	p.approved = checkResult{
		name: report.CheckApproval, conclusion: approvalConclusion(d.State), title: title, summary: summary,
		text: report.ApprovalPreviews(p.previews(d, docs)),
	}
	return p.post(ctx, p.approved)
}

// protection warns when the default branch does not require commsgate's
// checks from this app. It never fails the evaluation: the setting is
// advice to maintainers, and the checks stand on their own.
func (p *checkPoster) protection(ctx context.Context) string {
	b, err := p.p.reader.BranchProtection(ctx, p.p.t)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("branch", p.p.t.DefaultBranch).Msg("could not read the branch protection")
		return report.ProtectionUnread(p.p.t.DefaultBranch, err)
	}
	return report.BranchProtection(b)
}

// previews renders each communication's announcement issue as it would
// be posted if the pull request merged now with decision d.
func (p *checkPoster) previews(d policy.Decision, docs []*policy.Document) []report.Preview {
	out := make([]report.Preview, 0, len(docs))
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		n := publish.PreviewNotice(doc, p.p.t.Owner+"/"+p.p.t.Repo, p.p.t.Number, p.head, d)
		title, body := publish.RenderIssue(n)
		out = append(out, report.Preview{Path: doc.Path, Title: title, Body: body})
	}
	return out
}

// amendApproval writes the approval result of this pass again with more
// said at its end.
func (p *checkPoster) amendApproval(ctx context.Context, more string) error {
	r := p.approved
	r.summary += more
	return p.post(ctx, r)
}

// approvalConclusion maps a decision to a check conclusion. Only an
// approved decision may pass: GitHub lets neutral and skipped satisfy a
// required check, so waiting states stay in progress and refusals fail.
func approvalConclusion(s policy.State) string {
	switch s {
	case policy.StateApproved:
		return "success"
	case policy.StatePending, policy.StateScheduled:
		return ""
	default:
		return "failure"
	}
}

// brokenPolicy fails both checks, pointing at the policy file's lines.
func (p *checkPoster) brokenPolicy(ctx context.Context, findings []policy.Finding) error {
	title, summary := report.TemplateCheck(findings)
	if err := p.post(ctx, checkResult{
		name: report.CheckTemplate, conclusion: "failure", title: "Policy file is broken: " + title, summary: summary,
		annotations: annotations(findings),
	}); err != nil {
		return err
	}
	title, summary = report.BrokenPolicyApproval(facts.PolicyPath)
	return p.post(ctx, checkResult{name: report.CheckApproval, conclusion: "failure", title: title, summary: summary})
}

// noCommunication passes both checks on a pull request with nothing to
// check, saying why.
func (p *checkPoster) noCommunication(ctx context.Context, commsPath string, files int) error {
	title, summary := report.NoCommunication(commsPath, facts.PolicyPath, files)
	for _, name := range []string{report.CheckTemplate, report.CheckApproval} {
		if err := p.post(ctx, checkResult{name: name, conclusion: "success", title: title, summary: summary}); err != nil {
			return err
		}
	}
	return nil
}

// evaluationError records that the decision could not be made.
func (p *checkPoster) evaluationError(ctx context.Context, cause error) error {
	return p.post(ctx, evaluationErrorResult(cause))
}

// evaluationErrorResult fails the approval check: an unproven success
// must never stand.
func evaluationErrorResult(cause error) checkResult {
	title, summary := report.EvaluationError(cause)
	return checkResult{name: report.CheckApproval, conclusion: "failure", title: title, summary: summary}
}

// stillMovingResult leaves the approval check in progress when reviews or
// commands kept arriving while commsgate evaluated: each of them is an
// event of its own, and the last one's evaluation decides.
func stillMovingResult(moves int) checkResult {
	title, summary := report.StillMoving(moves)
	return checkResult{name: report.CheckApproval, title: title, summary: summary}
}

// annotations converts findings to check-run annotations at their exact
// positions. Columns are only allowed on single-line annotations.
func annotations(findings []policy.Finding) []*github.CheckRunAnnotation {
	out := make([]*github.CheckRunAnnotation, 0, len(findings))
	for _, f := range findings {
		line := f.Line
		if line < 1 {
			line = 1
		}
		level := "failure"
		if f.Severity == policy.SeverityWarning {
			level = "warning"
		}
		a := &github.CheckRunAnnotation{
			Path:            github.String(f.File),
			StartLine:       github.Int(line),
			EndLine:         github.Int(line),
			AnnotationLevel: github.String(level),
			Title:           github.String(f.Rule),
			Message:         github.String(f.Message),
		}
		if f.Column > 0 {
			a.StartColumn = github.Int(f.Column)
			a.EndColumn = github.Int(f.Column)
		}
		out = append(out, a)
	}
	return out
}
