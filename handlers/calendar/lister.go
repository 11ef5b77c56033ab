package calendar

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"golang.org/x/sync/errgroup"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/gate"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// ErrNoPolicy says the repository has no policy file on its default
// branch: it is not a communications repository.
var ErrNoPolicy = errors.New("no " + facts.PolicyPath + " on the default branch")

// Listing bounds.
const (
	// parallelReads is how many pull requests are read at once.
	parallelReads = 8
	// maxClosedPages bounds the closed pull requests read for the merged
	// ones, 100 a page, most recently updated first.
	maxClosedPages = 10
)

// Calendar is one repository's communications over a period.
type Calendar struct {
	Repository string
	// Now is the instant the entries were decided at.
	Now time.Time
	// Entries are in order of publish_at (without one last).
	Entries []Entry
	// Collisions are every colliding pair of entries (policy.AllCollisions).
	Collisions []policy.CollisionPair
	// Windows and Blackouts are the policy's, for shading; Timezones are
	// the zones the policy shows times in.
	Windows   []policy.Window
	Blackouts []policy.Blackout
	Timezones []*time.Location
	// Unread are the pull requests that could not be read, each with why;
	// the others are listed all the same.
	Unread []Unread
}

// Unread is a pull request left off the calendar because GitHub could
// not be read.
type Unread struct {
	Ref string
	Err error
}

// Lister reads calendars through the app's installation clients and the
// caches it shares with the gate.
type Lister struct {
	clients githubapp.ClientCreator
	facts   *facts.Cache
	self    *ghclient.Identity
	cache   *Cache
	now     func() time.Time
}

// NewLister reads through clients, with the facts cache and identity the
// gate uses and the calendar cache its evaluations fill.
func NewLister(clients githubapp.ClientCreator, factsCache *facts.Cache, self *ghclient.Identity, cache *Cache, now func() time.Time) *Lister {
	if now == nil {
		now = time.Now
	}
	return &Lister{clients: clients, facts: factsCache, self: self, cache: cache, now: now}
}

// List reads the calendar of owner/repo: its open pull requests, and the
// pull requests merged in [from, to). A pull request whose head and
// updated_at are as last read (by a listing or an evaluation, within
// recordTTL) is not read again; the lists and a merge's publish run are,
// conditionally, so a repeat listing with nothing changed costs only free
// 304s. Closed, unmerged pull requests are left off (see Refused).
func (l *Lister) List(ctx context.Context, installationID int64, owner, repo string, from, to time.Time) (Calendar, error) {
	gh, err := l.clients.NewInstallationClient(installationID)
	if err != nil {
		return Calendar{}, fmt.Errorf("installation client %d: %w", installationID, err)
	}
	reader := facts.NewGitHub(gh, l.facts, l.self)
	t := facts.Target{InstallationID: installationID, Owner: owner, Repo: repo}
	pol, branch, err := reader.PolicyForEvent(ctx, t)
	switch {
	case err != nil:
		return Calendar{}, err
	case !pol.Found:
		return Calendar{}, fmt.Errorf("%s/%s: %w", owner, repo, ErrNoPolicy)
	case pol.Broken():
		return Calendar{}, fmt.Errorf("%s/%s: %s does not load (see the approval check of any pull request)", owner, repo, facts.PolicyPath)
	}
	t.DefaultBranch = branch
	now := l.now()
	prs, err := listPRs(ctx, gh, t, from, to)
	if err != nil {
		return Calendar{}, err
	}

	reads := make([]Read, len(prs))
	unread := make([]error, len(prs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelReads)
	for i, pr := range prs {
		g.Go(func() error {
			reads[i], unread[i] = l.read(gctx, reader, t, pr, pol.Rules, now)
			return nil
		})
	}
	_ = g.Wait() // errors are per pull request, in unread

	cal := Calendar{
		Repository: owner + "/" + repo, Now: now,
		Windows: pol.Rules.Schedule.Windows, Blackouts: pol.Rules.Schedule.Blackouts, Timezones: pol.Rules.Schedule.Timezones,
	}
	kept := reads[:0]
	for i, r := range reads {
		if unread[i] != nil {
			cal.Unread = append(cal.Unread, Unread{Ref: fmt.Sprintf("%s/%s#%d", owner, repo, prs[i].GetNumber()), Err: unread[i]})
			continue
		}
		kept = append(kept, r)
	}
	cal.Entries = Build(kept, now)
	cal.Collisions = Collisions(cal.Entries, cal.Windows)
	return cal, nil
}

// Collisions are every colliding pair among entries.
func Collisions(entries []Entry, windows []policy.Window) []policy.CollisionPair {
	list := make([]policy.Scheduled, 0, len(entries))
	for _, e := range entries {
		list = append(list, policy.Scheduled{Ref: e.Ref, Title: e.Title, Tier: e.Tier, PublishAt: e.PublishAt, Audience: e.Audience})
	}
	return policy.AllCollisions(list, windows)
}

// read is one pull request: from the cache when it is as last read, from
// GitHub through the gate's read-only path otherwise.
func (l *Lister) read(ctx context.Context, reader *facts.GitHub, base facts.Target, listed *github.PullRequest, rules *policy.Rules, now time.Time) (Read, error) {
	t := base
	t.Number = listed.GetNumber()
	pr := prOf(t.Owner, t.Repo, listed)
	rec, ok := l.cache.get(t.Owner, t.Repo, t.Number)
	fresh := ok && rec.pr.Head == pr.Head && rec.pr.Updated.Equal(pr.Updated) && rec.ev.Rules == rules && now.Sub(rec.at) < recordTTL
	if !fresh {
		st, err := reader.PRState(ctx, t)
		if err != nil {
			return Read{}, err
		}
		ev, _, err := gate.Decide(ctx, reader, t, rules, st, facts.ReadCached, now)
		if err != nil {
			return Read{}, err
		}
		rec = &record{pr: pr, ev: ev, at: now}
	} else {
		rec = &record{pr: pr, ev: rec.ev, at: rec.at, publication: rec.publication}
	}
	if pr.Merged && !(rec.publication != nil && rec.publication.Completed && rec.publication.Conclusion == "success") {
		// Publication moves on without touching the pull request: its
		// run is read on every listing (a 304 while nothing changed),
		// until it has succeeded, which is final.
		o, err := publishOutcome(ctx, reader, t, pr)
		if err != nil {
			return Read{}, err
		}
		rec.publication = o
	}
	l.cache.put(t.Owner, t.Repo, rec)
	return Read{PR: rec.pr, Evaluation: rec.ev, Publication: rec.publication}, nil
}

// publishOutcome reads the merge's publication ledger; nil before one.
func publishOutcome(ctx context.Context, reader *facts.GitHub, t facts.Target, pr PR) (*publication.Outcome, error) {
	if pr.MergeSHA == "" {
		return nil, nil
	}
	runs, err := reader.CheckRuns(ctx, t, pr.MergeSHA, report.CheckPublish, false)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	o, err := publication.ReadOutcome(runs[0], pr.Number)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// listPRs lists the open pull requests and those merged in [from, to),
// side by side.
func listPRs(ctx context.Context, gh *github.Client, t facts.Target, from, to time.Time) ([]*github.PullRequest, error) {
	var open, merged []*github.PullRequest
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		list, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.PullRequest, *github.Response, error) {
			o.PerPage = openPage
			return gh.PullRequests.List(gctx, t.Owner, t.Repo, &github.PullRequestListOptions{State: "open", ListOptions: o})
		})
		if err != nil {
			return fmt.Errorf("list open pull requests of %s/%s: %w", t.Owner, t.Repo, err)
		}
		mu.Lock()
		open = list
		mu.Unlock()
		return nil
	})
	g.Go(func() error {
		// Most recently updated first: a pull request merged in the
		// period was updated at its merge or later, so the pages can
		// stop at the first one updated before the period.
		for page := 1; page <= maxClosedPages; page++ {
			list, resp, err := gh.PullRequests.List(gctx, t.Owner, t.Repo, &github.PullRequestListOptions{
				State: "closed", Base: t.DefaultBranch, Sort: "updated", Direction: "desc",
				ListOptions: github.ListOptions{Page: page, PerPage: openPage},
			})
			if err != nil {
				return fmt.Errorf("list closed pull requests of %s/%s: %w", t.Owner, t.Repo, err)
			}
			mu.Lock()
			for _, pr := range list {
				if at := pr.GetMergedAt().Time; pr.MergedAt != nil && !at.Before(from) && at.Before(to) {
					merged = append(merged, pr)
				}
			}
			mu.Unlock()
			if len(list) == 0 || resp.NextPage == 0 || list[len(list)-1].GetUpdatedAt().Time.Before(from) {
				return nil
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return append(open, merged...), nil
}
