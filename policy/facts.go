package policy

import "time"

// ReviewState is a GitHub review state, normalised to the REST spelling.
type ReviewState string

const (
	ReviewApproved         ReviewState = "APPROVED"
	ReviewChangesRequested ReviewState = "CHANGES_REQUESTED"
	ReviewCommented        ReviewState = "COMMENTED"
	ReviewDismissed        ReviewState = "DISMISSED"
	ReviewPending          ReviewState = "PENDING"
)

// Review is one submitted GitHub review.
type Review struct {
	ID          int64
	User        string
	Bot         bool
	State       ReviewState
	CommitID    string
	SubmittedAt time.Time
}

// Hold is an active /hold placed by a comment.
type Hold struct {
	By        string
	Reason    string
	At        time.Time
	CommentID int64
	// Stage is the highest ladder stage the holder belongs to ("" for
	// someone who holds by write access alone): only the holder or a
	// member of that stage or a later one may lift the hold.
	Stage string
}

// Facts is everything the approval evaluation needs, gathered by the
// handlers from GitHub. Nothing in it is a go-github type, and evaluation
// never asks for more.
type Facts struct {
	Rules *Rules
	// Author is the pull request's author; their reviews never count.
	Author string
	// HeadSHA is the commit being evaluated.
	HeadSHA string
	// Draft PRs are evaluated but get no review requests.
	Draft bool
	// OpenedAt is when the pull request was opened: the first stage has
	// been awaited since then (Decision's StageResult.AwaitedSince).
	OpenedAt time.Time
	// Documents are the communications changed by the PR, parsed at head.
	Documents []*Document
	// Findings are the template findings for those documents; any error
	// keeps the approval check from passing.
	Findings []Finding
	// PolicyFileChanged is set when the PR changes .github/commsgate.yml,
	// which requires the top tier.
	PolicyFileChanged bool
	// Reviews are all submitted reviews, in any order.
	Reviews []Review
	// CommsChangedSince tells, per reviewed commit SHA, whether any
	// communication file, or the policy file when the PR changes it,
	// differs between that commit and HeadSHA. A SHA
	// missing from the map is treated as changed (fail closed).
	CommsChangedSince map[string]bool
	// TeamMembers maps "org/slug" to the team's active members. A team
	// missing from the map has no members the evaluation may count.
	TeamMembers map[string][]string
	// BaseChangedAt is when the pull request's base branch last changed
	// (a retarget): approvals submitted before it were of another diff.
	BaseChangedAt time.Time
	// Holds are the active holds, oldest first.
	Holds []Hold
	// Now is the evaluation instant.
	Now time.Time
}
