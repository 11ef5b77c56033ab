package sandbox_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// monday is a Monday morning, a week before the notices' publish_at.
var monday = time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)

const publishAt = "2027-02-09T16:00:00Z" // a Tuesday, inside the default window

func start(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = sandbox.NewClock(monday)
	}
	opts.Reporter = t
	if testing.Verbose() {
		opts.Logs = os.Stderr
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	t.Cleanup(func() { requireNoPermissionRefusals(t, sb) })
	return sb
}

// requireNoPermissionRefusals fails a test in which the app made a call
// app.yml does not grant: the fake enforces app.yml's permissions, so the
// end-to-end tests together prove the manifest asks for every permission
// the app uses.
func requireNoPermissionRefusals(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	for _, refused := range sb.GitHub.PermissionRefusals() {
		t.Errorf("the app made a call app.yml's permissions do not grant: %s", refused)
	}
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func send(t testing.TB, sb *sandbox.Sandbox, ev githubfake.Event) {
	t.Helper()
	if err := sb.Send(ctxFor(t), ev); err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, sb *sandbox.Sandbox, sha, name string) githubfake.CheckRun {
	t.Helper()
	run, ok := sb.GitHub.LatestCheckRun(sandbox.CommsRepo, sha, name)
	if !ok {
		t.Fatalf("no %s check on %s", name, sha)
	}
	return run
}

func openNotice(t testing.TB, sb *sandbox.Sandbox, content string) githubfake.PR {
	t.Helper()
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node meeting move",
		Files: map[string]string{"comms/2027-02-09-node-meeting.md": content},
	})
	send(t, sb, ev)
	return pr
}

func approve(t testing.TB, sb *sandbox.Sandbox, pr githubfake.PR, user string) {
	t.Helper()
	_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: user, State: "APPROVED"})
	send(t, sb, ev)
}

func TestStagedApprovalToGreen(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))

	tmpl := check(t, sb, pr.HeadSHA, "commsgate/template")
	if tmpl.Conclusion != "success" {
		t.Fatalf("template check = %s %q:\n%s", tmpl.Conclusion, tmpl.Title, tmpl.Summary)
	}
	appr := check(t, sb, pr.HeadSHA, "commsgate/approval")
	if appr.Status != "in_progress" {
		t.Fatalf("approval check = %s/%s, want in_progress while approvals are missing:\n%s", appr.Status, appr.Conclusion, appr.Summary)
	}
	_, teams := sb.GitHub.RequestedReviewers(sandbox.CommsRepo, pr.Number)
	if strings.Join(teams, ",") != "example/sig-node-leads" {
		t.Fatalf("requested teams = %v, want only the first stage's team", teams)
	}

	approve(t, sb, pr, "mallory") // in no reviewing team: never counts
	approve(t, sb, pr, "nina")    // SIG Node lead
	_, teams = sb.GitHub.RequestedReviewers(sandbox.CommsRepo, pr.Number)
	if strings.Join(teams, ",") != "example/steering-committee" {
		t.Fatalf("after the SIG stage, requested teams = %v, want steering", teams)
	}
	for _, u := range []string{"sue", "sid"} {
		approve(t, sb, pr, u)
	}
	if appr := check(t, sb, pr.HeadSHA, "commsgate/approval"); appr.Conclusion == "success" {
		t.Fatalf("2 of 5 Steering members is no majority, yet the check passed:\n%s", appr.Summary)
	}
	approve(t, sb, pr, "sol")
	appr = check(t, sb, pr.HeadSHA, "commsgate/approval")
	if appr.Status != "in_progress" || !strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("approved before publish_at: want a scheduled, blocking check, got %s/%s %q", appr.Status, appr.Conclusion, appr.Title)
	}
	if !strings.Contains(appr.Summary, "mallory") {
		t.Errorf("the outsider's discarded approval should be explained:\n%s", appr.Summary)
	}

	sb.Clock.Set(time.Date(2027, 2, 9, 16, 0, 1, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	appr = check(t, sb, pr.HeadSHA, "commsgate/approval")
	if appr.Conclusion != "success" {
		t.Fatalf("at publish_at the check should pass without anyone touching the PR; got %s/%s %q\n%s", appr.Status, appr.Conclusion, appr.Title, appr.Summary)
	}
}
