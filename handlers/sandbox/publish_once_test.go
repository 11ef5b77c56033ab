package sandbox_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// readyToMerge opens the standard notice, approves it fully and lets
// publish_at pass, so a merge publishes.
func readyToMerge(t *testing.T, sb *sandbox.Sandbox) githubfake.PR {
	t.Helper()
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	return pr
}

func TestRepeatedMergedEventsPublishOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")

	// GitHub may deliver the same event more than once, even at the same
	// moment, and a person may redeliver it from the app's settings.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ev.Deliver(ctxFor(t), sb.HookURL, sb.Secret)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
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
	send(t, sb, ev) // a later redelivery

	// Re-running the finished publish check retries nothing: all succeeded.
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	send(t, sb, sb.GitHub.RerequestCheckRun(run.ID, "carla"))

	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after duplicate deliveries: %+v, want exactly one per channel %+v", got, want)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Fatalf("follow-up issues = %d, want 1", n)
	}
	runs := 0
	for _, r := range sb.GitHub.CheckRuns(sandbox.CommsRepo, merged.MergeCommitSHA) {
		if r.Name == "commsgate/publish" {
			runs++
		}
	}
	if runs != 1 {
		t.Errorf("publish check runs on the merge commit = %d, want 1", runs)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Errorf("publish check = %s %q", run.Conclusion, run.Title)
	}
}

func TestFailingTargetIsRetriedWithBackoff(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// Slack is the first hook target: two failures, then the third
	// attempt (the sandbox allows three) gets through.
	sb.Hooks.FailNext(2)
	merged := mergeByHand(t, sb, pr)

	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q:\n%s", run.Conclusion, run.Title, run.Text)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
	if !strings.Contains(run.Text, `"attempts":3`) {
		t.Errorf("the ledger should record three attempts for slack:\n%s", run.Text)
	}
}

func TestFailedTargetRecoversOnRetryFailed(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// Slack fails past the in-process retries (three attempts).
	sb.Hooks.FailNext(3)
	merged := mergeByHand(t, sb, pr)

	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" {
		t.Fatalf("with slack down, publish check = %s %q, want failure", run.Conclusion, run.Title)
	}
	if !strings.Contains(run.Text, "slack-announce (slack) | failed") {
		t.Errorf("the table should say slack failed:\n%s", run.Text)
	}
	if !strings.Contains(run.Summary, "Retry failed") {
		t.Errorf("the summary should say how to retry:\n%s", run.Summary)
	}
	if len(run.Actions) != 1 || run.Actions[0].Label != "Retry failed" {
		t.Fatalf("actions = %+v, want one \"Retry failed\"", run.Actions)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 0, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Fatalf("follow-up issues = %d, want 1 (opened for what did go out)", n)
	}

	// Slack is back; pressing the button sends to slack only.
	send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", run.Actions[0].Identifier))
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after Retry failed: %+v, want %+v (only slack again)", got, want)
	}
	run = check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" || len(run.Actions) != 0 {
		t.Fatalf("after recovery, publish check = %s %q with actions %+v", run.Conclusion, run.Title, run.Actions)
	}
	fu := followUps(sb)
	if len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want still 1", len(fu))
	}
	comments := sb.GitHub.Comments(sandbox.CommsRepo, fu[0].Number)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "slack-announce") || strings.Contains(comments[0].Body, "dev-list") {
		t.Errorf("the follow-up should get one comment linking only the late slack delivery, got %+v", comments)
	}

	// Re-running the green check sends nothing more.
	send(t, sb, sb.GitHub.RerequestCheckRun(run.ID, "carla"))
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after a re-run of a green check: %+v, want %+v", got, want)
	}
}

func TestSweepRetriesATemporaryFailureWithBackoff(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	sb.Hooks.FailNext(3) // Slack is down for the whole first round
	merged := mergeByHand(t, sb, pr)
	if got, want := counts(sb), (publishedCounts{1, 1, 0, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}

	// Still down at the first automatic retry, a minute later.
	sb.Hooks.FailNext(3)
	sb.Clock.Advance(61 * time.Second)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := counts(sb); got.slack != 0 {
		t.Fatalf("slack was down, yet a post arrived: %+v", got)
	}
	// The next try waits twice as long.
	sb.Clock.Advance(61 * time.Second)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := counts(sb); got.slack != 0 {
		t.Fatalf("retried before the doubled pause: %+v", got)
	}
	sb.Clock.Advance(61 * time.Second)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after Slack recovered: %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q", run.Conclusion, run.Title)
	}
}
