package facts

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

// CommFile is a communication changed by the PR.
type CommFile struct {
	Path    string
	BlobSHA string
	// Status is GitHub's: added, modified, renamed, …
	Status string
	// PreviousPath is the file's path before a rename.
	PreviousPath string
	Content      []byte
	// Oversize is the file's size when it exceeds policy.MaxDocumentBytes;
	// its content is then not downloaded at all.
	Oversize int
}

// ChangedFiles splits the PR's files into communications (added or
// modified; a removed notice publishes nothing) and whether the policy
// file itself changes.
func ChangedFiles(rules *policy.Rules, files []*github.CommitFile) (comms []CommFile, policyChanged bool) {
	for _, f := range files {
		name := f.GetFilename()
		if name == PolicyPath || f.GetPreviousFilename() == PolicyPath {
			policyChanged = true
		}
		if f.GetStatus() == "removed" || !policy.IsCommunication(rules.CommsPath, name) {
			continue
		}
		comms = append(comms, CommFile{Path: name, BlobSHA: f.GetSHA(), Status: f.GetStatus(), PreviousPath: f.GetPreviousFilename()})
	}
	sort.Slice(comms, func(i, j int) bool { return comms[i].Path < comms[j].Path })
	return comms, policyChanged
}

// maxReviewedCommits bounds the staleness lookups of one evaluation: each
// distinct reviewed commit costs one request per communication (cached
// forever after, since commits are immutable).
const maxReviewedCommits = 20

// readContents fetches the communications at head and, for every commit an
// approval was given on, whether any communication's blob differs there.
// Comparing blobs (not a compare of commits) is what keeps approvals across
// a rebase while discarding them on any change to a notice's text. When
// the PR changes the policy file, that file is compared too: an approval
// of one policy change is not an approval of another pushed after it.
func (r *GitHub) readContents(ctx context.Context, t Target, headSHA string, comms []CommFile, reviewedCommits []string, trackPolicy bool) (map[string]bool, error) {
	changed := make(map[string]bool, len(reviewedCommits))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	policyBlobs := map[string]string{} // commit → the policy file's blob there
	comparePolicy := func(sha string) {
		g.Go(func() error {
			blob, err := r.blobAt(gctx, t, PolicyPath, sha)
			if err != nil {
				return err
			}
			mu.Lock()
			policyBlobs[sha] = blob
			mu.Unlock()
			return nil
		})
	}
	if trackPolicy {
		comparePolicy(headSHA)
	}
	for i := range comms {
		c := &comms[i]
		g.Go(func() error {
			data, size, err := r.boundedFileAt(gctx, t, c.Path, headSHA)
			if err != nil {
				return err
			}
			c.Content, c.Oversize = data, size
			return nil
		})
	}
	if len(reviewedCommits) > maxReviewedCommits {
		reviewedCommits = reviewedCommits[:maxReviewedCommits]
	}
	for _, sha := range reviewedCommits {
		if trackPolicy && sha != headSHA {
			comparePolicy(sha)
		}
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
				blob, err := r.blobAt(gctx, t, c.Path, sha)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				if blob != c.BlobSHA {
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
	if trackPolicy {
		for _, sha := range reviewedCommits {
			if sha == headSHA {
				continue
			}
			if policyBlobs[sha] != policyBlobs[headSHA] {
				changed[sha] = true
			} else if _, seen := changed[sha]; !seen {
				changed[sha] = false
			}
		}
	}
	return changed, nil
}

// boundedFileAt reads a communication unless it is larger than any
// communication can be; then it returns its size and no content.
func (r *GitHub) boundedFileAt(ctx context.Context, t Target, path, ref string) ([]byte, int, error) {
	file, err := r.fileEntryAt(ctx, t, path, ref)
	if err != nil {
		return nil, 0, err
	}
	if file.GetSize() > policy.MaxDocumentBytes {
		return nil, file.GetSize(), nil
	}
	content, err := decodeContent(file, path, ref)
	return content, 0, err
}

// FileAt reads a file's content at ref.
func (r *GitHub) FileAt(ctx context.Context, t Target, path, ref string) ([]byte, error) {
	file, err := r.fileEntryAt(ctx, t, path, ref)
	if err != nil {
		return nil, err
	}
	return decodeContent(file, path, ref)
}

// fileEntryAt reads a file (not a directory) at ref.
func (r *GitHub) fileEntryAt(ctx context.Context, t Target, path, ref string) (*github.RepositoryContent, error) {
	file, _, _, err := r.gh.Repositories.GetContents(ctx, t.Owner, t.Repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, fmt.Errorf("read %s@%s: %w", path, policy.ShortSHA(ref), err)
	}
	if file == nil {
		return nil, fmt.Errorf("read %s@%s: is a directory", path, policy.ShortSHA(ref))
	}
	return file, nil
}

func decodeContent(file *github.RepositoryContent, path, ref string) ([]byte, error) {
	content, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("decode %s@%s: %w", path, policy.ShortSHA(ref), err)
	}
	return []byte(content), nil
}

// blobAt returns the blob SHA of path at ref, or "" when the file did not
// exist there (then the notice was added after the review: changed).
func (r *GitHub) blobAt(ctx context.Context, t Target, path, ref string) (string, error) {
	file, _, _, err := r.gh.Repositories.GetContents(ctx, t.Owner, t.Repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if ghclient.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s@%s: %w", path, policy.ShortSHA(ref), err)
	}
	return file.GetSHA(), nil
}
