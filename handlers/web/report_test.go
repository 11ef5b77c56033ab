package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// reportPeriod covers the report scenario's pull requests.
const reportPeriod = "from=2027-01-25&to=2027-02-14"

// reportNotice is a tier 2 announcement by SIG Node, publishing on a
// Tuesday inside the default window.
func reportNotice(title string) string {
	return "---\ntitle: " + title + "\n" +
		"summary: The node team moves its weekly meeting to Thursdays at 16:00 UTC from March on.\n" +
		"type: announcement\nsigs: [sig-node]\naudience: [contributors]\npriority: priority-info\n" +
		"channels: [announce, dev-list, slack-announce, status-page]\npublish_at: 2027-02-09T16:00:00Z\ncontacts: [alice]\n---\n\n" +
		"## Summary\n\nSIG Node's weekly meeting moves from Tuesdays to Thursdays at 16:00 UTC,\nstarting the first week of March.\n\n" +
		"## Contact\n\nAsk in `#sig-node` on Slack or on the SIG's mailing list.\n"
}

// startReportSandbox runs the report's scenario on the sandbox's clock:
// one notice opened on Monday 1 February 10:00, approved by its SIG lead
// 2 hours later and by a Steering majority 3 hours after that, merged and
// published at publish_at (Tuesday 9 February 16:01), its follow-up
// closed on time three days later; a second one opened at the
// publication, still in review. It returns the published pull request.
func startReportSandbox(t *testing.T) (*sandbox.Sandbox, githubfake.PR) {
	t.Helper()
	clock := sandbox.NewClock(time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC))
	sb, err := sandbox.Start(sandbox.Options{Reporter: t, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	send := func(ev githubfake.Event) {
		t.Helper()
		if err := sb.Send(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	pr, ev := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node meeting move",
		Files: map[string]string{"comms/2027-02-09-node-meeting.md": reportNotice("SIG Node meeting moves to Thursdays")},
	})
	send(ev)
	approve := func(pr githubfake.PR, user string) {
		_, ev := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: user, State: "APPROVED"})
		send(ev)
	}
	clock.Advance(2 * time.Hour)
	approve(pr, "nina")
	clock.Advance(3 * time.Hour)
	for _, u := range []string{"sue", "sid", "sol"} {
		approve(pr, u)
	}
	clock.Set(time.Date(2027, 2, 9, 16, 1, 0, 0, time.UTC))
	if err := sb.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	merged, ev := sb.GitHub.MergePR(sandbox.CommsRepo, pr.Number, "carla")
	send(ev)
	_, ev = sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node office hours",
		Files: map[string]string{"comms/2027-02-16-office-hours.md": reportNotice("SIG Node office hours")},
	})
	send(ev)
	// The contact closes the follow-up three days later, well before it
	// is due (14 days after publication).
	clock.Advance(3 * 24 * time.Hour)
	closeFollowUp(t, sb)
	if run, ok := sb.GitHub.LatestCheckRun(sandbox.CommsRepo, merged.MergeCommitSHA, "commsgate/publish"); !ok || run.Conclusion != "success" {
		t.Fatalf("the first notice did not publish: %+v", run)
	}
	return sb, merged
}

// closeFollowUp closes the follow-up issue through the API (with the
// installation's token: the fake's user tokens cannot write issues).
func closeFollowUp(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	c := github.NewClient(nil).WithAuthToken(sb.GitHub.Token(sb.Installation.ID))
	c.BaseURL, _ = url.Parse(sb.GitHub.URL() + "/")
	for _, is := range sb.GitHub.Issues(sandbox.CommsRepo) {
		if strings.HasPrefix(is.Title, "Follow-up: ") {
			if _, _, err := c.Issues.Edit(t.Context(), "example", "comms", is.Number, &github.IssueRequest{State: github.String("closed")}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no follow-up issue was opened")
}

// reportRow finds the table row whose header is name.
func reportRow(t *testing.T, page, name string) string {
	t.Helper()
	start := strings.Index(page, `<th scope="row">`+name)
	if start < 0 {
		t.Fatalf("no row %q in the report:\n%s", name, page)
	}
	end := strings.Index(page[start:], "</tr>")
	return page[start : start+end]
}

func TestReportShowsTheFiguresAndDownloadsThemAsCSV(t *testing.T) {
	sb, _ := startReportSandbox(t)
	c := browser(t)
	signIn(t, sb, c, sandbox.Steering[0])
	page := get(t, c, sb.BaseURL+"/report?"+reportPeriod, http.StatusOK)
	for _, want := range []string{
		`<label for="report-from">`, `<input id="report-from" name="from" type="date" value="2027-01-25"`,
		`<input id="report-to" name="to" type="date" value="2027-02-14"`, "<caption>Tier 1: 2 communications</caption>",
		`<th scope="col">Median (h)</th>`, `href="/report.csv?from=2027-01-25&amp;to=2027-02-14"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q:\n%s", want, page)
		}
	}
	// Opened 10:00, the SIG lead at 12:00, Steering at 15:00, published
	// 8 days and 61 minutes later; the notice in review is counted but
	// has no time yet.
	for name, want := range map[string]string{
		"Open to approved":                    "<td>1</td><td>5.0</td><td>5.0</td>",
		"Stage sig: asked to approved":        "<td>1</td><td>2.0</td><td>2.0</td>",
		"Stage steering: asked to approved":   "<td>1</td><td>3.0</td><td>3.0</td>",
		"Approval to publication":             "<td>1</td><td>193.0</td><td>193.0</td>",
		"Ratification lag":                    "<td>0</td><td>—</td><td>—</td>",
		"Follow-ups closed by their due date": `<td>1 of 1</td><td colspan="2">100.0 %</td>`,
		"Corrections per communication":       `<td>0</td><td colspan="2">0.00</td>`,
	} {
		if row := reportRow(t, page, name); !strings.Contains(row, want) {
			t.Errorf("row %q = %s, want %s", name, row, want)
		}
	}

	resp, err := c.Get(sb.BaseURL + "/report.csv?" + reportPeriod)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK ||
		ct != "text/csv; charset=utf-8" || cd != `attachment; filename="commsgate-report-2027-01-25-2027-02-14.csv"` {
		t.Fatalf("CSV: HTTP %d, Content-Type %q, Content-Disposition %q", resp.StatusCode, ct, cd)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(rows) != 3 || rows[1][2] != "1" || rows[2][2] != "all" {
		t.Fatalf("CSV rows = %q, want a header, tier 1 and all", rows)
	}
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("no column %q in %q", name, rows[0])
		}
		return i
	}
	for _, row := range rows[1:] {
		for name, want := range map[string]string{
			"from": "2027-01-25T00:00:00Z", "to": "2027-02-15T00:00:00Z", "communications": "2",
			"open_to_approved_n": "1", "open_to_approved_median_h": "5.0", "open_to_approved_p90_h": "5.0",
			"approval_to_publication_median_h": "193.0", "stage_sig_median_h": "2.0", "stage_steering_p90_h": "3.0",
			"follow_ups_counted": "1", "follow_ups_on_time": "1", "follow_ups_on_time_pct": "100.0",
			"corrections_per_communication": "0.00", "expedited": "0", "ratification_lag_median_h": "—",
		} {
			if got := row[col(name)]; got != want {
				t.Errorf("CSV row %s: %s = %q, want %q", row[2], name, got, want)
			}
		}
	}
}

// The security rule, for the report: an outsider without read access to
// example/comms gets a report without any of its communications, on the
// page and in the CSV.
func TestReportLeavesOutRepositoriesThePersonCannotRead(t *testing.T) {
	sb, _ := startReportSandbox(t)
	c := browser(t)
	signIn(t, sb, c, sandbox.Outsider)
	page := get(t, c, sb.BaseURL+"/report?"+reportPeriod, http.StatusOK)
	if !strings.Contains(page, `id="report-empty"`) || strings.Contains(page, "<caption>") {
		t.Errorf("the outsider's report is not empty:\n%s", page)
	}
	for _, leak := range []string{sandbox.CommsRepo, "node", "Tier 1"} {
		if strings.Contains(strings.ToLower(page), strings.ToLower(leak)) {
			t.Errorf("the outsider's report shows %q:\n%s", leak, page)
		}
	}
	body := get(t, c, sb.BaseURL+"/report.csv?"+reportPeriod, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][2] != "all" || rows[1][3] != "0" {
		t.Errorf("the outsider's CSV counts communications: %q", rows)
	}
}

func TestReportRefusesPeriodsThatAreNotDates(t *testing.T) {
	sb := startSandbox(t)
	c := browser(t)
	signIn(t, sb, c, sandbox.Steering[0])
	for query, want := range map[string]string{
		"from=2027-13-01&to=2027-02-01": `&#34;2027-13-01&#34; is not a date for &#34;from&#34;: write it as YYYY-MM-DD`,
		"from=2027-02-01&to=yesterday":  `&#34;yesterday&#34; is not a date for &#34;to&#34;`,
		"from=2027-02-10&to=2027-02-01": "the period ends (2027-02-01) before it starts (2027-02-10)",
		"from=2020-01-01&to=2027-02-01": "the period is longer than 366 days",
		"from=2020-01-01&to=2020-06-01": "the period starts more than 732 days ago (2020-01-01)",
	} {
		page := get(t, c, sb.BaseURL+"/report?"+query, http.StatusBadRequest)
		if !strings.Contains(page, `id="report-error"`) || !strings.Contains(page, want) || !strings.Contains(page, `<label for="report-from">`) {
			t.Errorf("/report?%s does not say %q next to the form:\n%s", query, want, page)
		}
		get(t, c, sb.BaseURL+"/report.csv?"+query, http.StatusBadRequest)
	}
	// Without dates: the last 90 days up to today.
	page := get(t, c, sb.BaseURL+"/report", http.StatusOK)
	today := time.Now().UTC()
	if want := `value="` + today.AddDate(0, 0, -90).Format("2006-01-02") + `"`; !strings.Contains(page, want) {
		t.Errorf("the default period does not start 90 days ago (%s):\n%s", want, page)
	}
}
