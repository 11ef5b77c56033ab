package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./cmd/commsgate -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

const examplePolicy = "../../testdata/repo/.github/commsgate.yml"

func TestCheckGolden(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantExit int
	}{
		{"valid-repo.txt", []string{"--now", "2027-01-10T09:00:00Z", "../../testdata/repo"}, 0},
		{"valid-repo.json", []string{"--now", "2027-01-10T09:00:00Z", "--format", "json", "../../testdata/repo"}, 0},
		{"invalid.txt", []string{"--config", examplePolicy, "--now", "2027-01-10T09:00:00Z", "../../testdata/invalid"}, 1},
		{"invalid-github.txt", []string{"--config", examplePolicy, "--now", "2027-01-10T09:00:00Z", "--format", "github", "../../testdata/invalid/many-problems.md"}, 1},
		{"broken-policy.txt", []string{"--config", "../../testdata/policies/broken-review.yml", "../../testdata/repo/comms"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runCheck(tt.args, &stdout, &stderr)
			if code != tt.wantExit {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantExit, stderr.String())
			}
			golden(t, "check-"+tt.name, stdout.Bytes())
		})
	}
}

func TestCheckFindsRepositoryPolicy(t *testing.T) {
	// Without --config the policy of the repository holding the path is
	// used: the example's SIGs and channels are unknown to the defaults,
	// so a wrong lookup would report unknown-sig findings.
	var stdout, stderr bytes.Buffer
	code := runCheck([]string{"--now", "2027-01-10T09:00:00Z", "../../testdata/repo/comms"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, output:\n%s%s", code, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String(), "unknown-sig") {
		t.Fatalf("the repository's policy was not used:\n%s", stdout.String())
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--format", "xml", "x.md"},
		{"--now", "2027-02-01 09:00", "x.md"},
		{"does-not-exist.md"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runCheck(args, &stdout, &stderr); code != 2 {
			t.Errorf("runCheck(%q) = %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("runCheck(%q) printed no explanation", args)
		}
	}
}

func TestNewDraftIsFlaggedUntilFilledIn(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	policy, err := os.ReadFile(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "commsgate.yml"), policy, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	if code := runNew([]string{"deprecation", "--title", "Legacy registry freeze", "--sigs", "sig-release"}, &stdout, &stderr); code != 0 {
		t.Fatalf("new: exit %d: %s", code, stderr.String())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "comms", "*.md"))
	if len(matches) != 1 {
		t.Fatalf("want one draft in comms/, got %v", matches)
	}
	stdout.Reset()
	if code := runCheck([]string{matches[0]}, &stdout, &stderr); code != 1 {
		t.Fatalf("a fresh draft must fail the check until filled in; exit %d:\n%s", code, stdout.String())
	}
	if !strings.Contains(stdout.String(), "[placeholder]") {
		t.Fatalf("the draft's guidance should be reported as placeholders:\n%s", stdout.String())
	}
	// A second draft with the same title must not overwrite the first.
	if code := runNew([]string{"deprecation", "--title", "Legacy registry freeze"}, &stdout, &stderr); code != 1 {
		t.Fatalf("overwriting an existing draft: exit %d, want 1", code)
	}
}

// `schema` prints the front matter's schema, `schema --policy` the policy
// file's; stray arguments and meaningless combinations are usage errors.
func TestSchemaCommand(t *testing.T) {
	t.Chdir("../../testdata/repo")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string // in stdout when code is 0, else in stderr
	}{
		{"front matter", nil, 0, `"commsgate communication"`},
		{"policy file", []string{"--policy"}, 0, `"commsgate repository policy"`},
		{"help", []string{"--help"}, 0, "schema --policy > .github/commsgate.schema.json"},
		{"stray argument", []string{"comms/"}, 2, `unexpected argument "comms/"`},
		{"stray argument after --policy", []string{"--policy", "x"}, 2, `unexpected argument "x"`},
		{"--policy with --config", []string{"--policy", "--config", ".github/commsgate.yml"}, 2, "same for every repository"},
		{"unknown flag", []string{"--draft"}, 2, "-draft"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runSchema(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			out := stderr.String()
			if tc.name == "help" {
				out = stdout.String()
			} else if code == 0 {
				out = stdout.String()
				if !json.Valid(stdout.Bytes()) {
					t.Errorf("not JSON:\n%.400s", out)
				}
			}
			if !strings.Contains(out, tc.contains) {
				t.Errorf("output lacks %q:\n%.600s", tc.contains, out)
			}
		})
	}
}

// The policy schema the command prints is the one checked in next to the
// example policy, which names it on its first line.
func TestPolicySchemaMatchesTheExample(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runSchema([]string{"--policy"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want, err := os.ReadFile("../../testdata/repo/.github/commsgate.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), want) {
		t.Error("testdata/repo/.github/commsgate.schema.json is stale; run go test ./config -run TestRepoPolicySchemaGolden -update")
	}
}

func TestSchemaPrintsJSON(t *testing.T) {
	t.Chdir("../../testdata/repo")
	var stdout, stderr bytes.Buffer
	if code := runSchema(nil, &stdout, &stderr); code != 0 {
		t.Fatalf("schema: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"security-advisory"`) || !strings.Contains(stdout.String(), "sig-k8s-infra") {
		t.Fatalf("schema lacks the repository's types or SIGs:\n%.400s", stdout.String())
	}
}
