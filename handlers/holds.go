package handlers

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/policy"
)

// convertComments turns the PR conversation into the comments the hold
// rules replay, deciding for each command author whether they may use it.
// Comments without commands are dropped early, so an ordinary discussion
// costs no permission lookups.
func (a *App) convertComments(ctx context.Context, people *memberships, rules *policy.Rules, in []*github.IssueComment) ([]policy.Comment, error) {
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
			ok, err = people.mayHold(ctx, rules, user)
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
func (a *App) commandAuthors(comments []*github.IssueComment) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range comments {
		user := c.GetUser().GetLogin()
		if seen[user] || a.isOwnOrBot(c.GetUser()) || len(policy.ParseCommands(c.GetBody())) == 0 {
			continue
		}
		seen[user] = true
		out = append(out, user)
	}
	return out
}

// commandComment is a comment with commands, waiting for its reaction.
type commandComment struct {
	comment  *github.IssueComment
	commands []policy.Command
}

// acknowledge reacts to each command comment: +1 when the author may use
// its commands, "confused" when not (the check summary says why). It runs
// inside the evaluation, under the policy the evaluation has just read. A
// reaction is a courtesy: failing one is logged, never fatal.
func (a *App) acknowledge(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, pending []commandComment) {
	logger := zerolog.Ctx(ctx)
	for _, p := range pending {
		reaction, err := a.reactionFor(ctx, gh, t, rules, p)
		if err == nil {
			_, _, err = gh.Reactions.CreateIssueCommentReaction(ctx, t.Owner, t.Repo, p.comment.GetID(), reaction)
			if err != nil {
				err = fmt.Errorf("react to comment %d: %w", p.comment.GetID(), err)
			}
		}
		if err != nil {
			logger.Warn().Err(err).Int64("comment_id", p.comment.GetID()).Msg("could not acknowledge command")
			continue
		}
		logger.Info().Str("reaction", reaction).Int64("comment_id", p.comment.GetID()).Msg("acknowledged command")
	}
}

// reactionFor is "+1" for a comment whose author may use its commands:
// anyone may ask for a recheck; holds need mayHold, or write permission
// where no policy says more.
func (a *App) reactionFor(ctx context.Context, gh *github.Client, t prTarget, rules *policy.Rules, p commandComment) (string, error) {
	onlyRecheck := true
	for _, cmd := range p.commands {
		onlyRecheck = onlyRecheck && cmd.Name == policy.CommandRecheck
	}
	if onlyRecheck {
		return "+1", nil
	}
	user := p.comment.GetUser().GetLogin()
	people := a.memberships(gh, t, readCached)
	var ok bool
	var err error
	if rules == nil {
		ok, err = people.canWrite(ctx, user)
	} else {
		ok, err = people.mayHold(ctx, rules, user)
	}
	if err != nil {
		return "", err
	}
	if !ok {
		return "confused", nil
	}
	return "+1", nil
}
