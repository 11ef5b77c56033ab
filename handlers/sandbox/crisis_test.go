package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// saturdayNight is 03:00 UTC on a Saturday, outside every default window.
var saturdayNight = time.Date(2027, 2, 13, 3, 0, 0, 0, time.UTC)

const incidentPath = "comms/2027-02-13-registry-incident.md"

// incident is an ongoing incident declared expedited; tweak adjusts it.
func incident(tweak func(fields map[string]string)) string {
	return notice("Registry serving corrupted images", "2027-02-13T03:00:00Z", func(f map[string]string) {
		f["type"] = "incident"
		f["audience"] = "[everyone]"
		f["priority"] = "action-required"
		f["status"] = "ongoing"
		f["next_update_at"] = "2027-02-13T06:00:00Z"
		f["expedite"] = "true"
		f["expedite_reason"] = "Clusters fail to start pods right now; Monday's window is two days away."
		if tweak != nil {
			tweak(f)
		}
	})
}

// startCrisis starts the sandbox at Saturday night with auto_merge on.
func startCrisis(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	return start(t, sandbox.Options{Clock: sandbox.NewClock(saturdayNight.Add(5 * time.Minute)), AutoMerge: true})
}

func openIncident(t testing.TB, sb *sandbox.Sandbox, author, content string) githubfake.PR {
	t.Helper()
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: author, Title: "Incident: registry serving corrupted images",
		Files: map[string]string{incidentPath: content},
	})
	send(t, sb, ev)
	return pr
}

func TestExpeditedIncidentGoesOutOnceCommsAndTwoSteeringApprove(t *testing.T) {
	sb := startCrisis(t)
	pr := openIncident(t, sb, sandbox.Author, incident(nil))

	if tmpl := check(t, sb, pr.HeadSHA, templateCheck); tmpl.Conclusion != "success" {
		t.Fatalf("template check = %s %q:\n%s", tmpl.Conclusion, tmpl.Title, tmpl.Summary)
	}
	requireState(t, approval(t, sb, pr), "in_progress", "", "EXPEDITED", "Clusters fail to start pods", "windows, blackouts and the distributor lead time are waived")
	// Both crisis stages are asked at once, not one after the other.
	if got := teamsRequested(sb, pr); !strings.Contains(got, "contribex-comms") || !strings.Contains(got, "steering-committee") {
		t.Fatalf("teams requested = %q, want comms and steering together", got)
	}

	approve(t, sb, pr, "sue")
	approve(t, sb, pr, "carla")
	if counts(sb) != (publishedCounts{}) {
		t.Fatal("published before the second Steering member approved")
	}
	approve(t, sb, pr, "sid")

	merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	if !merged.Merged {
		t.Fatalf("the approved expedited notice was not merged by auto_merge: %s", approval(t, sb, pr).Title)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("published %+v, want once to every channel %+v", got, want)
	}
	// A sweep and a redelivery later, still exactly once.
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after a sweep %+v, want still %+v", got, want)
	}
	rat := check(t, sb, merged.MergeCommitSHA, "commsgate/ratification")
	if rat.Status != "in_progress" || !strings.Contains(rat.Summary, "sig") {
		t.Fatalf("ratification check = %s/%s %q:\n%s", rat.Status, rat.Conclusion, rat.Title, rat.Summary)
	}
	fu := followUps(sb)
	if len(fu) != 1 || !strings.Contains(fu[0].Body, "NOT YET RATIFIED") || !strings.Contains(fu[0].Body, "still needed") {
		t.Fatalf("follow-up should show the missing stages: %+v", fu)
	}
}

func TestExpeditedIncidentIsNotApprovedByItsAuthorsTeam(t *testing.T) {
	sb := startCrisis(t)
	// carla writes the notice; she is the comms team's member, but her own
	// notice needs the other one.
	pr := openIncident(t, sb, "carla", incident(nil))
	approve(t, sb, pr, "sue")
	approve(t, sb, pr, "sid")
	run := approval(t, sb, pr)
	requireState(t, run, "in_progress", "", "waiting for comms")
	if counts(sb) != (publishedCounts{}) || sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Fatal("merged or published without comms")
	}
	approve(t, sb, pr, "chris")
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("published %+v after the other comms member approved, want %+v", got, want)
	}
}

func TestExpediteDeclarationMistakesAreTemplateErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		words   []string
	}{
		{"on an announcement", notice("Meeting moves", "2027-02-13T03:00:00Z", func(f map[string]string) {
			f["expedite"] = "true"
			f["expedite_reason"] = "It is urgent."
		}), []string{"expedite-not-allowed", "type `announcement` cannot be expedited"}},
		{"without a reason", incident(func(f map[string]string) { delete(f, "expedite_reason") }), []string{"expedite-without-reason", "expedite_reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := startCrisis(t)
			pr := openIncident(t, sb, sandbox.Author, tt.content)
			tmpl := check(t, sb, pr.HeadSHA, templateCheck)
			if tmpl.Conclusion != "failure" {
				t.Fatalf("template check = %s %q", tmpl.Conclusion, tmpl.Title)
			}
			for _, w := range tt.words {
				if !strings.Contains(tmpl.Summary+tmpl.Text, w) {
					t.Errorf("template check does not say %q:\n%s\n%s", w, tmpl.Summary, tmpl.Text)
				}
			}
			for _, u := range []string{"carla", "sue", "sid"} {
				approve(t, sb, pr, u)
			}
			if counts(sb) != (publishedCounts{}) || sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
				t.Fatal("a notice with a template error was merged or published")
			}
		})
	}
}

func TestHoldStopsAnExpeditedIncident(t *testing.T) {
	sb := startCrisis(t)
	pr := openIncident(t, sb, sandbox.Author, incident(nil))
	approve(t, sb, pr, "carla")
	say(t, sb, pr, "sol", "/hold the registry team disputes the cause")
	approve(t, sb, pr, "sue")
	approve(t, sb, pr, "sid")
	requireState(t, approval(t, sb, pr), "completed", "failure", "BLOCKED", "sol")
	if counts(sb) != (publishedCounts{}) || sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number).Merged {
		t.Fatal("a held expedited notice was merged or published")
	}
	say(t, sb, pr, "sol", "/unhold")
	if got, want := counts(sb), (publishedCounts{1, 1, 1, 1}); got != want {
		t.Fatalf("after /unhold published %+v, want %+v", got, want)
	}
}

// publishIncident takes the expedited incident to publication.
func publishIncident(t *testing.T, sb *sandbox.Sandbox) (githubfake.PR, githubfake.Issue) {
	t.Helper()
	pr := openIncident(t, sb, sandbox.Author, incident(nil))
	for _, u := range []string{"carla", "sue", "sid"} {
		approve(t, sb, pr, u)
	}
	merged := sb.GitHub.PullRequest(sandbox.CommsRepo, pr.Number)
	fu := followUps(sb)
	if !merged.Merged || len(fu) != 1 {
		t.Fatalf("expedited incident not published (merged %v, %d follow-ups)", merged.Merged, len(fu))
	}
	return merged, fu[0]
}

func TestRatificationTurnsGreenWithRatify(t *testing.T) {
	sb := startCrisis(t)
	merged, fu := publishIncident(t, sb)

	// The approvals on the pull request count; the normal ladder still
	// needs a SIG Node lead and a third Steering member. The author's and
	// an outsider's /ratify do not count.
	for _, u := range []string{sandbox.Author, sandbox.Outsider, "nina"} {
		_, ev := sb.GitHub.Comment(sandbox.CommsRepo, fu.Number, u, "/ratify")
		send(t, sb, ev)
	}
	rat := check(t, sb, merged.MergeCommitSHA, "commsgate/ratification")
	if rat.Status != "in_progress" || !strings.Contains(rat.Summary, "steering") {
		t.Fatalf("ratification with the SIG lead only = %s/%s %q:\n%s", rat.Status, rat.Conclusion, rat.Title, rat.Summary)
	}
	_, ev := sb.GitHub.Comment(sandbox.CommsRepo, fu.Number, "sol", "/ratify")
	send(t, sb, ev)
	rat = check(t, sb, merged.MergeCommitSHA, "commsgate/ratification")
	if rat.Status != "completed" || rat.Conclusion != "success" {
		t.Fatalf("ratification = %s/%s %q:\n%s", rat.Status, rat.Conclusion, rat.Title, rat.Summary)
	}
	var ratified int
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, fu.Number) {
		if strings.Contains(c.Body, "✅ Ratified") {
			ratified++
		}
	}
	if ratified != 1 {
		t.Fatalf("%d \"Ratified\" comments, want 1", ratified)
	}
	// Late now changes nothing: no reminder once ratified.
	sb.Clock.Set(saturdayNight.Add(80 * time.Hour))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, fu.Number) {
		if strings.Contains(c.Body, "due to be ratified") {
			t.Fatalf("reminded although ratified: %s", c.Body)
		}
	}
}

func TestLateRatificationIsRemindedOnce(t *testing.T) {
	sb := startCrisis(t)
	merged, fu := publishIncident(t, sb)
	reminders := func() int {
		return len(commentsSaying(t, sb, fu.Number, "due to be ratified", "@example/sig-node-leads", "@example/steering-committee"))
	}
	sb.Clock.Set(saturdayNight.Add(70 * time.Hour))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if n := reminders(); n != 0 {
		t.Fatalf("%d reminders before ratify_within passed", n)
	}
	for range 2 {
		sb.Clock.Set(saturdayNight.Add(73 * time.Hour))
		if err := sb.Sweep(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n := reminders(); n != 1 {
		t.Fatalf("%d ratification reminders, want exactly 1", n)
	}
	if rat := check(t, sb, merged.MergeCommitSHA, "commsgate/ratification"); rat.Conclusion != "failure" || !strings.Contains(rat.Title, "OVERDUE") {
		t.Fatalf("overdue ratification check = %s/%s %q", rat.Status, rat.Conclusion, rat.Title)
	}
}

func TestNextUpdateReminderIsPostedOnce(t *testing.T) {
	sb := startCrisis(t)
	_, fu := publishIncident(t, sb)
	reminders := func() int {
		return len(commentsSaying(t, sb, fu.Number, "promised its next update", "@"+sandbox.Author, incidentPath))
	}
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if n := reminders(); n != 0 {
		t.Fatalf("%d update reminders before next_update_at", n)
	}
	for range 2 {
		sb.Clock.Set(saturdayNight.Add(3*time.Hour + time.Minute))
		if err := sb.Sweep(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n := reminders(); n != 1 {
		t.Fatalf("%d update reminders, want exactly 1", n)
	}
}

func TestIncidentUpdateGoesToTheSameThreads(t *testing.T) {
	sb := startCrisis(t)
	publishIncident(t, sb)
	first := announcements(sb)[0]

	sb.Clock.Set(saturdayNight.Add(2 * time.Hour))
	update, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Incident update: registry fixed",
		Files: map[string]string{incidentPath: incident(func(f map[string]string) {
			f["publish_at"] = "2027-02-13T05:00:00Z"
			f["status"] = "resolved"
			delete(f, "next_update_at")
		})},
	})
	send(t, sb, ev)
	for _, u := range []string{"carla", "sue", "sid"} {
		approve(t, sb, update, u)
	}
	if got, want := counts(sb), (publishedCounts{1, 2, 2, 2}); got != want {
		t.Fatalf("after the update %+v, want the same announcement issue and one more message elsewhere %+v", got, want)
	}
	if c := sb.GitHub.Comments(sandbox.AnnounceRepo, first.Number); len(c) != 1 || !strings.Contains(c[0].Body, "Updated") {
		t.Fatalf("announcement comments = %+v, want one update comment", c)
	}
	mails := sb.Mail.Messages()
	firstHeader, _, _ := mailParts(t, mails[0])
	header, _, _ := mailParts(t, mails[1])
	if !strings.Contains(header.Get("In-Reply-To"), firstHeader.Get("Message-Id")) {
		t.Errorf("update mail In-Reply-To %q, want the first mail's %q", header.Get("In-Reply-To"), firstHeader.Get("Message-Id"))
	}
	// The update was merged: no reminder for the next update it no longer promises.
	sb.Clock.Set(saturdayNight.Add(4 * time.Hour))
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, followUps(sb)[0].Number) {
		if strings.Contains(c.Body, "promised its next update") {
			t.Fatalf("reminded of an update after the incident was resolved:\n%s", c.Body)
		}
	}
}

// commentsSaying returns the follow-up's comments containing marker, and
// fails the test for any of them that lacks one of the other words.
func commentsSaying(t *testing.T, sb *sandbox.Sandbox, issue int, marker string, words ...string) []githubfake.Comment {
	t.Helper()
	var out []githubfake.Comment
	for _, c := range sb.GitHub.Comments(sandbox.CommsRepo, issue) {
		if !strings.Contains(c.Body, marker) {
			continue
		}
		out = append(out, c)
		for _, w := range words {
			if !strings.Contains(c.Body, w) {
				t.Errorf("comment %q does not say %q:\n%s", marker, w, c.Body)
			}
		}
	}
	return out
}
