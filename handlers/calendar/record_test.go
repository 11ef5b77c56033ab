package calendar

import (
	"reflect"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/policy"
)

func TestRecords(t *testing.T) {
	opened := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return opened.Add(time.Duration(h) * time.Hour) }
	ladder := func(stages ...policy.StageResult) policy.Decision {
		return policy.Decision{Tier: policy.TierResult{Tier: 2}, Stages: stages}
	}
	approved := func(name string, h int) policy.StageResult {
		return policy.StageResult{Name: name, Satisfied: true, ApprovedAt: at(h)}
	}
	entry := func(d policy.Decision) Entry {
		return Entry{Ref: "example/comms#7", Number: 7, Path: "comms/a.md", Opened: opened, Decision: d, StagedRequests: true}
	}
	followUp := publication.FollowUp{Number: 30, Path: "comms/a.md", PR: 7, Updates: []int{9, 11}, Due: at(400), Closed: at(300)}

	tests := []struct {
		name      string
		entry     func() Entry
		followUps map[int]publication.FollowUp
		want      policy.CommunicationRecord
	}{{
		name: "in review: the first stage approved, the second awaited since that approval",
		entry: func() Entry {
			return entry(ladder(approved("sig", 5), policy.StageResult{Name: "comms", AwaitedSince: at(5)}))
		},
		want: policy.CommunicationRecord{Ref: "example/comms#7", Tier: 2, Opened: opened, Stages: []policy.StageRecord{
			{Name: "sig", Requested: opened, Approved: at(5)}, {Name: "comms", Requested: at(5)},
		}},
	}, {
		name: "published: approved at the last stage, published at the run's completion, follow-up and corrections",
		entry: func() Entry {
			e := entry(ladder(approved("sig", 5), approved("comms", 8)))
			e.State, e.PublishedAt, e.MergedAt, e.Links.FollowUpNumber = Published, at(30), at(9), 30
			return e
		},
		followUps: map[int]publication.FollowUp{30: followUp},
		want: policy.CommunicationRecord{
			Ref: "example/comms#7", Tier: 2, Opened: opened, Approved: at(8), Published: at(30),
			Stages:      []policy.StageRecord{{Name: "sig", Requested: opened, Approved: at(5)}, {Name: "comms", Requested: at(5), Approved: at(8)}},
			FollowUpDue: at(400), FollowUpClosed: at(300), Corrections: 2,
		},
	}, {
		name: "requests to all stages at once: each asked at the opening",
		entry: func() Entry {
			e := entry(ladder(approved("sig", 5), approved("comms", 3)))
			e.StagedRequests = false
			return e
		},
		want: policy.CommunicationRecord{Ref: "example/comms#7", Tier: 2, Opened: opened, Approved: at(5), Stages: []policy.StageRecord{
			{Name: "sig", Requested: opened, Approved: at(5)}, {Name: "comms", Requested: opened, Approved: at(3)},
		}},
	}, {
		name: "an update of a published communication: no follow-up or corrections of its own",
		entry: func() Entry {
			e := entry(ladder(approved("sig", 5)))
			e.Ref, e.Number, e.Links.FollowUpNumber = "example/comms#9", 9, 30
			return e
		},
		followUps: map[int]publication.FollowUp{30: followUp},
		want: policy.CommunicationRecord{Ref: "example/comms#9", Tier: 2, Opened: opened, Approved: at(5), Stages: []policy.StageRecord{
			{Name: "sig", Requested: opened, Approved: at(5)},
		}},
	}, {
		name: "expedited and ratified, per the follow-up's record",
		entry: func() Entry {
			d := ladder(approved("comms", 1))
			d.Expedite = &policy.ExpediteResult{}
			e := entry(d)
			e.StagedRequests, e.State, e.PublishedAt, e.Links.FollowUpNumber = false, Published, at(2), 31
			return e
		},
		followUps: map[int]publication.FollowUp{31: {Number: 31, Path: "comms/a.md", PR: 7, Due: at(300), Expedited: true, Ratified: true, RatifiedAt: at(20)}},
		want: policy.CommunicationRecord{
			Ref: "example/comms#7", Tier: 2, Opened: opened, Approved: at(1), Published: at(2), Expedited: true, Ratified: at(20),
			Stages: []policy.StageRecord{{Name: "comms", Requested: opened, Approved: at(1)}}, FollowUpDue: at(300),
		},
	}, {
		name:  "a draft: nothing asked, nothing approved",
		entry: func() Entry { e := entry(ladder(policy.StageResult{Name: "sig"})); e.Opened = time.Time{}; return e },
		want:  policy.CommunicationRecord{Ref: "example/comms#7", Tier: 2, Stages: []policy.StageRecord{{Name: "sig"}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Records([]Entry{tt.entry()}, tt.followUps)
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("Records:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
