package facts

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/handlers/ghclient"
)

// PRState is the pull request side of the facts, read in one parallel round.
type PRState struct {
	PR       *github.PullRequest
	Files    []*github.CommitFile
	Reviews  []*github.PullRequestReview
	Comments []*github.IssueComment
}

// PRState reads the pull request, its files, reviews and comments. It
// returns the pull request even when another read failed, so the caller
// can still mark the head commit's check as not evaluated.
func (r *GitHub) PRState(ctx context.Context, t Target) (PRState, error) {
	var st PRState
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// Not gctx: a failed list must not cancel the read of the head
		// that the error state is posted on.
		pr, _, err := r.gh.PullRequests.Get(ctx, t.Owner, t.Repo, t.Number)
		if err != nil {
			return fmt.Errorf("get pull request: %w", err)
		}
		st.PR = pr
		return nil
	})
	g.Go(func() error {
		files, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.CommitFile, *github.Response, error) {
			return r.gh.PullRequests.ListFiles(gctx, t.Owner, t.Repo, t.Number, &o)
		})
		if err != nil {
			return fmt.Errorf("list pull request files: %w", err)
		}
		st.Files = files
		return nil
	})
	g.Go(func() error {
		reviews, err := r.reviews(gctx, t)
		st.Reviews = reviews
		return err
	})
	g.Go(func() error {
		comments, err := r.comments(gctx, t)
		st.Comments = comments
		return err
	})
	if err := g.Wait(); err != nil {
		return PRState{PR: st.PR}, err
	}
	// GitHub lists at most 3,000 files of a pull request and says nothing
	// of the rest; the pull request itself counts them all. A notice among
	// the unlisted files would be judged without being seen.
	if n := st.PR.GetChangedFiles(); n > len(st.Files) {
		return PRState{PR: st.PR}, fmt.Errorf("list pull request files: GitHub listed %d of its %d changed files: %w", len(st.Files), n, ghclient.ErrTruncated)
	}
	return st, nil
}

func (r *GitHub) reviews(ctx context.Context, t Target) ([]*github.PullRequestReview, error) {
	reviews, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.PullRequestReview, *github.Response, error) {
		return r.gh.PullRequests.ListReviews(ctx, t.Owner, t.Repo, t.Number, &o)
	})
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return reviews, nil
}

func (r *GitHub) comments(ctx context.Context, t Target) ([]*github.IssueComment, error) {
	comments, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.IssueComment, *github.Response, error) {
		return r.gh.Issues.ListComments(ctx, t.Owner, t.Repo, t.Number, &github.IssueListCommentsOptions{ListOptions: o})
	})
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return comments, nil
}
