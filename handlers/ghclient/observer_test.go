package ghclient

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// countingObserver counts what the client stack reports, the way the
// server's metrics do: responses by method and status ("error" when there
// was none), retries and rate-limit waits by reason.
type countingObserver struct {
	mu        sync.Mutex
	responses map[string]int
	retried   map[string]int
	waited    map[string]int
}

func newCountingObserver() *countingObserver {
	return &countingObserver{responses: map[string]int{}, retried: map[string]int{}, waited: map[string]int{}}
}

func (o *countingObserver) GitHubResponse(method string, res *http.Response) {
	status := "error"
	if res != nil {
		status = strconv.Itoa(res.StatusCode)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.responses[method+" "+status]++
}

func (o *countingObserver) GitHubRetry(reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retried[reason]++
}

func (o *countingObserver) GitHubRateLimitWait(reason string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waited[reason]++
}

func (o *countingObserver) waits(reason string) float64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return float64(o.waited[reason])
}

func (o *countingObserver) requests(method, status string) float64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return float64(o.responses[method+" "+status])
}

func (o *countingObserver) retries(reason string) float64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return float64(o.retried[reason])
}
