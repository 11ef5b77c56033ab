package gate

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/ghclient"
)

// reviewRequestOutcome is what happened to the review requests of one
// evaluation, shown in the approval check rather than failing it.
type reviewRequestOutcome struct {
	requested []string
	failed    []string // "team: why"
}

// requestReviews asks the planned teams for a review. GitHub can only
// request teams of the repository's own organisation that can see the
// repository; one refused team fails the whole request, so then each is
// asked alone and the summary names the culprit.
func (g *Gate) requestReviews(ctx context.Context, p *pass, plan Plan) reviewRequestOutcome {
	out := reviewRequestOutcome{failed: append([]string(nil), plan.UnrequestableTeams...)}
	slugs := plan.RequestTeams
	if len(slugs) == 0 {
		return out
	}
	t := p.t
	_, _, err := p.gh.PullRequests.RequestReviewers(ctx, t.Owner, t.Repo, t.Number, github.ReviewersRequest{TeamReviewers: slugs})
	if err == nil {
		for _, s := range slugs {
			out.requested = append(out.requested, t.Owner+"/"+s)
		}
		return out
	}
	zerolog.Ctx(ctx).Warn().Err(err).Strs("teams", slugs).Msg("review request failed")
	if ghclient.StatusOf(err) == http.StatusUnprocessableEntity && len(slugs) > 1 {
		for _, s := range slugs {
			_, _, err := p.gh.PullRequests.RequestReviewers(ctx, t.Owner, t.Repo, t.Number, github.ReviewersRequest{TeamReviewers: []string{s}})
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

func requestFailure(err error) string {
	if ghclient.StatusOf(err) == http.StatusUnprocessableEntity {
		return "GitHub refused it (the team may lack access to this repository; give it read access)"
	}
	return "GitHub did not answer (" + err.Error() + "); retried on the next event"
}
