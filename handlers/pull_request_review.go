package handlers

import (
	"context"
	"fmt"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/server"
)

type reviewHandler struct{ app *App }

var _ githubapp.EventHandler = (*reviewHandler)(nil)

func (h *reviewHandler) Handles() []string { return []string{"pull_request_review"} }

func (h *reviewHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	// Everything the gate needs is in the delivery's addressing, which the
	// queue has decoded already; GitHub's whole event is never needed.
	event, ok := server.DeliveryFrom(ctx)
	if !ok {
		event = server.DecodeDelivery(payload)
	}
	if err := event.Err(); err != nil {
		return fmt.Errorf("parse pull_request_review payload: %w", err)
	}
	switch event.Action {
	case "submitted", "edited", "dismissed":
	default:
		return nil
	}
	pr := event.PullRequest
	if pr == nil {
		return ignoreIncomplete(ctx, event.Action, "pull_request")
	}
	if pr.State != "open" {
		return nil
	}
	installationID, repo := event.InstallationID(), event.GitHubRepository()
	ctx, _ = githubapp.PreparePRContext(ctx, installationID, repo, pr.Number)
	t := facts.TargetOf(installationID, repo, pr.Number)
	return h.app.gate.Evaluate(ctx, t, gate.Request{Trigger: gate.Reviewed})
}
