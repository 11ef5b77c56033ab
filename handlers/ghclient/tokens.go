package ghclient

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
	"github.com/shurcooL/githubv4"
)

// maxCachedInstallations bounds the installation clients kept; past it the
// cache starts afresh (go-githubapp's own default capacity).
const maxCachedInstallations = githubapp.DefaultCachingClientCapacity

// credentialGeneration counts the 401 answers GitHub gave: each one means
// a token the app holds is no longer accepted, even though its announced
// expiry has not come (revoked, a key rotation, clock skew). go-githubapp's
// installation transport refreshes a token only by that expiry, so
// without this a rejected token would keep failing every request for up
// to an hour.
type credentialGeneration struct{ n atomic.Int64 }

// rejectedCredentials is client middleware that notes each 401.
func rejectedCredentials(gen *credentialGeneration) githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			res, err := next.RoundTrip(r)
			if res != nil && res.StatusCode == http.StatusUnauthorized {
				gen.n.Add(1)
				zerolog.Ctx(r.Context()).Warn().
					Str("method", r.Method).Str("path", r.URL.Path).
					Msg("github rejected the app's credentials (401); installation clients will fetch new tokens")
			}
			return res, err
		})
	}
}

// refreshingClientCreator caches one client per installation, as
// go-githubapp's caching creator does, but builds a new one (and so gets a
// new token) once GitHub has rejected credentials since the cached client
// was made. App and token clients are not cached.
type refreshingClientCreator struct {
	githubapp.ClientCreator // the uncached creator
	gen                     *credentialGeneration
	limits                  *rateLimits

	mu sync.Mutex
	v3 map[int64]generationClient[*github.Client]
	v4 map[int64]generationClient[*githubv4.Client]
}

type generationClient[C any] struct {
	client C
	gen    int64
}

func newRefreshingClientCreator(delegate githubapp.ClientCreator, gen *credentialGeneration, limits *rateLimits) *refreshingClientCreator {
	return &refreshingClientCreator{
		ClientCreator: delegate,
		gen:           gen,
		limits:        limits,
		v3:            map[int64]generationClient[*github.Client]{},
		v4:            map[int64]generationClient[*githubv4.Client]{},
	}
}

func (c *refreshingClientCreator) NewInstallationClient(installationID int64) (*github.Client, error) {
	return cachedClient(c, c.v3, installationID, func(id int64) (*github.Client, error) {
		client, err := c.ClientCreator.NewInstallationClient(id)
		if err != nil {
			return nil, err
		}
		return gatedClient(client, c.limits.gate(id)), nil
	})
}

func (c *refreshingClientCreator) NewInstallationV4Client(installationID int64) (*githubv4.Client, error) {
	return cachedClient(c, c.v4, installationID, c.ClientCreator.NewInstallationV4Client)
}

func cachedClient[C any](c *refreshingClientCreator, cache map[int64]generationClient[C], id int64, build func(int64) (C, error)) (C, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gen.n.Load()
	if cached, ok := cache[id]; ok && cached.gen == gen {
		return cached.client, nil
	}
	client, err := build(id)
	if err != nil {
		var zero C
		return zero, err
	}
	if len(cache) >= maxCachedInstallations {
		clear(cache)
	}
	cache[id] = generationClient[C]{client: client, gen: gen}
	return client, nil
}
