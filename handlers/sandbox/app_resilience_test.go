package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// pastPublishAt is when a fully approved notice's check turns green.
var pastPublishAt = time.Date(2027, 2, 9, 16, 0, 1, 0, time.UTC)

func TestGitHubOutageNeverLeavesSuccessStanding(t *testing.T) {
	t.Parallel() // mostly waiting out the client's backoff
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	sb.Clock.Set(pastPublishAt)
	say(t, sb, pr, "nina", "/commsgate recheck")
	requireState(t, approval(t, sb, pr), "completed", "success")

	// Steering has second thoughts while GitHub cannot list reviews, for
	// longer than the client retries.
	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/pulls/1/reviews", Status: 502})
	_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sue", State: "CHANGES_REQUESTED"})
	if err := sb.Send(ctxFor(t), ev); err != nil {
		t.Fatal(err)
	}
	run := approval(t, sb, pr)
	if run.Conclusion == "success" {
		t.Fatalf("the reviews could not be read, yet the approval check still passes: %s %q", run.Status, run.Title)
	}
	requireState(t, run, "completed", "failure", "ERROR")

	// GitHub recovers; a recheck shows the real state: sue's change request.
	sb.GitHub.ClearFaults()
	say(t, sb, pr, "nina", "/commsgate recheck")
	requireState(t, approval(t, sb, pr), "completed", "failure", "@sue requested changes")
}

func TestUnreadablePolicyWithdrawsSuccess(t *testing.T) {
	t.Parallel() // mostly waiting out the client's backoff
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	sb.Clock.Set(pastPublishAt)
	say(t, sb, pr, "nina", "/commsgate recheck")
	requireState(t, approval(t, sb, pr), "completed", "success")

	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/contents/.github/commsgate.yml", Status: 502})
	review(t, sb, pr, "sue", "CHANGES_REQUESTED")
	requireState(t, approval(t, sb, pr), "completed", "failure", "ERROR")

	sb.GitHub.ClearFaults()
	say(t, sb, pr, "nina", "/commsgate recheck")
	requireState(t, approval(t, sb, pr), "completed", "failure", "@sue requested changes")
}

func TestRateLimitWithRetryAfterRecovers(t *testing.T) {
	t.Parallel() // mostly waiting out the client's backoff
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	sb.GitHub.ResetRequests()
	sb.GitHub.InjectFault(githubfake.Fault{
		Method: "GET", PathPrefix: "/repos/example/comms/pulls/1/reviews",
		Status: 429, RetryAfter: time.Second, Times: 1,
	})
	approve(t, sb, pr, "nina")
	limited := 0
	for _, r := range sb.GitHub.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	if limited != 1 {
		t.Fatalf("want the one rate-limited answer to be seen and retried, saw %d", limited)
	}
	run := approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "approved by @nina")
}

// deliverNow posts one signed event without waiting for the app.
func deliverNow(ctx context.Context, sb *sandbox.Sandbox, ev githubfake.Event) error {
	resp, err := ev.Deliver(ctx, sb.HookURL, sb.Secret)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("deliver %s: HTTP %d", ev, resp.StatusCode)
	}
	return nil
}

// deliverAsTheyHappen submits reviews one after the other, posting each
// event the moment it exists without waiting for the app, as GitHub does;
// earlier evaluations are still running when later reviews land. Then it
// waits for the app to settle.
func deliverAsTheyHappen(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR, specs []githubfake.ReviewSpec) {
	t.Helper()
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(specs))
	for _, spec := range specs {
		_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, spec)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- deliverNow(ctx, sb, ev)
		}()
		time.Sleep(3 * time.Millisecond)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBurstOfReviewsEndsWithTheLatestState(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")
	// A slower GitHub keeps evaluations in flight while reviews land.
	sb.GitHub.SetLatency(20 * time.Millisecond)

	// Twenty reviews in quick succession; the last word of each Steering
	// member is an approval, except sky who ends by requesting changes.
	var specs []githubfake.ReviewSpec
	for i := 0; i < 4; i++ {
		for _, u := range []string{"sue", "sid", "sol", "sage", "sky"} {
			state := "COMMENTED"
			switch {
			case i == 3 && u == "sky":
				state = "CHANGES_REQUESTED"
			case i == 3:
				state = "APPROVED"
			}
			specs = append(specs, githubfake.ReviewSpec{User: u, State: state})
		}
	}
	deliverAsTheyHappen(t, sb, pr, specs)
	requireState(t, approval(t, sb, pr), "completed", "failure", "@sky requested changes")

	// sky comes round: one more event, and the check follows.
	approve(t, sb, pr, "sky")
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")
}

func TestReviewDeliveredBeforeTheSynchronizeThatPrecededIt(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")

	changed := strings.Replace(validNotice(), "first week of March", "second week of March", 1)
	pr, syncEv := sb.GitHub.PushToPR(sandbox.CommsRepo, pr.Number, githubfake.Change{Files: map[string]string{noticePath: changed}})
	_, reviewEv := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "noah", State: "APPROVED"})

	send(t, sb, reviewEv) // arrives first
	send(t, sb, syncEv)
	run := check(t, sb, pr.HeadSHA, approvalCheck)
	requireState(t, run, "in_progress", "", "approved by @noah", "stale")
	requireState(t, check(t, sb, pr.HeadSHA, templateCheck), "completed", "success")
}

func TestOwnEventsDoNotLoop(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	say(t, sb, pr, "carla", "/hold until Monday")

	// Everything the app's own calls caused was delivered by Send; one
	// more round of them must cause nothing further.
	sb.GitHub.ResetRequests()
	if err := sb.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if left := sb.GitHub.TakeEvents(); len(left) != 0 {
		t.Fatalf("the app keeps causing events: %v", left)
	}
	if n := sb.GitHub.Counted(); n != 0 {
		t.Fatalf("settling made %d requests: %v", n, sb.GitHub.RequestKeys())
	}
	// Redelivering an event the app caused (its review request) costs nothing.
	ev := sb.GitHub.RequestReview(sandbox.CommsRepo, pr.Number, sb.App.BotLogin, nil, []string{"contribex-comms"})
	sb.GitHub.ResetRequests()
	send(t, sb, ev)
	if n := len(sb.GitHub.Requests()); n != 0 {
		t.Fatalf("the app's own review request cost %d requests: %v", n, sb.GitHub.RequestKeys())
	}
}
