package handlers

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

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

// stateMoved re-reads the reviews, comments, and every team and
// permission answer the decision used after a green result was written,
// and reports whether anything the decision rests on differs.
//
// Why after, not before: several replicas (or a slow evaluation and a
// quick one) may evaluate the same PR at once, and GitHub offers no
// compare-and-swap on check runs, so the last writer wins. An evaluation
// that wrote green and then still sees the state it decided on knows that
// any change request, /hold or membership change came later, and the
// evaluation of that later event reads the state after our write, so its
// own write lands after ours. An evaluation that sees the state moved
// starts over. Unchanged lists come back as 304s, which cost no rate
// limit.
func (a *App) stateMoved(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, before prState, people *memberships) (bool, error) {
	var after prState
	var peopleMoved bool
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		after.reviews, err = listReviews(gctx, gh, t)
		return err
	})
	g.Go(func() error {
		var err error
		after.comments, err = listComments(gctx, gh, t)
		return err
	})
	g.Go(func() error {
		var err error
		peopleMoved, err = people.moved(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return false, fmt.Errorf("re-read reviews, comments, teams and permissions: %w", err)
	}
	return peopleMoved ||
		reviewsFingerprint(before.reviews) != reviewsFingerprint(after.reviews) ||
		a.holdsFingerprint(before.comments, rules, people) != a.holdsFingerprint(after.comments, rules, people), nil
}

// reviewsFingerprint covers everything of a review the decision reads: a
// dismissal changes the state, a new approval or change request adds an
// entry. Bots' reviews and plain review comments cannot change a
// decision, so they are left out: a lively review thread must not keep
// an evaluation starting over.
func reviewsFingerprint(reviews []*github.PullRequestReview) string {
	var b strings.Builder
	for _, r := range reviews {
		state := policy.ReviewState(r.GetState())
		if r.GetUser().GetType() == "Bot" || state == policy.ReviewCommented || state == "PENDING" {
			continue
		}
		fmt.Fprintf(&b, "%d %s %s %s %s\n", r.GetID(), r.GetUser().GetLogin(), state, r.GetCommitID(), r.GetSubmittedAt().UTC())
	}
	return b.String()
}

// holdsFingerprint covers the comments that can change the holds: /hold
// and /unhold from people (bots' and commsgate's own are ignored by the
// decision) who are not already known to be refused them. An edited
// command has a new body, a deleted one drops out; conversation, rechecks
// and a refused user's repeated commands do not count, so nobody can keep
// a green check from standing by commenting.
func (a *App) holdsFingerprint(comments []*github.IssueComment, rules *policy.Rules, people *memberships) string {
	var b strings.Builder
	for _, c := range comments {
		if a.isOwnOrBot(c.GetUser()) || !changesHolds(policy.ParseCommands(c.GetBody())) {
			continue
		}
		if people != nil && people.deniedHold(rules, c.GetUser().GetLogin()) {
			continue
		}
		body := fnv.New64a()
		body.Write([]byte(c.GetBody()))
		fmt.Fprintf(&b, "%d %s %x\n", c.GetID(), c.GetUser().GetLogin(), body.Sum64())
	}
	return b.String()
}

func changesHolds(cmds []policy.Command) bool {
	for _, c := range cmds {
		if c.Name == policy.CommandHold || c.Name == policy.CommandUnhold {
			return true
		}
	}
	return false
}
