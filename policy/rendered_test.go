package policy

import (
	"strings"
	"testing"
)

// TestRenderingFindings: whatever a channel would drop or hide is a
// finding at its line and column, and nothing else is.
func TestRenderingFindings(t *testing.T) {
	cases := []struct {
		name     string
		body     string // replaces "Registration is open." on line 15
		rule     string
		severity Severity
		col      int
		message  string
	}{
		{"inline comment", "Registration is <!-- not --> open.", RuleHTMLComment, SeverityWarning, 17, "every channel drops it"},
		{"comment block", "<!--\nguidance\n-->\nRegistration is open.", RuleHTMLComment, SeverityWarning, 1, "not published"},
		{"html block", "<div>Registration is open.</div>", RuleRawHTML, SeverityError, 1, "this HTML block (`<div>`)"},
		{"inline tag", "Registration is <del>not</del> open.", RuleRawHTML, SeverityError, 17, "`<del>` is raw HTML"},
		{"anchor", `Register <a href="https://x.org">here</a>.`, RuleRawHTML, SeverityError, 10, "mail and Slack drop it"},
		{"line break warns", "Registration is<br>open.", RuleRawHTML, SeverityWarning, 16, "joining the two lines"},
		{"host text to another host", "Register at [kubernetes.io](https://evil.example/k8s).", RuleDeceptiveLink, SeverityError, 13, "shows kubernetes.io but the link goes to evil.example"},
		{"url text to another host", "See [https://kubernetes.io/docs](https://kubernetes.io.evil.example/docs).", RuleDeceptiveLink, SeverityError, 5, "goes to kubernetes.io.evil.example"},
		{"www text", "See [www.kubernetes.io](https://evil.example).", RuleDeceptiveLink, SeverityError, 5, "shows www.kubernetes.io"},
		{"host inside words", "Read [the notes on k8s.io](https://evil.example).", RuleDeceptiveLink, SeverityError, 6, "shows k8s.io"},
		{"mail address text", "Write to [security@kubernetes.io](mailto:attacker@evil.example).", RuleDeceptiveLink, SeverityError, 10, "goes to evil.example"},
		{"look-alike host", "See [kubernetеs.io](https://evil.example).", RuleDeceptiveLink, SeverityError, 5, "shows xn--"},
		{"public suffix is no owner", "See [project.github.io](https://evil.github.io).", RuleDeceptiveLink, SeverityError, 5, "goes to evil.github.io"},
		{"file tld with path is a host", "See [install.sh/get](https://evil.example).", RuleDeceptiveLink, SeverityError, 5, "shows install.sh"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := check(edit(t, announcementDoc, "Registration is open.", tc.body))
			var got []Finding
			for _, f := range findings {
				if f.Rule == tc.rule {
					got = append(got, f)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one %s finding, got:\n%s", tc.rule, formatFindings(findings))
			}
			f := got[0]
			if f.Line != 15 || f.Column != tc.col || f.Severity != tc.severity || !strings.Contains(f.Message, tc.message) {
				t.Errorf("want %s at 15:%d (%s) saying %q, got %s", tc.rule, tc.col, tc.severity, tc.message, f)
			}
			for _, other := range findings {
				if other.Rule != tc.rule {
					t.Errorf("unexpected finding besides %s: %s", tc.rule, other)
				}
			}
		})
	}
}

// TestRenderingAcceptsWhatRendersAlike: link text that names its own site,
// file names, code, and autolinks render the same everywhere.
func TestRenderingAcceptsWhatRendersAlike(t *testing.T) {
	for name, body := range map[string]string{
		"same host":          "See [kubernetes.io](https://kubernetes.io/docs).",
		"subdomain":          "See [docs.kubernetes.io](https://kubernetes.io/docs) and [kubernetes.io](https://blog.kubernetes.io).",
		"www":                "See [www.kubernetes.io](https://kubernetes.io).",
		"words":              "See [the release notes](https://kubernetes.io/releases) for v1.31.2.",
		"file name":          "See [README.md](https://github.com/kubernetes/community/blob/main/README.md) and [kubectl.exe](https://dl.k8s.io/x).",
		"mail to same site":  "Write to [security@kubernetes.io](mailto:security@kubernetes.io).",
		"html in code":       "Run `<script>` and `<!-- x -->` as text.\n\n```html\n<div>shown as written</div>\n<!-- also shown -->\n```",
		"comparisons":        "Versions < 1.30 and > 1.2, a<b, x <= y.",
		"autolinks":          "<https://example.org/x> and <a@example.org>",
		"relative link text": "See [example.org](/docs), which is not sent.",
	} {
		t.Run(name, func(t *testing.T) {
			requireNoFindings(t, check(edit(t, announcementDoc, "Registration is open.", body)))
		})
	}
}

// TestRenderingGapIsOnlyAPlaceholder: "<version>" parses as HTML, but the
// placeholder rule owns it: one finding, not two.
func TestRenderingGapIsOnlyAPlaceholder(t *testing.T) {
	findings := check(edit(t, announcementDoc, "Registration is open.", "Upgrade to <version> now."))
	for _, f := range findings {
		if f.Rule == RuleRawHTML {
			t.Errorf("a gap should be reported as a placeholder only, got %s", f)
		}
	}
	requireFinding(t, findings, RulePlaceholder, 15, 12, "")
}
