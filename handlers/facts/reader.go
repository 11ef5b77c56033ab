package facts

import (
	"context"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/policy"
)

// Reader is what the gate and publication ask of GitHub: only these
// reads, so a unit test can stand a plain struct in for GitHub
// (factstest.Reader) and every read an evaluation makes is listed here.
type Reader interface {
	// ReadPolicyAndPR is an evaluation's first round: the default
	// branch's policy beside the pull request.
	ReadPolicyAndPR(ctx context.Context, t Target) First
	// Policy reads the policy file on the default branch, uncached.
	Policy(ctx context.Context, t Target) (Policy, string, error)
	// PolicyBefore reads the policy at a merge commit's first parent.
	PolicyBefore(ctx context.Context, t Target, mergeSHA string) (Policy, error)
	// PRState reads the pull request, its files, reviews and comments.
	PRState(ctx context.Context, t Target) (PRState, error)
	// Gather reads everything a decision rests on as policy facts, with
	// team and permission answers from where mode allows.
	Gather(ctx context.Context, t Target, rules *policy.Rules, st PRState, mode ReadMode, now time.Time) (Evaluation, error)
	// Moved re-reads the reviews, comments, teams and permissions ev
	// rests on and reports whether any changed since st was read.
	Moved(ctx context.Context, t Target, st PRState, ev Evaluation) (bool, error)
	// MayCommand says whether user may use the commands.
	MayCommand(ctx context.Context, t Target, rules *policy.Rules, user string, cmds []policy.Command) (bool, error)
	// CheckRuns lists this app's check runs on a commit (see GitHub.CheckRuns).
	CheckRuns(ctx context.Context, t Target, sha, name string, latestOnly bool) ([]*github.CheckRun, error)
	// FileAt reads a file at a commit.
	FileAt(ctx context.Context, t Target, path, ref string) ([]byte, error)
	// BranchProtection reads which checks t's default branch requires,
	// and from which app (cached per repository).
	BranchProtection(ctx context.Context, t Target) (policy.BranchProtection, error)
}
