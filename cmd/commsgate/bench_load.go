package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// phaseResult is what one load phase measured.
type phaseResult struct {
	Sent        int
	Accepted    int // 200: queued for a handler
	Dropped     int // 503: queue full
	Other       int // any other status
	Errors      int // no response at all
	FirstError  string
	P50, P99    time.Duration
	Max         time.Duration
	SendTime    time.Duration // first send to last acknowledgement
	Total       time.Duration // first send to the queue drained
	Handled     float64       // handler runs finished (from /metrics)
	Evaluations float64       // evaluations run (from /metrics)
	// DroppedMetric is commsgate_webhook_queue_dropped_total's growth;
	// it should equal Dropped.
	DroppedMetric float64
	Requests      requestCounts
	Memory        []memorySample
}

// memorySample is taken once a second during a phase.
type memorySample struct {
	At       time.Duration // since the phase started
	RSS      uint64
	LiveHeap uint64
}

// EvaluationsPerSecond is evaluations over the whole phase, drain included.
func (p phaseResult) EvaluationsPerSecond() float64 {
	if p.Total <= 0 {
		return 0
	}
	return p.Evaluations / p.Total.Seconds()
}

// HandledPerSecond is handler runs over the whole phase, drain included.
func (p phaseResult) HandledPerSecond() float64 {
	if p.Total <= 0 {
		return 0
	}
	return p.Handled / p.Total.Seconds()
}

// acks collects each delivery's status and acknowledgement time.
type acks struct {
	mu        sync.Mutex
	latencies []time.Duration
	statuses  map[int]int
	errors    int
	firstErr  string
}

func newAcks(n int) *acks {
	return &acks{latencies: make([]time.Duration, 0, n), statuses: map[int]int{}}
}

func (a *acks) record(status int, d time.Duration, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.errors++
		if a.firstErr == "" {
			a.firstErr = err.Error()
		}
		return
	}
	a.latencies = append(a.latencies, d)
	a.statuses[status]++
}

func (a *acks) fill(p *phaseResult) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sorted := slices.Clone(a.latencies)
	slices.Sort(sorted)
	p.P50, p.P99 = percentile(sorted, 0.50), percentile(sorted, 0.99)
	if len(sorted) > 0 {
		p.Max = sorted[len(sorted)-1]
	}
	p.Errors, p.FirstError = a.errors, a.firstErr
	for status, n := range a.statuses {
		switch status {
		case http.StatusOK, http.StatusAccepted:
			p.Accepted += n
		case http.StatusServiceUnavailable:
			p.Dropped += n
		default:
			p.Other += n
		}
	}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

// steady sends rate webhooks a second for duration, open loop.
func (d *benchDriver) steady(ctx context.Context, pool []signedEvent, rate int, duration time.Duration) (phaseResult, error) {
	total := int(float64(rate) * duration.Seconds())
	return d.phase(ctx, total, func(ctx context.Context, a *acks) {
		d.openLoop(ctx, d.srv.hookURL, pool, rate, duration, a)
	})
}

// burst sends n webhooks as fast as senders connections allow, the way
// GitHub delivers after an outage or a mass edit.
func (d *benchDriver) burst(ctx context.Context, pool []signedEvent, n, senders int) (phaseResult, error) {
	return d.phase(ctx, n, func(ctx context.Context, a *acks) {
		next := make(chan int)
		var wg sync.WaitGroup
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					a.record(d.post(ctx, pool[i%len(pool)]))
				}
			}()
		}
		for i := 0; i < n && ctx.Err() == nil; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
	})
}

// phase runs send, waits for the queue to drain and gathers the figures:
// acknowledgements from the sender, throughput from the server's metrics,
// GitHub requests from the fake, memory once a second.
func (d *benchDriver) phase(ctx context.Context, n int, send func(context.Context, *acks)) (phaseResult, error) {
	var res phaseResult
	// What an earlier phase left running (the comparison's last backed-off
	// evaluations) must not be counted as this phase's.
	if err := d.waitIdle(ctx); err != nil {
		return res, err
	}
	before, err := scrapeMetrics(ctx, d.client, d.srv.baseURL)
	if err != nil {
		return res, err
	}
	d.sb.GitHub.TakeRequests()
	d.sb.GitHub.TakeEvents()

	start := time.Now()
	stopSampling := make(chan struct{})
	sampled := make(chan []memorySample)
	var requests requestCounts
	go func() {
		var samples []memorySample
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				sampled <- samples
				return
			case <-tick.C:
				_, rss := readProcMemory()
				samples = append(samples, memorySample{At: time.Since(start), RSS: rss, LiveHeap: liveHeap()})
				// Keep the fake's logs from growing: count and forget.
				// The app's own follow-on events are not replayed here.
				requests = requests.add(countRequests(d.sb.GitHub.TakeRequests()))
				d.sb.GitHub.TakeEvents()
			}
		}
	}()

	a := newAcks(n)
	send(ctx, a)
	res.SendTime = time.Since(start)
	idleErr := d.waitIdle(ctx)
	res.Total = time.Since(start)
	close(stopSampling)
	res.Memory = <-sampled
	if idleErr != nil {
		return res, idleErr
	}
	res.Requests = requests.add(countRequests(d.sb.GitHub.TakeRequests()))
	d.sb.GitHub.TakeEvents()
	a.fill(&res)
	res.Sent = n

	after, err := scrapeMetrics(ctx, d.client, d.srv.baseURL)
	if err != nil {
		return res, err
	}
	res.Handled = after.delta(before, "commsgate_webhook_handled_total")
	res.Evaluations = after.delta(before, "commsgate_evaluation_seconds_count")
	res.DroppedMetric = after.delta(before, "commsgate_webhook_queue_dropped_total")
	if res.Errors == res.Sent && res.Sent > 0 {
		return res, fmt.Errorf("no webhook got an answer: %s", res.FirstError)
	}
	return res, nil
}

func (c requestCounts) add(o requestCounts) requestCounts {
	return requestCounts{Counted: c.Counted + o.Counted, NotModified: c.NotModified + o.NotModified, Failed: c.Failed + o.Failed}
}
