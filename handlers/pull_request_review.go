package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
)

type reviewHandler struct{ app *App }

var _ githubapp.EventHandler = (*reviewHandler)(nil)

func (h *reviewHandler) Handles() []string { return []string{"pull_request_review"} }

func (h *reviewHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.PullRequestReviewEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse pull_request_review payload: %w", err)
	}
	switch event.GetAction() {
	case "submitted", "edited", "dismissed":
	default:
		return nil
	}
	pr := event.GetPullRequest()
	if pr == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "pull_request")
	}
	if pr.GetState() != "open" {
		return nil
	}
	installationID := githubapp.GetInstallationIDFromEvent(&event)
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, event.GetRepo(), pr.GetNumber())
	t := facts.TargetOf(installationID, event.GetRepo(), pr.GetNumber())
	return h.app.gate.Evaluate(ctx, t, gate.Request{Trigger: gate.Reviewed})
}
