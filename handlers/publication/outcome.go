package publication

import (
	"time"

	"github.com/google/go-github/v62/github"
)

// Outcome is what a merge's commsgate/publish check run records, for
// readers outside this package (the calendar): the ledger, read only.
type Outcome struct {
	// Completed is set once the run is completed; Conclusion is then
	// "success" (every delivery succeeded) or "failure" (some failed or
	// were refused, or the whole publication was refused).
	Completed  bool
	Conclusion string
	// CompletedAt is when the run last completed: for a success, when
	// the last delivery went out (a retry's completion, after a failure).
	CompletedAt time.Time
	// WaitingUntil is set while an early merge waits for its publish_at.
	WaitingUntil time.Time
	// Deliveries are the ledger's, sorted by document and target.
	Deliveries []DeliveryOutcome
	// FollowUps maps a document's path to its follow-up issue's number.
	FollowUps map[string]int
}

// DeliveryOutcome is one document's delivery to one target.
type DeliveryOutcome struct {
	Path, Target, Kind string
	// Status is "succeeded", "failed", "refused" or "sending".
	Status string
	// URL is where the published notice can be read, when the target
	// has one (an announcement issue).
	URL string
}

// Refused reports whether the publication was refused rather than
// failed: nothing is failing that a retry with time could fix, only
// refusals (an embargo, a merge that was not approved, merged too late).
func (o Outcome) Refused() bool {
	if !o.Completed || o.Conclusion == "success" {
		return false
	}
	for _, d := range o.Deliveries {
		if d.Status == deliveryFailed || d.Status == deliverySending {
			return false
		}
	}
	return true
}

// ReadOutcome reads the ledger of a commsgate/publish run (the oldest of
// the merge commit's, which owns the publication).
func ReadOutcome(run *github.CheckRun, pr int) (Outcome, error) {
	l, err := parseLedger(run.GetOutput().GetText(), pr)
	if err != nil {
		return Outcome{}, err
	}
	o := Outcome{
		Completed: run.GetStatus() == "completed", Conclusion: run.GetConclusion(), CompletedAt: run.GetCompletedAt().Time,
		WaitingUntil: l.WaitingUntil, FollowUps: l.FollowUps,
	}
	for _, d := range l.sorted() {
		o.Deliveries = append(o.Deliveries, DeliveryOutcome{Path: d.Path, Target: d.Target, Kind: d.Kind, Status: d.Status, URL: d.Receipt.URL})
	}
	return o, nil
}
