package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func stageNamed(t *testing.T, d Decision, name string) StageResult {
	t.Helper()
	for _, s := range d.Stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stage %q in %+v", name, d.Stages)
	return StageResult{}
}

func discardReason(ds []Discarded, user string) string {
	for _, d := range ds {
		if d.User == user {
			return d.Reason
		}
	}
	return ""
}

func TestEvaluateApprovalRules(t *testing.T) {
	tests := []struct {
		name     string
		facts    Facts
		state    State
		headline string
		check    func(t *testing.T, d Decision)
	}{
		{
			// approve(…, n) is submitted at 12:00 + n minutes.
			name: "approvals at or before a change of base are stale",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.BaseChangedAt = time.Date(2027, 2, 16, 12, 2, 0, 0, time.UTC)
				return f
			}(),
			state: StatePending,
			check: func(t *testing.T, d Decision) {
				for _, st := range d.Stages {
					if st.Approved != 0 {
						t.Errorf("stage %s counts %d approvals given before the change of base", st.Name, st.Approved)
					}
				}
			},
		},
		{
			name:     "both stages approved by members",
			facts:    ladderFacts(approve("ann", 1), approve("carol", 2)),
			state:    StateApproved,
			headline: "APPROVED — tier 1, 2 stages approved",
			check: func(t *testing.T, d Decision) {
				if got := stageNamed(t, d, "sig").Approvers; !slices.Equal(got, []string{"ann"}) {
					t.Errorf("sig approvers = %v, want [ann]", got)
				}
				if !d.Satisfied() {
					t.Error("Satisfied() = false for an approved decision")
				}
			},
		},
		{
			name:     "no reviews waits for the first stage",
			facts:    ladderFacts(),
			state:    StatePending,
			headline: "NOT APPROVED — waiting for sig (0 of 1 approvals), then comms",
			check: func(t *testing.T, d Decision) {
				s := stageNamed(t, d, "sig")
				if !strings.Contains(s.Missing, "1 approval from the sig-auth leads (example/sig-auth-leads)") {
					t.Errorf("missing = %q", s.Missing)
				}
				// alice is the author: she is never a candidate.
				if !slices.Equal(s.Candidates, []string{"ann"}) {
					t.Errorf("candidates = %v, want [ann]", s.Candidates)
				}
			},
		},
		{
			name:  "author cannot approve their own notice",
			facts: ladderFacts(approve("alice", 1), approve("carol", 2)),
			state: StatePending,
			check: func(t *testing.T, d Decision) {
				s := stageNamed(t, d, "sig")
				if s.Satisfied {
					t.Error("sig satisfied by the author's own approval")
				}
				if r := discardReason(s.Discarded, "alice"); r != "author cannot approve their own notice" {
					t.Errorf("alice discarded reason = %q", r)
				}
			},
		},
		{
			name: "bots never count",
			facts: func() Facts {
				bot := approve("ann", 1)
				bot.Bot = true
				return ladderFacts(bot, approve("carol", 2))
			}(),
			state: StatePending,
			check: func(t *testing.T, d Decision) {
				if r := discardReason(stageNamed(t, d, "sig").Discarded, "ann"); !strings.Contains(r, "bots cannot approve") {
					t.Errorf("bot discarded reason = %q", r)
				}
			},
		},
		{
			name:  "only members of the stage's team count",
			facts: ladderFacts(approve("mallory", 1), approve("carol", 2)),
			state: StatePending,
			check: func(t *testing.T, d Decision) {
				if stageNamed(t, d, "sig").Satisfied {
					t.Error("sig satisfied by a non-member")
				}
				want := "not a member of example/sig-auth-leads, example/comms"
				if r := discardReason(d.Discarded, "mallory"); r != want {
					t.Errorf("mallory discarded reason = %q, want %q", r, want)
				}
			},
		},
		{
			name: "approval of a commit the comms changed after is stale",
			facts: func() Facts {
				old := approve("ann", 1)
				old.CommitID = "old0000"
				return ladderFacts(old, approve("carol", 2))
			}(),
			state: StatePending,
			check: func(t *testing.T, d Decision) {
				want := "stale: comms/a.md changed after old0000 was reviewed; approve the latest commit again"
				if r := discardReason(stageNamed(t, d, "sig").Discarded, "ann"); r != want {
					t.Errorf("reason = %q, want %q", r, want)
				}
			},
		},
		{
			name: "approval of an unknown commit is treated as stale",
			facts: func() Facts {
				old := approve("ann", 1)
				old.CommitID = "gone000"
				return ladderFacts(old, approve("carol", 2))
			}(),
			state: StatePending,
		},
		{
			name: "approval of an older commit with unchanged comms still counts",
			facts: func() Facts {
				same := approve("ann", 1)
				same.CommitID = "same000"
				return ladderFacts(same, approve("carol", 2))
			}(),
			state: StateApproved,
		},
		{
			name: "the latest review wins by submission time, not list order",
			facts: ladderFacts(
				review("ann", ReviewApproved, 5),
				review("ann", ReviewChangesRequested, 1),
				approve("carol", 2),
			),
			state: StateApproved,
		},
		{
			name: "same submission time falls back to the review id",
			facts: func() Facts {
				a := review("ann", ReviewChangesRequested, 7)
				b := review("ann", ReviewApproved, 6)
				b.SubmittedAt = a.SubmittedAt
				return ladderFacts(a, b, approve("carol", 2))
			}(),
			state: StateBlocked,
		},
		{
			name:  "a comment after an approval does not cancel it",
			facts: ladderFacts(approve("ann", 1), review("ann", ReviewCommented, 3), approve("carol", 2)),
			state: StateApproved,
		},
		{
			name:  "a dismissed approval counts for nothing",
			facts: ladderFacts(approve("ann", 1), review("ann", ReviewDismissed, 3), approve("carol", 2)),
			state: StatePending,
		},
		{
			name:     "changes requested by a member of any required team blocks",
			facts:    ladderFacts(approve("ann", 1), approve("carol", 2), review("cody", ReviewChangesRequested, 3)),
			state:    StateBlocked,
			headline: "BLOCKED — @cody requested changes",
			check: func(t *testing.T, d Decision) {
				if len(d.Blockers) != 1 || d.Blockers[0].User != "cody" || !strings.Contains(d.Blockers[0].Reason, "until they approve or the review is dismissed") {
					t.Errorf("blockers = %+v", d.Blockers)
				}
			},
		},
		{
			name:  "changes requested then approved no longer blocks",
			facts: ladderFacts(approve("ann", 1), review("carol", ReviewChangesRequested, 2), approve("carol", 3)),
			state: StateApproved,
		},
		{
			name:  "changes requested by a non-member does not block",
			facts: ladderFacts(approve("ann", 1), approve("carol", 2), review("mallory", ReviewChangesRequested, 3)),
			state: StateApproved,
			check: func(t *testing.T, d Decision) {
				if !slices.ContainsFunc(d.Reasons, func(r string) bool { return strings.Contains(r, "@mallory requested changes but is not a member") }) {
					t.Errorf("reasons do not explain mallory's review: %v", d.Reasons)
				}
			},
		},
		{
			name: "a hold blocks an approved notice",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Holds = []Hold{{By: "carol", Reason: "wait for the release", At: ladderNow}}
				return f
			}(),
			state:    StateBlocked,
			headline: "BLOCKED — on hold by @carol",
			check: func(t *testing.T, d Decision) {
				if !strings.Contains(d.NextStep, "@carol lifts the hold with `/unhold`") {
					t.Errorf("next step = %q", d.NextStep)
				}
			},
		},
		{
			name: "a template error makes the decision invalid",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Findings = []Finding{{File: "comms/a.md", Line: 3, Severity: SeverityError, Rule: "missing-field", Message: "summary is missing"}}
				return f
			}(),
			state:    StateInvalid,
			headline: "NOT APPROVED — fix 1 error in the communication first",
		},
		{
			name: "a template warning does not",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Findings = []Finding{{File: "comms/a.md", Line: 3, Severity: SeverityWarning, Rule: "x", Message: "advice"}}
				return f
			}(),
			state: StateApproved,
		},
		{
			name: "a schedule error makes the decision invalid",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Documents[0].PublishAt = time.Date(2027, 2, 19, 16, 0, 0, 0, time.UTC) // a Friday
				return f
			}(),
			state: StateInvalid,
		},
		{
			name: "approved before publish_at is scheduled",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Documents[0].PublishAt = time.Date(2027, 2, 17, 16, 0, 0, 0, time.UTC)
				return f
			}(),
			state:    StateScheduled,
			headline: "SCHEDULED — approved, publishes at Wed 2027-02-17 16:00 UTC",
			check: func(t *testing.T, d Decision) {
				if want := time.Date(2027, 2, 17, 16, 0, 0, 0, time.UTC); !d.ReleaseAt.Equal(want) || d.Satisfied() {
					t.Errorf("release at %v, satisfied %v", d.ReleaseAt, d.Satisfied())
				}
			},
		},
		{
			name: "the latest publish_at of several documents gates",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				later := ladderDoc()
				later.Path = "comms/b.md"
				later.PublishAt = time.Date(2027, 2, 18, 15, 0, 0, 0, time.UTC)
				f.Documents = append(f.Documents, later)
				return f
			}(),
			state: StateScheduled,
			check: func(t *testing.T, d Decision) {
				if want := time.Date(2027, 2, 18, 15, 0, 0, 0, time.UTC); !d.ReleaseAt.Equal(want) {
					t.Errorf("release at %v, want %v", d.ReleaseAt, want)
				}
			},
		},
		{
			name: "an embargo still running gates even when publish_at passed",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Rules.Scope.Embargo = 0 // keep the ladder at tier 1
				f.Rules.Schedule.MinDistributorNotice = 0
				f.Documents[0].Embargo = true
				f.Documents[0].EmbargoUntil = ladderNow.Add(time.Hour)
				return f
			}(),
			state: StateInvalid, // embargo_until after publish_at is itself an error
			check: func(t *testing.T, d Decision) {
				if !d.ReleaseAt.Equal(ladderNow.Add(time.Hour)) {
					t.Errorf("release at %v, want the embargo end", d.ReleaseAt)
				}
			},
		},
		{
			name: "due within the grace period is approved",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Now = f.Documents[0].PublishAt.Add(20 * time.Hour)
				return f
			}(),
			state: StateApproved,
		},
		{
			name: "an owning SIG unknown to the policy can never be satisfied",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Documents[0].SIGs = []string{"sig-auth", "sig-nope"}
				f.Rules.Scope.MultipleSIGs = 0
				return f
			}(),
			state:    StateBlocked,
			headline: "BLOCKED — stage sig can never be approved",
			check: func(t *testing.T, d Decision) {
				s := stageNamed(t, d, "sig")
				if !s.Unsatisfiable || !strings.Contains(s.Missing, `SIG "sig-nope" is not listed in the policy's sigs`) {
					t.Errorf("sig stage = %+v", s)
				}
			},
		},
		{
			name: "every owning SIG must approve",
			facts: func() Facts {
				f := ladderFacts(approve("ann", 1), approve("carol", 2))
				f.Documents[0].SIGs = []string{"sig-auth", "sig-node"}
				f.Rules.Scope.MultipleSIGs = 0
				return f
			}(),
			state:    StatePending,
			headline: "NOT APPROVED — waiting for sig (1 of 2 approvals)",
			check: func(t *testing.T, d Decision) {
				s := stageNamed(t, d, "sig")
				if !slices.Equal(s.Teams, []string{"example/sig-auth-leads", "example/sig-node-leads"}) || s.Required != 2 {
					t.Errorf("sig stage = %+v", s)
				}
				if !strings.Contains(s.Missing, "sig-node leads") || !slices.Equal(s.Candidates, []string{"nora"}) {
					t.Errorf("missing %q, candidates %v", s.Missing, s.Candidates)
				}
			},
		},
		{
			name: "logins compare case-insensitively",
			facts: func() Facts {
				f := ladderFacts(approve("Ann", 1), approve("CAROL", 2))
				return f
			}(),
			state: StateApproved,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.facts)
			if d.State != tt.state {
				t.Fatalf("state = %s, want %s\nheadline: %s\nreasons: %q", d.State, tt.state, d.Headline, d.Reasons)
			}
			if tt.headline != "" && d.Headline != tt.headline {
				t.Errorf("headline = %q, want %q", d.Headline, tt.headline)
			}
			if d.NextStep == "" {
				t.Error("no next step")
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestEvaluateSteeringMajority(t *testing.T) {
	for _, tt := range []struct {
		approvers []string
		state     State
	}{
		{[]string{"s1", "s2"}, StatePending},
		{[]string{"s1", "s2", "s3"}, StateApproved},
	} {
		var reviews []Review
		reviews = append(reviews, approve("ann", 1), approve("carol", 2))
		for i, u := range tt.approvers {
			reviews = append(reviews, approve(u, 10+i))
		}
		f := ladderFacts(reviews...)
		f.Documents[0].Type = "deprecation" // tier 2: sig, comms, steering
		d := Evaluate(f)
		if d.State != tt.state {
			t.Errorf("%d steering approvals: state %s, want %s (%s)", len(tt.approvers), d.State, tt.state, d.Headline)
		}
		s := stageNamed(t, d, "steering")
		if s.Required != 3 {
			t.Errorf("majority of 5 = %d, want 3", s.Required)
		}
		if !s.Satisfied && !strings.Contains(s.Missing, "1 more approval from example/steering (a majority is 3 of its 5 active members)") {
			t.Errorf("missing = %q", s.Missing)
		}
	}
}

func TestEvaluateEmbargoUsesEmbargoTeam(t *testing.T) {
	f := ladderFacts(approve("ann", 1), approve("carol", 2), approve("sam", 3), approve("s1", 4), approve("s2", 5), approve("s3", 6))
	doc := f.Documents[0]
	doc.Embargo = true
	doc.PublishAt = ladderNow.Add(-time.Hour)
	doc.EmbargoUntil = doc.PublishAt
	doc.DistributorsNotified = doc.PublishAt.Add(-8 * 24 * time.Hour)
	d := Evaluate(f)
	sec := stageNamed(t, d, "security")
	if !slices.Equal(sec.Teams, []string{"example/src"}) || sec.Satisfied {
		t.Fatalf("security stage = %+v, want example/src and unsatisfied by sam", sec)
	}
	if d.State != StatePending {
		t.Errorf("state = %s, want pending", d.State)
	}
	f.Reviews = append(f.Reviews, approve("sid", 7))
	if d := Evaluate(f); d.State != StateApproved {
		t.Errorf("with sid's approval: state = %s (%s), want approved", d.State, d.Headline)
	}
}

func TestEvaluateDistinctApprovers(t *testing.T) {
	// carol sits on comms and steering. Reviews arrive carol first, so a
	// first-come assignment would give her to comms and leave steering one
	// short; cody can only do comms, so the right answer moves carol.
	teams := ladderTeams()
	teams["example/steering"] = []string{"carol", "s1", "s2"}
	build := func(distinct bool) Facts {
		f := ladderFacts(approve("carol", 1), approve("cody", 2), approve("s1", 3), approve("ann", 4))
		f.TeamMembers = teams
		f.Documents[0].Type = "deprecation"
		f.Rules.DistinctApprovers = distinct
		return f
	}
	d := Evaluate(build(true))
	if d.State != StateApproved {
		t.Fatalf("distinct: state = %s (%s), want approved", d.State, d.Headline)
	}
	if got := stageNamed(t, d, "comms").Approvers; !slices.Equal(got, []string{"cody"}) {
		t.Errorf("comms approvers = %v, want [cody]", got)
	}
	if got := stageNamed(t, d, "steering").Approvers; !slices.Equal(got, []string{"carol", "s1"}) {
		t.Errorf("steering approvers = %v, want [carol s1]", got)
	}
	if r := discardReason(stageNamed(t, d, "comms").Discarded, "carol"); !strings.Contains(r, "counted for steering") {
		t.Errorf("carol's comms discard = %q", r)
	}

	// Without cody, carol cannot serve both stages when distinct...
	f := build(true)
	f.Reviews = []Review{approve("carol", 1), approve("s1", 3), approve("ann", 4)}
	if d := Evaluate(f); d.State != StatePending {
		t.Errorf("distinct without cody: state = %s, want pending", d.State)
	}
	// ...but may when each stage counts independently.
	f.Rules.DistinctApprovers = false
	if d := Evaluate(f); d.State != StateApproved {
		t.Errorf("independent stages without cody: state = %s (%s), want approved", d.State, d.Headline)
	}
}

func TestRequestTeams(t *testing.T) {
	base := func() Facts {
		f := ladderFacts()
		f.Documents[0].Type = "deprecation" // sig, comms, steering
		return f
	}
	tests := []struct {
		name   string
		mutate func(*Facts)
		want   []string
	}{
		{"staged asks the first open stage only", func(f *Facts) {}, []string{"example/sig-auth-leads"}},
		{"staged moves on once a stage is done", func(f *Facts) { f.Reviews = []Review{approve("ann", 1)} }, []string{"example/comms"}},
		{"all asks every open stage", func(f *Facts) { f.Rules.RequestReviews = "all" }, []string{"example/sig-auth-leads", "example/comms", "example/steering"}},
		{"off asks nobody", func(f *Facts) { f.Rules.RequestReviews = "off" }, nil},
		{"drafts ask nobody", func(f *Facts) { f.Draft = true }, nil},
		{"invalid notices ask nobody", func(f *Facts) {
			f.Findings = []Finding{{File: "comms/a.md", Severity: SeverityError, Rule: "missing-field"}}
		}, nil},
		{"a hold still asks", func(f *Facts) { f.Holds = []Hold{{By: "carol"}} }, []string{"example/sig-auth-leads"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base()
			tt.mutate(&f)
			if got := Evaluate(f).RequestTeams; !slices.Equal(got, tt.want) {
				t.Errorf("request teams = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateWithoutPolicyFailsClosed(t *testing.T) {
	d := Evaluate(Facts{Now: ladderNow})
	if d.State != StateInvalid || d.Satisfied() || d.NextStep == "" {
		t.Errorf("decision without rules = %+v", d)
	}
}

func TestEvaluatePolicyOnlyChangeNeedsTopTierWithoutSIG(t *testing.T) {
	f := ladderFacts(approve("carol", 1), approve("sam", 2))
	f.Documents = nil
	f.PolicyFileChanged = true
	d := Evaluate(f)
	if d.Tier.Tier != 3 {
		t.Fatalf("tier = %d, want 3", d.Tier.Tier)
	}
	var names []string
	for _, s := range d.Stages {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"comms", "security", "steering"}) {
		t.Errorf("stages = %v, want comms, security, steering", names)
	}
	if d.State != StatePending {
		t.Errorf("state = %s, want pending on steering", d.State)
	}
}

func TestEvaluateCountsMergedScheduleFindingsOnce(t *testing.T) {
	f := ladderFacts(approve("ann", 1), approve("carol", 2))
	f.Documents[0].PublishAt = time.Date(2027, 2, 19, 16, 0, 0, 0, time.UTC) // a Friday
	// The handlers pass the schedule findings along with the template ones.
	f.Findings = CheckSchedule(f.Documents[0], f.Rules, f.Now).Findings
	d := Evaluate(f)
	if d.State != StateInvalid {
		t.Fatalf("state = %s, want invalid", d.State)
	}
	for _, r := range d.Reasons {
		if strings.Contains(r, "in the template") {
			t.Errorf("a schedule finding was counted as a template error too: %q", r)
		}
	}
	if !slices.Contains(d.Reasons, "1 error in the schedule must be fixed") {
		t.Errorf("reasons = %q", d.Reasons)
	}
}
