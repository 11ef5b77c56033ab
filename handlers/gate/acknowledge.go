package gate

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/policy"
)

// acknowledge reacts to each command comment: +1 when the author may use
// its commands, "confused" when not (the check summary says why). It runs
// inside the evaluation, under the policy the evaluation has just read. A
// reaction is a courtesy: failing one is logged, never fatal.
func (g *Gate) acknowledge(ctx context.Context, p *pass, rules *policy.Rules) {
	logger := zerolog.Ctx(ctx)
	for _, c := range p.req.Acknowledge {
		id := c.Comment.GetID()
		ok, err := p.reader.MayCommand(ctx, p.t, rules, c.Comment.GetUser().GetLogin(), c.Commands)
		reaction := "+1"
		if !ok {
			reaction = "confused"
		}
		if err == nil {
			_, _, err = p.gh.Reactions.CreateIssueCommentReaction(ctx, p.t.Owner, p.t.Repo, id, reaction)
			if err != nil {
				err = fmt.Errorf("react to comment %d: %w", id, err)
			}
		}
		if err != nil {
			logger.Warn().Err(err).Int64("comment_id", id).Msg("could not acknowledge command")
			continue
		}
		logger.Info().Str("reaction", reaction).Int64("comment_id", id).Msg("acknowledged command")
	}
}
