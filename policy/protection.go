package policy

import (
	"fmt"
	"strings"
)

// commsgate's checks gate a merge only if the default branch requires
// them, and requires them from commsgate: a check required "from any
// source" passes on a run of that name from any app or workflow, which
// anyone who can push a workflow can post. These rules say in words what
// the branch's protection lacks and how to set it.

// RequiredCheck is one status check a branch requires before a merge.
type RequiredCheck struct {
	Name string
	// AppID is the app that must provide the check; 0 means any app or
	// workflow may (GitHub's null and -1).
	AppID int64
	// Source says where it is required: "branch protection" or a ruleset.
	Source string
}

// BranchProtection is what GitHub says the branch requires, as read.
type BranchProtection struct {
	Branch string
	// AppID is this app's id, the one the checks must be required from.
	AppID int64
	// Required lists the required checks of the classic branch protection
	// and of every active ruleset that applies to the branch.
	Required []RequiredCheck
	// Unprotected is set when the branch has no classic protection.
	Unprotected bool
	// Unread says, for a source that could not be read, why and what
	// grants access, e.g. "classic branch protection: ...".
	Unread []string
}

// ProtectionGap is one of commsgate's checks that the branch does not
// require from this app: what is wrong, and the setting that fixes it.
type ProtectionGap struct {
	Check   string
	Problem string
	Fix     string
}

// ProtectionGaps says, for each of the named checks, how the branch fails
// to require it from this app, and how to fix it; nil when every check is
// required from this app.
func ProtectionGaps(b BranchProtection, checks []string) []ProtectionGap {
	var out []ProtectionGap
	for _, name := range checks {
		if problem, fix := protectionGap(b, name); problem != "" {
			out = append(out, ProtectionGap{Check: name, Problem: problem, Fix: fix})
		}
	}
	return out
}

// ProtectionWarnings is ProtectionGaps in sentences, each ending with its
// fix, for the approval check's summary.
func ProtectionWarnings(b BranchProtection, checks []string) []string {
	var out []string
	for _, g := range ProtectionGaps(b, checks) {
		out = append(out, g.Problem+" Fix: "+g.Fix+".")
	}
	return out
}

func protectionGap(b BranchProtection, name string) (problem, fix string) {
	var anyApp, otherApps []RequiredCheck
	for _, c := range b.Required {
		if c.Name != name {
			continue
		}
		switch {
		case c.AppID != 0 && (c.AppID == b.AppID || b.AppID == 0):
			return "", ""
		case c.AppID == 0:
			anyApp = append(anyApp, c)
		default:
			otherApps = append(otherApps, c)
		}
	}
	fix = fmt.Sprintf("require `%s` with commsgate as its source (%s)", name, protectionSetting(b))
	switch {
	case len(otherApps) > 0:
		return fmt.Sprintf("`%s` is required from app id %d (%s), not from commsgate (app id %d): commsgate's result does not count, and that app's does.",
			name, otherApps[0].AppID, otherApps[0].Source, b.AppID), fix
	case len(anyApp) > 0:
		return fmt.Sprintf("`%s` is required from any source (%s): a run of that name from any other app or a workflow passes it.",
			name, anyApp[0].Source), fix
	case len(b.Unread) > 0:
		return fmt.Sprintf("`%s` is not required by any rule commsgate can read, and %s.",
			name, strings.Join(b.Unread, "; ")), "grant the permission, or " + fix
	default:
		return fmt.Sprintf("`%s` is not required: a pull request can be merged without it.", name), fix
	}
}

// protectionSetting names the exact setting to change.
func protectionSetting(b BranchProtection) string {
	branch := b.Branch
	if branch == "" {
		branch = "the default branch"
	}
	return fmt.Sprintf("Settings → Rules → Rulesets → a branch ruleset targeting `%s` → Require status checks to pass → Add checks, choosing commsgate, not any source; "+
		"or Settings → Branches → the protection rule of `%s` → Require status checks to pass before merging, with commsgate selected as the check's source", branch, branch)
}
