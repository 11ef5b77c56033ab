package sandbox_test

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestRemovedMemberStopsCountingOnEveryReplica: two replicas, each event
// reaching one of them. Sol leaves the Steering Committee; the membership
// event reaches the second replica. Sol's approval then reaches the first,
// which still remembers Sol among Steering's members from the earlier
// approvals. A green check, a merge or a publication resting on a vote
// from someone who is no longer on Steering is exactly what commsgate is
// there to prevent.
func TestRemovedMemberStopsCountingOnEveryReplica(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{AutoMerge: true})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	pr := oneApprovalShort(t, sb)
	// The first replica evaluates once more at the current time, so
	// Steering's members (Sol among them) are fresh in its cache.
	say(t, sb, pr, "nina", "/commsgate recheck")

	onlySecond := onlyReplica(sb, second)
	onlySecond.send(t, sb.GitHub.RemoveTeamMember("example/steering-committee", "sol"))

	_, approved := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	send(t, sb, approved)
	bothServers(sb, second).waitIdle(t, ctxFor(t))

	if sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Fatal("merged on the approval of someone who had left the Steering Committee")
	}
	if got := counts(sb); got != (publishedCounts{}) {
		t.Errorf("published on the approval of someone who had left Steering: %+v", got)
	}
	run := approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "steering")
	// Not even for a moment: GitHub's own auto-merge would act on it.
	if lines := logs.lines("changed while evaluating"); len(lines) > 0 {
		t.Fatalf("the check was green on a stale member list before being corrected:\n%s", lines[0])
	}
}

// TestMembershipChangeWhileGreenIsWrittenTakesItBack: Sol leaves Steering
// after commsgate read the member lists but before its green check
// lands, and the membership event goes to the other replica, whose own
// evaluation may well write first. The replica that wrote green must
// notice the list moved and correct its check, and must not merge.
func TestMembershipChangeWhileGreenIsWrittenTakesItBack(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{AutoMerge: true})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	pr := oneApprovalShort(t, sb)

	holdGreenWrite(t, sb, pr)
	onlySecond := onlyReplica(sb, second)
	onlySecond.send(t, sb.GitHub.RemoveTeamMember("example/steering-committee", "sol"))
	bothServers(sb, second).waitIdle(t, ctxFor(t))
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}

	if sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Fatal("merged on the approval of someone who had left the Steering Committee")
	}
	if got := counts(sb); got != (publishedCounts{}) {
		t.Errorf("published on the approval of someone who had left Steering: %+v", got)
	}
	requireState(t, approval(t, sb, pr), "in_progress", "", "steering")
	logs.requireLog(t, "that the replica saw the team change after writing green", "changed while evaluating")
}

// TestPublicationAsksGitHubWhoIsOnSteering: an admin merges a notice
// whose Steering quorum rested on Sol, just after Sol left; the
// membership event went to the other replica. The replica publishing
// must not trust its cached member list: it refuses, and says why.
func TestPublicationAsksGitHubWhoIsOnSteering(t *testing.T) {
	sb := start(t, sandbox.Options{})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	pr := readyToMerge(t, sb) // the sweep left Steering's members in the first replica's cache

	onlySecond := onlyReplica(sb, second)
	onlySecond.send(t, sb.GitHub.RemoveTeamMember("example/steering-committee", "sol"))
	merged := mergeByHand(t, sb, pr)

	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" || !strings.Contains(run.Text, "refused") {
		t.Fatalf("publish check = %s %q:\n%s", run.Conclusion, run.Title, run.Text)
	}
}

// TestUnholdByARemovedLeadDoesNotCountOnTheOtherReplica: Carla's hold is
// lifted by Chris, on the same comms stage as she is, which gives him the
// right to. Chris leaves the comms team while the first replica writes
// green; the membership event reaches the second. The teams that decided
// whose /unhold applies are as much part of the decision as the stages'.
func TestUnholdByARemovedLeadDoesNotCountOnTheOtherReplica(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{AutoMerge: true})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	pr := oneApprovalShort(t, sb)
	say(t, sb, pr, "carla", "/hold legal has not signed off")
	say(t, sb, pr, "chris", "/unhold")

	holdGreenWrite(t, sb, pr)
	onlySecond := onlyReplica(sb, second)
	onlySecond.send(t, sb.GitHub.RemoveTeamMember("example/contribex-comms", "chris"))
	bothServers(sb, second).waitIdle(t, ctxFor(t))
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}

	if sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Fatal("merged over Carla's hold, lifted by someone no longer allowed to")
	}
	requireState(t, approval(t, sb, pr), "completed", "failure", "@carla", "legal has not signed off")
	logs.requireLog(t, "that the replica saw the team change after writing green", "changed while evaluating")
}
