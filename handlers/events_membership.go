package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

type membershipHandler struct{ app *App }

var _ githubapp.EventHandler = (*membershipHandler)(nil)

func (h *membershipHandler) Handles() []string { return []string{"membership", "team"} }

// Handle drops the cached members of the team and re-evaluates the open
// communication PRs whose policy names it: a Steering member who leaves
// must stop counting now, not when the cache expires.
func (h *membershipHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var (
		installationID int64
		team           *github.Team
		org            string
	)
	switch eventType {
	case "membership":
		var event github.MembershipEvent
		if err := json.Unmarshal(payload, &event); err != nil {
			return fmt.Errorf("parse membership payload: %w", err)
		}
		installationID = githubapp.GetInstallationIDFromEvent(&event)
		team, org = event.GetTeam(), event.GetOrg().GetLogin()
	case "team":
		var event github.TeamEvent
		if err := json.Unmarshal(payload, &event); err != nil {
			return fmt.Errorf("parse team payload: %w", err)
		}
		installationID = githubapp.GetInstallationIDFromEvent(&event)
		team, org = event.GetTeam(), event.GetOrg().GetLogin()
	default:
		return nil
	}
	if team == nil || org == "" {
		// Without a team name every cached membership is suspect.
		h.app.teams.clear()
		return nil
	}
	ref := org + "/" + team.GetSlug()
	h.app.teams.drop(ref)
	zerolog.Ctx(ctx).Info().Str("team", ref).Msg("team changed: re-evaluating affected pull requests")
	return h.app.reevaluateInstallation(ctx, installationID, reevaluation{
		policy:  func(p repoPolicy) bool { return policyMentionsTeam(p, ref) },
		options: evalOptions{Reason: eventType + ".team_changed"},
	})
}

func policyMentionsTeam(p repoPolicy, team string) bool {
	if p.rules == nil {
		return false
	}
	for _, g := range p.rules.Groups {
		if g.Team == team || g.EmbargoTeam == team {
			return true
		}
	}
	for _, t := range p.rules.SIGs {
		if t == team {
			return true
		}
	}
	return false
}

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
	return h.app.reevaluateInstallation(ctx, installationID, reevaluation{
		repo:    func(fullName string) bool { return wanted[fullName] },
		options: evalOptions{Template: true, Reason: eventType + ".added"},
	})
}
