package policy

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const parseSample = "---\n" + // 1
	"title: \"Registry: frozen\"\n" + // 2
	"sigs: [sig-node, sig-auth]\n" + // 3
	"contacts:\n" + // 4
	"  - \"@alice\"\n" + // 5
	"  - bob\n" + // 6
	"publish_at: 2027-02-16T16:00:00Z\n" + // 7
	"tier: 2\n" + // 8
	"embargo: true\n" + // 9
	"über: x\n" + // 10
	"---\n" + // 11
	"Intro.\n" + // 12
	"\n" + // 13
	"## Summary\n" + // 14
	"\n" + // 15
	"Who and *what*.\n" + // 16
	"\n" + // 17
	"# Top\n" + // 18
	"## Am I `vulnerable`?\n" + // 19
	"<!-- guidance -->\n" + // 20
	"Setext title\n" + // 21
	"------------\n" + // 22
	"text\n" // 23

func TestParseDocumentFieldsAndPositions(t *testing.T) {
	doc, findings := ParseDocument("comms/x.md", []byte(parseSample))
	requireNoFindings(t, findings)

	wantFields := []Field{
		{Key: "title", KeyPos: Pos{2, 1}, ValuePos: Pos{2, 8}, Scalar: "Registry: frozen", Tag: "!!str"},
		{Key: "sigs", KeyPos: Pos{3, 1}, ValuePos: Pos{3, 7}, Items: []string{"sig-node", "sig-auth"}, ItemPos: []Pos{{3, 8}, {3, 18}}, Sequence: true, Tag: "!!seq"},
		{Key: "contacts", KeyPos: Pos{4, 1}, ValuePos: Pos{5, 3}, Items: []string{"@alice", "bob"}, ItemPos: []Pos{{5, 5}, {6, 5}}, Sequence: true, Tag: "!!seq"},
		{Key: "publish_at", KeyPos: Pos{7, 1}, ValuePos: Pos{7, 13}, Scalar: "2027-02-16T16:00:00Z", Tag: "!!timestamp"},
		{Key: "tier", KeyPos: Pos{8, 1}, ValuePos: Pos{8, 7}, Scalar: "2", Tag: "!!int"},
		{Key: "embargo", KeyPos: Pos{9, 1}, ValuePos: Pos{9, 10}, Scalar: "true", Tag: "!!bool"},
		// Columns count characters: "ü" is two bytes but one column.
		{Key: "über", KeyPos: Pos{10, 1}, ValuePos: Pos{10, 7}, Scalar: "x", Tag: "!!str"},
	}
	if !reflect.DeepEqual(doc.Fields, wantFields) {
		t.Errorf("fields:\n got %+v\nwant %+v", doc.Fields, wantFields)
	}
	if doc.Title != "Registry: frozen" || !reflect.DeepEqual(doc.SIGs, []string{"sig-node", "sig-auth"}) ||
		!reflect.DeepEqual(doc.Contacts, []string{"alice", "bob"}) || doc.DeclaredTier != 2 || !doc.Embargo ||
		!doc.PublishAt.Equal(time.Date(2027, 2, 16, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("typed fields wrong: %+v", doc)
	}
	if doc.BodyPos != (Pos{12, 1}) || !strings.HasPrefix(doc.Body, "Intro.\n") {
		t.Errorf("body at %+v: %q", doc.BodyPos, doc.Body)
	}
	wantSections := []Section{
		{Title: "Summary", Pos: Pos{14, 1}, Text: "Who and *what*.", Markdown: "Who and *what*."},
		{Title: "Am I vulnerable?", Pos: Pos{19, 1}, Text: "", Markdown: "<!-- guidance -->"},
		{Title: "Setext title", Pos: Pos{21, 1}, Text: "text", Markdown: "text"},
	}
	if !reflect.DeepEqual(doc.Sections, wantSections) {
		t.Errorf("sections:\n got %+v\nwant %+v", doc.Sections, wantSections)
	}
}

func TestParseDocumentFindings(t *testing.T) {
	cases := []struct {
		name       string
		content    string
		rule       string
		line, col  int
		msgPart    string
		wantFields int
	}{
		{"no front matter", "# Hello\n\n## Summary\n", RuleFrontMatterMissing, 1, 1, "first line `---`", 0},
		{"blank line before front matter", "\n---\ntitle: x\n---\n", RuleFrontMatterMissing, 1, 1, "", 0},
		{"unclosed", "---\ntitle: x\n\n## Summary\n", RuleFrontMatterUnclosed, 1, 1, "never closed", 0},
		{"only opening line", "---", RuleFrontMatterUnclosed, 1, 1, "", 0},
		{"unclosed flow list", "---\ntitle: x\nsummary: [a\n---\n", RuleYAMLSyntax, 3, 1, "bracket is closed", 0},
		{"parser error", "---\n- a\nb: c\n---\n", RuleYAMLSyntax, 3, 1, "not valid YAML", 0},
		{"unclosed quote", "---\na: 1\nb: \"x\n---\n", RuleYAMLSyntax, 3, 1, "not valid YAML", 0},
		{"unquoted colon", "---\ntitle: x\nsummary: a: b\n---\n", RuleYAMLSyntax, 3, 1, "must be quoted", 0},
		{"unquoted at sign", "---\ncontacts:\n  - @alice\n---\n", RuleYAMLSyntax, 3, 1, "`@`", 0},
		{"tab indentation", "---\ncontacts:\n\t- alice\n---\n", RuleYAMLSyntax, 3, 1, "tabs", 0},
		{"not a mapping", "---\n- a\n- b\n---\n", RuleFrontMatterNotMapping, 2, 1, "is a list", 0},
		{"scalar front matter", "---\njust text\n---\n", RuleFrontMatterNotMapping, 2, 1, "single value", 0},
		{"duplicate key", "---\ntitle: a\nsummary: s\ntitle: b\n---\n", RuleDuplicateKey, 4, 1, "line 2 column 1", 3},
		{"nested list item", "---\nsigs:\n  - [a, b]\n---\n", RuleWrongType, 3, 5, "single value", 1},
		{"mapping key", "---\n? [a, b]\n: c\n---\n", RuleWrongType, 2, 3, "plain word", 0},
		{"bidi override", "---\ntitle: ok\n---\n## Summary\nsafe \u202Etxt.exe\n", RuleInvisibleCharacter, 5, 6, "U+202E RIGHT-TO-LEFT OVERRIDE", 1},
		{"zero width space in value", "---\ntitle: a\u200Bb\n---\n", RuleInvisibleCharacter, 2, 9, "U+200B", 1},
		{"byte order mark mid-file", "---\ntitle: x\n---\nab\uFEFF\n", RuleInvisibleCharacter, 4, 3, "U+FEFF", 1},
		{"soft hyphen after wide chars", "---\ntitle: 日本\u00AD\n---\n", RuleInvisibleCharacter, 2, 10, "SOFT HYPHEN", 1},
		{"other format char", "---\ntitle: x\u2063\n---\n", RuleInvisibleCharacter, 2, 9, "U+2063", 1},
		{"control char", "---\ntitle: x\x07\n---\n", RuleInvisibleCharacter, 2, 9, "U+0007", 0},
		{"invalid utf-8", "---\ntitle: \xff\n---\n", RuleInvalidEncoding, 2, 8, "not valid UTF-8", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, findings := ParseDocument("comms/x.md", []byte(tc.content))
			if doc == nil {
				t.Fatal("nil document")
			}
			if len(doc.Fields) != tc.wantFields {
				t.Errorf("want %d fields, got %+v", tc.wantFields, doc.Fields)
			}
			requireFinding(t, findings, tc.rule, tc.line, tc.col, tc.msgPart)
		})
	}
}

func TestParseDocumentAllowsLeadingBOMAndEmojiJoiner(t *testing.T) {
	content := "\uFEFF---\ntitle: \"ship it 👩\u200D💻\"\n---\n"
	doc, findings := ParseDocument("comms/x.md", []byte(content))
	requireNoFindings(t, findings)
	if doc.Title != "ship it 👩\u200D💻" {
		t.Errorf("title %q", doc.Title)
	}
}

func TestParseDocumentCapsInvisibleFindings(t *testing.T) {
	content := "---\ntitle: x\n---\n" + strings.Repeat("\u200B", 500)
	_, findings := ParseDocument("comms/x.md", []byte(content))
	if len(findings) != maxInvisibleFindings+1 {
		t.Fatalf("want %d findings, got %d", maxInvisibleFindings+1, len(findings))
	}
	if last := findings[len(findings)-1]; !strings.Contains(last.Message, "480 more") {
		t.Errorf("last finding should count the rest: %s", last.Message)
	}
}

func TestParseDocumentCRLF(t *testing.T) {
	content := strings.ReplaceAll("---\ntitle: x\n---\n\n## Summary\n\nText.\n", "\n", "\r\n")
	doc, findings := ParseDocument("comms/x.md", []byte(content))
	requireNoFindings(t, findings)
	if doc.Title != "x" || len(doc.Sections) != 1 || doc.Sections[0].Pos != (Pos{5, 1}) || doc.Sections[0].Text != "Text." {
		t.Errorf("CRLF document misread: %+v", doc)
	}
}

// requireFinding fails unless findings hold one with the rule at the
// position whose message contains msgPart.
func requireFinding(t *testing.T, findings []Finding, rule string, line, col int, msgPart string) {
	t.Helper()
	for _, f := range findings {
		if f.Rule == rule && f.Line == line && f.Column == col && strings.Contains(f.Message, msgPart) {
			return
		}
	}
	t.Errorf("want %s at %d:%d containing %q, got:\n%s", rule, line, col, msgPart, formatFindings(findings))
}

func TestParseDocumentRefusesHugeFiles(t *testing.T) {
	content := "---\ntitle: x\n---\n" + strings.Repeat("a", maxParseBytes)
	doc, findings := ParseDocument("comms/x.md", []byte(content))
	requireFinding(t, findings, RuleFileTooLarge, 1, 1, "too large")
	if len(doc.Fields) != 0 || len(ValidateDocument(doc, testRules())) != 1 {
		t.Errorf("a huge file should only be reported, got fields %v", doc.Fields)
	}
}

// hostileDocuments could make a naive scan quadratic. Their cost is
// measured by BenchmarkParseHostile; tests only check the answers.
var hostileDocuments = map[string]string{
	"summary of dots":     "---\nsummary: " + strings.Repeat(".", 60000) + "\n---\n",
	"many sections":       "---\ntitle: x\n---\n" + strings.Repeat("## a\n<!-- x -->\n", 4000),
	"many gaps":           "---\ntitle: x\n---\n" + strings.Repeat("`a` <b> ", 8000),
	"many code spans":     "---\ntitle: x\n---\n" + strings.Repeat("`a` $B ", 8000),
	"long unknown key":    "---\n" + strings.Repeat("k", 60000) + ": 1\n---\n",
	"long enum value":     "---\npriority: " + strings.Repeat("p", 60000) + "\n---\n",
	"many invisible":      "---\ntitle: x\n---\n" + strings.Repeat("\u200B", 30000),
	"deep markdown lists": "---\ntitle: x\n---\n" + strings.Repeat("- ", 5000) + "x\n",
	"deep quotes":         "---\ntitle: x\n---\n" + strings.Repeat("> ", 5000) + "x\n",
}

func TestParseHostileDocuments(t *testing.T) {
	for name, content := range hostileDocuments {
		t.Run(name, func(t *testing.T) {
			doc, findings := ParseDocument("comms/x.md", []byte(content))
			findings = append(findings, ValidateDocument(doc, testRules())...)
			if !HasErrors(findings) {
				t.Fatalf("hostile input passed without an error")
			}
		})
	}
}

func TestDeepNestingIsRefusedBeforeMarkdownParsing(t *testing.T) {
	_, findings := ParseDocument("comms/x.md", []byte(hostileDocuments["deep markdown lists"]))
	requireFinding(t, findings, RuleMarkdownTooDeep, 4, 1, "at most 32")
	// Ordinary nesting is fine.
	ok := "---\ntitle: x\n---\n## Summary\n\n- a\n  - b\n    1. c\n       > d\n"
	_, findings = ParseDocument("comms/x.md", []byte(ok))
	for _, f := range findings {
		if f.Rule == RuleMarkdownTooDeep {
			t.Fatalf("four levels of nesting were refused: %v", f)
		}
	}
}

func BenchmarkParseHostile(b *testing.B) {
	for name, content := range hostileDocuments {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				doc, _ := ParseDocument("comms/x.md", []byte(content))
				ValidateDocument(doc, testRules())
			}
		})
	}
}
