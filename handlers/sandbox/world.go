package sandbox

import (
	"fmt"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// The sandbox community: an organisation "example" with the teams the
// process needs, a private communications repository and a public
// announcement repository.
const (
	Org          = "example"
	CommsRepo    = "example/comms"
	AnnounceRepo = "example/announce"
)

// People of the sandbox community, by role.
var (
	Author        = "alice" // writes notices; in no reviewing team
	SIGNodeLeads  = []string{"nina", "noah"}
	SIGAuthLeads  = []string{"arun"}
	CommsTeam     = []string{"carla", "chris"}
	SecurityLeads = []string{"sam"}
	ResponseTeam  = []string{"sara", "seth"} // the Security Response Committee
	Steering      = []string{"sue", "sid", "sol", "sky", "sage"}
	Outsider      = "mallory" // no team, no write access
)

// Policy is the sandbox repository's .github/commsgate.yml. The tiers,
// types and schedule are the built-in defaults; only teams, channels and
// the follow-up are set, as a real community's first file would be.
func Policy(autoMerge bool) string {
	return fmt.Sprintf(`groups:
  comms: {team: example/contribex-comms}
  security: {team: example/security-leads, embargo_team: example/security-response-committee}
  steering: {team: example/steering-committee, quorum: majority}
sigs:
  sig-node: example/sig-node-leads
  sig-auth: example/sig-auth-leads
publish:
  announce: {kind: github-issue, repo: example/announce, labels: [announcement]}
  dev-list: {kind: email, to: dev@example.org, secret: smtp}
  slack-announce: {kind: slack, secret: slack-announce}
  status-page: {kind: webhook, secret: status-page}
followup: {after: 14d, labels: [follow-up]}
auto_merge: %t
`, autoMerge)
}

// Teams maps each team of the sandbox community ("org/slug") to its
// members, as seeded in the fake GitHub.
func Teams() map[string][]string {
	return map[string][]string{
		"example/sig-node-leads":              SIGNodeLeads,
		"example/sig-auth-leads":              SIGAuthLeads,
		"example/contribex-comms":             CommsTeam,
		"example/security-leads":              SecurityLeads,
		"example/security-response-committee": ResponseTeam,
		"example/steering-committee":          Steering,
	}
}

// seed creates the community in the fake GitHub.
func seed(gh *githubfake.Server, autoMerge bool, extraFiles map[string]string) {
	teams := Teams()
	files := map[string]string{
		".github/commsgate.yml": Policy(autoMerge),
		"comms/README.md":       "# Communications\n\nOne markdown file per notice; see commsgate's README.\n",
	}
	for k, v := range extraFiles {
		files[k] = v
	}
	gh.CreateRepo(githubfake.RepoSpec{Name: CommsRepo, Files: files})
	gh.CreateRepo(githubfake.RepoSpec{Name: AnnounceRepo, Public: true, Files: map[string]string{"README.md": "# Announcements\n"}})
	for ref, members := range teams {
		gh.CreateTeam(ref, members...)
		gh.GrantTeamRepo(ref, CommsRepo, "push")
	}
	gh.SetCollaborator(CommsRepo, Author, "write")
}
