package facts

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

// Policy is the policy file as read from the default branch.
type Policy struct {
	// Found is false for a repository without a policy file: not a
	// communications repository, where commsgate does nothing.
	Found    bool
	Rules    *policy.Rules
	Findings []policy.Finding
}

// Broken reports whether the policy file cannot be trusted for a decision.
func (p Policy) Broken() bool {
	return p.Rules == nil || policy.HasErrors(p.Findings)
}

// MentionsTeam reports whether the policy counts team ("org/slug") for a
// stage or a SIG.
func (p Policy) MentionsTeam(team string) bool {
	if p.Rules == nil {
		return false
	}
	for _, g := range p.Rules.Groups {
		if g.Team == team || g.EmbargoTeam == team {
			return true
		}
	}
	for _, t := range p.Rules.SIGs {
		if t == team {
			return true
		}
	}
	return false
}

// Policy reads .github/commsgate.yml from the default branch: never
// from the PR's head or base, so a PR (or a retargeted PR) can never
// change the policy that judges it. It returns the branch it read.
func (r *GitHub) Policy(ctx context.Context, t Target) (Policy, string, error) {
	branch := t.DefaultBranch
	if branch == "" {
		repo, _, err := r.gh.Repositories.Get(ctx, t.Owner, t.Repo)
		if err != nil {
			return Policy{}, "", fmt.Errorf("get repository %s/%s: %w", t.Owner, t.Repo, err)
		}
		branch = repo.GetDefaultBranch()
	}
	pol, err := r.policyAt(ctx, t, branch)
	return pol, branch, err
}

// policyAt reads the policy file at ref (a branch or a commit).
func (r *GitHub) policyAt(ctx context.Context, t Target, ref string) (Policy, error) {
	file, _, _, err := r.gh.Repositories.GetContents(ctx, t.Owner, t.Repo, PolicyPath, &github.RepositoryContentGetOptions{Ref: ref})
	if ghclient.IsNotFound(err) {
		return Policy{}, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("read %s@%s: %w", PolicyPath, ref, err)
	}
	if file == nil {
		// A directory at the policy path is as good as no policy file.
		return Policy{}, nil
	}
	content, err := file.GetContent()
	if err != nil {
		return Policy{}, fmt.Errorf("decode %s@%s: %w", PolicyPath, ref, err)
	}
	return r.parsePolicy(file.GetSHA(), content), nil
}

// parsePolicy parses the policy file, reusing the result for content seen
// before: every event reads the policy (a free 304 when unchanged), and
// parsing it again each time was the largest CPU cost of an evaluation.
// The key is the file's git blob SHA, so equal keys mean equal content;
// the parsed rules are never modified after parsing.
func (r *GitHub) parsePolicy(blobSHA, content string) Policy {
	if blobSHA != "" {
		if pol, ok := r.cache.parsed.get(blobSHA); ok {
			return pol
		}
	}
	rules, findings := config.ParseRepoPolicy(PolicyPath, []byte(content))
	pol := Policy{Found: true, Rules: rules, Findings: findings}
	if blobSHA != "" {
		r.cache.parsed.put(blobSHA, pol)
	}
	return pol
}

// PolicyForEvent is Policy for events: a repository without a policy
// file is remembered with its default branch's commit, so that every later
// event there costs one conditional request for the branch (304, free)
// instead of a counted 404. GitHub sends no ETag with a 404, so the file
// lookup itself cannot be made conditional. When the branch moves, the
// file is read again: adding a policy file takes effect with the next event.
func (r *GitHub) PolicyForEvent(ctx context.Context, t Target) (Policy, string, error) {
	key := strings.ToLower(t.Owner + "/" + t.Repo)
	if t.DefaultBranch != "" {
		if sha, ok := r.cache.absent.get(key); ok {
			if head, err := r.branchHead(ctx, t, t.DefaultBranch); err == nil && head == sha {
				return Policy{}, t.DefaultBranch, nil
			}
			r.cache.absent.drop(key)
		}
	}
	pol, branch, err := r.Policy(ctx, t)
	if err != nil || pol.Found {
		return pol, branch, err
	}
	// Pin the absence to a commit: read the branch, then confirm the file
	// is missing at that very commit, so a policy added in between is
	// never mistaken for none.
	head, err := r.branchHead(ctx, t, branch)
	if err != nil {
		return pol, branch, nil // not remembered; the next event asks again
	}
	if again, err := r.policyAt(ctx, t, head); err == nil && !again.Found {
		r.cache.absent.put(key, head)
	}
	return pol, branch, nil
}

func (r *GitHub) branchHead(ctx context.Context, t Target, branch string) (string, error) {
	b, _, err := r.gh.Repositories.GetBranch(ctx, t.Owner, t.Repo, branch, 0)
	if err != nil {
		return "", fmt.Errorf("get branch %s of %s/%s: %w", branch, t.Owner, t.Repo, err)
	}
	return b.GetCommit().GetSHA(), nil
}

// First is the first round of an evaluation: the policy and the pull
// request, each with its own error because they are handled differently.
type First struct {
	Policy    Policy
	Branch    string
	PolicyErr error
	PR        PRState
	PRErr     error
}

// ReadPolicyAndPR reads the policy and the pull request side by side, so
// that an evaluation spends one round trip on both. A repository known to
// have no policy file gets its cheap absence check alone: no PR reads
// there, where commsgate has nothing to do.
func (r *GitHub) ReadPolicyAndPR(ctx context.Context, t Target) First {
	var f First
	if r.knownWithoutPolicy(t) {
		f.Policy, f.Branch, f.PolicyErr = r.PolicyForEvent(ctx, t)
		if f.PolicyErr != nil || !f.Policy.Found {
			return f
		}
		f.PR, f.PRErr = r.PRState(ctx, t)
		return f
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.PR, f.PRErr = r.PRState(ctx, t)
	}()
	f.Policy, f.Branch, f.PolicyErr = r.PolicyForEvent(ctx, t)
	wg.Wait()
	return f
}

func (r *GitHub) knownWithoutPolicy(t Target) bool {
	_, ok := r.cache.absent.get(strings.ToLower(t.Owner + "/" + t.Repo))
	return ok
}

// PolicyBefore reads the policy that governed a merge: the file at the
// merge commit's first parent, the default branch just before the merge.
// Judging a merge by the policy at the merge commit itself would let a
// pull request that weakens the policy publish under its own rules.
func (r *GitHub) PolicyBefore(ctx context.Context, t Target, mergeSHA string) (Policy, error) {
	c, _, err := r.gh.Repositories.GetCommit(ctx, t.Owner, t.Repo, mergeSHA, nil)
	if err != nil {
		return Policy{}, fmt.Errorf("read merge commit %s of %s/%s: %w", policy.ShortSHA(mergeSHA), t.Owner, t.Repo, err)
	}
	if len(c.Parents) == 0 {
		return Policy{}, nil // a root commit: nothing governed it
	}
	return r.policyAt(ctx, t, c.Parents[0].GetSHA())
}
