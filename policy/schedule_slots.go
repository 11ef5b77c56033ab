package policy

import (
	"fmt"
	"strings"
	"time"
)

// slotSearchLimit bounds the search for a next slot: a policy whose
// blackouts cover a whole year has no slot worth suggesting.
const slotSearchLimit = 366 * 24 * time.Hour

// NextAllowedSlot returns the earliest instant at or after from (rounded up
// to the minute) that lies inside a window and outside every blackout. With
// no windows configured any time outside a blackout is allowed.
func NextAllowedSlot(from time.Time, sched Schedule) (time.Time, bool) {
	s := from.Truncate(time.Minute)
	if s.Before(from) {
		s = s.Add(time.Minute)
	}
	limit := s.Add(slotSearchLimit)
	for s.Before(limit) {
		c, ok := earliestInWindows(s, sched.Windows)
		if !ok || !c.Before(limit) {
			return time.Time{}, false
		}
		if b, in := blackoutOn(c, sched.Blackouts); in {
			// Resume at midnight UTC after the blackout's last day.
			s = utcDate(b.To).AddDate(0, 0, 1)
			continue
		}
		return c, true
	}
	return time.Time{}, false
}

// earliestInWindows is s itself when it lies inside a window, otherwise the
// next window opening after it.
func earliestInWindows(s time.Time, windows []Window) (time.Time, bool) {
	if len(windows) == 0 {
		return s, true
	}
	var best time.Time
	for _, w := range windows {
		if c, ok := w.earliestAtOrAfter(s); ok && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	return best, !best.IsZero()
}

func inWindow(t time.Time, windows []Window) bool {
	for _, w := range windows {
		if c, ok := w.earliestAtOrAfter(t); ok && c.Equal(t) {
			return true
		}
	}
	return false
}

// earliestAtOrAfter walks the window's occurrences day by day in its own
// zone, so daylight-saving changes move the window with local time.
func (w Window) earliestAtOrAfter(s time.Time) (time.Time, bool) {
	loc := w.zone()
	ls := s.In(loc)
	// Start a day early: a window that runs past midnight may still be open.
	for d := -1; d <= 8; d++ {
		day := time.Date(ls.Year(), ls.Month(), ls.Day()+d, 0, 0, 0, 0, loc)
		if !w.onDay(day.Weekday()) {
			continue
		}
		start, end := w.spanOn(day)
		if !s.Before(start) && s.Before(end) {
			return s, true
		}
		if !start.Before(s) {
			return start, true
		}
	}
	return time.Time{}, false
}

// spanOn is the window's occurrence that opens on day (midnight in the
// window's zone); a window whose To is not after From closes the next day.
func (w Window) spanOn(day time.Time) (start, end time.Time) {
	loc := w.zone()
	start = time.Date(day.Year(), day.Month(), day.Day(), 0, w.From, 0, 0, loc)
	end = time.Date(day.Year(), day.Month(), day.Day(), 0, w.To, 0, 0, loc)
	if w.To <= w.From {
		end = time.Date(day.Year(), day.Month(), day.Day()+1, 0, w.To, 0, 0, loc)
	}
	return start, end
}

// occurrenceAt is the start of the occurrence of w that contains t: the
// same window on the same day in its zone. A window that runs past
// midnight may have opened the day before.
func (w Window) occurrenceAt(t time.Time) (time.Time, bool) {
	loc := w.zone()
	lt := t.In(loc)
	for d := 0; d >= -1; d-- {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+d, 0, 0, 0, 0, loc)
		if !w.onDay(day.Weekday()) {
			continue
		}
		if start, end := w.spanOn(day); !t.Before(start) && t.Before(end) {
			return start, true
		}
	}
	return time.Time{}, false
}

func (w Window) zone() *time.Location {
	if w.TZ == nil {
		return time.UTC
	}
	return w.TZ
}

// onDay treats a window without days as open every day.
func (w Window) onDay(d time.Weekday) bool {
	if len(w.Days) == 0 {
		return true
	}
	for _, wd := range w.Days {
		if wd == d {
			return true
		}
	}
	return false
}

// String reads like "Mon, Tue, Wed, Thu 14:00–18:00 UTC".
func (w Window) String() string {
	days := "every day"
	if len(w.Days) > 0 {
		names := make([]string, len(w.Days))
		for i, d := range w.Days {
			names[i] = d.String()[:3]
		}
		days = strings.Join(names, ", ")
	}
	return days + " " + w.hours()
}

// hours reads like "14:00–18:00 UTC" or "09:00–13:00 America/Los_Angeles".
func (w Window) hours() string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d %s", w.From/60, w.From%60, w.To/60, w.To%60, w.zone())
}

func describeWindows(windows []Window) string {
	parts := make([]string, len(windows))
	for i, w := range windows {
		parts[i] = w.String()
	}
	return strings.Join(parts, "; ")
}

// blackoutOn finds the blackout covering t's calendar date in UTC.
func blackoutOn(t time.Time, blackouts []Blackout) (Blackout, bool) {
	day := utcDate(t)
	for _, b := range blackouts {
		if !day.Before(utcDate(b.From)) && !day.After(utcDate(b.To)) {
			return b, true
		}
	}
	return Blackout{}, false
}

func describeBlackout(b Blackout) string {
	span := utcDate(b.From).Format("2006-01-02")
	if !utcDate(b.To).Equal(utcDate(b.From)) {
		span += " to " + utcDate(b.To).Format("2006-01-02")
	}
	if b.Reason != "" {
		span += " (" + b.Reason + ")"
	}
	return span
}

func utcDate(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

// HumanDuration renders a duration in the largest whole units a reader
// thinks in: "7 days", "3 days 4 hours", "90 minutes" is "1 hour 30 minutes".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	minutes := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, pluralUnit(days, "day"))
	}
	if hours > 0 {
		parts = append(parts, pluralUnit(hours, "hour"))
	}
	if minutes > 0 && days == 0 {
		parts = append(parts, pluralUnit(minutes, "minute"))
	}
	if len(parts) == 0 {
		return "less than a minute"
	}
	return strings.Join(parts, " ")
}

func pluralUnit(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
