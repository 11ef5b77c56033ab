package githubfake

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/commsgate/commsgate/config"
)

// need is the permission an installation token must hold for a route:
// one of perms (GitHub takes issues or pull_requests for a comment, since
// a pull request is an issue) at level or above.
type need struct {
	perms []string
	level string
}

func needs(level string, perms ...string) need { return need{perms: perms, level: level} }

// grantedBy reports whether an app with these permissions may make the
// call.
func (n need) grantedBy(granted map[string]string) bool {
	for _, p := range n.perms {
		if config.PermissionCovers(granted[p], n.level) {
			return true
		}
	}
	return false
}

// routeNeeds is every installation route's permission, from GitHub's
// "Permissions required for GitHub Apps" (the REST reference names each
// endpoint's). A pattern without a method (a dispatcher) has one row per
// method it serves. TestEveryInstallationRouteNeedsAPermission fails on an
// installation route missing here, so a new route cannot slip past the
// check, and on a row no route has.
var routeNeeds = map[string]need{
	"GET /installation/repositories": needs("read", "metadata"),

	"GET /repos/{owner}/{repo}":                                 needs("read", "metadata"),
	"GET /repos/{owner}/{repo}/contents":                        needs("read", "contents"),
	"GET /repos/{owner}/{repo}/contents/{path...}":              needs("read", "contents"),
	"GET /repos/{owner}/{repo}/commits/{ref}":                   needs("read", "contents"),
	"GET /repos/{owner}/{repo}/compare/{basehead...}":           needs("read", "contents"),
	"GET /repos/{owner}/{repo}/branches/{branch...}":            needs("read", "contents"),
	branchPattern + requiredChecksSuffix:                        needs("read", "administration"),
	"GET /repos/{owner}/{repo}/rules/branches/{branch...}":      needs("read", "metadata"),
	"GET /repos/{owner}/{repo}/collaborators/{user}/permission": needs("read", "metadata"),

	"GET /repos/{owner}/{repo}/pulls":                  needs("read", "pull_requests"),
	"GET /repos/{owner}/{repo}/pulls/{number}":         needs("read", "pull_requests"),
	"GET /repos/{owner}/{repo}/pulls/{number}/files":   needs("read", "pull_requests"),
	"GET /repos/{owner}/{repo}/pulls/{number}/commits": needs("read", "pull_requests"),
	"GET /repos/{owner}/{repo}/pulls/{number}/merge":   needs("read", "pull_requests"),
	// Merging writes the base branch: GitHub files it under contents.
	"PUT /repos/{owner}/{repo}/pulls/{number}/merge":                   needs("write", "contents"),
	"GET /repos/{owner}/{repo}/pulls/{number}/reviews":                 needs("read", "pull_requests"),
	"PUT /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/dismissals": needs("write", "pull_requests"),
	"GET /repos/{owner}/{repo}/pulls/{number}/requested_reviewers":     needs("read", "pull_requests"),
	"POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers":    needs("write", "pull_requests"),
	"DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers":  needs("write", "pull_requests"),
	"POST /repos/{owner}/{repo}/check-runs":                            needs("write", "checks"),
	"GET /repos/{owner}/{repo}/check-runs/{id}":                        needs("read", "checks"),
	"PATCH /repos/{owner}/{repo}/check-runs/{id}":                      needs("write", "checks"),
	"GET /repos/{owner}/{repo}/check-runs/{id}/annotations":            needs("read", "checks"),
	"GET /repos/{owner}/{repo}/commits/{ref}/check-runs":               needs("read", "checks"),
	"GET /repos/{owner}/{repo}/check-suites/{id}":                      needs("read", "checks"),
	"GET /repos/{owner}/{repo}/issues":                                 needs("read", "issues"),
	"POST /repos/{owner}/{repo}/issues":                                needs("write", "issues"),
	"GET /repos/{owner}/{repo}/issues/{number}":                        needs("read", "issues"),
	"PATCH /repos/{owner}/{repo}/issues/{number}":                      needs("write", "issues"),
	"GET /repos/{owner}/{repo}/issues/{a}/{b}":                         needs("read", "issues", "pull_requests"),
	"POST /repos/{owner}/{repo}/issues/{a}/{b}":                        needs("write", "issues", "pull_requests"),
	"PATCH /repos/{owner}/{repo}/issues/{a}/{b}":                       needs("write", "issues", "pull_requests"),
	"DELETE /repos/{owner}/{repo}/issues/{a}/{b}":                      needs("write", "issues", "pull_requests"),
	"GET /repos/{owner}/{repo}/issues/comments/{id}/reactions":         needs("read", "issues", "pull_requests"),
	"POST /repos/{owner}/{repo}/issues/comments/{id}/reactions":        needs("write", "issues", "pull_requests"),
	"GET /orgs/{org}/teams":                                            needs("read", "members"),
	"GET /orgs/{org}/teams/{slug}":                                     needs("read", "members"),
	"GET /orgs/{org}/teams/{slug}/members":                             needs("read", "members"),
	"GET /orgs/{org}/teams/{slug}/memberships/{user}":                  needs("read", "members"),
	"GET /orgs/{org}/teams/{slug}/repos/{owner}/{repo}":                needs("read", "members"),
	"GET /orgs/{org}/members/{user}":                                   needs("read", "members"),
	"GET /orgs/{org}/memberships/{user}":                               needs("read", "members"),
}

// branchPattern also serves a branch's required status checks, which need
// administration: read; routeNeeds has a row for that under
// branchPattern+requiredChecksSuffix.
const branchPattern = "GET /repos/{owner}/{repo}/branches/{branch...}"

// needOf finds the row of the route the mux matched.
func needOf(pattern string, r *http.Request) (need, bool) {
	key := pattern
	if !patternHasMethod(pattern) {
		key = r.Method + " " + pattern
	}
	if key == branchPattern {
		if _, ok := protectionPath(r.PathValue("branch")); ok {
			key += requiredChecksSuffix
		}
	}
	n, ok := routeNeeds[key]
	return n, ok
}

func patternHasMethod(pattern string) bool { return !strings.HasPrefix(pattern, "/") }

// patternPath is a pattern's path, without the method.
func patternPath(pattern string) string {
	if i := strings.Index(pattern, " "); i >= 0 {
		return pattern[i+1:]
	}
	return pattern
}

// router is what the route files register on: the mux, with every
// installation route's permission enforced, and the patterns kept for the
// test that each has one.
type router struct {
	s        *Server
	mux      *http.ServeMux
	patterns []string
}

func (rt *router) HandleFunc(pattern string, h http.HandlerFunc) {
	rt.patterns = append(rt.patterns, pattern)
	if acc := classify(patternPath(pattern)); acc.anyone || acc.appJWT || acc.user {
		rt.mux.HandleFunc(pattern, h) // no installation token reaches it
		return
	}
	rt.mux.HandleFunc(pattern, rt.s.enforcePermission(pattern, h))
}

// enforcePermission answers 403 "Resource not accessible by integration",
// as GitHub does, when the calling installation's app lacks the route's
// permission.
func (s *Server) enforcePermission(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, ok := needOf(pattern, r)
		switch {
		case !ok && !patternHasMethod(pattern):
			// A dispatcher asked for a method it does not serve.
			writeError(w, http.StatusNotFound, "Not Found")
			return
		case !ok:
			writeError(w, http.StatusInternalServerError, "githubfake: route "+pattern+" has no row in routeNeeds")
			return
		}
		// A user-to-server token is bounded by the app's permissions as
		// well as by the user's own.
		if c := callerOf(r); c.Installation != nil || c.User != nil {
			s.mu.Lock()
			granted := n.grantedBy(c.App.Permissions)
			if !granted {
				s.refusals = append(s.refusals, fmt.Sprintf("%s %s: needs %s: %s", r.Method, r.URL.Path, strings.Join(n.perms, " or "), n.level))
			}
			s.mu.Unlock()
			if !granted {
				writeError(w, http.StatusForbidden, "Resource not accessible by integration")
				return
			}
		}
		h(w, r)
	}
}

// defaultAppPermissions and defaultAppEvents are what a new app gets:
// app.yml's, the manifest commsgate registers with.
func defaultAppPermissions() map[string]string { return config.Manifest().DefaultPermissions }
func defaultAppEvents() []string               { return config.Manifest().DefaultEvents }

// SetAppPermissions replaces the app's permissions (and so its
// installations', which here always follow the app's), to seed a
// misconfigured app: a call beyond them gets 403.
func (s *Server) SetAppPermissions(appID int64, perms map[string]string) {
	s.changeApp(appID, "set app permissions", func(a *app) { a.Permissions = maps.Clone(perms) })
}

// SetAppEvents replaces the webhook events the app subscribes to, as
// GET /app and its installations report them.
func (s *Server) SetAppEvents(appID int64, events []string) {
	s.changeApp(appID, "set app events", func(a *app) { a.Events = slices.Clone(events) })
}

// changeApp applies change to the app under s.mu; an unknown id is
// fixture misuse.
func (s *Server) changeApp(appID int64, what string, change func(*app)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.apps[appID]
	if !ok {
		s.fail("%s: no app %d", what, appID)
		return
	}
	change(a)
}

// grantedPermissions and subscribedEvents render an app's permissions and
// events as GitHub does: never null. Callers hold s.mu.
func grantedPermissions(a *app) map[string]string {
	if a.Permissions == nil {
		return map[string]string{}
	}
	return maps.Clone(a.Permissions)
}

func subscribedEvents(a *app) []string {
	return append([]string{}, a.Events...)
}

// PermissionRefusals lists the calls refused because the app lacked their
// permission, oldest first, as "POST /repos/o/r/check-runs: needs checks:
// write". A test that requires none proves app.yml grants every call the
// app made.
func (s *Server) PermissionRefusals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.refusals)
}
