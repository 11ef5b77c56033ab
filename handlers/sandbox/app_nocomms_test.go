package sandbox_test

import (
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// A pull request that changes no communication (a README, CODEOWNERS, a
// workflow) gets both required checks, green, saying why: without them
// the branch protection the README asks for could never let it merge.
// Once it adds a notice, the checks judge the notice as usual.
func TestPullRequestWithoutCommunicationPassesBothChecksSayingWhy(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Explain the folder",
		Files: map[string]string{"comms/README.md": "# Communications\n", "CODEOWNERS": "* @example/contribex-comms\n"},
	})
	send(t, sb, ev)
	for _, name := range []string{templateCheck, "commsgate/approval"} {
		run := check(t, sb, pr.HeadSHA, name)
		requireState(t, run, "completed", "success", "no communication", "changes 2 files", "branch protection")
	}
	if got := teamsRequested(sb, pr); got != "" {
		t.Errorf("reviews requested for a pull request with nothing to approve: %s", got)
	}

	pr = push(t, sb, pr, map[string]string{"comms/2027-02-09-node-meeting.md": validNotice()})
	if run := approval(t, sb, pr); blocksMerge(run) == false {
		t.Fatalf("a notice added to the pull request is not judged: approval %s/%s %q", run.Status, run.Conclusion, run.Title)
	}
}
