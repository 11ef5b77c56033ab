package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func ratificationFacts(ratifiers ...string) RatificationFacts {
	f := crisisFacts()
	rf := RatificationFacts{
		Rules: f.Rules, Documents: f.Documents, Author: f.Author, TeamMembers: f.TeamMembers,
		PublishedAt: saturdayNight, Now: saturdayNight.Add(time.Hour),
	}
	for i, u := range ratifiers {
		rf.Ratifiers = append(rf.Ratifiers, Ratifier{User: u, At: saturdayNight.Add(time.Duration(i) * time.Minute)})
	}
	return rf
}

func TestEvaluateRatification(t *testing.T) {
	tests := []struct {
		name      string
		facts     RatificationFacts
		satisfied bool
		overdue   bool
		missing   []string
	}{
		{
			name:      "the normal ladder ratifies: SIG lead, comms, a Steering majority",
			facts:     ratificationFacts("ann", "carol", "s1", "s2", "s3", "s4"),
			satisfied: true,
		},
		{
			name:    "the crisis quorum is not a majority",
			facts:   ratificationFacts("ann", "carol", "s1", "s2"),
			missing: []string{"example/steering"},
		},
		{
			name: "the author cannot ratify",
			facts: func() RatificationFacts {
				f := ratificationFacts("alice", "carol", "s1", "s2", "s3", "s4")
				return f
			}(),
			missing: []string{"example/sig-auth-leads"},
		},
		{
			name: "bots cannot ratify",
			facts: func() RatificationFacts {
				f := ratificationFacts("carol", "s1", "s2", "s3", "s4")
				f.Ratifiers = append(f.Ratifiers, Ratifier{User: "ann", Bot: true})
				return f
			}(),
			missing: []string{"example/sig-auth-leads"},
		},
		{
			name:    "one person ratifies once, for one stage",
			facts:   ratificationFacts("ann", "carol", "carol", "s1", "s2", "s3"),
			missing: []string{"example/steering"},
		},
		{
			name: "past ratify_within it is overdue",
			facts: func() RatificationFacts {
				f := ratificationFacts("carol")
				f.Now = saturdayNight.Add(72 * time.Hour)
				return f
			}(),
			overdue: true,
			missing: []string{"example/sig-auth-leads", "example/steering"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := EvaluateRatification(tt.facts)
			if r.Satisfied != tt.satisfied || r.Overdue != tt.overdue {
				t.Fatalf("satisfied %v overdue %v, want %v %v; %q %q", r.Satisfied, r.Overdue, tt.satisfied, tt.overdue, r.Headline, r.Reasons)
			}
			if !slices.Equal(r.MissingTeams, tt.missing) {
				t.Errorf("missing teams %v, want %v", r.MissingTeams, tt.missing)
			}
			if !r.Due.Equal(saturdayNight.Add(72 * time.Hour)) {
				t.Errorf("due %s, want 72h after publication", r.Due)
			}
			if tt.satisfied != strings.HasPrefix(r.Headline, "RATIFIED") {
				t.Errorf("headline %q", r.Headline)
			}
		})
	}
}
