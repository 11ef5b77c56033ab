package sandbox_test

import (
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
