package calendar

import (
	"context"
	"fmt"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/publication"
)

// FollowUp is a follow-up issue as the process report reads it.
type FollowUp = publication.FollowUp

// FollowUps reads the follow-up issues of owner/repo, open and closed, by
// number: their due dates, when they were closed, the updates published
// after the first publication and the ratification of an expedited one.
// It is one paged list of the policy's follow-up labels, made only for
// the process report; the calendar itself does not need it. Issues whose
// record is damaged are left out.
func (l *Lister) FollowUps(ctx context.Context, installationID int64, owner, repo string) (map[int]FollowUp, error) {
	gh, err := l.clients.NewInstallationClient(installationID)
	if err != nil {
		return nil, fmt.Errorf("installation client %d: %w", installationID, err)
	}
	reader := facts.NewGitHub(gh, l.facts, l.self)
	t := facts.Target{InstallationID: installationID, Owner: owner, Repo: repo}
	pol, _, err := reader.PolicyForEvent(ctx, t)
	switch {
	case err != nil:
		return nil, err
	case !pol.Found:
		return nil, fmt.Errorf("%s/%s: %w", owner, repo, ErrNoPolicy)
	case pol.Broken() || !pol.Rules.FollowUp.Enabled:
		return map[int]FollowUp{}, nil
	}
	byNumber, _, err := publication.ListFollowUps(ctx, gh, t, pol.Rules)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", owner, repo, err)
	}
	return byNumber, nil
}
