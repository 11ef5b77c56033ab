package publish

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// Channel titles follow the conventions readers filter on. A security
// advisory uses the Security Response Committee's subject,
// "[Security Advisory] CVE-2026-1234: <title>"; every other type is tagged
// with its message priority from the multichannel guidance
// ("[Action Required]", "[Priority Information]", "[Feedback Appreciated]",
// "[ICYMI]"), and carries no tag when it has no priority. An update appends
// " — Update (<date>)" so it never reads as a new communication.

const securityAdvisoryType = "security-advisory"

var priorityTags = map[string]string{
	"action-required":      "Action Required",
	"priority-info":        "Priority Information",
	"feedback-appreciated": "Feedback Appreciated",
	"icymi":                "ICYMI",
}

var typeLabels = map[string]string{
	securityAdvisoryType: "Security advisory",
	"deprecation":        "Deprecation",
	"incident":           "Incident",
	"policy-change":      "Policy change",
	"announcement":       "Announcement",
}

// fieldLabels name the type-specific fields the default templates use;
// other fields are labelled from their key.
var fieldLabels = map[string]string{
	"cve":             "CVE",
	"severity":        "Severity",
	"cvss_score":      "CVSS score",
	"cvss_vector":     "CVSS vector",
	"removal_at":      "Removal date",
	"status":          "Status",
	"next_update_at":  "Next update",
	"effective_at":    "Effective",
	"decision_record": "Decision record",
}

// codeFields are shown verbatim in code spans because their punctuation
// means something (a CVSS vector is not prose).
var codeFields = map[string]bool{"cvss_vector": true}

// ChannelTitle is the title every channel uses: the issue title, the mail
// subject, the Slack headline and the webhook's "subject".
func ChannelTitle(n Notice) string {
	doc := document(n)
	title := oneLine(doc.Title)
	var tag string
	if doc.Type == securityAdvisoryType {
		tag = "[Security Advisory] "
		if cve := oneLine(fieldValue(doc, "cve")); cve != "" && !strings.HasPrefix(title, cve) {
			title = cve + ": " + title
		}
	} else if p, ok := priorityTags[doc.Priority]; ok {
		tag = "[" + p + "] "
	}
	title = tag + title
	if n.Update != nil {
		title += " — " + updateLabel(n.Update)
	}
	return title
}

func updateLabel(u *UpdateInfo) string {
	return "Update (" + u.Date.UTC().Format("January 2, 2006") + ")"
}

// fact is one labelled key fact shown right after the summary.
type fact struct {
	Label string
	Value string
	// Code marks values shown verbatim; URL marks values that are links.
	Code, URL bool
}

// facts lists what a reader needs before the body: priority, type,
// audience, owners, publication time and the type's own fields.
func facts(doc *policy.Document) []fact {
	var out []fact
	add := func(label, value string) {
		if value = oneLine(value); value != "" {
			out = append(out, fact{Label: label, Value: value})
		}
	}
	add("Priority", labelOr(priorityTags, doc.Priority))
	add("Type", labelOr(typeLabels, doc.Type))
	add("Audience", strings.Join(doc.Audience, ", "))
	add("Owning SIGs", strings.Join(doc.SIGs, ", "))
	if !doc.PublishAt.IsZero() {
		add("Published", formatInstant(doc.PublishAt))
	}
	for _, f := range doc.Fields {
		if slices.Contains(policy.CommonFields, f.Key) {
			continue
		}
		value := f.Scalar
		if f.Sequence {
			value = strings.Join(f.Items, ", ")
		}
		value = oneLine(value)
		if value == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, value); err == nil {
			value = formatInstant(t)
		}
		label, ok := fieldLabels[f.Key]
		if !ok {
			label = humanize(f.Key)
		}
		if f.Key == "severity" {
			value = strings.ToUpper(value[:1]) + value[1:]
		}
		out = append(out, fact{Label: label, Value: value, Code: codeFields[f.Key], URL: isWebURL(value)})
	}
	return out
}

// formatInstant shows an instant in UTC with the weekday, because readers
// across zones convert from UTC and the weekday catches off-by-one dates.
func formatInstant(t time.Time) string {
	return t.UTC().Format("Mon, 2006-01-02 15:04 UTC")
}

func labelOr(labels map[string]string, key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}

func humanize(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func fieldValue(doc *policy.Document, key string) string {
	if f, ok := doc.FieldByKey(key); ok {
		return f.Scalar
	}
	return ""
}

// oneLine collapses all whitespace, so a value written across lines cannot
// start a new markdown block or a new mail header line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// isWebURL accepts only absolute http(s) URLs without spaces or angle
// brackets, the only links commsgate itself builds from front matter.
func isWebURL(s string) bool {
	if strings.ContainsAny(s, " <>\"'`") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// document never returns nil, so renderers can run on an incomplete notice
// and show what is missing instead of panicking.
func document(n Notice) *policy.Document {
	if n.Doc == nil {
		return &policy.Document{Title: "(untitled communication)"}
	}
	return n.Doc
}

// sections are what the body says, in order: any introduction the author
// wrote before the first "## " section (without a leading "# " title,
// which every channel already shows), then the sections. A body without
// sections is kept whole, so nothing the author wrote is dropped. HTML
// comments (template guidance) are removed: mail's plain-text part would
// otherwise show them.
func sections(doc *policy.Document) []policy.Section {
	var out []policy.Section
	if intro := introduction(doc); intro != "" {
		out = append(out, policy.Section{Markdown: intro})
	}
	for _, s := range doc.Sections {
		md := s.Markdown
		if strings.TrimSpace(md) == "" {
			md = s.Text
		}
		s.Markdown = stripComments(md)
		out = append(out, s)
	}
	return out
}

// introduction is the body before the first section, or the whole body
// when it has no sections.
func introduction(doc *policy.Document) string {
	body := doc.Body
	if len(doc.Sections) > 0 {
		first, start := doc.Sections[0].Pos.Line, doc.BodyPos.Line
		if start < 1 || first <= start {
			return ""
		}
		lines := strings.Split(body, "\n")
		body = strings.Join(lines[:min(first-start, len(lines))], "\n")
	}
	body = strings.TrimSpace(stripComments(body))
	if strings.HasPrefix(body, "# ") {
		_, rest, _ := strings.Cut(body, "\n")
		body = strings.TrimSpace(rest)
	}
	return body
}

var htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)

func stripComments(md string) string {
	return strings.TrimSpace(htmlComment.ReplaceAllString(md, ""))
}
