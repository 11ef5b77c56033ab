// Package report renders policy results for people: the check-run titles
// and markdown summaries on GitHub, and the text lines of `commsgate
// check`. It only formats; every explanation comes from the policy results
// themselves.
package report

import (
	"fmt"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// stateMarks put a glanceable symbol in front of the headline.
var stateMarks = map[policy.State]string{
	policy.StateApproved:  "✅",
	policy.StateScheduled: "🕓",
	policy.StatePending:   "⏳",
	policy.StateBlocked:   "⛔",
	policy.StateInvalid:   "❌",
}

// maxMentions bounds the candidate lists, so a large team does not drown
// the ladder.
const maxMentions = 10

// ApprovalCheck renders a decision as the approval check's title and
// summary: the verdict first, then the tier and why, the ladder of stages,
// what blocks, when it publishes, and what happens next.
func ApprovalCheck(d policy.Decision) (title, summary string) {
	if d.Headline == "" {
		// A decision is never empty when it comes from policy.Evaluate; an
		// empty one must still not read as a pass.
		d.Headline = "NOT APPROVED — no decision was made"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\n", stateMarks[d.State], d.Headline)
	writeExpedite(&b, d.Expedite)
	writeTier(&b, d.Tier)
	writeLadder(&b, d)
	writeHolds(&b, d.Holds)
	writeBlockers(&b, d.Blockers)
	writePublication(&b, d)
	writeNext(&b, d)
	// The collapsed details come last: if a summary is ever cut, the cut
	// falls on them and not on the verdict or the next step.
	writeDiscarded(&b, d)
	writeReasons(&b, d.Reasons)
	return clipTitle(d.Headline), truncateSummary(b.String(), "the sections above are the most important ones.")
}

// writeExpedite puts the crisis path and its reason right under the
// verdict: approvers weigh the reason against the ladder it skips.
func writeExpedite(b *strings.Builder, e *policy.ExpediteResult) {
	if e == nil {
		return
	}
	b.WriteString("### 🚨 Expedited\n\n")
	for _, r := range e.Reasons {
		fmt.Fprintf(b, "> %s\n\n", inline(r))
	}
	fmt.Fprintf(b, "The crisis ladder **%s** replaces tier %d's %s, and every stage was asked at once; approvals count in any order. "+
		"Publication windows, blackouts and the distributor lead time are waived, because waiting for the next window would harm the people this notice is for; an embargo still binds. "+
		"After publication the normal ladder ratifies within %s, with `/ratify` on the follow-up issue.\n\n",
		strings.Join(e.Stages, " + "), e.NormalTier, strings.Join(e.NormalStages, " → "), policy.HumanDuration(e.RatifyWithin))
}

func writeTier(b *strings.Builder, t policy.TierResult) {
	fmt.Fprintf(b, "**Tier %d**", t.Tier)
	if len(t.Reasons) > 0 {
		b.WriteString(": " + strings.Join(t.Reasons, "; "))
	}
	b.WriteString("\n\n")
}

func writeLadder(b *strings.Builder, d policy.Decision) {
	if len(d.Stages) == 0 {
		return
	}
	b.WriteString("### Approvals\n\n")
	for i, s := range d.Stages {
		fmt.Fprintf(b, "%d. %s **%s** (%s) — %s\n", i+1, stageMark(s), s.Name, teamList(s.Teams), stageProgress(s))
		if len(s.Approvers) > 0 {
			fmt.Fprintf(b, "   - approved by %s\n", mentions(s.Approvers, len(s.Approvers)))
		}
		if !s.Satisfied {
			fmt.Fprintf(b, "   - still needed: %s\n", s.Missing)
			if len(s.Candidates) > 0 && !s.Unsatisfiable {
				fmt.Fprintf(b, "   - could approve: %s\n", mentions(s.Candidates, maxMentions))
			}
		}
	}
	b.WriteString("\n")
}

func stageMark(s policy.StageResult) string {
	switch {
	case s.Satisfied:
		return "✅"
	case s.Unsatisfiable:
		return "⛔"
	default:
		return "⏳"
	}
}

func stageProgress(s policy.StageResult) string {
	if s.Unsatisfiable {
		return "cannot be approved"
	}
	return fmt.Sprintf("%d of %d", s.Approved, s.Required)
}

func teamList(teams []string) string {
	if len(teams) == 0 {
		return "no team"
	}
	return strings.Join(teams, ", ")
}

// writeDiscarded lists every approval that did not count, collapsed: it
// answers "I approved, why is it still red?" without cluttering the ladder.
func writeDiscarded(b *strings.Builder, d policy.Decision) {
	var lines []string
	for _, s := range d.Stages {
		for _, x := range s.Discarded {
			lines = append(lines, fmt.Sprintf("- @%s (%s): %s", x.User, s.Name, x.Reason))
		}
	}
	for _, x := range d.Discarded {
		lines = append(lines, fmt.Sprintf("- @%s: %s", x.User, x.Reason))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>%s that did not count</summary>\n\n%s\n\n</details>\n\n",
		countNoun(len(lines), "approval"), strings.Join(lines, "\n"))
}

func writeHolds(b *strings.Builder, holds []policy.Hold) {
	if len(holds) == 0 {
		return
	}
	b.WriteString("### On hold\n\n")
	for _, h := range holds {
		fmt.Fprintf(b, "- @%s placed a hold", h.By)
		if r := strings.TrimSpace(h.Reason); r != "" {
			fmt.Fprintf(b, ": %s", inline(r))
		}
		if !h.At.IsZero() {
			fmt.Fprintf(b, " (%s)", policy.FormatInstant(h.At))
		}
		fmt.Fprintf(b, " — `/unhold` by %s lifts it\n", policy.LiftableBy(h))
	}
	b.WriteString("\n")
}

func writeBlockers(b *strings.Builder, blockers []policy.Blocker) {
	if len(blockers) == 0 {
		return
	}
	b.WriteString("### Changes requested\n\n")
	for _, x := range blockers {
		fmt.Fprintf(b, "- @%s %s\n", x.User, x.Reason)
	}
	b.WriteString("\n")
}

func writePublication(b *strings.Builder, d policy.Decision) {
	if len(d.Schedule) == 0 {
		return
	}
	b.WriteString("### Publication\n\n")
	for _, s := range d.Schedule {
		if s.PublishAt.IsZero() {
			fmt.Fprintf(b, "**%s**: no valid publish_at yet\n\n", s.File)
		} else {
			fmt.Fprintf(b, "**%s**: %s%s\n\n", s.File, policy.FormatInstant(s.PublishAt), dueNote(s))
		}
		if len(s.Local) > 0 {
			b.WriteString("| Zone | Local time |\n|---|---|\n")
			for _, z := range s.Local {
				fmt.Fprintf(b, "| %s | %s |\n", z.Zone, z.Display)
			}
			b.WriteString("\n")
		}
		for _, f := range s.Findings {
			fmt.Fprintf(b, "- ❌ line %d: %s (`%s`)\n", f.Line, f.Message, f.Rule)
		}
		if len(s.Findings) > 0 {
			b.WriteString("\n")
		}
	}
}

func dueNote(s policy.ScheduleResult) string {
	if s.Due {
		return " (due now)"
	}
	return ""
}

func writeNext(b *strings.Builder, d policy.Decision) {
	b.WriteString("### Next\n\n")
	if d.NextStep != "" {
		b.WriteString(d.NextStep + "\n\n")
	}
	b.WriteString("<sub>Comment `/hold [reason]` to stop publication, `/unhold` to lift a hold, `/commsgate recheck` to evaluate again.</sub>\n\n")
}

// writeReasons keeps the full explanation one click away.
func writeReasons(b *strings.Builder, reasons []string) {
	if len(reasons) == 0 {
		return
	}
	b.WriteString("<details><summary>Why this result</summary>\n\n")
	for _, r := range reasons {
		fmt.Fprintf(b, "- %s\n", r)
	}
	b.WriteString("\n</details>\n")
}

func mentions(users []string, limit int) string {
	shown := users
	if len(shown) > limit {
		shown = shown[:limit]
	}
	parts := make([]string, len(shown))
	for i, u := range shown {
		parts[i] = "@" + u
	}
	s := strings.Join(parts, ", ")
	if len(users) > limit {
		s += fmt.Sprintf(" and %d more", len(users)-limit)
	}
	return s
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// inline keeps user-written text on one line, so a hold reason cannot
// break the markdown around it.
func inline(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
