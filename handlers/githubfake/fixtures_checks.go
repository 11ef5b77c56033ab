package githubfake

import "slices"

// CheckRuns returns every check run on the commit, oldest first.
func (s *Server) CheckRuns(repoName, sha string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return nil
	}
	runs := s.st.runsForSHA(rp, sha, false)
	slices.Reverse(runs)
	out := make([]CheckRun, 0, len(runs))
	for _, cr := range runs {
		out = append(out, snapCheckRun(cr))
	}
	return out
}

// LatestCheckRun returns the newest check run with the name on the commit.
func (s *Server) LatestCheckRun(repoName, sha, name string) (CheckRun, bool) {
	runs := s.CheckRuns(repoName, sha)
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Name == name {
			return runs[i], true
		}
	}
	return CheckRun{}, false
}

func (s *Server) checkRunFor(id int64) (*checkRun, bool) {
	cr, ok := s.st.checkRuns[id]
	if !ok {
		s.fail("no check run %d", id)
	}
	return cr, ok
}

// RerequestCheckRun is a person pressing "Re-run" on the check; it returns
// check_run.rerequested.
func (s *Server) RerequestCheckRun(id int64, by string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRunFor(id)
	if !ok {
		return Event{}
	}
	return s.checkRunEvent(cr, "rerequested", "", s.st.userFor(by))
}

// RequestCheckRunAction is a person pressing one of the check run's action
// buttons; it returns check_run.requested_action. The button must be one
// the app offered on the run.
func (s *Server) RequestCheckRunAction(id int64, by, identifier string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRunFor(id)
	if !ok {
		return Event{}
	}
	if !slices.ContainsFunc(cr.Actions, func(a Action) bool { return a.Identifier == identifier }) {
		s.fail("check run %d offers no action %q (it offers %v)", id, identifier, cr.Actions)
		return Event{}
	}
	return s.checkRunEvent(cr, "requested_action", identifier, s.st.userFor(by))
}

// RequestCheckSuite is what GitHub sends every app installed on the
// repository when a commit is pushed: check_suite.requested. Use
// action "rerequested" for a person's "Re-run all checks".
func (s *Server) RequestCheckSuite(repoName, sha, action, by string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return Event{}
	}
	in := s.st.installationFor(rp, nil)
	if in == nil {
		s.fail("check suite on %s: no app is installed on the repository", repoName)
		return Event{}
	}
	if _, ok := rp.Commits[sha]; !ok {
		s.fail("check suite on %s: no commit %s", repoName, sha)
		return Event{}
	}
	if action != "requested" && action != "rerequested" {
		s.fail("check suite action %q is not requested or rerequested", action)
		return Event{}
	}
	cs := s.st.suiteFor(rp, in.App, sha, s.now())
	return s.checkSuiteEvent(cs, action, s.st.userFor(by))
}

// PostCheckRunAs creates a completed check run on sha as the app appID,
// the way any app with checks permission can, under any name: tests use
// it to forge a run under commsgate's names.
func (s *Server) PostCheckRunAs(appID int64, repoName, sha, name, conclusion, text string) CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return CheckRun{}
	}
	a, ok := s.st.apps[appID]
	if !ok {
		s.fail("post check run: no app %d", appID)
		return CheckRun{}
	}
	head, ok := rp.resolve(sha)
	if !ok {
		s.fail("post check run: no commit %s in %s", sha, repoName)
		return CheckRun{}
	}
	now := s.now()
	cr := &checkRun{
		ID: s.st.id(), Repo: rp, App: a, Name: name, HeadSHA: head.SHA,
		Status: "completed", Conclusion: conclusion, StartedAt: now, CompletedAt: now,
		Suite: s.st.suiteFor(rp, a, head.SHA, now), Title: name, Summary: name, Text: text,
	}
	s.st.checkRuns[cr.ID] = cr
	return CheckRun{ID: cr.ID, Name: name, Status: cr.Status, Conclusion: conclusion}
}
