package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDocument checks that parsing and validating any input never
// panics, and that every finding points inside the file with a message.
func FuzzParseDocument(f *testing.F) {
	for _, pattern := range []string{"../testdata/repo/comms/*.md", "../testdata/invalid/*.md", "testdata/drafts/*.md"} {
		paths, _ := filepath.Glob(pattern)
		for _, path := range paths {
			if content, err := os.ReadFile(path); err == nil {
				f.Add(content)
			}
		}
	}
	for _, tricky := range []string{
		"", "---", "---\n", "---\n---", "---\r\n---\r\n", "\uFEFF---\n---\n",
		"---\n: \n---\n", "---\n[\n---\n", "---\n&a [*a]\n---\n", "---\na: &x\n  b: *x\nc: *x\n---\n",
		"---\n? [a]\n: b\n---\n", "---\ntitle: !!binary aGk=\n---\n", "---\ntitle: \"\\u202E\"\n---\n",
		"---\nsigs: [[[]]]\n---\n", "---\ntier: 0x10\ncvss_score: .inf\n---\n", "---\ntitle: a\ntitle: b\n---\n",
		"## \n", "##\n---\n", "Title\n===\n## A\n---\n", "```\n## not a section\n", "<!--\n## x\n-->\n",
		"---\nx: \u2028y\n---\n", "---\ntitle: x\n---\n\xff\xfe", "\x00\x01---", strings.Repeat("## a\n", 100),
		"---\npublish_at: 2027-13-45T99:99:99+99:99\n---\n", "---\ncontacts: ['@']\n---\n",
	} {
		f.Add([]byte(tricky))
	}
	rules := testRules()
	f.Fuzz(func(t *testing.T, content []byte) {
		doc, findings := ParseDocument("comms/fuzz.md", content)
		if doc == nil {
			t.Fatal("nil document")
		}
		findings = append(findings, ValidateDocument(doc, rules)...)
		lines := strings.Count(string(content), "\n") + 1
		for _, finding := range findings {
			if finding.Line < 1 || finding.Line > lines+1 || finding.Column < 1 || finding.Rule == "" || finding.Message == "" {
				t.Errorf("finding outside the file (%d lines) or without rule/message: %+v", lines, finding)
			}
			if !utf8.ValidString(finding.Message) && utf8.Valid(content) {
				t.Errorf("message is not UTF-8: %q", finding.Message)
			}
		}
	})
}
