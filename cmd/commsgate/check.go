package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/policy"
)

const checkUsage = `usage: commsgate check [--config FILE] [--now INSTANT] [--format text|json|github] PATH...

Lints communications like a compiler: one line per finding,
PATH:LINE:COL: SEVERITY: MESSAGE [RULE], then each document's tier,
stages and publish_at in every configured time zone.

PATH is a file or a folder (its .md files, recursively; in a repository
root, only the communications folder). Flags may follow the paths.
The policy is --config, else the
.github/commsgate.yml of the repository that holds the first PATH, else
the built-in defaults. Exit status: 0 clean, 1 errors found, 2 usage.
`

// runCheck is `commsgate check`.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml)")
	nowFlag := fset.String("now", "", "evaluate as of this RFC 3339 instant (default: the current time)")
	format := fset.String("format", "text", "output format: text, json or github")
	paths, code, ok := parseArgs(fset, checkUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return usageError(stderr, "check", "give a PATH to check: a communication, a folder, or a repository root (e.g. commsgate check .)")
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageError(stderr, "check", "--now %q is not an RFC 3339 instant (e.g. 2027-02-16T16:00:00Z)", *nowFlag)
		}
		now = t
	}
	if *format != "text" && *format != "json" && *format != "github" {
		return usageError(stderr, "check", "--format must be text, json or github, not %q", *format)
	}

	rules, policyFindings, root, err := loadCheckPolicy(*configPath, paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "commsgate check: %v\n", err)
		return 2
	}
	files, err := collectFiles(paths, root, rules)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate check: %v\n", err)
		return 2
	}

	result := checkResult{PolicyFindings: policyFindings}
	if rules != nil {
		for _, f := range files {
			content, err := os.ReadFile(f.disk)
			if err != nil {
				fmt.Fprintf(stderr, "commsgate check: %v\n", err)
				return 2
			}
			result.add(f.shown, policy.CheckDocument(f.shown, content, rules, now), rules)
		}
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
	return 0
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

type checkFile struct {
	disk  string // path to read
	shown string // path as the user gave it, in slashes
}

// collectFiles expands folders into their markdown files. A repository
// root expands to its communications folder only, so its README is not
// linted as a notice.
func collectFiles(paths []string, root string, rules *policy.Rules) ([]checkFile, error) {
	var out []checkFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, checkFile{disk: p, shown: filepath.ToSlash(p)})
			continue
		}
		dir := p
		if rules != nil && root != "" && sameDir(p, root) {
			dir = filepath.Join(p, filepath.FromSlash(rules.CommsPath))
		}
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".md") && !strings.EqualFold(d.Name(), "README.md") {
				out = append(out, checkFile{disk: path, shown: filepath.ToSlash(path)})
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].shown < out[j].shown })
	return out, nil
}

func sameDir(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}
