package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// reevaluation selects which open pull requests of an installation to
// evaluate again after an event that is not about one PR.
type reevaluation struct {
	// repo filters repositories by "owner/name"; nil keeps all.
	repo func(fullName string) bool
	// policy filters by the repository's policy; nil keeps all with one.
	policy  func(repoPolicy) bool
	options evalOptions
}

// maxReposPerSweep bounds the cost of one membership event on a large
// installation; the periodic sweep of the scheduler catches the rest.
const maxReposPerSweep = 200

// reevaluateInstallation evaluates every open PR of the selected
// repositories that have a policy file.
func (a *App) reevaluateInstallation(ctx context.Context, installationID int64, sel reevaluation) error {
	gh, err := a.clients.NewInstallationClient(installationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", installationID, err)
	}
	repos, err := installationRepos(ctx, gh)
	if err != nil {
		return err
	}
	var errs []error
	for i, repo := range repos {
		if i >= maxReposPerSweep {
			zerolog.Ctx(ctx).Warn().Int("repositories", len(repos)).Msg("too many repositories for one sweep; the rest wait for their next event")
			break
		}
		if sel.repo != nil && !sel.repo(repo.GetFullName()) {
			continue
		}
		errs = append(errs, a.reevaluateRepo(ctx, gh, installationID, repo, sel))
	}
	return errors.Join(errs...)
}

func (a *App) reevaluateRepo(ctx context.Context, gh *github.Client, installationID int64, repo *github.Repository, sel reevaluation) error {
	base := targetOf(installationID, repo, 0)
	pol, _, err := a.policyFor(ctx, gh, base)
	if err != nil {
		return err
	}
	if !pol.found || (sel.policy != nil && !sel.policy(pol)) {
		return nil
	}
	prs, err := listAll(func(o github.ListOptions) ([]*github.PullRequest, *github.Response, error) {
		return gh.PullRequests.List(ctx, base.Owner, base.Repo, &github.PullRequestListOptions{State: "open", ListOptions: o})
	})
	if err != nil {
		return fmt.Errorf("list open pull requests of %s: %w", repo.GetFullName(), err)
	}
	var errs []error
	for _, pr := range prs {
		t := base
		t.Number = pr.GetNumber()
		pctx, _ := githubapp.PreparePRContext(ctx, installationID, repo, pr.GetNumber())
		errs = append(errs, a.Evaluate(pctx, t, sel.options))
	}
	return errors.Join(errs...)
}

// installationRepos lists the repositories the installation can reach.
func installationRepos(ctx context.Context, gh *github.Client) ([]*github.Repository, error) {
	var all []*github.Repository
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxPages; page++ {
		list, resp, err := gh.Apps.ListRepos(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list installation repositories: %w", err)
		}
		all = append(all, list.Repositories...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return all, nil
}
