package main

import (
	"bytes"
	"strings"
	"testing"
)

const previewNotice = "../../testdata/repo/comms/2027-03-09-legacy-registry-freeze.md"

// exampleNow is when the examples in testdata/repo were written; tests
// judge their schedules as of then, so they pass on any day.
const exampleNow = "2027-01-10T09:00:00Z"

// TestPreviewGolden: each channel prints what its publisher would send,
// from the same renderers, under the repository's policy.
func TestPreviewGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"preview-issue.md", []string{previewNotice, "--channel", "issue"}},
		{"preview-email.txt", []string{"--channel", "dev-list", previewNotice}},
		{"preview-email-html.html", []string{previewNotice, "--channel", "email", "--part", "html"}},
		{"preview-slack.json", []string{previewNotice, "--channel", "slack-announce"}},
		{"preview-webhook.json", []string{previewNotice, "--channel", "webhook"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// As of when the example was written: it does not expire.
			if code := runPreview(append(tt.args, "--now", exampleNow), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d; stderr: %s", code, stderr.String())
			}
			golden(t, tt.golden, stdout.Bytes())
		})
	}
}

// TestPreviewIssueTitleGoesToStderr: stdout is the body alone, so it can be
// piped; the title is still shown.
func TestPreviewIssueTitleGoesToStderr(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runPreview([]string{previewNotice, "--channel", "announce", "--now", exampleNow}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := stderr.String(); got != "title: [Action Required] The legacy image registry freezes on 2027-06-15\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestPreviewUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		exit   int
		stderr string
	}{
		{"help", []string{"--help"}, 0, ""},
		{"help after path", []string{previewNotice, "-h"}, 0, ""},
		{"no file", []string{"--channel", "issue"}, 2, "give the FILE to preview"},
		{"stray argument", []string{previewNotice, "extra", "--channel", "issue"}, 2, `unexpected argument "extra"; preview takes exactly one FILE`},
		{"no channel", []string{previewNotice}, 2, "--channel is required"},
		{"unknown channel", []string{previewNotice, "--channel", "twitter"}, 2, "the policy's targets are announce, dev-list, slack-announce, status-page"},
		{"part for slack", []string{previewNotice, "--channel", "slack", "--part", "text"}, 2, "--part only applies to email"},
		{"unknown flag", []string{previewNotice, "--chanel", "issue"}, 2, "flag provided but not defined"},
		{"template errors", []string{"../../testdata/invalid/raw-html.md", "--config", examplePolicy, "--channel", "issue"}, 1, "has 1 template errors and would not be published"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runPreview(tt.args, &stdout, &stderr); code != tt.exit {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.exit, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tt.stderr, stderr.String())
			}
			if tt.exit == 0 && !strings.HasPrefix(stdout.String(), "usage: commsgate preview") {
				t.Errorf("--help should print the usage on stdout, got %q", stdout.String())
			}
		})
	}
}
