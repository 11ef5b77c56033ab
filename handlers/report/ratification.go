package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// RatificationSummary is the commsgate/ratification check's summary and
// the follow-up issue's ratification section: the ladder the expedited
// notice skipped, who has ratified, who is still needed and by when.
func RatificationSummary(r policy.Ratification) string {
	var b strings.Builder
	mark := "⏳"
	switch {
	case r.Satisfied:
		mark = "✅"
	case r.Overdue:
		mark = "⛔"
	}
	fmt.Fprintf(&b, "### %s %s\n\n", mark, r.Headline)
	b.WriteString("This notice went out on the crisis path. The normal ladder of its tier ratifies it after the fact: " +
		"members comment `/ratify` on the follow-up issue, and approvals given on the pull request count too. " +
		"The same rules hold as for a review: the author never counts, one person counts for one stage, team membership is read from GitHub.\n\n")
	writeTier(&b, r.Tier)
	for i, s := range r.Stages {
		fmt.Fprintf(&b, "%d. %s **%s** (%s) — %s\n", i+1, stageMark(s), s.Name, teamList(s.Teams), stageProgress(s))
		if len(s.Approvers) > 0 {
			fmt.Fprintf(&b, "   - ratified by %s\n", mentions(s.Approvers, len(s.Approvers)))
		}
		if !s.Satisfied {
			fmt.Fprintf(&b, "   - still needed: %s\n", s.Missing)
		}
		for _, x := range s.Discarded {
			fmt.Fprintf(&b, "   - not counted: @%s: %s\n", x.User, x.Reason)
		}
	}
	for _, x := range r.Discarded {
		fmt.Fprintf(&b, "- not counted: @%s: %s\n", x.User, x.Reason)
	}
	fmt.Fprintf(&b, "\n**Due:** %s\n", policy.FormatInstant(r.Due))
	return b.String()
}

// RatificationReminder is the one comment when ratify_within has passed.
func RatificationReminder(r policy.Ratification) string {
	var who []string
	for _, t := range r.MissingTeams {
		who = append(who, "@"+t)
	}
	return fmt.Sprintf("⏰ This expedited notice was due to be ratified by %s. %s: please read it and comment `/ratify` here if you agree it was right to publish it; "+
		"if not, say what should be corrected.\n\n%s", policy.FormatInstant(r.Due), strings.Join(who, " "), strings.Join(r.Reasons, "\n"))
}

// Ratified is the one comment when the normal ladder has ratified.
func Ratified(r policy.Ratification) string {
	var people []string
	for _, s := range r.Stages {
		people = append(people, s.Approvers...)
	}
	return fmt.Sprintf("✅ Ratified: tier %d's ladder has approved this expedited notice after the fact (%s).", r.Tier.Tier, mentions(people, len(people)))
}

// NextUpdateReminder is the one comment when an ongoing incident's
// next_update_at passed without an update.
func NextUpdateReminder(at time.Time, path string, contacts []string) string {
	var who []string
	for _, c := range contacts {
		who = append(who, "@"+c)
	}
	return fmt.Sprintf("⏰ This incident promised its next update by %s, and no update has been merged. %s: open a pull request that changes `%s` "+
		"with what is known now and a new `next_update_at` (it may be expedited too), or set `status: resolved`. It goes out as an update in the same threads.",
		policy.FormatInstant(at), strings.Join(who, " "), path)
}
