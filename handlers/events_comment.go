package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/policy"
)

type commentHandler struct{ app *App }

var _ githubapp.EventHandler = (*commentHandler)(nil)

func (h *commentHandler) Handles() []string { return []string{"issue_comment"} }

// Handle acknowledges commands and re-evaluates. A comment without a
// command costs nothing: most comments are conversation.
func (h *commentHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.IssueCommentEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse issue_comment payload: %w", err)
	}
	if event.GetAction() != "created" || !event.GetIssue().IsPullRequest() || event.GetIssue().GetState() != "open" {
		return nil
	}
	if h.app.isOwnOrBot(event.GetSender()) {
		return nil
	}
	cmds := policy.ParseCommands(event.GetComment().GetBody())
	if len(cmds) == 0 {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	number := event.GetIssue().GetNumber()
	ctx, logger := githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), number)
	t := targetOf(installationID, event.GetRepo(), number)

	recheck := false
	for _, c := range cmds {
		recheck = recheck || c.Name == policy.CommandRecheck
	}
	if err := h.app.acknowledge(ctx, t, event.GetComment(), cmds); err != nil {
		// The reaction is a courtesy; the evaluation below is what matters.
		logger.Warn().Err(err).Msg("could not acknowledge command")
	}
	return h.app.Evaluate(ctx, t, evalOptions{Template: recheck, Reason: "issue_comment.command"})
}

// acknowledge reacts to a command comment: +1 when the author may use it,
// "confused" when not (the check summary says why).
func (a *App) acknowledge(ctx context.Context, t prTarget, c *github.IssueComment, cmds []policy.Command) error {
	gh, err := a.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client: %w", err)
	}
	reaction := "+1"
	onlyRecheck := true
	for _, cmd := range cmds {
		onlyRecheck = onlyRecheck && cmd.Name == policy.CommandRecheck
	}
	if !onlyRecheck {
		ok, err := a.authorizedForHolds(ctx, gh, t, c.GetUser().GetLogin())
		if err != nil {
			return err
		}
		if !ok {
			reaction = "confused"
		}
	}
	if _, _, err := gh.Reactions.CreateIssueCommentReaction(ctx, t.Owner, t.Repo, c.GetID(), reaction); err != nil {
		return fmt.Errorf("react to comment %d: %w", c.GetID(), err)
	}
	zerolog.Ctx(ctx).Info().Str("reaction", reaction).Int64("comment_id", c.GetID()).Msg("acknowledged command")
	return nil
}

// isOwnOrBot reports whether an event was caused by commsgate itself or by
// another bot; neither may issue commands.
func (a *App) isOwnOrBot(u *github.User) bool {
	if u == nil {
		return true
	}
	return u.GetType() == "Bot" || (a.botLogin != "" && u.GetLogin() == a.botLogin)
}
