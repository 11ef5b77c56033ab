package handlers

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/policy"
)

// convertComments turns the PR conversation into the comments the hold
// rules replay, deciding for each command author whether they may use it.
// Comments without commands are dropped early, so an ordinary discussion
// costs no permission lookups.
func (a *App) convertComments(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, members map[string][]string, in []*github.IssueComment) ([]policy.Comment, error) {
	var out []policy.Comment
	decided := map[string]bool{}
	for _, c := range in {
		if a.isOwnOrBot(c.GetUser()) {
			continue
		}
		body := c.GetBody()
		if len(policy.ParseCommands(body)) == 0 {
			continue
		}
		user := c.GetUser().GetLogin()
		ok, seen := decided[user]
		if !seen {
			var err error
			ok, err = a.mayHold(ctx, gh, t, rules, members, user)
			if err != nil {
				return nil, err
			}
			decided[user] = ok
		}
		out = append(out, policy.Comment{
			ID: c.GetID(), User: user, Body: body, CreatedAt: c.GetCreatedAt().Time, Authorized: ok,
		})
	}
	return out, nil
}

// mayHold: members of any configured group or SIG leads team, or anyone
// with write permission on the repository, may place and lift holds.
func (a *App) mayHold(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, members map[string][]string, user string) (bool, error) {
	for _, team := range requiredTeams(rules, nil) {
		for _, m := range members[team] {
			if m == user {
				return true, nil
			}
		}
	}
	for _, team := range rules.SIGs {
		for _, m := range members[team] {
			if m == user {
				return true, nil
			}
		}
	}
	return a.canWrite(ctx, gh, t, user)
}

// authorizedForHolds answers mayHold for a comment event, loading the
// policy and the teams it needs (all cached).
func (a *App) authorizedForHolds(ctx context.Context, gh *github.Client, t prTarget, user string) (bool, error) {
	pol, _, err := a.policyFor(ctx, gh, t)
	if err != nil {
		return false, err
	}
	if pol.rules == nil {
		return a.canWrite(ctx, gh, t, user)
	}
	teams := requiredTeams(pol.rules, nil)
	for _, team := range pol.rules.SIGs {
		teams = append(teams, team)
	}
	members, err := a.loadTeams(ctx, gh, teams)
	if err != nil {
		return false, fmt.Errorf("teams for hold authorisation: %w", err)
	}
	return a.mayHold(ctx, gh, t, pol.rules, members, user)
}
