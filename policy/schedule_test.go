package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func slotUTC(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func slotZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func TestCheckSchedule(t *testing.T) {
	tests := []struct {
		name    string
		now     time.Time
		doc     func(*Document)
		rules   func(*Rules)
		rule    string // "" expects no finding
		line    int
		message string
		due     bool
	}{
		{name: "inside the window", now: slotUTC(2027, 2, 10, 9, 0), doc: func(d *Document) {}},
		{name: "window start is inside", now: slotUTC(2027, 2, 10, 9, 0),
			doc: func(d *Document) { d.PublishAt = slotUTC(2027, 2, 16, 14, 0) }},
		{name: "window end is exclusive", now: slotUTC(2027, 2, 10, 9, 0),
			doc:  func(d *Document) { d.PublishAt = slotUTC(2027, 2, 16, 18, 0) },
			rule: RuleOutsideWindow, line: 9, message: "next allowed slot: Wed 2027-02-17 14:00 UTC"},
		{name: "Friday is outside the window", now: slotUTC(2027, 2, 10, 9, 0),
			doc:  func(d *Document) { d.PublishAt = slotUTC(2027, 2, 19, 16, 0) },
			rule: RuleOutsideWindow, line: 9,
			message: "publish_at Fri 2027-02-19 16:00 UTC is outside the allowed publication windows (Mon, Tue, Wed, Thu 14:00–18:00 UTC); next allowed slot: Mon 2027-02-22 14:00 UTC"},
		{name: "blackout day", now: slotUTC(2027, 3, 20, 9, 0),
			doc: func(d *Document) { d.PublishAt = slotUTC(2027, 4, 1, 16, 0) },
			rules: func(r *Rules) {
				r.Schedule.Blackouts = []Blackout{{From: slotUTC(2027, 4, 1, 0, 0), To: slotUTC(2027, 4, 1, 0, 0), Reason: "April Fools' Day"}}
			},
			rule: RuleBlackout, line: 9,
			message: "falls in the blackout 2027-04-01 (April Fools' Day); next allowed slot: Mon 2027-04-05 14:00 UTC"},
		{name: "due an hour ago is within the grace", now: slotUTC(2027, 2, 16, 17, 0), due: true, doc: func(d *Document) {}},
		{name: "due exactly now", now: slotUTC(2027, 2, 16, 16, 0), due: true, doc: func(d *Document) {}},
		{name: "past beyond the grace", now: slotUTC(2027, 2, 18, 17, 0),
			doc:  func(d *Document) {},
			rule: RulePublishAtPast, line: 9,
			message: "publish_at Tue 2027-02-16 16:00 UTC is 2 days 1 hour in the past, beyond the 1 day grace for a late merge; pick a new time; next allowed slot: Thu 2027-02-18 17:00 UTC"},
		{name: "grace can be widened", now: slotUTC(2027, 2, 18, 17, 0), due: true,
			doc:   func(d *Document) {},
			rules: func(r *Rules) { r.Schedule.LateGrace = 72 * time.Hour }},
		{name: "distributors told too late", now: slotUTC(2027, 2, 1, 9, 0),
			doc: func(d *Document) {
				d.Embargo = true
				d.DistributorsNotified = slotUTC(2027, 2, 12, 16, 0)
				d.EmbargoUntil = d.PublishAt
			},
			rule: RuleDistributorsNoticeTooShort, line: 12,
			message: "distributors are notified only 4 days before publish_at Tue 2027-02-16 16:00 UTC; embargoed communications need at least 7 days of notice. Notify distributors earlier, or move publish_at to Mon 2027-02-22 14:00 UTC or later"},
		{name: "distributors told in time", now: slotUTC(2027, 2, 1, 9, 0),
			doc: func(d *Document) {
				d.Embargo = true
				d.DistributorsNotified = slotUTC(2027, 2, 9, 16, 0)
				d.EmbargoUntil = d.PublishAt
			}},
		{name: "embargo too long", now: slotUTC(2027, 1, 1, 9, 0),
			doc: func(d *Document) {
				d.Embargo = true
				d.DistributorsNotified = slotUTC(2027, 1, 20, 16, 0)
				d.EmbargoUntil = d.PublishAt
			},
			rule: RuleEmbargoTooLong, line: 11,
			message: "the embargo lasts 27 days, from distributors_notified_at Wed 2027-01-20 16:00 UTC to embargo_until Tue 2027-02-16 16:00 UTC; the policy allows at most 14 days, so set embargo_until no later than Wed 2027-02-03 16:00 UTC"},
		{name: "embargo ends after publication", now: slotUTC(2027, 2, 1, 9, 0),
			doc: func(d *Document) {
				d.Embargo = true
				d.DistributorsNotified = slotUTC(2027, 2, 8, 16, 0)
				d.EmbargoUntil = slotUTC(2027, 2, 16, 17, 0)
			},
			rule: RuleEmbargoAfterPublish, line: 11,
			message: "embargo_until Tue 2027-02-16 17:00 UTC is after publish_at Tue 2027-02-16 16:00 UTC"},
		{name: "embargo rules ignore a notice that is not embargoed", now: slotUTC(2027, 2, 1, 9, 0),
			doc: func(d *Document) {
				d.DistributorsNotified = slotUTC(2027, 2, 15, 16, 0)
				d.EmbargoUntil = slotUTC(2027, 2, 17, 17, 0)
			}},
		{name: "no windows allow any time", now: slotUTC(2027, 2, 10, 9, 0),
			doc:   func(d *Document) { d.PublishAt = slotUTC(2027, 2, 20, 3, 0) },
			rules: func(r *Rules) { r.Schedule.Windows = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := ladderRules()
			if tt.rules != nil {
				tt.rules(rules)
			}
			doc := ladderDoc()
			tt.doc(doc)
			got := CheckSchedule(doc, rules, tt.now)
			if got.Due != tt.due {
				t.Errorf("due = %v, want %v", got.Due, tt.due)
			}
			if tt.rule == "" {
				if len(got.Findings) > 0 {
					t.Fatalf("unexpected findings: %v", got.Findings)
				}
				if !got.NextSlot.IsZero() {
					t.Errorf("next slot %v set for an accepted time", got.NextSlot)
				}
				return
			}
			if len(got.Findings) != 1 {
				t.Fatalf("findings = %v, want one %s", got.Findings, tt.rule)
			}
			f := got.Findings[0]
			if f.Rule != tt.rule || f.Line != tt.line || f.Severity != SeverityError || f.File != "comms/a.md" {
				t.Errorf("finding = %v, want rule %s at line %d", f, tt.rule, tt.line)
			}
			if !strings.Contains(f.Message, tt.message) {
				t.Errorf("message\n  %s\nlacks\n  %s", f.Message, tt.message)
			}
		})
	}
}

func TestCheckScheduleShowsEveryZone(t *testing.T) {
	doc := ladderDoc() // Tue 2027-02-16 16:00 UTC
	got := CheckSchedule(doc, DefaultRules(), slotUTC(2027, 2, 1, 0, 0))
	want := []ZoneTime{
		{"America/Los_Angeles", "Tue 16 Feb 2027, 08:00 PST"},
		{"America/New_York", "Tue 16 Feb 2027, 11:00 EST"},
		{"Europe/Berlin", "Tue 16 Feb 2027, 17:00 CET"},
		{"Asia/Kolkata", "Tue 16 Feb 2027, 21:30 IST"},
		{"Asia/Tokyo", "Wed 17 Feb 2027, 01:00 JST"},
	}
	if !slices.Equal(got.Local, want) {
		t.Errorf("local times\n got %v\nwant %v", got.Local, want)
	}
}

func TestCheckScheduleShowsSummerTime(t *testing.T) {
	doc := ladderDoc()
	doc.PublishAt = slotUTC(2027, 7, 13, 16, 0)
	got := CheckSchedule(doc, DefaultRules(), slotUTC(2027, 7, 1, 0, 0))
	want := []ZoneTime{
		{"America/Los_Angeles", "Tue 13 Jul 2027, 09:00 PDT"},
		{"America/New_York", "Tue 13 Jul 2027, 12:00 EDT"},
		{"Europe/Berlin", "Tue 13 Jul 2027, 18:00 CEST"},
		{"Asia/Kolkata", "Tue 13 Jul 2027, 21:30 IST"},
		{"Asia/Tokyo", "Wed 14 Jul 2027, 01:00 JST"},
	}
	if !slices.Equal(got.Local, want) {
		t.Errorf("local times\n got %v\nwant %v", got.Local, want)
	}
}

func TestCheckScheduleLeavesMissingTimesToValidation(t *testing.T) {
	doc := ladderDoc()
	doc.PublishAt = time.Time{}
	got := CheckSchedule(doc, ladderRules(), ladderNow)
	if len(got.Findings) != 0 || len(got.Local) != 0 || got.Due {
		t.Errorf("missing publish_at produced %+v", got)
	}
	if got := CheckSchedule(nil, ladderRules(), ladderNow); got.File != "" {
		t.Errorf("nil document produced %+v", got)
	}
}

func TestNextAllowedSlot(t *testing.T) {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name  string
		from  time.Time
		sched func(t *testing.T) Schedule
		want  time.Time
	}{
		{"inside a window is itself", slotUTC(2027, 2, 16, 15, 30), defaultSchedule, slotUTC(2027, 2, 16, 15, 30)},
		{"rounds up to the minute", slotUTC(2027, 2, 16, 15, 30).Add(10 * time.Second), defaultSchedule, slotUTC(2027, 2, 16, 15, 31)},
		{"before the window opens", slotUTC(2027, 2, 16, 9, 0), defaultSchedule, slotUTC(2027, 2, 16, 14, 0)},
		{"after Thursday's window crosses the weekend", slotUTC(2027, 2, 18, 18, 0), defaultSchedule, slotUTC(2027, 2, 22, 14, 0)},
		{"Sunday night to Monday", slotUTC(2027, 2, 21, 23, 59), defaultSchedule, slotUTC(2027, 2, 22, 14, 0)},
		{"across a blackout spanning a week boundary", slotUTC(2027, 12, 22, 15, 0), func(t *testing.T) Schedule {
			s := DefaultRules().Schedule
			s.Blackouts = []Blackout{{From: slotUTC(2027, 12, 20, 0, 0), To: slotUTC(2028, 1, 3, 0, 0), Reason: "end-of-year freeze"}}
			return s
		}, slotUTC(2028, 1, 4, 14, 0)},
		{"two blackouts back to back", slotUTC(2027, 4, 1, 15, 0), func(t *testing.T) Schedule {
			s := DefaultRules().Schedule
			s.Blackouts = []Blackout{{From: slotUTC(2027, 4, 1, 0, 0), To: slotUTC(2027, 4, 1, 0, 0)}, {From: slotUTC(2027, 4, 5, 0, 0), To: slotUTC(2027, 4, 6, 0, 0)}}
			return s
		}, slotUTC(2027, 4, 7, 14, 0)},
		{"Pacific morning window before daylight saving", slotUTC(2027, 3, 5, 18, 0), pacificMornings(weekdays), slotUTC(2027, 3, 8, 17, 0)},
		{"Pacific morning window after daylight saving starts", slotUTC(2027, 3, 12, 18, 0), pacificMornings(weekdays), slotUTC(2027, 3, 15, 16, 0)},
		{"Berlin window across the March change", slotUTC(2027, 3, 27, 12, 0), func(t *testing.T) Schedule {
			return Schedule{Windows: []Window{{Days: []time.Weekday{time.Sunday, time.Monday}, From: 10 * 60, To: 11 * 60, TZ: slotZone(t, "Europe/Berlin")}}}
		}, slotUTC(2027, 3, 28, 8, 0)},
		{"the earliest of several windows wins", slotUTC(2027, 2, 16, 19, 0), func(t *testing.T) Schedule {
			return Schedule{Windows: []Window{
				{Days: weekdays, From: 14 * 60, To: 18 * 60, TZ: time.UTC},
				{Days: weekdays, From: 9 * 60, To: 10 * 60, TZ: slotZone(t, "Asia/Tokyo")},
			}}
		}, slotUTC(2027, 2, 17, 0, 0)},
		{"a window past midnight is open after midnight", slotUTC(2027, 2, 17, 0, 30), func(t *testing.T) Schedule {
			return Schedule{Windows: []Window{{Days: []time.Weekday{time.Tuesday}, From: 22 * 60, To: 2 * 60, TZ: time.UTC}}}
		}, slotUTC(2027, 2, 17, 0, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NextAllowedSlot(tt.from, tt.sched(t))
			if !ok || !got.Equal(tt.want) {
				t.Errorf("next slot = %v (%v), want %v", got.UTC(), ok, tt.want)
			}
		})
	}
}

func TestNextAllowedSlotGivesUp(t *testing.T) {
	s := DefaultRules().Schedule
	s.Blackouts = []Blackout{{From: slotUTC(2027, 1, 1, 0, 0), To: slotUTC(2029, 1, 1, 0, 0)}}
	if got, ok := NextAllowedSlot(slotUTC(2027, 2, 1, 0, 0), s); ok {
		t.Errorf("found slot %v inside a two-year blackout", got)
	}
}

func defaultSchedule(*testing.T) Schedule { return DefaultRules().Schedule }

func pacificMornings(days []time.Weekday) func(t *testing.T) Schedule {
	return func(t *testing.T) Schedule {
		return Schedule{Windows: []Window{{Days: days, From: 9 * 60, To: 10 * 60, TZ: slotZone(t, "America/Los_Angeles")}}}
	}
}
