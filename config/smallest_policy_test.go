package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// markedYAML returns the yaml code block between <!-- NAME --> and
// <!-- /NAME --> in a markdown file, dedented, without comment lines.
func markedYAML(t *testing.T, path, name string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- "+name+" -->")
	block, _, closed := strings.Cut(rest, "<!-- /"+name+" -->")
	if !ok || !closed {
		t.Fatalf("%s has no <!-- %s --> … <!-- /%s --> block", path, name, name)
	}
	var out []string
	indent := ""
	for _, line := range strings.Split(block, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```yaml") {
			indent = line[:strings.Index(line, "`")]
			continue
		}
		if trimmed == "" || trimmed == "```" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		out = append(out, strings.TrimPrefix(line, indent))
	}
	return strings.Join(out, "\n") + "\n"
}

// withoutComments drops the comment lines of a YAML file.
func withoutComments(data string) string {
	var out []string
	for _, line := range strings.Split(data, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

const smallestPolicyNotice = `---
title: Release cadence survey is open
summary: >-
  Contributors are asked to answer a five-minute survey on the release
  cadence by 2027-03-30.
type: announcement
sigs: [sig-release]
audience: [contributors]
priority: feedback-appreciated
channels: [announce]
publish_at: 2027-03-09T16:00:00Z
contacts: [alice]
---

## Summary

SIG Release asks every contributor to answer a five-minute survey on the
release cadence before 2027-03-30.

## Contact

Questions go to https://github.com/example/community/issues/1200.
`

// The README's "smallest useful policy" must be useful: loaded as it is
// shown, a well-formed notice passes with it. REPO_POLICY.md and
// testdata/policies/minimal.yml show the same file.
func TestSmallestPolicyPassesANotice(t *testing.T) {
	snippet := markedYAML(t, "../README.md", "smallest-policy")
	if other := markedYAML(t, "REPO_POLICY.md", "smallest-policy"); other != snippet {
		t.Errorf("REPO_POLICY.md's smallest file differs from the README's:\n%s\nvs\n%s", other, snippet)
	}
	minimal, err := os.ReadFile("../testdata/policies/minimal.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := withoutComments(string(minimal)); got != snippet {
		t.Errorf("testdata/policies/minimal.yml differs from the README's smallest file:\n%s\nvs\n%s", got, snippet)
	}
	rules, findings := ParseRepoPolicy(".github/commsgate.yml", []byte(snippet))
	if rules == nil || len(findings) > 0 {
		t.Fatalf("the smallest policy does not load cleanly:\n%s\n%v", snippet, findings)
	}
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	check := policy.CheckDocument("comms/2027-03-09-release-cadence-survey.md", []byte(smallestPolicyNotice), rules, now)
	for _, f := range check.Findings {
		t.Errorf("finding under the smallest policy: %s", f)
	}
}
