package calendar

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/policy"
)

// Cache bounds and lifetimes.
const (
	// recordTTL is how long a pull request's facts are reused by a listing
	// without reading the pull request again. The team answers they rest
	// on are cached for as long (facts.Cache), and the sweep re-evaluates
	// open pull requests every minute, which records them afresh.
	recordTTL = 5 * time.Minute
	// maxRecords bounds the memory of the whole cache: well above the
	// open and recently merged pull requests of every communications
	// repository one installation has.
	maxRecords = 20000
	// openPage is how many open pull requests the collision lookup reads,
	// newest first: one page, one request.
	openPage = 100
	// openListTTL is how long the collision lookup reuses a repository's
	// list of open pull requests, on the real clock. Under a burst for one
	// PR that is most of the evaluations' one extra request; any pull
	// request this process evaluates at a head the list does not show
	// drops the list at once (Record), so only changes made elsewhere (a
	// PR closed, another replica's evaluations) wait out the TTL.
	openListTTL = 5 * time.Second
)

// openList is a repository's open pull requests, number → head SHA.
type openList struct {
	heads map[int]string
	read  time.Time
}

// Cache remembers, per pull request, what its latest evaluation or
// listing read. Every replica has its own; it is never a source of
// truth for a decision, only for the calendar and the collision warning.
type Cache struct {
	now func() time.Time

	mu      sync.Mutex
	records map[string]map[int]*record // lower-case "owner/repo" → number → record
	size    int
	open    map[string]openList // lower-case "owner/repo" → its open pull requests
}

// record is one pull request as last read.
type record struct {
	pr  PR
	ev  facts.Evaluation
	at  time.Time // when it was read
	own []policy.Scheduled
	// merged records come from listings; publication is the merge's
	// publish run, nil before one exists.
	publication *publication.Outcome
}

// NewCache builds an empty cache on the given clock (time.Now when nil).
func NewCache(now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{now: now, records: map[string]map[int]*record{}, open: map[string]openList{}}
}

var _ gate.Calendar = (*Cache)(nil)

// Record remembers what an evaluation of pr read (gate.Calendar).
func (c *Cache) Record(t facts.Target, pr *github.PullRequest, ev facts.Evaluation) {
	if pr == nil || ev.Rules == nil {
		return
	}
	r := &record{pr: prOf(t.Owner, t.Repo, pr), ev: ev, at: c.now()}
	c.put(t.Owner, t.Repo, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	key := repoKey(t.Owner, t.Repo)
	if list, ok := c.open[key]; ok && list.heads[r.pr.Number] != r.pr.Head {
		delete(c.open, key) // a PR opened or pushed since the list was read
	}
}

// Others are the other communications of t's repository among which
// collisions are looked for (gate.Calendar): those of its open pull
// requests, each as its latest evaluation at the head it has now read,
// and of pull requests a listing saw merged and not yet published. It
// makes at most one request, the first page of open pull requests,
// conditional (a free 304 while no open pull request changed), and none
// while the list read less than openListTTL ago still holds.
//
// An open pull request this process has not evaluated at its current
// head is left out until it is: its own events and the sweep (every
// minute) evaluate it, and the next evaluation of this one sees it. A
// warning that never blocks may arrive a minute late; it never names a
// document the other pull request no longer has, since documents are
// taken only at the head GitHub lists now.
func (c *Cache) Others(ctx context.Context, gh *github.Client, t facts.Target) ([]policy.Scheduled, error) {
	open, err := c.openHeads(ctx, gh, t)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []policy.Scheduled
	for n, r := range c.records[repoKey(t.Owner, t.Repo)] {
		if n == t.Number {
			continue
		}
		head, isOpen := open[n]
		switch {
		case isOpen && head == r.pr.Head:
			out = append(out, r.scheduled()...)
		case !isOpen && r.pr.Merged && !r.finished():
			out = append(out, r.scheduled()...)
		}
	}
	return out, nil
}

// openHeads returns the repository's open pull requests, reusing a list
// read less than openListTTL ago (see openListTTL).
func (c *Cache) openHeads(ctx context.Context, gh *github.Client, t facts.Target) (map[int]string, error) {
	key := repoKey(t.Owner, t.Repo)
	c.mu.Lock()
	list, ok := c.open[key]
	c.mu.Unlock()
	if ok && time.Since(list.read) < openListTTL {
		return list.heads, nil
	}
	read := time.Now()
	prs, _, err := gh.PullRequests.List(ctx, t.Owner, t.Repo, &github.PullRequestListOptions{
		State: "open", ListOptions: github.ListOptions{PerPage: openPage},
	})
	if err != nil {
		return nil, fmt.Errorf("list open pull requests of %s/%s: %w", t.Owner, t.Repo, err)
	}
	heads := make(map[int]string, len(prs))
	for _, pr := range prs {
		heads[pr.GetNumber()] = pr.GetHead().GetSHA()
	}
	c.mu.Lock()
	c.open[key] = openList{heads: heads, read: read}
	c.mu.Unlock()
	return heads, nil
}

// scheduled is the record's documents for the collision rule.
func (r *record) scheduled() []policy.Scheduled {
	if r.own == nil {
		r.own = policy.ScheduledDocuments(r.pr.Ref, r.ev.Documents, r.ev.Rules)
	}
	return r.own
}

// finished reports whether a merge's publication has completed, so its
// documents are no longer ahead of anyone.
func (r *record) finished() bool {
	return r.publication != nil && r.publication.Completed
}

// get returns the record of one pull request.
func (c *Cache) get(owner, repo string, number int) (*record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.records[repoKey(owner, repo)][number]
	return r, ok
}

func (c *Cache) put(owner, repo string, r *record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := repoKey(owner, repo)
	m := c.records[key]
	if m == nil {
		m = map[int]*record{}
		c.records[key] = m
	}
	if _, ok := m[r.pr.Number]; !ok {
		if c.size >= maxRecords {
			// Bounded memory before hit rate: start again; evaluations
			// and listings fill it back.
			c.records, c.size = map[string]map[int]*record{key: {}}, 0
			m = c.records[key]
		}
		c.size++
	}
	m[r.pr.Number] = r
}

func repoKey(owner, repo string) string { return strings.ToLower(owner + "/" + repo) }
