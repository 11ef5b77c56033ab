package sandbox_test

import (
	"fmt"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// costOf delivers the event and returns the counted requests it made (304
// revalidations are free on GitHub and not counted).
func costOf(t *testing.T, sb *sandbox.Sandbox, ev githubfake.Event) (counted, all int, keys []string) {
	t.Helper()
	sb.GitHub.ResetRequests()
	send(t, sb, ev)
	return sb.GitHub.Counted(), len(sb.GitHub.Requests()), sb.GitHub.RequestKeys()
}

// The request budget is a tested property: a review on a warm cache must
// stay cheap however many reviews a notice collects.
func TestRequestCostPerEventKind(t *testing.T) {
	sb := start(t, sandbox.Options{})

	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Files: map[string]string{noticePath: validNotice()}})
	opened, openedAll, openedKeys := costOf(t, sb, ev)

	// Warm-up review: the first review reads the teams' members once.
	_, ev = sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "mallory", State: "COMMENTED"})
	costOf(t, sb, ev)
	_, ev = sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "noah", State: "COMMENTED"})
	reviewWarm, reviewAll, reviewKeys := costOf(t, sb, ev)

	_, ev = sb.GitHub.PushToPR(sandbox.CommsRepo, pr.Number, githubfake.Change{Files: map[string]string{noticePath: validNotice() + "\n"}})
	synced, syncedAll, syncedKeys := costOf(t, sb, ev)

	_, ev = sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "nina", "/hold needs a second look")
	command, commandAll, commandKeys := costOf(t, sb, ev)

	_, ev = sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "nina", "just chatting")
	chat, chatAll, _ := costOf(t, sb, ev)

	t.Logf("counted requests (all, including free 304s): opened cold %d (%d), synchronize %d (%d), review warm %d (%d), command comment %d (%d), plain comment %d (%d)",
		opened, openedAll, synced, syncedAll, reviewWarm, reviewAll, command, commandAll, chat, chatAll)
	t.Logf("opened: %v\nsynchronize: %v\nreview: %v\ncommand: %v", openedKeys, syncedKeys, reviewKeys, commandKeys)
	if reviewWarm > 5 {
		t.Errorf("a review on a warm cache made %d counted requests, the budget is 5: %v", reviewWarm, reviewKeys)
	}
	if chatAll != 0 {
		t.Errorf("a comment without a command made %d requests", chatAll)
	}
}

// TestRequestCostOfPublishingAndSweeping measures the other two costs the
// README lists: a merge that publishes to the sandbox's four targets (and
// opens the follow-up), and a sweep that finds nothing to do. A sweep runs
// every minute for every installation, so it must not grow with time.
func TestRequestCostOfPublishingAndSweeping(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)

	sb.GitHub.ResetRequests()
	mergeByHand(t, sb, pr)
	publish, publishAll, publishKeys := sb.GitHub.Counted(), len(sb.GitHub.Requests()), sb.GitHub.RequestKeys()
	if got := counts(sb); got.issues != 1 || got.mails != 1 || got.slack != 1 || got.webhooks != 1 {
		t.Fatalf("the merge did not publish once to each target: %+v", got)
	}

	// An open notice waiting for reviews, and a sweep with nothing due.
	openNotice(t, sb, validNotice())
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	sb.GitHub.ResetRequests()
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	sweep, sweepAll, sweepKeys := sb.GitHub.Counted(), len(sb.GitHub.Requests()), sb.GitHub.RequestKeys()

	t.Logf("counted requests (all, including free 304s): merge → publication to 4 targets %d (%d), steady sweep with one open PR %d (%d)",
		publish, publishAll, sweep, sweepAll)
	t.Logf("publication: %v\nsweep: %v", publishKeys, sweepKeys)
	if sweep > 2 {
		t.Errorf("a sweep with nothing due made %d counted requests: %v", sweep, sweepKeys)
	}
}

// TestPushIsEvaluatedOnce: a push to a PR's branch brings both
// pull_request.synchronize and check_suite.requested. Only the first is
// evaluated; "Re-run all checks" (check_suite.rerequested) is.
func TestPushIsEvaluatedOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	pushed, sync := sb.GitHub.PushToPR(sandbox.CommsRepo, pr.Number, githubfake.Change{Files: map[string]string{noticePath: validNotice() + "\n"}})
	send(t, sb, sync)

	sb.GitHub.ResetRequests()
	send(t, sb, sb.GitHub.RequestCheckSuite(sandbox.CommsRepo, pushed.HeadSHA, "requested", sandbox.Author))
	if n := len(sb.GitHub.Requests()); n != 0 {
		t.Errorf("check_suite.requested after the synchronize made %d requests: %v", n, sb.GitHub.RequestKeys())
	}

	send(t, sb, sb.GitHub.RequestCheckSuite(sandbox.CommsRepo, pushed.HeadSHA, "rerequested", "nina"))
	if n := requestsTo(sb, "GET", fmt.Sprintf("/repos/example/comms/pulls/%d", pr.Number)); n != 1 {
		t.Errorf("\"Re-run all checks\" read the PR %d times, want one evaluation: %v", n, sb.GitHub.RequestKeys())
	}
}
