package web

import (
	"context"
	"sync"
	"time"
)

// commsReposTTL is how long every page shares one listing of the app's
// communications repositories. Each listing reads every installation's
// repositories and a policy file per repository with the app's token, and
// anyone with a GitHub account can sign in and reload a page: without
// sharing, page loads would spend the installations' rate limits, which
// the approval gate needs. A repository given a policy appears within it.
const commsReposTTL = 30 * time.Second

// commsRepoCache is that shared listing. One refresh runs at a time;
// requests that arrive meanwhile wait for it rather than start their own.
type commsRepoCache struct {
	mu    sync.Mutex
	repos []commsRepo
	read  time.Time
}

// all returns the app's communications repositories, listing them through
// rd when the last listing is older than commsReposTTL. A failed listing
// is not kept: the next request tries again.
func (c *commsRepoCache) all(ctx context.Context, rd *reader) ([]commsRepo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.read.IsZero() && time.Since(c.read) < commsReposTTL {
		return c.repos, nil
	}
	installed, err := rd.installedRepos(ctx, 0)
	if err != nil {
		return nil, err
	}
	repos, err := rd.commsRepos(ctx, installed)
	if err != nil {
		return nil, err
	}
	c.repos, c.read = repos, time.Now()
	return repos, nil
}
