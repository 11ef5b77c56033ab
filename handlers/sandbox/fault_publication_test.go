package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestGitHubFaultsWhilePublishing merges an approved notice while GitHub
// fails in different ways. Whatever happens, once GitHub has recovered and
// a maintainer used the check's "Retry failed" button (or the sweep came
// by), every channel has the notice exactly once and there is exactly one
// follow-up issue.
func TestGitHubFaultsWhilePublishing(t *testing.T) {
	const announceIssues = "/repos/example/announce/issues"
	tests := []struct {
		name  string
		fault githubfake.Fault
		// rideOut: the client's retries absorb the fault, so everything is
		// published at the merge.
		rideOut bool
	}{
		{"one 502 creating the announcement", githubfake.Fault{Method: "POST", PathPrefix: announceIssues, Status: 502, Times: 1}, true},
		{"a 502 after GitHub created the announcement", githubfake.Fault{Method: "POST", PathPrefix: announceIssues, Status: 502, LoseResponse: true, Times: 1}, true},
		{"a secondary rate limit creating the announcement", githubfake.Fault{Method: "POST", PathPrefix: announceIssues, Status: 403, RetryAfter: time.Second, Times: 1}, true},
		{"reset connections creating the announcement", githubfake.Fault{Method: "POST", PathPrefix: announceIssues, Reset: true}, false},
		{"500 creating the announcement", githubfake.Fault{Method: "POST", PathPrefix: announceIssues, Status: 500}, false},
		{"every request slow", githubfake.Fault{Delay: 30 * time.Millisecond}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, logs := startLogged(t, sandbox.Options{})
			pr := readyToMerge(t, sb)

			sb.GitHub.InjectFault(tt.fault)
			merged := mergeByHand(t, sb, pr)
			run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
			if tt.rideOut {
				if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want || run.Conclusion != "success" {
					t.Fatalf("the client should ride this out: publish check %s/%s, deliveries %+v, want %+v\n%s", run.Status, run.Conclusion, got, want, run.Text)
				}
			} else {
				if run.Conclusion == "success" {
					t.Fatalf("the announcement could not be created, yet the publish check passed:\n%s", run.Text)
				}
				if got := counts(sb); got.issues != 0 || got.mails != 1 || got.slack != 1 || got.webhooks != 1 {
					t.Fatalf("with the announcement failing, deliveries = %+v; want the other channels once each", got)
				}
				logs.requireLog(t, "that the announcement failed", "announce")

				sb.GitHub.ClearFaults()
				run = check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
				for _, a := range run.Actions {
					if a.Label == "Retry failed" {
						send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", a.Identifier))
					}
				}
			}
			// Time passes and the sweeper comes by: nothing is sent twice.
			sb.GitHub.ClearFaults()
			sb.Clock.Advance(30 * time.Minute)
			if err := sb.Sweep(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
				t.Errorf("after recovery: deliveries %+v, want exactly one per channel %+v", got, want)
			}
			if n := len(followUps(sb)); n != 1 {
				t.Errorf("follow-up issues = %d, want 1", n)
			}
			if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
				t.Errorf("after recovery the publish check = %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Text)
			}
		})
	}
}

// TestLostAnswersNeverDuplicate: GitHub does what the app asked, but the
// answer is lost on the way back, so the app cannot know it worked. After
// the retry button and the sweeper, each channel has the notice once and
// there is one follow-up: the app finds what it already did instead of
// doing it again.
func TestLostAnswersNeverDuplicate(t *testing.T) {
	tests := []struct {
		name      string
		fault     githubfake.Fault
		autoMerge bool
	}{
		{"creating the announcement issue", githubfake.Fault{Method: "POST", PathPrefix: "/repos/example/announce/issues", LoseResponse: true, Times: 1}, false},
		{"creating the follow-up issue", githubfake.Fault{Method: "POST", PathPrefix: "/repos/example/comms/issues", LoseResponse: true, Times: 1}, false},
		{"writing the publication ledger", githubfake.Fault{Method: "PATCH", PathPrefix: "/repos/example/comms/check-runs/", LoseResponse: true, Times: 2}, false},
		{"creating the publication ledger", githubfake.Fault{Method: "POST", PathPrefix: "/repos/example/comms/check-runs", LoseResponse: true, Times: 1}, false},
		{"merging at publish_at", githubfake.Fault{Method: "PUT", PathPrefix: "/repos/example/comms/pulls/1/merge", LoseResponse: true, Times: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, _ := startLogged(t, sandbox.Options{AutoMerge: tt.autoMerge})
			pr := openNotice(t, sb, validNotice())
			approveForPublication(t, sb, pr)
			sb.GitHub.ResetRequests()
			sb.GitHub.InjectFault(tt.fault)
			sb.Clock.Set(afterPublishAt)
			if err := sb.Sweep(ctxFor(t)); err != nil {
				t.Logf("sweep at publish_at: %v", err)
			}
			if !tt.autoMerge {
				mergeByHand(t, sb, pr)
			}
			lost := 0
			for _, r := range sb.GitHub.Requests() {
				if r.Method == tt.fault.Method && strings.HasPrefix(r.Path, tt.fault.PathPrefix) {
					lost++
				}
			}
			if lost == 0 {
				t.Fatalf("the fault never fired; the test exercised nothing")
			}

			// Whatever failed is retried: the button on the publish check,
			// then the sweeper after the lease.
			merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
			if !merged.Merged {
				t.Fatalf("the pull request is not merged (state %s)", merged.State)
			}
			if run, ok := sb.GitHub.LatestCheckRun(sandbox.CommsRepo, merged.MergeCommitSHA, "commsgate/publish"); ok {
				for _, a := range run.Actions {
					if a.Label == "Retry failed" {
						send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", a.Identifier))
					}
				}
			}
			for i := 0; i < 2; i++ {
				sb.Clock.Advance(30 * time.Minute)
				if err := sb.Sweep(ctxFor(t)); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
				t.Errorf("deliveries %+v, want exactly one per channel %+v", got, want)
			}
			if n := len(followUps(sb)); n != 1 {
				t.Errorf("follow-up issues = %d, want 1", n)
			}
			if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
				t.Errorf("publish check = %s/%s %q\n%s", run.Status, run.Conclusion, run.Title, run.Text)
			}
		})
	}
}

// TestLostAnswerFoundByTheRetry: the announcement issue is created but the
// answer is lost, and looking for it fails too, so the run ends unsure and
// the check offers "Retry failed". The retry looks before it sends: still
// one announcement issue.
func TestLostAnswerFoundByTheRetry(t *testing.T) {
	t.Parallel()
	const announceIssues = "/repos/example/announce/issues"
	sb, logs := startLogged(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	sb.GitHub.InjectFault(githubfake.Fault{Method: "POST", PathPrefix: announceIssues, LoseResponse: true, Times: 1})
	sb.GitHub.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: announceIssues, Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
	merged := mergeByHand(t, sb, pr)
	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion == "success" || counts(sb).issues != 1 {
		t.Fatalf("with the answer lost and the look-up refused: publish check %s, deliveries %+v; want a failure and the one issue GitHub made", run.Conclusion, counts(sb))
	}

	sb.GitHub.ClearFaults()
	sb.GitHub.ResetRequests()
	for _, a := range run.Actions {
		if a.Label == "Retry failed" {
			send(t, sb, sb.GitHub.RequestCheckRunAction(run.ID, "carla", a.Identifier))
		}
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Errorf("after the retry: deliveries %+v, want exactly one per channel %+v", got, want)
	}
	for _, r := range sb.GitHub.Requests() {
		if r.Method == "POST" && r.Path == announceIssues {
			t.Errorf("the retry created another announcement issue")
		}
	}
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" || !strings.Contains(run.Text, "found already delivered") {
		t.Errorf("after the retry the publish check = %s %q, want success saying the issue was found\n%s", run.Conclusion, run.Title, run.Text)
	}
	logs.requireLog(t, "that the announcement was found rather than sent again", `"found":true`, "announce")
}
