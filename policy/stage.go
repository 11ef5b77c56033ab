package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Requirement is one thing a stage needs: Count approvals from active
// members of Team. The sig stage has one requirement per owning SIG; a group
// stage has exactly one.
type Requirement struct {
	Stage string
	// Label names the requirement for readers: "sig-auth" or "comms".
	Label string
	Team  string
	Count int
	// Majority records that Count was derived from the team's size.
	Majority bool
	// Members are the team's active members, as the facts list them.
	Members []string
	// Problem, when set, says why the requirement can never be satisfied.
	Problem string
	// Note explains a substitution, e.g. the embargo team replacing the
	// usual one.
	Note string
}

// Stage is one rung of the ladder with its resolved requirements.
type Stage struct {
	Name         string
	Requirements []Requirement
}

// Teams returns the stage's teams in requirement order, without blanks.
func (s Stage) Teams() []string {
	var teams []string
	for _, r := range s.Requirements {
		if r.Team != "" {
			teams = append(teams, r.Team)
		}
	}
	return uniqueTrimmed(teams)
}

// ResolveStages turns the stage names of a tier into concrete requirements.
// Anything that cannot be resolved (an unknown SIG or group, a team with no
// members) becomes a requirement that can never be satisfied and says why:
// the evaluation fails closed instead of skipping a stage.
func ResolveStages(tier int, docs []*Document, rules *Rules, author string, teamMembers map[string][]string) []Stage {
	if rules == nil {
		return nil
	}
	names, ok := rules.Tiers[tier]
	if !ok || len(names) == 0 {
		return []Stage{{Name: fmt.Sprintf("tier %d", tier), Requirements: []Requirement{{
			Stage: fmt.Sprintf("tier %d", tier), Label: fmt.Sprintf("tier %d", tier), Count: 1,
			Problem: fmt.Sprintf("the policy defines no stages for tier %d, so nobody can approve; add the tier to the policy", tier),
		}}}}
	}
	return resolveLadder(fmt.Sprintf("tier %d", tier), names, nil, docs, rules, author, teamMembers)
}

// ResolveExpediteStages resolves the crisis ladder: the policy's expedite
// stages, each with its quorum instead of the group's usual count.
func ResolveExpediteStages(docs []*Document, rules *Rules, author string, teamMembers map[string][]string) []Stage {
	if rules == nil {
		return nil
	}
	return resolveLadder("the crisis ladder", rules.Expedite.Stages, rules.Expedite.Quorum, docs, rules, author, teamMembers)
}

// resolveLadder resolves named stages; quorum, when it names a stage,
// replaces that stage's count (members needed).
func resolveLadder(label string, names []string, quorum map[string]int, docs []*Document, rules *Rules, author string, teamMembers map[string][]string) []Stage {
	embargoed := false
	documents := 0
	var sigs []string
	for _, d := range docs {
		if d == nil {
			continue
		}
		documents++
		embargoed = embargoed || d.Embargo
		sigs = append(sigs, d.SIGs...)
	}
	sigs = uniqueTrimmed(sigs)

	stages := make([]Stage, 0, len(names))
	for _, name := range names {
		if name == StageSIG {
			// A pull request that changes only the policy file has no
			// owning SIG; the remaining stages still apply.
			if documents == 0 {
				continue
			}
			stages = append(stages, Stage{Name: name, Requirements: sigRequirements(sigs, rules, author, teamMembers)})
			continue
		}
		req := groupRequirement(name, rules, embargoed, author, teamMembers)
		if q, ok := quorum[name]; ok && q > 0 && req.Team != "" {
			req.Count, req.Majority = q, false
			req.Problem = capacityProblem(req, author)
		}
		stages = append(stages, Stage{Name: name, Requirements: []Requirement{req}})
	}
	if len(stages) == 0 {
		// Nothing may pass without somebody's review.
		stages = append(stages, Stage{Name: label, Requirements: []Requirement{{
			Stage: label, Label: label, Count: 1,
			Problem: fmt.Sprintf("%s has only the sig stage and no communication names a SIG, so nobody can approve; add a group stage to it", label),
		}}})
	}
	return stages
}

func sigRequirements(sigs []string, rules *Rules, author string, teamMembers map[string][]string) []Requirement {
	if len(sigs) == 0 {
		return []Requirement{{
			Stage: StageSIG, Label: "owning SIG", Count: 1,
			Problem: "no owning SIG is declared in `sigs`, so no SIG lead can approve; name the owning SIG in the front matter",
		}}
	}
	reqs := make([]Requirement, 0, len(sigs))
	for _, sig := range sigs {
		req := Requirement{Stage: StageSIG, Label: sig, Count: 1}
		team, ok := rules.SIGs[sig]
		if !ok || team == "" {
			req.Problem = fmt.Sprintf("SIG %q is not listed in the policy's sigs, so nobody can approve for it; correct `sigs` or add the SIG and its leads team to the policy", sig)
			reqs = append(reqs, req)
			continue
		}
		req.Team = team
		req.Members = activeMembers(teamMembers, team)
		req.Problem = capacityProblem(req, author)
		reqs = append(reqs, req)
	}
	return reqs
}

func groupRequirement(name string, rules *Rules, embargoed bool, author string, teamMembers map[string][]string) Requirement {
	req := Requirement{Stage: name, Label: name, Count: 1}
	group, ok := rules.Groups[name]
	if !ok {
		req.Problem = fmt.Sprintf("stage %q names no group in the policy, so nobody can approve it; add the group to the policy", name)
		return req
	}
	req.Team = group.Team
	if embargoed && group.EmbargoTeam != "" {
		// Embargoed issues belong to the Security Response Committee, not
		// to the team that handles public vulnerability work.
		req.Team = group.EmbargoTeam
		req.Note = fmt.Sprintf("%s reviews the %s stage because the communication is embargoed", group.EmbargoTeam, name)
	}
	if req.Team == "" {
		req.Problem = fmt.Sprintf("group %q has no team configured, so nobody can approve it; set its team in the policy", name)
		return req
	}
	req.Members = activeMembers(teamMembers, req.Team)
	switch {
	case group.Majority:
		req.Majority = true
		req.Count = len(req.Members)/2 + 1
	case group.Count > 0:
		req.Count = group.Count
	}
	req.Problem = capacityProblem(req, author)
	return req
}

// capacityProblem explains why a team is too small to ever give the
// approvals a requirement needs; the author cannot approve, so they do not
// count toward the team's capacity.
func capacityProblem(req Requirement, author string) string {
	if len(req.Members) == 0 {
		return fmt.Sprintf("team %s has no active members (or is unknown to the app), so it can never approve; fix the team or the policy", req.Team)
	}
	eligible := 0
	for _, m := range req.Members {
		if !sameUser(m, author) {
			eligible++
		}
	}
	if eligible < req.Count {
		return fmt.Sprintf("%s needs %d approvals but only %d active members other than the author can give one; fix the team or the policy", req.Team, req.Count, eligible)
	}
	return ""
}

// activeMembers returns a team's members sorted case-insensitively and
// without duplicates, so results do not depend on API order.
func activeMembers(teamMembers map[string][]string, team string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range teamMembers[team] {
		key := strings.ToLower(strings.TrimSpace(m))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, strings.TrimSpace(m))
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// isMember compares GitHub logins, which are case-insensitive.
func (r Requirement) isMember(user string) bool {
	for _, m := range r.Members {
		if sameUser(m, user) {
			return true
		}
	}
	return false
}

func sameUser(a, b string) bool {
	return a != "" && strings.EqualFold(a, b)
}
