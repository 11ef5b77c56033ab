// Package coalesce runs at most one job per key at a time and folds the
// requests that arrive meanwhile into one more run.
package coalesce

import "sync"

// Group runs at most one job per key at a time. Requests that arrive
// while a job runs only mark the key dirty and merge their request into
// the pending one; the running job then runs once more with the merged
// request, reading GitHub's state afresh. A burst of events for one PR
// therefore ends with one run that saw the latest state, and an older run
// can never finish after a newer one and overwrite its result.
type Group[R any] struct {
	mu    sync.Mutex
	merge func(a, b R) R
	state map[string]*keyState[R]
}

type keyState[R any] struct {
	dirty bool
	// pending carries the union of the coalesced requests, so that a
	// coalesced "template check needed" is not lost.
	pending R
}

// New makes a group that folds requests with merge.
func New[R any](merge func(a, b R) R) *Group[R] {
	return &Group[R]{merge: merge, state: make(map[string]*keyState[R])}
}

// Do runs fn for key, or hands req to the run already in progress. It
// returns the error of the last run it performed itself.
func (g *Group[R]) Do(key string, req R, fn func(R) error) error {
	g.mu.Lock()
	if st, running := g.state[key]; running {
		if st.dirty {
			st.pending = g.merge(st.pending, req)
		} else {
			st.dirty, st.pending = true, req
		}
		g.mu.Unlock()
		return nil
	}
	st := &keyState[R]{}
	g.state[key] = st
	g.mu.Unlock()

	for {
		err := fn(req)
		g.mu.Lock()
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
