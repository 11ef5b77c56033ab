package web

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// AppClients are the app's own GitHub clients; go-githubapp's
// ClientCreator is one.
type AppClients interface {
	NewAppClient() (*github.Client, error)
	NewInstallationClient(installationID int64) (*github.Client, error)
}

// installedRepo is a repository one of the app's installations reaches.
type installedRepo struct {
	InstallationID int64
	FullName       string
	Owner, Name    string
	DefaultBranch  string
}

// reader reads what the app sees, through its installation clients.
type reader struct {
	apps  AppClients
	cache *facts.Cache
}

// maxListPages bounds every listing the app makes for a page (100 per
// page).
const maxListPages = 20

// installedRepos lists the repositories of every installation of the app,
// or of one when installationID is not zero.
func (rd *reader) installedRepos(ctx context.Context, installationID int64) ([]installedRepo, error) {
	ids := []int64{installationID}
	if installationID == 0 {
		appClient, err := rd.apps.NewAppClient()
		if err != nil {
			return nil, err
		}
		ids = nil
		err = eachPage(maxListPages, func(opts *github.ListOptions) (*github.Response, error) {
			got, resp, err := appClient.Apps.ListInstallations(ctx, opts)
			for _, in := range got {
				ids = append(ids, in.GetID())
			}
			return resp, err
		})
		if err != nil {
			return nil, fmt.Errorf("list the app's installations: %w", err)
		}
	}
	var out []installedRepo
	for _, id := range ids {
		gh, err := rd.apps.NewInstallationClient(id)
		if err != nil {
			return nil, err
		}
		err = eachPage(maxListPages, func(opts *github.ListOptions) (*github.Response, error) {
			got, resp, err := gh.Apps.ListRepos(ctx, opts)
			if err != nil {
				return resp, err
			}
			for _, r := range got.Repositories {
				out = append(out, installedRepo{
					InstallationID: id, FullName: r.GetFullName(), Owner: r.GetOwner().GetLogin(), Name: r.GetName(),
					DefaultBranch: r.GetDefaultBranch(),
				})
			}
			return resp, err
		})
		if err != nil {
			return nil, fmt.Errorf("list the repositories of installation %d: %w", id, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].FullName) < strings.ToLower(out[j].FullName) })
	return out, nil
}

// commsRepo is a repository with a commsgate policy file: a
// communications repository. Others commsgate leaves alone.
type commsRepo struct {
	installedRepo
	rules *policy.Rules
}

// commsRepos keeps the repositories whose default branch has a policy
// file that loads. The parsed policy is cached by its blob, so this costs
// a free 304 per repository once warm.
func (rd *reader) commsRepos(ctx context.Context, repos []installedRepo) ([]commsRepo, error) {
	var out []commsRepo
	for _, r := range repos {
		gh, err := rd.apps.NewInstallationClient(r.InstallationID)
		if err != nil {
			return nil, err
		}
		pol, _, err := facts.NewGitHub(gh, rd.cache, nil).Policy(ctx, r.target())
		if err != nil {
			return nil, err
		}
		if pol.Found && pol.Rules != nil {
			out = append(out, commsRepo{installedRepo: r, rules: pol.Rules})
		}
	}
	return out, nil
}

func (r installedRepo) target() facts.Target {
	return facts.Target{InstallationID: r.InstallationID, Owner: r.Owner, Repo: r.Name, DefaultBranch: r.DefaultBranch}
}
