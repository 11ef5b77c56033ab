package ghclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetryPolicy keeps the shape of the default with waits short enough
// for tests; Retry-After and rate-limit resets are still honoured as sent.
func fastRetryPolicy() RetryPolicy {
	p := DefaultRetryPolicy()
	p.BaseDelay = time.Millisecond
	p.MaxDelay = 5 * time.Millisecond
	p.SecondaryLimitWait = 20 * time.Millisecond
	p.MaxWait = 3 * time.Second
	p.MaxTotalWait = 5 * time.Second
	p.AttemptTimeout = 2 * time.Second
	return p
}

// scriptedResponse is one answer of the scripted GitHub.
type scriptedResponse struct {
	status  int
	headers map[string]string
	body    string
	delay   time.Duration
}

// scriptedGitHub answers requests in order from a script (the last entry
// repeats) and records what it received.
type scriptedGitHub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	script []scriptedResponse
	bodies []string
	times  []time.Time
	hits   atomic.Int64
}

func newScriptedGitHub(t *testing.T, script ...scriptedResponse) *scriptedGitHub {
	g := &scriptedGitHub{script: script}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(g.hits.Add(1)) - 1
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.bodies = append(g.bodies, string(body))
		g.times = append(g.times, time.Now())
		step := g.script[min(n, len(g.script)-1)]
		g.mu.Unlock()
		if step.delay > 0 {
			select {
			case <-time.After(step.delay):
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range step.headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(step.status)
		_, _ = io.WriteString(w, step.body)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func retryClient(policy RetryPolicy, m *countingObserver) *http.Client {
	if m == nil {
		m = newCountingObserver()
	}
	return &http.Client{Transport: NewRetryMiddleware(policy, m)(observingMiddleware(m)(http.DefaultTransport))}
}

func TestRetryMiddleware(t *testing.T) {
	const secondaryBody = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
	inTwoSeconds := func() string { return strconv.FormatInt(time.Now().Add(1500*time.Millisecond).Unix(), 10) }
	tests := []struct {
		name     string
		method   string
		script   []scriptedResponse
		policy   func(*RetryPolicy)
		attempts int64
		status   int
		minWait  time.Duration
		reason   string // retry metric expected to be 1 ("" = no retry)
		body     string // the body the caller must still be able to read
	}{
		{name: "502 then 200", method: "GET",
			script:   []scriptedResponse{{status: 502}, {status: 200, body: "ok"}},
			attempts: 2, status: 200, reason: retryServerError, body: "ok"},
		{name: "429 honours Retry-After", method: "GET",
			script:   []scriptedResponse{{status: 429, headers: map[string]string{"Retry-After": "1"}}, {status: 200}},
			attempts: 2, status: 200, minWait: time.Second, reason: retryRateLimited},
		{name: "403 secondary limit by message", method: "GET",
			script:   []scriptedResponse{{status: 403, body: secondaryBody}, {status: 200}},
			attempts: 2, status: 200, minWait: 20 * time.Millisecond, reason: retrySecondaryRateLimit},
		{name: "403 secondary limit with Retry-After", method: "POST",
			script:   []scriptedResponse{{status: 403, headers: map[string]string{"Retry-After": "1"}, body: secondaryBody}, {status: 201}},
			attempts: 2, status: 201, minWait: time.Second, reason: retrySecondaryRateLimit},
		{name: "403 primary limit waits for the reset", method: "GET",
			script: []scriptedResponse{
				{status: 403, headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": inTwoSeconds()}},
				{status: 200}},
			attempts: 2, status: 200, minWait: 500 * time.Millisecond, reason: retryRateLimited},
		{name: "403 permission is not retried and its body is intact", method: "GET",
			script:   []scriptedResponse{{status: 403, body: `{"message":"Resource not accessible by integration"}`}},
			attempts: 1, status: 403, body: `{"message":"Resource not accessible by integration"}`},
		{name: "404 is not retried", method: "GET",
			script:   []scriptedResponse{{status: 404, body: "Not Found"}},
			attempts: 1, status: 404, body: "Not Found"},
		{name: "422 is not retried", method: "POST",
			script:   []scriptedResponse{{status: 422}},
			attempts: 1, status: 422},
		{name: "POST 500 is not retried (it may have been processed)", method: "POST",
			script:   []scriptedResponse{{status: 500}, {status: 201}},
			attempts: 1, status: 500},
		{name: "POST 504 is not retried", method: "POST",
			script:   []scriptedResponse{{status: 504}, {status: 201}},
			attempts: 1, status: 504},
		{name: "POST 502 is not retried (a gateway may answer after GitHub acted)", method: "POST",
			script:   []scriptedResponse{{status: 502}, {status: 201}},
			attempts: 1, status: 502},
		{name: "POST 503 is not retried", method: "POST",
			script:   []scriptedResponse{{status: 503}, {status: 201}},
			attempts: 1, status: 503},
		{name: "POST 429 is retried", method: "POST",
			script:   []scriptedResponse{{status: 429}, {status: 201}},
			attempts: 2, status: 201, reason: retryRateLimited},
		{name: "PATCH 500 is retried", method: "PATCH",
			script:   []scriptedResponse{{status: 500}, {status: 200}},
			attempts: 2, status: 200, reason: retryServerError},
		{name: "gives up after MaxAttempts", method: "GET",
			script:   []scriptedResponse{{status: 503}},
			attempts: 4, status: 503},
		{name: "a wait beyond the budget is not taken", method: "GET",
			script:   []scriptedResponse{{status: 429, headers: map[string]string{"Retry-After": "3600"}}, {status: 200}},
			attempts: 1, status: 429},
		{name: "a slow attempt times out and is retried", method: "GET",
			policy:   func(p *RetryPolicy) { p.AttemptTimeout = 100 * time.Millisecond },
			script:   []scriptedResponse{{status: 200, delay: time.Second, body: "late"}, {status: 200, body: "quick"}},
			attempts: 2, status: 200, reason: retryNetwork, body: "quick"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gh := newScriptedGitHub(t, tt.script...)
			m := newCountingObserver()
			policy := fastRetryPolicy()
			if tt.policy != nil {
				tt.policy(&policy)
			}
			var body io.Reader
			if tt.method == "POST" || tt.method == "PATCH" {
				body = strings.NewReader(`{"body":"the same every time"}`)
			}
			req, err := http.NewRequest(tt.method, gh.srv.URL+"/repos/o/r/issues", body)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := retryClient(policy, m).Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			elapsed := time.Since(start)

			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if n := gh.hits.Load(); n != tt.attempts {
				t.Errorf("attempts = %d, want %d", n, tt.attempts)
			}
			if elapsed < tt.minWait {
				t.Errorf("returned after %s, want at least %s of waiting", elapsed, tt.minWait)
			}
			if tt.body != "" && string(got) != tt.body {
				t.Errorf("body = %q, want %q", got, tt.body)
			}
			gh.mu.Lock()
			for i, b := range gh.bodies {
				if b != gh.bodies[0] {
					t.Errorf("attempt %d sent body %q, first sent %q", i+1, b, gh.bodies[0])
				}
			}
			gh.mu.Unlock()
			if tt.reason != "" {
				if v := m.retries(tt.reason); v != 1 {
					t.Errorf("retries{reason=%s} = %v, want 1", tt.reason, v)
				}
			}
			if v := m.requests(tt.method, strconv.Itoa(tt.status)); v < 1 {
				t.Errorf("requests{%s,%d} not counted", tt.method, tt.status)
			}
		})
	}
}

func TestRetryStopsWhenTheCallerGivesUp(t *testing.T) {
	gh := newScriptedGitHub(t, scriptedResponse{status: 503, headers: map[string]string{"Retry-After": "2"}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, gh.srv.URL, nil)
	start := time.Now()
	_, err := retryClient(fastRetryPolicy(), nil).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's deadline", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("kept waiting %s after the caller's deadline", d)
	}
	if n := gh.hits.Load(); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestRetryDoesNotReplayAnUnreplayableBody(t *testing.T) {
	gh := newScriptedGitHub(t, scriptedResponse{status: 502}, scriptedResponse{status: 201})
	// A plain io.Reader gives the request no GetBody, so it cannot be resent.
	req, _ := http.NewRequest(http.MethodPut, gh.srv.URL, io.MultiReader(strings.NewReader("once")))
	res, err := retryClient(fastRetryPolicy(), nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 502 || gh.hits.Load() != 1 {
		t.Errorf("status %d after %d attempts; want the 502 and no retry", res.StatusCode, gh.hits.Load())
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 0 ", 0},
		{"-4", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Retry-After", tt.header)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestBackoffGrowsWithJitterWithinBounds(t *testing.T) {
	rt := &retryTransport{policy: RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: 500 * time.Millisecond}}
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 500 * time.Millisecond, 60: 500 * time.Millisecond} {
		for range 50 {
			d := rt.backoff(attempt)
			if d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

// A POST that could not even connect was never seen by GitHub, so it is
// retried; the metrics count each attempt.
func TestRetryPostWhenTheConnectionIsRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens here any more
	m := newCountingObserver()
	req, _ := http.NewRequest(http.MethodPost, addr+"/repos/o/r/issues", strings.NewReader(`{"title":"t"}`))
	if _, err := retryClient(fastRetryPolicy(), m).Do(req); err == nil {
		t.Fatal("request to a closed port succeeded")
	}
	if v := m.requests("POST", "error"); v != 4 {
		t.Errorf("attempts = %v, want 4", v)
	}
	if v := m.retries(retryNetwork); v != 3 {
		t.Errorf("network retries = %v, want 3", v)
	}
}
