package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/policy"
)

type commentHandler struct{ app *App }

var _ githubapp.EventHandler = (*commentHandler)(nil)

func (h *commentHandler) Handles() []string { return []string{"issue_comment"} }

// Handle re-evaluates on a command; the evaluation also acknowledges it,
// under the policy it reads anyway. A comment without a command costs
// nothing: most comments are conversation.
func (h *commentHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.IssueCommentEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse issue_comment payload: %w", err)
	}
	if event.GetAction() != "created" {
		return nil
	}
	if event.Issue == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "issue")
	}
	if !event.Issue.IsPullRequest() || event.Issue.GetState() != "open" {
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
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), number)
	t := targetOf(installationID, event.GetRepo(), number)

	recheck := false
	for _, c := range cmds {
		recheck = recheck || c.Name == policy.CommandRecheck
	}
	return h.app.Evaluate(ctx, t, evalOptions{
		Template:    recheck,
		Reason:      "issue_comment.command",
		acknowledge: []commandComment{{comment: event.GetComment(), commands: cmds}},
	})
}

// isOwnOrBot reports whether an event was caused by commsgate itself or by
// another bot; neither may issue commands.
func (a *App) isOwnOrBot(u *github.User) bool {
	if u == nil {
		return true
	}
	own := a.self.known()
	return u.GetType() == "Bot" || (own != "" && u.GetLogin() == own)
}
