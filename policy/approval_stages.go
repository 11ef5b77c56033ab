package policy

import (
	"fmt"
	"strings"
)

// ladder turns resolved stages and an assignment of approvers into the
// per-stage results a reviewer reads.
type ladder struct {
	stages   []Stage
	reqs     []Requirement
	assigned Assignment
	first    []int // index of each stage's first requirement in reqs
	stageOf  []int // stage index of each requirement
	counted  map[string]int
	author   string
}

func newLadder(stages []Stage, reqs []Requirement, assigned Assignment, author string) *ladder {
	l := &ladder{stages: stages, reqs: reqs, assigned: assigned, counted: map[string]int{}, author: author}
	for si, s := range stages {
		l.first = append(l.first, len(l.stageOf))
		for range s.Requirements {
			l.stageOf = append(l.stageOf, si)
		}
	}
	for i, users := range assigned {
		for _, u := range users {
			if _, seen := l.counted[strings.ToLower(u)]; !seen {
				l.counted[strings.ToLower(u)] = i
			}
		}
	}
	return l
}

func (l *ladder) results(approvals []Review, invalid map[string]string) []StageResult {
	out := make([]StageResult, 0, len(l.stages))
	for si, s := range l.stages {
		res := StageResult{Name: s.Name, Teams: s.Teams(), Satisfied: true}
		var missing, approvers, candidates []string
		for k, r := range s.Requirements {
			i := l.first[si] + k
			got := l.assigned[i]
			approvers = append(approvers, got...)
			res.approvedBy = append(res.approvedBy, approvedBy{users: got, count: r.Count})
			res.Required += r.Count
			res.Approved += min(len(got), r.Count)
			if r.Problem != "" {
				res.Satisfied = false
				res.Unsatisfiable = true
				missing = append(missing, r.Problem)
				continue
			}
			if len(got) >= r.Count {
				continue
			}
			res.Satisfied = false
			missing = append(missing, missingSentence(r, r.Count-len(got)))
			res.openTeams = append(res.openTeams, r.Team)
			for _, m := range r.Members {
				if sameUser(m, l.author) {
					continue
				}
				if _, isCounted := l.counted[strings.ToLower(m)]; isCounted {
					continue
				}
				candidates = append(candidates, m)
			}
		}
		res.Approvers = uniqueTrimmed(approvers)
		res.Missing = strings.Join(missing, "; ")
		res.Candidates = sortedUsers(candidates)
		res.Discarded = l.stageDiscards(si, res.Satisfied, approvals, invalid)
		out = append(out, res)
	}
	return out
}

// stageDiscards explains every approval from a member of the stage's teams
// that does not count for it.
func (l *ladder) stageDiscards(si int, satisfied bool, approvals []Review, invalid map[string]string) []Discarded {
	var out []Discarded
	for _, a := range approvals {
		if !l.memberOfStage(si, a.User) {
			continue
		}
		key := strings.ToLower(a.User)
		if reason, bad := invalid[key]; bad {
			out = append(out, Discarded{User: a.User, Reason: reason})
			continue
		}
		i, isCounted := l.counted[key]
		switch {
		case isCounted && l.stageOf[i] == si:
			// Counts here; nothing to explain.
		case isCounted:
			out = append(out, Discarded{User: a.User, Reason: fmt.Sprintf(
				"counted for %s; with distinct approvers one person's approval counts toward one stage only", l.stages[l.stageOf[i]].Name)})
		case satisfied:
			out = append(out, Discarded{User: a.User, Reason: "extra approval: the stage already has the approvals it needs"})
		default:
			out = append(out, Discarded{User: a.User, Reason: "does not count because the stage can never be satisfied (see what is missing)"})
		}
	}
	return out
}

// outsiders are approvals from people in none of the required teams.
func (l *ladder) outsiders(approvals []Review, invalid map[string]string) []Discarded {
	var teams []string
	for _, r := range l.reqs {
		if r.Team != "" {
			teams = append(teams, r.Team)
		}
	}
	teams = uniqueTrimmed(teams)
	var out []Discarded
	for _, a := range approvals {
		if memberOfAny(l.reqs, a.User) {
			continue
		}
		reason, bad := invalid[strings.ToLower(a.User)]
		if !bad {
			reason = "not a member of any required team"
			if len(teams) > 0 {
				reason = "not a member of " + strings.Join(teams, ", ")
			}
		}
		out = append(out, Discarded{User: a.User, Reason: reason})
	}
	return out
}

func (l *ladder) memberOfStage(si int, user string) bool {
	for _, r := range l.stages[si].Requirements {
		if r.isMember(user) {
			return true
		}
	}
	return false
}

// missingSentence says who is still needed for one requirement.
func missingSentence(r Requirement, need int) string {
	switch {
	case r.Stage == StageSIG:
		return fmt.Sprintf("%s from the %s leads (%s)", pluralUnit(need, "approval"), r.Label, r.Team)
	case r.Majority:
		return fmt.Sprintf("%d more %s from %s (a majority is %d of its %d active members)", need, approvalWord(need), r.Team, r.Count, len(r.Members))
	default:
		return fmt.Sprintf("%d more %s from %s", need, approvalWord(need), r.Team)
	}
}

func approvalWord(n int) string {
	if n == 1 {
		return "approval"
	}
	return "approvals"
}
