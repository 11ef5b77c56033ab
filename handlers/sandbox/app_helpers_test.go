package sandbox_test

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// The check names the tests read; spelled out rather than imported so a
// renamed check (which would break branch protection) fails here too.
const (
	templateCheck = "commsgate/template"
	approvalCheck = "commsgate/approval"
)

// noticePath is where openNotice puts its communication.
const noticePath = "comms/2027-02-09-node-meeting.md"

// validNotice is the notice most tests start from.
func validNotice() string {
	return notice("SIG Node meeting moves to Thursdays", publishAt, nil)
}

// say posts a comment on the pull request as user and delivers it.
func say(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR, user, body string) githubfake.Comment {
	t.Helper()
	c, ev := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, user, body)
	send(t, sb, ev)
	return c
}

// review submits a review of the PR's current head and delivers it.
func review(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR, user, state string) githubfake.Review {
	t.Helper()
	r, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: user, State: state})
	send(t, sb, ev)
	return r
}

// push commits files to the PR's branch and delivers the synchronize.
func push(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR, files map[string]string) githubfake.PR {
	t.Helper()
	updated, ev := sb.GitHub.PushToPR(sandbox.CommsRepo, pr.Number, githubfake.Change{Files: files, Message: "update"})
	send(t, sb, ev)
	return updated
}

// approval is the PR's current approval check, on its current head.
func approval(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) githubfake.CheckRun {
	t.Helper()
	head := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).HeadSHA
	return check(t, sb, head, approvalCheck)
}

// blocksMerge reports whether a check run keeps a required check from
// passing: anything but completed/success. Neutral and skipped would let
// GitHub merge, so they count as passing here, which is the point.
func blocksMerge(run githubfake.CheckRun) bool {
	return !(run.Status == "completed" && (run.Conclusion == "success" || run.Conclusion == "neutral" || run.Conclusion == "skipped"))
}

// requireState fails unless the approval check has the status and
// conclusion and its summary mentions every word.
func requireState(t *testing.T, run githubfake.CheckRun, status, conclusion string, words ...string) {
	t.Helper()
	if run.Status != status || run.Conclusion != conclusion {
		t.Fatalf("%s = %s/%s %q, want %s/%s:\n%s", run.Name, run.Status, run.Conclusion, run.Title, status, conclusion, run.Summary)
	}
	for _, w := range words {
		if !strings.Contains(run.Title+"\n"+run.Summary, w) {
			t.Fatalf("%s should mention %q:\n%s\n%s", run.Name, w, run.Title, run.Summary)
		}
	}
}

// approveThrough approves the SIG and Steering stages of a tier-1 notice.
func approveThrough(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) {
	t.Helper()
	for _, u := range []string{"nina", "sue", "sid", "sol"} {
		approve(t, sb, pr, u)
	}
}

// teamsRequested lists the PR's requested teams, joined for messages.
func teamsRequested(sb *sandbox.Sandbox, pr githubfake.PR) string {
	_, teams := sb.GitHub.RequestedReviewers(sandbox.CommsRepo, pr.Number)
	return strings.Join(teams, ",")
}
