package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/policy"
)

const checkUsage = `usage: commsgate check [--config FILE] [--now INSTANT] [--format text|json|github] PATH...
       commsgate check [--format …] --changed-from REF ROOT

Lints communications like a compiler: one line per finding,
PATH:LINE:COL: SEVERITY: MESSAGE [RULE], then each document's tier,
stages and publish_at in every configured time zone.

PATH is a file or a folder: its communications, recursively (.md files
other than README.md, as the app decides; in a repository root, only the
communications folder). Other files in the folder get a warning. A .yml
or .yaml file is checked as a policy file. Finding no communication at
all is an error. Flags may follow the paths.

With --changed-from REF and the repository root, only the communications
changed since REF are checked, as the app checks a pull request: what a
CI job on every pull request wants, since published notices keep a
publish_at in the past.

The policy is --config, else the .github/commsgate.yml of the repository
that holds the first PATH, else the built-in defaults (said on stderr).
Exit status: 0 clean, 1 errors found or nothing to check, 2 usage.
`

// runCheck is `commsgate check`.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml)")
	nowFlag := fset.String("now", "", "evaluate as of this RFC 3339 instant (default: the current time)")
	format := fset.String("format", "text", "output format: text, json or github")
	changedFrom := fset.String("changed-from", "", "check only the communications changed since this git ref (PATH must be the repository root), as the app does on a pull request")
	paths, code, ok := parseArgs(fset, checkUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return usageError(stderr, "check", "give a PATH to check: a communication, a folder, or a repository root (e.g. commsgate check .)")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return usageError(stderr, "check", "%v", err)
	}
	if *format != "text" && *format != "json" && *format != "github" {
		return usageError(stderr, "check", "--format must be text, json or github, not %q", *format)
	}

	if *changedFrom != "" && len(paths) != 1 {
		return usageError(stderr, "check", "--changed-from takes one PATH, the repository root (e.g. commsgate check --changed-from origin/main .)")
	}
	result, err := checkPaths(paths, *configPath, *changedFrom, now, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate check: %v\n", err)
		return 2
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(result.jsonView()); err != nil {
			fmt.Fprintf(stderr, "commsgate check: %v\n", err)
			return 2
		}
	case "github":
		result.writeGitHub(stdout)
	default:
		result.writeText(stdout)
	}
	if result.errors() > 0 {
		return 1
	}
	if result.nothingChecked() {
		// A wrong path or a misplaced folder must not pass as "clean": a
		// CI job that checks nothing would stay green forever.
		fmt.Fprintf(stderr, "commsgate check: no communications found in %s (a communication is a .md file other than README.md in the policy's communications folder)\n", strings.Join(paths, ", "))
		return 1
	}
	return 0
}

// checkPaths checks every path: policy files named on the command line as
// policies, everything else as communications under the policy found for
// them. It says on stderr when that policy is the built-in defaults,
// because then the repository's SIGs, channels and types are unknown and
// the findings differ from what the app reports.
func checkPaths(paths []string, configPath, changedFrom string, now time.Time, stderr io.Writer) (checkResult, error) {
	result := checkResult{ChangedFrom: changedFrom}
	var docPaths []string
	for _, p := range paths {
		if !isPolicyFile(p) {
			docPaths = append(docPaths, p)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return result, fmt.Errorf("read policy: %w", err)
		}
		_, findings := config.ParseRepoPolicy(filepath.ToSlash(p), data)
		result.PolicyFindings = append(result.PolicyFindings, findings...)
		result.Policies = append(result.Policies, filepath.ToSlash(p))
	}
	if len(docPaths) == 0 {
		return result, nil
	}
	rules, policyFindings, root, err := loadCheckPolicy(configPath, docPaths[0])
	if err != nil {
		return result, err
	}
	if rules != nil && configPath == "" && root == "" {
		fmt.Fprintf(stderr, "commsgate check: no .github/commsgate.yml above %s and no --config: using the built-in defaults, which know none of your repository's SIGs, channels or types\n", docPaths[0])
	}
	result.PolicyFindings = append(result.PolicyFindings, policyFindings...)
	result.PolicyBroken = rules == nil
	if rules == nil {
		return result, nil
	}
	var files []checkFile
	var skipped []policy.Finding
	if changedFrom != "" {
		if root == "" || !sameDir(docPaths[0], root) {
			return result, fmt.Errorf("--changed-from needs the repository root as its PATH, the folder holding .github/commsgate.yml; %s is not one", docPaths[0])
		}
		files, skipped, err = changedCommunications(root, docPaths[0], changedFrom, rules)
		if err == nil && len(files) == 0 {
			fmt.Fprintf(stderr, "commsgate check: no communication changed since %s\n", changedFrom)
		}
	} else {
		files, skipped, err = collectFiles(docPaths, root, rules)
	}
	if err != nil {
		return result, err
	}
	result.Skipped = skipped
	for _, f := range files {
		content, err := os.ReadFile(f.disk)
		if err != nil {
			return result, err
		}
		result.add(f.shown, policy.CheckDocument(f.shown, content, rules, now), rules)
	}
	return result, nil
}

// isPolicyFile tells a policy file named on the command line from a
// communication: communications are markdown, the policy is YAML.
func isPolicyFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// parseNow reads --now; empty means the current time.
func parseNow(flagValue string) (time.Time, error) {
	if flagValue == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, flagValue)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now %q is not an RFC 3339 instant (e.g. 2027-02-16T16:00:00Z)", flagValue)
	}
	return t, nil
}

// loadCheckPolicy finds and loads the policy. A broken policy is reported
// as findings of its own file, like any other, and stops the document
// checks (their results would be judged by rules that do not hold).
func loadCheckPolicy(explicit, firstPath string) (*policy.Rules, []policy.Finding, string, error) {
	path := explicit
	root := ""
	if path == "" {
		root = findRepoRoot(firstPath)
		if root != "" {
			path = filepath.Join(root, filepath.FromSlash(".github/commsgate.yml"))
		}
	}
	if path == "" {
		return policy.DefaultRules(), nil, "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, "", fmt.Errorf("read policy: %w", err)
	}
	rules, findings := config.ParseRepoPolicy(filepath.ToSlash(path), data)
	if rules == nil || policy.HasErrors(findings) {
		return nil, findings, root, nil
	}
	return rules, findings, root, nil
}

// findRepoRoot walks up from path to the folder holding
// .github/commsgate.yml.
func findRepoRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".github", "commsgate.yml")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}
