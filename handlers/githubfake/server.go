// Package githubfake is an in-process, stateful fake of the parts of
// GitHub's REST API that commsgate uses, for end-to-end tests and the demo.
//
// Responses follow GitHub's published REST description closely enough that
// go-github decodes them; state changes made by tests (opening a pull
// request, submitting a review) return the webhook GitHub would send, so a
// test reads: change state, deliver the event, look at what the app did.
//
// Setting up: New, CreateRepo, CreateApp (its PrivateKeyPEM and ID
// configure the app under test, with URL()+"/" as the API URL), or GitHub's
// manifest flow (routes_manifest.go: POST /settings/apps/new or
// /organizations/{org}/settings/apps/new, then POST
// /app-manifests/{code}/conversions, unauthenticated; the app keeps the
// OAuth client it returns), Install,
// CreateTeam, GrantTeamRepo, AddOrgMember, SetCollaborator, ProtectBranch.
//
// Acting as people (each returns the webhook Event): OpenPR, PushToPR,
// EditPR, ReadyForReview, ConvertToDraft, ClosePR, ReopenPR, MergePR,
// RequestReview, SubmitReview, EditReview, DismissReview, Comment,
// EditComment, AddTeamMember, RemoveTeamMember, RenameTeam,
// RerequestCheckRun, RequestCheckRunAction, RequestCheckSuite,
// AddInstallationRepos. Deliver (or Event.Deliver) posts an event, signed.
// TakeEvents returns the events caused by the app's own API calls.
//
// Signing people in (routes_oauth.go): SetOAuthUser says who is signed in
// to the fake's web pages; GET /login/oauth/authorize then completes at
// once as them, and POST /login/oauth/access_token exchanges the code for
// a user-to-server token that reads what both the person and the app can
// (GET /user, /user/installations, /user/installations/{id}/repositories,
// GET /repos/…). UserToken and RevokeUserTokens skip or undo the flow.
//
// Reading back: PullRequest, Reviews, RequestedReviewers, CheckRuns,
// LatestCheckRun, Issues, Comments, Reactions, File, BranchSHA,
// MergeBlocked.
//
// Instrumentation: Requests, Counted, CountsByPath, Count, ResetRequests,
// InjectFault, ClearFaults, SetLatency, SetRateLimitRemaining,
// RevokeTokens, ExpireTokens, TokensIssued, SetClock.
//
// Permissions: an app has app.yml's permissions and events (config.Manifest)
// unless SetAppPermissions or SetAppEvents seed others (a misconfigured
// app); GET /app, installations and tokens report them. Every
// installation route needs the permission GitHub documents for it
// (routeNeeds); a call beyond the app's gets 403 "Resource not accessible
// by integration", listed by PermissionRefusals.
//
// Every response has an ETag and honours If-None-Match with a 304 that
// costs no rate limit; lists paginate with Link headers; the app's JWT is
// verified against the key CreateApp generated; installation tokens only
// reach the installation's repositories and organization.
package githubfake

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Reporter receives fixture misuse (an unknown repository, a pull request
// that does not exist). testing.TB satisfies it.
type Reporter interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Server is the fake GitHub. All methods are safe for concurrent use.
type Server struct {
	srv      *httptest.Server
	reporter Reporter

	mu      sync.Mutex
	st      *state
	clock   func() time.Time
	latency time.Duration
	faults  []*Fault
	log     []Request
	outbox  []Event

	// patterns are the routes registered, for the test that each
	// installation route declares its permission.
	patterns []string
	// refusals are the calls refused for a missing permission.
	refusals []string
}

// New starts a fake GitHub on a loopback port. Fixture misuse is reported
// to r (pass the test's t); with a nil r it panics, because a broken fixture
// is a bug in the calling code, never bad input. Close it when done.
func New(r Reporter) *Server {
	s := &Server{reporter: r, st: newState(), clock: time.Now}
	s.srv = httptest.NewServer(s.handler())
	return s
}

// URL is the server's base URL without a trailing slash, e.g.
// "http://127.0.0.1:41234". go-github wants URL()+"/" as its BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down and waits for requests in flight.
func (s *Server) Close() { s.srv.Close() }

// SetClock replaces the clock used for timestamps the fake records
// (reviews, comments, check runs). Token expiry always uses the real clock,
// because clients check it against their own.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// SetLatency delays every request by d, to show what a slow GitHub does to
// the app.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// now returns the fake's current time in UTC, truncated to seconds as
// GitHub's timestamps are. Callers hold s.mu.
func (s *Server) now() time.Time { return s.clock().UTC().Truncate(time.Second) }

// fail reports fixture misuse.
func (s *Server) fail(format string, args ...any) {
	if s.reporter != nil {
		s.reporter.Helper()
		s.reporter.Fatalf("githubfake: "+format, args...)
		return
	}
	panic(fmtErr(format, args...))
}

func (s *Server) handler() http.Handler {
	mux := &router{s: s, mux: http.NewServeMux()}
	s.routeApps(mux)
	s.routeRepos(mux)
	s.routePulls(mux)
	s.routeChecks(mux)
	s.routeOrgs(mux)
	s.routeIssues(mux)
	s.routeMeta(mux)
	s.routeManifest(mux)
	s.routeOAuth(mux)
	s.patterns = mux.patterns
	mux.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found")
	})
	return s.middleware(mux.mux)
}
