package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"
)

// Access is what the signed-in person can read among the app's
// installations, as GitHub answers it for their own token: the rule every
// page applies is that a person sees only the communications of
// repositories they can read, checked with their token, never the app's.
type Access struct {
	// repos are lower-case "owner/name".
	repos map[string]bool
}

// CanRead reports whether the person can read the repository ("owner/name").
func (a Access) CanRead(fullName string) bool { return a.repos[strings.ToLower(fullName)] }

// none reports whether the person can read no repository of the app's.
func (a Access) none() bool { return len(a.repos) == 0 }

// Visible keeps the items whose repository the person can read. Every
// page filters what the app read through it.
func Visible[T any](a Access, items []T, repoOf func(T) string) []T {
	var out []T
	for _, it := range items {
		if a.CanRead(repoOf(it)) {
			out = append(out, it)
		}
	}
	return out
}

// maxAccessPages bounds the listing: 100 per page, so 10,000 installations
// or repositories, far beyond a community's.
const maxAccessPages = 100

// LoadAccess asks GitHub, with the person's token, which installations of
// the app they can reach (GET /user/installations) and which repositories
// of each (GET /user/installations/{id}/repositories): GitHub's way to
// list the repositories a user can access through an app.
func LoadAccess(ctx context.Context, user *github.Client) (Access, error) {
	a := Access{repos: map[string]bool{}}
	var installs []*github.Installation
	err := eachPage(maxAccessPages, func(opts *github.ListOptions) (*github.Response, error) {
		got, resp, err := user.Apps.ListUserInstallations(ctx, opts)
		installs = append(installs, got...)
		return resp, err
	})
	if err != nil {
		return Access{}, fmt.Errorf("list the user's installations: %w", err)
	}
	for _, in := range installs {
		err := eachPage(maxAccessPages, func(opts *github.ListOptions) (*github.Response, error) {
			got, resp, err := user.Apps.ListUserRepos(ctx, in.GetID(), opts)
			if err != nil {
				return resp, err
			}
			for _, r := range got.Repositories {
				a.repos[strings.ToLower(r.GetFullName())] = true
			}
			return resp, err
		})
		if err != nil {
			return Access{}, fmt.Errorf("list the user's repositories of installation %d: %w", in.GetID(), err)
		}
	}
	return a, nil
}

// eachPage calls list for each page of 100, following GitHub's Link
// header, for at most maxPages pages.
func eachPage(maxPages int, list func(*github.ListOptions) (*github.Response, error)) error {
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxPages; page++ {
		resp, err := list(opts)
		if err != nil {
			return err
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
	return nil
}

// accessTTL is how long a session reuses its Access: a person removed
// from a team stops seeing its repository within a minute.
const accessTTL = time.Minute

// maxCachedAccess bounds the cache; past it, expired entries go first,
// then everything (the next page load asks GitHub again).
const maxCachedAccess = 10000

// accessCache keeps each session's Access for accessTTL, by session id.
type accessCache struct {
	mu      sync.Mutex
	entries map[string]cachedAccess
}

type cachedAccess struct {
	access  Access
	expires time.Time
}

func (c *accessCache) get(id string, now time.Time) (Access, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || !now.Before(e.expires) {
		return Access{}, false
	}
	return e.access, true
}

func (c *accessCache) put(id string, a Access, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedAccess{}
	}
	if len(c.entries) >= maxCachedAccess {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedAccess {
			clear(c.entries)
		}
	}
	c.entries[id] = cachedAccess{access: a, expires: now.Add(accessTTL)}
}

func (c *accessCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
}
