package sandbox_test

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestInstallationTokenExpiresEarly: GitHub stops accepting the token the
// app holds before the expiry it announced (revoked, clock skew, a key
// rotation). The app must not post a green check on state it could not
// read, must say in the logs that GitHub refused its credentials, and must
// recover on its own with a new token by the next sweep.
func TestInstallationTokenExpiresEarly(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)
	issued := sb.GitHub.TokensIssued(sb.Installation.ID)
	sb.GitHub.ResetRequests()

	// The evaluation starts with a good token; GitHub holds the reviews
	// request for a moment, and the token expires while it waits (the
	// fake checks credentials after the delay), so the evaluation has
	// read some state and fails on the rest.
	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: reviewsPath, Delay: 300 * time.Millisecond, Times: 1})
	_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	expired := make(chan struct{})
	go func() {
		defer close(expired)
		time.Sleep(150 * time.Millisecond)
		sb.GitHub.ExpireTokens(sb.Installation.ID)
	}()
	send(t, sb, ev)
	<-expired
	if n := statusCounts(sb.GitHub.Requests())[401]; n == 0 {
		t.Fatalf("no request met the expired token; the test exercised nothing")
	}
	if run := approval(t, sb, pr); run.Conclusion == "success" {
		t.Fatalf("every request was refused, yet the check is green: %q", run.Title)
	}
	logs.requireLog(t, "that GitHub rejected the credentials", "github rejected the app's credentials (401)")
	logs.requireLog(t, "that the evaluation failed", `"level":"error"`, "401")

	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatalf("the sweep after the rejection should work with a new token: %v", err)
	}
	if run := approval(t, sb, pr); run.Conclusion != "success" {
		t.Errorf("with a new token the sweep should turn the check green; got %s/%s %q", run.Status, run.Conclusion, run.Title)
	}
	if now := sb.GitHub.TokensIssued(sb.Installation.ID); now <= issued {
		t.Errorf("tokens issued: %d before the rejection, %d after; the app never asked for a new one", issued, now)
	}
}
