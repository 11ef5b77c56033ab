package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

type checkFile struct {
	disk  string // path to read
	shown string // path as the user gave it, in slashes
}

// collectFiles picks the communications among paths by the app's own
// definition (policy.ClassifyPath), so check reads exactly the files a
// pull request would have checked. A repository root expands to its
// communications folder. Files in the folder that are not communications
// come back as warnings, and so does a file named on the command line
// that lies outside the folder: either would otherwise pass in silence.
func collectFiles(paths []string, root string, rules *policy.Rules) ([]checkFile, []policy.Finding, error) {
	var files []checkFile
	var skipped []policy.Finding
	consider := func(disk, rel string, named bool) {
		shown := filepath.ToSlash(disk)
		isComm, why := policy.ClassifyPath(rules.CommsPath, rel)
		switch {
		case isComm:
			files = append(files, checkFile{disk: disk, shown: shown})
		case why != "":
			if named || !strings.HasPrefix(filepath.Base(disk), ".") { // .gitkeep and the like are nobody's notice
				skipped = append(skipped, notACommunication(shown, why))
			}
		case named:
			skipped = append(skipped, notACommunication(shown, "it is outside the communications folder "+rules.CommsPath+", so the app never validates or publishes it"))
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !info.IsDir() {
			consider(p, repoRelative(p, root, filepath.Dir(p), rules), true)
			continue
		}
		dir := p
		if root != "" && sameDir(p, root) {
			dir = filepath.Join(p, filepath.FromSlash(rules.CommsPath))
		}
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != dir && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir // .git and the like
				}
				return nil
			}
			consider(path, repoRelative(path, root, dir, rules), false)
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].shown < files[j].shown })
	return files, skipped, nil
}

// repoRelative is the path the app would see for a file: relative to the
// repository root when there is one around it; otherwise the folder being
// checked (base) stands for the communications folder.
func repoRelative(file, root, base string, rules *policy.Rules) string {
	abs, err := filepath.Abs(file)
	if root != "" && err == nil {
		if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	rel, err := filepath.Rel(base, file)
	if err != nil {
		rel = filepath.Base(file)
	}
	return rules.CommsPath + filepath.ToSlash(rel)
}

func notACommunication(file, why string) policy.Finding {
	return policy.Finding{
		File: file, Line: 1, Column: 1, Severity: policy.SeverityWarning, Rule: policy.RuleNotACommunication,
		Message: "not checked: " + why,
	}
}

func sameDir(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}
