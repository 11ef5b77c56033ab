package sandbox_test

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestSlowGitHubPastTheClientTimeout: GitHub answers the reviews list
// only after the client's per-attempt timeout, on every attempt. The
// evaluation must give up (not hang a worker), leave the check not green,
// log the timeout, and the sweep after GitHub speeds up must turn it green.
func TestSlowGitHubPastTheClientTimeout(t *testing.T) {
	sb := start(t, sandbox.Options{})
	// A replica whose client waits 300ms per attempt, twice, instead of
	// production's 20s, so the test takes a second rather than a minute.
	policy := ghclient.DefaultRetryPolicy()
	policy.AttemptTimeout = 300 * time.Millisecond
	policy.MaxAttempts = 2
	policy.BaseDelay = 10 * time.Millisecond
	r := startServerReplica(t, sb, replicaOptions{name: "short-timeout", retry: &policy})
	pr := oneApprovalShort(t, sb)

	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: reviewsPath, Delay: 5 * time.Second})
	_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	began := time.Now()
	only := onlyReplica(sb, r)
	only.send(t, ev)
	took := time.Since(began)

	if run := approval(t, sb, pr); run.Conclusion == "success" {
		t.Fatalf("the reviews never arrived in time, yet the check is green: %q", run.Title)
	}
	// Two 300ms attempts bound it near 600ms; the margin is for a loaded
	// machine. Without the timeout it would take 5s per attempt.
	if took > 3*time.Second {
		t.Errorf("the evaluation took %s: two 300ms attempts should bound it near 600ms", took)
	}
	r.logs.requireLog(t, "that GitHub was too slow", "retrying github request", reviewsPath)
	r.logs.requireLog(t, "that the evaluation failed on the timeout", `"level":"error"`, "deadline exceeded")

	sb.GitHub.ClearFaults()
	only.sweepReplica(t, r)
	if run := approval(t, sb, pr); run.Conclusion != "success" {
		t.Fatalf("once GitHub answered in time again the sweep should turn the check green; got %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
	}
}
