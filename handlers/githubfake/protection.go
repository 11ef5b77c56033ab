package githubfake

import (
	"fmt"
	"slices"
	"strings"
)

// RequiredCheck is a status check a branch requires. AppID is the app
// that must provide it; nil means any source, as GitHub's null does.
type RequiredCheck struct {
	Context string
	AppID   *int64
}

// AppCheck is a check required from one app.
func AppCheck(context string, appID int64) RequiredCheck {
	return RequiredCheck{Context: context, AppID: &appID}
}

// branchRuleset is a repository ruleset's required_status_checks rule on
// one branch.
type branchRuleset struct {
	ID     int64
	Checks []RequiredCheck
}

// ProtectBranch requires the named checks to have succeeded on a pull
// request's head before it can merge into the branch, as GitHub's branch
// protection does, from any source. This is how a repository makes
// commsgate's approval check a gate; calling it again replaces the list.
func (s *Server) ProtectBranch(repoName, branch string, requiredChecks ...string) {
	checks := make([]RequiredCheck, len(requiredChecks))
	for i, name := range requiredChecks {
		checks[i] = RequiredCheck{Context: name}
	}
	s.ProtectBranchChecks(repoName, branch, checks...)
}

// ProtectBranchChecks is ProtectBranch with the app each check must come
// from (GitHub's required_status_checks.checks[].app_id).
func (s *Server) ProtectBranchChecks(repoName, branch string, checks ...RequiredCheck) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return
	}
	if rp.RequiredChecks == nil {
		rp.RequiredChecks = map[string][]RequiredCheck{}
	}
	rp.RequiredChecks[branch] = slices.Clone(checks)
}

// AddBranchRuleset adds an active repository ruleset whose
// required_status_checks rule applies to branch (integration_id is the
// check's AppID).
func (s *Server) AddBranchRuleset(repoName, branch string, id int64, checks ...RequiredCheck) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return
	}
	if rp.Rulesets == nil {
		rp.Rulesets = map[string][]branchRuleset{}
	}
	rp.Rulesets[branch] = append(rp.Rulesets[branch], branchRuleset{ID: id, Checks: slices.Clone(checks)})
}

// WithholdAdministration makes the repository's classic branch protection
// unreadable to apps, as GitHub answers an installation without the
// Administration: read permission (403).
func (s *Server) WithholdAdministration(repoName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, ok := s.repoFor(repoName); ok {
		rp.NoAdministration = true
	}
}

// requiredChecks is every check a merge into branch needs: the classic
// protection's and the rulesets'. Callers hold s.mu.
func (rp *repo) requiredChecks(branch string) []RequiredCheck {
	out := slices.Clone(rp.RequiredChecks[branch])
	for _, rs := range rp.Rulesets[branch] {
		out = append(out, rs.Checks...)
	}
	return out
}

// passingConclusions are the conclusions branch protection accepts.
var passingConclusions = []string{"success", "neutral", "skipped"}

// mergeBlocker says why branch protection refuses the merge, empty when
// it allows it. A check required from an app passes only on that app's
// run. Callers hold s.mu.
func (st *state) mergeBlocker(rp *repo, p *pull) string {
	var missing []string
	for _, req := range rp.requiredChecks(p.BaseRef) {
		passed := false
		for _, cr := range st.runsForSHA(rp, p.HeadSHA, true) {
			if cr.Name == req.Context && (req.AppID == nil || *req.AppID < 0 || (cr.App != nil && cr.App.ID == *req.AppID)) {
				passed = cr.Status == "completed" && slices.Contains(passingConclusions, cr.Conclusion)
				break
			}
		}
		if !passed {
			missing = append(missing, req.Context)
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
