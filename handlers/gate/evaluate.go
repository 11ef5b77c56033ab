package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// errStateMoved says the reviews, commands or teams changed while an
// evaluation was running, so the green result it just wrote may rest on
// stale facts.
var errStateMoved = errors.New("reviews, commands or teams changed while evaluating")

// maxStateMoves bounds how often one evaluation starts over because
// GitHub's state moved under it. Each move is a newer event, which is
// evaluated on its own anyway; the bound only stops a flood of reviews
// from keeping one worker busy.
const maxStateMoves = 3

// pass is one evaluation pass of one pull request: its clients and target.
type pass struct {
	gh     *github.Client
	reader facts.Reader
	t      facts.Target
	req    Request
	// detailsURL is the check runs' details_url; empty for none.
	detailsURL string
}

// evaluateOnce is one evaluation: facts → decision → effects. It returns
// the outcome for metrics ("skipped", the decision state, or "error").
//
// A pass whose green result may rest on moved state starts over; if the
// state keeps moving, the check is left in progress and the events that
// moved it decide. Once a pass left a green check on facts that then
// moved, a later pass that fails takes it back.
func (g *Gate) evaluateOnce(ctx context.Context, t facts.Target, req Request) (string, error) {
	logger := zerolog.Ctx(ctx)
	gh, err := g.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return "", fmt.Errorf("installation client %d: %w", t.InstallationID, err)
	}
	p := &pass{gh: gh, reader: g.reader(gh), t: t, req: req, detailsURL: report.NoticeURL(g.publicURL, t.Owner, t.Repo, t.Number)}
	staleGreen := "" // the head an earlier pass left green on moved facts
	for moves := 0; ; {
		res, err := g.evaluatePass(ctx, p)
		switch {
		case err == nil:
			return res.outcome, nil
		case errors.Is(err, errStateMoved):
			moves++
			staleGreen = res.green
			logger.Info().Int("times", moves).Msg("reviews or commands changed while evaluating; evaluating again")
			if moves == maxStateMoves {
				g.replaceApproval(ctx, p, staleGreen, stillMovingResult(moves))
				return "", fmt.Errorf("%w, %d times in a row", err, moves)
			}
		default:
			if staleGreen != "" {
				g.replaceApproval(ctx, p, staleGreen, evaluationErrorResult(err))
			}
			return "", err
		}
		p.req.Acknowledge = nil // reacted to in the first pass
	}
}

// passResult is what one evaluation pass did.
type passResult struct {
	outcome string
	// green is the head commit the pass left a green approval check on.
	green string
}

// evaluatePass reads the facts, decides and writes the result. It returns
// errStateMoved when the result was green and the reviews, commands or
// teams changed meanwhile.
func (g *Gate) evaluatePass(ctx context.Context, p *pass) (passResult, error) {
	logger := zerolog.Ctx(ctx).With().Str("trigger", p.req.Trigger.String()).Logger()
	first := p.reader.ReadPolicyAndPR(ctx, p.t)
	pol, st := first.Policy, first.PR
	var res passResult
	if first.PolicyErr != nil {
		g.withdrawApproval(ctx, p, st.PR, first.PolicyErr)
		return res, first.PolicyErr
	}
	g.acknowledge(ctx, p, pol.Rules)
	if !pol.Found {
		logger.Debug().Msg("no policy file on the default branch: not a communications repository")
		res.outcome = "skipped"
		return res, nil
	}
	p.t.DefaultBranch = first.Branch
	if first.PRErr != nil {
		if errors.Is(first.PRErr, ghclient.ErrTruncated) && st.PR != nil && st.PR.GetState() == "open" {
			// Too long to judge (files, reviews or comments past what is
			// read): whether it holds a notice is unknown, so the head gets
			// the error state and its reason, not silence.
			if err := newCheckPoster(p, st.PR.GetHead().GetSHA()).evaluationError(ctx, first.PRErr); err != nil {
				logger.Error().Err(err).Msg("could not post the error state")
			}
			return res, first.PRErr
		}
		// Reviews or comments could not be read: a check that passed
		// before must not keep passing on state nobody has seen.
		g.withdrawApproval(ctx, p, st.PR, first.PRErr)
		return res, first.PRErr
	}
	if st.PR.GetState() != "open" {
		res.outcome = "skipped"
		return res, g.closeOut(ctx, p, st.PR)
	}
	head := st.PR.GetHead().GetSHA()
	checks := newCheckPoster(p, head)

	if pol.Broken() {
		// Nothing can be approved under a policy that does not load: say
		// where it is broken, in the policy file's own lines.
		logger.Warn().Int("findings", len(pol.Findings)).Msg("policy file is broken")
		res.outcome = string(policy.StateInvalid)
		return res, checks.brokenPolicy(ctx, pol.Findings)
	}

	comms, policyChanged := facts.ChangedFiles(pol.Rules, st.Files)
	if len(comms) == 0 && !policyChanged {
		// Both checks still appear: branch protection requires them, and a
		// pull request that changes only a README must be able to merge.
		logger.Debug().Msg("pull request touches no communication: both checks pass")
		res.outcome = "no_communication"
		return res, checks.noCommunication(ctx, pol.Rules.CommsPath, len(st.Files))
	}
	if p.req.RetargetedFrom != "" {
		c, err := g.recordRetarget(ctx, p, p.req.RetargetedFrom, st.PR.GetBase().GetRef())
		if err != nil {
			return res, err
		}
		st.Comments = append(st.Comments, c)
		p.req.RetargetedFrom = ""
	}
	// The existing check runs, and the repository's other communications
	// for the collision warning, are listed while the notices are read:
	// one round trip instead of three.
	checks.prefetch(ctx)
	others := g.neighbours(ctx, p)

	ev, decision, err := g.decide(ctx, p, pol.Rules, st)
	if err != nil {
		// Never leave a green check standing on state we could not read.
		if postErr := checks.evaluationError(ctx, err); postErr != nil {
			logger.Error().Err(postErr).Msg("could not post the error state")
		}
		return res, err
	}
	if decision.State == policy.StateScheduled && !decision.ReleaseAt.IsZero() {
		g.wakeAt(ctx, p.t, decision.ReleaseAt)
	}
	if g.calendar != nil {
		g.calendar.Record(p.t, st.PR, ev)
	}
	checks.collisions = others.collisions(ctx, p.t, pol.Rules, ev.Documents)
	plan := planEffects(p.t, st.PR, pol.Rules, ev, decision, p.req.Trigger)
	if err := g.apply(ctx, p, checks, plan, st, ev); err != nil {
		if errors.Is(err, errStateMoved) {
			res.green = head
		}
		return res, err
	}
	logger.Info().
		Str("state", string(decision.State)).
		Int("tier", decision.Tier.Tier).
		Str("head_sha", head).
		Msg("evaluated")
	res.outcome = string(decision.State)
	return res, nil
}

// Decide is the read-only half of an evaluation: the facts of one pull
// request gathered, with team and permission answers from where mode
// allows, and the pure decision on them. It writes nothing, so the
// calendar calls it too and shows what the gate would decide.
func Decide(ctx context.Context, r facts.Reader, t facts.Target, rules *policy.Rules, st facts.PRState, mode facts.ReadMode, now time.Time) (facts.Evaluation, policy.Decision, error) {
	ev, err := r.Gather(ctx, t, rules, st, mode, now)
	if err != nil {
		return ev, policy.Decision{}, err
	}
	return ev, policy.Evaluate(ev.Facts), nil
}

// decide is Decide for a pass that may write. A decision that would turn
// the check green on cached team or permission answers is made again on
// answers read fresh from GitHub: the membership event that emptied this
// process's cache entry may have reached another replica instead.
func (g *Gate) decide(ctx context.Context, p *pass, rules *policy.Rules, st facts.PRState) (facts.Evaluation, policy.Decision, error) {
	now := g.now()
	ev, decision, err := Decide(ctx, p.reader, p.t, rules, st, facts.ReadCached, now)
	if err != nil || !decision.Satisfied() || !ev.UsedCache {
		return ev, decision, err
	}
	ev, decision, err = Decide(ctx, p.reader, p.t, rules, st, facts.ReadFresh, now)
	if err != nil {
		return ev, policy.Decision{}, fmt.Errorf("confirm team members before approving: %w", err)
	}
	return ev, decision, nil
}

// apply writes the plan: review requests, the checks, and, for a green
// result, the re-read that proves it still stands before any merge.
func (g *Gate) apply(ctx context.Context, p *pass, checks *checkPoster, plan Plan, st facts.PRState, ev facts.Evaluation) error {
	requests := g.requestReviews(ctx, p, plan)
	if plan.PostTemplate {
		if err := checks.template(ctx, plan.Findings); err != nil {
			return err
		}
	}
	if err := checks.approval(ctx, plan.Decision, requests, plan.Ignored, ev.Facts.Documents); err != nil {
		return err
	}
	if !plan.ConfirmGreen {
		return nil
	}
	// A green result must not outlive a change request, /hold or
	// membership change that arrived while this pass was reading; nor
	// may it merge on one.
	moved, err := p.reader.Moved(ctx, p.t, st, ev)
	if err != nil {
		// Unconfirmed is unproven: the green check just written must
		// not stand on it.
		g.replaceApproval(ctx, p, plan.Head, evaluationErrorResult(err))
		return err
	}
	if moved {
		return errStateMoved
	}
	if plan.Merge {
		// Merging is publishing: only once the approval check above says
		// so, and pinned to the head that was evaluated, so a push racing
		// the merge makes GitHub refuse it instead of merging unseen text.
		return g.autoMerge(ctx, p, checks, plan, st, ev)
	}
	return nil
}

// takeBackTimeout bounds the write that takes a green check back.
const takeBackTimeout = 10 * time.Second

// replaceApproval writes result as a new approval check run on head
// without listing the existing ones first: it is how a green check that
// an earlier pass wrote is taken back, and listing may be what fails.
func (g *Gate) replaceApproval(ctx context.Context, p *pass, head string, result checkResult) {
	if head == "" {
		return
	}
	// Even when the evaluation itself was cancelled (a shutdown draining
	// the queue): a green check must not outlive the reason to take it back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), takeBackTimeout)
	defer cancel()
	if err := newCheckPoster(p, head).create(ctx, result); err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Str("head_sha", head).Msg("could not take back the green approval check")
		return
	}
	zerolog.Ctx(ctx).Warn().Str("head_sha", head).Str("title", result.title).Msg("took back the green approval check")
}

// withdrawApproval replaces commsgate's approval check on the PR's head
// with the error state when the facts could not be read, so a green check
// never outlives the state it was computed from. Only a head that already
// carries the check gets one: whether the PR holds communications at all
// may be unknown, and a head without the check is blocked by branch
// protection anyway. pr is fetched when the caller has none.
func (g *Gate) withdrawApproval(ctx context.Context, p *pass, pr *github.PullRequest, cause error) {
	logger := zerolog.Ctx(ctx)
	if pr == nil {
		var err error
		if pr, _, err = p.gh.PullRequests.Get(ctx, p.t.Owner, p.t.Repo, p.t.Number); err != nil {
			logger.Warn().Err(err).Msg("could not read the pull request to withdraw its approval check")
			return
		}
	}
	if pr.GetState() != "open" {
		return
	}
	checks := newCheckPoster(p, pr.GetHead().GetSHA())
	existing, err := checks.latest(ctx, report.CheckApproval)
	if err != nil || existing == nil {
		return
	}
	if err := checks.evaluationError(ctx, cause); err != nil {
		logger.Error().Err(err).Msg("could not post the error state")
	}
}

// closeOut completes an approval check a merge or close left in progress,
// in words that say what happened; a completed one is left as it is.
func (g *Gate) closeOut(ctx context.Context, p *pass, pr *github.PullRequest) error {
	checks := newCheckPoster(p, pr.GetHead().GetSHA())
	run, err := checks.latest(ctx, report.CheckApproval)
	if err != nil || run == nil || run.GetStatus() == "completed" {
		return err
	}
	merge := ""
	if pr.GetMerged() {
		merge = pr.GetMergeCommitSHA()
	}
	conclusion, title, summary := report.ApprovalClosed(merge, run.GetOutput().GetTitle())
	return checks.post(ctx, checkResult{name: report.CheckApproval, conclusion: conclusion, title: title, summary: summary})
}

// recordRetarget writes the change of base on the PR as commsgate's own
// comment, so that it outlives this process: facts.Gather finds the
// latest one and approvals older than it stop counting.
func (g *Gate) recordRetarget(ctx context.Context, p *pass, from, to string) (*github.IssueComment, error) {
	marker, err := publish.EncodeMarker(facts.RetargetKind, struct {
		From string `json:"from"`
		To   string `json:"to"`
	}{from, to})
	if err != nil {
		return nil, err
	}
	body := report.Retargeted(from, to) + "\n\n" + marker
	c, _, err := p.gh.Issues.CreateComment(ctx, p.t.Owner, p.t.Repo, p.t.Number, &github.IssueComment{Body: &body})
	if err != nil {
		return nil, fmt.Errorf("record the change of base: %w", err)
	}
	return c, nil
}
