// Package coalesce runs at most one job per key at a time and folds the
// requests that arrive meanwhile into one more run.
package coalesce

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Group runs at most one job per key at a time. Requests that arrive
// while a job runs only mark the key dirty and merge their request into
// the pending one; the running job then runs once more with the merged
// request, reading GitHub's state afresh. A burst of events for one PR
// therefore ends with one run that saw the latest state, and an older run
// can never finish after a newer one and overwrite its result.
//
// Under a long burst (thousands of deliveries for one PR over seconds)
// that still means a run for nearly every delivery, each reading GitHub,
// for a state that is only wanted once the burst is over. So with a
// backoff a key that is hot, one where requests keep folding into runs
// in progress or arrive right after one ended, waits before each run,
// longer each time: more requests fold in meanwhile. A few events in a
// row (a reviewer, then an author) never make a key hot.
//
// A hot key's wait is spent on a goroutine of the group's own, not on the
// caller's: the caller is a webhook worker, and a worker held for seconds
// per hot PR would leave a few hot PRs holding the whole pool while every
// other delivery waits in the queue, or is refused with 503 once it is
// full. Deferred counts those waiting runs, so that "idle" includes them.
type Group[R any] struct {
	mu      sync.Mutex
	merge   func(a, b R) R
	backoff func(hotRun int) time.Duration
	state   map[string]*keyState[R]
	heat    map[string]*keyHeat
	now     func() time.Time

	// deferred counts the runs waiting out a backoff or running after one.
	deferred atomic.Int64
	// deferredErr hears of a deferred run's error, which no caller waits for.
	deferredErr func(ctx context.Context, key string, err error)
}

type keyState[R any] struct {
	dirty bool
	// pending carries the union of the coalesced requests, so that a
	// coalesced "template check needed" is not lost.
	pending R
}

// A key is hot while at least hotFolds requests folded into its runs, or
// arrived within nearGap of one ending, in the current heatWindow or the
// one before it. Counting the near ones matters once runs are fast: a
// 2 ms evaluation between deliveries 2.5 ms apart rarely overlaps one,
// yet that is a burst.
const (
	hotFolds   = 4
	nearGap    = 20 * time.Millisecond
	heatWindow = time.Second
	// maxHeat bounds the keys remembered; past it the cold ones go.
	maxHeat = 4096
)

// keyHeat is how busy a key has been lately; it outlives the key's runs.
type keyHeat struct {
	windowStart   time.Time
	folds, before int // in the current window, and in the one before
	hotRuns       int // runs since the key became hot
	lastEnd       time.Time
}

func (h *keyHeat) fold(now time.Time) {
	h.roll(now)
	h.folds++
}

func (h *keyHeat) roll(now time.Time) {
	switch since := now.Sub(h.windowStart); {
	case since >= 2*heatWindow:
		h.windowStart, h.folds, h.before = now, 0, 0
	case since >= heatWindow:
		h.windowStart, h.folds, h.before = h.windowStart.Add(heatWindow), 0, h.folds
	}
}

func (h *keyHeat) hot(now time.Time) bool {
	h.roll(now)
	return h.folds >= hotFolds || h.before >= hotFolds
}

// New makes a group that folds requests with merge.
func New[R any](merge func(a, b R) R) *Group[R] {
	return &Group[R]{merge: merge, state: map[string]*keyState[R]{}, heat: map[string]*keyHeat{}, now: time.Now}
}

// WithBackoff makes each run of a hot key wait until wait(n) has passed
// since its last run ended, n counting the runs since it became hot
// (1, 2, …). It returns g, for use at construction.
func (g *Group[R]) WithBackoff(wait func(hotRun int) time.Duration) *Group[R] {
	g.backoff = wait
	return g
}

// WithDeferredErrors has report told of the error of a run performed
// after a backoff wait, which no caller of Do receives. It returns g.
func (g *Group[R]) WithDeferredErrors(report func(ctx context.Context, key string, err error)) *Group[R] {
	g.deferredErr = report
	return g
}

// Deferred is the number of runs waiting out a backoff, or running after
// one: work in progress no caller of Do is waiting for.
func (g *Group[R]) Deferred() int64 { return g.deferred.Load() }

// Doubling returns a backoff that lets the first hot run go at once, then
// waits base, 2×base, 4×base… up to ceiling.
func Doubling(base, ceiling time.Duration) func(hotRun int) time.Duration {
	return func(hotRun int) time.Duration {
		if hotRun <= 1 {
			return 0
		}
		d := base
		for i := 2; i < hotRun && d < ceiling; i++ {
			d *= 2
		}
		return min(d, ceiling)
	}
}

// Do runs fn for key, or hands req to the run already in progress. It
// returns the error of the last run it performed itself. When the key is
// hot and its next run must wait, Do returns at once and the run happens
// later on the group's own goroutine (see Group), with what folded in
// meanwhile; its error goes to WithDeferredErrors' report. A backoff wait
// ends early when ctx does; the pending run then still runs, so that no
// folded request is lost, and sees the cancelled ctx itself.
func (g *Group[R]) Do(ctx context.Context, key string, req R, fn func(R) error) error {
	g.mu.Lock()
	h := g.heatOf(key)
	if st, running := g.state[key]; running {
		if st.dirty {
			st.pending = g.merge(st.pending, req)
		} else {
			st.dirty, st.pending = true, req
		}
		h.fold(g.now())
		g.mu.Unlock()
		return nil
	}
	if now := g.now(); !h.lastEnd.IsZero() && now.Sub(h.lastEnd) < nearGap {
		h.fold(now)
	}
	st := &keyState[R]{}
	g.state[key] = st
	g.mu.Unlock()
	return g.runs(ctx, key, st, h, req, fn, false)
}

// runs performs the key's runs until nothing is pending. The key stays
// marked running throughout, so requests keep folding in. waited says
// the first run's backoff has been waited out already.
func (g *Group[R]) runs(ctx context.Context, key string, st *keyState[R], h *keyHeat, req R, fn func(R) error, waited bool) error {
	for {
		if !waited {
			if wait := g.waitBeforeRun(h); wait > 0 {
				g.deferRun(ctx, key, st, h, req, fn, wait)
				return nil
			}
		}
		waited = false
		err := fn(req)
		g.mu.Lock()
		h.lastEnd = g.now()
		if !st.dirty {
			delete(g.state, key)
			g.mu.Unlock()
			return err
		}
		req = st.pending
		var zero R
		st.dirty, st.pending = false, zero
		g.mu.Unlock()
	}
}

// deferRun waits out a hot key's backoff on a goroutine of its own, then
// carries on with the key's runs there.
func (g *Group[R]) deferRun(ctx context.Context, key string, st *keyState[R], h *keyHeat, req R, fn func(R) error, wait time.Duration) {
	g.deferred.Add(1)
	go func() {
		defer g.deferred.Add(-1)
		sleep(ctx, wait)
		g.mu.Lock()
		if st.dirty { // what folded in while waiting joins this run
			req = g.merge(req, st.pending)
			var zero R
			st.dirty, st.pending = false, zero
		}
		g.mu.Unlock()
		if err := g.runs(ctx, key, st, h, req, fn, true); err != nil && g.deferredErr != nil {
			g.deferredErr(ctx, key, err)
		}
	}()
}

// waitBeforeRun is how long the next run of a key waits: nothing for a
// cold key, the backoff less the time since its last run for a hot one.
func (g *Group[R]) waitBeforeRun(h *keyHeat) time.Duration {
	if g.backoff == nil {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if !h.hot(now) {
		h.hotRuns = 0
		return 0
	}
	h.hotRuns++
	return g.backoff(h.hotRuns) - now.Sub(h.lastEnd)
}

// heatOf returns the key's heat; callers hold g.mu.
func (g *Group[R]) heatOf(key string) *keyHeat {
	h, ok := g.heat[key]
	if !ok {
		if len(g.heat) >= maxHeat {
			g.forgetCold()
		}
		h = &keyHeat{windowStart: g.now()}
		g.heat[key] = h
	}
	return h
}

// forgetCold drops the keys that are neither running nor hot.
func (g *Group[R]) forgetCold() {
	now := g.now()
	for key, h := range g.heat {
		if _, running := g.state[key]; !running && !h.hot(now) {
			delete(g.heat, key)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
