package githubfake

import (
	"slices"
	"strings"
)

// Comment posts an issue comment (on an issue or a pull request) as the
// user and returns it with the issue_comment.created event; for pull
// requests the event's issue carries a pull_request object, as GitHub's do.
func (s *Server) Comment(repoName string, number int, login, body string) (Comment, Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFor(repoName, number)
	if !ok {
		return Comment{}, Event{}
	}
	c := s.st.newComment(rp, is, s.st.userFor(login), body, s.now())
	return snapComment(c), s.commentEvent(rp, c, "created")
}

// EditComment changes a comment's body, as its author would, and returns
// issue_comment.edited.
func (s *Server) EditComment(repoName string, commentID int64, body string) Event {
	return s.EditCommentAs(repoName, commentID, "", body)
}

// EditCommentAs changes a comment's body as login (a maintainer may edit
// anyone's comment; "" is the author) and returns issue_comment.edited
// with login as its sender.
func (s *Server) EditCommentAs(repoName string, commentID int64, login, body string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, c, ok := s.commentFor(repoName, commentID)
	if !ok {
		return Event{}
	}
	editor := c.User
	if login != "" {
		editor = s.st.userFor(login)
	}
	old := c.Body
	c.Body, c.Updated = body, s.now()
	return event("issue_comment", "edited", commentPayload{
		Action: "edited", Issue: s.renderIssue(rp, c.Issue), Comment: s.renderComment(rp, c),
		Changes: map[string]any{"body": fromChange{From: old}}, envelope: s.envelopeFor(rp, nil, editor),
	})
}

// DeleteComment removes a comment, as its author would, and returns
// issue_comment.deleted carrying the comment as it was.
func (s *Server) DeleteComment(repoName string, commentID int64) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, c, ok := s.commentFor(repoName, commentID)
	if !ok {
		return Event{}
	}
	ev := s.commentEvent(rp, c, "deleted")
	delete(rp.Comments, commentID)
	return ev
}

// commentFor finds a comment by id; the caller holds s.mu.
func (s *Server) commentFor(repoName string, commentID int64) (*repo, *comment, bool) {
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil, nil, false
	}
	c, ok := rp.Comments[commentID]
	if !ok {
		s.fail("no comment %d in %s", commentID, repoName)
	}
	return rp, c, ok
}

func (s *Server) issueFor(repoName string, number int) (*repo, *issue, bool) {
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil, nil, false
	}
	is, ok := rp.Issues[number]
	if !ok {
		s.fail("no issue or pull request %s#%d", repoName, number)
	}
	return rp, is, ok
}

// Comments returns an issue's or pull request's comments, oldest first.
func (s *Server) Comments(repoName string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFor(repoName, number)
	if !ok {
		return nil
	}
	var out []Comment
	for _, c := range issueComments(rp, is) {
		out = append(out, snapComment(c))
	}
	return out
}

// Reactions returns the reactions on a comment.
func (s *Server) Reactions(repoName string, commentID int64) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil
	}
	c, ok := rp.Comments[commentID]
	if !ok {
		return nil
	}
	return snapComment(c).Reactions
}

// Issues returns the repository's issues (not pull requests), oldest first.
func (s *Server) Issues(repoName string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil
	}
	var out []Issue
	for _, n := range sortedIssueNumbers(rp) {
		if is := rp.Issues[n]; is.Pull == nil {
			out = append(out, snapIssue(rp, is))
		}
	}
	return out
}

// OpenIssue creates an issue as a user, for tests that need one to exist.
func (s *Server) OpenIssue(repoName, author, title, body string, labels ...string) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return Issue{}
	}
	is := s.st.newIssue(rp, s.st.userFor(author), title, body, s.now())
	is.Labels = slices.Clone(labels)
	return snapIssue(rp, is)
}

// HasLabel reports whether the issue or pull request carries the label.
func (s *Server) HasLabel(repoName string, number int, label string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, is, ok := s.issueFor(repoName, number)
	return ok && slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, label) })
}
