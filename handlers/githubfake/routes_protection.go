package githubfake

import (
	"net/http"
	"strings"
)

// requiredChecksSuffix ends the path of GET .../branches/{branch}/protection/required_status_checks,
// which the branch route's {branch...} wildcard also matches.
const requiredChecksSuffix = "/protection/required_status_checks"

type wStatusCheck struct {
	Context string `json:"context"`
	AppID   *int64 `json:"app_id"`
}

type wStatusCheckPolicy struct {
	URL         string         `json:"url"`
	Strict      bool           `json:"strict"`
	Contexts    []string       `json:"contexts"`
	Checks      []wStatusCheck `json:"checks"`
	ContextsURL string         `json:"contexts_url"`
}

// getRequiredStatusChecks answers GET
// /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks.
// Callers hold s.mu.
func (s *Server) getRequiredStatusChecks(w http.ResponseWriter, rp *repo, branch string) {
	if rp.NoAdministration {
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return
	}
	checks, ok := rp.RequiredChecks[branch]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch not protected")
		return
	}
	url := s.apiURL("/repos/%s/branches/%s%s", rp.fullName(), branch, requiredChecksSuffix)
	out := wStatusCheckPolicy{URL: url, ContextsURL: url + "/contexts", Contexts: []string{}, Checks: []wStatusCheck{}}
	for _, c := range checks {
		out.Contexts = append(out.Contexts, c.Context)
		out.Checks = append(out.Checks, wStatusCheck{Context: c.Context, AppID: c.AppID})
	}
	writeJSON(w, http.StatusOK, out)
}

type wRuleCheck struct {
	Context       string `json:"context"`
	IntegrationID *int64 `json:"integration_id,omitempty"`
}

type wRuleParameters struct {
	RequiredStatusChecks []wRuleCheck `json:"required_status_checks"`
	Strict               bool         `json:"strict_required_status_checks_policy"`
}

type wBranchRule struct {
	Type              string          `json:"type"`
	RulesetSourceType string          `json:"ruleset_source_type"`
	RulesetSource     string          `json:"ruleset_source"`
	RulesetID         int64           `json:"ruleset_id"`
	Parameters        wRuleParameters `json:"parameters"`
}

// getRulesForBranch answers GET /repos/{owner}/{repo}/rules/branches/{branch}:
// the active rules on the branch, one required_status_checks rule per ruleset.
func (s *Server) getRulesForBranch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	out := []wBranchRule{}
	for _, rs := range rp.Rulesets[r.PathValue("branch")] {
		rule := wBranchRule{
			Type: "required_status_checks", RulesetSourceType: "Repository", RulesetSource: rp.fullName(), RulesetID: rs.ID,
			Parameters: wRuleParameters{RequiredStatusChecks: []wRuleCheck{}},
		}
		for _, c := range rs.Checks {
			rule.Parameters.RequiredStatusChecks = append(rule.Parameters.RequiredStatusChecks, wRuleCheck{Context: c.Context, IntegrationID: c.AppID})
		}
		out = append(out, rule)
	}
	writeJSON(w, http.StatusOK, out)
}

// protectionPath reports whether a branch route's wildcard holds a
// protection path, and the branch.
func protectionPath(branch string) (string, bool) {
	return strings.CutSuffix(branch, requiredChecksSuffix)
}
