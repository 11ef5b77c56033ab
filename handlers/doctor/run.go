package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// Options are what doctor checks against.
type Options struct {
	// Clients reach GitHub as the app, built from the server configuration
	// exactly as `commsgate serve` builds them.
	Clients githubapp.ClientCreator
	// AppID is github.app.integration_id.
	AppID int64
	// Secrets are the server configuration's publish secrets.
	Secrets map[string]config.PublishSecret
	// Want is what app.yml asks for.
	Want Settings
}

// OptionsFor builds doctor's options from a loaded server configuration,
// with the same GitHub clients `commsgate serve` uses, so what doctor
// proves about the credentials holds for the server.
func OptionsFor(cfg *config.Server, want Settings) (Options, error) {
	clients, err := ghclient.NewClientCreator(cfg.Github, ghclient.Stack{})
	if err != nil {
		return Options{}, fmt.Errorf("github clients: %w", err)
	}
	return Options{Clients: clients, AppID: cfg.Github.App.IntegrationID, Secrets: cfg.Publish.Secrets, Want: want}, nil
}

// gateChecks are the checks the default branch must require.
var gateChecks = []string{report.CheckTemplate, report.CheckApproval}

// Run checks everything it can reach and reports it; it does not stop at
// the first problem, except when the credentials fail, since nothing else
// can be read then. It only reads: doctor never changes anything.
func Run(ctx context.Context, o Options) Report {
	var r Report
	appClient, err := o.Clients.NewAppClient()
	if err != nil {
		r.add(fail("credentials", "check github.app.private_key: the PEM of the key downloaded from the app's settings page", "the private key cannot be used: %v", err))
		return r
	}
	app, _, err := appClient.Apps.Get(ctx, "")
	if err != nil {
		r.add(fail("credentials", "check github.app.integration_id (the App ID on the app's settings page) and that github.app.private_key is one of that app's keys, not revoked",
			"GitHub refuses the app's JWT for app id %d: %v", o.AppID, err))
		return r
	}
	r.add(pass("credentials", "GitHub accepts the key of app %d (%s)", app.GetID(), app.GetSlug()))
	settingsURL := app.GetHTMLURL()
	r.add(settingsFindings("app settings", settingsOf(app.Permissions, app.Events), o.Want, func(what string) string {
		return fmt.Sprintf("on the app's settings page (%s → Permissions & events), %s", settingsURL, what)
	})...)

	installations, err := ghclient.ListAll(func(opts github.ListOptions) ([]*github.Installation, *github.Response, error) {
		return appClient.Apps.ListInstallations(ctx, &opts)
	})
	switch {
	case err != nil:
		r.add(fail("installations", "run doctor again; if it persists, see GitHub's status page", "the installations could not be listed: %v", err))
		return r
	case len(installations) == 0:
		r.add(fail("installations", fmt.Sprintf("install the app on the organization that holds the communications repository: %s/installations/new", settingsURL),
			"the app is not installed anywhere: it receives no webhooks"))
		return r
	}
	identity := ghclient.NewIdentity(o.Clients, o.AppID, "")
	for _, in := range installations {
		checkInstallation(ctx, &r, o, identity, in)
	}
	return r
}

// checkInstallation checks one installation and every repository it
// reaches.
func checkInstallation(ctx context.Context, r *Report, o Options, identity *ghclient.Identity, in *github.Installation) {
	account := in.GetAccount().GetLogin()
	subject := "installation on " + account
	gh, err := o.Clients.NewInstallationClient(in.GetID())
	if err == nil {
		var repos []*github.Repository
		repos, err = ghclient.ListAll(func(opts github.ListOptions) ([]*github.Repository, *github.Response, error) {
			list, resp, err := gh.Apps.ListRepos(ctx, &opts)
			if list == nil {
				return nil, resp, err
			}
			return list.Repositories, resp, err
		})
		if err == nil {
			r.add(pass(subject, "an installation token was issued; it reaches %d repositories", len(repos)))
			r.add(settingsFindings(subject, settingsOf(in.Permissions, in.Events), o.Want, func(what string) string {
				return fmt.Sprintf("%s on the app's settings page; when permissions were raised, the owner of %s must accept them at %s", what, account, in.GetHTMLURL())
			})...)
			reachable := reachableSet(repos)
			for _, repo := range repos {
				checkRepository(ctx, r, o, facts.NewGitHub(gh, facts.NewCache(0, nil), identity), gh, repo, reachable)
			}
			return
		}
	}
	r.add(fail(subject, "check the installation at "+in.GetHTMLURL()+" (suspended? removed?)", "no installation token or repository list: %v", err))
}

func reachableSet(repos []*github.Repository) func(string) bool {
	set := make(map[string]bool, len(repos))
	for _, repo := range repos {
		set[strings.ToLower(repo.GetFullName())] = true
	}
	return func(fullName string) bool { return set[strings.ToLower(fullName)] }
}

// checkRepository checks one repository: without a policy file there is
// nothing more to check.
func checkRepository(ctx context.Context, r *Report, o Options, read *facts.GitHub, gh *github.Client, repo *github.Repository, reachable func(string) bool) {
	name := repo.GetFullName()
	t := facts.Target{Owner: repo.GetOwner().GetLogin(), Repo: repo.GetName(), DefaultBranch: repo.GetDefaultBranch()}
	pol, branch, err := read.Policy(ctx, t)
	if err != nil {
		r.add(fail(name, "run doctor again; if it persists, check the app's Contents: read permission", "the policy file could not be read: %v", err))
		return
	}
	r.add(policyFindings(name, branch, pol)...)
	if !pol.Found || pol.Rules == nil {
		return
	}
	var targets []policy.Target
	for _, key := range sortedKeys(pol.Rules.Targets) {
		targets = append(targets, pol.Rules.Targets[key])
	}
	r.add(targetFindings(name, targets, o.Secrets, reachable)...)

	var teams []TeamAccess
	for _, team := range policyTeams(pol.Rules) {
		access, err := teamAccess(ctx, gh, team, t)
		if err != nil {
			r.add(fail(name, "run doctor again; if it persists, check the app's Members: read permission", "team %s could not be read: %v", team, err))
			continue
		}
		teams = append(teams, access)
	}
	r.add(teamFindings(name, teams)...)

	t.DefaultBranch = branch
	protection, err := read.BranchProtection(ctx, t)
	if err != nil {
		r.add(fail(name, "run doctor again", "the branch protection of %s could not be read: %v", branch, err))
		return
	}
	r.add(protectionFindings(name, protection, gateChecks)...)
}

// teamAccess asks whether team ("org/slug") exists and reads the
// repository.
func teamAccess(ctx context.Context, gh *github.Client, team string, t facts.Target) (TeamAccess, error) {
	access := TeamAccess{Team: team}
	org, slug, ok := strings.Cut(team, "/")
	if !ok {
		return access, nil
	}
	_, _, err := gh.Teams.GetTeamBySlug(ctx, org, slug)
	switch {
	case ghclient.IsNotFound(err):
		return access, nil
	case err != nil:
		return access, err
	}
	access.Exists = true
	_, _, err = gh.Teams.IsTeamRepoBySlug(ctx, org, slug, t.Owner, t.Repo)
	switch status := ghclient.StatusOf(err); {
	case status == http.StatusNotFound:
		return access, nil
	case err != nil:
		return access, err
	}
	access.ReadsRepo = true
	return access, nil
}

// settingsOf turns go-github's permission struct into app.yml's shape by
// its JSON names, so a permission go-github knows and app.yml does not
// still shows up.
func settingsOf(perms *github.InstallationPermissions, events []string) Settings {
	s := Settings{Permissions: map[string]string{}, Events: events}
	if perms == nil {
		return s
	}
	// A struct of optional strings always marshals, and back into a map of
	// strings.
	raw, _ := json.Marshal(perms)
	_ = json.Unmarshal(raw, &s.Permissions)
	return s
}
