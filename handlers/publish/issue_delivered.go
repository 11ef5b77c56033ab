package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"
)

// recentIssues bounds how far back Delivered looks: it is asked within
// minutes of the send it checks on (a retry, a resumed run), so the issue
// is among the newest.
const recentIssues = 100

// Delivered reports whether an earlier Send, whose outcome was not learnt
// (a lost answer, an interrupted run), already created what Send would
// create: an issue or comment written by Author that ends with this
// delivery's hidden marker. For a first publication it looks among the
// repository's newest issues; for an update, for the "Updated" comment on
// the earlier issue (the update's last step). One request, two for an
// issue with more than one page of comments.
func (s *IssueSender) Delivered(ctx context.Context, n Notice) (Receipt, bool, error) {
	if s.Client == nil {
		return Receipt{}, false, sendError(s.Target, false, fmt.Errorf("no GitHub client configured"))
	}
	if s.Author == "" {
		// Not knowing our own login, any answer could be a guess that loses
		// the announcement (someone else's issue taken for ours) or
		// doubles it; asking again later is the safe choice.
		return Receipt{}, false, sendError(s.Target, true, fmt.Errorf("cannot tell commsgate's own issues from others': its login is not known yet"))
	}
	marker := strings.TrimSpace(s.marker(n))
	if number, ok := s.previousIssue(n); ok {
		found, err := s.commented(ctx, number, marker)
		if err != nil || !found {
			return Receipt{}, false, err
		}
		issue, _, err := s.Client.Issues.Get(ctx, s.Owner, s.Repo, number)
		if err != nil {
			return Receipt{}, false, githubError(s.Target, fmt.Errorf("read %s/%s#%d: %w", s.Owner, s.Repo, number, err))
		}
		return s.receipt(issue), true, nil
	}
	issues, _, err := s.Client.Issues.ListByRepo(ctx, s.Owner, s.Repo, &github.IssueListByRepoOptions{
		State: "all", Labels: s.Labels, Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: recentIssues},
	})
	if err != nil {
		return Receipt{}, false, githubError(s.Target, fmt.Errorf("list issues of %s/%s: %w", s.Owner, s.Repo, err))
	}
	for _, is := range issues {
		if !is.IsPullRequest() && s.wrote(is.GetUser(), is.GetBody(), marker) {
			return s.receipt(is), true, nil
		}
	}
	return Receipt{}, false, nil
}

// commented reports whether the issue has a comment of ours carrying the
// marker. Comments are listed oldest first, so past one page the newest
// are on the last.
func (s *IssueSender) commented(ctx context.Context, number int, marker string) (bool, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: recentIssues}}
	for {
		comments, resp, err := s.Client.Issues.ListComments(ctx, s.Owner, s.Repo, number, opts)
		if err != nil {
			return false, githubError(s.Target, fmt.Errorf("list comments of %s/%s#%d: %w", s.Owner, s.Repo, number, err))
		}
		for _, c := range comments {
			if s.wrote(c.GetUser(), c.GetBody(), marker) {
				return true, nil
			}
		}
		if resp == nil || resp.LastPage <= 1 || opts.Page == resp.LastPage {
			return false, nil
		}
		opts.Page = resp.LastPage
	}
}

// wrote reports whether author is the account Send writes as and body
// ends with the marker, as every body and comment Send writes does: a
// notice quoting a marker in its text does not count.
func (s *IssueSender) wrote(author *github.User, body, marker string) bool {
	return s.Author != "" && strings.EqualFold(author.GetLogin(), s.Author) &&
		strings.HasSuffix(strings.TrimSpace(body), marker)
}
