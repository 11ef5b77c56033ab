package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"
)

// recentIssues bounds how far back Delivered looks: an interrupted run is
// resumed within minutes, so its issue is among the newest.
const recentIssues = 100

// Delivered reports whether an earlier, interrupted Send already created
// what Send would create, by the hidden delivery marker every body and
// comment carries. For a first publication it looks for the issue among
// the repository's newest; for an update, for the "Updated" comment on
// the earlier issue (the update's last step).
func (s *IssueSender) Delivered(ctx context.Context, n Notice) (Receipt, bool, error) {
	if s.Client == nil {
		return Receipt{}, false, sendError(s.Target, false, fmt.Errorf("no GitHub client configured"))
	}
	marker := "delivery=" + n.DeliveryID(s.Target) + " "
	if number, ok := s.previousIssue(n); ok {
		comments, _, err := s.Client.Issues.ListComments(ctx, s.Owner, s.Repo, number, &github.IssueListCommentsOptions{
			ListOptions: github.ListOptions{PerPage: recentIssues},
		})
		if err != nil {
			return Receipt{}, false, githubError(s.Target, fmt.Errorf("list comments of %s/%s#%d: %w", s.Owner, s.Repo, number, err))
		}
		for _, c := range comments {
			if strings.Contains(c.GetBody(), marker) {
				issue, _, err := s.Client.Issues.Get(ctx, s.Owner, s.Repo, number)
				if err != nil {
					return Receipt{}, false, githubError(s.Target, fmt.Errorf("read %s/%s#%d: %w", s.Owner, s.Repo, number, err))
				}
				return s.receipt(issue), true, nil
			}
		}
		return Receipt{}, false, nil
	}
	issues, _, err := s.Client.Issues.ListByRepo(ctx, s.Owner, s.Repo, &github.IssueListByRepoOptions{
		State: "all", Labels: s.Labels, Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: recentIssues},
	})
	if err != nil {
		return Receipt{}, false, githubError(s.Target, fmt.Errorf("list issues of %s/%s: %w", s.Owner, s.Repo, err))
	}
	for _, is := range issues {
		if !is.IsPullRequest() && strings.Contains(is.GetBody(), marker) {
			return s.receipt(is), true, nil
		}
	}
	return Receipt{}, false, nil
}
