package sandbox_test

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// holdGreenWrite makes GitHub hold commsgate's next update of a check run
// (the approval turning green) and returns once that write has arrived.
// What the test does before release() happens between commsgate's
// reads and its write landing.
func holdGreenWrite(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) {
	t.Helper()
	reached := make(chan struct{})
	sb.GitHub.InjectFault(githubfake.Fault{
		Method: "PATCH", PathPrefix: "/repos/example/comms/check-runs/",
		Delay: time.Second, Times: 1, Reached: reached,
	})
	_, approved := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
	if err := deliverTo(ctxFor(t), sb.HookURL, approved); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("commsgate never wrote the green approval check")
	}
}

func waitIdle(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	(&servers{pending: []func() int64{sb.Server.Pending}, sb: sb}).waitIdle(t, ctxFor(t))
}

// TestStaleGreenIsWithdrawnWhenTheRetryFails: Sky puts a hold while the
// green check is being written; commsgate notices the new command after
// its write and evaluates again, but that evaluation cannot list the
// head's check runs. The green check written on facts that no longer hold
// must not stay: nobody would be told about the hold, and anyone could
// merge.
func TestStaleGreenIsWithdrawnWhenTheRetryFails(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)
	head := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).HeadSHA

	holdGreenWrite(t, sb, pr)
	sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "sky", "/hold the vendors are not ready") // its webhook is lost
	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/commits/" + head + "/check-runs", Status: 422})
	waitIdle(t, sb)

	run := approval(t, sb, pr)
	if !blocksMerge(run) {
		t.Fatalf("the green check stayed on a notice Sky put on hold: %s/%s %q", run.Status, run.Conclusion, run.Title)
	}
	logs.requireLog(t, "why the approval was withdrawn", "changed while evaluating")

	recoverAndSweep(t, sb)
	requireState(t, approval(t, sb, pr), "completed", "failure", "@sky", "the vendors are not ready")
}

// TestConversationDoesNotRestartAnEvaluation: comments without commands
// cannot change a decision, so a conversation going on while commsgate
// writes a green check must neither make it start over nor, if the
// conversation is lively, end in an error.
func TestConversationDoesNotRestartAnEvaluation(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)

	holdGreenWrite(t, sb, pr)
	sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "nina", "Thanks everyone, this reads well.")
	waitIdle(t, sb)

	requireState(t, approval(t, sb, pr), "completed", "success")
	if lines := logs.lines("changed while evaluating"); len(lines) > 0 {
		t.Fatalf("a comment without a command made the evaluation start over:\n%s", lines[0])
	}
}

// TestCommentEditedIntoAHoldTakesEffect: people fix typos in commands by
// editing the comment ("/hodl" → "/hold"); the hold must apply when they
// save, not at the next sweep. Deleting the comment lifts it again.
func TestCommentEditedIntoAHoldTakesEffect(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)

	c := say(t, sb, pr, "carla", "/hodl waiting for the KubeCon keynote to end")
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")

	send(t, sb, sb.GitHub.EditComment(sandbox.CommsRepo, c.ID, "/hold waiting for the KubeCon keynote to end"))
	requireState(t, approval(t, sb, pr), "completed", "failure", "@carla", "waiting for the KubeCon keynote to end")

	send(t, sb, sb.GitHub.DeleteComment(sandbox.CommsRepo, c.ID))
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")
}
