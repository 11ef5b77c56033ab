package doctor

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// Settings are an app's permissions ("checks": "write") and subscribed
// events, as app.yml asks for them or as GitHub reports them.
type Settings struct {
	Permissions map[string]string
	Events      []string
}

// settingsFindings compares what GitHub reports with app.yml. Less access
// than app.yml asks for breaks the calls that need it; more is access the
// app does not use, which an administrator should not grant. An event
// that is not subscribed is never delivered; an extra one is delivered
// and ignored. fixFor says where each difference is fixed.
func settingsFindings(subject string, got, want Settings, fixFor func(what string) string) []Finding {
	var out []Finding
	names := make([]string, 0, len(want.Permissions)+len(got.Permissions))
	for name := range want.Permissions {
		names = append(names, name)
	}
	for name := range got.Permissions {
		if _, asked := want.Permissions[name]; !asked {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		g, w := got.Permissions[name], want.Permissions[name]
		switch {
		case !covers(g, w):
			out = append(out, fail(subject, fixFor(fmt.Sprintf("set the permission %s to %s", name, level(w))),
				"permission %s is %s; app.yml asks for %s, and the calls that need it fail", name, level(g), level(w)))
		case !covers(w, g):
			out = append(out, fail(subject, fixFor(fmt.Sprintf("set the permission %s to %s", name, level(w))),
				"permission %s is %s; app.yml asks for %s: access commsgate does not use", name, level(g), level(w)))
		}
	}
	for _, event := range want.Events {
		if !slices.Contains(got.Events, event) {
			out = append(out, fail(subject, fixFor("subscribe to the event "+event),
				"the event %s is not subscribed: commsgate never hears of it", event))
		}
	}
	for _, event := range got.Events {
		if !slices.Contains(want.Events, event) {
			out = append(out, fail(subject, fixFor("unsubscribe from the event "+event),
				"the event %s is subscribed but app.yml does not ask for it: every delivery of it is ignored", event))
		}
	}
	if len(out) == 0 {
		out = append(out, pass(subject, "permissions and events match app.yml (%d permissions, %d events)", len(want.Permissions), len(want.Events)))
	}
	return out
}

// covers is config.PermissionCovers with "no access" (absent, or GitHub's
// "none") covered by anything.
func covers(have, need string) bool {
	return need == "" || need == "none" || config.PermissionCovers(have, need)
}

func level(access string) string {
	if access == "" || access == "none" {
		return "no access"
	}
	return access
}

// policyFindings says whether a repository's policy file loads.
func policyFindings(repo, branch string, pol facts.Policy) []Finding {
	if !pol.Found {
		return []Finding{note(repo, "no %s on %s: not a communications repository, commsgate leaves it alone", facts.PolicyPath, branch)}
	}
	fix := fmt.Sprintf("correct %s on %s (check it first with `commsgate check %s`)", facts.PolicyPath, branch, facts.PolicyPath)
	var out []Finding
	for _, f := range pol.Findings {
		if f.Severity == policy.SeverityError {
			out = append(out, fail(repo, fix, "%s line %d: %s [%s]", facts.PolicyPath, f.Line, f.Message, f.Rule))
		}
	}
	if pol.Rules == nil && len(out) == 0 {
		out = append(out, fail(repo, fix, "%s could not be read as a policy", facts.PolicyPath))
	}
	if len(out) > 0 {
		return out
	}
	return []Finding{pass(repo, "%s on %s loads: %d groups, %d SIGs, %d publish targets",
		facts.PolicyPath, branch, len(pol.Rules.Groups), len(pol.Rules.SIGs), len(pol.Rules.Targets))}
}

// targetFindings says, for each publish target, whether a publication to
// it could be sent: its secret is configured with the right kind, and an
// issue target's repository is one the installation reaches. Both are
// otherwise found only when a merged notice fails to publish.
func targetFindings(repo string, targets []policy.Target, secrets map[string]config.PublishSecret, reachable func(fullName string) bool) []Finding {
	var out []Finding
	for _, t := range targets {
		if t.Kind == policy.TargetGitHubIssue {
			if !reachable(t.Repo) {
				out = append(out, fail(repo, fmt.Sprintf("install commsgate on %s too (the installation's Repository access), or point the target at a repository it has", t.Repo),
					"target %s posts to %s, which this installation cannot reach: its publications would fail", t.Name, t.Repo))
				continue
			}
			out = append(out, pass(repo, "target %s posts issues to %s", t.Name, t.Repo))
			continue
		}
		if _, err := config.TargetSecret(t, secrets); err != nil {
			out = append(out, fail(repo, secretFix(t), "%v: its publications would fail", err))
			continue
		}
		out = append(out, pass(repo, "target %s has its %s secret %q", t.Name, t.Kind, t.Secret))
	}
	return out
}

func secretFix(t policy.Target) string {
	if t.Secret == "" {
		return fmt.Sprintf("name a secret in the policy's target %s (`secret: NAME`) and define it in the server configuration", t.Name)
	}
	name := config.CanonicalSecretName(t.Secret)
	env := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	return fmt.Sprintf("define publish.secrets.%s in the server configuration, or COMMSGATE_SECRET_%s_KIND and its values in the environment (config/SERVER_CONFIG.md), then restart", name, env)
}

// TeamAccess is what GitHub says about one reviewing team.
type TeamAccess struct {
	// Team is "org/slug".
	Team string
	// Exists is false when GitHub knows no such team (or hides it).
	Exists bool
	// ReadsRepo is whether the team has at least read access to the
	// repository: GitHub refuses a review request for a team without it.
	ReadsRepo bool
}

// teamFindings says whether each team the policy counts can be asked for
// a review.
func teamFindings(repo string, teams []TeamAccess) []Finding {
	var out []Finding
	for _, t := range teams {
		org, slug, _ := strings.Cut(t.Team, "/")
		switch {
		case !t.Exists:
			out = append(out, fail(repo, fmt.Sprintf("create the team %s (github.com/orgs/%s/teams), or correct the name in the policy; the app needs Members: read to see it", slug, org),
				"team %s does not exist, or the app cannot see it: its stage can never be approved", t.Team))
		case !t.ReadsRepo:
			out = append(out, fail(repo, fmt.Sprintf("give %s read access to %s (Settings → Collaborators and teams → Add teams)", t.Team, repo),
				"team %s has no access to %s: GitHub refuses to request its review", t.Team, repo))
		default:
			out = append(out, pass(repo, "team %s exists and can be asked for reviews", t.Team))
		}
	}
	return out
}

// policyTeams lists each team the policy counts once, in a stable order.
func policyTeams(rules *policy.Rules) []string {
	seen := map[string]bool{}
	var out []string
	add := func(team string) {
		if team != "" && !seen[team] {
			seen[team] = true
			out = append(out, team)
		}
	}
	for _, name := range sortedKeys(rules.Groups) {
		add(rules.Groups[name].Team)
		add(rules.Groups[name].EmbargoTeam)
	}
	for _, sig := range sortedKeys(rules.SIGs) {
		add(rules.SIGs[sig])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// protectionFindings says whether the default branch makes commsgate's
// checks a gate: required, and from this app.
func protectionFindings(repo string, b policy.BranchProtection, checks []string) []Finding {
	gaps := policy.ProtectionGaps(b, checks)
	if len(gaps) == 0 {
		return []Finding{pass(repo, "%s requires %s from this app (id %d)", b.Branch, strings.Join(checks, " and "), b.AppID)}
	}
	out := make([]Finding, 0, len(gaps))
	for _, g := range gaps {
		out = append(out, Finding{Status: Fail, Subject: repo, Says: g.Problem, Fix: g.Fix})
	}
	return out
}
