package facts

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

// Moved re-reads the reviews, comments, and every team and
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
func (r *GitHub) Moved(ctx context.Context, t Target, before PRState, ev Evaluation) (bool, error) {
	rules, people := ev.Rules, ev.people
	if people == nil {
		return false, errors.New("moved: the evaluation was not gathered from GitHub")
	}
	var after PRState
	var peopleMoved bool
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		after.Reviews, err = r.reviews(gctx, t)
		return err
	})
	g.Go(func() error {
		var err error
		after.Comments, err = r.comments(gctx, t)
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
		reviewsFingerprint(before.Reviews) != reviewsFingerprint(after.Reviews) ||
		r.holdsFingerprint(before.Comments, rules, people) != r.holdsFingerprint(after.Comments, rules, people), nil
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
func (r *GitHub) holdsFingerprint(comments []*github.IssueComment, rules *policy.Rules, people *People) string {
	var b strings.Builder
	for _, c := range comments {
		if r.self.IsOwnOrBot(c.GetUser()) || !changesHolds(policy.ParseCommands(c.GetBody())) {
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
