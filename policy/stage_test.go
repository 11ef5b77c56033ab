package policy

import (
	"strings"
	"testing"
)

func TestResolveStages(t *testing.T) {
	tests := []struct {
		name    string
		tier    int
		docs    func() []*Document
		rules   func(*Rules)
		teams   func(map[string][]string)
		author  string
		stage   string
		team    string
		count   int
		problem string
	}{
		{name: "group stage uses the group's team and count", tier: 2, stage: "comms", team: "example/comms", count: 1},
		{name: "group count above one", tier: 2, stage: "comms", team: "example/comms", count: 2,
			rules: func(r *Rules) { g := r.Groups["comms"]; g.Count = 2; r.Groups["comms"] = g }},
		{name: "majority of the active members", tier: 2, stage: "steering", team: "example/steering", count: 3},
		{name: "majority of an even team is strict", tier: 2, stage: "steering", team: "example/steering", count: 3,
			teams: func(m map[string][]string) { m["example/steering"] = []string{"s1", "s2", "s3", "s4"} }},
		{name: "duplicate members count once", tier: 2, stage: "steering", team: "example/steering", count: 2,
			teams: func(m map[string][]string) { m["example/steering"] = []string{"s1", "S1", "s2", "s3"} }},
		{name: "empty team can never approve", tier: 2, stage: "comms", team: "example/comms", count: 1,
			teams:   func(m map[string][]string) { delete(m, "example/comms") },
			problem: "team example/comms has no active members"},
		{name: "empty majority team can never approve", tier: 2, stage: "steering", team: "example/steering", count: 1,
			teams:   func(m map[string][]string) { m["example/steering"] = nil },
			problem: "team example/steering has no active members"},
		{name: "the author does not count toward a team's capacity", tier: 2, stage: "sig", team: "example/sig-node-leads", count: 1,
			docs:    func() []*Document { d := ladderDoc(); d.SIGs = []string{"sig-node"}; return []*Document{d} },
			author:  "nora",
			problem: "only 0 active members other than the author"},
		{name: "unknown group", tier: 2, stage: "comms", count: 1,
			rules:   func(r *Rules) { delete(r.Groups, "comms") },
			problem: `stage "comms" names no group in the policy`},
		{name: "group without a team", tier: 2, stage: "comms", count: 1,
			rules:   func(r *Rules) { g := r.Groups["comms"]; g.Team = ""; r.Groups["comms"] = g },
			problem: `group "comms" has no team configured`},
		{name: "embargo hands security to the embargo team", tier: 3, stage: "security", team: "example/src", count: 1,
			docs: func() []*Document { d := ladderDoc(); d.Embargo = true; return []*Document{d} }},
		{name: "without embargo security keeps its team", tier: 3, stage: "security", team: "example/security", count: 1},
		{name: "unknown SIG", tier: 2, stage: "sig", count: 1,
			docs:    func() []*Document { d := ladderDoc(); d.SIGs = []string{"sig-nope"}; return []*Document{d} },
			problem: `SIG "sig-nope" is not listed`},
		{name: "no owning SIG declared", tier: 2, stage: "sig", count: 1,
			docs:    func() []*Document { d := ladderDoc(); d.SIGs = nil; return []*Document{d} },
			problem: "no owning SIG is declared"},
		{name: "undefined tier", tier: 9, stage: "tier 9", count: 1, problem: "defines no stages for tier 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := ladderRules()
			if tt.rules != nil {
				tt.rules(rules)
			}
			teams := ladderTeams()
			if tt.teams != nil {
				tt.teams(teams)
			}
			docs := []*Document{ladderDoc()}
			if tt.docs != nil {
				docs = tt.docs()
			}
			author := tt.author
			if author == "" {
				author = "alice"
			}
			var found *Requirement
			for _, s := range ResolveStages(tt.tier, docs, rules, author, teams) {
				if s.Name == tt.stage {
					found = &s.Requirements[len(s.Requirements)-1]
				}
			}
			if found == nil {
				t.Fatalf("no stage %q", tt.stage)
			}
			if found.Team != tt.team || found.Count != tt.count {
				t.Errorf("team %q count %d, want %q %d", found.Team, found.Count, tt.team, tt.count)
			}
			if tt.problem == "" && found.Problem != "" {
				t.Errorf("unexpected problem %q", found.Problem)
			}
			if !strings.Contains(found.Problem, tt.problem) {
				t.Errorf("problem %q lacks %q", found.Problem, tt.problem)
			}
		})
	}
}

func TestResolveStagesOneRequirementPerSIG(t *testing.T) {
	d := ladderDoc()
	other := ladderDoc()
	other.SIGs = []string{"sig-node", "sig-auth"}
	stages := ResolveStages(1, []*Document{d, other}, ladderRules(), "alice", ladderTeams())
	if stages[0].Name != StageSIG || len(stages[0].Requirements) != 2 {
		t.Fatalf("sig stage = %+v, want one requirement per owning SIG", stages[0])
	}
	if got := strings.Join(stages[0].Teams(), ","); got != "example/sig-auth-leads,example/sig-node-leads" {
		t.Errorf("teams = %s", got)
	}
}
