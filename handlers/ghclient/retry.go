package ghclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/rs/zerolog"
)

// RetryPolicy bounds how the GitHub client retries. GitHub asks clients to
// back off on 5xx and to honour Retry-After and X-RateLimit-Reset on rate
// limits; a webhook worker must still not wait so long that the queue
// backs up, hence both a per-wait and a total cap. When a wait would break
// a cap the response is returned as it is, and the caller sees the error.
//
// Which requests are retried:
//   - GET, HEAD, PUT, PATCH, DELETE (idempotent in GitHub's API): on 500,
//     502, 503, 504, on 429 and rate-limit 403s, and on network errors.
//   - POST (creates a comment, a check run, an issue…): only where GitHub
//     rejected the request before doing anything, so a retry cannot create
//     a duplicate: 429, rate-limit 403, and connection errors that
//     happened while dialling. Never on a 5xx (a gateway answers 502 or
//     503 just as well after the API acted) or a broken connection after
//     the request was sent: the caller decides, and the publisher first
//     looks for what the failed attempt may have created.
//   - Never: other 4xx (a 404 or a permission 403 will not change), or a
//     request whose body cannot be replayed.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retrying.
	MaxAttempts int
	// BaseDelay is the first backoff after a 5xx or network error; each
	// further one doubles, up to MaxDelay, with jitter.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait caps one wait GitHub asks for (Retry-After, rate-limit reset).
	MaxWait time.Duration
	// MaxTotalWait caps all waiting for one request.
	MaxTotalWait time.Duration
	// SecondaryLimitWait is how long to wait after a secondary rate limit
	// that names no time; GitHub's documentation says at least a minute.
	SecondaryLimitWait time.Duration
	// AttemptTimeout bounds each attempt, reading the body included.
	AttemptTimeout time.Duration
}

// DefaultRetryPolicy is what the server uses.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:        4,
		BaseDelay:          500 * time.Millisecond,
		MaxDelay:           8 * time.Second,
		MaxWait:            65 * time.Second,
		MaxTotalWait:       90 * time.Second,
		SecondaryLimitWait: 60 * time.Second,
		AttemptTimeout:     20 * time.Second,
	}
}

// Retry reasons, the label values of commsgate_github_retries_total.
const (
	retryServerError        = "server_error"
	retryRateLimited        = "rate_limited"
	retrySecondaryRateLimit = "secondary_rate_limit"
	retryNetwork            = "network"
)

// retryVerdict is the decision about one response.
type retryVerdict struct {
	retry  bool
	reason string
	// wait is what GitHub asked for; zero means "use exponential backoff".
	wait time.Duration
}

// NewRetryMiddleware returns GitHub client middleware that retries per
// policy, bounds each attempt by policy.AttemptTimeout and counts retries.
func NewRetryMiddleware(policy RetryPolicy, observer Observer) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return &retryTransport{next: next, policy: policy, observer: observer, now: time.Now}
	}
}

type retryTransport struct {
	next     http.RoundTripper
	policy   RetryPolicy
	observer Observer
	now      func() time.Time
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		gate := gateFrom(req.Context())
		if gate != nil {
			if err := gate.wait(req.Context()); err != nil {
				return nil, err
			}
		}
		res, err := t.attempt(req)
		if gate != nil {
			gate.observe(req.Context(), res)
		}
		verdict := t.judge(req.Context(), req.Method, res, err)
		if gate != nil && verdict.retry && verdict.wait > 0 {
			if why, limited := gateReason(verdict.reason, res); limited {
				// Every other request to the installation waits too, whether
				// or not this one is retried.
				gate.pause(req.Context(), t.now().Add(verdict.wait), why)
			}
		}
		if attempt >= t.policy.MaxAttempts || !replayable {
			return res, err
		}
		if !verdict.retry {
			return res, err
		}
		wait := verdict.wait
		if wait == 0 {
			wait = t.backoff(attempt)
		}
		if wait > t.policy.MaxWait || waited+wait > t.policy.MaxTotalWait {
			zerolog.Ctx(req.Context()).Warn().
				Str("method", req.Method).Str("path", req.URL.Path).
				Str("reason", verdict.reason).Dur("asked_wait", wait).
				Msg("github request not retried: the wait GitHub asks for exceeds the retry budget")
			return res, err
		}
		if res != nil {
			drainAndClose(res.Body)
		}
		if t.observer != nil {
			t.observer.GitHubRetry(verdict.reason)
		}
		zerolog.Ctx(req.Context()).Warn().
			Str("method", req.Method).Str("path", req.URL.Path).
			Str("reason", verdict.reason).Int("attempt", attempt).Dur("wait", wait).
			Msg("retrying github request")
		if err := sleepContext(req.Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// attempt makes one try under its own timeout; the timeout's context lives
// until the caller closes the body, so slow reads are bounded too.
func (t *retryTransport) attempt(req *http.Request) (*http.Response, error) {
	if t.policy.AttemptTimeout <= 0 {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.policy.AttemptTimeout)
	res, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil || res == nil {
		cancel()
		return res, err
	}
	res.Body = &cancelOnClose{ReadCloser: res.Body, cancel: cancel}
	return res, nil
}

func (t *retryTransport) judge(ctx context.Context, method string, res *http.Response, err error) retryVerdict {
	post := !idempotentMethod(method)
	if err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return retryVerdict{} // the caller gave up; do not outlive it
		}
		var tokenErr *ghinstallation.HTTPError
		if errors.As(err, &tokenErr) && tokenErr.Response != nil {
			// GitHub answered the installation token exchange: a 4xx
			// (an installation that does not exist or was removed, a
			// rejected app key) will not change by asking again.
			if code := tokenErr.Response.StatusCode; code >= 400 && code < 500 && code != http.StatusTooManyRequests {
				return retryVerdict{}
			}
		}
		if post && !isDialError(err) {
			return retryVerdict{}
		}
		return retryVerdict{retry: true, reason: retryNetwork}
	}
	switch code := res.StatusCode; {
	case code == http.StatusTooManyRequests:
		return t.rateLimitVerdict(res, retryRateLimited)
	case code == http.StatusForbidden:
		if limited, reason := isRateLimit403(res); limited {
			return t.rateLimitVerdict(res, reason)
		}
		return retryVerdict{}
	case code == http.StatusInternalServerError, code == http.StatusBadGateway,
		code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		if post {
			return retryVerdict{}
		}
		return retryVerdict{retry: true, reason: retryServerError, wait: retryAfter(res.Header, t.now())}
	}
	return retryVerdict{}
}

// gateReason tells whether a verdict is a secondary limit the whole
// installation must wait out: a 429 or 403 that GitHub marked as one, or
// one with budget left. An exhausted primary limit (remaining 0) has
// already paused the installation when its headers were observed.
func gateReason(reason string, res *http.Response) (string, bool) {
	switch reason {
	case retrySecondaryRateLimit:
		return waitSecondaryLimit, true
	case retryRateLimited:
		return waitSecondaryLimit, res == nil || res.Header.Get("X-RateLimit-Remaining") != "0"
	}
	return "", false
}

// rateLimitVerdict picks the wait GitHub asks for: Retry-After first, then
// the primary limit's reset time, then a minute for a secondary limit.
func (t *retryTransport) rateLimitVerdict(res *http.Response, reason string) retryVerdict {
	now := t.now()
	if d := retryAfter(res.Header, now); d > 0 {
		return retryVerdict{retry: true, reason: reason, wait: d}
	}
	if res.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(res.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			// One second more: the reset instant is rounded down to a second.
			d := time.Unix(reset, 0).Sub(now) + time.Second
			if d < time.Second {
				d = time.Second
			}
			return retryVerdict{retry: true, reason: reason, wait: d}
		}
	}
	return retryVerdict{retry: true, reason: reason, wait: t.policy.SecondaryLimitWait}
}

// isRateLimit403 tells a rate-limit 403 from a permission 403. GitHub marks
// the primary limit with X-RateLimit-Remaining: 0 and the secondary one by
// Retry-After or by its message; the body is peeked at and put back.
func isRateLimit403(res *http.Response) (bool, string) {
	if res.Header.Get("Retry-After") != "" {
		return true, retrySecondaryRateLimit
	}
	if res.Header.Get("X-RateLimit-Remaining") == "0" {
		return true, retryRateLimited
	}
	if res.Body == nil {
		return false, ""
	}
	peek, err := io.ReadAll(io.LimitReader(res.Body, 4096))
	res.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(peek), res.Body), res.Body}
	if err != nil {
		return false, ""
	}
	if strings.Contains(strings.ToLower(string(peek)), "secondary rate limit") {
		return true, retrySecondaryRateLimit
	}
	return false, ""
}

// retryAfter reads Retry-After as seconds or as an HTTP date; zero when
// absent or in the past.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// backoff is exponential with "equal jitter": half the delay fixed, half
// random, so retries from many workers spread out but never come too soon.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.policy.BaseDelay << (attempt - 1)
	if d > t.policy.MaxDelay || d <= 0 {
		d = t.policy.MaxDelay
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

func idempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// isDialError reports a failure to connect at all: nothing was sent, so any
// method may be retried.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// drainAndClose reads a little of a discarded body so the connection can be
// reused, then closes it.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// cancelOnClose releases an attempt's timeout once its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
