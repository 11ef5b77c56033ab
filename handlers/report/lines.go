package report

import (
	"fmt"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// ApprovalLines renders a decision as plain text lines for a terminal
// (`commsgate check` and logs): the same facts as the check summary,
// without markdown.
func ApprovalLines(d policy.Decision) []string {
	lines := []string{d.Headline}
	if e := d.Expedite; e != nil {
		lines = append(lines, e.Sentence())
		for _, r := range e.Reasons {
			lines = append(lines, "expedite_reason: "+inline(r))
		}
	}
	lines = append(lines, d.Tier.String())
	for _, s := range d.Stages {
		line := fmt.Sprintf("%-7s %s (%s): %s", "["+stageWord(s)+"]", s.Name, teamList(s.Teams), stageProgress(s))
		if len(s.Approvers) > 0 {
			line += ", approved by " + mentions(s.Approvers, len(s.Approvers))
		}
		lines = append(lines, line)
		if !s.Satisfied {
			lines = append(lines, "        still needed: "+s.Missing)
			if len(s.Candidates) > 0 && !s.Unsatisfiable {
				lines = append(lines, "        could approve: "+mentions(s.Candidates, maxMentions))
			}
		}
		for _, x := range s.Discarded {
			lines = append(lines, fmt.Sprintf("        not counted: @%s: %s", x.User, x.Reason))
		}
	}
	for _, x := range d.Discarded {
		lines = append(lines, fmt.Sprintf("not counted: @%s: %s", x.User, x.Reason))
	}
	for _, h := range d.Holds {
		line := "hold: @" + h.By
		if r := inline(h.Reason); r != "" {
			line += ": " + r
		}
		lines = append(lines, line+" (/unhold lifts it)")
	}
	for _, x := range d.Blockers {
		lines = append(lines, fmt.Sprintf("changes requested: @%s %s", x.User, x.Reason))
	}
	for _, s := range d.Schedule {
		if s.PublishAt.IsZero() {
			lines = append(lines, s.File+": no valid publish_at yet")
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: publishes %s%s", s.File, policy.FormatInstant(s.PublishAt), dueNote(s)))
		for _, z := range s.Local {
			lines = append(lines, fmt.Sprintf("        %-22s %s", z.Zone, z.Display))
		}
		for _, f := range s.Findings {
			lines = append(lines, "        "+f.String())
		}
	}
	if d.NextStep != "" {
		lines = append(lines, "next: "+d.NextStep)
	}
	return lines
}

func stageWord(s policy.StageResult) string {
	switch {
	case s.Satisfied:
		return "ok"
	case s.Unsatisfiable:
		return "never"
	default:
		return "wait"
	}
}

// TemplateLines renders findings the way compilers print diagnostics, in
// file order, so editors can jump to each one.
func TemplateLines(findings []policy.Finding) []string {
	sorted := sortedFindings(findings)
	lines := make([]string, 0, len(sorted)+1)
	for _, f := range sorted {
		lines = append(lines, f.String())
	}
	errs, warns, files := tally(sorted)
	if len(sorted) == 0 {
		return append(lines, "no findings")
	}
	return append(lines, strings.TrimPrefix(templateTitle(errs, warns, files), "Template: "))
}
