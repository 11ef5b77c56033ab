package web

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

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

// openPR is an open pull request that changes communications, as the app
// reads it; Notices are its communications at its head.
type openPR struct {
	Repo    string
	Number  int
	Title   string
	URL     string
	Draft   bool
	Notices []notice
}

// notice is what the pages show of one communication of a pull request.
type notice struct {
	Path      string
	Title     string
	PublishAt time.Time // zero when absent or unreadable
	Embargo   bool
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

// repoComms are a communications repository's open pull requests that
// change communications.
type repoComms struct {
	Repo  installedRepo
	Pulls []openPR
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

// openCommunications reads, per communications repository, the open pull
// requests that change a communication and those communications at the
// pull request's head.
func (rd *reader) openCommunications(ctx context.Context, repos []commsRepo) ([]repoComms, error) {
	var out []repoComms
	for _, r := range repos {
		gh, err := rd.apps.NewInstallationClient(r.InstallationID)
		if err != nil {
			return nil, err
		}
		pulls, err := rd.commsPulls(ctx, gh, facts.NewGitHub(gh, rd.cache, nil), r.target(), r.rules)
		if err != nil {
			return nil, err
		}
		out = append(out, repoComms{Repo: r.installedRepo, Pulls: pulls})
	}
	return out, nil
}

func (rd *reader) commsPulls(ctx context.Context, gh *github.Client, fr *facts.GitHub, t facts.Target, rules *policy.Rules) ([]openPR, error) {
	var out []openPR
	opts := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < maxListPages; page++ {
		prs, resp, err := gh.PullRequests.List(ctx, t.Owner, t.Repo, opts)
		if err != nil {
			return nil, fmt.Errorf("list the open pull requests of %s/%s: %w", t.Owner, t.Repo, err)
		}
		for _, pr := range prs {
			files, _, err := gh.PullRequests.ListFiles(ctx, t.Owner, t.Repo, pr.GetNumber(), &github.ListOptions{PerPage: 100})
			if err != nil {
				return nil, fmt.Errorf("list the files of %s/%s#%d: %w", t.Owner, t.Repo, pr.GetNumber(), err)
			}
			comms, _ := facts.ChangedFiles(rules, files)
			if len(comms) == 0 {
				continue
			}
			p := openPR{Repo: t.Owner + "/" + t.Repo, Number: pr.GetNumber(), Title: pr.GetTitle(), URL: pr.GetHTMLURL(), Draft: pr.GetDraft()}
			for _, c := range comms {
				p.Notices = append(p.Notices, readNotice(ctx, fr, t, c.Path, pr.GetHead().GetSHA()))
			}
			out = append(out, p)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// readNotice reads one communication at ref. A file that cannot be read
// or parsed still shows, by its path: the pull request's checks say why.
func readNotice(ctx context.Context, fr *facts.GitHub, t facts.Target, path, ref string) notice {
	n := notice{Path: path}
	content, err := fr.FileAt(ctx, t, path, ref)
	if err != nil || len(content) > policy.MaxDocumentBytes {
		return n
	}
	if doc, _ := policy.ParseDocument(path, content); doc != nil {
		n.Title, n.PublishAt, n.Embargo = doc.Title, doc.PublishAt, doc.Embargo
	}
	return n
}
