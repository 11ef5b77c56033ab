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
	// CheckRatification shows, on the merge commit of an expedited notice,
	// how far the normal ladder has ratified it.
	CheckRatification = "commsgate/ratification"
)

// BrokenPolicyApproval is the approval check of a
// repository whose policy file does not load.
func BrokenPolicyApproval(policyPath string) (title, summary string) {
	return "BLOCKED — the policy file " + policyPath + " does not load",
		"Nothing can be approved under a policy that does not load. Fix the findings listed in **" + CheckTemplate + "** on the default branch, then comment `/commsgate recheck`."
}

// NoCommunication is both checks on a pull request that changes no
// communication and not the policy: there is nothing to validate or
// approve, and a required check that never appears would block it for
// ever (a README, CODEOWNERS, a workflow).
func NoCommunication(commsPath, policyPath string, files int) (title, summary string) {
	noun := "files"
	if files == 1 {
		noun = "file"
	}
	return "Passed — no communication in this pull request",
		fmt.Sprintf("This pull request changes %d %s, none of them a communication under `%s` and not the policy file `%s`, "+
			"so there is nothing to validate or approve. The check passes so that branch protection, which requires it, does not block the change.\n\n"+
			"If a file here should be a communication, move it under `%s` with a `%s` name; it is then checked and needs its approvals.",
			files, noun, commsPath, policyPath, commsPath, policy.CommunicationExt)
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

// ApprovalClosed completes an approval check left in progress when its
// pull request was merged or closed: it must not read "in progress" on a
// PR nobody can act on any more. mergeSHA is empty for a PR closed
// without merging; before is the title the check had.
func ApprovalClosed(mergeSHA, before string) (conclusion, title, summary string) {
	if mergeSHA == "" {
		return "neutral", "Closed without merging: nothing is published",
			"The pull request was closed before it was merged, so none of its communications goes out. Reopen it to take up the review again.\n\nThe check said: " + before
	}
	at := "`" + policy.ShortSHA(mergeSHA) + "`"
	if strings.Contains(before, "SCHEDULED") {
		return "neutral", "Merged before publish_at: publication waits for it",
			"The pull request was merged while approved and waiting for its time. Nothing goes out early: commsgate/publish on the merge commit " + at + " says when it goes out, and does it by itself.\n\nThe check said: " + before
	}
	return "failure", "Merged before it was approved: nothing is published",
		"The pull request was merged before its reviewers approved it, so commsgate refuses to publish it; commsgate/publish on the merge commit " + at + " says what is missing and the way forward.\n\nThe check said: " + before
}

// AutoMergeRefused is added to a green approval check whose merge GitHub
// refused at publish_at.
func AutoMergeRefused(message string) string {
	return "\n\n**Auto-merge was refused by GitHub:** " + message + ". Nothing is published until the pull request is merged. " +
		"commsgate tries again at every sweep (each minute); fix the cause (resolve the conflict, let the required checks finish) or merge it by hand to publish now.\n"
}

// AutoMergeRefusedComment tells the contacts, once per head, that the
// merge at publish_at did not happen.
func AutoMergeRefusedComment(contacts []string, message string) string {
	who := ""
	if len(contacts) > 0 {
		who = "@" + strings.Join(contacts, ", @") + ": "
	}
	return who + "GitHub refused to merge this approved notice at its publish_at: " + message +
		". It has **not** been published. commsgate tries again every minute; resolve the cause, or merge it by hand to publish now."
}

// Retargeted is the comment that records a change of a PR's base.
func Retargeted(from, to string) string {
	return "The base branch changed from `" + from + "` to `" + to + "`, so this pull request now ships a different diff. Approvals given before this comment no longer count; reviewers, please look again."
}
