package gate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// Plan is what one pass will write, decided before anything is written.
type Plan struct {
	Head     string
	Decision policy.Decision
	// PostTemplate re-posts commsgate/template with Findings.
	PostTemplate bool
	Findings     []policy.Finding
	// Ignored commands are named in the approval check.
	Ignored []policy.IgnoredCommand
	// RequestTeams are the team slugs (of the repository's organisation)
	// to ask for a review now; UnrequestableTeams say why others cannot
	// be asked ("`team`: why").
	RequestTeams       []string
	UnrequestableTeams []string
	// ConfirmGreen: the approval check turns green, so the pass re-reads
	// what the decision rests on before anything follows from it.
	ConfirmGreen bool
	// Merge at the evaluated head with MergeMethod (auto_merge).
	Merge       bool
	MergeMethod string
}

// planEffects turns a decision into the effects of one pass.
func planEffects(t facts.Target, pr *github.PullRequest, rules *policy.Rules, ev facts.Evaluation, d policy.Decision, trig Trigger) Plan {
	plan := Plan{
		Head:         pr.GetHead().GetSHA(),
		Decision:     d,
		PostTemplate: trig.PostsTemplate(),
		Findings:     ev.Findings,
		Ignored:      ev.Ignored,
		ConfirmGreen: d.Satisfied(),
		MergeMethod:  rules.MergeMethod,
	}
	plan.Merge = plan.ConfirmGreen && rules.AutoMerge && !pr.GetDraft()
	already := alreadyAsked(t, pr, ev.Facts)
	for _, team := range d.RequestTeams {
		org, slug, ok := strings.Cut(team, "/")
		switch {
		case !ok:
			plan.UnrequestableTeams = append(plan.UnrequestableTeams, fmt.Sprintf("`%s`: not an org/team reference", team))
		case !strings.EqualFold(org, t.Owner):
			plan.UnrequestableTeams = append(plan.UnrequestableTeams, fmt.Sprintf("`%s`: GitHub only requests teams of %s; ask them directly", team, t.Owner))
		case already[strings.ToLower(team)]:
		default:
			plan.RequestTeams = append(plan.RequestTeams, slug)
		}
	}
	sort.Strings(plan.RequestTeams)
	return plan
}

// alreadyAsked is every team that is requested now or that has already
// answered: GitHub drops a team's request as soon as one member reviews on
// its behalf, so a team with a reviewing member was asked before and
// asking again would only notify everyone in it once more.
func alreadyAsked(t facts.Target, pr *github.PullRequest, f policy.Facts) map[string]bool {
	already := map[string]bool{}
	for _, team := range pr.RequestedTeams {
		already[strings.ToLower(t.Owner+"/"+team.GetSlug())] = true
	}
	reviewed := map[string]bool{}
	for _, r := range f.Reviews {
		if r.State != policy.ReviewPending && !strings.EqualFold(r.User, f.Author) {
			reviewed[strings.ToLower(r.User)] = true
		}
	}
	for team, members := range f.TeamMembers {
		for _, m := range members {
			if reviewed[strings.ToLower(m)] {
				already[strings.ToLower(team)] = true
				break
			}
		}
	}
	return already
}
