package sandbox

import (
	"sync"
	"time"
)

// Clock is a settable clock shared by the fake GitHub and the app, so a
// demo or test can let days pass in a moment without touching any of the
// app's logic.
type Clock struct {
	mu  sync.Mutex
	now time.Time
	// flowing, when set, is the real instant at which now was read: the
	// clock then runs at real speed from there (see Flow).
	flowing time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.flowing.IsZero() {
		return c.now.Add(time.Since(c.flowing))
	}
	return c.now
}

// Flow sets the clock to t and lets it run at real speed from there, so a
// measurement can see how late something happens after an instant on the
// clock (a benchmark of the timers at publish_at). Set or Advance stop it.
func (c *Clock) Flow(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.flowing = t, time.Now()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.flowing = t, time.Time{}
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.flowing.IsZero() {
		c.now, c.flowing = c.now.Add(time.Since(c.flowing)), time.Time{}
	}
	c.now = c.now.Add(d)
}
