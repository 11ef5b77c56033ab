package sandbox_test

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/sandbox"
)

// BenchmarkExpeditedApprovalToAnnouncement measures the crisis path's
// promise: from the moment the last needed approval on an expedited
// incident reaches the server to the moment its announcement issue exists,
// with auto_merge on, at 03:00 UTC on a Saturday. The clock flows at real
// speed; the time includes the evaluation, the merge, GitHub's merged
// webhook (delivered as soon as the fake records it) and the publication to
// every channel. The goal is under 5 s. It runs once with the fake
// answering at once and once with 50 ms per GitHub request, about what a
// server near GitHub sees.
//
//	go test ./handlers/sandbox -run '^$' -bench ExpeditedApprovalToAnnouncement -benchtime 5x
func BenchmarkExpeditedApprovalToAnnouncement(b *testing.B) {
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run("github-latency="+latency.String(), func(b *testing.B) {
			benchmarkApprovalToAnnouncement(b, latency)
		})
	}
}

func benchmarkApprovalToAnnouncement(b *testing.B, latency time.Duration) {
	var total, worst time.Duration
	for i := 0; i < b.N; i++ {
		clock := sandbox.NewClock(saturdayNight)
		sb := start(b, sandbox.Options{Clock: clock, AutoMerge: true})
		clock.Flow(saturdayNight.Add(5 * time.Minute))
		pr := openIncident(b, sb, sandbox.Author, incident(nil))
		approve(b, sb, pr, "sue")
		approve(b, sb, pr, "carla")
		if len(announcements(sb)) != 0 {
			b.Fatal("announced before the second Steering member approved")
		}

		sb.GitHub.SetLatency(latency)
		began := time.Now()
		approve(b, sb, pr, "sid") // returns once the server and GitHub's follow-on webhooks are done
		if len(announcements(sb)) == 0 {
			b.Fatal("not announced after the last approval")
		}
		took := time.Since(began)
		sb.GitHub.SetLatency(0)
		total += took
		worst = max(worst, took)
		if !sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
			b.Fatal("announced without a merge")
		}
		sb.Close()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-approval-to-announcement")
	b.ReportMetric(float64(worst.Milliseconds()), "ms-worst")
}
