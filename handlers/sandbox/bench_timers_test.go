package sandbox_test

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/sandbox"
)

// BenchmarkPublishAtLag measures how late, after publish_at, an approved
// notice with auto_merge is merged and announced, with no sweep: the
// clock runs at real speed from a second before publish_at, and the fake
// is polled until the announcement issue exists. It reports the lag in
// milliseconds; the sweep, which used to be the only way, ran each minute.
//
//	go test ./handlers/sandbox -run '^$' -bench PublishAtLag -benchtime 5x
func BenchmarkPublishAtLag(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		sb := start(b, sandbox.Options{AutoMerge: true})
		pr := openNotice(b, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
		approveForPublication(b, sb, pr)
		at := mustTime(b, publishAt)
		sb.Clock.Flow(at.Add(-time.Second))
		realAt := time.Now().Add(time.Second)
		for len(announcements(sb)) == 0 {
			if time.Since(realAt) > 30*time.Second {
				b.Fatal("not announced within 30s of publish_at")
			}
			// GitHub sends the merged webhook for the app's own merge;
			// the sandbox delivers it when it settles.
			settle(b, sb)
			time.Sleep(time.Millisecond)
		}
		total += time.Since(realAt)
		if merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number); !merged.Merged {
			b.Fatal("announced without a merge")
		}
		sb.Close()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-after-publish_at")
}
