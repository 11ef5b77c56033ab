package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// saturdayNight is 03:00 UTC on a Saturday: outside every default window.
var saturdayNight = time.Date(2027, 2, 20, 3, 0, 0, 0, time.UTC)

// crisisFacts is an ongoing incident written at saturdayNight, declared
// expedited, for a seven-member Steering Committee (majority 4, crisis
// quorum 2).
func crisisFacts(reviews ...Review) Facts {
	f := ladderFacts(reviews...)
	f.Rules.Tiers = map[int][]string{1: {StageSIG, "steering"}, 2: {StageSIG, "comms", "steering"}, 3: {StageSIG, "comms", "security", "steering"}}
	f.TeamMembers["example/steering"] = []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7"}
	doc := ladderDoc()
	doc.Type = "incident"
	doc.Title = "Registry serving corrupted images"
	doc.PublishAt = saturdayNight
	doc.Expedite = true
	doc.ExpediteReason = "Clusters are pulling corrupted images right now."
	f.Documents = []*Document{doc}
	f.Now = saturdayNight.Add(20 * time.Minute)
	return f
}

func TestEvaluateCrisisPath(t *testing.T) {
	tests := []struct {
		name   string
		facts  func() Facts
		state  State
		expect func(t *testing.T, d Decision)
	}{
		{
			name:  "comms and two Steering members approve outside every window",
			facts: func() Facts { return crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3)) },
			state: StateApproved,
			expect: func(t *testing.T, d Decision) {
				if !strings.Contains(d.Headline, "EXPEDITED") {
					t.Errorf("headline %q does not say the notice is expedited", d.Headline)
				}
				if len(d.ScheduleFindings()) != 0 {
					t.Errorf("windows are waived, yet schedule findings: %v", d.ScheduleFindings())
				}
				if st := stageNamed(t, d, "steering"); st.Required != 2 {
					t.Errorf("steering needs %d approvals in a crisis, want the quorum 2", st.Required)
				}
				if d.Expedite == nil || d.Expedite.NormalTier != 2 || !slices.Equal(d.Expedite.NormalStages, []string{StageSIG, "comms", "steering"}) {
					t.Errorf("ratifying ladder = %+v, want tier 2's sig → comms → steering", d.Expedite)
				}
			},
		},
		{
			name:  "approvals count in any order",
			facts: func() Facts { return crisisFacts(approve("s1", 1), approve("s2", 2), approve("carol", 3)) },
			state: StateApproved,
		},
		{
			name:  "one Steering member is not a quorum",
			facts: func() Facts { return crisisFacts(approve("carol", 1), approve("s1", 2)) },
			state: StatePending,
			expect: func(t *testing.T, d Decision) {
				if !strings.Contains(d.NextStep, "steering needs 1 more approval") {
					t.Errorf("next step %q does not say steering needs one more", d.NextStep)
				}
			},
		},
		{
			name: "the author alone cannot make it through",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2))
				f.Author = "carol"
				f.TeamMembers["example/steering"] = append(f.TeamMembers["example/steering"], "carol")
				return f
			},
			state: StatePending,
			expect: func(t *testing.T, d Decision) {
				if st := stageNamed(t, d, "comms"); st.Satisfied {
					t.Errorf("the author's own approval satisfied comms: %+v", st)
				}
			},
		},
		{
			name: "every stage is asked at once",
			facts: func() Facts {
				return crisisFacts()
			},
			state: StatePending,
			expect: func(t *testing.T, d Decision) {
				if !slices.Equal(d.RequestTeams, []string{"example/comms", "example/steering"}) {
					t.Errorf("request teams %v, want comms and steering together", d.RequestTeams)
				}
				if !strings.Contains(d.NextStep, "comms needs") || !strings.Contains(d.NextStep, "steering needs") {
					t.Errorf("next step %q should name both open stages", d.NextStep)
				}
			},
		},
		{
			name: "a hold still stops it",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.Holds = []Hold{{By: "s3", Reason: "wrong registry named", Stage: "steering"}}
				return f
			},
			state: StateBlocked,
		},
		{
			name: "a publish_at long past means as soon as approved",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.Now = saturdayNight.Add(3 * 24 * time.Hour)
				return f
			},
			state: StateApproved,
		},
		{
			name: "an embargo still binds",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				doc := f.Documents[0]
				doc.Type = "security-advisory"
				doc.Embargo = true
				doc.PublishAt = saturdayNight.Add(2 * time.Hour)
				doc.EmbargoUntil = saturdayNight.Add(2 * time.Hour)
				doc.DistributorsNotified = saturdayNight
				return f
			},
			state: StateScheduled,
			expect: func(t *testing.T, d Decision) {
				if !d.ReleaseAt.Equal(saturdayNight.Add(2 * time.Hour)) {
					t.Errorf("release at %s, want the embargo's end", d.ReleaseAt)
				}
				for _, f := range d.ScheduleFindings() {
					if f.Rule == RuleDistributorsNoticeTooShort {
						t.Errorf("the distributor lead time is waived in a crisis, got %s", f)
					}
				}
			},
		},
		{
			name: "a calm notice cannot ride along",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.Documents = append(f.Documents, ladderDoc())
				f.Documents[1].Path = "comms/b.md"
				f.Documents[1].PublishAt = time.Date(2027, 2, 23, 16, 0, 0, 0, time.UTC) // a calm Tuesday
				return f
			},
			state: StateBlocked,
			expect: func(t *testing.T, d Decision) {
				if d.Expedite != nil {
					t.Error("a mixed pull request took the crisis path")
				}
				if !strings.Contains(strings.Join(d.Reasons, "\n"), "travels alone") {
					t.Errorf("reasons %q do not say why", d.Reasons)
				}
			},
		},
		{
			name: "a policy change cannot ride along",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.PolicyFileChanged = true
				return f
			},
			state: StateBlocked,
		},
		{
			name: "a policy that switches the crisis path off keeps the calm ladder and windows",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.Rules.Expedite.Enabled = false
				return f
			},
			state: StateInvalid,
			expect: func(t *testing.T, d Decision) {
				if d.Expedite != nil {
					t.Error("took the crisis path although the policy switches it off")
				}
				if len(d.ScheduleFindings()) == 0 {
					t.Error("Saturday 03:00 passed the windows without the crisis path")
				}
			},
		},
		{
			name: "a type the policy does not allow keeps the calm ladder",
			facts: func() Facts {
				f := crisisFacts(approve("carol", 1), approve("s1", 2), approve("s2", 3))
				f.Documents[0].Type = "announcement"
				return f
			},
			state: StateInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.facts())
			if d.State != tt.state {
				t.Fatalf("state %s, want %s; headline %q; reasons %q", d.State, tt.state, d.Headline, d.Reasons)
			}
			if tt.expect != nil {
				tt.expect(t, d)
			}
		})
	}
}

func TestValidateExpediteDeclaration(t *testing.T) {
	incident := func(extra string) string {
		return "---\ntitle: Registry outage\nsummary: The registry is down.\ntype: incident\nsigs: [sig-k8s-infra]\n" +
			"audience: [everyone]\npriority: action-required\nchannels: [announce]\npublish_at: 2027-02-20T03:00:00Z\n" +
			"contacts: [alice]\nstatus: ongoing\nnext_update_at: 2027-02-20T06:00:00Z\n" + extra +
			"---\n\n## Summary\n\nThe registry is down.\n\n## What happened\n\nIt fell over.\n\n## What you need to do\n\nWait.\n\n## Contact\n\n#sig-k8s-infra\n"
	}
	tests := []struct {
		name    string
		content string
		rule    string
		line    int
	}{
		{"declared with a reason", incident("expedite: true\nexpedite_reason: Every cluster pulls from it now.\n"), "", 0},
		{"declared without a reason", incident("expedite: true\n"), RuleExpediteWithoutWhy, 13},
		{"declared with an empty reason", incident("expedite: true\nexpedite_reason: \"  \"\n"), RuleExpediteWithoutWhy, 14},
		{"a reason without the declaration", incident("expedite_reason: It is urgent.\n"), RuleExpediteReasonAlone, 13},
		{"not a boolean", incident("expedite: soon\nexpedite_reason: Urgent.\n"), RuleWrongType, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := check(tt.content)
			if tt.rule == "" {
				requireNoFindings(t, findings)
				return
			}
			for _, f := range findings {
				if f.Rule == tt.rule {
					if f.Line != tt.line {
						t.Errorf("%s at line %d, want %d", f.Rule, f.Line, tt.line)
					}
					if tt.rule == RuleExpediteWithoutWhy && !strings.Contains(f.Message, "expedite_reason") {
						t.Errorf("message %q does not name expedite_reason", f.Message)
					}
					return
				}
			}
			t.Fatalf("no %s finding in:\n%s", tt.rule, formatFindings(findings))
		})
	}
}
