package handlers

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"
)

// errStateMoved says the reviews or comments changed while an evaluation
// was running, so the green result it just wrote may rest on stale facts.
var errStateMoved = errors.New("reviews or comments changed while evaluating")

// maxEvaluationPasses bounds how often one evaluation starts over because
// GitHub's state moved under it. Each pass that moved saw a newer event,
// which is evaluated on its own anyway; the bound only stops a flood of
// reviews from keeping one worker busy.
const maxEvaluationPasses = 3

// stateMoved re-reads the reviews and comments after a green result was
// written and reports whether they differ from what the decision used.
//
// Why after, not before: several replicas (or a slow evaluation and a
// quick one) may evaluate the same PR at once, and GitHub offers no
// compare-and-swap on check runs, so the last writer wins. An evaluation
// that wrote green and then still sees the state it decided on knows that
// any change request or /hold came later, and the evaluation of that later
// event reads the state after our write, so its own write lands after
// ours. An evaluation that sees the state moved starts over. Unchanged
// lists come back as 304s, which cost no rate limit.
func stateMoved(ctx context.Context, gh *github.Client, t prTarget, before prState) (bool, error) {
	var after prState
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
	if err := g.Wait(); err != nil {
		return false, fmt.Errorf("re-read reviews and comments: %w", err)
	}
	return reviewsFingerprint(before.reviews) != reviewsFingerprint(after.reviews) ||
		commentsFingerprint(before.comments) != commentsFingerprint(after.comments), nil
}

// reviewsFingerprint covers everything of a review the decision reads:
// a dismissal changes the state, a new review adds an entry.
func reviewsFingerprint(reviews []*github.PullRequestReview) string {
	var b strings.Builder
	for _, r := range reviews {
		fmt.Fprintf(&b, "%d %s %s %s %s\n", r.GetID(), r.GetUser().GetLogin(), r.GetState(), r.GetCommitID(), r.GetSubmittedAt().UTC())
	}
	return b.String()
}

// commentsFingerprint covers the comments' commands: an edited comment
// has a new body, a deleted one drops out.
func commentsFingerprint(comments []*github.IssueComment) string {
	var b strings.Builder
	for _, c := range comments {
		body := fnv.New64a()
		body.Write([]byte(c.GetBody()))
		fmt.Fprintf(&b, "%d %s %x\n", c.GetID(), c.GetUser().GetLogin(), body.Sum64())
	}
	return b.String()
}
