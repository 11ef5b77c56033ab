package gate

import (
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/policy"
)

// Trigger says what caused an evaluation, as a set of bits: passes that
// coalesce merge their triggers with |, and the bits decide what the pass
// must re-post (policy-bot's trigger idea: a review cannot change the
// template findings, so it does not re-post the template check).
type Trigger uint32

const (
	// PullRequestChanged: opened, reopened, pushed to, edited (title,
	// body or base).
	PullRequestChanged Trigger = 1 << iota
	// DraftChanged: marked ready for review, or converted to a draft.
	DraftChanged
	// Reviewed: a review was submitted, edited or dismissed.
	Reviewed
	// Commented: a command comment was written, edited or deleted.
	Commented
	// Recheck: someone asked with /commsgate recheck.
	Recheck
	// CheckRerun: someone pressed Re-run on a check or the suite.
	CheckRerun
	// TeamChanged: a team the policy names gained or lost members.
	TeamChanged
	// CollaboratorChanged: someone gained or lost access to the repository.
	CollaboratorChanged
	// Installed: the app was installed on the repository.
	Installed
	// Swept: the periodic sweep.
	Swept
	// TimerFired: a time the decision was waiting for has come.
	TimerFired
)

var triggerNames = []string{
	"pull_request", "draft", "review", "comment", "recheck", "check_rerun",
	"team", "collaborator", "installed", "sweep", "timer",
}

// String lists the bits, e.g. "review|comment".
func (t Trigger) String() string {
	var names []string
	for i, name := range triggerNames {
		if t&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// PostsTemplate says whether the pass re-posts commsgate/template even if
// it reads the same: a new head, or a person asking for it.
func (t Trigger) PostsTemplate() bool {
	return t&(PullRequestChanged|Recheck|CheckRerun|Installed) != 0
}

// Request is one request for an evaluation: what triggered it, and the
// command comments waiting for their reaction.
type Request struct {
	Trigger Trigger
	// Acknowledge are command comments to react to once the evaluation
	// has read the policy that decides who may use them.
	Acknowledge []CommandComment
	// RetargetedFrom is the base branch the PR had before an edit changed
	// it: the evaluation records the change on the PR, where every later
	// evaluation finds it and treats earlier approvals as stale.
	RetargetedFrom string
}

// CommandComment is a comment with commands, waiting for its reaction.
type CommandComment struct {
	Comment  *github.IssueComment
	Commands []policy.Command
}

// merge folds a request that arrived while another ran.
func merge(a, b Request) Request {
	from := a.RetargetedFrom
	if from == "" {
		from = b.RetargetedFrom
	}
	return Request{
		Trigger:        a.Trigger | b.Trigger,
		Acknowledge:    append(append([]CommandComment(nil), a.Acknowledge...), b.Acknowledge...),
		RetargetedFrom: from,
	}
}
