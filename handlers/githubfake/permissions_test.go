package githubfake

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"
)

// Every route an installation token can reach declares the permission it
// needs, and every row of the table belongs to a route: a new route
// without one would let the app call GitHub in a way app.yml may not
// grant, and the sandbox's tests would not notice.
func TestEveryInstallationRouteNeedsAPermission(t *testing.T) {
	srv := New(t)
	defer srv.Close()
	used := map[string]bool{}
	for _, pattern := range srv.patterns {
		acc := classify(patternPath(pattern))
		if acc.anyone || acc.appJWT || acc.user {
			if _, ok := routeNeeds[pattern]; ok {
				t.Errorf("routeNeeds has %q, which no installation token reaches", pattern)
			}
			continue
		}
		if patternHasMethod(pattern) {
			if _, ok := routeNeeds[pattern]; !ok {
				t.Errorf("installation route %q has no row in routeNeeds: add the permission GitHub documents for it", pattern)
			}
			used[pattern] = true
			continue
		}
		found := false
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
			if _, ok := routeNeeds[m+" "+pattern]; ok {
				used[m+" "+pattern], found = true, true
			}
		}
		if !found {
			t.Errorf("dispatcher route %q has no row in routeNeeds for any method", pattern)
		}
	}
	used[branchPattern+requiredChecksSuffix] = used[branchPattern]
	for key := range routeNeeds {
		if !used[key] {
			t.Errorf("routeNeeds has %q, which is no route", key)
		}
	}
}

// A call beyond the installation's permissions is refused the way GitHub
// refuses it, and the check looks at the app's permissions as they are now.
func TestCallBeyondThePermissionsIsRefused(t *testing.T) {
	w := newWorld(t)
	owner, name, _ := strings.Cut(testRepo, "/")
	sha := w.srv.BranchSHA(testRepo, "main")
	create := func() (int, error) {
		_, resp, err := w.client.Checks.CreateCheckRun(w.ctx, owner, name, github.CreateCheckRunOptions{Name: "commsgate/template", HeadSHA: sha})
		return statusOf(resp), err
	}
	if status, err := create(); err != nil {
		t.Fatalf("with app.yml's permissions: status %d: %v", status, err)
	}

	perms := defaultAppPermissions()
	perms["checks"] = "read"
	w.srv.SetAppPermissions(w.app.ID, perms)
	status, err := create()
	if status != http.StatusForbidden || err == nil || !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("checks: read: status %d %v, want 403 Resource not accessible by integration", status, err)
	}
	if _, resp, err := w.client.Checks.ListCheckRunsForRef(w.ctx, owner, name, sha, nil); err != nil {
		t.Errorf("reading check runs with checks: read: status %d: %v", statusOf(resp), err)
	}

	// Comments take issues or pull_requests.
	comments := func() int {
		_, resp, _ := w.client.Issues.ListComments(w.ctx, owner, name, 1, nil)
		return statusOf(resp)
	}
	delete(perms, "issues")
	w.srv.SetAppPermissions(w.app.ID, perms)
	if status := comments(); status == http.StatusForbidden {
		t.Errorf("comments with pull_requests but no issues: 403")
	}
	delete(perms, "pull_requests")
	w.srv.SetAppPermissions(w.app.ID, perms)
	if status := comments(); status != http.StatusForbidden {
		t.Errorf("comments with neither issues nor pull_requests: status %d, want 403", status)
	}
}

// GET /app and a new installation token report the app's permissions and
// events: app.yml's by default, a test's after the setters.
func TestAppReportsItsPermissionsAndEvents(t *testing.T) {
	w := newWorld(t)
	tr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, w.app.ID, w.app.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	tr.BaseURL = w.srv.URL()
	apps := clientWithBase(t, w.srv, &http.Client{Transport: tr}).Apps
	app, _, err := apps.Get(w.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if app.Permissions.GetAdministration() != "read" || app.Permissions.GetMembers() != "read" || !slices.Contains(app.Events, "member") {
		t.Errorf("GET /app = %+v %v, want app.yml's permissions and events", app.Permissions, app.Events)
	}
	tok, _, err := apps.CreateInstallationToken(w.ctx, w.inst.ID, nil)
	if err != nil || tok.Permissions.GetChecks() != "write" {
		t.Errorf("token permissions = %+v (%v), want checks: write", tok.GetPermissions(), err)
	}

	w.srv.SetAppPermissions(w.app.ID, map[string]string{"metadata": "read"})
	w.srv.SetAppEvents(w.app.ID, []string{"push"})
	app, _, err = apps.Get(w.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if app.Permissions.GetChecks() != "" || app.Permissions.GetMetadata() != "read" || !slices.Equal(app.Events, []string{"push"}) {
		t.Errorf("after the setters GET /app = %+v %v", app.Permissions, app.Events)
	}
}
