package handlers

import (
	"context"
	"encoding/json"
	"fmt"

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
