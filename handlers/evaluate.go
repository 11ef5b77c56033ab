package handlers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/policy"
)

// Evaluate re-evaluates one pull request from GitHub's current state and
// applies the decision. Evaluations of one PR never overlap (see coalescer).
func (a *App) Evaluate(ctx context.Context, t prTarget, opts evalOptions) error {
	return a.coalesce.do(t.key(), opts, func(o evalOptions) error {
		start := time.Now()
		outcome, err := a.evaluateOnce(ctx, t, o)
		if err != nil {
			outcome = "error"
		}
		if a.observer != nil {
			a.observer.ObserveEvaluation(time.Since(start), outcome)
		}
		return err
	})
}

// evaluateOnce is one evaluation: facts → decision → effects. It returns
// the outcome for metrics ("skipped", the decision state, or "error").
//
// A pass whose green result may rest on moved state starts over (see
// stateMoved); if the state keeps moving, the check is left in progress
// and the events that moved it decide. Once a pass left a green check on
// facts that then moved, a later pass that fails takes it back.
func (a *App) evaluateOnce(ctx context.Context, t prTarget, opts evalOptions) (string, error) {
	logger := zerolog.Ctx(ctx)
	gh, err := a.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return "", fmt.Errorf("installation client %d: %w", t.InstallationID, err)
	}
	staleGreen := "" // the head an earlier pass left green on moved facts
	for moves := 0; ; {
		res, err := a.evaluatePass(ctx, gh, t, opts)
		switch {
		case err == nil:
			return res.outcome, nil
		case errors.Is(err, errStateMoved):
			moves++
			staleGreen = res.green
			logger.Info().Int("times", moves).Msg("reviews or commands changed while evaluating; evaluating again")
			if moves == maxStateMoves {
				a.replaceApproval(ctx, gh, t, staleGreen, stillMovingResult(moves))
				return "", fmt.Errorf("%w, %d times in a row", err, moves)
			}
		default:
			if staleGreen != "" {
				a.replaceApproval(ctx, gh, t, staleGreen, evaluationErrorResult(err))
			}
			return "", err
		}
		opts.acknowledge = nil // reacted to in the first pass
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
func (a *App) evaluatePass(ctx context.Context, gh *github.Client, t prTarget, opts evalOptions) (passResult, error) {
	logger := zerolog.Ctx(ctx).With().Str("reason", opts.Reason).Logger()
	first := a.readPolicyAndPR(ctx, gh, t)
	pol, st := first.policy, first.pr
	var res passResult
	if first.policyErr != nil {
		a.withdrawApproval(ctx, gh, t, st.pr, first.policyErr)
		return res, first.policyErr
	}
	a.acknowledge(ctx, gh, t, pol.rules, opts.acknowledge)
	if !pol.found {
		logger.Debug().Msg("no policy file on the default branch: not a communications repository")
		res.outcome = "skipped"
		return res, nil
	}
	t.DefaultBranch = first.branch
	if first.prErr != nil {
		// Reviews or comments could not be read: a check that passed
		// before must not keep passing on state nobody has seen.
		a.withdrawApproval(ctx, gh, t, st.pr, first.prErr)
		return res, first.prErr
	}
	if st.pr.GetState() != "open" {
		res.outcome = "skipped"
		return res, nil
	}
	head := st.pr.GetHead().GetSHA()
	checks := newCheckPoster(gh, t, head)

	if pol.broken() {
		// Nothing can be approved under a policy that does not load: say
		// where it is broken, in the policy file's own lines.
		logger.Warn().Int("findings", len(pol.findings)).Msg("policy file is broken")
		res.outcome = string(policy.StateInvalid)
		return res, checks.brokenPolicy(ctx, pol.findings)
	}

	comms, policyChanged := changedFiles(pol.rules, st.files)
	if len(comms) == 0 && !policyChanged {
		logger.Debug().Msg("pull request touches no communication")
		res.outcome = "skipped"
		return res, nil
	}
	// The existing check runs are listed while the notices are read: one
	// round trip instead of two.
	checks.prefetch(ctx)

	now := a.now()
	facts, decision, people, err := a.decide(ctx, gh, t, pol.rules, st, comms, policyChanged, now)
	if err != nil {
		// Never leave a green check standing on state we could not read.
		if postErr := checks.evaluationError(ctx, err); postErr != nil {
			logger.Error().Err(postErr).Msg("could not post the error state")
		}
		return res, err
	}

	requests := a.requestReviews(ctx, gh, t, st.pr, decision, facts.Facts)
	if opts.Template {
		if err := checks.template(ctx, facts.Findings); err != nil {
			return res, err
		}
	}
	if err := checks.approval(ctx, decision, requests, facts.Ignored); err != nil {
		return res, err
	}
	if decision.Satisfied() {
		res.green = head
		// A green result must not outlive a change request, /hold or
		// membership change that arrived while this pass was reading;
		// nor may it merge on one.
		moved, err := a.stateMoved(ctx, gh, t, pol.rules, st, people)
		if err != nil {
			// Unconfirmed is unproven: the green check just written must
			// not stand on it.
			a.replaceApproval(ctx, gh, t, head, evaluationErrorResult(err))
			return res, err
		}
		if moved {
			return res, errStateMoved
		}
	}
	if pol.rules.AutoMerge && decision.Satisfied() && !st.pr.GetDraft() {
		// Merging is publishing: only once the approval check above says
		// so, and pinned to the head that was evaluated, so a push racing
		// the merge makes GitHub refuse it instead of merging unseen text.
		if err := a.autoMerge(ctx, gh, t, head, pol.rules.MergeMethod); err != nil {
			return res, err
		}
	}
	logger.Info().
		Str("state", string(decision.State)).
		Int("tier", decision.Tier.Tier).
		Str("head_sha", head).
		Msg("evaluated")
	res.outcome = string(decision.State)
	return res, nil
}

// decide gathers the facts and evaluates them, and returns the team and
// permission answers the decision used. A decision that would turn
// the check green on cached team or permission answers is made again on
// answers read fresh from GitHub: the membership event that emptied
// this process's cache entry may have reached another replica instead.
func (a *App) decide(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, st prState, comms []commFile, policyChanged bool, now time.Time) (evaluationFacts, policy.Decision, *memberships, error) {
	people := a.memberships(gh, t, readCached)
	facts, err := a.gatherFacts(ctx, gh, t, rules, st, comms, policyChanged, now, people)
	if err != nil {
		return facts, policy.Decision{}, nil, err
	}
	decision := policy.Evaluate(facts.Facts)
	if !decision.Satisfied() || !people.usedCache() {
		return facts, decision, people, nil
	}
	people = a.memberships(gh, t, readFresh)
	if err := a.readPeople(ctx, people, &facts, st.comments); err != nil {
		return facts, policy.Decision{}, nil, fmt.Errorf("confirm team members before approving: %w", err)
	}
	return facts, policy.Evaluate(facts.Facts), people, nil
}

// takeBackTimeout bounds the write that takes a green check back.
const takeBackTimeout = 10 * time.Second

// replaceApproval writes result as a new approval check run on head
// without listing the existing ones first: it is how a green check that
// an earlier pass wrote is taken back, and listing may be what fails.
func (a *App) replaceApproval(ctx context.Context, gh *github.Client, t prTarget, head string, result checkResult) {
	if head == "" {
		return
	}
	// Even when the evaluation itself was cancelled (a shutdown draining
	// the queue): a green check must not outlive the reason to take it back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), takeBackTimeout)
	defer cancel()
	if err := newCheckPoster(gh, t, head).create(ctx, result); err != nil {
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
func (a *App) withdrawApproval(ctx context.Context, gh *github.Client, t prTarget, pr *github.PullRequest, cause error) {
	logger := zerolog.Ctx(ctx)
	if pr == nil {
		var err error
		if pr, _, err = gh.PullRequests.Get(ctx, t.Owner, t.Repo, t.Number); err != nil {
			return
		}
	}
	if pr.GetState() != "open" {
		return
	}
	checks := newCheckPoster(gh, t, pr.GetHead().GetSHA())
	existing, err := checks.latest(ctx, CheckApproval)
	if err != nil || existing == nil {
		return
	}
	if err := checks.evaluationError(ctx, cause); err != nil {
		logger.Error().Err(err).Msg("could not post the error state")
	}
}

// evaluationFacts are the facts plus what only the template check needs.
type evaluationFacts struct {
	policy.Facts
	// Ignored are commands from people who may not use them; the approval
	// check names them so nobody believes their /hold is in force.
	Ignored []policy.IgnoredCommand
}

// gatherFacts reads the communications, the staleness of approvals, the
// teams and the command authors' rights, in parallel where independent.
func (a *App) gatherFacts(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, st prState, comms []commFile, policyChanged bool, now time.Time, people *memberships) (evaluationFacts, error) {
	head := st.pr.GetHead().GetSHA()
	reviews := convertReviews(st.reviews)
	changedSince, err := a.readContents(ctx, gh, t, head, comms, approvedCommits(reviews))
	if err != nil {
		return evaluationFacts{}, err
	}

	var docs []*policy.Document
	var findings []policy.Finding
	for _, c := range comms {
		if c.oversize > 0 {
			doc, found := policy.Oversized(c.path, c.oversize)
			docs, findings = append(docs, doc), append(findings, found...)
			continue
		}
		check := policy.CheckDocument(c.path, c.content, rules, now)
		docs = append(docs, check.Document)
		findings = append(findings, check.Findings...)
	}

	facts := evaluationFacts{Facts: policy.Facts{
		Rules:             rules,
		Author:            st.pr.GetUser().GetLogin(),
		HeadSHA:           head,
		Draft:             st.pr.GetDraft(),
		Documents:         docs,
		Findings:          findings,
		PolicyFileChanged: policyChanged,
		Reviews:           reviews,
		CommsChangedSince: changedSince,
		Now:               now,
	}}
	if err := a.readPeople(ctx, people, &facts, st.comments); err != nil {
		return evaluationFacts{}, err
	}
	return facts, nil
}

// readPeople fills in the facts about people: the members of every team
// the decision may count, and the holds their commands leave in force.
func (a *App) readPeople(ctx context.Context, people *memberships, facts *evaluationFacts, comments []*github.IssueComment) error {
	members, err := people.loadTeams(ctx, requiredTeams(facts.Rules, facts.Documents))
	if err != nil {
		return err
	}
	if people.mode == readFresh {
		// Every answer is a request here (free when unchanged): ask what
		// the command authors' rights need all at once rather than one
		// author at a time.
		if err := people.prefetchHoldRights(ctx, facts.Rules, a.commandAuthors(comments)); err != nil {
			return err
		}
	}
	converted, err := a.convertComments(ctx, people, facts.Rules, comments)
	if err != nil {
		return err
	}
	holds := policy.ReplayHolds(converted)
	facts.TeamMembers, facts.Holds, facts.Ignored = members, holds.Active, holds.Ignored
	return nil
}

func convertReviews(in []*github.PullRequestReview) []policy.Review {
	out := make([]policy.Review, 0, len(in))
	for _, r := range in {
		out = append(out, policy.Review{
			ID:          r.GetID(),
			User:        r.GetUser().GetLogin(),
			Bot:         r.GetUser().GetType() == "Bot",
			State:       policy.ReviewState(r.GetState()),
			CommitID:    r.GetCommitID(),
			SubmittedAt: r.GetSubmittedAt().Time,
		})
	}
	return out
}

// approvedCommits lists the distinct commits that approvals were given on;
// only those need a staleness lookup.
func approvedCommits(reviews []policy.Review) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range reviews {
		if r.State == policy.ReviewApproved && r.CommitID != "" && !seen[r.CommitID] {
			seen[r.CommitID] = true
			out = append(out, r.CommitID)
		}
	}
	sort.Strings(out)
	return out
}

// requiredTeams is every team whose membership the decision may need: the
// groups' teams (for stages and for authorising /hold) and the leads of
// the SIGs the documents name.
func requiredTeams(rules *policy.Rules, docs []*policy.Document) []string {
	set := map[string]bool{}
	for _, g := range rules.Groups {
		if g.Team != "" {
			set[g.Team] = true
		}
		if g.EmbargoTeam != "" {
			set[g.EmbargoTeam] = true
		}
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, sig := range d.SIGs {
			if team, ok := rules.SIGs[sig]; ok {
				set[team] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for team := range set {
		out = append(out, team)
	}
	sort.Strings(out)
	return out
}
