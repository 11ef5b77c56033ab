// Package factstest is a plain-struct stand-in for facts.Reader, for unit
// tests of the gate and the publisher that need GitHub's answers but not
// GitHub (policy-bot's pulltest idea). Each field is what one read
// returns; Calls records what was asked, so a test can say a read was
// (or was not) made. End-to-end behaviour is tested through the sandbox.
package factstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// ErrNoFile is FileAt's answer for a file the Reader was not given.
var ErrNoFile = errors.New("no such file in factstest.Reader")

// Reader answers every read from its fields.
type Reader struct {
	First facts.First

	// DefaultPolicy, Branch and PolicyErr answer Policy; BeforeMerge
	// answers PolicyBefore.
	DefaultPolicy facts.Policy
	Branch        string
	PolicyErr     error
	BeforeMerge   facts.Policy
	PR            facts.PRState
	PRErr         error

	// Evaluations answer Gather by read mode, so a test can give cached
	// and fresh answers that differ; GatherErr fails the mode it names.
	Evaluations map[facts.ReadMode]facts.Evaluation
	GatherErr   map[facts.ReadMode]error

	// StateMoved and MovedErr answer Moved.
	StateMoved bool
	MovedErr   error

	// Commanders answer MayCommand by user login.
	Commanders map[string]bool

	// Runs answer CheckRuns by commit SHA, filtered by name as GitHub does.
	Runs    map[string][]*github.CheckRun
	RunsErr error

	// Files answers FileAt by "path@ref".
	Files map[string][]byte

	// Protection and ProtectionErr answer BranchProtection.
	Protection    policy.BranchProtection
	ProtectionErr error

	mu    sync.Mutex
	calls []string
}

var _ facts.Reader = (*Reader)(nil)

// Calls are the reads made so far, e.g. "Gather(fresh)".
func (r *Reader) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func (r *Reader) record(call string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
}

func (r *Reader) ReadPolicyAndPR(ctx context.Context, t facts.Target) facts.First {
	r.record("ReadPolicyAndPR")
	return r.First
}

func (r *Reader) PolicyBefore(ctx context.Context, t facts.Target, mergeSHA string) (facts.Policy, error) {
	r.record("PolicyBefore")
	return r.BeforeMerge, nil
}

func (r *Reader) Policy(ctx context.Context, t facts.Target) (facts.Policy, string, error) {
	r.record("Policy")
	return r.DefaultPolicy, r.Branch, r.PolicyErr
}

func (r *Reader) PRState(ctx context.Context, t facts.Target) (facts.PRState, error) {
	r.record("PRState")
	return r.PR, r.PRErr
}

func (r *Reader) Gather(ctx context.Context, t facts.Target, rules *policy.Rules, st facts.PRState, mode facts.ReadMode, now time.Time) (facts.Evaluation, error) {
	name := "cached"
	if mode == facts.ReadFresh {
		name = "fresh"
	}
	r.record("Gather(" + name + ")")
	return r.Evaluations[mode], r.GatherErr[mode]
}

func (r *Reader) Moved(ctx context.Context, t facts.Target, st facts.PRState, ev facts.Evaluation) (bool, error) {
	r.record("Moved")
	return r.StateMoved, r.MovedErr
}

func (r *Reader) MayCommand(ctx context.Context, t facts.Target, rules *policy.Rules, user string, cmds []policy.Command) (bool, error) {
	r.record("MayCommand(" + user + ")")
	return r.Commanders[user], nil
}

func (r *Reader) CheckRuns(ctx context.Context, t facts.Target, sha, name string, latestOnly bool) ([]*github.CheckRun, error) {
	r.record("CheckRuns(" + name + ")")
	if r.RunsErr != nil {
		return nil, r.RunsErr
	}
	var out []*github.CheckRun
	for _, run := range r.Runs[sha] {
		if name == "" || run.GetName() == name {
			out = append(out, run)
		}
	}
	return out, nil
}

func (r *Reader) FileAt(ctx context.Context, t facts.Target, path, ref string) ([]byte, error) {
	r.record("FileAt(" + path + ")")
	content, ok := r.Files[path+"@"+ref]
	if !ok {
		return nil, fmt.Errorf("read %s@%s: %w", path, ref, ErrNoFile)
	}
	return content, nil
}

func (r *Reader) BranchProtection(ctx context.Context, t facts.Target) (policy.BranchProtection, error) {
	r.record("BranchProtection")
	return r.Protection, r.ProtectionErr
}
