package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/sweep"
)

type installationHandler struct{ app *App }

var _ githubapp.EventHandler = (*installationHandler)(nil)

func (h *installationHandler) Handles() []string {
	return []string{"installation", "installation_repositories"}
}

// Handle evaluates the open PRs of newly reachable repositories, so that a
// freshly installed app does not wait for the next push to show its checks.
func (h *installationHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var (
		installationID int64
		repos          []*github.Repository
	)
	switch eventType {
	case "installation":
		var event github.InstallationEvent
		if err := json.Unmarshal(payload, &event); err != nil {
			return fmt.Errorf("parse installation payload: %w", err)
		}
		if a := event.GetAction(); a != "created" && a != "unsuspend" && a != "new_permissions_accepted" {
			return nil
		}
		installationID, repos = event.GetInstallation().GetID(), event.Repositories
	case "installation_repositories":
		var event github.InstallationRepositoriesEvent
		if err := json.Unmarshal(payload, &event); err != nil {
			return fmt.Errorf("parse installation_repositories payload: %w", err)
		}
		if event.GetAction() != "added" {
			return nil
		}
		installationID, repos = event.GetInstallation().GetID(), event.RepositoriesAdded
	}
	wanted := make(map[string]bool, len(repos))
	for _, r := range repos {
		wanted[r.GetFullName()] = true
	}
	return h.app.sweeper.Reevaluate(ctx, installationID, sweep.Selection{
		Repo:    func(fullName string) bool { return wanted[fullName] },
		Request: gate.Request{Trigger: gate.Installed},
	})
}
