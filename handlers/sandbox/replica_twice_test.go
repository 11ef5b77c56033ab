package sandbox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// checkRunCount counts the check runs of one name on a commit: the app
// must update its check, never pile up new ones.
func checkRunCount(sb *sandbox.Sandbox, sha, name string) int {
	n := 0
	for _, r := range sb.GitHub.CheckRuns(sandbox.CommsRepo, sha) {
		if r.Name == name {
			n++
		}
	}
	return n
}

// deliverConcurrently posts every event at once, as GitHub does after an
// outage, then settles.
func deliverConcurrently(t *testing.T, sb *sandbox.Sandbox, events []githubfake.Event) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(events))
	for _, ev := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- deliverTo(ctxFor(t), sb.HookURL, ev)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
}

// requestsTo counts every request to the path, 304s included.
func requestsTo(sb *sandbox.Sandbox, method, path string) int {
	n := 0
	for _, r := range sb.GitHub.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// requireFreshEvaluationAgrees re-evaluates from scratch (a sweep) and
// fails if that changes the approval check: the check left by the events
// must already be the one GitHub's latest state implies.
func requireFreshEvaluationAgrees(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) {
	t.Helper()
	before := approval(t, sb, pr)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	after := approval(t, sb, pr)
	if before.Status != after.Status || before.Conclusion != after.Conclusion || before.Title != after.Title {
		t.Fatalf("the events left %s/%s %q, but GitHub's latest state gives %s/%s %q", before.Status, before.Conclusion, before.Title, after.Status, after.Conclusion, after.Title)
	}
}

func TestSameDeliveryTwice(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED"})
	send(t, sb, ev)
	first := approval(t, sb, pr)
	teams := teamsRequested(sb, pr)

	// GitHub redelivers the same payload (a new delivery id, same body),
	// once later and once twice at the same moment.
	send(t, sb, ev)
	deliverConcurrently(t, sb, []githubfake.Event{ev, ev})

	again := approval(t, sb, pr)
	if again.Status != first.Status || again.Conclusion != first.Conclusion || again.Title != first.Title {
		t.Errorf("a redelivery changed the check: %s/%s %q, then %s/%s %q", first.Status, first.Conclusion, first.Title, again.Status, again.Conclusion, again.Title)
	}
	if got := teamsRequested(sb, pr); got != teams {
		t.Errorf("requested teams %q, then %q after redeliveries", teams, got)
	}
	if n := checkRunCount(sb, pr.HeadSHA, approvalCheck); n != 1 {
		t.Errorf("approval check runs on the head = %d, want 1 updated in place", n)
	}
}

// TestDismissalDeliveredBeforeTheApproval: the approval's webhook is late
// and arrives after the dismissal's. Whatever order, the check must end on
// GitHub's latest state: the approval is dismissed and does not count.
func TestDismissalDeliveredBeforeTheApproval(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	rv, submitted := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED"})
	dismissed := sb.GitHub.DismissReview(sandbox.CommsRepo, pr.Number, rv.ID, "carla")

	send(t, sb, dismissed)
	send(t, sb, submitted)
	run := approval(t, sb, pr)
	if run.Conclusion == "success" || containsAny(run.Summary, "approved by @nina") {
		t.Fatalf("nina's approval was dismissed, yet the late event made it count: %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
	}
	requireFreshEvaluationAgrees(t, sb, pr)
}

// TestHoldAndUnholdDeliveredReversed: carla holds, then lifts her hold;
// the webhooks arrive in the opposite order. Holds are replayed from the
// comments in GitHub's order, so the notice ends unheld.
func TestHoldAndUnholdDeliveredReversed(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)
	approve(t, sb, pr, "sol")
	requireState(t, approval(t, sb, pr), "completed", "success")

	_, hold := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/hold checking one date")
	sb.Clock.Advance(time.Minute)
	_, unhold := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/unhold")
	send(t, sb, unhold)
	send(t, sb, hold)
	if run := approval(t, sb, pr); run.Conclusion != "success" {
		t.Fatalf("the hold was lifted after it was placed; the late /hold event must not block: %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
	}
	requireFreshEvaluationAgrees(t, sb, pr)
}

// TestHundredConcurrentEventsForOnePR: a hundred webhooks for one pull
// request arrive at once (reviews, comments, a hold and its release,
// redeliveries). The coalescer must end with the state GitHub holds last,
// update one check run in place, and run far fewer than a hundred
// evaluations.
func TestHundredConcurrentEventsForOnePR(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)

	var events []githubfake.Event
	add := func(ev githubfake.Event) { events = append(events, ev) }
	for i := 0; i < 20; i++ {
		_, ev := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, sandbox.Author, "thanks, looking")
		add(ev)
	}
	_, hold := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/hold waiting for the venue")
	add(hold)
	for _, u := range []string{"sky", "sage", "noah"} {
		_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: u, State: "COMMENTED"})
		add(ev)
	}
	_, final := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	add(final)
	_, unhold := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/unhold venue confirmed")
	add(unhold)
	for len(events) < 100 { // redeliveries of everything so far
		add(events[len(events)%26])
	}

	sb.GitHub.ResetRequests()
	deliverConcurrently(t, sb, events)

	run := approval(t, sb, pr)
	if run.Conclusion != "success" {
		t.Fatalf("GitHub's last state is fully approved and unheld, the check says %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
	}
	if n := checkRunCount(sb, pr.HeadSHA, approvalCheck); n != 1 {
		t.Errorf("approval check runs on the head = %d, want 1", n)
	}
	// Every evaluation reads the reviews once; far fewer than 100 did.
	if n := requestsTo(sb, "GET", reviewsPath); n >= 50 {
		t.Errorf("100 events caused %d review reads; a burst for one PR should coalesce", n)
	}
	requireFreshEvaluationAgrees(t, sb, pr)
}
