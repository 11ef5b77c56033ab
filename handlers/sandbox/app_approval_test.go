package sandbox_test

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func TestDraftGetsChecksButNoReviewRequests(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Draft: true, Files: map[string]string{noticePath: validNotice()},
	})
	send(t, sb, ev)

	requireState(t, check(t, sb, pr.HeadSHA, templateCheck), "completed", "success")
	appr := check(t, sb, pr.HeadSHA, approvalCheck)
	requireState(t, appr, "in_progress", "")
	if got := teamsRequested(sb, pr); got != "" {
		t.Fatalf("a draft asked %s for a review; reviewers should only see finished text", got)
	}
	if n := sb.GitHub.Count("POST", "/repos/example/comms/pulls/1/requested_reviewers"); n != 0 {
		t.Fatalf("a draft made %d review requests", n)
	}

	send(t, sb, sb.GitHub.ReadyForReview(sandbox.CommsRepo, pr.Number))
	if got := teamsRequested(sb, pr); got != "example/sig-node-leads" {
		t.Fatalf("ready for review: requested %q, want the first stage's team only", got)
	}
	requireState(t, approval(t, sb, pr), "in_progress", "", "requested review from `example/sig-node-leads`")
}

// Every state the approval check passes through before the last approval
// must block merging: GitHub lets neutral and skipped satisfy a required
// check, so neither may ever appear.
func TestApprovalCheckBlocksUntilApproved(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	seen := func(step string) {
		t.Helper()
		for _, run := range sb.GitHub.CheckRuns(sandbox.CommsRepo, sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).HeadSHA) {
			if run.Name != approvalCheck {
				continue
			}
			if run.Conclusion == "neutral" || run.Conclusion == "skipped" {
				t.Fatalf("%s: approval check was %s, which GitHub counts as passing", step, run.Conclusion)
			}
		}
		if run := approval(t, sb, pr); !blocksMerge(run) {
			t.Fatalf("%s: approval check lets the PR merge before it is approved: %s/%s %q", step, run.Status, run.Conclusion, run.Title)
		}
	}
	seen("opened")
	review(t, sb, pr, "mallory", "APPROVED")
	seen("outsider approved")
	review(t, sb, pr, "nina", "APPROVED")
	seen("SIG approved")
	review(t, sb, pr, "sue", "COMMENTED")
	seen("steering commented")
	review(t, sb, pr, "sue", "APPROVED")
	review(t, sb, pr, "sid", "APPROVED")
	seen("2 of 5 steering")
	review(t, sb, pr, "sol", "APPROVED")
	seen("approved before publish_at")
}

func TestReviewRequestsAreStagedAndNeverRepeated(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	if got := teamsRequested(sb, pr); got != "example/sig-node-leads" {
		t.Fatalf("requested %q, want only the SIG stage", got)
	}
	const requests = "/repos/example/comms/pulls/1/requested_reviewers"

	// Events that do not move the ladder must not ask anyone again.
	sb.GitHub.ResetRequests()
	review(t, sb, pr, "mallory", "COMMENTED")
	say(t, sb, pr, "nina", "/commsgate recheck")
	push(t, sb, pr, map[string]string{"comms/README.md": "# Communications\n\nOne file per notice.\n"})
	if n := sb.GitHub.Count("POST", requests); n != 0 {
		t.Fatalf("the SIG leads were asked again %d times", n)
	}

	// Once the SIG stage is done, Steering is asked: once. GitHub drops the
	// team's request when sue reviews on its behalf; Steering was asked
	// all the same and must not be notified again for each approval.
	pr = sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	approve(t, sb, pr, "nina")
	if got := teamsRequested(sb, pr); got != "example/steering-committee" {
		t.Fatalf("after the SIG stage, requested %q, want steering", got)
	}
	approve(t, sb, pr, "sue")
	approve(t, sb, pr, "sid")
	if n := sb.GitHub.Count("POST", requests); n != 1 {
		t.Fatalf("%d review requests after the SIG stage, want exactly one (steering)", n)
	}
}

func TestTeamWithoutRepoAccessIsReportedNotFatal(t *testing.T) {
	sb := start(t, sandbox.Options{})
	// SIG Docs' leads exist but were never given access to the repository,
	// so GitHub refuses to request their review (422).
	sb.GitHub.CreateTeam("example/sig-docs-leads", "dora")
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{
		".github/commsgate.yml": strings.Replace(sandbox.Policy(false), "sigs:\n", "sigs:\n  sig-docs: example/sig-docs-leads\n", 1),
	}})
	pr := openNotice(t, sb, notice("SIG Docs moves its meeting", publishAt, func(f map[string]string) {
		f["sigs"] = "[sig-docs]"
	}))

	appr := check(t, sb, pr.HeadSHA, approvalCheck)
	requireState(t, appr, "in_progress", "", "example/sig-docs-leads", "could not request", "read access")
	if got := teamsRequested(sb, pr); got != "" {
		t.Fatalf("requested %q although GitHub refused", got)
	}
	// The evaluation went on: dora's approval still counts for the stage.
	approve(t, sb, pr, "dora")
	if !strings.Contains(approval(t, sb, pr).Summary, "@dora") {
		t.Fatalf("dora's approval is not shown:\n%s", approval(t, sb, pr).Summary)
	}
}

func TestStaleApprovalDiscardedOnlyWhenTheNoticeChanged(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")
	firstHead := pr.HeadSHA

	// A README outside comms/ changes: nina reviewed the same notice text.
	pr = push(t, sb, pr, map[string]string{"README.md": "# Example comms\n"})
	appr := approval(t, sb, pr)
	if strings.Contains(appr.Summary, "stale") {
		t.Fatalf("a change outside the notice made nina's approval stale:\n%s", appr.Summary)
	}
	if !strings.Contains(appr.Summary, "approved by @nina") {
		t.Fatalf("nina's approval should still count:\n%s", appr.Summary)
	}

	// The notice itself changes: what nina approved is not what would go out.
	changed := strings.Replace(validNotice(), "starting the first week of March", "starting the second week of March", 1)
	pr = push(t, sb, pr, map[string]string{noticePath: changed})
	appr = approval(t, sb, pr)
	requireState(t, appr, "in_progress", "", "stale", noticePath, firstHead[:7])
	if strings.Contains(appr.Summary, "approved by @nina") {
		t.Fatalf("a stale approval still counts:\n%s", appr.Summary)
	}
}

func TestChangesRequestedBlocksUntilResolved(t *testing.T) {
	for _, resolve := range []string{"approve", "dismiss"} {
		t.Run(resolve, func(t *testing.T) {
			sb := start(t, sandbox.Options{})
			pr := openNotice(t, sb, validNotice())
			approve(t, sb, pr, "nina")
			rv := review(t, sb, pr, "sue", "CHANGES_REQUESTED")
			requireState(t, approval(t, sb, pr), "completed", "failure", "@sue")

			// A change request from someone in no required team does not block.
			review(t, sb, pr, "mallory", "CHANGES_REQUESTED")
			if s := approval(t, sb, pr).Summary; strings.Contains(changesRequestedSection(s), "@mallory") {
				t.Fatalf("an outsider's change request blocks:\n%s", s)
			}

			switch resolve {
			case "approve":
				approve(t, sb, pr, "sue")
			case "dismiss":
				send(t, sb, sb.GitHub.DismissReview(sandbox.CommsRepo, pr.Number, rv.ID, "nina"))
			}
			run := approval(t, sb, pr)
			if run.Conclusion == "failure" {
				t.Fatalf("after %s the change request still blocks:\n%s", resolve, run.Summary)
			}
			requireState(t, run, "in_progress", "")
		})
	}
}

// changesRequestedSection is the summary's list of blocking reviews.
func changesRequestedSection(summary string) string {
	_, rest, ok := strings.Cut(summary, "### Changes requested")
	if !ok {
		return ""
	}
	section, _, _ := strings.Cut(rest, "###")
	return section
}

// An approval on an earlier commit and one on the head are checked for
// staleness together. The head is made to sort after the earlier commit,
// so its result is recorded while the earlier comparison still runs:
// under -race this guards the shared result.
func TestApprovalsOnEarlierCommitAndHeadBothCount(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")
	earlier := pr.HeadSHA
	for i := 1; pr.HeadSHA <= earlier; i++ {
		if i > 50 {
			t.Fatal("no pushed commit sorted after the first one")
		}
		pr = push(t, sb, pr, map[string]string{"README.md": strings.Repeat("#", i) + " Example comms\n"})
	}
	approve(t, sb, pr, "sue")
	appr := approval(t, sb, pr)
	requireState(t, appr, "in_progress", "", "@nina", "@sue")
	if strings.Contains(appr.Summary, "stale") {
		t.Fatalf("a change outside the notice made an approval stale:\n%s", appr.Summary)
	}
}
