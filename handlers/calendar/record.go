package calendar

import (
	"time"

	"github.com/commsgate/commsgate/policy"
)

// Records turns calendar entries into the process report's records, one
// per communication document, with the follow-up issues by number
// (Lister.FollowUps; nil when they were not read). It is pure.
//
//   - Tier is the pull request's ladder (Decision.Tier), the one whose
//     stages are timed, not the document's own.
//   - Approved is when the last stage of the ladder was approved (the
//     latest ApprovedAt), only when every stage is.
//   - A stage's Requested is its AwaitedSince while it is awaited; once
//     approved, the moment it was asked for, as the gate asks: the
//     opening, or under staged requests the approval of the stage before
//     (under request_reviews: off, where nobody is asked, the opening).
//   - Published is when the publish run completed with every delivery
//     succeeded (calendar's PublishedAt), not the merge: an early merge
//     waits for publish_at, and a failed delivery retried later goes out
//     later. A notice refused or still failing is not published.
//   - Ratified is when commsgate found an expedited notice ratified (the
//     follow-up's record, which holds its latest publication's); absent for one ratified before that time was
//     recorded, and counted then as not ratified.
//   - FollowUpDue, FollowUpClosed and Corrections come from the follow-up
//     issue, and only on the entry of the pull request that opened it: a
//     later update of the same communication is its own record without
//     them, so nothing is counted twice. A correction is such an update:
//     a later pull request that published a change to the communication
//     after it went out (the record's Updates).
func Records(entries []Entry, followUps map[int]FollowUp) []policy.CommunicationRecord {
	out := make([]policy.CommunicationRecord, 0, len(entries))
	for _, e := range entries {
		c := policy.CommunicationRecord{
			Ref: e.Ref, Tier: e.Decision.Tier.Tier, Opened: e.Opened, Published: e.PublishedAt,
			Expedited: e.Decision.Expedite != nil,
		}
		c.Stages, c.Approved = stageRecords(e)
		if f, ok := followUps[e.Links.FollowUpNumber]; ok && e.Links.FollowUpNumber > 0 {
			// The record's ratification is its latest publication's.
			latest := f.PR
			if len(f.Updates) > 0 {
				latest = f.Updates[len(f.Updates)-1]
			}
			if f.Expedited && latest == e.Number {
				c.Expedited, c.Ratified = true, f.RatifiedAt
			}
			if f.PR == e.Number && f.Path == e.Path {
				c.FollowUpDue, c.FollowUpClosed, c.Corrections = f.Due, f.Closed, len(f.Updates)
			}
		}
		out = append(out, c)
	}
	return out
}

// stageRecords are the entry's stages and when the last was approved
// (zero unless every stage is).
func stageRecords(e Entry) ([]policy.StageRecord, time.Time) {
	var out []policy.StageRecord
	var approved time.Time
	all := len(e.Decision.Stages) > 0
	asked := !e.Opened.IsZero()
	since := e.Opened
	for _, s := range e.Decision.Stages {
		r := policy.StageRecord{Name: s.Name, Approved: s.ApprovedAt}
		switch {
		case !s.AwaitedSince.IsZero():
			r.Requested = s.AwaitedSince
		case s.Satisfied && asked:
			r.Requested = since
		}
		if s.Satisfied && e.StagedRequests && s.ApprovedAt.After(since) {
			since = s.ApprovedAt
		}
		if !s.Satisfied || s.ApprovedAt.IsZero() {
			all = false
		} else if s.ApprovedAt.After(approved) {
			approved = s.ApprovedAt
		}
		out = append(out, r)
	}
	if !all {
		approved = time.Time{}
	}
	return out, approved
}
