package doctor

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// says joins a report's lines the way WriteText prints them, for
// assertions on what an administrator reads.
func says(findings []Finding) string {
	var b strings.Builder
	_ = Report{Findings: findings}.WriteText(&b)
	return b.String()
}

func failures(findings []Finding) int { return Report{Findings: findings}.Failures() }

func TestSettingsFindings(t *testing.T) {
	want := Settings{Permissions: map[string]string{"checks": "write", "members": "read"}, Events: []string{"pull_request", "team"}}
	fix := func(what string) string { return "on the settings page, " + what }
	tests := []struct {
		name     string
		got      Settings
		failures int
		say      []string
	}{
		{"the same", Settings{Permissions: map[string]string{"checks": "write", "members": "read"}, Events: []string{"team", "pull_request"}}, 0,
			[]string{"✓ app settings: permissions and events match app.yml (2 permissions, 2 events)"}},
		{"less access", Settings{Permissions: map[string]string{"checks": "read", "members": "read"}, Events: want.Events}, 1,
			[]string{"✗ app settings: permission checks is read; app.yml asks for write, and the calls that need it fail", "fix: on the settings page, set the permission checks to write"}},
		{"a permission missing", Settings{Permissions: map[string]string{"checks": "write"}, Events: want.Events}, 1,
			[]string{"permission members is no access; app.yml asks for read"}},
		{"more access than asked", Settings{Permissions: map[string]string{"checks": "write", "members": "read", "administration": "write"}, Events: want.Events}, 1,
			[]string{"permission administration is write; app.yml asks for no access: access commsgate does not use", "set the permission administration to no access"}},
		{"an event missing", Settings{Permissions: want.Permissions, Events: []string{"pull_request"}}, 1,
			[]string{"the event team is not subscribed: commsgate never hears of it", "fix: on the settings page, subscribe to the event team"}},
		{"an extra event", Settings{Permissions: want.Permissions, Events: []string{"pull_request", "team", "star"}}, 1,
			[]string{"the event star is subscribed but app.yml does not ask for it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := settingsFindings("app settings", tt.got, want, fix)
			if n := failures(got); n != tt.failures {
				t.Errorf("%d failures, want %d:\n%s", n, tt.failures, says(got))
			}
			for _, s := range tt.say {
				if !strings.Contains(says(got), s) {
					t.Errorf("report does not say %q:\n%s", s, says(got))
				}
			}
		})
	}
}

func TestPolicyFindings(t *testing.T) {
	rules := &policy.Rules{Groups: map[string]policy.Group{"steering": {Team: "example/steering"}}, Targets: map[string]policy.Target{}}
	tests := []struct {
		name     string
		pol      facts.Policy
		failures int
		say      string
	}{
		{"no policy file", facts.Policy{}, 0, "· example/site: no .github/commsgate.yml on main: not a communications repository, commsgate leaves it alone"},
		{"loads", facts.Policy{Found: true, Rules: rules}, 0, "✓ example/site: .github/commsgate.yml on main loads: 1 groups, 0 SIGs, 0 publish targets"},
		{"a warning is not a failure", facts.Policy{Found: true, Rules: rules, Findings: []policy.Finding{{Line: 3, Severity: policy.SeverityWarning, Message: "odd"}}}, 0, "loads"},
		{"an error, with its line", facts.Policy{Found: true, Findings: []policy.Finding{{Line: 7, Severity: policy.SeverityError, Rule: "policy-unknown-key", Message: "unknown key grups"}}}, 1,
			"✗ example/site: .github/commsgate.yml line 7: unknown key grups [policy-unknown-key]\n    fix: correct .github/commsgate.yml on main (check it first with `commsgate check .github/commsgate.yml`)"},
		{"unreadable without a finding", facts.Policy{Found: true}, 1, "could not be read as a policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := policyFindings("example/site", "main", tt.pol)
			if n := failures(got); n != tt.failures {
				t.Errorf("%d failures, want %d:\n%s", n, tt.failures, says(got))
			}
			if !strings.Contains(says(got), tt.say) {
				t.Errorf("report does not say %q:\n%s", tt.say, says(got))
			}
		})
	}
}

func TestTargetFindings(t *testing.T) {
	secrets := map[string]config.PublishSecret{"smtp": {Kind: config.SecretSMTP}}
	reachable := func(repo string) bool { return repo == "example/announce" }
	tests := []struct {
		name   string
		target policy.Target
		failed bool
		say    string
	}{
		{"issue target the installation reaches", policy.Target{Name: "announce", Kind: policy.TargetGitHubIssue, Repo: "example/announce"}, false, "✓ example/comms: target announce posts issues to example/announce"},
		{"issue target elsewhere", policy.Target{Name: "announce", Kind: policy.TargetGitHubIssue, Repo: "other/announce"}, true, "posts to other/announce, which this installation cannot reach"},
		{"email with its secret", policy.Target{Name: "dev-list", Kind: policy.TargetEmail, Secret: "smtp"}, false, `target dev-list has its email secret "smtp"`},
		{"a secret the server lacks", policy.Target{Name: "status", Kind: policy.TargetWebhook, Secret: "status-page"}, true,
			"fix: define publish.secrets.status-page in the server configuration, or COMMSGATE_SECRET_STATUS_PAGE_KIND"},
		{"no secret named", policy.Target{Name: "chat", Kind: policy.TargetSlack}, true, "fix: name a secret in the policy's target chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := targetFindings("example/comms", []policy.Target{tt.target}, secrets, reachable)
			if failed := failures(got) > 0; failed != tt.failed {
				t.Errorf("failed = %v, want %v:\n%s", failed, tt.failed, says(got))
			}
			if !strings.Contains(says(got), tt.say) {
				t.Errorf("report does not say %q:\n%s", tt.say, says(got))
			}
		})
	}
}

func TestTeamFindings(t *testing.T) {
	got := teamFindings("example/comms", []TeamAccess{
		{Team: "example/steering", Exists: true, ReadsRepo: true},
		{Team: "example/ghosts"},
		{Team: "example/outside", Exists: true},
	})
	text := says(got)
	for _, s := range []string{
		"✓ example/comms: team example/steering exists and can be asked for reviews",
		"✗ example/comms: team example/ghosts does not exist, or the app cannot see it",
		"✗ example/comms: team example/outside has no access to example/comms: GitHub refuses to request its review\n    fix: give example/outside read access to example/comms",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("report does not say %q:\n%s", s, text)
		}
	}
	if n := failures(got); n != 2 {
		t.Errorf("%d failures, want 2", n)
	}
}

func TestPolicyTeamsListsEachTeamOnce(t *testing.T) {
	rules := &policy.Rules{
		Groups: map[string]policy.Group{
			"security": {Team: "example/security", EmbargoTeam: "example/src"},
			"comms":    {Team: "example/comms"},
		},
		SIGs: map[string]string{"sig-node": "example/node-leads", "sig-auth": "example/comms"},
	}
	got := strings.Join(policyTeams(rules), " ")
	if want := "example/comms example/security example/src example/node-leads"; got != want {
		t.Errorf("teams = %s, want %s", got, want)
	}
}

func TestProtectionFindings(t *testing.T) {
	required := func(checks ...policy.RequiredCheck) policy.BranchProtection {
		return policy.BranchProtection{Branch: "main", AppID: 7, Required: checks}
	}
	fromApp := func(name string, app int64) policy.RequiredCheck {
		return policy.RequiredCheck{Name: name, AppID: app, Source: "ruleset 1"}
	}
	tests := []struct {
		name     string
		b        policy.BranchProtection
		failures int
		say      string
	}{
		{"both from this app", required(fromApp("commsgate/template", 7), fromApp("commsgate/approval", 7)), 0, "✓ example/comms: main requires commsgate/template and commsgate/approval from this app (id 7)"},
		{"unprotected", policy.BranchProtection{Branch: "main", AppID: 7, Unprotected: true}, 2, "`commsgate/approval` is not required: a pull request can be merged without it."},
		{"from any source", required(fromApp("commsgate/template", 7), fromApp("commsgate/approval", 0)), 1, "`commsgate/approval` is required from any source (ruleset 1)"},
		{"from another app", required(fromApp("commsgate/template", 9), fromApp("commsgate/approval", 7)), 1, "`commsgate/template` is required from app id 9 (ruleset 1), not from commsgate (app id 7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := protectionFindings("example/comms", tt.b, gateChecks)
			if n := failures(got); n != tt.failures {
				t.Errorf("%d failures, want %d:\n%s", n, tt.failures, says(got))
			}
			if !strings.Contains(says(got), tt.say) {
				t.Errorf("report does not say %q:\n%s", tt.say, says(got))
			}
			if tt.failures > 0 && !strings.Contains(says(got), "fix: require `") {
				t.Errorf("a gap without its fix:\n%s", says(got))
			}
		})
	}
}
