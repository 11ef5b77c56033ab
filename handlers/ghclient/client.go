package ghclient

import (
	"net/http"
	"time"

	"github.com/gregjones/httpcache"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// UserAgent identifies commsgate to GitHub; go-githubapp appends whether a
// request is made as the app or as an installation.
const UserAgent = "commsgate"

// Stack configures the GitHub clients the server hands to handlers.
// The zero value is production's: default retry policy, the default
// transport and a 4 MiB ETag cache per installation.
type Stack struct {
	// Observer counts responses and retries; nil counts nothing.
	Observer Observer
	// Retry is DefaultRetryPolicy() when MaxAttempts is zero.
	Retry RetryPolicy
	// CacheBytes bounds each installation's ETag cache.
	CacheBytes int
}

// NewClientCreator builds a caching client creator (one client per
// installation, reused until GitHub rejects its token) with commsgate's
// middleware, outermost first:
//
//	installation's rate-limit gate → retry (with a timeout per attempt) → metrics → 401 watch → debug
//	request log → app/installation auth (go-githubapp) → ETag cache
//	(always revalidated)
//
// Retry sits outside metrics so every attempt is counted; the cache sits
// inside so a 304 revalidation is one cheap request GitHub does not charge
// to the rate limit, and inside auth so it never mixes installations.
func NewClientCreator(gh githubapp.Config, stack Stack) (githubapp.ClientCreator, error) {
	if stack.Retry.MaxAttempts == 0 {
		stack.Retry = DefaultRetryPolicy()
	}
	if stack.CacheBytes <= 0 {
		stack.CacheBytes = defaultResponseCacheBytes
	}
	gen := &credentialGeneration{}
	opts := []githubapp.ClientOption{
		githubapp.WithClientUserAgent(UserAgent),
		// alwaysValidate: approvals and holds must be current, so a cached
		// response is only used after GitHub confirms it with 304.
		githubapp.WithClientCaching(true, func() httpcache.Cache { return newResponseCache(stack.CacheBytes) }),
		githubapp.WithClientMiddleware(
			NewRetryMiddleware(stack.Retry, stack.Observer),
			observingMiddleware(stack.Observer),
			rejectedCredentials(gen),
			githubapp.ClientLogging(zerolog.DebugLevel),
		),
	}
	// One client per installation, rebuilt with a new token after GitHub
	// rejected credentials (see refreshingClientCreator).
	delegate := githubapp.NewClientCreator(gh.V3APIURL, gh.V4APIURL, gh.App.IntegrationID, []byte(gh.App.PrivateKey), opts...)
	return newRefreshingClientCreator(delegate, gen, newRateLimits(stack.Observer)), nil
}

// Observer is told of every GitHub response and retry; the server's
// metrics implement it. Declared here, where it is used, so the client
// stack does not depend on how metrics are exported.
type Observer interface {
	// GitHubResponse sees each attempt's response (nil: no response).
	GitHubResponse(method string, res *http.Response)
	// GitHubRetry sees each retry with its reason.
	GitHubRetry(reason string)
	// GitHubRateLimitWait sees each request held back because its
	// installation is rate limited, with the reason and the wait.
	GitHubRateLimitWait(reason string, wait time.Duration)
}

// observingMiddleware tells the observer of each GitHub response.
func observingMiddleware(o Observer) githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			res, err := next.RoundTrip(r)
			if o != nil {
				o.GitHubResponse(r.Method, res)
			}
			return res, err
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
