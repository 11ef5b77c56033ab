package policy

import "time"

// State is the outcome of an approval evaluation.
type State string

const (
	// StateInvalid: the communication has template or schedule errors, so
	// reviewing it cannot make it publishable yet.
	StateInvalid State = "invalid"
	// StateBlocked: a hold, a change request or a stage that can never be
	// satisfied stops the communication whatever else happens.
	StateBlocked State = "blocked"
	// StatePending: some stage still needs approvals.
	StatePending State = "pending"
	// StateScheduled: everything is approved but the publication time (or
	// the embargo) has not arrived; still blocking until then.
	StateScheduled State = "scheduled"
	// StateApproved: the communication may be merged and published.
	StateApproved State = "approved"
)

// Decision is the whole result of evaluating a pull request's
// communications. Every part carries its own explanation so that rendering
// never has to re-derive why.
type Decision struct {
	State State
	// Headline is the one line a reviewer reads first, e.g.
	// "NOT APPROVED — waiting for comms (0 of 1 approvals)".
	Headline string
	Tier     TierResult
	Stages   []StageResult
	// Blockers are the change requests from members of required teams.
	Blockers []Blocker
	Holds    []Hold
	// Schedule has one result per document, in document order.
	Schedule []ScheduleResult
	// ReleaseAt is when the time gate opens: the latest publish_at, or an
	// embargo_until after it. Zero when no document has a time.
	ReleaseAt time.Time
	// RequestTeams are the teams to request a review from now.
	RequestTeams []string
	// Discarded are approvals that count toward no stage at all, from
	// people who belong to none of the required teams.
	Discarded []Discarded
	// NextStep says what happens next and who acts, in words.
	NextStep string
	// Reasons explain the state, most important first.
	Reasons []string

	// Expedite is set when the pull request takes the crisis path: the
	// ladder above is then the crisis ladder.
	Expedite *ExpediteResult

	// errorCount is the number of template and schedule errors.
	errorCount int
	// expediteProblem says why a declared crisis path cannot be taken.
	expediteProblem string
}

// StageResult is one rung of the approval ladder.
type StageResult struct {
	// Name is "sig" or a group name.
	Name string
	// Teams are the teams whose members can approve this stage ("org/slug");
	// the sig stage has one team per owning SIG.
	Teams []string
	// Required is how many approvals the stage needs in total; Approved is
	// how many of them are given so far.
	Required  int
	Approved  int
	Satisfied bool
	// Approvers are the people whose approval counts for this stage.
	Approvers []string
	// Missing says who is still needed, in words; empty when satisfied.
	Missing string
	// Candidates are team members who could still approve: not the author,
	// not already counted.
	Candidates []string
	// Discarded are approvals by members of the stage's teams that do not
	// count for it, each with the reason.
	Discarded []Discarded
	// Unsatisfiable is set when no approval can ever satisfy the stage
	// (unknown SIG, empty team); Missing then says why.
	Unsatisfiable bool
	// ApprovedAt is when the approval that completed the stage was
	// submitted; zero while it is not satisfied.
	ApprovedAt time.Time
	// AwaitedSince is when the stage's teams were asked for a review: the
	// pull request's opening or the approval that completed the stage
	// before (see stageTimes). Zero for a satisfied stage and for one
	// nobody is asked for yet.
	AwaitedSince time.Time

	// openTeams are the teams of requirements still open, for review
	// requests.
	openTeams []string
	// approvedBy are the counted approvers per requirement, for ApprovedAt.
	approvedBy []approvedBy
}

// Discarded is an approval that does not count, and why.
type Discarded struct {
	User   string
	Reason string
}

// Blocker is a review that blocks the communication until resolved.
type Blocker struct {
	User   string
	Reason string
}

// Satisfied reports whether the communication may be published now.
func (d Decision) Satisfied() bool {
	return d.State == StateApproved
}

// ScheduleFindings collects the schedule findings of every document, so a
// handler can annotate them next to the template findings.
func (d Decision) ScheduleFindings() []Finding {
	var out []Finding
	for _, s := range d.Schedule {
		out = append(out, s.Findings...)
	}
	return out
}
