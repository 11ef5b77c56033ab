package policy

import (
	"testing"
	"time"
)

func TestStageTimes(t *testing.T) {
	opened := time.Date(2027, 2, 16, 9, 0, 0, 0, time.UTC)
	at := func(n int) time.Time {
		return time.Date(2027, 2, 16, 12, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	}
	tests := []struct {
		name     string
		tweak    func(*Facts)
		reviews  []Review
		approved []time.Time // per stage: sig, comms, steering
		awaited  []time.Time
	}{
		{
			name:     "staged: the first stage is awaited since the opening, the rest not yet",
			awaited:  []time.Time{opened, {}, {}},
			approved: []time.Time{{}, {}, {}},
		},
		{
			name:     "staged: the next stage is awaited since the approval that completed the one before",
			reviews:  []Review{review("ann", ReviewApproved, 5), review("carol", ReviewApproved, 20)},
			approved: []time.Time{at(5), at(20), {}},
			awaited:  []time.Time{{}, {}, at(20)},
		},
		{
			name: "a majority is complete at its third approval, not at an extra fourth",
			reviews: []Review{review("ann", ReviewApproved, 5), review("carol", ReviewApproved, 6),
				review("s1", ReviewApproved, 30), review("s2", ReviewApproved, 10), review("s3", ReviewApproved, 40), review("s4", ReviewApproved, 50)},
			approved: []time.Time{at(5), at(6), at(40)},
			awaited:  []time.Time{{}, {}, {}},
		},
		{
			name:     "requests to all: every open stage is awaited since the opening",
			tweak:    func(f *Facts) { f.Rules.RequestReviews = "all" },
			reviews:  []Review{review("carol", ReviewApproved, 20)},
			approved: []time.Time{{}, at(20), {}},
			awaited:  []time.Time{opened, {}, opened},
		},
		{
			name:     "a draft awaits nobody",
			tweak:    func(f *Facts) { f.Draft = true },
			approved: []time.Time{{}, {}, {}},
			awaited:  []time.Time{{}, {}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ladderFacts(tt.reviews...)
			f.Rules.Tiers[1] = []string{StageSIG, "comms", "steering"}
			f.OpenedAt = opened
			if tt.tweak != nil {
				tt.tweak(&f)
			}
			d := Evaluate(f)
			if len(d.Stages) != 3 {
				t.Fatalf("stages = %d, want 3: %s", len(d.Stages), d.Headline)
			}
			for i, s := range d.Stages {
				if !s.ApprovedAt.Equal(tt.approved[i]) {
					t.Errorf("%s approved at %v, want %v", s.Name, s.ApprovedAt, tt.approved[i])
				}
				if !s.AwaitedSince.Equal(tt.awaited[i]) {
					t.Errorf("%s awaited since %v, want %v", s.Name, s.AwaitedSince, tt.awaited[i])
				}
			}
		})
	}
}
