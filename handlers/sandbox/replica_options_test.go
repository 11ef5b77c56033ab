package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestSandboxQueueFollowsOptions: Options.Workers and QueueSize size the
// sandbox's own server. With its one worker held by a slow GitHub and
// room for one more delivery in its queue, a burst meets a full queue and
// is answered 503 (a server with the old fixed 4 workers and queue of 100
// would accept the whole burst).
func TestSandboxQueueFollowsOptions(t *testing.T) {
	sb := start(t, sandbox.Options{Workers: 1, QueueSize: 1})
	_, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node meeting move",
		Files: map[string]string{noticePath: validNotice()},
	})
	// The first request the app makes to GitHub (for the first delivery)
	// waits, which keeps the only worker busy while the burst arrives.
	sb.GitHub.InjectFault(githubfake.Fault{Delay: 2 * time.Second, Times: 1})

	ctx := ctxFor(t)
	const burst = 20
	accepted, full := 0, 0
	for i := 0; i < burst && full == 0; i++ {
		resp, err := ev.Deliver(ctx, sb.HookURL, sb.Secret)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK, http.StatusAccepted:
			accepted++
		case http.StatusServiceUnavailable:
			full++
		default:
			t.Fatalf("delivery %d: HTTP %d, want 200, 202 or 503", i+1, resp.StatusCode)
		}
	}
	if full == 0 {
		t.Fatalf("all %d deliveries were accepted with one busy worker and a queue of one: the sandbox ignored Options.Workers/QueueSize", accepted)
	}
	if accepted == 0 {
		t.Fatal("not even the first delivery was accepted")
	}
	if accepted > 2 {
		t.Errorf("%d deliveries were accepted before the first 503; one worker and a queue of one hold at most 2", accepted)
	}
	// What was accepted is still handled.
	if err := sb.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sb.GitHub.Count("", ""); got == 0 {
		t.Error("the accepted deliveries never reached GitHub")
	}
}
