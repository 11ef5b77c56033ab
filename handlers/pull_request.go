package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// ignoreIncomplete drops a delivery that lacks the object its event is
// about: GitHub never sends one, so it is malformed input, logged and
// acknowledged rather than dereferenced.
func ignoreIncomplete(ctx context.Context, action, missing string) error {
	zerolog.Ctx(ctx).Warn().Str("action", action).Str("missing", missing).
		Msg("webhook payload lacks the object its event is about: ignored")
	return nil
}

type pullRequestHandler struct{ app *App }

var _ githubapp.EventHandler = (*pullRequestHandler)(nil)

func (h *pullRequestHandler) Handles() []string { return []string{"pull_request"} }

func (h *pullRequestHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.PullRequestEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse pull_request payload: %w", err)
	}
	if event.GetPullRequest() == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "pull_request")
	}
	repo := event.GetRepo()
	number := event.GetPullRequest().GetNumber()
	ctx, _ = githubapp.PreparePRContext(ctx, githubapp.GetInstallationIDFromEvent(&event), repo, number)
	t := facts.TargetOf(githubapp.GetInstallationIDFromEvent(&event), repo, number)

	switch event.GetAction() {
	case "opened", "reopened", "synchronize", "ready_for_review", "converted_to_draft", "edited":
		// A new head needs both checks; a draft change can change the
		// approval but not the template findings.
		req := gate.Request{Trigger: gate.PullRequestChanged}
		if event.GetAction() == "ready_for_review" || event.GetAction() == "converted_to_draft" {
			req.Trigger = gate.DraftChanged
		}
		if from := event.GetChanges().GetBase().GetRef().GetFrom(); event.GetAction() == "edited" && from != "" {
			req.RetargetedFrom = from
		}
		return h.app.gate.Evaluate(ctx, t, req)
	case "closed":
		// Publish first: it is what is waited for. Then the approval check,
		// which must not stay "in progress" on a closed PR.
		var publishErr error
		if event.GetPullRequest().GetMerged() {
			publishErr = h.app.publisher.Publish(ctx, t)
		}
		// A closed, unmerged notice is withdrawn: nothing goes out.
		return errors.Join(publishErr, h.app.gate.Evaluate(ctx, t, gate.Request{Trigger: gate.PullRequestChanged}))
	default:
		return nil
	}
}
