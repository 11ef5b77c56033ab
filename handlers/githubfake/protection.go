package githubfake

import (
	"fmt"
	"slices"
	"strings"
)

// ProtectBranch requires the named checks to have succeeded on a pull
// request's head before it can merge into the branch, as GitHub's branch
// protection does. This is how a repository makes commsgate's approval
// check a gate; calling it again replaces the list.
func (s *Server) ProtectBranch(repoName, branch string, requiredChecks ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return
	}
	if rp.RequiredChecks == nil {
		rp.RequiredChecks = map[string][]string{}
	}
	rp.RequiredChecks[branch] = slices.Clone(requiredChecks)
}

// passingConclusions are the conclusions branch protection accepts.
var passingConclusions = []string{"success", "neutral", "skipped"}

// mergeBlocker says why branch protection refuses the merge, empty when
// it allows it. Callers hold s.mu.
func (st *state) mergeBlocker(rp *repo, p *pull) string {
	var missing []string
	for _, name := range rp.RequiredChecks[p.BaseRef] {
		passed := false
		for _, cr := range st.runsForSHA(rp, p.HeadSHA, true) {
			if cr.Name == name {
				passed = cr.Status == "completed" && slices.Contains(passingConclusions, cr.Conclusion)
				break
			}
		}
		if !passed {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("Required status check %q is expected.", strings.Join(missing, `", "`))
}

// MergeBlocked reports whether branch protection would refuse to merge
// the pull request now, and why.
func (s *Server) MergeBlocked(repoName string, number int) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, p, ok := s.pullFor(repoName, number)
	if !ok {
		return "", false
	}
	reason := s.st.mergeBlocker(rp, p)
	return reason, reason != ""
}
