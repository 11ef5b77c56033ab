package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/policy"
)

// repoPolicy is the policy file as read from the default branch.
type repoPolicy struct {
	found    bool
	rules    *policy.Rules
	findings []policy.Finding
}

// broken reports whether the policy file cannot be trusted for a decision.
func (p repoPolicy) broken() bool {
	return p.rules == nil || policy.HasErrors(p.findings)
}

// loadPolicy reads .github/commsgate.yml from the default branch: never
// from the PR's head or base, so a PR (or a retargeted PR) can never
// change the policy that judges it.
func (a *App) loadPolicy(ctx context.Context, gh *github.Client, t prTarget) (repoPolicy, string, error) {
	branch := t.DefaultBranch
	if branch == "" {
		repo, _, err := gh.Repositories.Get(ctx, t.Owner, t.Repo)
		if err != nil {
			return repoPolicy{}, "", fmt.Errorf("get repository %s/%s: %w", t.Owner, t.Repo, err)
		}
		branch = repo.GetDefaultBranch()
	}
	file, _, _, err := gh.Repositories.GetContents(ctx, t.Owner, t.Repo, PolicyPath, &github.RepositoryContentGetOptions{Ref: branch})
	if isNotFound(err) {
		return repoPolicy{}, branch, nil
	}
	if err != nil {
		return repoPolicy{}, branch, fmt.Errorf("read %s@%s: %w", PolicyPath, branch, err)
	}
	if file == nil {
		// A directory at the policy path is as good as no policy file.
		return repoPolicy{}, branch, nil
	}
	content, err := file.GetContent()
	if err != nil {
		return repoPolicy{}, branch, fmt.Errorf("decode %s@%s: %w", PolicyPath, branch, err)
	}
	return a.parsePolicy(file.GetSHA(), content), branch, nil
}

// parsePolicy parses the policy file, reusing the result for content seen
// before: every event reads the policy (a free 304 when unchanged), and
// parsing it again each time was the largest CPU cost of an evaluation.
// The key is the file's git blob SHA, so equal keys mean equal content;
// the parsed rules are never modified after parsing.
func (a *App) parsePolicy(blobSHA, content string) repoPolicy {
	if blobSHA != "" {
		if pol, ok := a.parsed.get(blobSHA); ok {
			return pol
		}
	}
	rules, findings := config.ParseRepoPolicy(PolicyPath, []byte(content))
	pol := repoPolicy{found: true, rules: rules, findings: findings}
	if blobSHA != "" {
		a.parsed.put(blobSHA, pol)
	}
	return pol
}

// policyFor is loadPolicy for events: a repository without a policy file
// is remembered with its default branch's commit, so that every later event
// there costs one conditional request for the branch (304, free) instead
// of a counted 404. GitHub sends no ETag with a 404, so the file lookup
// itself cannot be made conditional. When the branch moves, the file is
// read again: adding a policy file takes effect with the next event.
func (a *App) policyFor(ctx context.Context, gh *github.Client, t prTarget) (repoPolicy, string, error) {
	key := strings.ToLower(t.Owner + "/" + t.Repo)
	if t.DefaultBranch != "" {
		if sha, ok := a.absent.get(key); ok {
			if head, err := branchHead(ctx, gh, t, t.DefaultBranch); err == nil && head == sha {
				return repoPolicy{}, t.DefaultBranch, nil
			}
			a.absent.drop(key)
		}
	}
	pol, branch, err := a.loadPolicy(ctx, gh, t)
	if err != nil || pol.found {
		return pol, branch, err
	}
	// Pin the absence to a commit: read the branch, then confirm the file
	// is missing at that very commit, so a policy added in between is
	// never mistaken for none.
	head, err := branchHead(ctx, gh, t, branch)
	if err != nil {
		return pol, branch, nil // not remembered; the next event asks again
	}
	at := t
	at.DefaultBranch = head
	if again, _, err := a.loadPolicy(ctx, gh, at); err == nil && !again.found {
		a.absent.put(key, head)
	}
	return pol, branch, nil
}

func branchHead(ctx context.Context, gh *github.Client, t prTarget, branch string) (string, error) {
	b, _, err := gh.Repositories.GetBranch(ctx, t.Owner, t.Repo, branch, 0)
	if err != nil {
		return "", fmt.Errorf("get branch %s of %s/%s: %w", branch, t.Owner, t.Repo, err)
	}
	return b.GetCommit().GetSHA(), nil
}

// firstRead is the first round of an evaluation: the policy and the pull
// request, each with its own error because they are handled differently.
type firstRead struct {
	policy    repoPolicy
	branch    string
	policyErr error
	pr        prState
	prErr     error
}

// readPolicyAndPR reads the policy and the pull request side by side, so
// that an evaluation spends one round trip on both. A repository known to
// have no policy file gets its cheap absence check alone: no PR reads
// there, where commsgate has nothing to do.
func (a *App) readPolicyAndPR(ctx context.Context, gh *github.Client, t prTarget) firstRead {
	var r firstRead
	if a.knownWithoutPolicy(t) {
		r.policy, r.branch, r.policyErr = a.policyFor(ctx, gh, t)
		if r.policyErr != nil || !r.policy.found {
			return r
		}
		r.pr, r.prErr = loadPRState(ctx, gh, t)
		return r
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.pr, r.prErr = loadPRState(ctx, gh, t)
	}()
	r.policy, r.branch, r.policyErr = a.policyFor(ctx, gh, t)
	wg.Wait()
	return r
}

func (a *App) knownWithoutPolicy(t prTarget) bool {
	_, ok := a.absent.get(strings.ToLower(t.Owner + "/" + t.Repo))
	return ok
}

// prState is the pull request side of the facts, read in one parallel round.
type prState struct {
	pr       *github.PullRequest
	files    []*github.CommitFile
	reviews  []*github.PullRequestReview
	comments []*github.IssueComment
}

// loadPRState returns the pull request even when another read failed, so
// the caller can still mark the head commit's check as not evaluated.
func loadPRState(ctx context.Context, gh *github.Client, t prTarget) (prState, error) {
	var st prState
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// Not gctx: a failed list must not cancel the read of the head
		// that the error state is posted on.
		pr, _, err := gh.PullRequests.Get(ctx, t.Owner, t.Repo, t.Number)
		if err != nil {
			return fmt.Errorf("get pull request: %w", err)
		}
		st.pr = pr
		return nil
	})
	g.Go(func() error {
		files, err := listAll(func(o github.ListOptions) ([]*github.CommitFile, *github.Response, error) {
			return gh.PullRequests.ListFiles(gctx, t.Owner, t.Repo, t.Number, &o)
		})
		if err != nil {
			return fmt.Errorf("list pull request files: %w", err)
		}
		st.files = files
		return nil
	})
	g.Go(func() error {
		reviews, err := listReviews(gctx, gh, t)
		st.reviews = reviews
		return err
	})
	g.Go(func() error {
		comments, err := listComments(gctx, gh, t)
		st.comments = comments
		return err
	})
	if err := g.Wait(); err != nil {
		return prState{pr: st.pr}, err
	}
	return st, nil
}

func listReviews(ctx context.Context, gh *github.Client, t prTarget) ([]*github.PullRequestReview, error) {
	reviews, err := listAll(func(o github.ListOptions) ([]*github.PullRequestReview, *github.Response, error) {
		return gh.PullRequests.ListReviews(ctx, t.Owner, t.Repo, t.Number, &o)
	})
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return reviews, nil
}

func listComments(ctx context.Context, gh *github.Client, t prTarget) ([]*github.IssueComment, error) {
	comments, err := listAll(func(o github.ListOptions) ([]*github.IssueComment, *github.Response, error) {
		return gh.Issues.ListComments(ctx, t.Owner, t.Repo, t.Number, &github.IssueListCommentsOptions{ListOptions: o})
	})
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return comments, nil
}

// commFile is a communication changed by the PR.
type commFile struct {
	path    string
	blobSHA string
	content []byte
	// oversize is the file's size when it exceeds policy.MaxDocumentBytes;
	// its content is then not downloaded at all.
	oversize int
}

// changedFiles splits the PR's files into communications (added or
// modified; a removed notice publishes nothing) and whether the policy
// file itself changes.
func changedFiles(rules *policy.Rules, files []*github.CommitFile) (comms []commFile, policyChanged bool) {
	for _, f := range files {
		name := f.GetFilename()
		if name == PolicyPath || f.GetPreviousFilename() == PolicyPath {
			policyChanged = true
		}
		if f.GetStatus() == "removed" || !policy.IsCommunication(rules.CommsPath, name) {
			continue
		}
		comms = append(comms, commFile{path: name, blobSHA: f.GetSHA()})
	}
	sort.Slice(comms, func(i, j int) bool { return comms[i].path < comms[j].path })
	return comms, policyChanged
}

// maxReviewedCommits bounds the staleness lookups of one evaluation: each
// distinct reviewed commit costs one request per communication (cached
// forever after, since commits are immutable).
const maxReviewedCommits = 20

// readContents fetches the communications at head and, for every commit an
// approval was given on, whether any communication's blob differs there.
// Comparing blobs (not a compare of commits) is what keeps approvals across
// a rebase while discarding them on any change to a notice's text.
func (a *App) readContents(ctx context.Context, gh *github.Client, t prTarget, headSHA string, comms []commFile, reviewedCommits []string) (map[string]bool, error) {
	changed := make(map[string]bool, len(reviewedCommits))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range comms {
		c := &comms[i]
		g.Go(func() error {
			data, size, err := boundedFileAt(gctx, gh, t, c.path, headSHA)
			if err != nil {
				return err
			}
			c.content, c.oversize = data, size
			return nil
		})
	}
	if len(reviewedCommits) > maxReviewedCommits {
		reviewedCommits = reviewedCommits[:maxReviewedCommits]
	}
	for _, sha := range reviewedCommits {
		if sha == headSHA {
			// Under the lock: the blob comparisons of commits listed
			// before head are already running and write to the map.
			mu.Lock()
			changed[sha] = false
			mu.Unlock()
			continue
		}
		for i := range comms {
			// Through a pointer: the head reads above fill in content
			// concurrently, and a copy of the struct would race with them.
			c := &comms[i]
			g.Go(func() error {
				blob, err := blobAt(gctx, gh, t, c.path, sha)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				if blob != c.blobSHA {
					changed[sha] = true
				} else if _, seen := changed[sha]; !seen {
					changed[sha] = false
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return changed, nil
}

// boundedFileAt reads a communication unless it is larger than any
// communication can be; then it returns its size and no content.
func boundedFileAt(ctx context.Context, gh *github.Client, t prTarget, path, ref string) ([]byte, int, error) {
	file, err := fileEntryAt(ctx, gh, t, path, ref)
	if err != nil {
		return nil, 0, err
	}
	if file.GetSize() > policy.MaxDocumentBytes {
		return nil, file.GetSize(), nil
	}
	content, err := decodeContent(file, path, ref)
	return content, 0, err
}

func fileAt(ctx context.Context, gh *github.Client, t prTarget, path, ref string) ([]byte, error) {
	file, err := fileEntryAt(ctx, gh, t, path, ref)
	if err != nil {
		return nil, err
	}
	return decodeContent(file, path, ref)
}

// fileEntryAt reads a file (not a directory) at ref.
func fileEntryAt(ctx context.Context, gh *github.Client, t prTarget, path, ref string) (*github.RepositoryContent, error) {
	file, _, _, err := gh.Repositories.GetContents(ctx, t.Owner, t.Repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, fmt.Errorf("read %s@%s: %w", path, shortSHA(ref), err)
	}
	if file == nil {
		return nil, fmt.Errorf("read %s@%s: is a directory", path, shortSHA(ref))
	}
	return file, nil
}

func decodeContent(file *github.RepositoryContent, path, ref string) ([]byte, error) {
	content, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("decode %s@%s: %w", path, shortSHA(ref), err)
	}
	return []byte(content), nil
}

// blobAt returns the blob SHA of path at ref, or "" when the file did not
// exist there (then the notice was added after the review: changed).
func blobAt(ctx context.Context, gh *github.Client, t prTarget, path, ref string) (string, error) {
	file, _, _, err := gh.Repositories.GetContents(ctx, t.Owner, t.Repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s@%s: %w", path, shortSHA(ref), err)
	}
	return file.GetSHA(), nil
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
