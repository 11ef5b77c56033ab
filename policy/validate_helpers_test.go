package policy

import (
	"fmt"
	"strings"
	"testing"
)

// testRules is the default policy with the SIGs and channels the example
// documents in testdata/repo/comms use.
func testRules() *Rules {
	r := DefaultRules()
	for _, sig := range []string{"sig-release", "sig-node", "sig-auth", "sig-security", "sig-contribex", "sig-k8s-infra"} {
		r.SIGs[sig] = "example/" + sig + "-leads"
	}
	r.Targets = map[string]Target{
		"announce":       {Name: "announce", Kind: TargetGitHubIssue, Repo: "example/announcements"},
		"dev-list":       {Name: "dev-list", Kind: TargetEmail, To: "dev@example.org", Secret: "smtp"},
		"slack-announce": {Name: "slack-announce", Kind: TargetSlack, Secret: "slack"},
		"status-page":    {Name: "status-page", Kind: TargetWebhook, Secret: "status"},
	}
	return r
}

// check parses and validates content with testRules.
func check(content string) []Finding {
	doc, findings := ParseDocument("comms/test.md", []byte(content))
	return append(findings, ValidateDocument(doc, testRules())...)
}

func formatFindings(findings []Finding) string {
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintln(&b, "  ", f.String())
	}
	return b.String()
}

func requireNoFindings(t *testing.T, findings []Finding) {
	t.Helper()
	if len(findings) > 0 {
		t.Fatalf("want no findings, got:\n%s", formatFindings(findings))
	}
}
