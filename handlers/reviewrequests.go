package handlers

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/policy"
)

// reviewRequestOutcome is what happened to the review requests of one
// evaluation, shown in the approval check rather than failing it.
type reviewRequestOutcome struct {
	requested []string
	failed    []string // "team: why"
}

func (o reviewRequestOutcome) markdown() string {
	if len(o.requested) == 0 && len(o.failed) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n### Review requests\n")
	for _, t := range o.requested {
		fmt.Fprintf(&b, "- requested review from `%s`\n", t)
	}
	for _, f := range o.failed {
		fmt.Fprintf(&b, "- ⚠️ could not request %s\n", f)
	}
	return b.String()
}

// requestReviews asks the teams the decision names for a review, skipping
// teams already asked (no re-request spam). GitHub can only request teams
// of the repository's own organisation that can see the repository.
func (a *App) requestReviews(ctx context.Context, gh *github.Client, t prTarget, pr *github.PullRequest, d policy.Decision, facts policy.Facts) reviewRequestOutcome {
	var out reviewRequestOutcome
	already := alreadyAsked(t, pr, facts)
	var slugs []string
	for _, team := range d.RequestTeams {
		org, slug, ok := strings.Cut(team, "/")
		switch {
		case !ok:
			out.failed = append(out.failed, fmt.Sprintf("`%s`: not an org/team reference", team))
		case !strings.EqualFold(org, t.Owner):
			out.failed = append(out.failed, fmt.Sprintf("`%s`: GitHub only requests teams of %s; ask them directly", team, t.Owner))
		case already[strings.ToLower(team)]:
		default:
			slugs = append(slugs, slug)
		}
	}
	if len(slugs) == 0 {
		return out
	}
	sort.Strings(slugs)
	_, _, err := gh.PullRequests.RequestReviewers(ctx, t.Owner, t.Repo, t.Number, github.ReviewersRequest{TeamReviewers: slugs})
	if err == nil {
		for _, s := range slugs {
			out.requested = append(out.requested, t.Owner+"/"+s)
		}
		return out
	}
	zerolog.Ctx(ctx).Warn().Err(err).Strs("teams", slugs).Msg("review request failed")
	// One refused team fails the whole request; ask one by one so the
	// others still get their request and the summary names the culprit.
	if statusOf(err) == http.StatusUnprocessableEntity && len(slugs) > 1 {
		for _, s := range slugs {
			_, _, err := gh.PullRequests.RequestReviewers(ctx, t.Owner, t.Repo, t.Number, github.ReviewersRequest{TeamReviewers: []string{s}})
			if err != nil {
				out.failed = append(out.failed, fmt.Sprintf("`%s/%s`: %s", t.Owner, s, requestFailure(err)))
			} else {
				out.requested = append(out.requested, t.Owner+"/"+s)
			}
		}
		return out
	}
	for _, s := range slugs {
		out.failed = append(out.failed, fmt.Sprintf("`%s/%s`: %s", t.Owner, s, requestFailure(err)))
	}
	return out
}

// alreadyAsked is every team that is requested now or that has already
// answered: GitHub drops a team's request as soon as one member reviews on
// its behalf, so a team with a reviewing member was asked before and
// asking again would only notify everyone in it once more.
func alreadyAsked(t prTarget, pr *github.PullRequest, facts policy.Facts) map[string]bool {
	already := map[string]bool{}
	for _, team := range pr.RequestedTeams {
		already[strings.ToLower(t.Owner+"/"+team.GetSlug())] = true
	}
	reviewed := map[string]bool{}
	for _, r := range facts.Reviews {
		if r.State != policy.ReviewPending && !strings.EqualFold(r.User, facts.Author) {
			reviewed[strings.ToLower(r.User)] = true
		}
	}
	for team, members := range facts.TeamMembers {
		for _, m := range members {
			if reviewed[strings.ToLower(m)] {
				already[strings.ToLower(team)] = true
				break
			}
		}
	}
	return already
}

func requestFailure(err error) string {
	if statusOf(err) == http.StatusUnprocessableEntity {
		return "GitHub refused it (the team may lack access to this repository; give it read access)"
	}
	return "GitHub did not answer (" + err.Error() + "); retried on the next event"
}
