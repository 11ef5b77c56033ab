package policy

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// weekdayAfternoons is the default window: Mon–Thu 14:00–18:00 UTC.
var weekdayAfternoons = []Window{{
	Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
	From: 14 * 60, To: 18 * 60, TZ: time.UTC,
}}

func comm(ref string, tier int, at time.Time, audience ...string) Scheduled {
	return Scheduled{Ref: ref, Title: "Notice " + ref, Tier: tier, PublishAt: at, Audience: audience}
}

func TestCollisions(t *testing.T) {
	la := slotZone(t, "America/Los_Angeles")
	tue := func(h, m int) time.Time { return slotUTC(2027, 2, 16, h, m) } // a Tuesday
	tests := []struct {
		name    string
		c       Scheduled
		other   Scheduled
		windows []Window
		want    []string // nil: no collision
	}{
		{name: "same window occurrence",
			c: comm("ex/c#1", 2, tue(14, 0), "end-users"), other: comm("ex/c#2", 3, tue(16, 0), "end-users"), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (2 hours apart)", "audiences overlap: end-users"}},
		{name: "within 24 h outside any window",
			c: comm("ex/c#1", 2, tue(9, 0), "end-users"), other: comm("ex/c#2", 2, tue(14, 0), "end-users"), windows: weekdayAfternoons,
			want: []string{"within 24 h of each other: 5 hours apart", "audiences overlap: end-users"}},
		{name: "same weekly window on another day is another occurrence",
			c: comm("ex/c#1", 2, tue(14, 0), "end-users"), other: comm("ex/c#2", 2, slotUTC(2027, 2, 17, 17, 0), "end-users"), windows: weekdayAfternoons},
		{name: "exactly 24 h apart collides",
			c: comm("ex/c#1", 2, tue(16, 0), "end-users"), other: comm("ex/c#2", 2, slotUTC(2027, 2, 17, 16, 0), "end-users"), windows: weekdayAfternoons,
			want: []string{"within 24 h of each other: 24 hours apart", "audiences overlap: end-users"}},
		{name: "24 h and a minute apart does not",
			c: comm("ex/c#1", 2, tue(16, 0), "end-users"), other: comm("ex/c#2", 2, slotUTC(2027, 2, 17, 16, 1), "end-users"), windows: weekdayAfternoons},
		{name: "same instant",
			c: comm("ex/c#1", 2, tue(16, 0), "distributors"), other: comm("ex/c#2", 2, tue(16, 0), "distributors"),
			want: []string{"within 24 h of each other: at the same time", "audiences overlap: distributors"}},
		{name: "tier 1 on one side never collides",
			c: comm("ex/c#1", 2, tue(14, 0), "end-users"), other: comm("ex/c#2", 1, tue(15, 0), "end-users"), windows: weekdayAfternoons},
		{name: "tier 1 on this side never collides",
			c: comm("ex/c#1", 1, tue(14, 0), "end-users"), other: comm("ex/c#2", 3, tue(15, 0), "end-users"), windows: weekdayAfternoons},
		{name: "no publish_at on the other side",
			c: comm("ex/c#1", 2, tue(14, 0), "end-users"), other: comm("ex/c#2", 2, time.Time{}, "end-users"), windows: weekdayAfternoons},
		{name: "no publish_at on this side",
			c: comm("ex/c#1", 2, time.Time{}, "end-users"), other: comm("ex/c#2", 2, tue(15, 0), "end-users"), windows: weekdayAfternoons},
		{name: "the same pull request never collides with itself",
			c: comm("ex/c#1", 2, tue(14, 0), "end-users"), other: comm("EX/c#1", 2, tue(15, 0), "end-users"), windows: weekdayAfternoons},
		{name: "disjoint audiences",
			c: comm("ex/c#1", 2, tue(14, 0), "contributors"), other: comm("ex/c#2", 2, tue(15, 0), "end-users", "distributors"), windows: weekdayAfternoons},
		{name: "several shared audiences in the process's order",
			c: comm("ex/c#1", 2, tue(14, 0), "distributors", "end-users", "contributors"), other: comm("ex/c#2", 2, tue(15, 0), " End-Users", "distributors"), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (1 hour apart)", "audiences overlap: end-users, distributors"}},
		{name: "everyone overlaps every audience",
			c: comm("ex/c#1", 2, tue(14, 0), "everyone"), other: comm("ex/c#2", 2, tue(15, 0), "contributors"), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (1 hour apart)", "audiences overlap: contributors (one of them is for everyone)"}},
		{name: "everyone on both sides",
			c: comm("ex/c#1", 2, tue(14, 0), "everyone"), other: comm("ex/c#2", 2, tue(15, 0), "everyone"), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (1 hour apart)", "audiences overlap: everyone"}},
		{name: "an empty audience counts as everyone",
			c: comm("ex/c#1", 2, tue(14, 0)), other: comm("ex/c#2", 2, tue(15, 0), "contributors"), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (1 hour apart)", "audiences overlap: contributors (ex/c#1 names no audience, which counts as everyone)"}},
		{name: "two empty audiences",
			c: comm("ex/c#1", 2, tue(14, 0), " "), other: comm("ex/c#2", 2, tue(15, 0)), windows: weekdayAfternoons,
			want: []string{"both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (1 hour apart)", "audiences overlap: everyone (ex/c#1 and ex/c#2 name no audience, which counts as everyone)"}},
		{name: "window in Los Angeles, publish_at in UTC",
			c: comm("ex/c#1", 2, tue(17, 0), "end-users"), other: comm("ex/c#2", 2, tue(20, 30), "end-users"),
			windows: []Window{{Days: []time.Weekday{time.Tuesday}, From: 9 * 60, To: 13 * 60, TZ: la}},
			want:    []string{"both publish in the 09:00–13:00 America/Los_Angeles window of Tue 2027-02-16 (3 hours 30 minutes apart)", "audiences overlap: end-users"}},
		{name: "the window's day is its zone's day, not UTC's",
			// Tue 01:00 and 03:30 UTC are Monday evening in Los Angeles.
			c: comm("ex/c#1", 2, tue(1, 0), "end-users"), other: comm("ex/c#2", 2, tue(3, 30), "end-users"),
			windows: []Window{{Days: []time.Weekday{time.Monday}, From: 16 * 60, To: 20 * 60, TZ: la}},
			want:    []string{"both publish in the 16:00–20:00 America/Los_Angeles window of Mon 2027-02-15 (2 hours 30 minutes apart)", "audiences overlap: end-users"}},
		{name: "a window past midnight is one occurrence",
			c: comm("ex/c#1", 2, slotUTC(2027, 2, 16, 23, 0), "end-users"), other: comm("ex/c#2", 2, slotUTC(2027, 2, 17, 1, 0), "end-users"),
			windows: []Window{{Days: []time.Weekday{time.Tuesday}, From: 22 * 60, To: 2 * 60, TZ: time.UTC}},
			want:    []string{"both publish in the 22:00–02:00 UTC window of Tue 2027-02-16 (2 hours apart)", "audiences overlap: end-users"}},
		{name: "one occurrence of a day-long window on a 25-hour day collides beyond 24 h",
			// 7 November 2027 is the end of daylight saving time in Los
			// Angeles: 00:00 PDT and 23:30 PST are 24½ hours apart.
			c: comm("ex/c#1", 2, time.Date(2027, 11, 7, 0, 0, 0, 0, la), "end-users"), other: comm("ex/c#2", 2, time.Date(2027, 11, 7, 23, 30, 0, 0, la), "end-users"),
			windows: []Window{{Days: []time.Weekday{time.Sunday}, From: 0, To: 0, TZ: la}},
			want:    []string{"both publish in the 00:00–00:00 America/Los_Angeles window of Sun 2027-11-07 (24 hours 30 minutes apart)", "audiences overlap: end-users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Collisions(tt.c, []Scheduled{tt.other}, tt.windows)
			if tt.want == nil {
				if len(got) != 0 {
					t.Fatalf("want no collision, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].With.Ref != tt.other.Ref || !slices.Equal(got[0].Reasons, tt.want) {
				t.Fatalf("got %+v\nwant one collision with %s: %q", got, tt.other.Ref, tt.want)
			}
			// The rule is symmetric.
			back := Collisions(tt.other, []Scheduled{tt.c}, tt.windows)
			if len(back) != 1 || back[0].With.Ref != tt.c.Ref {
				t.Errorf("the other side sees %+v", back)
			}
		})
	}
}

func TestCollisionsOrderAndReason(t *testing.T) {
	c := comm("ex/c#1", 2, slotUTC(2027, 2, 16, 14, 0), "everyone")
	others := []Scheduled{
		comm("ex/c#4", 2, slotUTC(2027, 2, 16, 17, 0), "end-users"),
		comm("ex/c#3", 2, slotUTC(2027, 2, 16, 15, 0), "contributors"),
		comm("ex/c#2", 2, slotUTC(2027, 2, 16, 15, 0), "distributors"),
		comm("ex/c#1", 2, slotUTC(2027, 2, 16, 15, 0), "distributors"),
	}
	got := Collisions(c, others, nil)
	var refs []string
	for _, x := range got {
		refs = append(refs, x.With.Ref)
	}
	if want := []string{"ex/c#2", "ex/c#3", "ex/c#4"}; !slices.Equal(refs, want) {
		t.Errorf("order %v, want %v", refs, want)
	}
	if r := got[0].Reason(); r != "within 24 h of each other: 1 hour apart; audiences overlap: distributors (one of them is for everyone)" {
		t.Errorf("reason %q", r)
	}
}

func TestAllCollisions(t *testing.T) {
	tue := func(h int) time.Time { return slotUTC(2027, 2, 16, h, 0) }
	list := []Scheduled{
		comm("ex/c#5", 2, slotUTC(2027, 2, 18, 16, 0), "end-users"), // two days later: alone
		comm("ex/c#3", 2, tue(16), "end-users"),
		comm("ex/c#1", 2, tue(14), "end-users", "contributors"),
		comm("ex/c#2", 1, tue(15), "end-users"), // tier 1
		comm("ex/c#4", 3, tue(16), "contributors"),
		comm("ex/c#6", 2, time.Time{}, "end-users"), // no publish_at
	}
	got := AllCollisions(list, weekdayAfternoons)
	var pairs []string
	for _, p := range got {
		pairs = append(pairs, p.A.Ref+" "+p.B.Ref)
	}
	if want := []string{"ex/c#1 ex/c#3", "ex/c#1 ex/c#4"}; !slices.Equal(pairs, want) {
		t.Fatalf("pairs %v, want %v", pairs, want)
	}
	if c, ok := got[1].For("ex/c#4"); !ok || c.With.Ref != "ex/c#1" || c.Reason() != "both publish in the 14:00–18:00 UTC window of Tue 2027-02-16 (2 hours apart); audiences overlap: contributors" {
		t.Errorf("ex/c#4 sees %+v", c)
	}
	if _, ok := got[0].For("ex/c#9"); ok {
		t.Error("a pair answers for a pull request on neither side")
	}
}

// TestAllCollisionsMatchesPairwise checks the sweep against comparing
// every pair.
func TestAllCollisionsMatchesPairwise(t *testing.T) {
	list := calendar(200)
	want := 0
	for i := range list {
		want += len(Collisions(list[i], list[i+1:], weekdayAfternoons))
	}
	if got := len(AllCollisions(list, weekdayAfternoons)); got != want || want == 0 {
		t.Errorf("sweep found %d pairs, pairwise %d", got, want)
	}
}

// calendar is n communications spread over a quarter, a few a day.
func calendar(n int) []Scheduled {
	audiences := [][]string{{"contributors"}, {"end-users"}, {"distributors"}, {"everyone"}, {"end-users", "distributors"}}
	start := slotUTC(2027, 1, 4, 14, 0)
	list := make([]Scheduled, n)
	for i := range list {
		at := start.Add(time.Duration(i*11) * time.Hour).Add(time.Duration(i%7) * 17 * time.Minute)
		list[i] = comm(fmt.Sprintf("ex/c#%d", i+1), 1+i%3, at, audiences[i%len(audiences)]...)
	}
	return list
}

func BenchmarkAllCollisions(b *testing.B) {
	list := calendar(200)
	b.ReportAllocs()
	for b.Loop() {
		AllCollisions(list, weekdayAfternoons)
	}
}
