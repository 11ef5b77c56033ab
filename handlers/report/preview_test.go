package report

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/commsgate/commsgate/handlers/publish"
	"github.com/commsgate/commsgate/policy"
)

// previewOf renders a repository communication the way the gate does for
// the approval check: the real parser and the real issue renderer.
func previewOf(t *testing.T, path string, edit func(string) string) Preview {
	t.Helper()
	content, err := os.ReadFile("../../testdata/repo/" + path)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := policy.ParseDocument(path, []byte(edit(string(content))))
	d := policy.Evaluate(facts(approval("ann", 1), approval("carol", 2)))
	title, body := publish.RenderIssue(publish.PreviewNotice(doc, "example/comms", 42, "head0000000", d))
	return Preview{Path: path, Title: title, Body: body}
}

func TestApprovalPreviewGolden(t *testing.T) {
	fenced := previewOf(t, "comms/2027-03-09-legacy-registry-freeze.md", func(s string) string {
		// A fence of its own in the body: the preview's fence must be
		// longer, or the body would end the preview early.
		return strings.Replace(s, "## Contact", "## Contact\n\n````sh\n```\nnot the end\n```\n````\n", 1)
	})
	plain := previewOf(t, "comms/2027-01-26-contributor-summit.md", func(s string) string { return s })
	golden(t, "approval-preview.md", ApprovalPreviews([]Preview{fenced, plain}))
}

func TestApprovalPreviewIsSourceText(t *testing.T) {
	p := Preview{Path: "comms/a.md", Title: "Use `x`", Body: "a\n````\nb\n"}
	text := ApprovalPreviews([]Preview{p})
	if !strings.Contains(text, "\n`````markdown\na\n````\nb\n`````\n") {
		t.Errorf("the fence is not longer than the body's backtick runs:\n%s", text)
	}
	if !strings.Contains(text, "<details><summary>Preview: issue body as it will be posted (comms/a.md)</summary>") || !strings.Contains(text, "**Title:** `` Use `x` ``") {
		t.Errorf("the preview is not collapsed with its path and title:\n%s", text)
	}
}

func TestApprovalPreviewStaysWithinGitHubsLimit(t *testing.T) {
	long := strings.Repeat("A line of the notice that goes on for a while, é.\n", 2000)
	text := ApprovalPreviews([]Preview{{Path: "comms/a.md", Title: "A", Body: long}, {Path: "comms/b.md", Title: "B", Body: "short\n"}})
	if len(text) > MaxSummary || !utf8.ValidString(text) {
		t.Fatalf("text has %d bytes (limit %d), valid UTF-8 %v", len(text), MaxSummary, utf8.ValidString(text))
	}
	for _, want := range []string{
		"**… truncated:** the last ", "`commsgate preview comms/a.md --channel issue`",
		"the previews of the remaining communications did not fit", "comms/b.md",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the truncated text does not say %q", want)
		}
	}
	if strings.Count(text, "<details>") != strings.Count(text, "</details>") || strings.Count(text, "```")%2 != 0 {
		t.Error("truncation left a section or a fence open")
	}
}
