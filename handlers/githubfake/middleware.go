package githubfake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// coreLimit is the hourly request budget of an installation token.
const coreLimit = 5000

type callerKey struct{}

func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// access is what a path needs from its caller.
type access struct {
	appJWT   bool   // app endpoints need the app's JWT
	anyone   bool   // /rate_limit and the manifest flow answer anybody
	user     bool   // /user endpoints need a user-to-server token
	repo     string // "owner/name" the installation must include
	org      string // org the installation must belong to
	metering bool   // whether the request costs rate limit
}

func classify(path string) access {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case seg[0] == "app":
		return access{appJWT: true, metering: true}
	case seg[0] == "rate_limit":
		return access{anyone: true}
	case seg[0] == "user":
		return access{user: true, metering: true}
	case seg[0] == "login" && len(seg) == 3 && seg[1] == "oauth":
		// The OAuth web flow: a browser redirect and a code exchange
		// authenticated by the client secret in its body.
		return access{anyone: true}
	case seg[0] == "app-manifests",
		seg[0] == "settings" && len(seg) == 3 && seg[1] == "apps" && seg[2] == "new",
		seg[0] == "organizations" && len(seg) == 5 && seg[2] == "settings":
		// The manifest flow: a web form and a code exchange, neither
		// authenticated.
		return access{anyone: true}
	case seg[0] == "repos" && len(seg) == 4 && seg[3] == "installation",
		(seg[0] == "orgs" || seg[0] == "users") && len(seg) == 3 && seg[2] == "installation":
		return access{appJWT: true, metering: true}
	case seg[0] == "repos" && len(seg) >= 3:
		return access{repo: seg[1] + "/" + seg[2], metering: true}
	case seg[0] == "orgs" && len(seg) >= 2:
		return access{org: seg[1], metering: true}
	}
	return access{metering: true}
}

// recorder buffers a response so the middleware can add an ETag, answer
// 304 and set rate-limit headers after the handler ran.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// GitHub Enterprise clients prefix every path with /api/v3.
		if p, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok && (p == "" || p[0] == '/') {
			r.URL.Path = p
			r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, "/api/v3")
			r = r.WithContext(context.WithValue(r.Context(), prefixKey{}, "/api/v3"))
		}
		req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: time.Now()}

		s.mu.Lock()
		latency := s.latency
		s.mu.Unlock()
		if !sleep(r.Context(), latency) {
			return
		}
		fault, faulted := s.takeFault(r.Method, r.URL.Path)
		if faulted && !fault.LoseResponse && s.applyFault(w, r, req, fault) {
			return
		}

		acc := classify(r.URL.Path)
		rec := &recorder{header: http.Header{}}
		c, ok := s.admit(rec, r, acc)
		req.Installation = installationID(c)
		if ok {
			next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}

		if r.Method == http.MethodGet && rec.status == http.StatusOK {
			etag := `"` + bodyHash(rec.body.Bytes()) + `"`
			rec.header.Set("ETag", etag)
			if etagMatches(r.Header.Get("If-None-Match"), etag) {
				rec.status = http.StatusNotModified
				rec.body.Reset()
			}
		}
		req.Status = rec.status
		req.Counted = rec.status != http.StatusNotModified
		s.setRateHeaders(rec.header, c, acc.metering && req.Counted)

		if faulted && fault.LoseResponse && fault.Status != 0 {
			req.Status = fault.Status // what the client saw
		}
		// Record before answering, so a test that got the response also
		// finds the request in the log.
		s.record(req)
		if faulted && fault.LoseResponse {
			// GitHub did the work; the answer never arrives, or a gateway
			// in front of it answers with an error instead.
			if fault.Status != 0 {
				writeFault(w, fault)
			} else {
				loseConnection(w)
			}
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		// A known length lets clients see EOF with the last byte, which
		// HTTP caches such as go-githubapp's wait for before storing.
		if rec.status != http.StatusNotModified && rec.status != http.StatusNoContent {
			w.Header().Set("Content-Length", strconv.Itoa(rec.body.Len()))
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

func installationID(c caller) int64 {
	if c.Installation != nil {
		return c.Installation.ID
	}
	return 0
}

// admit authenticates the request, checks it may reach the path and has
// rate limit left; when it may not, the error response is already written.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, acc access) (caller, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.st.authenticate(r.Header.Get("Authorization"), time.Now())
	if err != nil {
		writeError(w, http.StatusUnauthorized, err.Error())
		return c, false
	}
	switch {
	case acc.anyone:
		return c, true
	case c.User != nil:
		if !s.admitUser(w, r, acc, c) {
			return c, false
		}
	case acc.user:
		// GitHub's answer to an app or installation token on /user.
		if c.App == nil {
			writeError(w, http.StatusUnauthorized, "Requires authentication")
		} else {
			writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		}
		return c, false
	case c.App == nil:
		writeError(w, http.StatusUnauthorized, "Requires authentication")
		return c, false
	case acc.appJWT && c.Installation != nil:
		writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
		return c, false
	case !acc.appJWT && c.Installation == nil:
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return c, false
	case acc.repo != "" && !c.Installation.hasRepo(acc.repo):
		writeError(w, http.StatusNotFound, "Not Found")
		return c, false
	case acc.org != "" && !strings.EqualFold(c.Installation.Account.Login, acc.org):
		writeError(w, http.StatusNotFound, "Not Found")
		return c, false
	}
	if acc.metering {
		limit := s.rateLimitFor(c)
		if limit.Remaining <= 0 {
			// GitHub's answer carries the budget, so a client knows when
			// the hour ends.
			writeRateHeaders(w.Header(), limit)
			writeJSON(w, http.StatusForbidden, apiError{
				Message:          "API rate limit exceeded for installation.",
				DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
				Status:           "403",
			})
			return c, false
		}
	}
	return c, true
}

// rateLimitFor returns the caller's limit, starting a new hour when the
// previous one passed. Callers hold s.mu.
func (s *Server) rateLimitFor(c caller) *rateLimit {
	key := c.rateKey()
	limit, ok := s.st.rateLimits[key]
	now := time.Now()
	if !ok || !now.Before(limit.Reset) {
		max := coreLimit
		if c.App == nil {
			max = 60
		}
		limit = &rateLimit{Limit: max, Remaining: max, Reset: now.Add(time.Hour).Truncate(time.Second)}
		s.st.rateLimits[key] = limit
	}
	return limit
}

// setRateHeaders charges the request when it counts and sets GitHub's
// rate-limit headers.
func (s *Server) setRateHeaders(h http.Header, c caller, charge bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := s.rateLimitFor(c)
	if charge && limit.Remaining > 0 {
		limit.Remaining--
	}
	writeRateHeaders(h, limit)
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
}

func writeRateHeaders(h http.Header, limit *rateLimit) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit.Remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit.Limit-limit.Remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(limit.Reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

// applyFault answers the request from a matching fault and reports whether
// it did; it records the request before answering. A fault with only a
// Delay slows the request and lets it through.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, req Request, f Fault) bool {
	if !sleep(r.Context(), f.Delay) {
		// The client gave up while the fault held the request.
		s.record(req)
		return true
	}
	if f.Reset {
		req.Counted = true
		s.record(req)
		loseConnection(w)
		return true
	}
	if f.Status == 0 {
		return false
	}
	req.Status, req.Counted = f.Status, true
	s.record(req)
	writeFault(w, f)
	return true
}

// writeFault answers with the fault's status, headers and body.
func writeFault(w http.ResponseWriter, f Fault) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	switch {
	case f.Status == http.StatusTooManyRequests || (f.Status == http.StatusForbidden && f.RetryAfter > 0):
		writeJSON(w, f.Status, apiError{
			Message:          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			Status:           strconv.Itoa(f.Status),
		})
	case f.Status >= 500:
		writeError(w, f.Status, "Server Error")
	default:
		writeError(w, f.Status, http.StatusText(f.Status))
	}
}

// loseConnection closes the client's connection without an answer.
func loseConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Without a hijackable connection, abort the handler: net/http then
	// closes the connection mid-response.
	panic(http.ErrAbortHandler)
}

// sleep waits d or until the request is cancelled, reporting whether the
// full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:20])
}

// etagMatches implements If-None-Match, including lists and weak tags.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
