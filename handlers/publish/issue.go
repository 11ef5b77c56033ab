package publish

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-github/v62/github"
)

// IssueSender publishes a notice as a GitHub issue (a public tracking
// issue), using a client the caller authenticated for the repository.
type IssueSender struct {
	// Target is the publish target's name; an update looks up the earlier
	// issue under it in UpdateInfo.Previous.
	Target string
	Client *github.Client
	// Owner and Repo name the repository the issue is opened in.
	Owner, Repo string
	Labels      []string
	// Author is the login the client writes as ("commsgate[bot]"). Delivered
	// trusts only issues and comments it wrote, since anyone (another
	// app's bot included) may open an issue quoting a delivery marker;
	// when it is unknown, Delivered cannot tell and says so.
	Author string
}

var _ Sender = (*IssueSender)(nil)

// Send opens an issue for a first publication. For an update whose
// earlier receipt names an issue number, it rewrites that issue's title
// and body and adds an "Updated (<date>)" comment saying what changed, so
// subscribers are notified of the correction. The receipt's ID is the
// issue number.
//
// Every body and comment ends with a hidden marker naming the delivery, so
// a caller that lost a response can find what was already created.
func (s *IssueSender) Send(ctx context.Context, n Notice) (Receipt, error) {
	if s.Client == nil {
		return Receipt{}, sendError(s.Target, false, errors.New("no GitHub client configured"))
	}
	title, body := RenderIssue(n)
	body += "\n" + s.marker(n)

	if number, ok := s.previousIssue(n); ok {
		return s.update(ctx, n, number, title, body)
	}
	labels := append([]string{}, s.Labels...)
	issue, _, err := s.Client.Issues.Create(ctx, s.Owner, s.Repo, &github.IssueRequest{Title: &title, Body: &body, Labels: &labels})
	if err != nil {
		return Receipt{}, githubError(s.Target, fmt.Errorf("create issue in %s/%s: %w", s.Owner, s.Repo, err))
	}
	return s.receipt(issue), nil
}

func (s *IssueSender) update(ctx context.Context, n Notice, number int, title, body string) (Receipt, error) {
	issue, _, err := s.Client.Issues.Edit(ctx, s.Owner, s.Repo, number, &github.IssueRequest{Title: &title, Body: &body})
	if err != nil {
		return Receipt{}, githubError(s.Target, fmt.Errorf("edit issue %s/%s#%d: %w", s.Owner, s.Repo, number, err))
	}
	comment := "**Updated (" + n.Update.Date.UTC().Format("January 2, 2006") + ")**\n\n" +
		strings.TrimSpace(n.Update.Changes) + "\n\n" + s.marker(n)
	if _, _, err := s.Client.Issues.CreateComment(ctx, s.Owner, s.Repo, number, &github.IssueComment{Body: &comment}); err != nil {
		return Receipt{}, githubError(s.Target, fmt.Errorf("comment on issue %s/%s#%d: %w", s.Owner, s.Repo, number, err))
	}
	return s.receipt(issue), nil
}

// previousIssue is the issue an update edits: the number recorded in the
// earlier receipt for this target.
func (s *IssueSender) previousIssue(n Notice) (int, bool) {
	if n.Update == nil {
		return 0, false
	}
	prev, ok := n.Update.Previous[s.Target]
	if !ok {
		return 0, false
	}
	number, err := strconv.Atoi(prev.ID)
	return number, err == nil && number > 0
}

func (s *IssueSender) marker(n Notice) string {
	// Two strings: the encoding cannot fail.
	m, _ := EncodeMarker("delivery", deliveryMarker{Communication: n.CommunicationID(), Delivery: n.DeliveryID(s.Target)})
	return m + "\n"
}

// deliveryMarker names what an announcement issue or comment delivers.
type deliveryMarker struct {
	Communication string `json:"communication"`
	Delivery      string `json:"delivery"`
}

func (s *IssueSender) receipt(issue *github.Issue) Receipt {
	return Receipt{Target: s.Target, ID: strconv.Itoa(issue.GetNumber()), URL: issue.GetHTMLURL()}
}

// githubError classifies a go-github error: rate limits and server errors
// pass with time, a 4xx needs a fix (permissions, a missing repository or
// issue, an invalid label).
func githubError(target string, err error) error {
	var rate *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var resp *github.ErrorResponse
	switch {
	case errors.As(err, &rate), errors.As(err, &abuse):
		return sendError(target, true, err)
	case errors.As(err, &resp) && resp.Response != nil:
		return sendError(target, retryableStatus(resp.Response.StatusCode), err)
	default:
		return sendError(target, isNetworkError(err), err)
	}
}
