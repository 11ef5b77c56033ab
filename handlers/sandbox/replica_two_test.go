package sandbox_test

import (
	"sync"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// approvedWithTwoReplicas takes a notice from opening to a green check
// with two replicas that share nothing but GitHub, each receiving every
// webhook at the same moment.
func approvedWithTwoReplicas(t *testing.T) (*sandbox.Sandbox, *servers, githubfake.PR) {
	t.Helper()
	sb := start(t, sandbox.Options{})
	both := bothServers(sb, startServerReplica(t, sb, replicaOptions{name: "second"}))

	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node meeting move",
		Files: map[string]string{noticePath: validNotice()},
	})
	both.send(t, ev)
	for _, u := range []string{"nina", "sue", "sid", "sol"} {
		_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: u, State: "APPROVED"})
		both.send(t, ev)
	}
	sb.Clock.Set(pastPublishAt)
	_, ev = sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "nina", "/commsgate recheck")
	both.send(t, ev)
	return sb, both, pr
}

// TestTwoReplicasAgreeOnTheChecks: whatever the two replicas did in
// parallel, the checks GitHub shows (the latest run of each name) are
// what GitHub's final state implies.
func TestTwoReplicasAgreeOnTheChecks(t *testing.T) {
	sb, _, pr := approvedWithTwoReplicas(t)
	requireState(t, approval(t, sb, pr), "completed", "success")
	requireState(t, check(t, sb, pr.HeadSHA, templateCheck), "completed", "success")
	requireFreshEvaluationAgrees(t, sb, pr)
	for _, name := range []string{approvalCheck, templateCheck} {
		if n := checkRunCount(sb, pr.HeadSHA, name); n != 1 {
			// Harmless for branch protection, which reads the latest run
			// of a name, but worth knowing: both replicas created one.
			t.Logf("%s: %d check runs on the head (both replicas created one on the opened event)", name, n)
		}
	}
}

// TestTwoReplicasPublishOnce: both replicas receive the merged event at
// the same moment, and GitHub redelivers it to both. Each channel must get
// the notice once, with one ledger and one follow-up issue.
func TestTwoReplicasPublishOnce(t *testing.T) {
	sb, both, pr := approvedWithTwoReplicas(t)
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	both.send(t, ev)
	both.send(t, ev)

	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Errorf("two replicas each got the merge twice: deliveries %+v, want exactly one per channel %+v", got, want)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Errorf("follow-up issues = %d, want 1", n)
	}
	if n := checkRunCount(sb, merged.MergeCommitSHA, "commsgate/publish"); n != 1 {
		t.Errorf("publish check runs on the merge commit = %d, want 1 ledger", n)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Errorf("publish check = %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Text)
	}
}

// TestTwoReplicasSweepAtPublishTimeWithAutoMerge: with auto-merge on, both
// replicas' sweepers notice publish_at at the same moment. GitHub merges
// once; the notice is published once.
func TestTwoReplicasSweepAtPublishTimeWithAutoMerge(t *testing.T) {
	sb := start(t, sandbox.Options{AutoMerge: true})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	both := bothServers(sb, second)
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	sb.Clock.Set(pastPublishAt)

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs <- sb.Sweep(ctxFor(t)) }()
	go func() {
		defer wg.Done()
		errs <- second.app.NewSweeper(0).SweepOnce(second.logger.WithContext(ctxFor(t)))
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Settle: the merge's webhooks reach both replicas.
	both.waitIdle(t, ctxFor(t))
	for _, ev := range sb.GitHub.TakeEvents() {
		both.send(t, ev)
	}

	got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	if !got.Merged {
		t.Fatalf("at publish_at with auto-merge, the PR should be merged; state %s", got.State)
	}
	if c, want := counts(sb), (publishedCounts{1, 1, 1, 1}); c != want {
		t.Errorf("deliveries %+v, want exactly one per channel %+v", c, want)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Errorf("follow-up issues = %d, want 1", n)
	}
}
