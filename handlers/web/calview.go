package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/policy"
)

// item is one calendar entry as the pages place it: the entry, the
// configured zones of its repository's policy, and the refs of the
// communications it collides with.
type item struct {
	calendar.Entry
	Zones    []*time.Location
	Collides []string
}

// entryView is one entry in a calendar cell.
type entryView struct {
	Ref   string
	Title string
	// State is the state in words; Class the CSS class that colours it
	// (the words are always there: colour is never the only cue).
	State, Class string
	// Time is publish_at in the viewer's zone; Zones is it in every
	// configured zone, for the link's title.
	Time, Zones string
	URL         string
	// Collides are the refs of the colliding communications.
	Collides []string
}

// dayCell is one day of the month grid.
type dayCell struct {
	Date    string // YYYY-MM-DD
	Day     int
	InMonth bool
	Today   bool
	// Window says the day has a publication window, in words ("" when
	// none); Blackout is the blackout's reason ("" when none).
	Window   string
	Blackout string
	Entries  []entryView
}

// monthView is the month page's content.
type monthView struct {
	Title    string // "February 2027"
	Zone     string
	Weekdays []string
	Weeks    []weekRow
	// Prev and Next are the first days of the months around it.
	Prev, Next string
}

// weekRow is one week of the month grid; Monday is its first day, the
// week view's at.
type weekRow struct {
	Label  string // "Week of 8 Feb"
	Monday string
	Days   []dayCell
}

// hourCell is one hour of one day in the week view.
type hourCell struct {
	Window  bool
	Entries []entryView
}

// weekDay is one column of the week view.
type weekDay struct {
	Date     string
	Label    string // "Mon 8 Feb"
	Today    bool
	Blackout string
}

// weekView is the week page's content: seven days, 24 hours each.
type weekView struct {
	Title string // "Week of 8 Feb 2027"
	Zone  string
	Days  []weekDay
	// Hours are the rows: Hours[h].Cells[d] is hour h of Days[d].
	Hours      []hourRow
	Prev, Next string
	// Undated are the entries without a valid publish_at.
	Undated []entryView
}

type hourRow struct {
	Label string // "14:00"
	Cells []hourCell
}

const dateLayout = "2006-01-02"

// startOfWeek is the Monday of t's week, at midnight in t's zone.
func startOfWeek(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// buildMonth is the month grid of at's month in zone: whole weeks from
// Monday to Sunday, each day with its entries (by publish_at in zone),
// whether a window opens on it and its blackout. It is pure.
func buildMonth(items []item, at time.Time, zone *time.Location, windows []policy.Window, blackouts []policy.Blackout) monthView {
	at = at.In(zone)
	first := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, zone)
	next := first.AddDate(0, 1, 0)
	v := monthView{
		Title: first.Format("January 2006"), Zone: zone.String(),
		Weekdays: []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
		Prev:     first.AddDate(0, -1, 0).Format(dateLayout), Next: next.Format(dateLayout),
	}
	byDay := entriesByDay(items, zone)
	for day := startOfWeek(first); day.Before(next); {
		week := weekRow{Label: "Week of " + day.Format("2 Jan"), Monday: day.Format(dateLayout), Days: make([]dayCell, 0, 7)}
		for i := 0; i < 7; i++ {
			date := day.Format(dateLayout)
			c := dayCell{Date: date, Day: day.Day(), InMonth: day.Month() == first.Month(),
				Blackout: blackoutOn(day, blackouts), Entries: byDay[date]}
			if windowDuring(day, day.AddDate(0, 0, 1), windows) {
				c.Window = windowsText(windows)
			}
			week.Days = append(week.Days, c)
			day = day.AddDate(0, 0, 1)
		}
		v.Weeks = append(v.Weeks, week)
	}
	return v
}

// markToday marks now's date in the view's zone.
func (v *monthView) markToday(now time.Time) {
	date := now.Format(dateLayout)
	for _, w := range v.Weeks {
		for i := range w.Days {
			w.Days[i].Today = w.Days[i].Date == date
		}
	}
}

// markToday marks now's date in the view's zone.
func (v *weekView) markToday(now time.Time) {
	date := now.Format(dateLayout)
	for i := range v.Days {
		v.Days[i].Today = v.Days[i].Date == date
	}
}

// buildWeek is at's week (Monday to Sunday) in zone by the hour, each
// hour shaded when a window is open during it. It is pure.
func buildWeek(items []item, at time.Time, zone *time.Location, windows []policy.Window, blackouts []policy.Blackout) weekView {
	at = at.In(zone)
	monday := startOfWeek(at)
	v := weekView{
		Title: "Week of " + monday.Format("2 Jan 2006"), Zone: zone.String(),
		Prev: monday.AddDate(0, 0, -7).Format(dateLayout), Next: monday.AddDate(0, 0, 7).Format(dateLayout),
	}
	for i := 0; i < 7; i++ {
		d := monday.AddDate(0, 0, i)
		v.Days = append(v.Days, weekDay{Date: d.Format(dateLayout), Label: d.Format("Mon 2 Jan"), Blackout: blackoutOn(d, blackouts)})
	}
	v.Hours = make([]hourRow, 24)
	for h := range v.Hours {
		v.Hours[h] = hourRow{Label: fmt.Sprintf("%02d:00", h), Cells: make([]hourCell, 7)}
		for d := 0; d < 7; d++ {
			// The wall clock's hour h; on a day the clocks change, the
			// instant of that label (time.Date normalises).
			start := time.Date(monday.Year(), monday.Month(), monday.Day()+d, h, 0, 0, 0, zone)
			v.Hours[h].Cells[d].Window = windowDuring(start, start.Add(time.Hour), windows)
		}
	}
	column := map[string]int{}
	for i, d := range v.Days {
		column[d.Date] = i
	}
	for _, it := range items {
		if it.PublishAt.IsZero() {
			v.Undated = append(v.Undated, viewOf(it, zone))
			continue
		}
		t := it.PublishAt.In(zone)
		if d, ok := column[t.Format(dateLayout)]; ok {
			cell := &v.Hours[t.Hour()].Cells[d]
			cell.Entries = append(cell.Entries, viewOf(it, zone))
		}
	}
	return v
}

// entriesByDay groups the entries by their publish_at's date in zone.
func entriesByDay(items []item, zone *time.Location) map[string][]entryView {
	out := map[string][]entryView{}
	for _, it := range items {
		if it.PublishAt.IsZero() {
			continue
		}
		date := it.PublishAt.In(zone).Format(dateLayout)
		out[date] = append(out[date], viewOf(it, zone))
	}
	return out
}

func viewOf(it item, zone *time.Location) entryView {
	title := it.Title
	if title == "" {
		title = it.Path
	}
	v := entryView{
		Ref: it.Ref, Title: title, State: stateText(it.Entry), Class: stateClass(it.State),
		URL: noticeURL(it.Entry), Collides: it.Collides,
	}
	if !it.PublishAt.IsZero() {
		v.Time = it.PublishAt.In(zone).Format("15:04")
		v.Zones = inZones(it.PublishAt, it.Zones)
	}
	return v
}

// stateClass is the CSS class of a state: "state-in-review".
func stateClass(s calendar.State) string {
	return "state-" + strings.ReplaceAll(s.String(), " ", "-")
}

// stateText is the state in words, with the awaited stage.
func stateText(e calendar.Entry) string {
	s := e.State.String()
	if e.Stage != "" {
		s += " (" + e.Stage + ")"
	}
	return s
}

// noticeURL is the entry's notice page.
func noticeURL(e calendar.Entry) string {
	owner, repo, _ := strings.Cut(e.Repository, "/")
	return fmt.Sprintf("/notice/%s/%s/%d?path=%s", url.PathEscape(owner), url.PathEscape(repo), e.Number, url.QueryEscape(e.Path))
}

// inZones is t in UTC and each configured zone, "; " between them.
func inZones(t time.Time, zones []*time.Location) string {
	parts := []string{t.UTC().Format("Mon 2 Jan 15:04 MST")}
	for _, z := range zones {
		if z == nil || z.String() == "UTC" {
			continue
		}
		parts = append(parts, t.In(z).Format("Mon 2 Jan 15:04 ")+z.String())
	}
	return strings.Join(parts, "; ")
}

// windowStep is the resolution at which windows are found: they are
// configured in minutes, and every sensible one starts on a quarter.
const windowStep = 15 * time.Minute

// windowDuring reports whether a window is open at some time in
// [from, to).
func windowDuring(from, to time.Time, windows []policy.Window) bool {
	for t := from; t.Before(to); t = t.Add(windowStep) {
		for _, w := range windows {
			if windowOpen(w, t) {
				return true
			}
		}
	}
	return false
}

func windowOpen(w policy.Window, t time.Time) bool {
	tz := w.TZ
	if tz == nil {
		tz = time.UTC
	}
	local := t.In(tz)
	if len(w.Days) > 0 {
		on := false
		for _, d := range w.Days {
			on = on || d == local.Weekday()
		}
		if !on {
			return false
		}
	}
	m := local.Hour()*60 + local.Minute()
	return m >= w.From && m < w.To
}

func windowsText(windows []policy.Window) string {
	parts := make([]string, len(windows))
	for i, w := range windows {
		parts[i] = w.String()
	}
	return "Publication window: " + strings.Join(parts, "; ")
}

// blackoutOn is the reason of a blackout covering day's date, "" when
// none. Blackouts are calendar dates; day's date is read as it is.
func blackoutOn(day time.Time, blackouts []policy.Blackout) string {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	for _, b := range blackouts {
		if !d.Before(b.From) && !d.After(b.To) {
			if b.Reason == "" {
				return "blackout"
			}
			return b.Reason
		}
	}
	return ""
}
