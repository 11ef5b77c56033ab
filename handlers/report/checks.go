package report

import (
	"fmt"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// Check run names. Branch protection requires the first two.
const (
	CheckTemplate = "commsgate/template"
	CheckApproval = "commsgate/approval"
	CheckPublish  = "commsgate/publish"
)

// BrokenPolicyApproval is the approval check of a
// repository whose policy file does not load.
func BrokenPolicyApproval(policyPath string) (title, summary string) {
	return "BLOCKED — the policy file " + policyPath + " does not load",
		"Nothing can be approved under a policy that does not load. Fix the findings listed in **" + CheckTemplate + "** on the default branch, then comment `/commsgate recheck`."
}

// EvaluationError is the approval check when the facts could not be read:
// an unproven success must never stand.
func EvaluationError(cause error) (title, summary string) {
	return "ERROR — could not evaluate the approvals",
		"commsgate could not read everything it needs from GitHub, so it cannot prove this notice is approved.\n\n" +
			"```\n" + cause.Error() + "\n```\n\nIt retries on the next event; comment `/commsgate recheck` to retry now."
}

// StillMoving is the approval check, left in progress, when reviews or
// commands kept arriving while commsgate evaluated.
func StillMoving(moves int) (title, summary string) {
	return "RE-EVALUATING — reviews or commands are still arriving",
		fmt.Sprintf("Reviews or commands changed %d times while commsgate was evaluating this pull request, "+
			"so it cannot yet prove the notice is approved. The newest change is evaluated next; "+
			"comment `/commsgate recheck` if this stays.", moves)
}

// maxIgnoredShown bounds the list of ignored commands: anyone can comment,
// and a flood of them must not push the summary past GitHub's size limit.
const maxIgnoredShown = 10

// IgnoredCommands names the commands that were not applied and why, so
// the person who typed them (and everyone else) sees they had no effect.
// Each person and command is listed once.
func IgnoredCommands(ignored []policy.IgnoredCommand) string {
	var lines []string
	seen := map[string]bool{}
	for _, c := range ignored {
		key := strings.ToLower(c.User) + "/" + string(c.Command)
		if seen[key] {
			continue
		}
		seen[key] = true
		lines = append(lines, fmt.Sprintf("- @%s's `/%s` was ignored: %s\n", c.User, c.Command, c.Reason))
	}
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n### Commands not applied\n")
	for i, l := range lines {
		if i == maxIgnoredShown {
			fmt.Fprintf(&b, "- and %d more\n", len(lines)-maxIgnoredShown)
			break
		}
		b.WriteString(l)
	}
	return b.String()
}

// ReviewRequests says which teams were asked for a review and which
// could not be ("team: why").
func ReviewRequests(requested, failed []string) string {
	if len(requested) == 0 && len(failed) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n### Review requests\n")
	for _, t := range requested {
		fmt.Fprintf(&b, "- requested review from `%s`\n", t)
	}
	for _, f := range failed {
		fmt.Fprintf(&b, "- ⚠️ could not request %s\n", f)
	}
	return b.String()
}
