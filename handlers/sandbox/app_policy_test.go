package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// weakPolicy lets a SIG lead alone approve anything: what someone trying
// to slip a notice through would write.
func weakPolicy() string {
	return sandbox.Policy(false) + "tiers:\n  1: [sig]\n  2: [sig]\n  3: [sig]\n"
}

func TestPolicyChangeInPRIsJudgedByDefaultBranchAtTopTier(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Simplify reviews",
		Files: map[string]string{".github/commsgate.yml": weakPolicy(), noticePath: validNotice()},
	})
	send(t, sb, ev)

	appr := check(t, sb, pr.HeadSHA, approvalCheck)
	requireState(t, appr, "in_progress", "", "Tier 3", "**comms** (example/contribex-comms)", "**security** (example/security-leads)", "**steering** (example/steering-committee)")
	approve(t, sb, pr, "nina")
	appr = approval(t, sb, pr)
	if !blocksMerge(appr) {
		t.Fatalf("the PR's own weakened policy let a SIG lead alone approve it:\n%s", appr.Summary)
	}
	if got := teamsRequested(sb, pr); got != "example/contribex-comms" {
		t.Fatalf("after the SIG stage the default branch's tier 3 asks comms next; requested %q", got)
	}

	// The policy file alone, without any notice, still needs the top tier.
	pr2, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Only the policy",
		Files: map[string]string{".github/commsgate.yml": weakPolicy()},
	})
	send(t, sb, ev)
	requireState(t, check(t, sb, pr2.HeadSHA, approvalCheck), "in_progress", "", "Tier 3")
}

func TestRetargetingTheBaseDoesNotChangeThePolicy(t *testing.T) {
	sb := start(t, sandbox.Options{})
	sb.GitHub.Push(sandbox.CommsRepo, "lenient", githubfake.Change{Files: map[string]string{".github/commsgate.yml": weakPolicy()}})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")
	before := approval(t, sb, pr)

	base := "lenient"
	pr, ev := sb.GitHub.EditPR(sandbox.CommsRepo, pr.Number, githubfake.PREdit{Base: &base})
	send(t, sb, ev)
	if pr.BaseRef != "lenient" {
		t.Fatalf("the fixture did not retarget: base %s", pr.BaseRef)
	}
	after := approval(t, sb, pr)
	if !blocksMerge(after) {
		t.Fatalf("retargeting to a branch with a lenient policy approved the PR:\n%s", after.Summary)
	}
	requireState(t, after, before.Status, before.Conclusion, "steering")
}

func TestBrokenPolicyFailsBothChecksAtItsOwnLines(t *testing.T) {
	sb := start(t, sandbox.Options{})
	// Line 4 of the policy gets an unknown quorum.
	broken := strings.Replace(sandbox.Policy(false), "quorum: majority", "quorum: most", 1)
	if !strings.Contains(strings.Split(broken, "\n")[3], "quorum: most") {
		t.Fatalf("fixture: the broken quorum should be on line 4:\n%s", broken)
	}
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": broken}})
	pr := openNotice(t, sb, validNotice())

	tmpl := check(t, sb, pr.HeadSHA, templateCheck)
	requireState(t, tmpl, "completed", "failure", "Policy file is broken")
	onLine4 := false
	for _, a := range tmpl.Annotations {
		if a.Path != ".github/commsgate.yml" {
			t.Errorf("annotation on %s, want the policy file: %+v", a.Path, a)
		}
		onLine4 = onLine4 || a.StartLine == 4
	}
	if !onLine4 {
		t.Fatalf("no annotation on the policy file's line 4: %+v", tmpl.Annotations)
	}
	requireState(t, check(t, sb, pr.HeadSHA, approvalCheck), "completed", "failure", "does not load")

	// Approvals cannot get around a broken policy.
	approveThrough(t, sb, pr)
	requireState(t, check(t, sb, pr.HeadSHA, approvalCheck), "completed", "failure")
}

func TestRemovedSteeringMemberStopsCounting(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr) // nina, then sue, sid and sol: 3 of 5
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")

	send(t, sb, sb.GitHub.RemoveTeamMember("example/steering-committee", "sol"))
	run := approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "steering")
	if strings.Contains(run.Title, "SCHEDULED") {
		t.Fatalf("sol left Steering, yet their approval still completes the majority:\n%s", run.Summary)
	}
	if !strings.Contains(run.Summary, "@sol") {
		t.Fatalf("the summary should say sol's approval no longer counts:\n%s", run.Summary)
	}
}

func TestRepositoryWithoutPolicyIsLeftAlone(t *testing.T) {
	sb := start(t, sandbox.Options{})
	sb.GitHub.CreateRepo(githubfake.RepoSpec{Name: "example/website", Files: map[string]string{"comms/README.md": "not ours\n"}})
	sb.GitHub.SetCollaborator("example/website", sandbox.Author, "write")
	pr, ev := sb.GitHub.OpenPR("example/website", githubfake.PRSpec{
		Author: sandbox.Author, Files: map[string]string{noticePath: validNotice()},
	})
	send(t, sb, ev) // cold: learns there is no policy

	sb.GitHub.ResetRequests()
	_, ev = sb.GitHub.PushToPR("example/website", pr.Number, githubfake.Change{Files: map[string]string{noticePath: validNotice() + "\nmore\n"}})
	send(t, sb, ev)
	_, ev = sb.GitHub.SubmitReview("example/website", pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED"})
	send(t, sb, ev)

	if runs := sb.GitHub.CheckRuns("example/website", sb.GitHub.PullRequest("example/website", pr.Number).HeadSHA); len(runs) != 0 {
		t.Fatalf("a repository without a policy got checks: %+v", runs)
	}
	reqs := sb.GitHub.Requests()
	if len(reqs) > 2 || sb.GitHub.Counted() != 0 {
		t.Fatalf("two events on a repository without a policy made %d requests (%d counted), want at most one conditional request each: %v",
			len(reqs), sb.GitHub.Counted(), reqs)
	}

	// Adding a policy file moves the branch: the next event reads it.
	sb.GitHub.Push("example/website", "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": sandbox.Policy(false)}})
	_, ev = sb.GitHub.SubmitReview("example/website", pr.Number, githubfake.ReviewSpec{User: "sue", State: "APPROVED"})
	send(t, sb, ev)
	if _, ok := sb.GitHub.LatestCheckRun("example/website", sb.GitHub.PullRequest("example/website", pr.Number).HeadSHA, approvalCheck); !ok {
		t.Fatal("the repository got a policy file, yet the next event posted no approval check")
	}
}

// Publication judges a merge by the policy the default branch had just
// before it. Read after the merge, the PR's own weakened policy would be
// the one on main, and a SIG lead's approval plus an administrator's
// merge would be enough to publish.
func TestMergeThatWeakensThePolicyIsJudgedByThePolicyBeforeIt(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Simplify reviews",
		Files: map[string]string{".github/commsgate.yml": weakPolicy(), noticePath: validNotice()},
	})
	send(t, sb, ev)
	approve(t, sb, pr, "nina")
	sb.Clock.Set(afterPublishAt)
	merged := mergeByHand(t, sb, pr)

	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" || !strings.Contains(run.Text, "merged before it was approved") {
		t.Fatalf("publish check = %s %q, want a refusal for missing approvals:\n%s", run.Conclusion, run.Title, run.Text)
	}
}

// A PR that changes the policy is approved at the top tier; then a push
// swaps the policy change for a weaker one, the notice unchanged. The
// policy file is content under review: the approvals went stale with it.
func TestPolicySwappedAfterApprovalMakesTheApprovalsStale(t *testing.T) {
	sb := start(t, sandbox.Options{})
	stricter := sandbox.Policy(false) + "# reviewed wording\n"
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Tidy the policy",
		Files: map[string]string{".github/commsgate.yml": stricter, noticePath: validNotice()},
	})
	send(t, sb, ev)
	for _, u := range []string{"nina", "carla", "sam", "sue", "sid", "sol"} {
		approve(t, sb, pr, u)
	}
	requireState(t, check(t, sb, pr.HeadSHA, approvalCheck), "in_progress", "", "SCHEDULED")

	swapped, ev := sb.GitHub.PushToPR(sandbox.CommsRepo, pr.Number, githubfake.Change{
		Message: "simplify", Files: map[string]string{".github/commsgate.yml": weakPolicy()},
	})
	send(t, sb, ev)
	appr := check(t, sb, swapped.HeadSHA, approvalCheck)
	if !blocksMerge(appr) || strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("approvals of the old policy text still count after it was swapped:\n%s %s", appr.Title, appr.Summary)
	}
	if !strings.Contains(appr.Summary, "policy file changed after") {
		t.Errorf("the check should say the policy file changed since the approvals:\n%s", appr.Summary)
	}
}

// Retargeting smuggles a notice: the PR's head was cut from a branch
// that already carries a second notice, and its approvals saw only the
// first. Changing the base to main makes the PR ship both; the approvals
// were of another diff and stop counting, and the PR says why.
func TestRetargetingMakesEarlierApprovalsStale(t *testing.T) {
	sb := start(t, sandbox.Options{})
	smuggled := notice("Registry freeze starts tomorrow", publishAt, nil)
	sb.GitHub.Push(sandbox.CommsRepo, "staging", githubfake.Change{Files: map[string]string{"comms/2027-02-09-freeze.md": smuggled}})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Meeting move", Base: "staging",
		Files: map[string]string{noticePath: validNotice()},
	})
	send(t, sb, ev)
	base := "main"
	pr, ev = sb.GitHub.EditPR(sandbox.CommsRepo, pr.Number, githubfake.PREdit{Base: &base})
	_ = ev // the approvals below come first; the retarget is delivered after them
	approveThrough(t, sb, pr)
	sb.Clock.Advance(time.Minute)
	send(t, sb, ev)

	appr := approval(t, sb, pr)
	if !blocksMerge(appr) || strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("approvals given before the retarget still count:\n%s\n%s", appr.Title, appr.Summary)
	}
	if !strings.Contains(appr.Summary, "base branch changed after this review") {
		t.Errorf("the check should say the approvals went stale with the base:\n%s", appr.Summary)
	}
	var recorded bool
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, pr.Number) {
		recorded = recorded || strings.Contains(c.Body, "changed from `staging` to `main`")
	}
	if !recorded {
		t.Error("the change of base should be recorded on the PR for later evaluations")
	}
	// Approving again after the retarget counts.
	sb.Clock.Advance(time.Minute)
	approveThrough(t, sb, pr)
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")
}
