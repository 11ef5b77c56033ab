package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// The paths an evaluation reads, for aiming faults.
const (
	reviewsPath   = "/repos/example/comms/pulls/1/reviews"
	commentsPath  = "/repos/example/comms/issues/1/comments"
	steeringPath  = "/orgs/example/teams/steering-committee/members"
	teamsPath     = "/orgs/example/teams/"
	checkRunsPath = "/repos/example/comms/check-runs"
)

// TestFaultOnTheApprovalThatTurnsGreen injects each kind of GitHub failure
// while the last approval a notice needs is evaluated. A failure the
// client rides out (one 5xx, a rate limit with a short Retry-After, one
// reset connection) must end green at once; one that outlasts the retries
// must leave the check not green, say why in the logs, and the sweep after
// GitHub recovers must turn it green.
func TestFaultOnTheApprovalThatTurnsGreen(t *testing.T) {
	tests := []struct {
		name  string
		fault githubfake.Fault
		// transient faults are absorbed by the client's retries.
		transient bool
		// logs are fragments one log line must hold.
		logs []string
		// wait is how long after GitHub recovers the app may take: a
		// team that was not found is remembered as empty for the team
		// cache's TTL (5 minutes), like any other answer.
		wait time.Duration
		// honourRetryAfter: GitHub asked for a pause longer than the
		// retry budget, and go-github refuses every request until it has
		// passed; the test checks the sweep says so instead of waiting.
		honourRetryAfter bool
	}{
		{
			name:      "one 502 reading the reviews",
			fault:     githubfake.Fault{Method: "GET", PathPrefix: reviewsPath, Status: 502, Times: 1},
			transient: true,
			logs:      []string{"retrying github request", `"reason":"server_error"`, reviewsPath},
		},
		{
			name:  "503 reading the reviews until GitHub recovers",
			fault: githubfake.Fault{Method: "GET", PathPrefix: reviewsPath, Status: 503},
			logs:  []string{`"level":"error"`, "503"},
		},
		{
			name:      "429 with Retry-After",
			fault:     githubfake.Fault{Method: "GET", PathPrefix: reviewsPath, Status: 429, RetryAfter: time.Second, Times: 1},
			transient: true,
			logs:      []string{"retrying github request", `"reason":"rate_limited"`},
		},
		{
			name:      "secondary rate limit 403 with Retry-After",
			fault:     githubfake.Fault{Method: "GET", PathPrefix: commentsPath, Status: 403, RetryAfter: time.Second, Times: 1},
			transient: true,
			logs:      []string{"retrying github request", `"reason":"secondary_rate_limit"`},
		},
		{
			name:             "secondary rate limit asking for longer than the retry budget",
			fault:            githubfake.Fault{Method: "GET", PathPrefix: commentsPath, Status: 403, RetryAfter: 2 * time.Minute},
			logs:             []string{"exceeds the retry budget", `"reason":"secondary_rate_limit"`},
			honourRetryAfter: true,
		},
		{
			name:      "one reset connection listing a team",
			fault:     githubfake.Fault{Method: "GET", PathPrefix: teamsPath, Reset: true, Times: 1},
			transient: true,
			// Go's HTTP transport itself retries a GET whose reused
			// connection broke before any answer, so the app may not
			// see this one at all: nothing to log, nothing lost.
			logs: nil,
		},
		{
			name:  "reset connections listing a team until GitHub recovers",
			fault: githubfake.Fault{Method: "GET", PathPrefix: teamsPath, Reset: true},
			logs:  []string{`"level":"error"`, "list members of example/"},
		},
		{
			name:  "the Steering team lookup fails with 500",
			fault: githubfake.Fault{Method: "GET", PathPrefix: steeringPath, Status: 500},
			logs:  []string{`"level":"error"`, "steering-committee"},
		},
		{
			name:  "the Steering team is not found",
			fault: githubfake.Fault{Method: "GET", PathPrefix: steeringPath, Status: 404},
			logs:  []string{"steering-committee"},
			wait:  6 * time.Minute,
		},
		{
			name:  "check run writes fail with 502",
			fault: githubfake.Fault{PathPrefix: checkRunsPath, Status: 502},
			logs:  []string{`"level":"error"`, "check"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, logs := startLogged(t, sandbox.Options{})
			pr := oneApprovalShort(t, sb)

			sb.GitHub.InjectFault(tt.fault)
			sb.GitHub.ResetRequests()
			_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sol", State: "APPROVED"})
			send(t, sb, ev)
			if fired := statusCounts(sb.GitHub.Requests())[tt.fault.Status]; fired == 0 {
				t.Fatalf("the fault never fired (answers by status: %v); the test exercised nothing", statusCounts(sb.GitHub.Requests()))
			}

			run := approval(t, sb, pr)
			switch {
			case tt.transient && run.Conclusion != "success":
				t.Errorf("after a fault the client retries through, the check should be green; got %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
			case !tt.transient && run.Conclusion == "success":
				t.Errorf("GitHub failed throughout the evaluation, yet the check is green: %q\n%s", run.Title, run.Summary)
			}
			if tt.logs != nil {
				logs.requireLog(t, "what failed", tt.logs...)
			}

			if tt.honourRetryAfter {
				sb.GitHub.ClearFaults()
				err := sb.Sweep(ctxFor(t))
				if err == nil || !strings.Contains(err.Error(), "secondary rate limit") {
					t.Errorf("within GitHub's Retry-After the sweep should refuse to call GitHub and say why; got %v", err)
				}
				return
			}
			sb.Clock.Advance(tt.wait)
			recoverAndSweep(t, sb)
			if run := approval(t, sb, pr); run.Conclusion != "success" {
				t.Errorf("once GitHub recovered the sweep should turn the check green; got %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
			}
		})
	}
}

// TestFaultWhileAHoldArrives starts green and puts a /hold on the notice
// while GitHub fails: the check must not stay green on a state the app
// could not read, and after recovery it must show the hold.
func TestFaultWhileAHoldArrives(t *testing.T) {
	tests := []struct {
		name  string
		fault githubfake.Fault
	}{
		{"503 listing the comments", githubfake.Fault{Method: "GET", PathPrefix: commentsPath, Status: 503}},
		{"reset connections listing the comments", githubfake.Fault{Method: "GET", PathPrefix: commentsPath, Reset: true}},
		{"the team lookup that authorises the hold fails", githubfake.Fault{Method: "GET", PathPrefix: teamsPath, Status: 500}},
		{"reading the notice fails", githubfake.Fault{Method: "GET", PathPrefix: "/repos/example/comms/contents/comms/", Status: 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, logs := startLogged(t, sandbox.Options{})
			pr := oneApprovalShort(t, sb)
			approve(t, sb, pr, "sol")
			requireState(t, approval(t, sb, pr), "completed", "success")

			// Let the team cache expire, so the hold needs a team lookup.
			sb.Clock.Advance(time.Hour)
			sb.GitHub.InjectFault(tt.fault)
			sb.GitHub.ResetRequests()
			_, ev := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/hold wording needs legal review")
			send(t, sb, ev)
			if fired := statusCounts(sb.GitHub.Requests())[tt.fault.Status]; fired == 0 {
				t.Fatalf("the fault never fired (answers by status: %v); the test exercised nothing", statusCounts(sb.GitHub.Requests()))
			}

			if run := approval(t, sb, pr); run.Conclusion == "success" {
				t.Errorf("a /hold arrived while GitHub failed and the check is still green: %q\n%s", run.Title, run.Summary)
			}
			logs.requireLog(t, "that the evaluation failed", `"level":"error"`)

			recoverAndSweep(t, sb)
			run := approval(t, sb, pr)
			if run.Conclusion == "success" || !containsAny(run.Title+run.Summary, "hold", "HOLD") {
				t.Errorf("after recovery the check should show carla's hold; got %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
			}
		})
	}
}
