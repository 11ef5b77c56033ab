package facts

import (
	"context"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/policy"
)

// convertComments turns the PR conversation into the comments the hold
// rules replay, deciding for each command author whether they may use it.
// Comments without commands are dropped early, so an ordinary discussion
// costs no permission lookups.
func (r *GitHub) convertComments(ctx context.Context, people *People, rules *policy.Rules, in []*github.IssueComment) ([]policy.Comment, error) {
	var out []policy.Comment
	decided := map[string]bool{}
	for _, c := range in {
		if r.self.IsOwnOrBot(c.GetUser()) {
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
			ok, err = people.MayHold(ctx, rules, user)
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

// commandAuthors are the people (not bots) who wrote commands, each once.
func (r *GitHub) commandAuthors(comments []*github.IssueComment) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range comments {
		user := c.GetUser().GetLogin()
		if seen[user] || r.self.IsOwnOrBot(c.GetUser()) || len(policy.ParseCommands(c.GetBody())) == 0 {
			continue
		}
		seen[user] = true
		out = append(out, user)
	}
	return out
}

// MayCommand says whether user may use cmds: anyone may ask for a
// recheck; holds need a hold team's membership or write permission, and
// write permission alone where no policy says more (rules nil).
func (r *GitHub) MayCommand(ctx context.Context, t Target, rules *policy.Rules, user string, cmds []policy.Command) (bool, error) {
	onlyRecheck := true
	for _, cmd := range cmds {
		onlyRecheck = onlyRecheck && cmd.Name == policy.CommandRecheck
	}
	if onlyRecheck {
		return true, nil
	}
	people := r.People(t, ReadCached)
	if rules == nil {
		return people.CanWrite(ctx, user)
	}
	return people.MayHold(ctx, rules, user)
}
