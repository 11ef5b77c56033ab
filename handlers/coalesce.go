package handlers

import "sync"

// coalescer runs at most one evaluation per key at a time. Events that
// arrive while an evaluation runs only mark the key dirty; the running
// evaluation then runs once more, reading GitHub's state afresh. A burst
// of events for one PR therefore ends with exactly one evaluation that saw
// the latest state, and an older evaluation can never finish after a
// newer one and overwrite its check.
type coalescer struct {
	mu    sync.Mutex
	state map[string]*keyState
}

type keyState struct {
	dirty bool
	// merged carries the union of the options of the coalesced requests,
	// so a coalesced "template check needed" is not lost.
	merged evalOptions
}

func newCoalescer() *coalescer {
	return &coalescer{state: make(map[string]*keyState)}
}

// do runs fn for key, or hands opts to the run already in progress.
// It returns the error of the last run it performed itself.
func (c *coalescer) do(key string, opts evalOptions, fn func(evalOptions) error) error {
	c.mu.Lock()
	if st, running := c.state[key]; running {
		st.dirty = true
		st.merged = st.merged.merge(opts)
		c.mu.Unlock()
		return nil
	}
	st := &keyState{}
	c.state[key] = st
	c.mu.Unlock()

	for {
		err := fn(opts)
		c.mu.Lock()
		if !st.dirty {
			delete(c.state, key)
			c.mu.Unlock()
			return err
		}
		opts = st.merged
		st.dirty = false
		st.merged = evalOptions{}
		c.mu.Unlock()
	}
}
