package policy

import (
	"maps"
	"slices"
	"sort"
)

// RequiredTeams is every team whose membership a decision may need: the
// groups' teams (for stages and for authorising /hold) and the leads of
// the SIGs the documents name.
func RequiredTeams(rules *Rules, docs []*Document) []string {
	set := map[string]bool{}
	for _, g := range rules.Groups {
		if g.Team != "" {
			set[g.Team] = true
		}
		if g.EmbargoTeam != "" {
			set[g.EmbargoTeam] = true
		}
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, sig := range d.SIGs {
			if team, ok := rules.SIGs[sig]; ok {
				set[team] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for team := range set {
		out = append(out, team)
	}
	sort.Strings(out)
	return out
}

// HoldTeams are the teams whose members may place and lift holds: every
// group's team and every SIG's leads, whether or not the notice names
// that SIG. Anyone with write permission may hold too (WritePermission).
func HoldTeams(rules *Rules) []string {
	teams := RequiredTeams(rules, nil)
	for _, sig := range slices.Sorted(maps.Keys(rules.SIGs)) {
		teams = append(teams, rules.SIGs[sig])
	}
	return teams
}

// WritePermission reports whether a repository permission level
// ("admin", "maintain", "write", "triage", "read", "none") lets its
// holder push, which is what lets them place and lift holds.
func WritePermission(level string) bool {
	return level == "admin" || level == "maintain" || level == "write"
}
