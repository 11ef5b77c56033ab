package policy

import (
	"fmt"
	"sort"
	"strings"
)

// latestVerdicts returns each person's standing verdict: their latest
// APPROVED, CHANGES_REQUESTED or DISMISSED review, ordered by login. A
// COMMENTED review after an approval is a remark, not a change of mind, so
// it does not replace the verdict.
func latestVerdicts(reviews []Review) []Review {
	ordered := append([]Review(nil), reviews...)
	sort.SliceStable(ordered, func(i, j int) bool {
		if !ordered[i].SubmittedAt.Equal(ordered[j].SubmittedAt) {
			return ordered[i].SubmittedAt.Before(ordered[j].SubmittedAt)
		}
		return ordered[i].ID < ordered[j].ID
	})
	latest := map[string]Review{}
	for _, r := range ordered {
		switch r.State {
		case ReviewApproved, ReviewChangesRequested, ReviewDismissed:
			if strings.TrimSpace(r.User) != "" {
				latest[strings.ToLower(r.User)] = r
			}
		}
	}
	out := make([]Review, 0, len(latest))
	for _, r := range latest {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].User) < strings.ToLower(out[j].User) })
	return out
}

// approvalProblem says why an approval cannot count for any stage, or ""
// when it can.
func approvalProblem(r Review, f Facts) string {
	switch {
	case sameUser(r.User, f.Author):
		return "author cannot approve their own notice"
	case r.Bot:
		return "bots cannot approve; a person has to review the notice"
	case !f.BaseChangedAt.IsZero() && !r.SubmittedAt.After(f.BaseChangedAt):
		// Same head, other base: the pull request now ships a diff the
		// review never showed.
		return "stale: the base branch changed after this review, so the pull request ships a different diff; approve again"
	case r.CommitID != "" && r.CommitID == f.HeadSHA:
		return ""
	}
	// A reviewed commit the facts know nothing about is treated as changed:
	// an approval must be of the text that will be published.
	if changed, known := f.CommsChangedSince[r.CommitID]; changed || !known {
		return fmt.Sprintf("stale: %s changed after %s was reviewed; approve the latest commit again", changedWhat(f.Documents, f.PolicyFileChanged), ShortSHA(r.CommitID))
	}
	return ""
}

// changedWhat names what an approval was of. A policy file the PR changes
// is under review like a notice: approving a weaker policy is approving
// what it lets through.
func changedWhat(docs []*Document, policyChanged bool) string {
	if policyChanged {
		return "the communications or the policy file"
	}
	var paths []string
	for _, d := range docs {
		if d != nil && d.Path != "" {
			paths = append(paths, d.Path)
		}
	}
	if len(paths) == 1 {
		return paths[0]
	}
	return "the communications"
}

// ShortSHA is a commit's short form for messages.
func ShortSHA(sha string) string {
	if sha == "" {
		return "an unknown commit"
	}
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
