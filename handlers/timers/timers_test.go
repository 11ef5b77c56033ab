package timers

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

func TestTimerFiresOnceWhenTheClockReachesIt(t *testing.T) {
	start := time.Date(2027, 2, 9, 15, 0, 0, 0, time.UTC)
	c := &clock{now: start}
	var lags []time.Duration
	var mu sync.Mutex
	tm := New(c.Now, time.Millisecond, func(d time.Duration) { mu.Lock(); lags = append(lags, d); mu.Unlock() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tm.Run(ctx); close(done) }()

	var fired atomic.Int32
	tm.At("pr-1", start.Add(time.Hour), func(context.Context) { fired.Add(1) })
	tm.At("pr-1", start.Add(2*time.Hour), func(context.Context) { fired.Add(10) }) // moved
	time.Sleep(20 * time.Millisecond)
	c.Set(start.Add(90 * time.Minute))
	time.Sleep(20 * time.Millisecond)
	if fired.Load() != 0 {
		t.Fatal("a moved timer fired at its old time")
	}
	c.Set(start.Add(2*time.Hour + time.Second))
	waitFor(t, func() bool { return fired.Load() == 10 })
	time.Sleep(20 * time.Millisecond)
	cancel()
	<-done
	if fired.Load() != 10 || tm.Pending() != 0 {
		t.Fatalf("fired %d, pending %d: want the moved timer once", fired.Load(), tm.Pending())
	}
	if len(lags) != 1 || lags[0] != time.Second {
		t.Fatalf("lags = %v, want one of 1s", lags)
	}
}

// A timer whose time passed while nothing ran fires at once, and on the
// real clock a timer fires at its time, not at the next poll.
func TestTimerOnTheRealClockFiresAtItsTime(t *testing.T) {
	tm := New(time.Now, time.Hour, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go tm.Run(ctx)
	var past, soon atomic.Bool
	tm.At("past", time.Now().Add(-time.Minute), func(context.Context) { past.Store(true) })
	tm.At("soon", time.Now().Add(30*time.Millisecond), func(context.Context) { soon.Store(true) })
	waitFor(t, past.Load)
	waitFor(t, soon.Load) // an hour's poll would fail this
}
