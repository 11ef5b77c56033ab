package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
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
	if !event.Issue.IsPullRequest() {
		return h.ratify(ctx, event, cmds)
	}
	if event.Issue.GetState() != "open" {
		return nil
	}
	// The comment's author, not the event's sender: a maintainer deleting
	// a bot's comment does not make the bot's commands count.
	if h.app.self.IsOwnOrBot(event.GetComment().GetUser()) {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	number := event.GetIssue().GetNumber()
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), number)
	t := facts.TargetOf(installationID, event.GetRepo(), number)

	req := gate.Request{Trigger: gate.Commented}
	// A command its author can see was read gets its reaction; not one
	// that someone else edited into their comment, which would look like
	// the author's own word confirmed.
	byAuthor := strings.EqualFold(event.GetSender().GetLogin(), event.GetComment().GetUser().GetLogin())
	if action != "deleted" && len(cmds) > 0 && byAuthor {
		req.Acknowledge = []gate.CommandComment{{Comment: event.GetComment(), Commands: cmds}}
	}
	for _, c := range cmds {
		if action != "deleted" && c.Name == policy.CommandRecheck {
			req.Trigger |= gate.Recheck
		}
	}
	return h.app.gate.Evaluate(ctx, t, req)
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

// ratify re-judges an expedited notice's ratification when its follow-up
// issue gets, loses or changes a /ratify. Other issues and commands are
// conversation.
func (h *commentHandler) ratify(ctx context.Context, event github.IssueCommentEvent, cmds []policy.Command) error {
	was := policy.ParseCommands(event.GetChanges().GetBody().GetFrom())
	isRatify := func(c policy.Command) bool { return c.Name == policy.CommandRatify }
	if !slices.ContainsFunc(cmds, isRatify) && !slices.ContainsFunc(was, isRatify) {
		return nil
	}
	if h.app.self.IsOwnOrBot(event.GetComment().GetUser()) {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	return h.app.publisher.Ratify(ctx, facts.TargetOf(installationID, event.GetRepo(), event.GetIssue().GetNumber()))
}
