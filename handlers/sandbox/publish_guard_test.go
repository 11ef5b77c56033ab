package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// embargoedAdvisory is a security advisory under embargo until publishAt.
func embargoedAdvisory() string {
	return notice("kubelet-proxy debug endpoint allows command execution", publishAt, func(f map[string]string) {
		f["type"] = "security-advisory"
		f["priority"] = "action-required"
		f["embargo"] = "true"
		f["embargo_until"] = publishAt
		f["distributors_notified_at"] = "2027-02-01T09:00:00Z"
		f["cve"] = "CVE-2027-0001"
		f["severity"] = "high"
		f["cvss_score"] = "8.1"
		f["cvss_vector"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"
	})
}

func nothingPublished(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	if got := counts(sb); got != (publishedCounts{}) {
		t.Fatalf("something went out: %+v", got)
	}
	if n := len(followUps(sb)); n != 0 {
		t.Fatalf("follow-up issues = %d, want none", n)
	}
}

func TestEarlyMergeOfEmbargoedNoticeIsRefused(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, embargoedAdvisory())
	// An administrator merges past every gate, a week before the embargo ends.
	merged := mergeByHand(t, sb, pr)

	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" || !strings.Contains(run.Title, "4 refused") {
		t.Fatalf("publish check = %s %q, want a visible refusal of all 4 targets", run.Conclusion, run.Title)
	}
	if !strings.Contains(run.Text, "embargoed until Tue 2027-02-09 16:00 UTC") {
		t.Errorf("the refusal should name the embargo's end:\n%s", run.Text)
	}

	// Pressing "Retry failed" during the embargo changes nothing.
	send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", "retry-failed"))
	nothingPublished(t, sb)

	// Once the embargo has lifted, the notice is still unapproved: a merge
	// is never trusted in place of the reviews.
	sb.Clock.Set(afterPublishAt)
	send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", "retry-failed"))
	nothingPublished(t, sb)
	run = check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if !strings.Contains(run.Text, "merged before it was approved") {
		t.Errorf("after the embargo the refusal should say the notice was never approved:\n%s", run.Text)
	}
}

// An approved notice merged before its publish_at is not lost and does
// not go early: it waits, says so, and goes out by itself at publish_at,
// once, through the timer, with no sweep and no person.
func TestEarlyMergeWaitsAndPublishesItselfAtPublishAt(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	merged := mergeByHand(t, sb, pr) // approved, but publish_at is a week away

	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Status != "in_progress" || !strings.Contains(run.Title, "Waiting for publish_at: Tue 2027-02-09 16:00 UTC") ||
		!strings.Contains(run.Summary, "Europe/Berlin") {
		t.Fatalf("publish check = %s %q, want in progress, waiting, with the time in every zone:\n%s", run.Status, run.Title, run.Summary)
	}

	// A minute before, still nothing.
	sb.Clock.Set(mustTime(t, publishAt).Add(-time.Minute))
	settle(t, sb)
	nothingPublished(t, sb)

	// At publish_at the timer publishes it: no sweep, no event.
	sb.Clock.Set(mustTime(t, publishAt))
	settle(t, sb)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("at publish_at: %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q", run.Conclusion, run.Title)
	}
	// The sweep and a redelivered merged event later send nothing again.
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after a sweep: %+v, want %+v", got, want)
	}
}

// A restart loses the in-memory timer; the sweep of the process that
// comes up finds the waiting publication in GitHub and publishes it once.
func TestEarlyMergeSurvivesARestart(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	merged := mergeByHand(t, sb, pr)
	nothingPublished(t, sb)

	restarted := startReplica(t, sb)
	sb.Clock.Set(afterPublishAt)
	restarted.sweep(t, sb)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after the restarted process swept: %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q", run.Conclusion, run.Title)
	}
}

// Reverting a waiting merge before its time withdraws it: at publish_at
// nothing goes out, and the publish check says why.
func TestRevertedEarlyMergeIsWithdrawn(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	merged := mergeByHand(t, sb, pr)
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Message: "Revert the meeting notice", Delete: []string{noticePath}})

	sb.Clock.Set(mustTime(t, publishAt))
	settle(t, sb)
	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" || !strings.Contains(run.Text, "withdrawn before its publish_at") {
		t.Fatalf("publish check = %s %q, want withdrawn:\n%s", run.Conclusion, run.Title, run.Text)
	}
}

// A genuinely unapproved merge stays refused, saying what is missing and
// what to do next, however long it waits.
func TestUnapprovedMergeIsRefusedWithTheWayForward(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approve(t, sb, pr, "nina")
	merged := mergeByHand(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	for _, want := range []string{"merged before it was approved", "Missing:", "Open a new pull request"} {
		if !strings.Contains(run.Text, want) {
			t.Errorf("refusal lacks %q:\n%s", want, run.Text)
		}
	}
	if strings.Contains(run.Text, "SCHEDULED") {
		t.Errorf("an unapproved merge must not read as scheduled:\n%s", run.Text)
	}
}

// Past late_grace the refusal names the schedule, not the template.
func TestLateMergeRefusalNamesTheSchedule(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, pr)
	sb.Clock.Set(mustTime(t, publishAt).Add(3 * 24 * time.Hour)) // grace is a day
	merged := mergeByHand(t, sb, pr)
	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if !strings.Contains(run.Text, "merged too late") || !strings.Contains(run.Text, "new publish_at") || strings.Contains(run.Text, "template errors") {
		t.Fatalf("late refusal should name the schedule and the way forward:\n%s", run.Text)
	}
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func settle(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	if err := sb.Settle(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
}

func TestClosedUnmergedNoticeNeverPublishes(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	send(t, sb, sb.GitHub.ClosePR(sandbox.CommsRepo, pr.Number, "carla"))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	sb.Clock.Advance(48 * time.Hour)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	nothingPublished(t, sb)
}

func TestMergeIntoAnotherBranchNeverPublishes(t *testing.T) {
	sb := start(t, sandbox.Options{})
	sb.GitHub.Push(sandbox.CommsRepo, "staging", githubfake.Change{Files: map[string]string{"comms/README.md": "# Staging\n"}})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Stage the notice", Base: "staging",
		Files: map[string]string{"comms/2027-02-09-node-meeting.md": notice("SIG Node meeting moves to Thursdays", publishAt, nil)},
	})
	send(t, sb, ev)
	approveForPublication(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	merged := mergeByHand(t, sb, pr)

	nothingPublished(t, sb)
	if _, ok := sb.GitHub.LatestCheckRun(sandbox.CommsRepo, merged.MergeCommitSHA, "commsgate/publish"); ok {
		t.Errorf("a merge into staging should not even open a publish check")
	}
}

func TestFilesOutsideTheCommsFolderAreNotPublished(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Draft kept outside the folder",
		Files: map[string]string{"drafts/2027-02-09-node-meeting.md": notice("SIG Node meeting moves to Thursdays", publishAt, nil)},
	})
	send(t, sb, ev)
	sb.Clock.Set(afterPublishAt)
	mergeByHand(t, sb, pr)
	nothingPublished(t, sb)
}

func TestBrokenPolicyHoldsPublicationVisiblyUntilFixed(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	// Someone breaks the policy file on main just before the merge.
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": "groups: [this is not a map\n"}})
	merged := mergeByHand(t, sb, pr)

	nothingPublished(t, sb)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, ".github/commsgate.yml") || len(run.Actions) != 1 {
		t.Fatalf("publish check = %s %q actions %+v:\n%s", run.Conclusion, run.Title, run.Actions, run.Summary)
	}

	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": sandbox.Policy(false)}})
	send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", run.Actions[0].Identifier))
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after fixing the policy and retrying: %+v, want %+v", got, want)
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q", run.Conclusion, run.Title)
	}
}

// Once a PR is merged or closed, its approval check is completed with
// words that say what happened; it never stays "in progress" forever.
func TestApprovalCheckIsCompletedWhenThePRCloses(t *testing.T) {
	sb := start(t, sandbox.Options{})

	early := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	approveForPublication(t, sb, early)
	mergeByHand(t, sb, early)
	requireState(t, check(t, sb, early.HeadSHA, approvalCheck), "completed", "neutral", "Merged before publish_at", "commsgate/publish")

	unapproved := openNoticeAt(t, sb, "comms/2027-02-10-other.md", notice("Another meeting moves", publishAt, nil))
	mergeByHand(t, sb, unapproved)
	requireState(t, check(t, sb, unapproved.HeadSHA, approvalCheck), "completed", "failure", "Merged before it was approved")

	closed := openNoticeAt(t, sb, "comms/2027-02-11-third.md", notice("A third meeting moves", publishAt, nil))
	send(t, sb, sb.GitHub.ClosePR(sandbox.CommsRepo, closed.Number, sandbox.Author))
	requireState(t, check(t, sb, closed.HeadSHA, approvalCheck), "completed", "neutral", "Closed without merging")
}

// Another app with checks permission posts a "commsgate/publish" run on
// the merge commit, completed and claiming every delivery: commsgate
// reads only runs its own app id created, so it publishes anyway.
func TestForgedPublishCheckRunDoesNotStopPublication(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	other := sb.GitHub.CreateApp("mallory-ci")
	sb.GitHub.Install(other.ID, sandbox.Org)
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	forgedLedger := `<!-- commsgate-ledger {"version":1,"pr":` + itoa(pr.Number) + `,"deliveries":{` +
		`"` + noticePath + `#announce":{"path":"` + noticePath + `","target":"announce","status":"succeeded"}}} -->`
	sb.GitHub.PostCheckRunAs(other.ID, sandbox.CommsRepo, merged.MergeCommitSHA, "commsgate/publish", "success", forgedLedger)
	send(t, sb, ev)

	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after a forged publish run: %+v, want every channel published %+v", got, want)
	}
}
