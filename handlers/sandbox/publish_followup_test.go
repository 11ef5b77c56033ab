package sandbox_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// publishStandardNotice takes the standard notice from opening to a
// published merge.
func publishStandardNotice(t *testing.T, sb *sandbox.Sandbox) githubfake.PR {
	t.Helper()
	merged := mergeByHand(t, sb, readyToMerge(t, sb))
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("first publication: %+v, want %+v", got, want)
	}
	return merged
}

// correctedNotice is the standard notice with its meeting time corrected
// and a new publish_at a day later.
func correctedNotice() string {
	return strings.Replace(notice("SIG Node meeting moves to Thursdays", "2027-02-10T16:00:00Z", nil),
		"Thursdays at 16:00 UTC,", "Thursdays at 17:00 UTC,", 1)
}

// publishCorrection opens the change as the author, approves it, lets its
// publish_at (the corrected notice's) pass and merges it.
func publishCorrection(t *testing.T, sb *sandbox.Sandbox, spec githubfake.PRSpec) (pr, merged githubfake.PR) {
	t.Helper()
	spec.Author = sandbox.Author
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, spec)
	send(t, sb, ev)
	approveForPublication(t, sb, pr)
	sb.Clock.Set(time.Date(2027, 2, 10, 16, 1, 0, 0, time.UTC))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	return pr, mergeByHand(t, sb, pr)
}

func TestCorrectionIsPublishedAsAnUpdate(t *testing.T) {
	sb := start(t, sandbox.Options{})
	publishStandardNotice(t, sb)
	first := announcements(sb)[0]

	// A correction: the meeting time was wrong.
	pr, merged := publishCorrection(t, sb, githubfake.PRSpec{
		Title: "Correct the meeting time",
		Files: map[string]string{noticePath: correctedNotice()},
	})

	run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish")
	if run.Conclusion != "success" {
		t.Fatalf("update publish check = %s %q:\n%s", run.Conclusion, run.Title, run.Text)
	}
	if got, want := counts(sb), (publishedCounts{1, 2, 2, 2}); got != want {
		t.Fatalf("after the update: %+v, want the same announcement issue and one more message elsewhere %+v", got, want)
	}

	// The announcement issue is edited in place and gets a dated comment.
	ann := announcements(sb)[0]
	if ann.Number != first.Number || !strings.Contains(ann.Body, "17:00 UTC") {
		t.Errorf("announcement #%d should now carry the correction:\n%s", ann.Number, ann.Body)
	}
	if !strings.Contains(ann.Title, "Update (February 10, 2027)") {
		t.Errorf("updated announcement title = %q", ann.Title)
	}
	comments := sb.GitHub.Comments(sandbox.AnnounceRepo, ann.Number)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "Updated (February 10, 2027)") || !strings.Contains(comments[0].Body, "Correct the meeting time") {
		t.Fatalf("announcement comments = %+v, want one dated \"Updated\" comment naming the change", comments)
	}

	// The other channels say it is an update, not a new announcement.
	mails := sb.Mail.Messages()
	header, text, _ := mailParts(t, mails[1])
	if !strings.Contains(header.Get("Subject"), "Update (February 10, 2027)") {
		t.Errorf("update mail subject = %q", header.Get("Subject"))
	}
	if !strings.Contains(text, "17:00 UTC") {
		t.Errorf("update mail lacks the corrected time:\n%s", text)
	}
	firstHeader, _, _ := mailParts(t, mails[0])
	if refs := header.Get("In-Reply-To") + header.Get("References"); !strings.Contains(refs, firstHeader.Get("Message-Id")) {
		t.Errorf("the update mail should thread under the first (In-Reply-To/References %q, first Message-Id %q)", refs, firstHeader.Get("Message-Id"))
	}
	if hook := sb.Hooks.Posts("/webhook")[1]; !hook.Verified || !strings.Contains(string(hook.Body), "17:00 UTC") {
		t.Errorf("update webhook verified=%v body:\n%s", hook.Verified, hook.Body)
	}

	// No second follow-up: the first one is told about the update.
	fu := followUps(sb)
	if len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want still 1", len(fu))
	}
	fc := sb.GitHub.Comments(sandbox.CommsRepo, fu[0].Number)
	if len(fc) != 1 || !strings.Contains(fc[0].Body, "Updated") || !strings.Contains(fc[0].Body, "#"+itoa(pr.Number)) {
		t.Fatalf("follow-up comments = %+v, want one \"Updated\" comment naming #%d", fc, pr.Number)
	}
}

func TestFollowUpReminderIsPostedOnce(t *testing.T) {
	sb := start(t, sandbox.Options{})
	publishStandardNotice(t, sb)
	fu := followUps(sb)
	if len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want 1", len(fu))
	}
	reminders := func() int { return len(sb.GitHub.Comments(sandbox.CommsRepo, fu[0].Number)) }

	sb.Clock.Set(afterPublishAt.Add(13 * 24 * time.Hour))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if n := reminders(); n != 0 {
		t.Fatalf("reminded a day before the follow-up is due (%d comments)", n)
	}

	sb.Clock.Set(afterPublishAt.Add(14*24*time.Hour + time.Minute))
	for i := 0; i < 3; i++ {
		if err := sb.Sweep(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
		sb.Clock.Advance(time.Hour)
	}
	comments := sb.GitHub.Comments(sandbox.CommsRepo, fu[0].Number)
	if len(comments) != 1 {
		t.Fatalf("reminders after three sweeps = %d, want exactly 1", len(comments))
	}
	if !strings.Contains(comments[0].Body, "@alice") || !strings.Contains(comments[0].Body, "due") {
		t.Errorf("the reminder should name the contact and the due date:\n%s", comments[0].Body)
	}
}

func TestClosedFollowUpIsNotReminded(t *testing.T) {
	sb := start(t, sandbox.Options{})
	publishStandardNotice(t, sb)
	fu := followUps(sb)[0]
	closeIssue(t, sb, fu.Number)

	sb.Clock.Set(afterPublishAt.Add(15 * 24 * time.Hour))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if c := sb.GitHub.Comments(sandbox.CommsRepo, fu.Number); len(c) != 0 {
		t.Fatalf("a closed follow-up got %d comments", len(c))
	}
}

// closeIssue closes an issue through the REST API, as someone working
// through the checklist would (here with the installation's token).
func closeIssue(t *testing.T, sb *sandbox.Sandbox, number int) {
	t.Helper()
	gh, err := github.NewClient(nil).WithAuthToken(sb.GitHub.Token(sb.Installation.ID)).WithEnterpriseURLs(sb.GitHub.URL()+"/", sb.GitHub.URL()+"/")
	if err != nil {
		t.Fatal(err)
	}
	owner, repo, _ := strings.Cut(sandbox.CommsRepo, "/")
	if _, _, err := gh.Issues.Edit(ctxFor(t), owner, repo, number, &github.IssueRequest{State: github.String("closed")}); err != nil {
		t.Fatalf("close issue #%d: %v", number, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A renamed communication is the same communication: its correction goes
// out as an update in the same threads, and the follow-up is told, not
// duplicated.
func TestRenamedCommunicationIsPublishedAsAnUpdate(t *testing.T) {
	sb := start(t, sandbox.Options{})
	publishStandardNotice(t, sb)
	first := announcements(sb)[0]

	_, merged := publishCorrection(t, sb, githubfake.PRSpec{
		Title:  "Correct the meeting time, under a clearer name",
		Files:  map[string]string{"comms/2027-02-09-sig-node-meeting-time.md": correctedNotice()},
		Delete: []string{noticePath},
	})
	if run := check(t, sb, merged.MergeCommitSHA, "commsgate/publish"); run.Conclusion != "success" {
		t.Fatalf("publish check = %s %q:\n%s", run.Conclusion, run.Title, run.Text)
	}
	if got, want := counts(sb), (publishedCounts{1, 2, 2, 2}); got != want {
		t.Fatalf("after the renamed update: %+v, want the same announcement edited and one more message elsewhere %+v", got, want)
	}
	if ann := announcements(sb)[0]; ann.Number != first.Number || !strings.Contains(ann.Title, "Update (February 10, 2027)") {
		t.Errorf("announcement #%d %q should be the first one, updated", ann.Number, ann.Title)
	}
	if fu := followUps(sb); len(fu) != 1 {
		t.Fatalf("follow-up issues = %d, want still 1", len(fu))
	}
}

// A communication that is changed but was never published (it sat on the
// default branch unpublished, e.g. committed directly) is new, not an
// update: nothing says "Update" about a notice nobody has seen.
func TestModifiedButNeverPublishedNoticeGoesOutAsNew(t *testing.T) {
	draft := notice("SIG Node meeting moves to Thursdays", publishAt, nil)
	sb := start(t, sandbox.Options{Files: map[string]string{noticePath: draft}})
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Finish the meeting notice",
		Files: map[string]string{noticePath: strings.Replace(draft, "Thursdays at 16:00 UTC,", "Thursdays at 17:00 UTC,", 1)},
	})
	send(t, sb, ev)
	approveForPublication(t, sb, pr)
	sb.Clock.Set(afterPublishAt)
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	mergeByHand(t, sb, pr)
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("deliveries = %+v, want %+v", got, want)
	}
	if ann := announcements(sb)[0]; strings.Contains(ann.Title, "Update") {
		t.Errorf("a first publication must not be called an update: %q", ann.Title)
	}
	header, _, _ := mailParts(t, sb.Mail.Messages()[0])
	if strings.Contains(header.Get("Subject"), "Update") || header.Get("In-Reply-To") != "" {
		t.Errorf("first mail reads as an update: subject %q, In-Reply-To %q", header.Get("Subject"), header.Get("In-Reply-To"))
	}
}
