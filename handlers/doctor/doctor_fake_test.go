package doctor_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/doctor"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// appYAML is what app.yml asks for, as `commsgate doctor` compares it.
func appYAML() doctor.Settings {
	m := config.Manifest()
	return doctor.Settings{Permissions: m.DefaultPermissions, Events: m.DefaultEvents}
}

// world is a sandbox community set up the way the README's administrator
// guide ends: policy loaded, secrets configured, both checks required
// from the app. Each test then breaks one thing.
type world struct {
	sb  *sandbox.Sandbox
	cfg *config.Server
}

func newWorld(t *testing.T, files map[string]string) *world {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{Reporter: t, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	cfg, err := sb.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main",
		githubfake.AppCheck(report.CheckTemplate, sb.App.ID), githubfake.AppCheck(report.CheckApproval, sb.App.ID))
	return &world{sb: sb, cfg: cfg}
}

func (w *world) examine(t *testing.T) (doctor.Report, string) {
	t.Helper()
	opts, err := doctor.OptionsFor(w.cfg, appYAML())
	if err != nil {
		t.Fatal(err)
	}
	r := doctor.Run(context.Background(), opts)
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	return r, text.String()
}

func TestDoctorPassesAWellSetUpInstallation(t *testing.T) {
	w := newWorld(t, nil)
	r, text := w.examine(t)
	if r.Failures() != 0 {
		t.Fatalf("%d failures on a healthy installation:\n%s", r.Failures(), text)
	}
	for _, s := range []string{
		"✓ credentials: GitHub accepts the key of app",
		"✓ app settings: permissions and events match app.yml",
		"✓ installation on example: an installation token was issued; it reaches 2 repositories",
		"✓ example/comms: .github/commsgate.yml on main loads",
		`✓ example/comms: target dev-list has its email secret "smtp"`,
		"✓ example/comms: team example/steering-committee exists and can be asked for reviews",
		"✓ example/comms: main requires commsgate/template and commsgate/approval from this app",
		"· example/announce: no .github/commsgate.yml on main",
		"Everything checked is in order.",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("report does not say %q:\n%s", s, text)
		}
	}
}

// Each misconfiguration is seeded on an otherwise healthy installation and
// must be found, with its fix.
func TestDoctorFindsEachMisconfiguration(t *testing.T) {
	brokenPolicy := strings.Replace(sandbox.Policy(false), "groups:", "grups:", 1)
	tests := []struct {
		name  string
		files map[string]string
		seed  func(w *world)
		say   []string
	}{
		{name: "a key GitHub does not know",
			seed: func(w *world) { w.cfg.Github.App.PrivateKey = string(githubfake.AppKey(t)) },
			say:  []string{"✗ credentials: GitHub refuses the app's JWT", "fix: check github.app.integration_id"}},
		{name: "an app without a permission app.yml asks for",
			seed: func(w *world) {
				perms := appYAML().Permissions
				delete(perms, "members")
				w.sb.GitHub.SetAppPermissions(w.sb.App.ID, perms)
			},
			say: []string{"✗ app settings: permission members is no access; app.yml asks for read", "fix: on the app's settings page (", "✗ installation on example: permission members is no access"}},
		{name: "an app not subscribed to an event",
			seed: func(w *world) {
				events := appYAML().Events
				w.sb.GitHub.SetAppEvents(w.sb.App.ID, slices.DeleteFunc(events, func(e string) bool { return e == "pull_request_review" }))
			},
			say: []string{"✗ app settings: the event pull_request_review is not subscribed: commsgate never hears of it", "fix: on the app's settings page (", "subscribe to the event pull_request_review"}},
		{name: "a policy that does not load",
			files: map[string]string{".github/commsgate.yml": brokenPolicy},
			say:   []string{"✗ example/comms: .github/commsgate.yml line 1:", "fix: correct .github/commsgate.yml on main"}},
		{name: "a publish secret the server lacks",
			seed: func(w *world) { delete(w.cfg.Publish.Secrets, "status-page") },
			say:  []string{`✗ example/comms: target status-page names secret "status-page", which the server configuration does not define`, "fix: define publish.secrets.status-page"}},
		{name: "a secret of the wrong kind",
			seed: func(w *world) {
				s := w.cfg.Publish.Secrets["slack-announce"]
				s.Kind = config.SecretWebhook
				w.cfg.Publish.Secrets["slack-announce"] = s
			},
			say: []string{`target slack-announce needs a slack secret, but "slack-announce" is a webhook secret`}},
		{name: "an issue target the installation cannot reach",
			files: map[string]string{".github/commsgate.yml": strings.Replace(sandbox.Policy(false), "repo: example/announce", "repo: elsewhere/announce", 1)},
			say:   []string{"target announce posts to elsewhere/announce, which this installation cannot reach", "fix: install commsgate on elsewhere/announce"}},
		{name: "a team that does not exist",
			files: map[string]string{".github/commsgate.yml": strings.Replace(sandbox.Policy(false), "example/steering-committee", "example/steering", 1)},
			say:   []string{"✗ example/comms: team example/steering does not exist, or the app cannot see it"}},
		{name: "a team without access to the repository",
			files: map[string]string{".github/commsgate.yml": strings.Replace(sandbox.Policy(false), "example/contribex-comms", "example/outsiders", 1)},
			seed:  func(w *world) { w.sb.GitHub.CreateTeam("example/outsiders", "olga") },
			say:   []string{"✗ example/comms: team example/outsiders has no access to example/comms", "fix: give example/outsiders read access"}},
		{name: "an unprotected branch",
			seed: func(w *world) { w.sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main") },
			say:  []string{"✗ example/comms: `commsgate/template` is not required", "✗ example/comms: `commsgate/approval` is not required"}},
		{name: "checks required from any source",
			seed: func(w *world) {
				w.sb.GitHub.ProtectBranch(sandbox.CommsRepo, "main", report.CheckTemplate, report.CheckApproval)
			},
			say: []string{"`commsgate/approval` is required from any source (branch protection)", "fix: require `commsgate/approval` with commsgate as its source"}},
		{name: "a check required from another app",
			seed: func(w *world) {
				w.sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main",
					githubfake.AppCheck(report.CheckTemplate, w.sb.App.ID), githubfake.AppCheck(report.CheckApproval, 4242))
			},
			say: []string{"`commsgate/approval` is required from app id 4242 (branch protection), not from commsgate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.files)
			if tt.seed != nil {
				tt.seed(w)
			}
			r, text := w.examine(t)
			if r.Failures() == 0 {
				t.Fatalf("no failure found:\n%s", text)
			}
			for _, s := range tt.say {
				if !strings.Contains(text, s) {
					t.Errorf("report does not say %q:\n%s", s, text)
				}
			}
		})
	}
}
