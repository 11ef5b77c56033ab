package config

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/policy"
)

var updatePolicyGolden = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestExamplePolicy loads the test repository's policy, which every other
// test suite uses, and checks it is clean and resolves as written.
func TestExamplePolicy(t *testing.T) {
	rules, findings := parsePolicyFile(t, "../testdata/repo/.github/commsgate.yml")
	if len(findings) != 0 {
		t.Fatalf("the example policy has findings:\n%s", renderFindings(findings))
	}
	wantGroups := map[string]policy.Group{
		"comms":    {Name: "comms", Team: "example/contribex-comms", Count: 1},
		"security": {Name: "security", Team: "example/security-leads", Count: 1, EmbargoTeam: "example/security-response-committee"},
		"steering": {Name: "steering", Team: "example/steering-committee", Majority: true},
	}
	for name, want := range wantGroups {
		if got := rules.Groups[name]; got != want {
			t.Errorf("group %s = %+v, want %+v", name, got, want)
		}
	}
	for _, sig := range []string{"sig-release", "sig-node", "sig-auth", "sig-security", "sig-contribex", "sig-k8s-infra"} {
		if got, want := rules.SIGs[sig], "example/"+sig+"-leads"; got != want {
			t.Errorf("SIG %s team = %q, want %q", sig, got, want)
		}
	}
	wantTargets := map[string]policy.Target{
		"announce":       {Name: "announce", Kind: policy.TargetGitHubIssue, Repo: "example/announce", Labels: []string{"announcement"}},
		"dev-list":       {Name: "dev-list", Kind: policy.TargetEmail, To: "dev@example.org", Secret: "smtp"},
		"slack-announce": {Name: "slack-announce", Kind: policy.TargetSlack, Secret: "slack-announce"},
		"status-page":    {Name: "status-page", Kind: policy.TargetWebhook, Secret: "status-page"},
	}
	if len(rules.Targets) != len(wantTargets) {
		t.Errorf("targets = %v, want exactly %v", slices.Sorted(maps.Keys(rules.Targets)), slices.Sorted(maps.Keys(wantTargets)))
	}
	for name, want := range wantTargets {
		got := rules.Targets[name]
		if got.Name != want.Name || got.Kind != want.Kind || got.Repo != want.Repo || got.To != want.To ||
			got.Secret != want.Secret || strings.Join(got.Labels, ",") != strings.Join(want.Labels, ",") {
			t.Errorf("target %s = %+v, want %+v", name, got, want)
		}
	}
	wantBlackout := policy.Blackout{
		From:   time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC),
		To:     time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC),
		Reason: "end-of-year break",
	}
	if b := rules.Schedule.Blackouts; len(b) != 1 || !b[0].From.Equal(wantBlackout.From) || !b[0].To.Equal(wantBlackout.To) || b[0].Reason != wantBlackout.Reason {
		t.Errorf("blackouts = %+v, want [%+v]", b, wantBlackout)
	}
	if rules.FollowUp.After != 14*24*time.Hour || !rules.FollowUp.Enabled {
		t.Errorf("follow-up = %+v, want enabled after 14 days", rules.FollowUp)
	}
	if banner, ok := rules.Types["banner"]; !ok || banner.MinTier != 2 || len(banner.Fields) != 1 || banner.Fields[0].Kind != policy.KindInstant {
		t.Errorf("banner type = %+v, want min tier 2 with an instant field", banner)
	}
	if len(rules.Types) != len(policy.DefaultTypes())+1 {
		t.Errorf("types = %v, want the built-ins plus banner", slices.Sorted(maps.Keys(rules.Types)))
	}
}

// TestMinimalPolicy: a file that only names teams keeps every default and
// needs nothing else.
func TestMinimalPolicy(t *testing.T) {
	rules, findings := parsePolicyFile(t, "../testdata/policies/minimal.yml")
	if len(findings) != 0 {
		t.Fatalf("the minimal policy has findings:\n%s", renderFindings(findings))
	}
	defaults := policy.DefaultRules()
	if !rules.Groups["steering"].Majority {
		t.Errorf("steering lost its default majority quorum when only its team was set: %+v", rules.Groups["steering"])
	}
	if len(rules.Tiers) != len(defaults.Tiers) || len(rules.Types) != len(defaults.Types) {
		t.Errorf("tiers %v / types %v differ from the defaults", rules.Tiers, slices.Sorted(maps.Keys(rules.Types)))
	}
	if rules.CommsPath != "comms/" || rules.RequestReviews != "staged" || rules.MergeMethod != "merge" || rules.AutoMerge {
		t.Errorf("settings differ from the defaults: %+v", rules)
	}
	if rules.Schedule.MaxEmbargo != defaults.Schedule.MaxEmbargo || len(rules.Schedule.Windows) != 1 {
		t.Errorf("schedule differs from the defaults: %+v", rules.Schedule)
	}
}

// TestBrokenPolicies renders every finding of each broken policy and
// compares it with a golden file, so the wording reviewers read is reviewed
// too. Run with -update to rewrite the golden files after a deliberate change.
func TestBrokenPolicies(t *testing.T) {
	files, err := filepath.Glob("../testdata/policies/broken-*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken policies found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yml")
		t.Run(name, func(t *testing.T) {
			_, findings := parsePolicyFile(t, file)
			if !policy.HasErrors(findings) {
				t.Fatalf("%s has no error finding", file)
			}
			got := renderFindings(findings)
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *updatePolicyGolden {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test ./config -run TestBrokenPolicies -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s:\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

func parsePolicyFile(t *testing.T, file string) (*policy.Rules, []policy.Finding) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rules, findings := ParseRepoPolicy(filepath.Base(file), data)
	if rules == nil && !policy.HasErrors(findings) {
		t.Fatalf("%s: no rules and no error finding", file)
	}
	return rules, findings
}

// TestEveryRuleIsDocumented keeps REPO_POLICY.md's rule table complete.
func TestEveryRuleIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("REPO_POLICY.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("repopolicy_rules.go")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(string(src), "\n") {
		if _, quoted, ok := strings.Cut(line, `= "`); ok {
			ids = append(ids, strings.TrimSuffix(strings.TrimSpace(quoted), `"`))
		}
	}
	if len(ids) < 40 {
		t.Fatalf("found only %d rule ids in repopolicy_rules.go", len(ids))
	}
	for _, id := range ids {
		if !strings.Contains(string(doc), "`"+id+"`") {
			t.Errorf("rule %s is not documented in REPO_POLICY.md", id)
		}
	}
}
