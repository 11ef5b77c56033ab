package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// changedCommunications lists the communications changed since ref in the
// repository at root, as the app picks them from a pull request: added or
// modified files (a deleted notice publishes nothing) that are
// communications by policy.ClassifyPath. Changed files in the folder that
// are not communications come back as warnings. Checking only these is
// what lets a workflow run on every pull request: notices published long
// ago stay in the folder with a publish_at in the past, which the schedule
// rules rightly refuse for a notice about to be merged.
func changedCommunications(root, shownRoot, ref string, rules *policy.Rules) ([]checkFile, []policy.Finding, error) {
	// --merge-base compares the work tree with where HEAD left ref, as a
	// pull request's diff does; uncommitted changes to tracked files count.
	cmd := exec.Command("git", "-C", root, "diff", "--name-only", "--diff-filter=d", "--no-renames", "--merge-base", ref, "--")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("--changed-from %s: git diff in %s: %w: %s", ref, root, err, strings.TrimSpace(stderr.String()))
	}
	var files []checkFile
	var skipped []policy.Finding
	for _, rel := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if rel == "" {
			continue
		}
		shown := filepath.ToSlash(filepath.Join(shownRoot, filepath.FromSlash(rel)))
		isComm, why := policy.ClassifyPath(rules.CommsPath, rel)
		switch {
		case isComm:
			files = append(files, checkFile{disk: filepath.Join(root, filepath.FromSlash(rel)), shown: shown})
		case why != "":
			skipped = append(skipped, notACommunication(shown, why))
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].shown < files[j].shown })
	return files, skipped, nil
}
