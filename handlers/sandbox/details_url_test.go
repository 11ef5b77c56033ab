package sandbox_test

import (
	"fmt"
	"testing"

	"github.com/commsgate/commsgate/handlers/sandbox"
)

// TestCheckRunsLinkToTheNoticePage: with server.public_url set (the
// sandbox's own address), the template, approval and publish checks carry
// details_url = {public_url}/notice/{owner}/{repo}/{number}.
func TestCheckRunsLinkToTheNoticePage(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := readyToMerge(t, sb)
	merged := mergeByHand(t, sb, pr)
	want := fmt.Sprintf("%s/notice/%s/%d", sb.BaseURL, sandbox.CommsRepo, pr.Number)
	for _, c := range []struct{ sha, name string }{
		{pr.HeadSHA, "commsgate/template"}, {pr.HeadSHA, "commsgate/approval"}, {merged.MergeCommitSHA, "commsgate/publish"},
	} {
		if run := check(t, sb, c.sha, c.name); run.DetailsURL != want {
			t.Errorf("%s details_url = %q, want %q", c.name, run.DetailsURL, want)
		}
	}
}
