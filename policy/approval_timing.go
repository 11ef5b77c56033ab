package policy

import (
	"slices"
	"strings"
	"time"
)

// stageTimes fills in when each stage was approved and since when each
// open stage has been awaited, from the approvals that count and the
// moment the pull request was opened.
//
// GitHub keeps the time of a review request only in the issue timeline,
// one more paginated read per pull request; commsgate does not need it,
// because it is the one asking. A stage's teams are asked in the
// evaluation of the approval that completes the stage before it (staged
// requests), or when the pull request opens (the first stage, every stage
// with request_reviews: all, and the crisis path), so that approval's
// submission, or the opening, is when the stage became awaited. A stage
// that nobody is asked for yet (a draft, an invalid notice, requests off,
// a later stage under staged requests) has no AwaitedSince.
func stageTimes(d *Decision, f Facts, approvals []Review) {
	submitted := make(map[string]time.Time, len(approvals))
	for _, a := range approvals {
		submitted[strings.ToLower(a.User)] = a.SubmittedAt
	}
	for i := range d.Stages {
		s := &d.Stages[i]
		if s.Satisfied {
			s.ApprovedAt = satisfiedAt(s.approvedBy, submitted)
		}
	}
	mode := ""
	if f.Rules != nil {
		mode = f.Rules.RequestReviews
	}
	if f.Draft || d.State == StateInvalid || mode == "off" {
		return
	}
	since := f.OpenedAt
	for i := range d.Stages {
		s := &d.Stages[i]
		if s.Satisfied {
			if mode != "all" && d.Expedite == nil && s.ApprovedAt.After(since) {
				since = s.ApprovedAt
			}
			continue
		}
		s.AwaitedSince = since
		if mode != "all" && d.Expedite == nil {
			return // staged: the stages after this one are not asked yet
		}
	}
}

// satisfiedAt is when the last approval a stage needed arrived: per
// requirement the Count-th earliest of its counted approvals, and the
// latest of those.
func satisfiedAt(byRequirement []approvedBy, submitted map[string]time.Time) time.Time {
	var at time.Time
	for _, r := range byRequirement {
		var times []time.Time
		for _, u := range r.users {
			if t, ok := submitted[strings.ToLower(u)]; ok {
				times = append(times, t)
			}
		}
		if len(times) == 0 || r.count < 1 {
			continue
		}
		slices.SortFunc(times, time.Time.Compare)
		if t := times[min(r.count, len(times))-1]; t.After(at) {
			at = t
		}
	}
	return at
}

// approvedBy is one requirement's counted approvers and how many it needs.
type approvedBy struct {
	users []string
	count int
}
