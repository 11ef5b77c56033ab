package handlers

import (
	"fmt"
	"slices"
)

// prTarget names one pull request of one installation.
type prTarget struct {
	InstallationID int64
	Owner, Repo    string
	Number         int
	// DefaultBranch comes from the webhook's repository object when known;
	// empty means "ask GitHub".
	DefaultBranch string
}

func (t prTarget) key() string {
	return fmt.Sprintf("%d/%s/%s#%d", t.InstallationID, t.Owner, t.Repo, t.Number)
}

// evalOptions say which parts of the evaluation an event can change, so
// that a review does not re-post the template check (policy-bot's trigger
// idea).
type evalOptions struct {
	// Template re-posts commsgate/template even if nothing it depends on
	// could have changed.
	Template bool
	// Reason is recorded in logs.
	Reason string
	// acknowledge are command comments to react to once the evaluation has
	// read the policy that decides who may use them.
	acknowledge []commandComment
}

func (o evalOptions) merge(other evalOptions) evalOptions {
	out := o
	out.Template = o.Template || other.Template
	if other.Reason != "" {
		out.Reason = other.Reason
	}
	out.acknowledge = append(slices.Clip(o.acknowledge), other.acknowledge...)
	return out
}
