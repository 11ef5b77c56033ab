package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

const (
	freezePath     = "comms/2027-02-09-registry-freeze.md"
	retirementPath = "comms/2027-02-09-ingress-retirement.md"
)

// forEndUsers is a tier 2 notice: its audience goes beyond contributors.
func forEndUsers(title, at string) string {
	return notice(title, at, func(f map[string]string) { f["audience"] = "[end-users]" })
}

// evaluationCost delivers a /commsgate recheck on pr and returns every
// request its evaluation made, counted or not.
func evaluationCost(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) []githubfake.Request {
	t.Helper()
	sb.GitHub.ResetRequests()
	say(t, sb, pr, "nina", "/commsgate recheck")
	return sb.GitHub.Requests()
}

func counted(reqs []githubfake.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Counted {
			n++
		}
	}
	return n
}

// requireCollisionWith fails unless pr's approval check warns of a
// collision naming other, and is otherwise unchanged in kind: the
// warning never blocks more than the ladder does.
func requireCollisionWith(t *testing.T, sb *sandbox.Sandbox, pr, other githubfake.PR, title string) {
	t.Helper()
	run := approval(t, sb, pr)
	want := fmt.Sprintf("%s#%d “%s”", sandbox.CommsRepo, other.Number, title)
	if !strings.Contains(run.Summary, "Publication collisions") || !strings.Contains(run.Summary, want) {
		t.Fatalf("the approval check of #%d should warn of a collision with %s:\n%s", pr.Number, want, run.Summary)
	}
	if run.Status != "in_progress" {
		t.Fatalf("the approval check of #%d is %s/%s; a collision must not change it:\n%s", pr.Number, run.Status, run.Conclusion, run.Summary)
	}
}

func requireNoCollision(t *testing.T, sb *sandbox.Sandbox, pr githubfake.PR) {
	t.Helper()
	if run := approval(t, sb, pr); strings.Contains(run.Summary, "Publication collisions") {
		t.Fatalf("the approval check of #%d still warns of a collision:\n%s", pr.Number, run.Summary)
	}
}

// TestCollisionWarningNamesEachOther: two tier 2 notices for end-users an
// hour apart in one window warn of each other in both approval checks;
// moving one two days away takes both warnings back. Knowing of the
// other pull request costs an evaluation nothing it did not pay alone:
// at most one conditional list of the open pull requests (none while the
// list read a moment ago still holds), the same with or without it.
func TestCollisionWarningNamesEachOther(t *testing.T) {
	sb := start(t, sandbox.Options{})
	freeze := openNoticeAt(t, sb, freezePath, forEndUsers("Registry freeze starts", "2027-02-09T16:00:00Z"))
	requireNoCollision(t, sb, freeze)
	evaluationCost(t, sb, freeze) // warm: the recheck comment's own reads
	alone := evaluationCost(t, sb, freeze)

	retirement := openNoticeAt(t, sb, retirementPath, forEndUsers("Ingress controller retirement", "2027-02-09T17:00:00Z"))
	// The newer pull request's evaluation finds the older one in the
	// calendar's cache, where the older one's evaluations put it.
	requireCollisionWith(t, sb, retirement, freeze, "Registry freeze starts")
	// The older one learns of it at its next evaluation: the sweep's,
	// every minute in production.
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	requireCollisionWith(t, sb, freeze, retirement, "Ingress controller retirement")

	evaluationCost(t, sb, freeze)
	with := evaluationCost(t, sb, freeze)
	t.Logf("evaluation of #%d alone: %d requests (%d counted); beside a colliding #%d: %d (%d counted)",
		freeze.Number, len(alone), counted(alone), retirement.Number, len(with), counted(with))
	for name, reqs := range map[string][]githubfake.Request{"alone": alone, "beside the other": with} {
		lists := 0
		for _, r := range reqs {
			if r.Method == "GET" && r.Path == "/repos/"+sandbox.CommsRepo+"/pulls" {
				lists++
			}
			if strings.Contains(r.Path, fmt.Sprintf("/pulls/%d", retirement.Number)) || strings.Contains(r.Path, "ingress-retirement") {
				t.Errorf("%s: the evaluation of #%d read the other pull request: %s %s", name, freeze.Number, r.Method, r.Path)
			}
		}
		if lists > 1 {
			t.Errorf("%s: the evaluation listed the open pull requests %d times, want at most once", name, lists)
		}
	}
	if len(with) > len(alone) || counted(with) > counted(alone) {
		t.Errorf("the other pull request made the evaluation cost %d requests (%d counted), alone %d (%d): %v",
			len(with), counted(with), len(alone), counted(alone), sb.GitHub.RequestKeys())
	}

	push(t, sb, retirement, map[string]string{retirementPath: forEndUsers("Ingress controller retirement", "2027-02-11T16:00:00Z")})
	requireNoCollision(t, sb, retirement)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	requireNoCollision(t, sb, freeze)
}
