package githubfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) routeReviews(mux *router) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/reviews", s.listReviews)
	mux.HandleFunc("PUT /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/dismissals", s.dismissReviewRoute)
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.listRequestedReviewers)
	mux.HandleFunc("POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.requestReviewers)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.removeRequestedReviewers)
}

func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	out := []wReview{}
	for _, rv := range paginate(s, w, r, p.Reviews) {
		out = append(out, s.renderReview(rp, p, rv))
	}
	writeJSON(w, http.StatusOK, out)
}

type dismissRequest struct {
	Message string `json:"message"`
	Event   string `json:"event"`
}

func (s *Server) dismissReviewRoute(w http.ResponseWriter, r *http.Request) {
	var body dismissRequest
	if !readJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	i := slices.IndexFunc(p.Reviews, func(rv *review) bool { return rv.ID == id })
	switch {
	case i < 0:
		writeError(w, http.StatusNotFound, "Not Found")
		return
	case body.Message == "":
		writeValidation(w, "Validation Failed", fieldError{Resource: "PullRequestReview", Field: "message", Code: "missing_field"})
		return
	case p.Reviews[i].State != "APPROVED" && p.Reviews[i].State != "CHANGES_REQUESTED":
		writeValidation(w, "Can not dismiss a "+strings.ToLower(p.Reviews[i].State)+" pull request review")
		return
	}
	p.Reviews[i].State = "DISMISSED"
	s.outbox = append(s.outbox, s.reviewEvent(rp, p, p.Reviews[i], "dismissed", callerOf(r).actor(), nil))
	writeJSON(w, http.StatusOK, s.renderReview(rp, p, p.Reviews[i]))
}

type wRequestedReviewers struct {
	Users []wUser `json:"users"`
	Teams []wTeam `json:"teams"`
}

func (s *Server) listRequestedReviewers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	out := wRequestedReviewers{Users: s.renderUsers(p.RequestedUsers), Teams: []wTeam{}}
	for _, t := range p.RequestedTeams {
		out.Teams = append(out.Teams, s.renderTeam(t, "pull"))
	}
	writeJSON(w, http.StatusOK, out)
}

type reviewersRequest struct {
	Reviewers     []string `json:"reviewers"`
	TeamReviewers []string `json:"team_reviewers"`
}

// requestReviewers validates every reviewer before changing anything, as
// GitHub does: one outsider fails the whole request.
func (s *Server) requestReviewers(w http.ResponseWriter, r *http.Request) {
	var body reviewersRequest
	if !readJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	notCollaborator := "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " + rp.fullName() + " repository."
	if p.Issue.State != "open" {
		writeValidation(w, "Validation Failed", fieldError{Resource: "PullRequest", Code: "custom", Message: "Cannot request reviews on a closed pull request."})
		return
	}
	var users []*user
	for _, login := range body.Reviewers {
		if strings.EqualFold(login, p.Issue.User.Login) {
			writeValidation(w, "Review cannot be requested from pull request author.")
			return
		}
		u, known := s.st.users[strings.ToLower(login)]
		if !known || s.st.permission(rp, login) == "none" {
			writeValidation(w, notCollaborator)
			return
		}
		users = append(users, u)
	}
	var teams []*team
	for _, slug := range body.TeamReviewers {
		t, ok := s.st.team(rp.Owner.Login, slug)
		if !ok {
			writeValidation(w, notCollaborator)
			return
		}
		if _, access := t.Repos[strings.ToLower(rp.fullName())]; !access {
			writeValidation(w, notCollaborator)
			return
		}
		teams = append(teams, t)
	}
	for _, u := range users {
		if !slices.Contains(p.RequestedUsers, u) {
			p.RequestedUsers = append(p.RequestedUsers, u)
		}
	}
	for _, t := range teams {
		if !slices.Contains(p.RequestedTeams, t) {
			p.RequestedTeams = append(p.RequestedTeams, t)
		}
	}
	if len(users)+len(teams) > 0 {
		// GitHub sends one event per reviewer; one is enough for an app
		// that must ignore its own requests.
		s.outbox = append(s.outbox, s.pullEvent(rp, p, "review_requested", callerOf(r).actor(), nil))
	}
	writeJSON(w, http.StatusCreated, s.renderPull(rp, p))
}

func (s *Server) removeRequestedReviewers(w http.ResponseWriter, r *http.Request) {
	var body reviewersRequest
	if !readJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	p.RequestedUsers = slices.DeleteFunc(p.RequestedUsers, func(u *user) bool {
		return slices.ContainsFunc(body.Reviewers, func(l string) bool { return strings.EqualFold(l, u.Login) })
	})
	p.RequestedTeams = slices.DeleteFunc(p.RequestedTeams, func(t *team) bool {
		return slices.ContainsFunc(body.TeamReviewers, func(l string) bool { return strings.EqualFold(l, t.Slug) })
	})
	writeJSON(w, http.StatusOK, s.renderPull(rp, p))
}
