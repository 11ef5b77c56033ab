package gate

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/ghclient"
)

// autoMerge merges an approved PR whose publish_at has come. It is
// idempotent: GitHub answers 405 for a PR that is already merged (another
// replica, or a person, was faster) and 409 when the head moved, and
// neither is an error here: the merged event or the next evaluation takes
// it from there.
func (g *Gate) autoMerge(ctx context.Context, p *pass, head, method string) error {
	t := p.t
	_, _, err := p.gh.PullRequests.Merge(ctx, t.Owner, t.Repo, t.Number, "", &github.PullRequestOptions{
		SHA: head, MergeMethod: method,
	})
	switch ghclient.StatusOf(err) {
	case 0:
		if err != nil {
			return fmt.Errorf("merge #%d: %w", t.Number, err)
		}
		zerolog.Ctx(ctx).Info().Str("head_sha", head).Msg("merged at publish_at")
		return nil
	case http.StatusMethodNotAllowed, http.StatusConflict:
		zerolog.Ctx(ctx).Info().Err(err).Msg("not merged now: already merged, or the head moved")
		return nil
	default:
		return fmt.Errorf("merge #%d: %w", t.Number, err)
	}
}
