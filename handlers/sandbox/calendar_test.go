package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// listCalendar lists the sandbox repository's calendar, with merges of
// the last 30 days.
func listCalendar(t testing.TB, sb *sandbox.Sandbox) calendar.Calendar {
	t.Helper()
	owner, repo, _ := strings.Cut(sandbox.CommsRepo, "/")
	now := sb.Clock.Now()
	cal, err := sb.Calendar().List(ctxFor(t), sb.Installation.ID, owner, repo, now.Add(-30*24*time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range cal.Unread {
		t.Errorf("unread %s: %v", u.Ref, u.Err)
	}
	return cal
}

func entryOf(t *testing.T, cal calendar.Calendar, number int) calendar.Entry {
	t.Helper()
	for _, e := range cal.Entries {
		if e.Number == number {
			return e
		}
	}
	t.Fatalf("no entry for #%d among %d", number, len(cal.Entries))
	return calendar.Entry{}
}

// TestCalendarListsStatesLinksAndCollisions: a published notice with its
// announcement and follow-up, one in review at its first stage since it
// was opened, a draft, and the collision between the two tier 2 notices;
// a second listing with nothing changed costs only free 304s.
func TestCalendarListsStatesLinksAndCollisions(t *testing.T) {
	sb := start(t, sandbox.Options{})
	published := readyToMerge(t, sb)
	mergeByHand(t, sb, published)

	freeze := openNoticeAt(t, sb, freezePath, forEndUsers("Registry freeze starts", "2027-02-16T16:00:00Z"))
	draft, _ := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Draft", Draft: true,
		Files: map[string]string{retirementPath: forEndUsers("Ingress controller retirement", "2027-02-16T17:00:00Z")},
	})

	cal := listCalendar(t, sb)
	if len(cal.Entries) != 3 {
		t.Fatalf("entries = %d, want 3: %+v", len(cal.Entries), cal.Entries)
	}
	pub := entryOf(t, cal, published.Number)
	if pub.State != calendar.Published || pub.Links.FollowUp == "" || len(pub.Links.Publications) != 4 {
		t.Errorf("published entry: state %s, follow-up %q, publications %+v", pub.State, pub.Links.FollowUp, pub.Links.Publications)
	}
	issueURL := false
	for _, p := range pub.Links.Publications {
		issueURL = issueURL || (p.Kind == "github-issue" && strings.Contains(p.URL, "/"+sandbox.AnnounceRepo+"/issues/"))
	}
	if !issueURL {
		t.Errorf("the announcement issue's URL is missing: %+v", pub.Links.Publications)
	}
	rev := entryOf(t, cal, freeze.Number)
	if rev.State != calendar.InReview || rev.Stage != "sig" || rev.AwaitedSince.IsZero() || rev.Tier != 2 {
		t.Errorf("in review entry: state %s stage %q since %v tier %d", rev.State, rev.Stage, rev.AwaitedSince, rev.Tier)
	}
	if want := fmt.Sprintf("%s#%d", sandbox.CommsRepo, freeze.Number); rev.Ref != want || !strings.HasSuffix(rev.Links.Checks, "/checks") {
		t.Errorf("ref %q (want %q), checks %q", rev.Ref, want, rev.Links.Checks)
	}
	if d := entryOf(t, cal, draft.Number); d.State != calendar.Draft {
		t.Errorf("draft entry: state %s", d.State)
	}
	if len(cal.Collisions) != 1 || len(cal.Windows) == 0 {
		t.Errorf("collisions %+v, windows %d", cal.Collisions, len(cal.Windows))
	}

	sb.GitHub.ResetRequests()
	listCalendar(t, sb)
	if n := sb.GitHub.Counted(); n != 0 {
		t.Errorf("a repeat listing with nothing changed made %d counted requests: %v", n, sb.GitHub.RequestKeys())
	}
	t.Logf("repeat listing: %d requests, all free 304s", len(sb.GitHub.Requests()))
}

// BenchmarkCalendarList200 lists a repository with 200 open pull
// requests, one tier 2 notice each, from the fake GitHub on loopback: a
// repeat listing (nothing changed: the lists answered 304, each pull
// request from the cache). The cold listing's time and requests are
// logged once.
func BenchmarkCalendarList200(b *testing.B) {
	sb := start(b, sandbox.Options{})
	for i := range 200 {
		at := monday.Add(time.Duration(i)*3*time.Hour + 8*24*time.Hour).Format(time.RFC3339)
		sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
			Author: sandbox.Author, Title: fmt.Sprintf("Notice %d", i),
			Files: map[string]string{fmt.Sprintf("comms/notice-%03d.md", i): forEndUsers(fmt.Sprintf("Notice %d", i), at)},
		})
	}
	sb.GitHub.ResetRequests()
	start := time.Now()
	cal := listCalendar(b, sb)
	b.Logf("cold: %d entries in %v, %d requests (%d counted)", len(cal.Entries), time.Since(start), len(sb.GitHub.Requests()), sb.GitHub.Counted())
	if len(cal.Entries) != 200 {
		b.Fatalf("entries = %d, want 200", len(cal.Entries))
	}
	sb.GitHub.ResetRequests()
	b.ResetTimer()
	for b.Loop() {
		listCalendar(b, sb)
	}
	b.StopTimer()
	b.Logf("warm: %d requests per listing (%d counted)", len(sb.GitHub.Requests())/max(b.N, 1), sb.GitHub.Counted())
}
