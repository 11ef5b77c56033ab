package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A policy file named on the command line is checked as a policy, with
// its findings at their lines, not as a communication without front
// matter.
func TestCheckPolicyFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := runCheck([]string{"../../testdata/policies/broken-schedule.yml"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr.String())
	}
	golden(t, "check-policy-file.txt", stdout.Bytes())
	if strings.Contains(stdout.String(), "front-matter") {
		t.Errorf("the policy was checked as a communication:\n%s", stdout.String())
	}

	stdout.Reset()
	if code := runCheck([]string{examplePolicy}, &stdout, &stderr); code != 0 {
		t.Fatalf("the example policy: exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.HasSuffix(stdout.String(), " in 1 file\n") {
		t.Errorf("the summary does not count the policy file:\n%s", stdout.String())
	}
}

// Checking nothing is not a clean result: a CI job pointed at the wrong
// folder would otherwise stay green forever.
func TestCheckNothingFoundFails(t *testing.T) {
	empty := t.TempDir()
	for _, args := range [][]string{
		{empty},
		{"../../testdata/repo/.github"},
		{"--format", "json", empty},
	} {
		var stdout, stderr bytes.Buffer
		if code := runCheck(args, &stdout, &stderr); code != 1 {
			t.Errorf("check %v: exit %d, want 1", args, code)
		}
		if !strings.Contains(stderr.String(), "no communications found in ") {
			t.Errorf("check %v does not say it found nothing:\n%s", args, stderr.String())
		}
	}
}

// Outside a repository with a policy file, check says it falls back to
// the built-in defaults; inside one, it says nothing of the sort.
func TestCheckSaysWhenItUsesDefaults(t *testing.T) {
	dir := t.TempDir()
	notice, err := os.ReadFile("../../testdata/repo/comms/2027-01-26-contributor-summit.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notice.md"), notice, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	runCheck([]string{filepath.Join(dir, "notice.md")}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "using the built-in defaults") {
		t.Errorf("no word of the defaults:\n%s", stderr.String())
	}
	for _, args := range [][]string{
		{"--now", "2027-01-10T09:00:00Z", "../../testdata/repo"},
		{"--config", examplePolicy, filepath.Join(dir, "notice.md")},
	} {
		stderr.Reset()
		runCheck(args, &stdout, &stderr)
		if strings.Contains(stderr.String(), "defaults") {
			t.Errorf("check %v mentions defaults although a policy was found:\n%s", args, stderr.String())
		}
	}
}

// Flags may follow the paths.
func TestCheckFlagsAfterPaths(t *testing.T) {
	var before, after, stderr bytes.Buffer
	if code := runCheck([]string{"--format", "json", "--now", "2027-01-10T09:00:00Z", "../../testdata/repo"}, &before, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := runCheck([]string{"../../testdata/repo", "--format", "json", "--now", "2027-01-10T09:00:00Z"}, &after, &stderr); code != 0 {
		t.Fatalf("flags after the path: exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) || !strings.HasPrefix(after.String(), "{") {
		t.Errorf("flags after the path were not applied:\n%.300s", after.String())
	}
}

// check reads the files the app would check, by the same definition
// (policy.ClassifyPath), and warns about files in the communications
// folder that are not communications instead of skipping them silently.
func TestCheckUsesTheAppsDefinitionOfACommunication(t *testing.T) {
	dir := t.TempDir()
	policyFile, err := os.ReadFile(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	notice, err := os.ReadFile("../../testdata/repo/comms/2027-01-26-contributor-summit.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		".github/commsgate.yml":        policyFile,
		"comms/2027-01-26-summit.md":   notice,
		"comms/sub/2027-01-26-b.MD":    notice,
		"comms/README.md":              []byte("# Communications\n"),
		"comms/2027-01-26-draft.txt":   notice,
		"comms/.gitkeep":               nil,
		"docs/2027-01-26-elsewhere.md": notice,
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	if code := runCheck([]string{"--now", "2027-01-10T09:00:00Z", "."}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"comms/README.md:1:1: warning: not checked: a README.md explains the folder",
		"comms/2027-01-26-draft.txt:1:1: warning: not checked: only .md files are communications",
		"\ncomms/2027-01-26-summit.md\n",
		"\ncomms/sub/2027-01-26-b.MD\n",
		"0 errors, 2 warnings in 2 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{".gitkeep", "elsewhere"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("output mentions %s:\n%s", unwanted, out)
		}
	}

	// Named outside the folder: the app would never check it, so neither
	// does check, and it says why.
	stdout.Reset()
	stderr.Reset()
	if code := runCheck([]string{"docs/2027-01-26-elsewhere.md"}, &stdout, &stderr); code != 1 {
		t.Errorf("a file outside the folder: exit %d, want 1 (nothing checked)", code)
	}
	if !strings.Contains(stdout.String(), "it is outside the communications folder comms/") || !strings.Contains(stderr.String(), "no communications found") {
		t.Errorf("no explanation:\n%s%s", stdout.String(), stderr.String())
	}
}
