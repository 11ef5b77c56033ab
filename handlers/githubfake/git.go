package githubfake

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// blobSHA is git's object id for a file's content, so the fake's contents
// and file listings carry the same sha a real repository would.
func blobSHA(content string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write([]byte(content))
	return hex.EncodeToString(h.Sum(nil))
}

// commitSHA derives a commit id from everything that makes the commit
// distinct. The sequence number keeps two identical commits apart; the
// date is left out so ids stay stable across runs with a moving clock.
func commitSHA(parents []string, tree map[string]string, message string, seq int64) string {
	h := sha1.New()
	fmt.Fprintf(h, "seq %d\n", seq)
	for _, p := range parents {
		fmt.Fprintf(h, "parent %s\n", p)
	}
	for _, path := range slices.Sorted(maps.Keys(tree)) {
		fmt.Fprintf(h, "file %s %s\n", path, blobSHA(tree[path]))
	}
	fmt.Fprintf(h, "\n%s", message)
	return hex.EncodeToString(h.Sum(nil))
}

// addCommit records a commit whose tree is parent's tree with files written
// and deleted, and returns it.
func (st *state) addCommit(r *repo, parents []string, files map[string]string, deleted []string, message string, author *user, at time.Time) *commit {
	tree := map[string]string{}
	if len(parents) > 0 {
		if p, ok := r.Commits[parents[0]]; ok {
			maps.Copy(tree, p.Tree)
		}
	}
	maps.Copy(tree, files)
	for _, path := range deleted {
		delete(tree, path)
	}
	c := &commit{
		Parents: slices.Clone(parents),
		Tree:    tree,
		Message: message,
		Author:  author,
		Date:    at,
	}
	c.Seq = st.id()
	c.SHA = commitSHA(c.Parents, tree, message, c.Seq)
	r.Commits[c.SHA] = c
	return c
}

// resolve turns a branch name, "refs/heads/…" or a full or abbreviated
// commit sha into a commit.
func (r *repo) resolve(ref string) (*commit, bool) {
	if ref == "" {
		ref = r.DefaultBranch
	}
	ref = strings.TrimPrefix(ref, "refs/heads/")
	ref = strings.TrimPrefix(ref, "heads/")
	if sha, ok := r.Branches[ref]; ok {
		return r.Commits[sha], true
	}
	if c, ok := r.Commits[ref]; ok {
		return c, true
	}
	if len(ref) >= 7 {
		for sha, c := range r.Commits {
			if strings.HasPrefix(sha, ref) {
				return c, true
			}
		}
	}
	return nil, false
}

// ancestors returns the commit and all commits reachable from it.
func (r *repo) ancestors(sha string) map[string]bool {
	seen := map[string]bool{}
	queue := []string{sha}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur] {
			continue
		}
		c, ok := r.Commits[cur]
		if !ok {
			continue
		}
		seen[cur] = true
		queue = append(queue, c.Parents...)
	}
	return seen
}

// mergeBase finds the nearest common ancestor of two commits by walking
// head's history breadth first; it is what GitHub diffs pull requests from.
func (r *repo) mergeBase(base, head string) (string, bool) {
	inBase := r.ancestors(base)
	seen := map[string]bool{}
	queue := []string{head}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur] {
			continue
		}
		seen[cur] = true
		if inBase[cur] {
			return cur, true
		}
		if c, ok := r.Commits[cur]; ok {
			queue = append(queue, c.Parents...)
		}
	}
	return "", false
}

// commitsBetween lists commits reachable from head but not from base,
// oldest first, as the compare and pull request commit lists do.
func (r *repo) commitsBetween(base, head string) []*commit {
	inBase := r.ancestors(base)
	var out []*commit
	for sha := range r.ancestors(head) {
		if !inBase[sha] {
			out = append(out, r.Commits[sha])
		}
	}
	slices.SortFunc(out, func(a, b *commit) int {
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}

// fileChange is one file that differs between two trees.
type fileChange struct {
	Path     string
	Status   string // added, removed, modified, renamed
	Old, New string
	// Previous is the old path of a renamed file.
	Previous  string
	Additions int
	Deletions int
	Patch     string
}

// diffTrees lists the files that differ between two trees, sorted by path.
func diffTrees(from, to map[string]string) []fileChange {
	paths := map[string]bool{}
	for p := range from {
		paths[p] = true
	}
	for p := range to {
		paths[p] = true
	}
	var out []fileChange
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		oldText, inOld := from[p]
		newText, inNew := to[p]
		var status string
		switch {
		case !inOld:
			status = "added"
		case !inNew:
			status = "removed"
		case oldText != newText:
			status = "modified"
		default:
			continue
		}
		patch, adds, dels := unifiedDiff(oldText, newText)
		out = append(out, fileChange{Path: p, Status: status, Old: oldText, New: newText, Additions: adds, Deletions: dels, Patch: patch})
	}
	return detectRenames(out)
}

// detectRenames pairs a removed file with an added one at least half of
// whose lines it shares, as git's rename detection does (its default
// similarity is 50%): GitHub then lists one "renamed" file with
// previous_filename instead of a removal and an addition.
func detectRenames(changes []fileChange) []fileChange {
	var out []fileChange
	used := map[int]bool{}
	for i, added := range changes {
		if added.Status != "added" {
			continue
		}
		for j, removed := range changes {
			if removed.Status != "removed" || used[j] || !similar(removed.Old, added.New) {
				continue
			}
			used[i], used[j] = true, true
			patch, adds, dels := unifiedDiff(removed.Old, added.New)
			out = append(out, fileChange{Path: added.Path, Status: "renamed", Previous: removed.Path, Old: removed.Old, New: added.New, Additions: adds, Deletions: dels, Patch: patch})
			break
		}
	}
	for i, c := range changes {
		if !used[i] {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b fileChange) int { return strings.Compare(a.Path, b.Path) })
	return out
}

func similar(a, b string) bool {
	al, bl := splitLines(a), splitLines(b)
	if len(al) == 0 || len(bl) == 0 {
		return a == b
	}
	common := 0
	for _, op := range editScript(al, bl) {
		if op.kind == ' ' {
			common++
		}
	}
	return 2*common >= max(len(al), len(bl))
}
