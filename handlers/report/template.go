package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/commsgate/commsgate/policy"
)

// TemplateCheck renders template findings grouped by file, in file order,
// each with its line, column, rule and the fix its message describes.
func TemplateCheck(findings []policy.Finding) (title, summary string) {
	if len(findings) == 0 {
		return "Template OK", "✅ Every changed communication follows its template.\n"
	}
	sorted := sortedFindings(findings)
	errs, warns, files := tally(sorted)

	var b strings.Builder
	if errs > 0 {
		fmt.Fprintf(&b, "❌ **%s** must be fixed before the communication can be approved.", countNoun(errs, "error"))
		if warns > 0 {
			fmt.Fprintf(&b, " %s for the author to consider.", countNoun(warns, "warning"))
		}
	} else {
		fmt.Fprintf(&b, "✅ No errors; %s for the author to consider.", countNoun(warns, "warning"))
	}
	b.WriteString("\n\n")
	current := ""
	for _, f := range sorted {
		if f.File != current {
			if current != "" {
				b.WriteString("\n")
			}
			current = f.File
			fmt.Fprintf(&b, "### %s\n\n", f.File)
		}
		fmt.Fprintf(&b, "- %s %s: %s (`%s`)\n", severityMark(f.Severity), where(f), f.Message, f.Rule)
	}
	b.WriteString("\nFix the file and push; commsgate checks again on every push. `commsgate check` shows the same findings locally.\n")
	return templateTitle(errs, warns, files), truncateSummary(b.String(), "run `commsgate check` locally to see every finding.")
}

func templateTitle(errs, warns, files int) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, countNoun(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, countNoun(warns, "warning"))
	}
	return fmt.Sprintf("Template: %s in %s", strings.Join(parts, ", "), countNoun(files, "file"))
}

func severityMark(s policy.Severity) string {
	if s == policy.SeverityError {
		return "❌"
	}
	return "⚠️"
}

// where reads "line 9, column 13", leaving out what is unknown.
func where(f policy.Finding) string {
	switch {
	case f.Line > 0 && f.Column > 0:
		return fmt.Sprintf("line %d, column %d", f.Line, f.Column)
	case f.Line > 0:
		return fmt.Sprintf("line %d", f.Line)
	default:
		return "file"
	}
}

func sortedFindings(findings []policy.Finding) []policy.Finding {
	out := append([]policy.Finding(nil), findings...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Rule < b.Rule
	})
	return out
}

func tally(findings []policy.Finding) (errs, warns, files int) {
	seen := map[string]bool{}
	for _, f := range findings {
		if f.Severity == policy.SeverityError {
			errs++
		} else {
			warns++
		}
		if !seen[f.File] {
			seen[f.File] = true
			files++
		}
	}
	return errs, warns, files
}
