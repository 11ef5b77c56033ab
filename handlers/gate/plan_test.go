package gate

import (
	"slices"
	"testing"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

func TestPlanEffects(t *testing.T) {
	target := facts.Target{Owner: "example", Repo: "comms", Number: 7}
	open := func(draft bool, requested ...string) *github.PullRequest {
		pr := &github.PullRequest{Head: &github.PullRequestBranch{SHA: github.String("abc123")}, Draft: github.Bool(draft)}
		for _, slug := range requested {
			pr.RequestedTeams = append(pr.RequestedTeams, &github.Team{Slug: github.String(slug)})
		}
		return pr
	}
	approved := policy.Decision{State: policy.StateApproved}
	waiting := func(teams ...string) policy.Decision {
		return policy.Decision{State: policy.StatePending, RequestTeams: teams}
	}
	tests := []struct {
		name        string
		pr          *github.PullRequest
		autoMerge   bool
		ev          facts.Evaluation
		d           policy.Decision
		trig        Trigger
		wantRequest []string
		wantCannot  int
		wantMerge   bool
		wantConfirm bool
		wantTmpl    bool
	}{
		{
			name: "new head asks the stage's teams and re-posts the template",
			pr:   open(false), d: waiting("example/sig-node-leads", "example/contribex-comms"), trig: PullRequestChanged,
			wantRequest: []string{"contribex-comms", "sig-node-leads"}, wantTmpl: true,
		},
		{
			name: "a review does not re-post the template",
			pr:   open(false), d: waiting(), trig: Reviewed,
		},
		{
			name: "a team requested already is not asked again",
			pr:   open(false, "contribex-comms"), d: waiting("example/contribex-comms"), trig: Reviewed,
		},
		{
			name: "a team one of whose members reviewed was asked before",
			pr:   open(false),
			ev: facts.Evaluation{Facts: policy.Facts{
				Author:      "ann",
				Reviews:     []policy.Review{{User: "Sue", State: policy.ReviewCommented}},
				TeamMembers: map[string][]string{"example/contribex-comms": {"sue"}},
			}},
			d: waiting("example/contribex-comms"), trig: Reviewed,
		},
		{
			name: "the author's own review does not count as the team answering",
			pr:   open(false),
			ev: facts.Evaluation{Facts: policy.Facts{
				Author:      "sue",
				Reviews:     []policy.Review{{User: "sue", State: policy.ReviewCommented}},
				TeamMembers: map[string][]string{"example/contribex-comms": {"sue"}},
			}},
			d: waiting("example/contribex-comms"), trig: Reviewed,
			wantRequest: []string{"contribex-comms"},
		},
		{
			name: "teams of another organisation or without a slash are explained, not requested",
			pr:   open(false), d: waiting("other-org/steering", "steering"), trig: Reviewed,
			wantCannot: 2,
		},
		{
			name: "green confirms before anything follows, and merges with auto_merge",
			pr:   open(false), autoMerge: true, d: approved, trig: TimerFired,
			wantConfirm: true, wantMerge: true,
		},
		{
			name: "green without auto_merge does not merge",
			pr:   open(false), d: approved, trig: Swept,
			wantConfirm: true,
		},
		{
			name: "a draft is never merged",
			pr:   open(true), autoMerge: true, d: approved, trig: Swept,
			wantConfirm: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := policy.DefaultRules()
			rules.AutoMerge = tt.autoMerge
			plan := planEffects(target, tt.pr, rules, tt.ev, tt.d, tt.trig)
			if !slices.Equal(plan.RequestTeams, tt.wantRequest) {
				t.Errorf("RequestTeams = %v, want %v", plan.RequestTeams, tt.wantRequest)
			}
			if len(plan.UnrequestableTeams) != tt.wantCannot {
				t.Errorf("UnrequestableTeams = %v, want %d", plan.UnrequestableTeams, tt.wantCannot)
			}
			if plan.Merge != tt.wantMerge || plan.ConfirmGreen != tt.wantConfirm || plan.PostTemplate != tt.wantTmpl {
				t.Errorf("Merge, ConfirmGreen, PostTemplate = %v, %v, %v; want %v, %v, %v",
					plan.Merge, plan.ConfirmGreen, plan.PostTemplate, tt.wantMerge, tt.wantConfirm, tt.wantTmpl)
			}
			if plan.Head != "abc123" {
				t.Errorf("Head = %q, want the evaluated head", plan.Head)
			}
		})
	}
}

func TestTriggersFoldAndNameThemselves(t *testing.T) {
	r := merge(Request{Trigger: Reviewed}, Request{Trigger: Commented | Recheck})
	if got := r.Trigger.String(); got != "review|comment|recheck" {
		t.Fatalf("merged trigger = %q", got)
	}
	if !r.Trigger.PostsTemplate() {
		t.Fatal("a folded /commsgate recheck must still re-post the template check")
	}
	if Trigger(0).String() != "none" || (Reviewed | TeamChanged).PostsTemplate() {
		t.Fatal("reviews and team changes cannot change the template findings")
	}
}
