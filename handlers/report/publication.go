package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// Receipt is where one target received a notice: a link, or its id.
type Receipt struct {
	URL, ID string
}

// Receipts lists where a notice went, one target a line, by name.
func Receipts(receipts map[string]Receipt) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(receipts)) {
		r := receipts[name]
		where := r.URL
		if where == "" {
			where = "`" + r.ID + "`"
		}
		fmt.Fprintf(&b, "- %s: %s\n", name, where)
	}
	return b.String()
}

// FollowUpTitle is the title of the follow-up issue opened once a notice
// went out.
func FollowUpTitle(doc *policy.Document) string { return "Follow-up: " + doc.Title }

// FollowUpBody is the look back's checklist with where the notice went.
func FollowUpBody(doc *policy.Document, pr int, due time.Time, receipts map[string]Receipt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** was published by #%d. This issue is its look back.\n\n", doc.Title, pr)
	b.WriteString("### Publications\n" + Receipts(receipts) + "\n")
	b.WriteString("### Checklist\n")
	b.WriteString("- [ ] Questions received are answered (and collected below)\n")
	b.WriteString("- [ ] Corrections needed? Publish them as a dated update through a pull request changing the communication\n")
	b.WriteString("- [ ] FAQ written or updated\n")
	b.WriteString("- [ ] Retrospective held (blameless; within 1–3 days for an incident)\n\n")
	fmt.Fprintf(&b, "**Due:** %s\n", policy.FormatInstant(due))
	if len(doc.Contacts) > 0 {
		fmt.Fprintf(&b, "\nContacts: @%s\n", strings.Join(doc.Contacts, ", @"))
	}
	return b.String()
}

// FollowUpUpdated is the follow-up comment for a correction.
func FollowUpUpdated(merged time.Time, pr int, title string, receipts map[string]Receipt) string {
	return fmt.Sprintf("**Updated (%s)** by #%d: %s\n\n%s", merged.UTC().Format("January 2, 2006"), pr, title, Receipts(receipts))
}

// FollowUpAlsoPublished is the follow-up comment for targets that got the
// notice only on a retry.
func FollowUpAlsoPublished(receipts map[string]Receipt) string {
	return "**Also published** after a retry:\n\n" + Receipts(receipts)
}

// FollowUpReminder is the one reminder on a follow-up that is due.
func FollowUpReminder(due time.Time, assignees []string) string {
	var who []string
	for _, u := range assignees {
		who = append(who, "@"+u)
	}
	return "⏰ This follow-up was due " + policy.FormatInstant(due) + ". " + strings.Join(who, " ") +
		"\n\nPlease work through the checklist and close the issue when the look back is done."
}

// PolicyBrokenAtMerge is the publish check when the policy that governs
// the merge does not load.
func PolicyBrokenAtMerge(policyPath, branch string) string {
	return fmt.Sprintf("%s on %s is broken, so nothing was published. Fix it, then press **Retry failed**.", policyPath, branch)
}

// Delivery is one row of the publication ledger's table.
type Delivery struct {
	Path, Target, Kind string
	Status, Error      string
	Note, Where        string
}

// LedgerTable is the readable table of a publication's deliveries.
func LedgerTable(rows []Delivery) string {
	var b strings.Builder
	b.WriteString("| Communication | Target | Outcome | Where |\n|---|---|---|---|\n")
	for _, d := range rows {
		outcome := d.Status
		if d.Error != "" {
			outcome += ": " + strings.ReplaceAll(d.Error, "|", "\\|")
		}
		if d.Note != "" {
			outcome += " (" + strings.ReplaceAll(d.Note, "|", "\\|") + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | %s |\n", d.Path, d.Target, d.Kind, outcome, d.Where)
	}
	return b.String()
}

// PublishSummary is the publish check's summary of a merge's deliveries.
func PublishSummary(pr int, mergeSHA string, succeeded, failed, refused int) string {
	s := fmt.Sprintf("Merge of #%d at `%s`: %d delivered, %d failed, %d refused.\n\n", pr, policy.ShortSHA(mergeSHA), succeeded, failed, refused)
	if failed > 0 {
		s += "Failed deliveries were retried with backoff; temporary failures are retried again automatically, with growing pauses, for two days. Press **Retry failed** to try them now; targets that already succeeded are never sent twice.\n"
	}
	if refused > 0 {
		s += "Refused deliveries were held back on purpose; the table says why.\n"
	}
	return s
}

// PublishTitle is the publish check's title once it is complete.
func PublishTitle(succeeded, failed, refused int) string {
	if failed+refused == 0 {
		return fmt.Sprintf("Published: %d deliveries", succeeded)
	}
	return fmt.Sprintf("%d published, %d failed, %d refused", succeeded, failed, refused)
}

// PublishWaitingTitle is the publish check's title while an approved
// notice merged early waits for its time.
func PublishWaitingTitle(at time.Time) string {
	return "Waiting for publish_at: " + policy.FormatInstant(at)
}

// PublishWaiting says that an approved notice merged before its time goes
// out by itself at it, and when that is for readers around the world.
func PublishWaiting(pr int, mergeSHA string, at time.Time, schedule []policy.ScheduleResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Merge of #%d at `%s` is approved and was merged before its publish_at. Nothing is sent before then; at %s it is published to every channel by itself, once.\n\n",
		pr, policy.ShortSHA(mergeSHA), policy.FormatInstant(at))
	for _, s := range schedule {
		if len(s.Local) == 0 {
			continue
		}
		fmt.Fprintf(&b, "`%s` publish_at, where its readers are:\n", s.File)
		for _, z := range s.Local {
			fmt.Fprintf(&b, "- %s: %s\n", z.Zone, z.Display)
		}
		b.WriteString("\n")
	}
	b.WriteString("To stop it, revert the merge before then: a revert removes the notice from the default branch, and a publication judged at publish_at finds it withdrawn.\n")
	return b.String()
}

// RefusedUnapproved is the refusal of a merge its reviewers did not
// approve, with what is missing and the way forward.
func RefusedUnapproved(d policy.Decision) string {
	s := "merged before it was approved (" + d.Headline + "): not published."
	if d.NextStep != "" {
		s += " Missing: " + d.NextStep + "."
	}
	return s + " Open a new pull request with the notice; once its reviewers approve and it is merged, it is published."
}

// RefusedTemplate is the refusal of a merged notice with template errors.
func RefusedTemplate() string {
	return "the merged notice has template errors: not published. Fix them in a new pull request (commsgate check shows them); merging it publishes."
}

// RefusedLate is the refusal of a merge that came after publish_at and
// its grace: the time chosen for the audience has gone by.
func RefusedLate(findings []policy.Finding) string {
	for _, f := range findings {
		if f.Rule == policy.RulePublishAtPast {
			return "merged too late: " + f.Message + ". Not published. Open a pull request that sets a new publish_at; it is reviewed again, and merging it publishes at the new time."
		}
	}
	return ""
}

// RefusedWithdrawn is the refusal of a waiting notice that was removed
// from the default branch (a revert) before its time.
func RefusedWithdrawn(branch string) string {
	return "withdrawn before its publish_at: the notice is no longer on " + branch + " (reverted). Not published."
}

// RefusedChangedWhileWaiting is the refusal of a waiting notice changed on
// the default branch before its time: the reviewed text is not what is
// there now, and the change publishes through its own pull request.
func RefusedChangedWhileWaiting(branch string) string {
	return "changed on " + branch + " before its publish_at: what was approved is not what is there now. Not published; the pull request that changed it goes through review and publishes the new text."
}
