package policy

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// reportStart is a Monday; the test period is its week.
var reportStart = slotUTC(2027, 3, 1, 0, 0)

func at(hours float64) time.Time {
	return reportStart.Add(time.Duration(hours * float64(time.Hour)))
}

func hoursList(hs ...float64) []time.Duration {
	out := make([]time.Duration, len(hs))
	for i, h := range hs {
		out[i] = time.Duration(h * float64(time.Hour))
	}
	return out
}

func TestNearestRankSpread(t *testing.T) {
	tests := []struct {
		name        string
		hours       []float64
		median, p90 string
	}{
		{name: "none is absent", median: AbsentFigure, p90: AbsentFigure},
		{name: "one", hours: []float64{3}, median: "3.0", p90: "3.0"},
		{name: "two: the median is the shorter", hours: []float64{8, 2}, median: "2.0", p90: "8.0"},
		{name: "ten: the fifth and the ninth", hours: []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, median: "5.0", p90: "9.0"},
		{name: "eleven: the sixth and the tenth", hours: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, median: "6.0", p90: "10.0"},
		{name: "one decimal", hours: []float64{0.26, 1.04}, median: "0.3", p90: "1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSpread(hoursList(tt.hours...))
			if s.N != len(tt.hours) || s.MedianHours() != tt.median || s.P90Hours() != tt.p90 {
				t.Errorf("n %d median %s p90 %s, want n %d median %s p90 %s", s.N, s.MedianHours(), s.P90Hours(), len(tt.hours), tt.median, tt.p90)
			}
		})
	}
}

func TestProcessReportPeriod(t *testing.T) {
	records := []CommunicationRecord{
		{Ref: "ex/c#1", Tier: 2, Opened: reportStart},                         // first instant: in
		{Ref: "ex/c#2", Tier: 2, Opened: reportStart.Add(7*24*time.Hour - 1)}, // last nanosecond: in
		{Ref: "ex/c#3", Tier: 2, Opened: reportStart.Add(7 * 24 * time.Hour)}, // end is exclusive
		{Ref: "ex/c#4", Tier: 2, Opened: reportStart.Add(-time.Minute)},       // before
		{Ref: "ex/c#5", Tier: 2}, // never opened
	}
	r := NewProcessReport(records, reportStart, reportStart.Add(7*24*time.Hour), at(200))
	if r.All.Communications != 2 || len(r.Tiers) != 1 || r.Tiers[0].Communications != 2 {
		t.Errorf("all %d, tiers %+v; want the 2 opened in [from, to)", r.All.Communications, r.Tiers)
	}
}

func TestProcessReportFigures(t *testing.T) {
	now := at(30 * 24)
	tests := []struct {
		name    string
		records []CommunicationRecord
		check   func(t *testing.T, f TierFigures)
	}{
		{name: "open to approved and approval to publication",
			records: []CommunicationRecord{
				{Opened: at(0), Approved: at(10), Published: at(12)},
				{Opened: at(0), Approved: at(30), Published: at(30)},
				{Opened: at(0), Approved: at(20)}, // not published yet
				{Opened: at(0)},                   // not approved yet
				{Opened: at(5), Approved: at(4)},  // approved before opening: left out
			},
			check: func(t *testing.T, f TierFigures) {
				expectSpread(t, "open to approved", f.OpenToApproved, 3, "20.0", "30.0")
				expectSpread(t, "approval to publication", f.ApprovalToPublication, 2, "0.0", "2.0")
			}},
		{name: "stages in ladder order",
			records: []CommunicationRecord{
				{Opened: at(0), Stages: []StageRecord{{Name: "sig", Requested: at(0), Approved: at(2)}, {Name: "comms", Requested: at(2), Approved: at(6)}}},
				{Opened: at(1), Stages: []StageRecord{{Name: "sig", Requested: at(1), Approved: at(9)}, {Name: "comms", Requested: at(9)}, {Name: "steering"}}},
			},
			check: func(t *testing.T, f TierFigures) {
				if len(f.Stages) != 3 || f.Stages[0].Name != "sig" || f.Stages[1].Name != "comms" || f.Stages[2].Name != "steering" {
					t.Fatalf("stages %+v, want sig, comms, steering", f.Stages)
				}
				expectSpread(t, "sig", f.Stage("sig"), 2, "2.0", "8.0")
				expectSpread(t, "comms", f.Stage("comms"), 1, "4.0", "4.0")
				expectSpread(t, "steering", f.Stage("steering"), 0, AbsentFigure, AbsentFigure)
				expectSpread(t, "unknown stage", f.Stage("security"), 0, AbsentFigure, AbsentFigure)
			}},
		{name: "follow-ups closed by their due date",
			records: []CommunicationRecord{
				{Opened: at(0), FollowUpDue: at(100), FollowUpClosed: at(90)},            // on time
				{Opened: at(0), FollowUpDue: at(100), FollowUpClosed: at(100)},           // on the due instant: on time
				{Opened: at(0), FollowUpDue: at(100), FollowUpClosed: at(101)},           // late
				{Opened: at(0), FollowUpDue: at(100)},                                    // open past due: late
				{Opened: at(0), FollowUpDue: now.Add(time.Hour)},                         // open, not yet due: not counted
				{Opened: at(0), FollowUpDue: now.Add(time.Hour), FollowUpClosed: at(50)}, // closed early: on time
				{Opened: at(0)}, // no follow-up
			},
			check: func(t *testing.T, f TierFigures) {
				pct, ok := f.FollowUpsOnTimePercent()
				if f.FollowUpsCounted != 5 || f.FollowUpsOnTime != 3 || !ok || decimal(pct, ok) != "60.0" {
					t.Errorf("counted %d, on time %d, %s%%; want 5, 3, 60.0%%", f.FollowUpsCounted, f.FollowUpsOnTime, decimal(pct, ok))
				}
			}},
		{name: "no follow-up due is absent, not 0%",
			records: []CommunicationRecord{{Opened: at(0), FollowUpDue: now.Add(time.Hour)}},
			check: func(t *testing.T, f TierFigures) {
				if pct, ok := f.FollowUpsOnTimePercent(); ok || decimal(pct, ok) != AbsentFigure {
					t.Errorf("on time %s, want %s", decimal(pct, ok), AbsentFigure)
				}
			}},
		{name: "corrections per communication",
			records: []CommunicationRecord{{Opened: at(0), Corrections: 2}, {Opened: at(0)}, {Opened: at(0), Corrections: 1}},
			check: func(t *testing.T, f TierFigures) {
				if v, ok := f.CorrectionsPerCommunication(); f.Corrections != 3 || decimals(v, ok, 2) != "1.00" {
					t.Errorf("corrections %d, per communication %s; want 3, 1.00", f.Corrections, decimals(v, ok, 2))
				}
			}},
		{name: "expedited and their ratification lag",
			records: []CommunicationRecord{
				{Opened: at(0), Approved: at(1), Published: at(1), Expedited: true, Ratified: at(25)},
				{Opened: at(0), Approved: at(1), Published: at(2), Expedited: true, Ratified: at(1.5)}, // ratified by approvals at merge: lag 0
				{Opened: at(0), Approved: at(1), Published: at(2), Expedited: true},                    // not ratified yet
				{Opened: at(0), Approved: at(3), Published: at(4), Ratified: at(5)},                    // not expedited
			},
			check: func(t *testing.T, f TierFigures) {
				if f.Expedited != 3 || f.Ratified != 2 {
					t.Errorf("expedited %d, ratified %d; want 3, 2", f.Expedited, f.Ratified)
				}
				expectSpread(t, "ratification lag", f.RatificationLag, 2, "0.0", "24.0")
			}},
		{name: "no communication: every figure absent",
			check: func(t *testing.T, f TierFigures) {
				expectSpread(t, "open to approved", f.OpenToApproved, 0, AbsentFigure, AbsentFigure)
				expectSpread(t, "ratification lag", f.RatificationLag, 0, AbsentFigure, AbsentFigure)
				if v, ok := f.CorrectionsPerCommunication(); ok || decimals(v, ok, 2) != AbsentFigure {
					t.Errorf("corrections per communication %s", decimals(v, ok, 2))
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.records {
				tt.records[i].Tier = 2
			}
			r := NewProcessReport(tt.records, reportStart, reportStart.Add(7*24*time.Hour), now)
			tt.check(t, r.All)
			if len(tt.records) > 0 && (len(r.Tiers) != 1 || r.Tiers[0].Tier != 2) {
				t.Errorf("tier rows %+v, want one for tier 2", r.Tiers)
			}
		})
	}
}

func expectSpread(t *testing.T, what string, s Spread, n int, median, p90 string) {
	t.Helper()
	if s.N != n || s.MedianHours() != median || s.P90Hours() != p90 {
		t.Errorf("%s: n %d median %s p90 %s, want n %d median %s p90 %s", what, s.N, s.MedianHours(), s.P90Hours(), n, median, p90)
	}
}

// processRecords are a week of communications over three tiers.
func processRecords() []CommunicationRecord {
	return []CommunicationRecord{
		{Ref: "ex/c#3", Tier: 3, Opened: at(2), Approved: at(74), Published: at(90),
			Stages:      []StageRecord{{Name: "sig", Requested: at(2), Approved: at(20)}, {Name: "comms", Requested: at(20), Approved: at(30)}, {Name: "steering", Requested: at(30), Approved: at(74)}},
			FollowUpDue: at(90 + 14*24), FollowUpClosed: at(90 + 10*24), Corrections: 1},
		{Ref: "ex/c#1", Tier: 1, Opened: at(0), Approved: at(3), Published: at(20),
			Stages: []StageRecord{{Name: "comms", Requested: at(0), Approved: at(3)}}},
		{Ref: "ex/c#2", Tier: 2, Opened: at(1), Approved: at(25), Published: at(40),
			Stages:      []StageRecord{{Name: "sig", Requested: at(1), Approved: at(5)}, {Name: "comms", Requested: at(5), Approved: at(25)}},
			FollowUpDue: at(40 + 14*24), Corrections: 2},
		{Ref: "ex/c#4", Tier: 2, Opened: at(50), Approved: at(51.5), Published: at(52), Expedited: true, Ratified: at(52 + 30),
			Stages:      []StageRecord{{Name: "comms", Requested: at(50), Approved: at(51.5)}},
			FollowUpDue: at(52 + 14*24), FollowUpClosed: at(52 + 15*24)},
		{Ref: "ex/c#5", Tier: 2, Opened: at(120),
			Stages: []StageRecord{{Name: "sig", Requested: at(120)}}},
	}
}

func TestProcessReportCSVGolden(t *testing.T) {
	r := NewProcessReport(processRecords(), reportStart, reportStart.Add(7*24*time.Hour), at(40*24))
	var b bytes.Buffer
	if err := r.CSV(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "process-report.csv", b.Bytes())
	var order []string
	for _, s := range r.All.Stages {
		order = append(order, s.Name)
	}
	if want := []string{"sig", "comms", "steering"}; !slices.Equal(r.StageNames, want) || !slices.Equal(order, want) {
		t.Errorf("stage names %v, all row's stages %v; want the ladder order %v", r.StageNames, order, want)
	}
}

func TestProcessReportCSVEmptyPeriod(t *testing.T) {
	r := NewProcessReport(processRecords(), reportStart.AddDate(1, 0, 0), reportStart.AddDate(1, 0, 7), at(40*24))
	var b bytes.Buffer
	if err := r.CSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "from,to,tier,communications,open_to_approved_n,open_to_approved_median_h,open_to_approved_p90_h," +
		"approval_to_publication_n,approval_to_publication_median_h,approval_to_publication_p90_h," +
		"follow_ups_counted,follow_ups_on_time,follow_ups_on_time_pct,corrections_per_communication," +
		"expedited,ratified,ratification_lag_median_h,ratification_lag_p90_h\n" +
		"2028-03-01T00:00:00Z,2028-03-08T00:00:00Z,all,0,0,—,—,0,—,—,0,0,—,—,0,0,—,—\n"
	if got := b.String(); got != want {
		t.Errorf("empty period:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(b.String(), "NaN") {
		t.Error("an absent figure is NaN")
	}
}
