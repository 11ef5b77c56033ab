package sandbox_test

import (
	"fmt"
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

// TestUnconfirmedGreenIsTakenBack: Sky puts a hold while the green check
// is being written, and its webhook is lost, so nothing else would correct
// the check. Whether commsgate cannot re-read what its green rests on, or
// notices the new command and then cannot evaluate again, the green check
// is unproven: it must not stand, nobody would be told about the hold, and
// anyone could merge.
func TestUnconfirmedGreenIsTakenBack(t *testing.T) {
	tests := []struct {
		name string
		// fault returns what GitHub fails after the green write.
		fault func(pr githubfake.PR, head string) githubfake.Fault
		log   string
	}{
		{"the re-read after writing fails", func(pr githubfake.PR, _ string) githubfake.Fault {
			return githubfake.Fault{Method: "GET", PathPrefix: fmt.Sprintf("/repos/example/comms/issues/%d/comments", pr.Number), Status: 503}
		}, "took back the green approval check"},
		{"the evaluation after the move fails", func(_ githubfake.PR, head string) githubfake.Fault {
			return githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/commits/" + head + "/check-runs", Status: 422}
		}, "changed while evaluating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, logs := startLogged(t, sandbox.Options{})
			pr := oneApprovalShort(t, sb)
			head := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).HeadSHA

			holdGreenWrite(t, sb, pr)
			sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "sky", "/hold the vendors are not ready") // its webhook is lost
			sb.GitHub.InjectFault(tt.fault(pr, head))
			waitIdle(t, sb)

			run := approval(t, sb, pr)
			if !blocksMerge(run) {
				t.Fatalf("the green check stayed on a notice Sky put on hold: %s/%s %q", run.Status, run.Conclusion, run.Title)
			}
			logs.requireLog(t, "why the approval was taken back", tt.log)

			recoverAndSweep(t, sb)
			requireState(t, approval(t, sb, pr), "completed", "failure", "@sky", "the vendors are not ready")
		})
	}
}

// TestCommentsThatCannotChangeTheHoldsDoNotRestartAnEvaluation: while
// commsgate writes a green check, conversation, a recheck, or an outsider
// repeating a /hold already refused cannot change the decision; none may
// make the evaluation start over, or a lively (or hostile) thread could
// keep the notice from ever turning green.
func TestCommentsThatCannotChangeTheHoldsDoNotRestartAnEvaluation(t *testing.T) {
	tests := []struct {
		name, user, body string
		before           string // an earlier comment by user, if any
	}{
		{"conversation", "nina", "Thanks everyone, this reads well.", ""},
		{"a recheck", "nina", "/commsgate recheck", ""},
		{"an outsider's repeated hold", sandbox.Outsider, "/hold I said no", "/hold I do not like it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, logs := startLogged(t, sandbox.Options{})
			pr := oneApprovalShort(t, sb)
			if tt.before != "" {
				say(t, sb, pr, tt.user, tt.before)
			}

			holdGreenWrite(t, sb, pr)
			sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, tt.user, tt.body)
			waitIdle(t, sb)

			requireState(t, approval(t, sb, pr), "completed", "success")
			if lines := logs.lines("changed while evaluating"); len(lines) > 0 {
				t.Fatalf("a comment that cannot change the holds made the evaluation start over:\n%s", lines[0])
			}
		})
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

// TestCommandEditedInBySomeoneElseIsNotConfirmedAsTheAuthors: a maintainer
// may edit anyone's comment. The command then applies (the conversation
// is what GitHub shows), but commsgate does not put a +1 under it as if
// its author had written it.
func TestCommandEditedInBySomeoneElseIsNotConfirmedAsTheAuthors(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)

	c := say(t, sb, pr, "carla", "Looks good to me.")
	send(t, sb, sb.GitHub.EditCommentAs(sandbox.CommsRepo, c.ID, sandbox.Author, "/hold waiting for the keynote"))
	requireState(t, approval(t, sb, pr), "completed", "failure", "@carla", "waiting for the keynote")
	if got := reactions(sb, c); got != "" {
		t.Fatalf("a command someone else wrote into Carla's comment was acknowledged as hers: %q", got)
	}

	send(t, sb, sb.GitHub.EditComment(sandbox.CommsRepo, c.ID, "/hold waiting for the keynote, agreed"))
	if got := reactions(sb, c); got != sb.App.BotLogin+":+1" {
		t.Fatalf("Carla's own edit should be acknowledged, reactions %q", got)
	}
}

// TestHoldBySomeoneJustGivenTheRightCounts: Mallory's first /hold was
// refused. While commsgate writes the green check she is made a
// collaborator and holds again, and that webhook is lost. Her new /hold is
// not one "already refused": the permission that refused it changed, so
// the evaluation must start over and apply it.
func TestHoldBySomeoneJustGivenTheRightCounts(t *testing.T) {
	sb, logs := startLogged(t, sandbox.Options{})
	pr := oneApprovalShort(t, sb)
	say(t, sb, pr, sandbox.Outsider, "/hold I do not like it")

	holdGreenWrite(t, sb, pr)
	sb.GitHub.SetCollaborator(sandbox.CommsRepo, sandbox.Outsider, "write")
	sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, sandbox.Outsider, "/hold the release team asked for a week")
	waitIdle(t, sb)

	requireState(t, approval(t, sb, pr), "completed", "failure", "@mallory", "the release team asked for a week")
	logs.requireLog(t, "that the permission change was seen after writing green", "changed while evaluating")
}
