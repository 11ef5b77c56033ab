package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func reactions(sb *sandbox.Sandbox, c githubfake.Comment) string {
	var out []string
	for _, r := range sb.GitHub.Reactions(sandbox.CommsRepo, c.ID) {
		out = append(out, r.User+":"+r.Content)
	}
	return strings.Join(out, ",")
}

func TestHoldBlocksWithWhoAndWhy(t *testing.T) {
	// A member of a reviewing team, lifted by another of the same stage;
	// a write collaborator in no team, lifted by a SIG lead.
	for holder, lifter := range map[string]string{"carla": "chris", sandbox.Author: "nina"} {
		t.Run(holder, func(t *testing.T) {
			sb := start(t, sandbox.Options{})
			pr := openNotice(t, sb, validNotice())
			approveThrough(t, sb, pr)
			requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")

			c := say(t, sb, pr, holder, "Thanks all.\n/hold waiting for the KubeCon keynote to end")
			requireState(t, approval(t, sb, pr), "completed", "failure", "@"+holder, "waiting for the KubeCon keynote to end")
			if got := reactions(sb, c); got != sb.App.BotLogin+":+1" {
				t.Fatalf("the hold was not acknowledged with +1: %q", got)
			}

			say(t, sb, pr, lifter, "/unhold")
			run := approval(t, sb, pr)
			requireState(t, run, "in_progress", "", "SCHEDULED")
			if strings.Contains(run.Summary, "### On hold") {
				t.Fatalf("the hold was lifted but the summary still shows it:\n%s", run.Summary)
			}
		})
	}
}

func TestOutsiderHoldIsIgnoredAndNamed(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)

	c := say(t, sb, pr, sandbox.Outsider, "/hold I do not like it")
	run := approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "SCHEDULED", "@mallory", "/hold")
	if strings.Contains(run.Summary, "### On hold") {
		t.Fatalf("an outsider's hold was applied:\n%s", run.Summary)
	}
	if got := reactions(sb, c); !strings.HasSuffix(got, ":confused") {
		t.Fatalf("the outsider's command should get a confused reaction, got %q", got)
	}

	// Anyone can comment: repeated commands are listed once per person,
	// and the list is bounded however many outsiders join in.
	for i := 0; i < 20; i++ {
		sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, sandbox.Outsider, "/hold\n/unhold\n/hold spam")
	}
	for i := 0; i < 15; i++ {
		sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, fmt.Sprintf("passer-by-%02d", i), "/hold")
	}
	say(t, sb, pr, "nina", "/commsgate recheck")
	run = approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "SCHEDULED", "@passer-by-00", "more")
	if n := strings.Count(run.Summary, "@mallory's `/hold`"); n != 1 {
		t.Fatalf("mallory's ignored /hold is listed %d times, want once:\n%s", n, run.Summary)
	}
	if n := strings.Count(run.Summary, "was ignored"); n > 10 {
		t.Fatalf("%d ignored commands listed; the list should be bounded:\n%s", n, run.Summary)
	}
}

func TestBotCommentsAreIgnored(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)

	for _, bot := range []string{sb.App.BotLogin, "dependabot[bot]"} {
		sb.GitHub.ResetRequests()
		c := say(t, sb, pr, bot, "Reminder: comment\n/hold\nto stop publication.")
		if n := sb.GitHub.Counted(); n != 0 {
			t.Fatalf("%s's comment cost %d requests: %v", bot, n, sb.GitHub.RequestKeys())
		}
		if got := reactions(sb, c); got != "" {
			t.Fatalf("%s's comment got reactions %q", bot, got)
		}
	}
	// A later evaluation replays the conversation: the bots' /hold lines
	// must not count there either.
	say(t, sb, pr, "nina", "/commsgate recheck")
	requireState(t, approval(t, sb, pr), "in_progress", "", "SCHEDULED")
}

func TestCommentWithoutCommandCostsNothing(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	sb.GitHub.ResetRequests()
	say(t, sb, pr, "nina", "Looks good to me, but can we say /hold-free in the text?\n> /hold\n```\n/hold\n```")
	if n := len(sb.GitHub.Requests()); n != 0 {
		t.Fatalf("a comment without a command made %d requests: %v", n, sb.GitHub.RequestKeys())
	}
}

func TestRecheckRepostsChecksAfterAQuietChange(t *testing.T) {
	sb := start(t, sandbox.Options{})
	// The default branch's policy is broken: no PR can pass.
	broken := strings.Replace(sandbox.Policy(false), "quorum: majority", "quorum: most", 1)
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": broken}})
	pr := openNotice(t, sb, validNotice())
	requireState(t, check(t, sb, pr.HeadSHA, templateCheck), "completed", "failure", ".github/commsgate.yml")

	// Someone fixes the policy on main. No webhook reaches the PR; the
	// author asks for a recheck.
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": sandbox.Policy(false)}})
	c := say(t, sb, pr, sandbox.Author, "/commsgate recheck")
	requireState(t, check(t, sb, pr.HeadSHA, templateCheck), "completed", "success")
	requireState(t, check(t, sb, pr.HeadSHA, approvalCheck), "in_progress", "")
	if got := reactions(sb, c); !strings.HasSuffix(got, ":+1") {
		t.Fatalf("recheck not acknowledged: %q", got)
	}
}

// The lead of any SIG may hold a notice, not only the leads of the SIGs it
// names, and without write access to the repository: the reaction and the
// evaluation must agree on that.
func TestLeadOfAnotherSIGMayHold(t *testing.T) {
	sb := start(t, sandbox.Options{})
	withDocs := strings.Replace(sandbox.Policy(false), "  sig-auth: example/sig-auth-leads\n",
		"  sig-auth: example/sig-auth-leads\n  sig-docs: example/sig-docs-leads\n", 1)
	sb.GitHub.CreateTeam("example/sig-docs-leads", "dora") // no access to the comms repository
	sb.GitHub.Push(sandbox.CommsRepo, "main", githubfake.Change{Files: map[string]string{".github/commsgate.yml": withDocs}})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)

	c := say(t, sb, pr, "dora", "/hold the docs are not ready")
	requireState(t, approval(t, sb, pr), "completed", "failure", "@dora", "the docs are not ready")
	if got := reactions(sb, c); got != sb.App.BotLogin+":+1" {
		t.Fatalf("the SIG Docs lead's hold was not acknowledged with +1: %q", got)
	}
}

// Write permission is what lets someone /hold. When a collaborator is
// given write access, GitHub's member event makes their earlier /hold
// count at once, not when a cached permission expires; removed again, it
// stops counting.
func TestMemberEventMakesANewCollaboratorsHoldCount(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	say(t, sb, pr, sandbox.Outsider, "/hold the venue is not booked yet")
	if run := approval(t, sb, pr); strings.Contains(run.Summary, "### On hold") {
		t.Fatalf("a reader's hold was applied:\n%s", run.Summary)
	}

	send(t, sb, sb.GitHub.ChangeCollaborator(sandbox.CommsRepo, sandbox.Outsider, "write"))
	requireState(t, approval(t, sb, pr), "completed", "failure", "### On hold", "@mallory")

	send(t, sb, sb.GitHub.ChangeCollaborator(sandbox.CommsRepo, sandbox.Outsider, "none"))
	if run := approval(t, sb, pr); strings.Contains(run.Summary, "### On hold") {
		t.Fatalf("a removed collaborator's hold still counts:\n%s", run.Summary)
	}
}

// Only the person who held, or a member of a stage at or above theirs,
// may lift a hold: the notice's author cannot lift comms's hold, nor can
// a SIG lead; the check says who may; Steering can.
func TestAuthorCannotLiftAReviewersHold(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	say(t, sb, pr, "carla", "/hold the FAQ is not ready")
	requireState(t, approval(t, sb, pr), "completed", "failure", "@carla", "or a member of comms or a later stage")

	for _, who := range []string{sandbox.Author, "nina"} {
		say(t, sb, pr, who, "/unhold")
		run := approval(t, sb, pr)
		requireState(t, run, "completed", "failure", "### On hold", "@carla")
		if !strings.Contains(run.Summary, "may not lift @carla's hold") {
			t.Fatalf("%s's /unhold should be named as ignored, with who may lift it:\n%s", who, run.Summary)
		}
	}

	say(t, sb, pr, sandbox.Steering[0], "/unhold")
	if run := approval(t, sb, pr); strings.Contains(run.Summary, "### On hold") {
		t.Fatalf("a Steering member's /unhold should lift comms's hold:\n%s", run.Summary)
	}
}

// A /hold posted as the 3,001st comment is past what commsgate reads
// (30 pages): the gate must not decide on the part it read. It blocks and
// says why, however many approvals there are.
func TestHoldBeyondTheCommentsReadFailsClosed(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approveThrough(t, sb, pr)
	for i := 0; i < 3000; i++ {
		sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, sandbox.Outsider, "+1")
	}
	say(t, sb, pr, "carla", "/hold buried under the noise")
	appr := approval(t, sb, pr)
	if !blocksMerge(appr) || strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("decided on a truncated comment list: %s\n%s", appr.Title, appr.Summary)
	}
	if !strings.Contains(appr.Title+appr.Summary, "longer than commsgate reads") {
		t.Fatalf("the check should say the list was too long to judge:\n%s\n%s", appr.Title, appr.Summary)
	}
}

// The same for reviews and files: a change request as the 3,001st
// review, or a notice placed after 3,000 other files (where GitHub's
// file list stops), blocks with the reason instead of being missed.
func TestFloodedReviewsAndFilesFailClosed(t *testing.T) {
	t.Run("reviews", func(t *testing.T) {
		sb := start(t, sandbox.Options{})
		pr := openNotice(t, sb, validNotice())
		approveThrough(t, sb, pr)
		for i := 0; i < 3000; i++ {
			sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: sandbox.Outsider, State: "COMMENTED"})
		}
		_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "carla", State: "CHANGES_REQUESTED"})
		send(t, sb, ev)
		requireTooLongToJudge(t, approval(t, sb, pr))
	})
	t.Run("files", func(t *testing.T) {
		sb := start(t, sandbox.Options{})
		files := map[string]string{"comms/zz-last.md": validNotice()}
		for i := 0; i < 3000; i++ {
			files[fmt.Sprintf("docs/filler-%04d.md", i)] = "filler\n"
		}
		pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Title: "Many files", Files: files})
		send(t, sb, ev)
		approveThrough(t, sb, pr)
		requireTooLongToJudge(t, approval(t, sb, pr))
	})
}

func requireTooLongToJudge(t *testing.T, appr githubfake.CheckRun) {
	t.Helper()
	if !blocksMerge(appr) || strings.Contains(appr.Title, "SCHEDULED") {
		t.Fatalf("decided on a truncated list: %s\n%s", appr.Title, appr.Summary)
	}
	if !strings.Contains(appr.Title+appr.Summary, "longer than commsgate reads") {
		t.Fatalf("the check should say the list was too long to judge:\n%s\n%s", appr.Title, appr.Summary)
	}
}
