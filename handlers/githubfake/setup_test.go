package githubfake

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"
)

const testRepo = "kubernetes/sig-comms"

// world is a fake GitHub with one app installed on one org repository,
// and a go-github client authenticated the way commsgate is.
type world struct {
	srv    *Server
	app    App
	inst   Installation
	client *github.Client
	ctx    context.Context
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := New(t)
	t.Cleanup(srv.Close)
	// A frozen clock keeps payloads and golden files stable.
	srv.SetClock(func() time.Time { return time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC) })
	srv.CreateRepo(RepoSpec{Name: testRepo, Files: map[string]string{
		"README.md":                   "# Communications\n",
		"comms/2026-11-01-welcome.md": "---\ntitle: Welcome\n---\n\n## Summary\n\nHello.\n",
	}})
	app := srv.CreateApp("commsgate")
	inst, _ := srv.Install(app.ID, "kubernetes", testRepo)
	return &world{srv: srv, app: app, inst: inst, client: appClient(t, srv, app, inst.ID), ctx: context.Background()}
}

// appClient authenticates with the app's key through ghinstallation, the
// same way go-githubapp does.
func appClient(t *testing.T, srv *Server, app App, installationID int64) *github.Client {
	t.Helper()
	tr, err := ghinstallation.New(http.DefaultTransport, app.ID, installationID, app.PrivateKeyPEM)
	if err != nil {
		t.Fatalf("installation transport: %v", err)
	}
	tr.BaseURL = srv.URL()
	return clientWithBase(t, srv, &http.Client{Transport: tr})
}

func clientWithBase(t *testing.T, srv *Server, hc *http.Client) *github.Client {
	t.Helper()
	c := github.NewClient(hc)
	base, err := url.Parse(srv.URL() + "/")
	if err != nil {
		t.Fatalf("parse base url: %v", err)
	}
	c.BaseURL = base
	return c
}

// tokenClient uses a token issued directly, bypassing the JWT exchange.
func tokenClient(t *testing.T, srv *Server, installationID int64) *github.Client {
	t.Helper()
	return clientWithBase(t, srv, nil).WithAuthToken(srv.Token(installationID))
}

func statusOf(resp *github.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}
