package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// The two colliding tier 2 notices the calendar tests add: for end-users
// (tier 2), an hour apart in one window.
const (
	freezeTitle     = "Registry freeze starts"
	retirementTitle = "Ingress controller retirement"
)

// forEndUsers is the summit notice retitled, moved to at and addressed to
// end-users, which makes it tier 2.
func forEndUsers(t *testing.T, title, at string) string {
	t.Helper()
	s := readComms(t, "2027-01-26-contributor-summit.md")
	s = strings.Replace(s, "title: Contributor summit registration is open", "title: "+title, 1)
	s = strings.Replace(s, "publish_at: 2027-01-26T16:00:00Z", "publish_at: "+at, 1)
	s = strings.Replace(s, "sigs: [sig-contribex]", "sigs: [sig-node]", 1)
	return strings.Replace(s, "audience: [contributors]", "audience: [end-users]", 1)
}

// openColliding opens the two colliding notices as pull requests #3 and
// #4, and approves #3.
func openColliding(t *testing.T, sb *sandbox.Sandbox) (freeze, retirement githubfake.PR) {
	t.Helper()
	freeze, _ = sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the registry freeze",
		Files: map[string]string{"comms/2027-02-09-registry-freeze.md": forEndUsers(t, freezeTitle, "2027-02-09T16:00:00Z")},
	})
	retirement, _ = sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the ingress retirement",
		Files: map[string]string{"comms/2027-02-09-ingress-retirement.md": forEndUsers(t, retirementTitle, "2027-02-09T17:00:00Z")},
	})
	// The freeze is approved by every stage: scheduled for its
	// publish_at. The retirement stays in review at its sig stage.
	for _, who := range []string{sandbox.SIGNodeLeads[0], sandbox.CommsTeam[0], sandbox.Steering[1], sandbox.Steering[2], sandbox.Steering[3]} {
		sb.GitHub.SubmitReview(sandbox.CommsRepo, freeze.Number, githubfake.ReviewSpec{User: who, State: "APPROVED"})
	}
	return freeze, retirement
}

// dayCell is the month grid's cell of date.
func dayCell(t *testing.T, page, date string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<td id="day-` + date + `"[^>]*>(.*?)</td>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no cell for %s in the month:\n%s", date, page)
	}
	return m[1]
}

func TestCalendarMonthPlacesNoticesWindowsAndCollisions(t *testing.T) {
	sb := startSandbox(t)
	openColliding(t, sb)
	c := browser(t)
	signIn(t, sb, c, sandbox.Steering[0])

	feb := get(t, c, sb.BaseURL+"/calendar?view=month&at=2027-02-01&tz=UTC", http.StatusOK)
	advisory := dayCell(t, feb, "2027-02-16")
	for _, want := range []string{"16:00", "in review (sig)", "CVE-2027-10231", `class="entry state-in-review"`, "Asia/Tokyo", "/notice/example/comms/2?path="} {
		if !strings.Contains(advisory, want) {
			t.Errorf("16 Feb lacks %q:\n%s", want, advisory)
		}
	}
	collide := dayCell(t, feb, "2027-02-09")
	for _, want := range []string{`class="entry state-scheduled"`, freezeTitle, retirementTitle, "⚠ collides with example/comms#4", "⚠ collides with example/comms#3", "window"} {
		if !strings.Contains(collide, want) {
			t.Errorf("9 Feb lacks %q:\n%s", want, collide)
		}
	}
	if strings.Contains(dayCell(t, feb, "2027-02-13"), "window") {
		t.Error("a Saturday is marked with a window")
	}
	if !strings.Contains(feb, `id="collision-list"`) {
		t.Error("the month lists no collision")
	}

	jan := get(t, c, sb.BaseURL+"/calendar?at=2027-01-01", http.StatusOK)
	// The sandbox's policy has the default schedule, without blackouts:
	// TestBuildMonth marks them.
	if !strings.Contains(dayCell(t, jan, "2027-01-26"), "draft") {
		t.Error("the draft summit notice is not on 26 January")
	}

	// The zone: in Tokyo the advisory is at 01:00 the next day, and the
	// choice is remembered.
	tokyo := get(t, c, sb.BaseURL+"/calendar?at=2027-02-01&tz=Asia/Tokyo", http.StatusOK)
	if !strings.Contains(dayCell(t, tokyo, "2027-02-17"), "01:00") {
		t.Error("in Asia/Tokyo the advisory is not at 01:00 on 17 February")
	}
	again := get(t, c, sb.BaseURL+"/calendar?at=2027-02-01", http.StatusOK)
	if !strings.Contains(again, "<option selected>Asia/Tokyo</option>") {
		t.Error("the zone chosen last is not remembered")
	}
	bad := get(t, c, sb.BaseURL+"/calendar?at=2027-02-01&tz=Mars/Olympus", http.StatusOK)
	if !strings.Contains(bad, `There is no time zone &#34;Mars/Olympus&#34;: times are in UTC.`) || !strings.Contains(bad, "times in UTC") {
		t.Error("an unknown zone is not UTC with a note")
	}

	week := get(t, c, sb.BaseURL+"/calendar?view=week&at=2027-02-10&tz=UTC", http.StatusOK)
	for _, want := range []string{"Week of 8 Feb 2027", "Mon 8 Feb", freezeTitle, `class="hour in-window"`, "17:00"} {
		if !strings.Contains(week, want) {
			t.Errorf("the week view lacks %q", want)
		}
	}
}

func TestNoticePageShowsTheLadderAndIs404WithoutReadAccess(t *testing.T) {
	sb := startSandbox(t)
	freeze, retirement := openColliding(t, sb)
	member := browser(t)
	signIn(t, sb, member, sandbox.Steering[0])
	page := get(t, member, sb.BaseURL+"/notice/example/comms/2", http.StatusOK)
	for _, want := range []string{"CVE-2027-10231", "in review (sig)", "embargoed", "Approval ladder", "awaited since", "Asia/Kolkata",
		`href="` + sb.GitHub.URL() + `/example/comms/pull/2"`, "/pull/2/checks"} {
		if !strings.Contains(page, want) {
			t.Errorf("the advisory's page lacks %q:\n%s", want, page)
		}
	}
	col := get(t, member, sb.BaseURL+"/notice/example/comms/3?path=comms/2027-02-09-registry-freeze.md", http.StatusOK)
	if want := `<a href="/notice/example/comms/4">example/comms#4 “` + retirementTitle + `”</a>`; !strings.Contains(col, want) {
		t.Errorf("#%d's page does not name #%d's collision with a link %s:\n%s", freeze.Number, retirement.Number, want, col)
	}
	get(t, member, sb.BaseURL+"/notice/example/comms/3?path=comms/nothing.md", http.StatusNotFound)
	get(t, member, sb.BaseURL+"/notice/example/comms/99", http.StatusNotFound)

	outsider := browser(t)
	signIn(t, sb, outsider, sandbox.Outsider)
	for _, u := range []string{"/notice/example/comms/2", "/notice/example/comms/99", "/notice/example/nothing/1"} {
		body := get(t, outsider, sb.BaseURL+u, http.StatusNotFound)
		for _, leak := range []string{"kubelet", "CVE", "embargo"} {
			if strings.Contains(strings.ToLower(body), strings.ToLower(leak)) {
				t.Errorf("the outsider's %s shows %q", u, leak)
			}
		}
	}
	cal := get(t, outsider, sb.BaseURL+"/calendar?at=2027-02-01", http.StatusOK)
	for _, leak := range []string{sandbox.CommsRepo, "kubelet", freezeTitle, "/notice/"} {
		if strings.Contains(strings.ToLower(cal), strings.ToLower(leak)) {
			t.Errorf("the outsider's calendar shows %q", leak)
		}
	}
}
