package policy

import (
	"strings"
	"testing"
)

// Line numbers matter: the cases below point into these documents.
const announcementDoc = `---
title: Contributor summit registration is open
summary: Registration for the spring summit is open until 2027-03-01.
type: announcement
sigs: [sig-contribex]
audience: [contributors]
priority: icymi
channels: [dev-list]
publish_at: 2027-01-26T16:00:00Z
contacts: [alice]
---

## Summary

Registration is open.

## Contact

Ask in the tracking issue.
`

const advisoryDoc = `---
title: "[Security Advisory] CVE-2027-10231: kubelet-proxy skips node authorization"
summary: Clusters running kubelet-proxy v1.4.0 to v1.4.6 must upgrade.
type: security-advisory
sigs: [sig-node]
audience: [end-users]
priority: action-required
channels: [announce, dev-list]
publish_at: 2027-02-16T16:00:00Z
contacts: [alice, bob]
embargo: true
embargo_until: 2027-02-16T16:00:00Z
distributors_notified_at: 2027-02-08T16:00:00Z
cve: CVE-2027-10231
severity: high
cvss_score: 8.1
cvss_vector: CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N
---
## Summary
Upgrade now.
## Am I vulnerable?
If you run v1.4.0 to v1.4.6.
## How do I mitigate?
Upgrade.
## Fixed versions
v1.4.7.
## Detection
Audit logs.
## Acknowledgements
Carol.
## Contact
Tracking issue.
`

const policyDoc = `---
title: Minor releases move to two per year
summary: From 2027-04-13 the project publishes two minor releases a year.
type: policy-change
sigs: [sig-release]
audience: [everyone]
priority: priority-info
channels: [announce]
publish_at: 2027-03-10T16:00:00Z
contacts: [bob]
effective_at: 2027-04-13T16:00:00Z
decision_record: https://github.com/example/steering/issues/301
---
## Summary
Two releases a year.
## Current policy
Three.
## New policy
Two.
## Rationale
Time to test.
## Contact
The issue.
`

// edit replaces the first occurrence of old, failing when it is absent so
// a case cannot silently test the unchanged document.
func edit(t *testing.T, doc, old, replacement string) string {
	t.Helper()
	if !strings.Contains(doc, old) {
		t.Fatalf("%q not in document", old)
	}
	return strings.Replace(doc, old, replacement, 1)
}

func TestBaseDocumentsAreValid(t *testing.T) {
	for name, doc := range map[string]string{"announcement": announcementDoc, "advisory": advisoryDoc, "policy": policyDoc} {
		t.Run(name, func(t *testing.T) { requireNoFindings(t, check(doc)) })
	}
}

func TestValidateDocumentRules(t *testing.T) {
	type change struct{ old, new string }
	cases := []struct {
		name      string
		base      string
		changes   []change
		rule      string
		severity  Severity
		line, col int
		msgPart   string
	}{
		// unknown-field
		{"typo of a field", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\ntitel: x\n"}}, RuleUnknownField, SeverityError, 11, 1, "did you mean `title`?"},
		{"camel case field", announcementDoc, []change{{"publish_at:", "publishAt:"}}, RuleUnknownField, SeverityError, 9, 1, "did you mean `publish_at`?"},
		{"field of another type", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\ncve: CVE-2027-1234\n"}}, RuleUnknownField, SeverityError, 11, 1, "field of type `security-advisory`"},
		{"same first word as an absent field", announcementDoc, []change{{"publish_at:", "publish_time:"}}, RuleUnknownField, SeverityError, 9, 1, "did you mean `publish_at`?"},
		{"unrelated field", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\nmood: happy\n"}}, RuleUnknownField, SeverityError, 11, 1, "the fields allowed for type `announcement` are"},
		// instants
		{"instant not a time", announcementDoc, []change{{"2027-01-26T16:00:00Z", "next tuesday"}}, RuleInvalidInstant, SeverityError, 9, 13, "`2026-12-01T16:00:00Z`"},
		{"instant without offset", announcementDoc, []change{{"2027-01-26T16:00:00Z", "2027-01-26T16:00:00"}}, RuleInstantWithoutOffset, SeverityError, 9, 13, "ambiguous"},
		{"instant without offset suggests UTC", announcementDoc, []change{{"2027-01-26T16:00:00Z", "2027-01-26 09:30"}}, RuleInstantWithoutOffset, SeverityError, 9, 13, "`2027-01-26T09:30:00Z`"},
		{"date only", announcementDoc, []change{{"2027-01-26T16:00:00Z", "2027-01-26"}}, RuleInstantWithoutOffset, SeverityError, 9, 13, "`2027-01-26T16:00:00Z`"},
		{"type field instant", policyDoc, []change{{"effective_at: 2027-04-13T16:00:00Z", "effective_at: 2027-04-13T16:00"}}, RuleInstantWithoutOffset, SeverityError, 11, 15, "effective_at"},
		// enums
		{"priority", announcementDoc, []change{{"priority: icymi", "priority: urgent"}}, RuleInvalidEnum, SeverityError, 7, 11, "`action-required`, `priority-info`, `feedback-appreciated` or `icymi`"},
		{"priority typo", announcementDoc, []change{{"priority: icymi", "priority: icmyi"}}, RuleInvalidEnum, SeverityError, 7, 11, "did you mean `icymi`?"},
		{"audience item", announcementDoc, []change{{"[contributors]", "[contributors, devs]"}}, RuleInvalidEnum, SeverityError, 6, 26, "`audience` cannot be `devs`"},
		{"type typo", announcementDoc, []change{{"type: announcement", "type: anouncement"}}, RuleInvalidEnum, SeverityError, 4, 7, "did you mean `announcement`?"},
		{"severity", advisoryDoc, []change{{"severity: high", "severity: severe"}}, RuleInvalidEnum, SeverityError, 15, 11, "`low`, `medium`, `high` or `critical`"},
		// handles
		{"handle with double hyphen", announcementDoc, []change{{"contacts: [alice]", "contacts: [alice, bob--x]"}}, RuleInvalidHandle, SeverityError, 10, 19, "not a GitHub username"},
		{"handle with leading hyphen", announcementDoc, []change{{"contacts: [alice]", "contacts: [-alice]"}}, RuleInvalidHandle, SeverityError, 10, 12, "single inner hyphens"},
		{"handle too long", announcementDoc, []change{{"contacts: [alice]", "contacts: [" + strings.Repeat("a", 40) + "]"}}, RuleInvalidHandle, SeverityError, 10, 12, "39 characters"},
		{"email as handle", announcementDoc, []change{{"contacts: [alice]", "contacts: [alice@example.org]"}}, RuleInvalidHandle, SeverityError, 10, 12, ""},
		// URLs
		{"http url", policyDoc, []change{{"https://github.com/example", "http://github.com/example"}}, RuleInsecureURL, SeverityError, 12, 18, "`https://github.com/example/steering/issues/301`"},
		{"not a url", policyDoc, []change{{"https://github.com/example/steering/issues/301", "steering#301"}}, RuleInvalidURL, SeverityError, 12, 18, "full https URL"},
		{"ftp url", policyDoc, []change{{"https://github.com/example/steering/issues/301", "ftp://example.org/x"}}, RuleInvalidURL, SeverityError, 12, 18, ""},
		// security fields
		{"cve", advisoryDoc, []change{{"cve: CVE-2027-10231", "cve: CVE-27-1"}}, RuleInvalidCVE, SeverityError, 14, 6, "CVE-YYYY-NNNN"},
		{"cve lower case", advisoryDoc, []change{{"cve: CVE-2027-10231", "cve: cve-2027-10231"}}, RuleInvalidCVE, SeverityError, 14, 6, ""},
		{"cvss too high", advisoryDoc, []change{{"cvss_score: 8.1", "cvss_score: 11"}}, RuleCVSSOutOfRange, SeverityError, 16, 13, "outside 0 to 10"},
		{"cvss negative", advisoryDoc, []change{{"cvss_score: 8.1", "cvss_score: -0.5"}}, RuleCVSSOutOfRange, SeverityError, 16, 13, ""},
		{"cvss quoted", advisoryDoc, []change{{"cvss_score: 8.1", `cvss_score: "8.1"`}}, RuleWrongType, SeverityError, 16, 13, "without quotes"},
		{"cvss vector without prefix", advisoryDoc, []change{{"CVSS:3.1/AV:N", "AV:N"}}, RuleInvalidCVSSVector, SeverityError, 17, 14, "start it with `CVSS:3.1/`"},
		{"cvss vector bad metric", advisoryDoc, []change{{"/S:U/", "/S:X/"}}, RuleInvalidCVSSVector, SeverityError, 17, 14, "base metric"},
		{"cvss vector 2.0", advisoryDoc, []change{{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", "AV:N/AC:L/Au:N/C:P/I:P/A:P"}}, RuleInvalidCVSSVector, SeverityError, 17, 14, ""},
		// SIGs, channels, tier
		{"unknown sig", announcementDoc, []change{{"[sig-contribex]", "[sig-contribx]"}}, RuleUnknownSIG, SeverityError, 5, 8, "did you mean `sig-contribex`?"},
		{"unknown channel", announcementDoc, []change{{"[dev-list]", "[dev-list, twitter]"}}, RuleUnknownChannel, SeverityError, 8, 22, "`announce`, `dev-list`, `slack-announce` or `status-page`"},
		{"tier too high", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\ntier: 7\n"}}, RuleInvalidTier, SeverityError, 11, 7, "from 1 to 3"},
		{"tier zero", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\ntier: 0\n"}}, RuleInvalidTier, SeverityError, 11, 7, ""},
		{"tier quoted", announcementDoc, []change{{"contacts: [alice]\n", "contacts: [alice]\ntier: \"2\"\n"}}, RuleInvalidTier, SeverityError, 11, 7, ""},
		// missing fields
		{"missing title", announcementDoc, []change{{"title: Contributor summit registration is open\n", ""}}, RuleMissingField, SeverityError, 1, 1, "`title` is missing"},
		{"missing type field", advisoryDoc, []change{{"cve: CVE-2027-10231\n", ""}}, RuleMissingField, SeverityError, 1, 1, "`cve` is missing in a security-advisory"},
		{"required when ongoing", announcementDoc, []change{{"type: announcement", "type: incident\nstatus: ongoing"}}, RuleMissingField, SeverityError, 1, 1, "`next_update_at` is missing while `status` is `ongoing`"},
		{"empty value", announcementDoc, []change{{"title: Contributor summit registration is open", "title:"}}, RuleMissingField, SeverityError, 2, 1, "has no value"},
		{"empty string", announcementDoc, []change{{"title: Contributor summit registration is open", `title: ""`}}, RuleMissingField, SeverityError, 2, 1, "has no value"},
		{"empty list", announcementDoc, []change{{"sigs: [sig-contribex]", "sigs: []"}}, RuleMissingField, SeverityError, 5, 7, "at least one"},
		{"embargo without until", advisoryDoc, []change{{"embargo_until: 2027-02-16T16:00:00Z\n", ""}}, RuleMissingField, SeverityError, 11, 1, "`embargo: true` requires `embargo_until`"},
		{"embargo without notice", advisoryDoc, []change{{"distributors_notified_at: 2027-02-08T16:00:00Z\n", ""}}, RuleMissingField, SeverityError, 11, 1, "requires `distributors_notified_at`"},
		// wrong types
		{"list for string", announcementDoc, []change{{"title: Contributor summit registration is open", "title: [a, b]"}}, RuleWrongType, SeverityError, 2, 8, "single value, not a list"},
		{"mapping for string", announcementDoc, []change{{"summary: Registration for the spring summit is open until 2027-03-01.", "summary:\n  text: x"}}, RuleWrongType, SeverityError, 4, 3, "not a mapping"},
		{"string for list", announcementDoc, []change{{"sigs: [sig-contribex]", "sigs: sig-contribex"}}, RuleWrongType, SeverityError, 5, 7, "must be a list, e.g. `sigs: [sig-release]`"},
		{"yes for bool", advisoryDoc, []change{{"embargo: true", "embargo: yes"}}, RuleWrongType, SeverityError, 11, 10, "`true` or `false`"},
		// sections
		{"missing section", announcementDoc, []change{{"## Contact\n\nAsk in the tracking issue.\n", ""}}, RuleMissingSection, SeverityError, 12, 1, "`## Contact` is missing"},
		{"missing type section", advisoryDoc, []change{{"## Detection\nAudit logs.\n", ""}}, RuleMissingSection, SeverityError, 19, 1, "`## Detection`"},
		{"empty section", announcementDoc, []change{{"Ask in the tracking issue.", "<!-- where readers ask -->"}}, RuleEmptySection, SeverityError, 17, 1, "`## Contact` is empty: write where readers ask"},
		{"section at end without text", advisoryDoc, []change{{"## Contact\nTracking issue.\n", "## Contact\n"}}, RuleEmptySection, SeverityError, 31, 1, ""},
		// placeholders
		{"TODO in body", announcementDoc, []change{{"Registration is open.", "Registration is TODO."}}, RulePlaceholder, SeverityError, 15, 17, "`TODO`"},
		{"TBD in front matter", announcementDoc, []change{{"open until 2027-03-01.", "open until TBD."}}, RulePlaceholder, SeverityError, 3, 59, "`TBD`"},
		{"FIXME in comment", announcementDoc, []change{{"priority: icymi", "priority: icymi # FIXME"}}, RulePlaceholder, SeverityError, 7, 19, "`FIXME`"},
		{"XXX in cve", advisoryDoc, []change{{"## Summary\nUpgrade now.", "## Summary\nSee CVE-2027-XXX."}}, RulePlaceholder, SeverityError, 20, 14, "`XXX`"},
		{"lorem ipsum", announcementDoc, []change{{"Registration is open.", "Lorem ipsum dolor."}}, RulePlaceholder, SeverityError, 15, 1, "filler"},
		{"template variable", announcementDoc, []change{{"Registration is open.", "Release $RELEASE_VERSION is out."}}, RulePlaceholder, SeverityError, 15, 9, "`$RELEASE_VERSION`"},
		{"braced template variable", announcementDoc, []change{{"Registration is open.", "Release ${version} is out."}}, RulePlaceholder, SeverityError, 15, 9, "`${version}`"},
		{"fill in gap", announcementDoc, []change{{"Registration is open.", "Registration is <fill in: when>."}}, RulePlaceholder, SeverityError, 15, 17, "`<fill in: when>`"},
		{"fill in gap in code", announcementDoc, []change{{"Registration is open.", "Run `kubectl <fill in>`."}}, RulePlaceholder, SeverityError, 15, 14, ""},
		{"angle gap", announcementDoc, []change{{"Registration is open.", "Upgrade to <version> now."}}, RulePlaceholder, SeverityError, 15, 12, "`<version>`"},
		{"angle gap in value", announcementDoc, []change{{"contacts: [alice]", "contacts: [\"<your-handle>\"]"}}, RulePlaceholder, SeverityError, 10, 13, "`<your-handle>`"},
		{"gap after wide chars", announcementDoc, []change{{"Registration is open.", "日本語 <name>"}}, RulePlaceholder, SeverityError, 15, 5, ""},
		// lengths and size
		{"title too long", announcementDoc, []change{{"title: Contributor summit registration is open", "title: " + strings.Repeat("a", 91)}}, RuleTitleTooLong, SeverityError, 2, 8, "91 characters, over the limit of 90"},
		{"summary too long", announcementDoc, []change{{"summary: Registration for the spring summit is open until 2027-03-01.", "summary: " + strings.Repeat("word ", 61)}}, RuleSummaryTooLong, SeverityError, 3, 10, "over the limit of 300"},
		{"summary with three sentences", announcementDoc, []change{{"summary: Registration for the spring summit is open until 2027-03-01.", "summary: Registration is open. It closes soon! Come?"}}, RuleSummaryTooLong, SeverityWarning, 3, 10, "3 sentences"},
		{"file too large", announcementDoc, []change{{"Ask in the tracking issue.", strings.Repeat("Ask in the tracking issue.\n", 2600)}}, RuleFileTooLarge, SeverityError, 1, 1, "over the limit of 65536"},
		// consistency
		{"severity below score", advisoryDoc, []change{{"cvss_score: 8.1", "cvss_score: 9.8"}}, RuleSeverityMismatch, SeverityWarning, 15, 11, "CVSS rates critical"},
		{"severity above score", advisoryDoc, []change{{"severity: high", "severity: critical"}}, RuleSeverityMismatch, SeverityWarning, 15, 11, "CVSS rates high"},
		{"embargo date without embargo", advisoryDoc, []change{{"embargo: true", "embargo: false"}}, RuleEmbargoNotSet, SeverityWarning, 12, 1, "add `embargo: true`"},
		{"duplicate section", announcementDoc, []change{{"## Contact", "## Summary\n\nAgain.\n\n## Contact"}}, RuleDuplicateSection, SeverityWarning, 17, 1, "first on line 13"},
		{"http link in body", announcementDoc, []change{{"Registration is open.", "Register at http://example.org/summit."}}, RuleInsecureURL, SeverityWarning, 15, 13, "https"},
		{"duplicate sig", announcementDoc, []change{{"[sig-contribex]", "[sig-contribex, sig-contribex]"}}, RuleDuplicateItem, SeverityWarning, 5, 23, "listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			content := tc.base
			for _, c := range tc.changes {
				content = edit(t, content, c.old, c.new)
			}
			findings := check(content)
			requireFinding(t, findings, tc.rule, tc.line, tc.col, tc.msgPart)
			for _, f := range findings {
				if f.Rule == tc.rule && f.Line == tc.line && f.Column == tc.col && f.Severity != tc.severity {
					t.Errorf("want severity %s, got %s", tc.severity, f.Severity)
				}
				if f.Message == "" || f.File != "comms/test.md" {
					t.Errorf("finding without message or file: %+v", f)
				}
			}
		})
	}
}

// Things that look like problems but are not: each must pass cleanly.
func TestValidateDocumentAcceptsLegitimateText(t *testing.T) {
	cases := []struct {
		name    string
		base    string
		changes [][2]string
	}{
		{"quoted at handle", announcementDoc, [][2]string{{"contacts: [alice]", `contacts: ["@alice", bob-smith]`}}},
		{"offset instant", announcementDoc, [][2]string{{"2027-01-26T16:00:00Z", "2027-01-26T08:00:00-08:00"}}},
		{"fractional seconds", announcementDoc, [][2]string{{"2027-01-26T16:00:00Z", "2027-01-26T16:00:00.5Z"}}},
		{"cvss 4.0", advisoryDoc, [][2]string{{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N"}}},
		{"cvss 3.1 with temporal metrics", advisoryDoc, [][2]string{{"/A:N\n", "/A:N/E:P/RL:O\n"}}},
		{"integer cvss score", advisoryDoc, [][2]string{{"cvss_score: 8.1", "cvss_score: 10"}, {"severity: high", "severity: critical"}}},
		{"autolinks", announcementDoc, [][2]string{{"Registration is open.", "Registration is open: <https://example.org/x>, <mailto:a@b.org>, <a@example.org>, [example.org](https://www.example.org/x), [docs.example.org](https://example.org)"}}},
		{"comparisons", announcementDoc, [][2]string{{"Registration is open.", "Versions < 1.30 and > 1.2, a<b, x <= y."}}},
		{"code in a front matter value", announcementDoc, [][2]string{{"title: Contributor summit registration is open", "title: \"Run `kubectl logs <pod> -n $NS` now\""}}},
		{"http in code", announcementDoc, [][2]string{{"Registration is open.", "Run `curl http://localhost:8080/healthz`."}}},
		{"severity matches score", advisoryDoc, [][2]string{{"cvss_score: 8.1", "cvss_score: 7.0"}}},
		{"shell in code", announcementDoc, [][2]string{{"Registration is open.", "Run `echo $HOME <pod-name>` or:\n\n```sh\nkubectl logs <pod> -n $NAMESPACE\n```\n\n    indented $CODE <x>"}}},
		{"lower case todo in prose", announcementDoc, [][2]string{{"Registration is open.", "Your todo list: register. Prices in $5 steps, USD$ only."}}},
		{"two sentences with abbreviations and versions", announcementDoc, [][2]string{{"summary: Registration for the spring summit is open until 2027-03-01.", "summary: Registration for v1.31.2 users, e.g. SIG leads, is open. It closes soon."}}},
		{"section titles ignore case and punctuation", advisoryDoc, [][2]string{{"## Am I vulnerable?", "## am i vulnerable"}, {"## Fixed versions", "## Fixed Versions:"}}},
		{"emphasis in heading", advisoryDoc, [][2]string{{"## Detection", "## *Detection*"}}},
		{"optional null field", announcementDoc, [][2]string{{"contacts: [alice]\n", "contacts: [alice]\ntier:\n"}}},
		{"embargo false needs no dates", announcementDoc, [][2]string{{"contacts: [alice]\n", "contacts: [alice]\nembargo: false\n"}}},
		{"incident resolved needs no next update", announcementDoc, [][2]string{{"type: announcement", "type: incident\nstatus: resolved"}, {"## Contact", "## What happened\nx\n## What you need to do\ny\n## Contact"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			content := tc.base
			for _, c := range tc.changes {
				content = edit(t, content, c[0], c[1])
			}
			requireNoFindings(t, check(content))
		})
	}
}

func TestValidateDocumentUnknownTypeAcceptsEveryTypesFields(t *testing.T) {
	content := edit(t, advisoryDoc, "type: security-advisory", "type: advisory")
	findings := check(content)
	requireFinding(t, findings, RuleInvalidEnum, 4, 7, "allowed: `announcement`, `deprecation`, `incident`, `policy-change` or `security-advisory`")
	for _, f := range findings {
		if f.Rule != RuleInvalidEnum {
			t.Errorf("an unknown type should not add other findings: %s", f)
		}
	}
}

func TestValidateDocumentBrokenFrontMatterIsNotPiledOn(t *testing.T) {
	for name, content := range map[string]string{
		"yaml error": edit(t, announcementDoc, "sigs: [sig-contribex]", "sigs: [sig-contribex"),
		"unclosed":   strings.Replace(announcementDoc, "---\n\n## Summary", "\n## Summary", 1),
		"missing":    strings.TrimPrefix(announcementDoc, "---\n"),
	} {
		t.Run(name, func(t *testing.T) {
			findings := check(content)
			if len(findings) != 1 {
				t.Errorf("want only the parse finding, got:\n%s", formatFindings(findings))
			}
		})
	}
}

func TestValidateDocumentNilSafe(t *testing.T) {
	if got := ValidateDocument(nil, testRules()); got != nil {
		t.Errorf("nil document: %v", got)
	}
	if got := ValidateDocument(&Document{}, nil); got != nil {
		t.Errorf("nil rules: %v", got)
	}
	// A hand-built document (no parse state) is still validated.
	findings := ValidateDocument(&Document{Path: "x.md"}, testRules())
	requireFinding(t, findings, RuleMissingField, 1, 1, "`title` is missing")
	requireFinding(t, findings, RuleMissingSection, 1, 1, "`## Summary`")
}

func TestSuggest(t *testing.T) {
	fields := []string{"title", "summary", "publish_at", "embargo_until", "embargo", "distributors_notified_at"}
	cases := []struct {
		got, want string
	}{
		{"titel", "title"},           // swapped letters
		{"Title", "title"},           // case
		{"publishAt", "publish_at"},  // camel case
		{"publish-at", "publish_at"}, // hyphen
		{"sumary", "summary"},        // dropped letter
		{"embargo_untl", "embargo_until"},
		{"distributors_notified", "distributors_notified_at"}, // long names allow more edits
		{"deadline", ""},
		{"mood", ""},
	}
	for _, tc := range cases {
		if got := Suggest(tc.got, fields); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.got, got, tc.want)
		}
	}
	if got := suggestByFirstWord("publish_time", []string{"publish_at", "title"}); got != "publish_at" {
		t.Errorf("first word: got %q", got)
	}
	if got := suggestByFirstWord("embargo_end", []string{"embargo", "embargo_until"}); got != "" {
		t.Errorf("ambiguous first word should not suggest, got %q", got)
	}
}

func TestValidateDocumentCapsFindingsPerRule(t *testing.T) {
	content := edit(t, announcementDoc, "Registration is open.", strings.Repeat("TODO\n", 70))
	findings := check(content)
	placeholders := 0
	for _, f := range findings {
		if f.Rule == RulePlaceholder {
			placeholders++
		}
	}
	if placeholders != maxFindingsPerRule+1 {
		t.Fatalf("want %d placeholder findings, got %d", maxFindingsPerRule+1, placeholders)
	}
	requireFinding(t, findings, RulePlaceholder, 15+maxFindingsPerRule-1, 1, "20 more `placeholder` findings")
}

func TestCVSSSeverity(t *testing.T) {
	for score, want := range map[float64]string{0: "none", 0.1: "low", 3.9: "low", 4: "medium", 6.9: "medium", 7: "high", 8.9: "high", 9: "critical", 10: "critical"} {
		if got := cvssSeverity(score); got != want {
			t.Errorf("cvssSeverity(%v) = %s, want %s", score, got, want)
		}
	}
}
