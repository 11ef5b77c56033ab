package publish

import (
	"strconv"
	"strings"
)

// RenderMarkdown is the canonical GitHub-flavoured markdown of a notice
// without its title (each channel places the title itself): summary,
// update, key facts, body sections, audit footer. Author-written markdown
// (summary, sections, update text) is kept as written; every value
// commsgate inserts from front matter is escaped, so a field cannot inject
// markup.
func RenderMarkdown(n Notice) string {
	doc := document(n)
	var b strings.Builder
	if s := strings.TrimSpace(doc.Summary); s != "" {
		b.WriteString(s + "\n\n")
	}
	if n.Update != nil {
		writeQuoted(&b, "**"+updateLabel(n.Update)+":** "+strings.TrimSpace(n.Update.Changes))
		b.WriteString("\n")
	}
	for _, f := range facts(doc) {
		b.WriteString("- **" + escapeMarkdown(f.Label) + ":** " + markdownValue(f) + "\n")
	}
	for _, s := range sections(doc) {
		b.WriteString("\n")
		if s.Title != "" {
			b.WriteString("## " + escapeMarkdown(oneLine(s.Title)) + "\n\n")
		}
		b.WriteString(strings.TrimSpace(s.Markdown) + "\n")
	}
	b.WriteString("\n---\n\n")
	b.WriteString(auditMarkdown(n))
	return b.String()
}

// writeQuoted writes markdown as a block quote, line by line.
func writeQuoted(b *strings.Builder, md string) {
	for _, line := range strings.Split(md, "\n") {
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + line + "\n")
	}
}

func markdownValue(f fact) string {
	switch {
	case f.Code:
		return codeSpan(f.Value)
	case f.URL:
		return "<" + f.Value + ">"
	default:
		return escapeMarkdown(f.Value)
	}
}

// auditMarkdown is the approval record closing every rendering.
func auditMarkdown(n Notice) string {
	var b strings.Builder
	b.WriteString("**Approval record.** ")
	b.WriteString(escapeMarkdown(auditIntro(n)) + "\n")
	if len(n.Audit.Stages) > 0 {
		b.WriteString("\n")
	}
	for _, s := range n.Audit.Stages {
		b.WriteString("- " + escapeMarkdown(StageLabel(s)) + ": " + escapeMarkdown(approverList(s)) + "\n")
	}
	b.WriteString("\n" + escapeMarkdown(sourceLine(n)) + "\n")
	return b.String()
}

// auditIntro says where and at which commit the approvals were given.
func auditIntro(n Notice) string {
	a := n.Audit
	var s strings.Builder
	s.WriteString("Approved")
	if a.PR > 0 {
		s.WriteString(" in " + n.Repo + "#" + strconv.Itoa(a.PR))
	}
	if a.Commit != "" {
		s.WriteString(" at commit " + a.Commit)
	}
	if a.Tier > 0 {
		s.WriteString(" (tier " + strconv.Itoa(a.Tier) + ")")
	}
	if len(a.Stages) == 0 {
		return s.String() + "; no approval stages were recorded."
	}
	return s.String() + ":"
}

func approverList(s AuditStage) string {
	if len(s.Approvers) == 0 {
		return "no approver recorded"
	}
	return strings.Join(s.Approvers, ", ")
}

func sourceLine(n Notice) string {
	s := "Published by commsgate from " + n.Path
	if n.Repo != "" {
		s += " in " + n.Repo
	}
	if n.MergeSHA != "" {
		s += ", merged as " + n.MergeSHA
	}
	return s + "."
}

// escapeMarkdown backslash-escapes the characters that start inline markup
// or raw HTML, so inserted text shows as written. Characters that only
// matter at the start of a line are safe because inserted values never
// start one.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~!&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan wraps s in enough backticks that none inside can close it.
func codeSpan(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
