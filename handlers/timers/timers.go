// Package timers fires work at a given instant: a scheduled notice's
// time gate at publish_at, an early merge's publication. The sweep stays
// the safety net that rebuilds every timer from GitHub after a restart;
// timers only make the moment exact instead of "within the next sweep".
//
// Timers read the injected clock, so they work on the demo's and the
// tests' clocks too: the loop sleeps until the earliest timer is due, but
// never longer than its poll interval, so a clock that jumps (a test
// moving its clock) is noticed within one interval.
package timers

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Timers holds at most one timer per key; setting a key again moves it.
type Timers struct {
	now  func() time.Time
	poll time.Duration

	mu      sync.Mutex
	pending map[string]timer
	kick    chan struct{}
	running sync.WaitGroup
	firing  atomic.Int64
	// Lag receives how late each timer fired, by the clock; nil drops it.
	lag func(time.Duration)
}

type timer struct {
	at   time.Time
	fire func(context.Context)
}

// New makes timers on the clock now, re-reading it at least every poll
// (30 seconds when zero).
func New(now func() time.Time, poll time.Duration, lag func(time.Duration)) *Timers {
	if now == nil {
		now = time.Now
	}
	if poll <= 0 {
		poll = 30 * time.Second
	}
	return &Timers{now: now, poll: poll, pending: map[string]timer{}, kick: make(chan struct{}, 1), lag: lag}
}

// At sets the timer key to call fire at (or, if at has passed, as soon
// as the loop runs), replacing what key was set to.
func (t *Timers) At(key string, at time.Time, fire func(context.Context)) {
	t.mu.Lock()
	t.pending[key] = timer{at: at, fire: fire}
	t.mu.Unlock()
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// Pending is how many timers are set and have not fired.
func (t *Timers) Pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending)
}

// Run fires timers until ctx ends, then waits for the ones firing.
func (t *Timers) Run(ctx context.Context) {
	defer t.running.Wait()
	for {
		wait := t.fireDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
		case <-time.After(wait):
		}
	}
}

// fireDue starts every due timer and returns how long to sleep.
func (t *Timers) fireDue(ctx context.Context) time.Duration {
	now := t.now()
	wait := t.poll
	t.mu.Lock()
	var due []timer
	for key, tm := range t.pending {
		if !tm.at.After(now) {
			due = append(due, tm)
			delete(t.pending, key)
			continue
		}
		wait = min(wait, tm.at.Sub(now))
	}
	t.mu.Unlock()
	for _, tm := range due {
		if t.lag != nil {
			t.lag(now.Sub(tm.at))
		}
		t.running.Add(1)
		t.firing.Add(1)
		go func() {
			defer t.running.Done()
			defer t.firing.Add(-1)
			defer func() {
				if r := recover(); r != nil {
					zerolog.Ctx(ctx).Error().Interface("panic", r).Msg("timer panicked")
				}
			}()
			tm.fire(ctx)
		}()
	}
	return wait
}

// Firing is how many timers are running their work right now.
func (t *Timers) Firing() int64 { return t.firing.Load() }

// Flush fires every timer that is due by the clock now and waits until
// no timer is running: the sandbox settles on it after moving its clock,
// so a test sees what the timers did, not a race with them.
func (t *Timers) Flush(ctx context.Context) error {
	t.fireDue(ctx)
	for t.firing.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}
