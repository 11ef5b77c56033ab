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

// maxReposPerSweep bounds the repositories one membership event or one
// sweep visits on a large installation, so neither can spend the
// installation's rate limit alone.
const maxReposPerSweep = 200

// reevaluateInstallation evaluates every open PR of the selected
// repositories that have a policy file.
func (a *App) reevaluateInstallation(ctx context.Context, installationID int64, sel reevaluation) error {
	return a.eachRepo(ctx, installationID, func(gh *github.Client, repo *github.Repository) error {
		if sel.repo != nil && !sel.repo(repo.GetFullName()) {
			return nil
		}
		return a.reevaluateRepo(ctx, gh, installationID, repo, sel)
	})
}

// eachRepo calls visit for each repository the installation can reach,
// up to maxReposPerSweep, and joins their errors.
func (a *App) eachRepo(ctx context.Context, installationID int64, visit func(*github.Client, *github.Repository) error) error {
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
			zerolog.Ctx(ctx).Warn().Int("repositories", len(repos)).Msg("too many repositories for one pass; the rest wait for their next event")
			break
		}
		errs = append(errs, visit(gh, repo))
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
	return a.evaluateOpenPRs(ctx, gh, base, repo, sel.options)
}

// evaluateOpenPRs evaluates every open pull request of the repository.
func (a *App) evaluateOpenPRs(ctx context.Context, gh *github.Client, base prTarget, repo *github.Repository, opts evalOptions) error {
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
		pctx, _ := githubapp.PreparePRContext(ctx, base.InstallationID, repo, pr.GetNumber())
		errs = append(errs, a.Evaluate(pctx, t, opts))
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
