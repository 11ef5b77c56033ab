package githubfake

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Request is one request the fake answered, for tests that assert what the
// app asked GitHub and how often.
type Request struct {
	Method string
	// Path is the API path without any "/api/v3" prefix or query.
	Path  string
	Query string
	// Status is the response status; 0 when a fault reset the connection.
	Status int
	At     time.Time
	// Installation is the installation whose token made the request, 0 for
	// app (JWT) and anonymous requests.
	Installation int64
	// Counted is false for 304 Not Modified, which GitHub does not charge
	// against the rate limit.
	Counted bool
}

// Key is "METHOD /path", the form CountsByPath uses.
func (r Request) Key() string { return r.Method + " " + r.Path }

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, req)
}

// Requests returns every request answered since the last ResetRequests,
// oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Counted is how many requests counted against the rate limit: all but
// 304 Not Modified.
func (s *Server) Counted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Counted {
			n++
		}
	}
	return n
}

// CountsByPath maps "METHOD /path" to how many counted requests it got.
func (s *Server) CountsByPath() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[string]int{}
	for _, r := range s.log {
		if r.Counted {
			counts[r.Key()]++
		}
	}
	return counts
}

// Count is how many counted requests had the method and a path starting
// with prefix; an empty method matches any.
func (s *Server) Count(method, prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Counted && (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// RequestKeys lists the distinct "METHOD /path" keys seen, sorted, which
// reads well in a failure message.
func (s *Server) RequestKeys() []string {
	return slices.Sorted(maps.Keys(s.CountsByPath()))
}

// TakeRequests returns the request log and empties it in one step, so a
// long-running load driver can count every request without the log
// growing and without losing requests between a read and a reset.
func (s *Server) TakeRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	log := s.log
	s.log = nil
	return log
}

// ResetRequests forgets the request log, so a test can measure the
// requests one event costs.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Fault makes matching requests fail or slow down, to test the app's
// retries, backoff and timeouts.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathPrefix matches the start of the API path (without "/api/v3");
	// empty matches any.
	PathPrefix string
	// Status is the response status, e.g. 502, 429 or 403. Zero with a
	// Delay only slows the request down; zero with Reset only resets.
	Status int
	// RetryAfter sets the Retry-After header (whole seconds, rounded up).
	// With 403 or 429 and no Body, the body is GitHub's secondary rate
	// limit message.
	RetryAfter time.Duration
	// Delay is waited before answering (or before resetting).
	Delay time.Duration
	// Times is how many matching requests the fault affects; 0 means every
	// matching request until ClearFaults.
	Times int
	// Reset closes the connection without a response.
	Reset bool
	// Body replaces the default JSON error body.
	Body string
	// LoseResponse lets GitHub act on the request (create the issue, merge
	// the pull request) and then closes the connection before the answer:
	// the client cannot know whether its request took effect. With a
	// Status, that status answers instead (a gateway error after GitHub
	// acted).
	LoseResponse bool
	// Reached, when set, is closed as the first matching request arrives,
	// before any Delay: a test can then change GitHub's state while a
	// request it knows of is still being held.
	Reached chan struct{}

	used int
}

// InjectFault adds a fault; faults are tried in the order added and the
// first match applies.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault that applies to the request, using up one of
// its Times.
func (s *Server) takeFault(method, path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		f.used++
		if f.used == 1 && f.Reached != nil {
			close(f.Reached)
		}
		if f.Times > 0 && f.used >= f.Times {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return *f, true
	}
	return Fault{}, false
}
