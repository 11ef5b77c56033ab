package sweep

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/ghclient"
)

// Selection picks which open pull requests of an installation to
// evaluate again after an event that is not about one PR.
type Selection struct {
	// Repo filters repositories by "owner/name"; nil keeps all.
	Repo func(fullName string) bool
	// Policy filters by the repository's policy; nil keeps all with one.
	Policy func(facts.Policy) bool
	// Request is what each evaluation is asked for.
	Request gate.Request
}

// maxReposPerPass bounds the repositories one membership event or one
// sweep visits on a large installation, so neither can spend the
// installation's rate limit alone.
const maxReposPerPass = 200

// Reevaluate evaluates every open PR of the selected repositories that
// have a policy file.
func (s *Sweeper) Reevaluate(ctx context.Context, installationID int64, sel Selection) error {
	return s.eachRepo(ctx, installationID, func(gh *github.Client, repo *github.Repository) error {
		if sel.Repo != nil && !sel.Repo(repo.GetFullName()) {
			return nil
		}
		base := facts.TargetOf(installationID, repo, 0)
		pol, branch, err := facts.NewGitHub(gh, s.cache, s.self).PolicyForEvent(ctx, base)
		if err != nil {
			return err
		}
		if !pol.Found || (sel.Policy != nil && !sel.Policy(pol)) {
			return nil
		}
		base.DefaultBranch = branch
		return s.evaluateOpenPRs(ctx, gh, base, repo, sel.Request)
	})
}

// eachRepo calls visit for each repository the installation can reach,
// up to maxReposPerPass, and joins their errors.
func (s *Sweeper) eachRepo(ctx context.Context, installationID int64, visit func(*github.Client, *github.Repository) error) error {
	gh, err := s.clients.NewInstallationClient(installationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", installationID, err)
	}
	repos, err := installationRepos(ctx, gh)
	if err != nil {
		return err
	}
	var errs []error
	for i, repo := range repos {
		if i >= maxReposPerPass {
			zerolog.Ctx(ctx).Warn().Int("repositories", len(repos)).Int("visited", maxReposPerPass).
				Msg("too many repositories for one pass; the rest wait for their next event")
			break
		}
		errs = append(errs, visit(gh, repo))
	}
	return errors.Join(errs...)
}

// evaluateOpenPRs evaluates every open pull request of the repository.
func (s *Sweeper) evaluateOpenPRs(ctx context.Context, gh *github.Client, base facts.Target, repo *github.Repository, req gate.Request) error {
	prs, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.PullRequest, *github.Response, error) {
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
		errs = append(errs, s.gate.Evaluate(pctx, t, req))
	}
	return errors.Join(errs...)
}

// installationRepos lists the repositories the installation can reach.
func installationRepos(ctx context.Context, gh *github.Client) ([]*github.Repository, error) {
	repos, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.Repository, *github.Response, error) {
		list, resp, err := gh.Apps.ListRepos(ctx, &o)
		if list == nil {
			return nil, resp, err
		}
		return list.Repositories, resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list installation repositories: %w", err)
	}
	return repos, nil
}
