package sandbox_test

import (
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/handlers/server"
)

// replica is a second commsgate process started against the sandbox's
// GitHub, mail and hook receivers: what comes up after a restart, or a
// second replica of a deployment. It shares nothing in memory with the
// sandbox's own server.
type replica struct {
	app     *handlers.App
	logger  zerolog.Logger
	hookURL string
	server  *server.Server
}

func startReplica(t *testing.T, sb *sandbox.Sandbox) *replica {
	t.Helper()
	var logs io.Writer = io.Discard
	if testing.Verbose() {
		logs = os.Stderr
	}
	logger := zerolog.New(logs).With().Str("replica", "second").Logger()
	// The configuration's default queue, and no metrics observer: a
	// process as `commsgate serve` starts it, with the sandbox's quick
	// publish retries.
	r, err := sb.StartReplica(sandbox.ReplicaOptions{
		Logger:       &logger,
		PublishRetry: publication.Retry{Attempts: 3, BaseDelay: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return &replica{app: r.App(), logger: logger, hookURL: r.HookURL, server: r.Server}
}

// sweep runs one sweep of the replica and settles the sandbox (delivers
// the events the replica's actions caused to the sandbox's server).
func (r *replica) sweep(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	if err := r.app.NewSweeper(time.Minute).SweepOnce(r.logger.WithContext(ctxFor(t))); err != nil {
		t.Fatal(err)
	}
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
}

// stopRecordingAfter lets n writes of check runs through, then makes every
// later one fail as if the process had died: nothing it does afterwards
// is recorded, and it stops publishing since it cannot record.
func stopRecordingAfter(sb *sandbox.Sandbox, n int) {
	for i := 0; i < n; i++ {
		sb.GitHub.InjectFault(githubfake.Fault{Method: "PATCH", PathPrefix: "/repos/example/comms/check-runs/", Times: 1, Delay: time.Microsecond})
	}
	// A 422 is not retried, so the "dead" process gives up at once.
	sb.GitHub.InjectFault(githubfake.Fault{Method: "PATCH", PathPrefix: "/repos/example/comms/check-runs/", Status: 422,
		Body: `{"message":"simulated: the process stopped here"}`})
}

func TestRestartBetweenTwoTargetsSendsOnlyTheRest(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// Each target writes the ledger twice (before and after its send):
	// the announcement and the mail get through and are recorded, then the
	// process "dies" before Slack.
	stopRecordingAfter(sb, 4)
	merged := mergeByHand(t, sb, pr)

	if got, want := counts(sb), (publishedCounts{1, 1, 0, 0}); got != want {
		t.Fatalf("before the restart: %+v, want %+v", got, want)
	}
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Status != "in_progress" {
		t.Fatalf("the stopped publication should be left in progress, got %s/%s", run.Status, run.Conclusion)
	}
	sb.GitHub.ClearFaults()

	// A new process comes up. Within the lease it leaves the publication
	// alone: the first one may still be at work.
	next := startReplica(t, sb)
	sb.Clock.Advance(time.Minute)
	next.sweep(t, sb)
	if got, want := counts(sb), (publishedCounts{1, 1, 0, 0}); got != want {
		t.Fatalf("within the lease: %+v, want %+v", got, want)
	}

	// Past the lease it resumes: only Slack and the webhook are sent.
	sb.Clock.Advance(15 * time.Minute)
	next.sweep(t, sb)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after resuming: %+v, want %+v", got, want)
	}
	run = check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" {
		t.Fatalf("publish check after resuming = %s/%s %q:\n%s", run.Status, run.Conclusion, run.Title, run.Text)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Fatalf("follow-up issues = %d, want 1", n)
	}
	// Both processes sweeping again changes nothing.
	next.sweep(t, sb)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after more sweeps: %+v, want %+v", got, want)
	}
}

func TestRestartMidSendFindsTheAnnouncementInsteadOfRepeatingIt(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// The announcement issue is created, but the process dies before it
	// records the outcome.
	stopRecordingAfter(sb, 1)
	merged := mergeByHand(t, sb, pr)
	if got, want := counts(sb), (publishedCounts{1, 0, 0, 0}); got != want {
		t.Fatalf("before the restart: %+v, want %+v", got, want)
	}
	sb.GitHub.ClearFaults()

	next := startReplica(t, sb)
	sb.Clock.Advance(publicationLeaseForTests)
	next.sweep(t, sb)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after resuming: %+v, want one announcement issue, not two (%+v)", got, want)
	}
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" || !strings.Contains(run.Text, "found already delivered") {
		t.Fatalf("publish check = %s %q; the table should say the issue was found, not sent again:\n%s", run.Conclusion, run.Title, run.Text)
	}
}

func TestLostMergedEventIsPickedUpBySweep(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// The merge happens but its webhook never arrives.
	merged, _ := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	// Right after the merge the event may still be on its way to another
	// replica: the sweep waits.
	sb.Clock.Advance(time.Minute)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got := counts(sb); got != (publishedCounts{}) {
		t.Fatalf("the sweep did not wait for the merged event: %+v", got)
	}
	sb.Clock.Advance(publicationLeaseForTests)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after the sweep: %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q", run.Conclusion, run.Title)
	}
}

// publicationLeaseForTests is past the lease after which a quiet
// publication is taken over (ten minutes).
const publicationLeaseForTests = 11 * time.Minute

func TestRestartMidUpdateDoesNotRepeatTheUpdatedComment(t *testing.T) {
	sb := start(t, sandbox.Options{})
	publishStandardNotice(t, sb)
	corrected := strings.Replace(notice("SIG Node meeting moves to Thursdays", "2027-02-10T16:00:00Z", nil),
		"Thursdays at 16:00 UTC,", "Thursdays at 17:00 UTC,", 1)
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Correct the meeting time",
		Files: map[string]string{"comms/2027-02-09-node-meeting.md": corrected},
	})
	send(t, sb, ev)
	approveForPublication(t, sb, pr)
	sb.Clock.Set(time.Date(2027, 2, 10, 16, 1, 0, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	// The announcement is edited and commented on, then the process dies
	// before recording it.
	stopRecordingAfter(sb, 1)
	mergeByHand(t, sb, pr)
	ann := announcements(sb)[0]
	if c := sb.GitHub.Comments(sandbox.AnnounceRepo, ann.Number); len(c) != 1 {
		t.Fatalf("before the restart the announcement has %d comments, want the one update", len(c))
	}
	sb.GitHub.ClearFaults()

	next := startReplica(t, sb)
	sb.Clock.Advance(publicationLeaseForTests)
	next.sweep(t, sb)
	if c := sb.GitHub.Comments(sandbox.AnnounceRepo, ann.Number); len(c) != 1 {
		t.Fatalf("after resuming the announcement has %d \"Updated\" comments, want 1", len(c))
	}
	if got, want := counts(sb), (publishedCounts{1, 2, 2, 2}); got != want {
		t.Fatalf("after resuming: %+v, want %+v", got, want)
	}
}

func TestRestartAfterOpeningTheFollowUpDoesNotCallItAnUpdate(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// All four deliveries are recorded (two writes each); the follow-up is
	// opened, then the process dies before recording it.
	stopRecordingAfter(sb, 8)
	merged := mergeByHand(t, sb, pr)
	if n := len(followUps(sb)); n != 1 {
		t.Fatalf("follow-up issues before the restart = %d, want 1", n)
	}
	sb.GitHub.ClearFaults()

	next := startReplica(t, sb)
	sb.Clock.Advance(publicationLeaseForTests)
	next.sweep(t, sb)
	fu := followUps(sb)
	if len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want 1", len(fu))
	}
	if c := sb.GitHub.Comments(sandbox.CommsRepo, fu[0].Number); len(c) != 0 {
		t.Fatalf("the resumed run commented on its own follow-up: %+v", c)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s/%s %q", run.Status, run.Conclusion, run.Title)
	}
}

// deliverToBoth posts the event to the sandbox's server and the replica
// at the same moment, then waits until both are idle and the sandbox has
// settled.
func deliverToBoth(t *testing.T, sb *sandbox.Sandbox, r *replica, ev githubfake.Event) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, url := range []string{sb.HookURL, r.hookURL} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ev.Deliver(ctxFor(t), url, sb.Secret)
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
	deadline := time.Now().Add(20 * time.Second)
	for r.server.Pending()+r.app.Deferred() > 0 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
}

func TestTwoProcessesGivenTheSameMergePublishOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	other := startReplica(t, sb)
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	deliverToBoth(t, sb, other, ev)
	deliverToBoth(t, sb, other, ev) // and GitHub redelivers it to both

	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want exactly one per channel %+v", got, want)
	}
	if n := len(followUps(sb)); n != 1 {
		t.Fatalf("follow-up issues = %d, want 1", n)
	}
	// If both created a run at the same instant, both show the outcome.
	for _, run := range sb.GitHub.CheckRuns(sandbox.CommsRepo, merged.MergeCommitSHA) {
		if run.Name == "commsgate/publish" && run.Conclusion != "success" {
			t.Errorf("publish run %d = %s/%s %q", run.ID, run.Status, run.Conclusion, run.Title)
		}
	}
}

func TestRetryPressedOnTwoProcessesSendsOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	other := startReplica(t, sb)
	sb.Hooks.FailNext(3) // Slack down for the first publication
	merged := mergeByHand(t, sb, pr)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" {
		t.Fatalf("publish check = %s, want failure with Slack down", run.Conclusion)
	}
	// The button's event reaches both processes at once.
	deliverToBoth(t, sb, other, sb.GitHub.RequestCheckRunAction(run.ID, "carla", "retry-failed"))
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after Retry failed on two processes: %+v, want Slack once %+v", got, want)
	}
}
