package sandbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestSlowReplicaDoesNotOverwriteANewerDecision: two replicas behind one
// load balancer, each event reaching one of them. The first replica reads
// the PR just before a change request arrives and is then slow to write;
// the second replica evaluates the change request and writes "changes
// requested". The first one's late write must not leave a green check on
// a notice Steering just objected to; failing that, the sweep must
// correct it.
func TestSlowReplicaDoesNotOverwriteANewerDecision(t *testing.T) {
	for _, autoMerge := range []bool{false, true} {
		t.Run(map[bool]string{false: "manual merge", true: "auto-merge"}[autoMerge], func(t *testing.T) {
			slowReplicaRace(t, autoMerge)
		})
	}
}

func slowReplicaRace(t *testing.T, autoMerge bool) {
	sb, logs := startLogged(t, sandbox.Options{AutoMerge: autoMerge})
	second := startServerReplica(t, sb, replicaOptions{name: "second"})
	pr := oneApprovalShort(t, sb)
	head := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).HeadSHA
	reviewsPath := fmt.Sprintf("/repos/example/comms/pulls/%d/reviews", pr.Number)

	// The first replica (the sandbox's server) gets sol's approval, reads
	// the reviews, then waits on GitHub before it writes its check: long
	// enough for the second replica to handle the change request first.
	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/commits/" + head + "/check-runs", Delay: 2 * time.Second, Times: 1})
	readsBefore := requestsTo(sb, "GET", reviewsPath)
	_, approved := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	if err := deliverTo(ctxFor(t), sb.HookURL, approved); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first replica to read the reviews", func() bool { return requestsTo(sb, "GET", reviewsPath) > readsBefore })

	// Meanwhile sky requests changes; that event reaches the second replica.
	_, objected := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sky", State: "CHANGES_REQUESTED"})
	only := onlyReplica(sb, second)
	only.send(t, objected)
	all := bothServers(sb, second)
	all.waitIdle(t, ctxFor(t))
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}

	if run := approval(t, sb, pr); run.Conclusion == "success" {
		t.Errorf("the slow replica's late write left the check green although @sky requested changes: %q", run.Title)
	}
	if sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Errorf("the slow replica merged a notice @sky had requested changes on")
	}
	if got := counts(sb); got != (publishedCounts{}) {
		t.Errorf("a notice @sky requested changes on was published: %+v", got)
	}
	logs.requireLog(t, "that the first replica saw the state move and started over", "changed while evaluating")
}

// waitFor polls until cond holds; the test fails after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
