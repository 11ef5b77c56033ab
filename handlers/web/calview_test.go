package web

import (
	"flag"
	"fmt"
	"html/template"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// fixture is a February 2027 of the example repository: a scheduled
// notice, an advisory in review at its sig stage, two colliding notices,
// a published one and one without publish_at; weekday windows
// 14:00–18:00 UTC and a blackout on 22–23 February.
func fixture(t testing.TB) ([]item, []policy.Window, []policy.Blackout) {
	zones := []*time.Location{time.UTC, mustZone(t, "America/Los_Angeles"), mustZone(t, "Asia/Tokyo")}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	entry := func(n int, title string, st calendar.State, publish string) calendar.Entry {
		e := calendar.Entry{
			Ref: fmt.Sprintf("example/comms#%d", n), Repository: "example/comms", Number: n, Path: fmt.Sprintf("comms/notice-%d.md", n),
			Title: title, State: st, Tier: 2,
		}
		if publish != "" {
			e.PublishAt = at(publish)
		}
		return e
	}
	advisory := entry(2, "Kubelet advisory", calendar.InReview, "2027-02-16T16:00:00Z")
	advisory.Stage = "sig"
	items := []item{
		{Entry: entry(1, "Summit registration", calendar.Scheduled, "2027-02-02T16:00:00Z"), Zones: zones},
		{Entry: advisory, Zones: zones},
		{Entry: entry(3, "Registry freeze", calendar.Scheduled, "2027-02-09T16:00:00Z"), Zones: zones, Collides: []string{"example/comms#4"}},
		{Entry: entry(4, "Ingress retirement", calendar.Expedited, "2027-02-09T17:00:00Z"), Zones: zones, Collides: []string{"example/comms#3"}},
		{Entry: entry(5, "Release 1.40", calendar.Published, "2027-02-25T23:30:00Z"), Zones: zones},
		{Entry: entry(6, "Undated", calendar.Draft, ""), Zones: zones},
	}
	windows := []policy.Window{{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, From: 14 * 60, To: 18 * 60, TZ: time.UTC}}
	blackouts := []policy.Blackout{{From: at("2027-02-22T00:00:00Z"), To: at("2027-02-23T00:00:00Z"), Reason: "release freeze"}}
	return items, windows, blackouts
}

// cell is the month's cell of date.
func cell(t *testing.T, v monthView, date string) dayCell {
	t.Helper()
	for _, w := range v.Weeks {
		for _, d := range w.Days {
			if d.Date == date {
				return d
			}
		}
	}
	t.Fatalf("no %s in %s", date, v.Title)
	return dayCell{}
}

func titles(es []entryView) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Time+" "+e.Title+" ["+e.State+"]")
	}
	return strings.Join(out, ", ")
}

func TestBuildMonth(t *testing.T) {
	items, windows, blackouts := fixture(t)
	at := time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
	utc := buildMonth(items, at, time.UTC, windows, blackouts)
	if utc.Title != "February 2027" || utc.Prev != "2027-01-01" || utc.Next != "2027-03-01" || len(utc.Weeks) != 4 {
		t.Fatalf("month %q prev %s next %s, %d weeks; want February 2027, 2027-01-01, 2027-03-01, 4 weeks (1 Feb 2027 is a Monday)", utc.Title, utc.Prev, utc.Next, len(utc.Weeks))
	}
	tokyo := buildMonth(items, at, mustZone(t, "Asia/Tokyo"), windows, blackouts)
	la := buildMonth(items, at, mustZone(t, "America/Los_Angeles"), windows, blackouts)
	for _, tc := range []struct {
		name     string
		v        monthView
		date     string
		entries  string
		window   bool
		blackout string
		inMonth  bool
	}{
		{"a scheduled notice", utc, "2027-02-02", "16:00 Summit registration [scheduled]", true, "", true},
		{"the stage awaited", utc, "2027-02-16", "16:00 Kubelet advisory [in review (sig)]", true, "", true},
		{"two on one day, in order", utc, "2027-02-09", "16:00 Registry freeze [scheduled], 17:00 Ingress retirement [expedited]", true, "", true},
		{"no window on Friday", utc, "2027-02-12", "", false, "", true},
		{"a blackout's first day", utc, "2027-02-22", "", true, "release freeze", true},
		{"a blackout's last day", utc, "2027-02-23", "", true, "release freeze", true},
		{"after the blackout", utc, "2027-02-24", "", true, "", true},
		{"late in UTC", utc, "2027-02-25", "23:30 Release 1.40 [published]", true, "", true},
		{"the next day in Tokyo", tokyo, "2027-02-26", "08:30 Release 1.40 [published]", true, "", true},
		{"01:00 next day in Tokyo", tokyo, "2027-02-17", "01:00 Kubelet advisory [in review (sig)]", true, "", true},
		// Monday 14:00 UTC is 23:00 in Tokyo: the window reaches Monday's
		// evening there, and Friday 00:00–03:00 (Thursday in UTC).
		{"Friday in Tokyo has Thursday's window", tokyo, "2027-02-12", "", true, "", true},
		{"Tuesday morning in Los Angeles", la, "2027-02-09", "08:00 Registry freeze [scheduled], 09:00 Ingress retirement [expedited]", true, "", true},
		{"Sunday in Los Angeles", la, "2027-02-14", "", false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cell(t, tc.v, tc.date)
			if got := titles(c.Entries); got != tc.entries {
				t.Errorf("entries %q, want %q", got, tc.entries)
			}
			if (c.Window != "") != tc.window || c.Blackout != tc.blackout || c.InMonth != tc.inMonth {
				t.Errorf("window %q blackout %q in month %v; want window %v, blackout %q, %v", c.Window, c.Blackout, c.InMonth, tc.window, tc.blackout, tc.inMonth)
			}
		})
	}
	freeze := cell(t, utc, "2027-02-09").Entries[0]
	if freeze.Class != "state-scheduled" || freeze.URL != "/notice/example/comms/3?path=comms%2Fnotice-3.md" ||
		!strings.Contains(freeze.Zones, "Tue 9 Feb 08:00 America/Los_Angeles") || !strings.Contains(freeze.Zones, "Wed 10 Feb 01:00 Asia/Tokyo") ||
		len(freeze.Collides) != 1 || freeze.Collides[0] != "example/comms#4" {
		t.Errorf("the freeze's entry %+v", freeze)
	}
	if cell(t, utc, "2027-02-10").Today {
		t.Error("at is not today: the handler marks today")
	}
	utc.markToday(time.Date(2027, 2, 10, 23, 0, 0, 0, time.UTC))
	if !cell(t, utc, "2027-02-10").Today || cell(t, utc, "2027-02-11").Today {
		t.Error("today is not the 10th only")
	}
	// March 2027 starts on a Monday and spans five weeks; its grid ends on
	// Sunday 4 April, outside the month.
	march := buildMonth(items, time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), time.UTC, windows, blackouts)
	if len(march.Weeks) != 5 || cell(t, march, "2027-04-04").InMonth {
		t.Errorf("March: %d weeks", len(march.Weeks))
	}
}

func TestBuildWeek(t *testing.T) {
	items, windows, blackouts := fixture(t)
	v := buildWeek(items, time.Date(2027, 2, 11, 0, 0, 0, 0, time.UTC), time.UTC, windows, blackouts)
	if v.Title != "Week of 8 Feb 2027" || v.Prev != "2027-02-01" || v.Next != "2027-02-15" || len(v.Days) != 7 || len(v.Hours) != 24 {
		t.Fatalf("week %q prev %s next %s, %d days, %d hours", v.Title, v.Prev, v.Next, len(v.Days), len(v.Hours))
	}
	if got := titles(v.Hours[16].Cells[1].Entries) + " | " + titles(v.Hours[17].Cells[1].Entries); got != "16:00 Registry freeze [scheduled] | 17:00 Ingress retirement [expedited]" {
		t.Errorf("Tuesday 16:00 and 17:00: %s", got)
	}
	for _, tc := range []struct {
		day, hour int
		want      bool
	}{{0, 13, false}, {0, 14, true}, {3, 17, true}, {3, 18, false}, {4, 15, false}, {6, 15, false}} {
		if got := v.Hours[tc.hour].Cells[tc.day].Window; got != tc.want {
			t.Errorf("%s %02d:00 window %v, want %v", v.Days[tc.day].Label, tc.hour, got, tc.want)
		}
	}
	if titles(v.Undated) != " Undated [draft]" {
		t.Errorf("undated %q", titles(v.Undated))
	}
	// Half-hour zones shade the hours a window overlaps.
	kolkata := buildWeek(items, time.Date(2027, 2, 11, 0, 0, 0, 0, time.UTC), mustZone(t, "Asia/Kolkata"), windows, blackouts)
	if !kolkata.Hours[19].Cells[0].Window || !kolkata.Hours[23].Cells[0].Window || kolkata.Hours[0].Cells[1].Window {
		t.Error("in Asia/Kolkata Monday's window is 19:30–23:30")
	}
	freezeWeek := buildWeek(items, time.Date(2027, 2, 22, 0, 0, 0, 0, time.UTC), time.UTC, windows, blackouts)
	if freezeWeek.Days[0].Blackout != "release freeze" || freezeWeek.Days[2].Blackout != "" {
		t.Error("the blackout is not on Monday and Tuesday only")
	}
}

func templates(t testing.TB) *template.Template {
	pages, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// monthPage renders the month page of the fixture, as the handler does.
func monthPage(t testing.TB, pages *template.Template, items []item, windows []policy.Window, blackouts []policy.Blackout) string {
	zone := time.UTC
	mv := buildMonth(items, time.Date(2027, 2, 10, 12, 0, 0, 0, zone), zone, windows, blackouts)
	mv.markToday(time.Date(2027, 2, 10, 12, 0, 0, 0, zone))
	var b strings.Builder
	err := pages.ExecuteTemplate(&b, "calendar.html", page{
		Title: "Calendar", CSS: "/static/style.css", Login: "sue", CSRF: "csrf",
		Data: calendarData{View: "month", Month: &mv, At: "2027-02-10", Zone: zone.String(), Zones: zoneOptions(zone, nil), Repos: []string{"example/comms"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMonthPageGolden(t *testing.T) {
	items, windows, blackouts := fixture(t)
	got := monthPage(t, templates(t), items, windows, blackouts)
	const golden = "testdata/month.golden.html"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./handlers/web -run MonthPageGolden -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("the month page differs from %s (rewrite it with -update):\n%s", golden, got)
	}
	for _, bad := range []string{"<script", "style="} {
		if strings.Contains(got, bad) {
			t.Errorf("the month page has %q", bad)
		}
	}
}

// BenchmarkMonthPage renders a month of 200 communications: the view
// model and the template, as one page load does after the listing.
func BenchmarkMonthPage(b *testing.B) {
	items, windows, blackouts := fixture(b)
	start := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	many := make([]item, 0, 200)
	for i := 0; i < 200; i++ {
		it := items[i%5]
		it.Ref, it.Number = fmt.Sprintf("example/comms#%d", 100+i), 100+i
		it.PublishAt = start.Add(time.Duration(i) * 3 * time.Hour)
		many = append(many, it)
	}
	pages := templates(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = monthPage(b, pages, many, windows, blackouts)
	}
}
