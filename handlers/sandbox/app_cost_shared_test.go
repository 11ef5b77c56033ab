package sandbox_test

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// What one evaluation, publication or sweep has read once serves it
// throughout: the check runs of the head, the notice at the merge commit,
// the policy file, the installation's repositories.
func TestEachReadServesTheWholeEvent(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{Author: sandbox.Author, Files: map[string]string{noticePath: validNotice()}})
	sb.GitHub.ResetRequests()
	send(t, sb, ev)
	if n := requestsTo(sb, "GET", "/repos/"+sandbox.CommsRepo+"/commits/"+pr.HeadSHA+"/check-runs"); n != 1 {
		t.Errorf("posting both checks listed the head's check runs %d times, want once", n)
	}

	sb.GitHub.ResetRequests()
	say(t, sb, pr, "nina", "/hold one moment")
	if n := requestsTo(sb, "GET", "/repos/"+sandbox.CommsRepo+"/contents/.github/commsgate.yml"); n != 1 {
		t.Errorf("a /hold comment read the policy file %d times, want once (acknowledgement and evaluation share it)", n)
	}
	say(t, sb, pr, "nina", "/unhold")

	approveForPublication(t, sb, pr)
	// The first sweep learns that the announcement repository has no
	// policy (and turns the check green); the next one is measured.
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	sb.GitHub.ResetRequests()
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if n := requestsTo(sb, "GET", "/installation/repositories"); n != 1 {
		t.Errorf("a sweep listed the installation's repositories %d times, want once", n)
	}
	// Once for the sweep, once for the evaluation of the open PR.
	if n := requestsTo(sb, "GET", "/repos/"+sandbox.CommsRepo+"/contents/.github/commsgate.yml"); n != 2 {
		t.Errorf("a sweep read the policy file %d times, want twice (the repository, its one open PR)", n)
	}
	if n := len(sb.GitHub.Requests()) - len(filterOut(sb.GitHub.Requests(), "/repos/"+sandbox.AnnounceRepo+"/")); n != 1 {
		t.Errorf("a sweep made %d requests to a repository known to have no policy, want one (its branch, free when unchanged)", n)
	}
	if n := sb.GitHub.Count("GET", "/repos/"+sandbox.AnnounceRepo+"/"); n != 0 {
		t.Errorf("a sweep made %d counted requests to a repository known to have no policy, want none", n)
	}

	sb.GitHub.ResetRequests()
	merged := mergeByHand(t, sb, pr)
	atMerge := 0
	for _, r := range sb.GitHub.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/contents/"+noticePath) && strings.Contains(r.Query, merged.MergeCommitSHA) {
			atMerge++
		}
	}
	if atMerge != 1 {
		t.Errorf("the publication read the notice at the merge commit %d times, want once", atMerge)
	}
}

// filterOut drops the requests whose path starts with prefix.
func filterOut(reqs []githubfake.Request, prefix string) []githubfake.Request {
	var out []githubfake.Request
	for _, r := range reqs {
		if !strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}
