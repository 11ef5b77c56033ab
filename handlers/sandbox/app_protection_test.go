package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

const (
	classicProtectionPath = "GET /repos/" + sandbox.CommsRepo + "/branches/main/protection/required_status_checks"
	rulesPath             = "GET /repos/" + sandbox.CommsRepo + "/rules/branches/main"
)

// TestBranchProtectionIsVerified: the approval check says, in words, when
// the default branch does not require both of commsgate's checks from
// commsgate's own app id, and how to fix it; it stays silent when it does.
// The warning never changes the check's result.
func TestBranchProtectionIsVerified(t *testing.T) {
	anyApp := int64(-1)
	tests := []struct {
		name    string
		protect func(sb *sandbox.Sandbox)
		want    []string // in the summary; none means no warning at all
	}{
		{"unprotected", func(*sandbox.Sandbox) {}, []string{
			"### ⚠️ Branch protection", "The default branch `main` has no branch protection and no ruleset requires status checks on it",
			"`commsgate/template` is not required", "`commsgate/approval` is not required",
			"Settings → Branches → the protection rule of `main`", "This warning does not change the result above",
		}},
		{"any source (null)", func(sb *sandbox.Sandbox) {
			sb.GitHub.ProtectBranch(sandbox.CommsRepo, "main", templateCheck, approvalCheck)
		}, []string{"`commsgate/template` is required from any source (branch protection)", "`commsgate/approval` is required from any source (branch protection)"}},
		{"any source (-1)", func(sb *sandbox.Sandbox) {
			sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main", githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.RequiredCheck{Context: approvalCheck, AppID: &anyApp})
		}, []string{"`commsgate/approval` is required from any source (branch protection)"}},
		{"another app", func(sb *sandbox.Sandbox) {
			sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main", githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.AppCheck(approvalCheck, 4242))
		}, []string{fmt.Sprintf("`commsgate/approval` is required from app id 4242 (branch protection), not from commsgate (app id %d)", 0)}},
		{"this app", func(sb *sandbox.Sandbox) {
			sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main", githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.AppCheck(approvalCheck, sb.App.ID))
		}, nil},
		{"ruleset from this app", func(sb *sandbox.Sandbox) {
			sb.GitHub.AddBranchRuleset(sandbox.CommsRepo, "main", 7, githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.AppCheck(approvalCheck, sb.App.ID))
		}, nil},
		{"ruleset from any source", func(sb *sandbox.Sandbox) {
			sb.GitHub.AddBranchRuleset(sandbox.CommsRepo, "main", 7, githubfake.RequiredCheck{Context: templateCheck}, githubfake.AppCheck(approvalCheck, sb.App.ID))
		}, []string{"`commsgate/template` is required from any source (ruleset 7)", "Settings → Rules → Rulesets"}},
		{"ruleset from another app", func(sb *sandbox.Sandbox) {
			sb.GitHub.AddBranchRuleset(sandbox.CommsRepo, "main", 9, githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.AppCheck(approvalCheck, 4242))
		}, []string{"`commsgate/approval` is required from app id 4242 (ruleset 9)"}},
		{"ruleset covers an unreadable protection", func(sb *sandbox.Sandbox) {
			sb.GitHub.WithholdAdministration(sandbox.CommsRepo)
			sb.GitHub.AddBranchRuleset(sandbox.CommsRepo, "main", 7, githubfake.AppCheck(templateCheck, sb.App.ID), githubfake.AppCheck(approvalCheck, sb.App.ID))
		}, nil},
		{"no administration permission", func(sb *sandbox.Sandbox) {
			sb.GitHub.WithholdAdministration(sandbox.CommsRepo)
		}, []string{"`commsgate/approval` is not required by any rule commsgate can read", "lacks the repository permission Administration: read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := start(t, sandbox.Options{})
			tt.protect(sb)
			pr := openNotice(t, sb, validNotice())
			run := approval(t, sb, pr)
			if !blocksMerge(run) {
				t.Fatalf("an unapproved notice passed: %s/%s", run.Status, run.Conclusion)
			}
			for i, w := range tt.want {
				if strings.Contains(w, "app id 0)") {
					tt.want[i] = strings.Replace(w, "app id 0)", fmt.Sprintf("app id %d)", sb.App.ID), 1)
				}
			}
			requireProtectionWords(t, run, tt.want)

			// Approved, the check reads as it would without the warning.
			approveThrough(t, sb, pr)
			run = approval(t, sb, pr)
			requireState(t, run, "in_progress", "", "SCHEDULED — approved")
			requireProtectionWords(t, run, tt.want)
		})
	}
}

func requireProtectionWords(t *testing.T, run githubfake.CheckRun, want []string) {
	t.Helper()
	if len(want) == 0 {
		if strings.Contains(run.Summary, "Branch protection") {
			t.Errorf("the branch requires both checks from commsgate, yet the check warns:\n%s", run.Summary)
		}
		return
	}
	for _, w := range want {
		if !strings.Contains(run.Summary, w) {
			t.Errorf("the approval check should say %q:\n%s", w, run.Summary)
		}
	}
}

// TestBranchProtectionIsReadOncePerRepository: several evaluations of a
// PR read the protection and the rulesets once, from the cache after.
func TestBranchProtectionIsReadOncePerRepository(t *testing.T) {
	sb := start(t, sandbox.Options{})
	sb.GitHub.ProtectBranch(sandbox.CommsRepo, "main", templateCheck, approvalCheck)
	pr := openNotice(t, sb, validNotice())
	say(t, sb, pr, "nina", "/commsgate recheck")
	approveThrough(t, sb, pr)
	second := openNoticeAt(t, sb, "comms/2027-02-10-second.md", validNotice())
	if !strings.Contains(approval(t, sb, second).Summary, "required from any source") {
		t.Fatal("the second PR's check lost the warning")
	}
	// Every request, 304s included: a revalidated read is still a read.
	counts := map[string]int{}
	for _, r := range sb.GitHub.Requests() {
		counts[r.Key()]++
	}
	if counts[classicProtectionPath] != 1 || counts[rulesPath] != 1 {
		t.Errorf("read the protection %d times and the rulesets %d times over several evaluations, want once each",
			counts[classicProtectionPath], counts[rulesPath])
	}
}

// TestApprovalCheckPreviewsTheIssueBody: the approval check's text holds
// the issue body as it will be posted, collapsed and fenced as source.
func TestApprovalCheckPreviewsTheIssueBody(t *testing.T) {
	sb := start(t, sandbox.Options{})
	content := strings.Replace(validNotice(), standardSummary, standardSummary+"\n\n<!-- a note for reviewers -->", 1)
	pr := openNotice(t, sb, content)
	run := approval(t, sb, pr)
	for _, want := range []string{
		"<details><summary>Preview: issue body as it will be posted (" + noticePath + ")</summary>",
		"```markdown\n", "SIG Node's weekly meeting moves from Tuesdays to Thursdays", "Approved in " + sandbox.CommsRepo + "#",
		"</details>",
	} {
		if !strings.Contains(run.Text, want) {
			t.Errorf("the approval check's text should hold %q:\n%s", want, run.Text)
		}
	}
	if strings.Contains(run.Text, "a note for reviewers") {
		t.Errorf("the preview shows a comment that no channel sends:\n%s", run.Text)
	}
}
