package githubfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) routePulls(mux *router) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls", s.listPulls)
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}", s.getPull)
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/files", s.listPullFiles)
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/commits", s.listPullCommits)
	mux.HandleFunc("PUT /repos/{owner}/{repo}/pulls/{number}/merge", s.mergePullRequest)
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/merge", s.checkMerged)
	s.routeReviews(mux)
}

func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
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
	var matched []*pull
	for _, n := range sortedPullNumbers(rp) {
		p := rp.Pulls[n]
		if state != "all" && p.Issue.State != state {
			continue
		}
		if head := q.Get("head"); head != "" {
			_, ref, _ := strings.Cut(head, ":")
			if ref != p.HeadRef {
				continue
			}
		}
		if base := q.Get("base"); base != "" && base != p.BaseRef {
			continue
		}
		matched = append(matched, p)
	}
	// GitHub lists newest first unless asked otherwise.
	if q.Get("direction") != "asc" {
		slices.Reverse(matched)
	}
	out := []wPull{}
	for _, p := range paginate(s, w, r, matched) {
		out = append(out, s.renderPull(rp, p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getPull(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, p, ok := s.pullFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderPull(rp, p))
	}
}

// pullChanges are the files a pull request changes: head against the merge
// base with its base branch.
func (rp *repo) pullChanges(p *pull) []fileChange {
	baseTip := rp.Branches[p.BaseRef]
	if p.Merged && len(rp.Commits[p.MergeCommitSHA].Parents) > 0 {
		// After merging, GitHub keeps showing the changes as they were.
		baseTip = rp.Commits[p.MergeCommitSHA].Parents[0]
	}
	mb, ok := rp.mergeBase(baseTip, p.HeadSHA)
	if !ok {
		return nil
	}
	return diffTrees(rp.Commits[mb].Tree, rp.Commits[p.HeadSHA].Tree)
}

func (s *Server) listPullFiles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, paginate(s, w, r, s.renderFiles(rp, p.HeadSHA, rp.pullChanges(p))))
}

func (s *Server) listPullCommits(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	out := []wCommit{}
	for _, c := range rp.commitsBetween(rp.Branches[p.BaseRef], p.HeadSHA) {
		out = append(out, s.renderCommit(rp, c, nil))
	}
	writeJSON(w, http.StatusOK, paginate(s, w, r, out))
}

func (s *Server) checkMerged(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, p, ok := s.pullFrom(w, r); ok {
		if p.Merged {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(w, http.StatusNotFound, "Not Found")
	}
}

type mergeRequest struct {
	CommitTitle   string `json:"commit_title"`
	CommitMessage string `json:"commit_message"`
	SHA           string `json:"sha"`
	MergeMethod   string `json:"merge_method"`
}

type wMergeResult struct {
	SHA     string `json:"sha"`
	Merged  bool   `json:"merged"`
	Message string `json:"message"`
}

func (s *Server) mergePullRequest(w http.ResponseWriter, r *http.Request) {
	var body mergeRequest
	if !readJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFrom(w, r)
	if !ok {
		return
	}
	if body.MergeMethod == "" {
		body.MergeMethod = "merge"
	}
	switch {
	case !slices.Contains([]string{"merge", "squash", "rebase"}, body.MergeMethod):
		writeValidation(w, "Validation Failed", fieldError{Resource: "PullRequest", Field: "merge_method", Code: "invalid"})
		return
	case p.Merged || p.Issue.State != "open" || p.Conflicting:
		writeError(w, http.StatusMethodNotAllowed, "Pull Request is not mergeable")
		return
	case p.Draft:
		writeError(w, http.StatusMethodNotAllowed, "Pull Request is still a draft")
		return
	case body.SHA != "" && body.SHA != p.HeadSHA:
		writeError(w, http.StatusConflict, "Head branch was modified. Review and try the merge again.")
		return
	}
	if reason := s.st.mergeBlocker(rp, p); reason != "" {
		writeError(w, http.StatusMethodNotAllowed, reason)
		return
	}
	merged := s.mergePull(rp, p, callerOf(r).actor(), body.MergeMethod, body.CommitTitle, body.CommitMessage)
	s.outbox = append(s.outbox, s.pullEvent(rp, p, "closed", callerOf(r).actor(), nil))
	writeJSON(w, http.StatusOK, wMergeResult{SHA: merged.SHA, Merged: true, Message: "Pull Request successfully merged"})
}

// mergePull lands the pull request's changes on its base branch and closes
// it. Changes are replayed from the merge base onto the base tip, so
// commits that landed on the base meanwhile are kept. Callers hold s.mu.
func (s *Server) mergePull(rp *repo, p *pull, by *user, method, title, message string) *commit {
	baseTip := rp.Branches[p.BaseRef]
	files := map[string]string{}
	var deleted []string
	for _, ch := range rp.pullChanges(p) {
		if ch.Status == "removed" {
			deleted = append(deleted, ch.Path)
		} else {
			files[ch.Path] = ch.New
		}
	}
	if title == "" {
		title = "Merge pull request #" + strconv.Itoa(p.Issue.Number) + " from " + p.HeadRef
		if method == "squash" {
			title = p.Issue.Title + " (#" + strconv.Itoa(p.Issue.Number) + ")"
		}
	}
	if message != "" {
		title += "\n\n" + message
	}
	parents := []string{baseTip}
	if method == "merge" {
		parents = append(parents, p.HeadSHA)
	}
	now := s.now()
	c := s.st.addCommit(rp, parents, files, deleted, title, by, now)
	rp.Branches[p.BaseRef] = c.SHA
	p.Merged, p.MergedAt, p.MergedBy, p.MergeCommitSHA = true, now, by, c.SHA
	p.Issue.State, p.Issue.Closed, p.Issue.ClosedBy, p.Issue.Updated = "closed", now, by, now
	return c
}
