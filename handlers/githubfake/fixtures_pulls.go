package githubfake

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PRSpec describes a pull request to open.
type PRSpec struct {
	Author string
	Title  string
	Body   string
	// Head is the branch to merge; "<author>-patch-<n>" when empty.
	Head string
	// Base is the target branch; the default branch when empty.
	Base  string
	Draft bool
	// Files and Delete, when given, are pushed to Head (created from Base)
	// as one commit before the pull request opens.
	Files   map[string]string
	Delete  []string
	Message string
	// Labels and Assignees are set on the pull request as it opens.
	Labels    []string
	Assignees []string
}

func (s *Server) pullFor(repoName string, number int) (*repo, *pull, bool) {
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil, nil, false
	}
	p, ok := rp.Pulls[number]
	if !ok {
		s.fail("no pull request %s#%d", repoName, number)
	}
	return rp, p, ok
}

// OpenPR opens a pull request and returns it with the pull_request.opened
// event.
func (s *Server) OpenPR(repoName string, spec PRSpec) (PR, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return PR{}, Event{}
	}
	if spec.Author == "" {
		s.fail("open pull request in %s: Author is required", repoName)
		return PR{}, Event{}
	}
	base := spec.Base
	if base == "" {
		base = rp.DefaultBranch
	}
	if _, ok := rp.Branches[base]; !ok {
		s.fail("open pull request in %s: base branch %q does not exist", repoName, base)
		return PR{}, Event{}
	}
	head := spec.Head
	if head == "" {
		head = fmt.Sprintf("%s-patch-%d", spec.Author, rp.nextNumber+1)
	}
	if len(spec.Files) > 0 || len(spec.Delete) > 0 {
		if _, exists := rp.Branches[head]; !exists {
			rp.Branches[head] = rp.Branches[base]
		}
		s.push(rp, head, Change{Author: spec.Author, Message: spec.Message, Files: spec.Files, Delete: spec.Delete})
	}
	headSHA, ok := rp.Branches[head]
	if !ok {
		s.fail("open pull request in %s: head branch %q does not exist and no Files were given", repoName, head)
		return PR{}, Event{}
	}
	title := spec.Title
	if title == "" {
		title = "Update from " + head
	}
	author := s.st.userFor(spec.Author)
	is := s.st.newIssue(rp, author, title, spec.Body, s.now())
	is.Labels = slices.Clone(spec.Labels)
	for _, login := range spec.Assignees {
		is.Assignees = append(is.Assignees, s.st.userFor(login))
	}
	p := &pull{ID: s.st.id(), Issue: is, HeadRef: head, HeadSHA: headSHA, BaseRef: base, Draft: spec.Draft}
	is.Pull = p
	rp.Pulls[is.Number] = p
	return snapPR(rp, p), s.pullEvent(rp, p, "opened", author, nil)
}

// PullRequest returns the pull request's current state.
func (s *Server) PullRequest(repoName string, number int) PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return PR{}
	}
	return snapPR(rp, p)
}

// PushToPR pushes a commit to the pull request's head branch and returns
// the pull_request.synchronize event with before and after.
func (s *Server) PushToPR(repoName string, number int, ch Change) (PR, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return PR{}, Event{}
	}
	if ch.Author == "" {
		ch.Author = p.Issue.User.Login
	}
	c := s.push(rp, p.HeadRef, ch)
	ev := event("pull_request", "synchronize", pullRequestPayload{
		Action: "synchronize", Number: p.Issue.Number, Before: c.Before, After: c.SHA,
		PullRequest: s.renderPull(rp, p), envelope: s.envelopeFor(rp, nil, s.st.userFor(ch.Author)),
	})
	return snapPR(rp, p), ev
}

// PREdit changes a pull request's title, body or base branch; nil fields
// stay as they are.
type PREdit struct {
	By    string // defaults to the author
	Title *string
	Body  *string
	Base  *string
}

// EditPR applies the edit and returns pull_request.edited with the
// changes GitHub reports (changes.title.from, changes.body.from,
// changes.base.ref.from and changes.base.sha.from).
func (s *Server) EditPR(repoName string, number int, edit PREdit) (PR, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return PR{}, Event{}
	}
	changes := map[string]any{}
	if edit.Title != nil {
		changes["title"] = fromChange{From: p.Issue.Title}
		p.Issue.Title = *edit.Title
	}
	if edit.Body != nil {
		changes["body"] = fromChange{From: p.Issue.Body}
		p.Issue.Body = *edit.Body
	}
	if edit.Base != nil {
		if _, ok := rp.Branches[*edit.Base]; !ok {
			s.fail("edit %s#%d: base branch %q does not exist", repoName, number, *edit.Base)
			return PR{}, Event{}
		}
		changes["base"] = map[string]fromChange{"ref": {From: p.BaseRef}, "sha": {From: rp.Branches[p.BaseRef]}}
		p.BaseRef = *edit.Base
	}
	p.Issue.Updated = s.now()
	by := p.Issue.User
	if edit.By != "" {
		by = s.st.userFor(edit.By)
	}
	return snapPR(rp, p), s.pullEvent(rp, p, "edited", by, changes)
}

// setDraft flips the draft flag and returns the matching event.
func (s *Server) setDraft(repoName string, number int, draft bool, action string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return Event{}
	}
	p.Draft = draft
	p.Issue.Updated = s.now()
	return s.pullEvent(rp, p, action, p.Issue.User, nil)
}

// ReadyForReview marks a draft ready and returns pull_request.ready_for_review.
func (s *Server) ReadyForReview(repoName string, number int) Event {
	return s.setDraft(repoName, number, false, "ready_for_review")
}

// ConvertToDraft returns pull_request.converted_to_draft.
func (s *Server) ConvertToDraft(repoName string, number int) Event {
	return s.setDraft(repoName, number, true, "converted_to_draft")
}

// ClosePR closes without merging and returns pull_request.closed with
// merged false.
func (s *Server) ClosePR(repoName string, number int, by string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return Event{}
	}
	u := s.st.userFor(by)
	p.Issue.State, p.Issue.Closed, p.Issue.ClosedBy, p.Issue.Updated = "closed", s.now(), u, s.now()
	return s.pullEvent(rp, p, "closed", u, nil)
}

// ReopenPR returns pull_request.reopened.
func (s *Server) ReopenPR(repoName string, number int, by string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return Event{}
	}
	if p.Merged {
		s.fail("reopen %s#%d: a merged pull request cannot be reopened", repoName, number)
		return Event{}
	}
	p.Issue.State, p.Issue.Closed, p.Issue.ClosedBy, p.Issue.Updated = "open", time.Time{}, nil, s.now()
	p.HeadSHA = rp.Branches[p.HeadRef]
	return s.pullEvent(rp, p, "reopened", s.st.userFor(by), nil)
}

// MergePR merges as a person would in the UI (a merge commit) and returns
// pull_request.closed with merged true. Branch protection applies: merging
// past a failing required check is fixture misuse.
func (s *Server) MergePR(repoName string, number int, by string) (PR, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return PR{}, Event{}
	}
	if p.Merged || p.Issue.State != "open" {
		s.fail("merge %s#%d: pull request is not open", repoName, number)
		return PR{}, Event{}
	}
	if reason := s.st.mergeBlocker(rp, p); reason != "" {
		s.fail("merge %s#%d: branch protection refuses: %s (check MergeBlocked first)", repoName, number, reason)
		return PR{}, Event{}
	}
	u := s.st.userFor(by)
	s.mergePull(rp, p, u, "merge", "", "")
	return snapPR(rp, p), s.pullEvent(rp, p, "closed", u, nil)
}

// SetConflicting makes the pull request unmergeable (or mergeable again),
// as a conflict with its base would.
func (s *Server) SetConflicting(repoName string, number int, conflicting bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, p, ok := s.pullFor(repoName, number); ok {
		p.Conflicting = conflicting
	}
}

// ReviewSpec describes a review to submit.
type ReviewSpec struct {
	User string
	// State is APPROVED, CHANGES_REQUESTED or COMMENTED (GitHub's REST
	// spelling; "approve", "request_changes" and "comment" work too).
	State string
	Body  string
	// CommitID defaults to the pull request's head.
	CommitID string
}

var reviewStates = map[string]string{
	"APPROVED": "APPROVED", "APPROVE": "APPROVED",
	"CHANGES_REQUESTED": "CHANGES_REQUESTED", "REQUEST_CHANGES": "CHANGES_REQUESTED",
	"COMMENTED": "COMMENTED", "COMMENT": "COMMENTED",
}

// SubmitReview records a review and returns pull_request_review.submitted.
// As on GitHub, the reviewer's pending review request is fulfilled, and so
// is the request of any team they review on behalf of.
func (s *Server) SubmitReview(repoName string, number int, spec ReviewSpec) (Review, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return Review{}, Event{}
	}
	state, ok := reviewStates[strings.ToUpper(spec.State)]
	if !ok {
		s.fail("review %s#%d: state %q is not APPROVED, CHANGES_REQUESTED or COMMENTED", repoName, number, spec.State)
		return Review{}, Event{}
	}
	u := s.st.userFor(spec.User)
	if u == p.Issue.User && state != "COMMENTED" {
		s.fail("review %s#%d: GitHub does not let %s approve or request changes on their own pull request", repoName, number, spec.User)
		return Review{}, Event{}
	}
	commitID := spec.CommitID
	if commitID == "" {
		commitID = p.HeadSHA
	}
	rv := &review{ID: s.st.id(), User: u, Body: spec.Body, State: state, CommitID: commitID, SubmittedAt: s.now()}
	p.Reviews = append(p.Reviews, rv)
	p.RequestedUsers = slices.DeleteFunc(p.RequestedUsers, func(x *user) bool { return x == u })
	p.RequestedTeams = slices.DeleteFunc(p.RequestedTeams, func(t *team) bool {
		m, ok := t.Members[strings.ToLower(u.Login)]
		return ok && m.State == "active"
	})
	return snapReview(rv), s.reviewEvent(rp, p, rv, "submitted", u, nil)
}

// EditReview changes a review's body and returns pull_request_review.edited.
func (s *Server) EditReview(repoName string, number int, reviewID int64, body string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, rv, ok := s.reviewFor(repoName, number, reviewID)
	if !ok {
		return Event{}
	}
	old := rv.Body
	rv.Body = body
	return s.reviewEvent(rp, p, rv, "edited", rv.User, map[string]any{"body": fromChange{From: old}})
}

// DismissReview dismisses an approval or change request and returns
// pull_request_review.dismissed.
func (s *Server) DismissReview(repoName string, number int, reviewID int64, by string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, rv, ok := s.reviewFor(repoName, number, reviewID)
	if !ok {
		return Event{}
	}
	if rv.State != "APPROVED" && rv.State != "CHANGES_REQUESTED" {
		s.fail("dismiss review %d: only approvals and change requests can be dismissed, this one is %s", reviewID, rv.State)
		return Event{}
	}
	rv.State = "DISMISSED"
	return s.reviewEvent(rp, p, rv, "dismissed", s.st.userFor(by), nil)
}

func (s *Server) reviewFor(repoName string, number int, reviewID int64) (*repo, *pull, *review, bool) {
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return nil, nil, nil, false
	}
	i := slices.IndexFunc(p.Reviews, func(rv *review) bool { return rv.ID == reviewID })
	if i < 0 {
		s.fail("no review %d on %s#%d", reviewID, repoName, number)
		return nil, nil, nil, false
	}
	return rp, p, p.Reviews[i], true
}

// Reviews returns the pull request's reviews in submission order.
func (s *Server) Reviews(repoName string, number int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, ok := s.pullFor(repoName, number)
	if !ok {
		return nil
	}
	out := make([]Review, 0, len(p.Reviews))
	for _, rv := range p.Reviews {
		out = append(out, snapReview(rv))
	}
	return out
}

// RequestReview records a review request as a person would make it in
// the UI (users by login, teams by slug) and returns
// pull_request.review_requested. Unlike the API it does not check access.
func (s *Server) RequestReview(repoName string, number int, by string, users, teamSlugs []string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return Event{}
	}
	for _, login := range users {
		if u := s.st.userFor(login); !slices.Contains(p.RequestedUsers, u) {
			p.RequestedUsers = append(p.RequestedUsers, u)
		}
	}
	for _, slug := range teamSlugs {
		t, ok := s.st.team(rp.Owner.Login, slug)
		if !ok {
			s.fail("request review on %s#%d: no team %s/%s", repoName, number, rp.Owner.Login, slug)
			return Event{}
		}
		if !slices.Contains(p.RequestedTeams, t) {
			p.RequestedTeams = append(p.RequestedTeams, t)
		}
	}
	return s.pullEvent(rp, p, "review_requested", s.st.userFor(by), nil)
}

// RequestedReviewers returns the pending review requests: user logins and
// teams as "org/slug".
func (s *Server) RequestedReviewers(repoName string, number int) (users, teams []string) {
	pr := s.PullRequest(repoName, number)
	return pr.RequestedUsers, pr.RequestedTeams
}
