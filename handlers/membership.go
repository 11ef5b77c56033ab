package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/sweep"
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
		h.app.cache.ForgetTeam("")
		return nil
	}
	ref := org + "/" + team.GetSlug()
	h.app.cache.ForgetTeam(ref)
	zerolog.Ctx(ctx).Info().Str("team", ref).Msg("team changed: re-evaluating affected pull requests")
	return h.app.sweeper.Reevaluate(ctx, installationID, sweep.Selection{
		Policy:  func(p facts.Policy) bool { return p.MentionsTeam(ref) },
		Request: gate.Request{Trigger: gate.TeamChanged},
	})
}

type memberHandler struct{ app *App }

var _ githubapp.EventHandler = (*memberHandler)(nil)

func (h *memberHandler) Handles() []string { return []string{"member"} }

// Handle drops every cached write permission and re-evaluates the
// repository's open PRs when a collaborator is added, removed or given
// another role: write permission is what lets someone /hold, so a
// /hold that was ignored may count now, and one that counted may not.
func (h *memberHandler) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var event github.MemberEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return fmt.Errorf("parse member payload: %w", err)
	}
	repo := event.GetRepo()
	if repo == nil {
		return ignoreIncomplete(ctx, event.GetAction(), "repository")
	}
	h.app.cache.ForgetPermissions()
	zerolog.Ctx(ctx).Info().Str("member", event.GetMember().GetLogin()).Str("action", event.GetAction()).
		Msg("collaborator changed: re-evaluating the repository's pull requests")
	return h.app.sweeper.Reevaluate(ctx, githubapp.GetInstallationIDFromEvent(&event), sweep.Selection{
		Repo:    func(fullName string) bool { return strings.EqualFold(fullName, repo.GetFullName()) },
		Request: gate.Request{Trigger: gate.CollaboratorChanged},
	})
}
