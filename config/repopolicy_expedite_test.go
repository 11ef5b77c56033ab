package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/policy"
)

func TestExpediteDefaultsAndOverlay(t *testing.T) {
	if got := parseCleanPolicy(t).Expedite; !reflect.DeepEqual(got, policy.DefaultExpedite()) {
		t.Errorf("a policy without the section has %+v, want the built-in crisis path", got)
	}
	if parseCleanPolicy(t, "expedite: false").Expedite.Enabled {
		t.Error("expedite: false left the crisis path on")
	}
	if parseCleanPolicy(t, "expedite: {enabled: false}").Expedite.Enabled {
		t.Error("expedite.enabled: false left the crisis path on")
	}
	got := parseCleanPolicy(t,
		"expedite:",
		"  types: [incident]",
		"  stages: [security, steering]",
		"  quorum: {steering: 3}",
		"  ratify_within: 48h",
	).Expedite
	want := policy.Expedite{Enabled: true, Types: []string{"incident"}, Stages: []string{"security", "steering"},
		Quorum: map[string]int{"steering": 3}, RatifyWithin: 48 * time.Hour}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("expedite = %+v, want %+v", got, want)
	}
}

func TestExpediteFindings(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		rule    string
		line    int
		message string
	}{
		{"unknown type", []string{"expedite:", "  types: [incident, outage]"}, RuleEnum, 8, `"outage", which is not a communication type`},
		{"unknown stage", []string{"expedite:", "  stages: [comms, board]"}, RuleTierStage, 8, `"board", which is neither sig nor a group`},
		{"empty ladder", []string{"expedite:", "  stages: []"}, RuleTierEmpty, 8, "need nobody's approval"},
		{"quorum for a stage not on the crisis ladder", []string{"expedite:", "  quorum: {security: 1}"}, RuleGroupQuorum, 8, "not one of the expedite stages"},
		{"quorum of zero", []string{"expedite:", "  quorum: {steering: 0}"}, RuleGroupQuorum, 8, "at least 1"},
		{"zero ratification period", []string{"expedite:", "  ratify_within: 0s"}, RuleDuration, 8, "positive number"},
		{"typo", []string{"expedite:", "  ratify_whitin: 72h"}, RuleUnknownKey, 8, `did you mean "ratify_within"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Join(withPolicyTeams(tc.lines...), "\n") + "\n"
			_, findings := ParseRepoPolicy("p.yml", []byte(data))
			for _, f := range findings {
				if f.Rule == tc.rule && f.Line == tc.line && strings.Contains(f.Message, tc.message) {
					return
				}
			}
			t.Fatalf("no %s at line %d mentioning %q; got:\n%s", tc.rule, tc.line, tc.message, renderFindings(findings))
		})
	}
}

func TestRatificationWithoutFollowUpIsAWarning(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  bool
	}{
		{"follow-up off, crisis path on by default", []string{"followup: {enabled: false}"}, true},
		{"follow-up off, crisis path off", []string{"followup: {enabled: false}", "expedite: false"}, false},
		{"follow-up on", []string{"followup: {enabled: true}"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Join(withPolicyTeams(tc.lines...), "\n") + "\n"
			rules, findings := ParseRepoPolicy("p.yml", []byte(data))
			if rules == nil || policy.HasErrors(findings) {
				t.Fatalf("want usable rules, got\n%s", renderFindings(findings))
			}
			var got []policy.Finding
			for _, f := range findings {
				if f.Rule == RuleRatifyNowhere {
					got = append(got, f)
				}
			}
			if !tc.want {
				if len(got) != 0 {
					t.Fatalf("unexpected warning:\n%s", renderFindings(got))
				}
				return
			}
			if len(got) != 1 || got[0].Severity != policy.SeverityWarning || got[0].Line != 7 || !strings.Contains(got[0].Message, "/ratify") {
				t.Fatalf("want one warning at the followup line naming /ratify, got\n%s", renderFindings(findings))
			}
		})
	}
}
