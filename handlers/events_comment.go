package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/policy"
)

type commentHandler struct{ app *App }

var _ githubapp.EventHandler = (*commentHandler)(nil)

func (h *commentHandler) Handles() []string { return []string{"issue_comment"} }

// Handle re-evaluates on a command; the evaluation also acknowledges it,
// under the policy it reads anyway. A comment without a command costs
// nothing: most comments are conversation. Editing a comment into a
// command, editing a command away or deleting one changes what the holds
// replay, so those are evaluated too.
func (h *commentHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var peek commentPeek
	if err := json.Unmarshal(payload, &peek); err != nil {
		return fmt.Errorf("parse issue_comment payload: %w", err)
	}
	action := peek.Action
	if action != "created" && action != "edited" && action != "deleted" {
		return nil
	}
	cmds := policy.ParseCommands(peek.Comment.Body)
	if len(cmds) == 0 && len(policy.ParseCommands(peek.Changes.Body.From)) == 0 {
		return nil
	}
	var event github.IssueCommentEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse issue_comment payload: %w", err)
	}
	if event.Issue == nil {
		return ignoreIncomplete(ctx, action, "issue")
	}
	if !event.Issue.IsPullRequest() || event.Issue.GetState() != "open" {
		return nil
	}
	// The comment's author, not the event's sender: a maintainer deleting
	// a bot's comment does not make the bot's commands count.
	if h.app.isOwnOrBot(event.GetComment().GetUser()) {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	number := event.GetIssue().GetNumber()
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), number)
	t := targetOf(installationID, event.GetRepo(), number)

	opts := evalOptions{Reason: "issue_comment." + action}
	// A command its author can see was read gets its reaction; not one
	// that someone else edited into their comment, which would look like
	// the author's own word confirmed.
	byAuthor := strings.EqualFold(event.GetSender().GetLogin(), event.GetComment().GetUser().GetLogin())
	if action != "deleted" && len(cmds) > 0 && byAuthor {
		opts.acknowledge = []commandComment{{comment: event.GetComment(), commands: cmds}}
	}
	for _, c := range cmds {
		opts.Template = opts.Template || (action != "deleted" && c.Name == policy.CommandRecheck)
	}
	return h.app.Evaluate(ctx, t, opts)
}

// commentPeek is the part of an issue_comment payload that says whether
// the event matters at all. Most comments are conversation; decoding the
// whole payload (issue, repository, users) only to drop them was most of
// their cost.
type commentPeek struct {
	Action  string `json:"action"`
	Comment struct {
		Body string `json:"body"`
	} `json:"comment"`
	Changes struct {
		Body struct {
			From string `json:"from"`
		} `json:"body"`
	} `json:"changes"`
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
