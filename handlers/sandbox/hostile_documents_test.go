package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// aliasBomb is a "billion laughs" document: nine levels of nine aliases
// each, 9^9 (387 million) strings once expanded.
func aliasBomb(key string) string {
	var b strings.Builder
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i <= 8; i++ {
		ref := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.Repeat(ref+",", 8)+ref)
	}
	fmt.Fprintf(&b, "%s: *l8\n", key)
	return b.String()
}

// TestHostileNoticesAreAnsweredWithFindings opens notices built to exhaust
// a parser: each must get a failing template check that says what is
// wrong, and the server must go on serving. Time is bounded by send's
// deadline (the evaluation must finish, not hang); how long such a
// document takes is measured by BenchmarkParseHostile in policy, not asserted.
func TestHostileNoticesAreAnsweredWithFindings(t *testing.T) {
	nested := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	manySections := strings.Repeat("## Heading\n\ntext\n\n", 20000)
	tests := []struct {
		name    string
		content string
	}{
		{"YAML alias bomb in the front matter", "---\n" + aliasBomb("title") + "---\n\n## Summary\n\nx\n"},
		{"front matter nested 10000 deep", "---\ntitle: " + nested + "\n---\n\n## Summary\n\nx\n"},
		{"a 3 MB line in the summary", strings.Replace(validNotice(), "starting the first week of March.", strings.Repeat("a", 3<<20), 1)},
		{"20000 sections", validNotice() + manySections},
		{"binary bytes", "\x00\x01\x02---\n\xff\xfe title: x\n---\n"},
		{"front matter never closed", "---\ntitle: x\n" + strings.Repeat("summary: y\n", 50000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := start(t, sandbox.Options{})
			pr := openNotice(t, sb, tt.content)
			tmpl := check(t, sb, pr.HeadSHA, templateCheck)
			if tmpl.Conclusion != "failure" {
				t.Errorf("template check = %s/%s %q, want a failure with findings", tmpl.Status, tmpl.Conclusion, tmpl.Title)
			}
			if !strings.Contains(tmpl.Summary, "line ") {
				t.Errorf("the findings should say where:\n%.2000s", tmpl.Summary)
			}
			if len(tmpl.Summary) > 70000 {
				t.Errorf("the check summary is %d bytes; GitHub refuses more than 65535", len(tmpl.Summary))
			}
			// The server still answers an ordinary event.
			approve(t, sb, pr, "nina")
			if run := approval(t, sb, pr); run.Conclusion == "success" {
				t.Errorf("a broken notice got a green approval check: %q", run.Title)
			}
		})
	}
}

// TestAliasBombInThePolicyFile: the policy on the default branch is itself
// hostile. Both checks fail and point at the policy file; nothing hangs.
func TestAliasBombInThePolicyFile(t *testing.T) {
	sb := start(t, sandbox.Options{Files: map[string]string{".github/commsgate.yml": aliasBomb("groups")}})
	pr := openNotice(t, sb, validNotice())
	for _, name := range []string{templateCheck, approvalCheck} {
		run := check(t, sb, pr.HeadSHA, name)
		if run.Conclusion != "failure" || !strings.Contains(run.Summary+run.Title, ".github/commsgate.yml") {
			t.Errorf("%s = %s %q, want a failure naming .github/commsgate.yml:\n%.1500s", name, run.Conclusion, run.Title, run.Summary)
		}
	}
}

// TestThousandsOfFilesInAPullRequest: a PR with 3000 files (GitHub lists
// at most 3000) of which one is a notice. The notice is judged as usual
// and the cost is the pages of the file list, not a request per file.
func TestThousandsOfFilesInAPullRequest(t *testing.T) {
	sb := start(t, sandbox.Options{})
	files := map[string]string{noticePath: validNotice()}
	for i := 0; len(files) < 3000; i++ {
		files[fmt.Sprintf("docs/generated/page-%04d.md", i)] = "generated\n"
	}
	sb.GitHub.ResetRequests()
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Title: "Regenerate docs and announce", Files: files})
	send(t, sb, ev)
	if run := check(t, sb, pr.HeadSHA, templateCheck); run.Conclusion != "success" {
		t.Errorf("template check = %s %q\n%.1500s", run.Conclusion, run.Title, run.Summary)
	}
	if n := sb.GitHub.Count("GET", "/repos/example/comms/contents/docs/"); n != 0 {
		t.Errorf("the app read %d files outside the communications folder", n)
	}
	if n := sb.GitHub.Counted(); n > 60 {
		t.Errorf("opening a 3000-file PR cost %d counted requests; want the 30 pages of files plus a fixed few:\n%v", n, sb.GitHub.RequestKeys())
	}
}

// TestHundredsOfNoticesInOnePullRequest: 300 notices at once. Each one
// is checked, and the template check still fits GitHub's limits.
func TestHundredsOfNoticesInOnePullRequest(t *testing.T) {
	sb := start(t, sandbox.Options{})
	files := map[string]string{}
	for i := 0; i < 300; i++ {
		content := validNotice()
		if i%2 == 1 {
			content = strings.Replace(content, "type: announcement", "type: rumour", 1)
		}
		files[fmt.Sprintf("comms/2027-02-09-notice-%03d.md", i)] = content
	}
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Title: "Many notices", Files: files})
	send(t, sb, ev)
	run := check(t, sb, pr.HeadSHA, templateCheck)
	if run.Conclusion != "failure" || !strings.Contains(run.Title, "150 files") {
		t.Errorf("150 notices have an unknown type; the template check should fail naming 150 files: %s %q", run.Conclusion, run.Title)
	}
	if len(run.Summary) > 65535 || len(run.Text) > 65535 {
		t.Errorf("check output too large for GitHub: summary %d, text %d bytes", len(run.Summary), len(run.Text))
	}
}
