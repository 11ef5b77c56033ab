package publication

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/facts/factstest"
	"github.com/commsgate/commsgate/handlers/report"
)

// The sweeper takes up a merge's publication only when no process can be
// on it: never during another's lease, never for a merge commsgate was
// not gating, and never on a ledger it cannot read.
func TestPublicationUnfinished(t *testing.T) {
	now := time.Date(2027, 2, 9, 16, 30, 0, 0, time.UTC)
	pr := &github.PullRequest{
		Number: github.Int(7), MergeCommitSHA: github.String("merge1"),
		Head:     &github.PullRequestBranch{SHA: github.String("head1")},
		MergedAt: &github.Timestamp{Time: now.Add(-20 * time.Minute)},
	}
	justMerged := *pr
	justMerged.MergedAt = &github.Timestamp{Time: now.Add(-time.Minute)}

	ledgerRun := func(status string, saved time.Time, deliveries map[string]*targetDelivery) *github.CheckRun {
		l := newLedger(7)
		l.Saved = saved
		for k, d := range deliveries {
			l.Deliveries[k] = d
		}
		text, err := l.text()
		if err != nil {
			t.Fatal(err)
		}
		return &github.CheckRun{ID: github.Int64(1), Name: github.String(report.CheckPublish), Status: github.String(status),
			Output: &github.CheckRunOutput{Text: github.String(text)}}
	}
	gated := []*github.CheckRun{{ID: github.Int64(2), Name: github.String(report.CheckApproval)}}
	failedTemporarily := map[string]*targetDelivery{"comms/a.md#slack": {Status: deliveryFailed, Retryable: true, Attempts: 3, At: now.Add(-2 * time.Minute)}}
	failedForGood := map[string]*targetDelivery{"comms/a.md#slack": {Status: deliveryFailed, Attempts: 1, At: now.Add(-2 * time.Hour)}}

	tests := []struct {
		name string
		pr   *github.PullRequest
		runs map[string][]*github.CheckRun
		want bool
	}{
		{"merged event lost for a gated PR", pr, map[string][]*github.CheckRun{"head1": gated}, true},
		{"merged event still within its lease", &justMerged, map[string][]*github.CheckRun{"head1": gated}, false},
		{"a merge commsgate never gated", pr, nil, false},
		{"in progress and written recently: another process is on it", pr,
			map[string][]*github.CheckRun{"merge1": {ledgerRun("in_progress", now.Add(-time.Minute), nil)}}, false},
		{"in progress and quiet past the lease: stopped half-way", pr,
			map[string][]*github.CheckRun{"merge1": {ledgerRun("in_progress", now.Add(-11*time.Minute), nil)}}, true},
		{"completed with a temporary failure due again", pr,
			map[string][]*github.CheckRun{"merge1": {ledgerRun("completed", now.Add(-2*time.Minute), failedTemporarily)}}, true},
		{"completed with a failure that needs a person", pr,
			map[string][]*github.CheckRun{"merge1": {ledgerRun("completed", now.Add(-2*time.Hour), failedForGood)}}, false},
		{"a damaged ledger is left for a person", pr, map[string][]*github.CheckRun{"merge1": {{
			ID: github.Int64(1), Name: github.String(report.CheckPublish), Status: github.String("in_progress"),
			Output: &github.CheckRunOutput{Text: github.String("<!-- commsgate-ledger {\"pr\": -->")},
		}}}, false},
	}
	pub := &Publisher{retry: Retry{Attempts: 3}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &factstest.Reader{Runs: tt.runs}
			got, err := pub.publicationUnfinished(context.Background(), r, facts.Target{Owner: "example", Repo: "comms"}, tt.pr, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.due != tt.want {
				t.Errorf("unfinished = %v (%q), want %v", got.due, got.why, tt.want)
			}
		})
	}
}
