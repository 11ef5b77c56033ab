package sandbox_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/policy"
)

// sloppyNotice has several mistakes an author makes in a first draft: a
// misspelt type, an unknown SIG, a priority that is not one of the four, a
// placeholder summary and no Contact section.
const sloppyNotice = `---
title: SIG Node meeting moves
summary: TODO
type: announcment
sigs: [sig-nodes]
audience: [contributors]
priority: urgent
channels: [announce]
publish_at: 2027-02-09T16:00:00Z
contacts: [alice]
---

## Summary

SIG Node's weekly meeting moves to Thursdays.
`

// expectedAnnotations is what the template check must say about a file:
// one annotation per finding the policy core reports, at its line and
// column, computed here from the same policy file the sandbox uses.
func expectedAnnotations(t *testing.T, path, content string) []string {
	t.Helper()
	rules, findings := config.ParseRepoPolicy(".github/commsgate.yml", []byte(sandbox.Policy(false)))
	if policy.HasErrors(findings) {
		t.Fatalf("sandbox policy does not load: %v", findings)
	}
	var out []string
	for _, f := range policy.CheckDocument(path, []byte(content), rules, monday).Findings {
		out = append(out, fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Rule))
	}
	sort.Strings(out)
	return out
}

func annotationKeys(run githubfake.CheckRun) []string {
	var out []string
	for _, a := range run.Annotations {
		out = append(out, fmt.Sprintf("%s:%d:%d %s", a.Path, a.StartLine, a.StartColumn, a.Title))
	}
	sort.Strings(out)
	return out
}

func TestTemplateMistakesAnnotatedAtTheirLines(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, sloppyNotice)

	tmpl := check(t, sb, pr.HeadSHA, templateCheck)
	requireState(t, tmpl, "completed", "failure", noticePath)
	want := expectedAnnotations(t, noticePath, sloppyNotice)
	if len(want) < 4 {
		t.Fatalf("the sloppy notice should have several findings, the policy core found %v", want)
	}
	if got := annotationKeys(tmpl); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("annotations differ from the findings:\ngot  %v\nwant %v", got, want)
	}
	// The misspelt type is on line 4, its value at column 7: the
	// annotation must point there, not at the file's first line.
	found := false
	for _, a := range tmpl.Annotations {
		if a.StartLine == 4 && a.StartColumn == 7 && a.EndLine == 4 {
			found = true
			if a.Level != "failure" || !strings.Contains(a.Message, "announcement") {
				t.Errorf("the type annotation should be a failure suggesting the right spelling: %+v", a)
			}
		}
	}
	if !found {
		t.Errorf("no annotation at 4:7 for `type: announcment`; annotations: %v", annotationKeys(tmpl))
	}
	// A notice that does not follow its template is not approvable.
	requireState(t, check(t, sb, pr.HeadSHA, approvalCheck), "completed", "failure")
}

func TestTemplateMoreThanFiftyFindingsAllArrive(t *testing.T) {
	sb := start(t, sandbox.Options{})
	files := map[string]string{}
	var paths []string
	for i := 0; i < 12; i++ {
		p := fmt.Sprintf("comms/2027-02-%02d-draft.md", i+1)
		files[p] = sloppyNotice
		paths = append(paths, p)
	}
	var want []string
	for _, p := range paths {
		want = append(want, expectedAnnotations(t, p, sloppyNotice)...)
	}
	sort.Strings(want)
	if len(want) <= 50 {
		t.Fatalf("the fixture should produce more than 50 findings, it produces %d", len(want))
	}

	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Title: "Twelve drafts", Files: files})
	send(t, sb, ev)

	tmpl := check(t, sb, pr.HeadSHA, templateCheck)
	requireState(t, tmpl, "completed", "failure")
	if got := annotationKeys(tmpl); len(got) != len(want) || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%d annotations arrived, want all %d findings (GitHub takes 50 per request)", len(got), len(want))
	}
	for _, p := range paths {
		if !strings.Contains(tmpl.Summary, "### "+p) {
			t.Errorf("the summary should list %s's findings under its own heading:\n%s", p, tmpl.Summary)
		}
	}

	// Re-evaluating the same head must not pile up duplicate annotations.
	say(t, sb, pr, sandbox.Author, "/commsgate recheck")
	if got := len(check(t, sb, pr.HeadSHA, templateCheck).Annotations); got != len(want) {
		t.Fatalf("after a recheck the latest template check has %d annotations, want %d", got, len(want))
	}
}
