package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const exampleWorkflow = "../../testdata/repo/.github/workflows/commsgate-check.yml"

type workflowStep struct {
	Name string            `yaml:"name"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// workflowSteps reads the steps of every job of the example workflow.
func workflowSteps(t *testing.T) []workflowStep {
	data, err := os.ReadFile(exampleWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []workflowStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s is not YAML: %v", exampleWorkflow, err)
	}
	var steps []workflowStep
	for _, job := range wf.Jobs {
		steps = append(steps, job.Steps...)
	}
	return steps
}

// shellWords splits a simple command line as sh would: words separated by
// spaces, double quotes keeping spaces inside a word, $NAME expanded from
// env. Anything that needs a real shell fails the test.
func shellWords(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	if strings.ContainsAny(line, "'`|;&<>()\\") {
		t.Fatalf("the command %q needs a real shell; keep it one plain command", line)
	}
	var words []string
	var word strings.Builder
	inWord, quoted := false, false
	flush := func() {
		w := word.String()
		if name, ok := strings.CutPrefix(w, "$"); ok {
			v, set := env[name]
			if !set {
				t.Fatalf("the command %q uses $%s, which the test does not know", line, name)
			}
			w = v
		}
		words = append(words, w)
		word.Reset()
		inWord = false
	}
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				flush()
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %q", line)
	}
	if inWord {
		flush()
	}
	return words
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.test", "-c", "commit.gpgsign=false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// The workflow authors copy installs commsgate from this module and runs
// a check command that passes on the example repository: here a pull
// request that adds every example notice to a repository holding only the
// policy, checked in-process by the workflow's own command line.
func TestExampleWorkflowChecksThePullRequest(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	var install, check *workflowStep
	steps := workflowSteps(t)
	for i, s := range steps {
		switch {
		case strings.Contains(s.Run, "go install"):
			install = &steps[i]
		case strings.Contains(s.Run, "commsgate check"):
			check = &steps[i]
		}
	}
	if install == nil || check == nil {
		t.Fatalf("the workflow lacks an install step or a commsgate check step: %+v", steps)
	}
	if !strings.Contains(install.Run, "go install "+modulePath(t)+"/cmd/commsgate@") {
		t.Errorf("the install step %q does not install this module's command (%s/cmd/commsgate)", install.Run, modulePath(t))
	}

	// A repository whose base holds the policy; the pull request adds the notices.
	repo := t.TempDir()
	copyTree(t, "../../testdata/repo", repo)
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", ".github")
	git(t, repo, "commit", "-q", "-m", "policy")
	git(t, repo, "checkout", "-q", "-b", "notices")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "notices")

	line := strings.TrimSpace(check.Run)
	if strings.Contains(line, "\n") {
		t.Fatalf("the check step runs several lines; keep it one command: %q", line)
	}
	words := shellWords(t, line, map[string]string{"BASE": "main"})
	if words[0] != "commsgate" || words[1] != "check" || !strings.Contains(line, "--format github") {
		t.Fatalf("the check step %q is not commsgate check --format github", line)
	}
	// The examples are dated early 2027; judge them as of when they were
	// written, as every test of them does.
	args := append(words[1:], "--now", "2027-01-10T09:00:00Z")
	t.Chdir(repo)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String(), "::error") {
		t.Errorf("annotations on the examples:\n%s", stdout.String())
	}

	// The same command on a pull request that breaks a notice fails, with
	// an annotation at the line; on one that changes no notice it passes.
	notice := filepath.Join("comms", "2027-01-26-contributor-summit.md")
	content, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notice, bytes.Replace(content, []byte("priority: feedback-appreciated"), []byte("priority: urgent"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, repo, "commit", "-q", "-am", "break a notice")
	stdout.Reset()
	args = append(shellWords(t, line, map[string]string{"BASE": "HEAD~1"})[1:], "--now", "2027-01-10T09:00:00Z")
	if code := run(context.Background(), args, &stdout, &stderr); code != 1 {
		t.Errorf("a broken notice: exit %d, want 1\n%s", code, stdout.String())
	}
	// Paths relative to the repository root, which GitHub attaches to the diff.
	if !strings.Contains(stdout.String(), "::error file=comms/2027-01-26-contributor-summit.md,line=9,") {
		t.Errorf("no annotation at the broken line:\n%s", stdout.String())
	}
	stdout.Reset()
	args = append(shellWords(t, line, map[string]string{"BASE": "HEAD"})[1:], "--now", "2027-01-10T09:00:00Z")
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Errorf("no notice changed: exit %d, want 0\n%s", code, stdout.String())
	}
}

func modulePath(t *testing.T) string {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, "module "))
}

func copyTree(t *testing.T, from, to string) {
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dest := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dest, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dest, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
