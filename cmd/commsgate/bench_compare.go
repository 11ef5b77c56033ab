package main

import (
	"context"
	"sync"
	"time"
)

// loopResult is one target's figures under one kind of load.
type loopResult struct {
	phaseResult
	Elapsed time.Duration // first send to last answer
}

// Throughput is deliveries answered 2xx per second; a 503 is not counted,
// it is a delivery GitHub will have to be asked to send again.
func (l loopResult) Throughput() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Accepted) / l.Elapsed.Seconds()
}

// compareRound is commsgate and the baseline under the same two loads, one
// after the other, with the same payload over the same client.
type compareRound struct {
	OpenBaseline, OpenServer     loopResult
	ClosedBaseline, ClosedServer loopResult
}

// P99Ratio is commsgate's open-loop p99 over the baseline's.
func (c compareRound) P99Ratio() float64 {
	return ratio(c.OpenServer.P99.Seconds(), c.OpenBaseline.P99.Seconds())
}

// ThroughputRatio is commsgate's closed-loop throughput over the baseline's.
func (c compareRound) ThroughputRatio() float64 {
	return ratio(c.ClosedServer.Throughput(), c.ClosedBaseline.Throughput())
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// compare runs rounds of the side-by-side measurement: open loop at rate
// for duration, then closed loop with concurrency senders for duration,
// the baseline first each time. Between commsgate's phases its queue is
// left to drain, so one phase's work does not slow the next one down.
func (d *benchDriver) compare(ctx context.Context, ev signedEvent, o benchOptions) ([]compareRound, error) {
	base, err := startBaselineAcknowledger(d.secret)
	if err != nil {
		return nil, err
	}
	defer base.stop()
	pool := []signedEvent{ev}
	rounds := make([]compareRound, o.Rounds)
	for i := range rounds {
		r := &rounds[i]
		r.OpenBaseline = d.timedLoop(func(a *acks) { d.openLoop(ctx, base.url, pool, o.Rate, o.Duration, a) })
		r.OpenServer = d.timedLoop(func(a *acks) { d.openLoop(ctx, d.srv.hookURL, pool, o.Rate, o.Duration, a) })
		if err := d.waitIdle(ctx); err != nil {
			return nil, err
		}
		r.ClosedBaseline = d.timedLoop(func(a *acks) { d.closedLoop(ctx, base.url, pool, o.Concurrency, o.Duration, a) })
		r.ClosedServer = d.timedLoop(func(a *acks) { d.closedLoop(ctx, d.srv.hookURL, pool, o.Concurrency, o.Duration, a) })
		if err := d.waitIdle(ctx); err != nil {
			return nil, err
		}
	}
	return rounds, nil
}

func (d *benchDriver) timedLoop(send func(*acks)) loopResult {
	a := newAcks(1024)
	start := time.Now()
	send(a)
	res := loopResult{Elapsed: time.Since(start)}
	a.fill(&res.phaseResult)
	res.Sent = res.Accepted + res.Dropped + res.Other + res.Errors
	return res
}

// openLoop sends rate deliveries a second for duration to url: each
// starts at its scheduled time whether or not earlier ones were answered,
// so a slow server shows up as latency, not as a lower rate.
func (d *benchDriver) openLoop(ctx context.Context, url string, pool []signedEvent, rate int, duration time.Duration, a *acks) {
	total := int(float64(rate) * duration.Seconds())
	var wg sync.WaitGroup
	defer wg.Wait()
	start := time.Now()
	for i := 0; i < total; i++ {
		at := start.Add(time.Duration(float64(i) * float64(time.Second) / float64(rate)))
		if wait := time.Until(at); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		wg.Add(1)
		go func(ev signedEvent) {
			defer wg.Done()
			a.record(d.postTo(ctx, url, ev))
		}(pool[i%len(pool)])
	}
}

// closedLoop keeps concurrency deliveries in flight for duration: each
// sender posts the next one as soon as the last was answered, so the
// figure is how many the receiver can answer a second.
func (d *benchDriver) closedLoop(ctx context.Context, url string, pool []signedEvent, concurrency int, duration time.Duration, a *acks) {
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for s := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s; time.Now().Before(deadline) && ctx.Err() == nil; i += concurrency {
				a.record(d.postTo(ctx, url, pool[i%len(pool)]))
			}
		}()
	}
	wg.Wait()
}
