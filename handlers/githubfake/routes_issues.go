package githubfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) routeIssues(mux *router) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.listIssues)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", s.createIssue)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}", s.getIssue)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.updateIssue)
	// "issues/comments/{id}" and "issues/{number}/comments" overlap for
	// ServeMux, so one route dispatches both.
	mux.HandleFunc("/repos/{owner}/{repo}/issues/{a}/{b}", s.issueSubresource)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/comments/{id}/reactions", s.listReactions)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/comments/{id}/reactions", s.createReaction)
}

func (s *Server) issueSubresource(w http.ResponseWriter, r *http.Request) {
	a, b := r.PathValue("a"), r.PathValue("b")
	switch {
	case a == "comments":
		r.SetPathValue("id", b)
		switch r.Method {
		case http.MethodGet:
			s.getComment(w, r)
		case http.MethodPatch:
			s.updateComment(w, r)
		case http.MethodDelete:
			s.deleteComment(w, r)
		default:
			writeError(w, http.StatusNotFound, "Not Found")
		}
	case b == "comments":
		r.SetPathValue("number", a)
		switch r.Method {
		case http.MethodGet:
			s.listComments(w, r)
		case http.MethodPost:
			s.createComment(w, r)
		default:
			writeError(w, http.StatusNotFound, "Not Found")
		}
	case b == "labels" && r.Method == http.MethodPost:
		r.SetPathValue("number", a)
		s.addLabels(w, r)
	default:
		writeError(w, http.StatusNotFound, "Not Found")
	}
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var labels []string
	if l := q.Get("labels"); l != "" {
		labels = strings.Split(l, ",")
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var matched []*issue
	for _, n := range sortedIssueNumbers(rp) {
		is := rp.Issues[n]
		switch {
		case state != "all" && is.State != state,
			!containsAll(is.Labels, labels),
			q.Get("creator") != "" && !strings.EqualFold(q.Get("creator"), is.User.Login),
			q.Get("assignee") != "" && q.Get("assignee") != "*" && !slices.ContainsFunc(is.Assignees, func(u *user) bool { return strings.EqualFold(u.Login, q.Get("assignee")) }),
			!since.IsZero() && is.Updated.Before(since):
			continue
		}
		matched = append(matched, is)
	}
	if q.Get("direction") != "asc" {
		slices.Reverse(matched)
	}
	out := []wIssue{}
	for _, is := range paginate(s, w, r, matched) {
		out = append(out, s.renderIssue(rp, is))
	}
	writeJSON(w, http.StatusOK, out)
}

func sortedIssueNumbers(rp *repo) []int {
	nums := make([]int, 0, len(rp.Issues))
	for n := range rp.Issues {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	return nums
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(w)) }) {
			return false
		}
	}
	return true
}

type issueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
	Assignees   *[]string `json:"assignees"`
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request) {
	var req issueRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	if req.Title == nil || strings.TrimSpace(*req.Title) == "" {
		writeValidation(w, "Validation Failed", fieldError{Resource: "Issue", Field: "title", Code: "missing_field"})
		return
	}
	is := s.st.newIssue(rp, callerOf(r).actor(), *req.Title, "", s.now())
	s.applyIssueEdit(rp, is, req, callerOf(r).actor())
	writeJSON(w, http.StatusCreated, s.renderIssue(rp, is))
}

// newIssue takes the repository's next number, shared with pull requests.
func (st *state) newIssue(rp *repo, author *user, title, body string, now time.Time) *issue {
	rp.nextNumber++
	is := &issue{ID: st.id(), Number: rp.nextNumber, Title: title, Body: body, User: author, State: "open", Created: now, Updated: now}
	rp.Issues[is.Number] = is
	return is
}

// applyIssueEdit writes the given fields; assignees without access to the
// repository are dropped silently, as GitHub does.
func (s *Server) applyIssueEdit(rp *repo, is *issue, req issueRequest, by *user) {
	now := s.now()
	if req.Title != nil {
		is.Title = *req.Title
	}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil {
		is.Labels = slices.Clone(*req.Labels)
	}
	if req.Assignees != nil {
		is.Assignees = nil
		for _, login := range *req.Assignees {
			if s.st.permission(rp, login) != "none" {
				is.Assignees = append(is.Assignees, s.st.userFor(login))
			}
		}
	}
	if req.State != nil && *req.State != is.State {
		is.State = *req.State
		if is.State == "closed" {
			is.Closed, is.ClosedBy, is.StateReason = now, by, "completed"
		} else {
			is.Closed, is.ClosedBy, is.StateReason = time.Time{}, nil, "reopened"
		}
	}
	if req.StateReason != nil {
		is.StateReason = *req.StateReason
	}
	is.Updated = now
}

func (s *Server) getIssue(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, is, ok := s.issueFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderIssue(rp, is))
	}
}

func (s *Server) updateIssue(w http.ResponseWriter, r *http.Request) {
	var req issueRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFrom(w, r)
	if !ok {
		return
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		writeValidation(w, "Validation Failed", fieldError{Resource: "Issue", Field: "state", Code: "invalid"})
		return
	}
	s.applyIssueEdit(rp, is, req, callerOf(r).actor())
	writeJSON(w, http.StatusOK, s.renderIssue(rp, is))
}

func (s *Server) addLabels(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Labels []string `json:"labels"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFrom(w, r)
	if !ok {
		return
	}
	for _, l := range req.Labels {
		if !slices.Contains(is.Labels, l) {
			is.Labels = append(is.Labels, l)
		}
	}
	writeJSON(w, http.StatusOK, s.renderLabels(rp, is.Labels))
}

// issueComments lists an issue's comments oldest first.
func issueComments(rp *repo, is *issue) []*comment {
	var out []*comment
	for _, c := range rp.Comments {
		if c.Issue == is {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *comment) int { return int(a.ID - b.ID) })
	return out
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFrom(w, r)
	if !ok {
		return
	}
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var matched []*comment
	for _, c := range issueComments(rp, is) {
		if since.IsZero() || !c.Updated.Before(since) {
			matched = append(matched, c)
		}
	}
	out := []wComment{}
	for _, c := range paginate(s, w, r, matched) {
		out = append(out, s.renderComment(rp, c))
	}
	writeJSON(w, http.StatusOK, out)
}

type commentRequest struct {
	Body *string `json:"body"`
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, is, ok := s.issueFrom(w, r)
	if !ok {
		return
	}
	if req.Body == nil || *req.Body == "" {
		writeValidation(w, "Validation Failed", fieldError{Resource: "IssueComment", Field: "body", Code: "missing_field"})
		return
	}
	c := s.st.newComment(rp, is, callerOf(r).actor(), *req.Body, s.now())
	// GitHub tells the app about its own comments too; apps must ignore them.
	s.outbox = append(s.outbox, s.commentEvent(rp, c, "created"))
	writeJSON(w, http.StatusCreated, s.renderComment(rp, c))
}

func (st *state) newComment(rp *repo, is *issue, author *user, body string, now time.Time) *comment {
	c := &comment{ID: st.id(), Issue: is, User: author, Body: body, Created: now, Updated: now}
	rp.Comments[c.ID] = c
	is.Updated = now
	return c
}

func (s *Server) commentFrom(w http.ResponseWriter, r *http.Request) (*repo, *comment, bool) {
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return nil, nil, false
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, ok := rp.Comments[id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, nil, false
	}
	return rp, c, true
}

func (s *Server) getComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, c, ok := s.commentFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderComment(rp, c))
	}
}

func (s *Server) updateComment(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, c, ok := s.commentFrom(w, r)
	if !ok {
		return
	}
	if req.Body == nil || *req.Body == "" {
		writeValidation(w, "Validation Failed", fieldError{Resource: "IssueComment", Field: "body", Code: "missing_field"})
		return
	}
	c.Body, c.Updated = *req.Body, s.now()
	writeJSON(w, http.StatusOK, s.renderComment(rp, c))
}

func (s *Server) deleteComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, c, ok := s.commentFrom(w, r); ok {
		delete(rp.Comments, c.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

var reactionContents = []string{"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}

func (s *Server) listReactions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, ok := s.commentFrom(w, r)
	if !ok {
		return
	}
	out := []wReaction{}
	for _, re := range paginate(s, w, r, c.Reactions) {
		if content := r.URL.Query().Get("content"); content == "" || content == re.Content {
			out = append(out, s.renderReaction(re))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// createReaction answers 200 with the existing reaction when the user
// already reacted with that content, 201 otherwise, as GitHub does.
func (s *Server) createReaction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Content string `json:"content"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, c, ok := s.commentFrom(w, r)
	if !ok {
		return
	}
	if !slices.Contains(reactionContents, req.Content) {
		writeValidation(w, "Validation Failed", fieldError{Resource: "Reaction", Field: "content", Code: "invalid"})
		return
	}
	actor := callerOf(r).actor()
	for _, re := range c.Reactions {
		if re.User == actor && re.Content == req.Content {
			writeJSON(w, http.StatusOK, s.renderReaction(re))
			return
		}
	}
	re := &reaction{ID: s.st.id(), User: actor, Content: req.Content, Created: s.now()}
	c.Reactions = append(c.Reactions, re)
	writeJSON(w, http.StatusCreated, s.renderReaction(re))
}
