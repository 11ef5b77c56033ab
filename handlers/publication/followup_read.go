package publication

import (
	"context"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// FollowUp is what a follow-up issue says about its communication, for
// the process report: read from its hidden record and the issue itself.
type FollowUp struct {
	Number int
	// Path is the communication's document.
	Path string
	// PR opened the issue (the first publication); Updates are the later
	// pull requests that published an update of the same communication.
	PR      int
	Updates []int
	// Due is the issue's due date; Closed is when it was closed, zero
	// while it is open.
	Due, Closed time.Time
	// Expedited is set when a publication of it took the crisis path;
	// RatifiedAt is when the normal ladder was found to ratify it, zero
	// while it is not, and in records ratified before the time was kept
	// (Ratified says whether it is).
	Expedited  bool
	Ratified   bool
	RatifiedAt time.Time
}

// ReadFollowUp reads one follow-up issue; false when the issue has no
// record, an error when its record is damaged.
func ReadFollowUp(issue *github.Issue) (FollowUp, bool, error) {
	rec, err := parseRecord(issue.GetBody())
	if err != nil || rec == nil {
		return FollowUp{}, false, err
	}
	f := FollowUp{
		Number: issue.GetNumber(), Path: rec.Path, PR: rec.PR, Updates: rec.Updates,
		Due: rec.Due, Closed: issue.GetClosedAt().Time,
	}
	if rr := rec.Ratify; rr != nil {
		f.Expedited, f.Ratified, f.RatifiedAt = true, rr.Ratified, rr.RatifiedAt
	}
	return f, true, nil
}

// ListFollowUps reads every follow-up issue of the repository, open or
// closed (the policy's follow-up labels, one paged list), by issue
// number. Issues with a damaged record are left out and returned in
// damaged.
func ListFollowUps(ctx context.Context, gh *github.Client, t facts.Target, rules *policy.Rules) (byNumber map[int]FollowUp, damaged []int, err error) {
	issues, err := followUpIssues(ctx, gh, t, rules, "all")
	if err != nil {
		return nil, nil, err
	}
	byNumber = map[int]FollowUp{}
	for _, is := range issues {
		f, ok, err := ReadFollowUp(is)
		switch {
		case err != nil:
			damaged = append(damaged, is.GetNumber())
		case ok:
			byNumber[f.Number] = f
		}
	}
	return byNumber, damaged, nil
}
