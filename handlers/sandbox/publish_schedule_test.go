package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func TestAutoMergeAtPublishAtPublishes(t *testing.T) {
	sb := start(t, sandbox.Options{AutoMerge: true})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)

	// Approved a week early: nothing merges, nothing goes out.
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); got.Merged {
		t.Fatalf("merged before publish_at")
	}
	sb.Clock.Set(time.Date(2027, 2, 9, 15, 59, 0, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); got.Merged {
		t.Fatalf("merged a minute before publish_at")
	}
	nothingPublished(t, sb)

	// The sweep at publish_at merges; the merged event GitHub sends for
	// the app's own merge publishes.
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	if !merged.Merged || merged.MergedBy != sb.App.BotLogin {
		t.Fatalf("at publish_at: merged=%v by %q, want merged by the app", merged.Merged, merged.MergedBy)
	}
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q:\n%s", run.Conclusion, run.Title, run.Text)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}

	// Later sweeps (this replica or another) change nothing.
	for i := 0; i < 2; i++ {
		sb.Clock.Advance(time.Minute)
		if err := sb.Sweep(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after more sweeps: %+v, want %+v", got, want)
	}
}

func TestAutoMergeOfEmbargoedAdvisoryWaitsForTheEmbargo(t *testing.T) {
	sb := start(t, sandbox.Options{AutoMerge: true})
	pr := openNotice(t, sb, embargoedAdvisory())
	// Tier 3 under embargo: the SIG, ContribEx comms, the Security
	// Response Committee, then a Steering majority.
	for _, u := range []string{"nina", "carla", "sara", "sue", "sid", "sol"} {
		approve(t, sb, pr, u)
	}
	appr := check(t, sb, pr.HeadSHA, "commsgate/approval")
	if appr.Status != "in_progress" || !strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("fully approved under embargo: want scheduled, got %s/%s %q\n%s", appr.Status, appr.Conclusion, appr.Title, appr.Summary)
	}
	sb.Clock.Set(time.Date(2027, 2, 9, 15, 59, 59, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); got.Merged {
		t.Fatalf("merged a second before the embargo ends")
	}
	nothingPublished(t, sb)

	sb.Clock.Set(time.Date(2027, 2, 9, 16, 0, 0, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	if !merged.Merged {
		t.Fatalf("not merged when the embargo ended")
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		run, _ := sb.GitHub.LatestCheckRun(sandbox.CommsRepo, merged.MergeCommitSHA, "commsgate/publish")
		t.Fatalf("deliveries = %+v, want %+v\n%s", got, want, run.Text)
	}
	if ann := announcements(sb)[0]; !strings.HasPrefix(ann.Title, "[Security Advisory] CVE-2027-0001") {
		t.Errorf("advisory title = %q", ann.Title)
	}
}

// The time gate opens at publish_at by the timer the evaluation set, not
// at the next sweep: moving the clock is all it takes, and auto_merge then
// merges and publishes. (A sweep would hide a missing timer; none runs.)
func TestTimeGateOpensAndAutoMergesAtPublishAtWithoutASweep(t *testing.T) {
	sb := start(t, sandbox.Options{AutoMerge: true})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	if appr := check(t, sb, pr.HeadSHA, "commsgate/approval"); !strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("approved a week early: want scheduled, got %q", appr.Title)
	}

	sb.Clock.Set(time.Date(2027, 2, 9, 15, 59, 59, 0, time.UTC))
	settle(t, sb)
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); got.Merged {
		t.Fatalf("merged a second before publish_at")
	}

	sb.Clock.Set(mustTime(t, publishAt))
	settle(t, sb)
	merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	if !merged.Merged || merged.MergedBy != sb.App.BotLogin {
		t.Fatalf("at publish_at: merged=%v by %q, want merged by the app's timer", merged.Merged, merged.MergedBy)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
}

// When GitHub refuses the merge at publish_at, nobody is left guessing:
// the approval check says why, the contacts are told once, a metric
// counts it, and the next sweep tries again and merges once it can.
func TestRefusedAutoMergeIsReportedOnceAndRetried(t *testing.T) {
	sb := start(t, sandbox.Options{AutoMerge: true})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	sb.GitHub.InjectFault(githubfake.Fault{
		Method: "PUT", PathPrefix: fmt.Sprintf("/repos/example/comms/pulls/%d/merge", pr.Number), Status: 405,
		Body: `{"message":"Required status check \"ci/build\" is expected."}`,
	})
	sb.Clock.Set(afterPublishAt)
	for i := 0; i < 2; i++ { // the timer, then a sweep
		if err := sb.Sweep(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); got.Merged {
		t.Fatal("merged although GitHub refused")
	}
	nothingPublished(t, sb)
	appr := check(t, sb, pr.HeadSHA, approvalCheck)
	if !strings.Contains(appr.Summary, "Auto-merge was refused by GitHub") || !strings.Contains(appr.Summary, `ci/build`) {
		t.Fatalf("approval check should say why the merge failed:\n%s", appr.Summary)
	}
	var told int
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, pr.Number) {
		if strings.Contains(c.Body, "GitHub refused to merge") && strings.Contains(c.Body, "@alice") {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("contacts told %d times, want once", told)
	}
	if n := metricValue(t, sb, `commsgate_auto_merge_refused_total{reason="checks_missing"}`); n == "" || n == "0" {
		t.Fatalf("commsgate_auto_merge_refused_total{reason=checks_missing} = %q, want counted", n)
	}

	sb.GitHub.ClearFaults()
	sb.Clock.Advance(time.Minute)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); !got.Merged {
		t.Fatal("the sweep did not merge once GitHub allowed it")
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
}
