package githubfake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/config"
)

// noRedirects is a browser that shows where GitHub sends it instead of
// going there.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func testManifest(name string) config.AppManifest {
	m := config.Manifest()
	m.Name = name
	m.RedirectURL = "http://127.0.0.1:9/callback"
	m.DefaultPermissions = map[string]string{"checks": "write", "metadata": "read"}
	m.DefaultEvents = []string{"check_run"}
	return m
}

// postManifest submits the new-app form and returns the response.
func postManifest(t *testing.T, srv *Server, path string, manifest any) *http.Response {
	t.Helper()
	raw, ok := manifest.(string)
	if !ok {
		b, err := json.Marshal(manifest)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	resp, err := noRedirects.PostForm(srv.URL()+path, url.Values{"manifest": {raw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func convert(t *testing.T, srv *Server, code string) (*github.AppConfig, int) {
	t.Helper()
	c := clientWithBase(t, srv, nil)
	cfg, resp, _ := c.Apps.CompleteAppManifest(context.Background(), code)
	return cfg, statusOf(resp)
}

func TestManifestFlowCreatesAWorkingApp(t *testing.T) {
	srv := New(t)
	defer srv.Close()
	resp := postManifest(t, srv, "/organizations/example/settings/apps/new?state=s3", testManifest("Comms Gate"))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("new app form: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "127.0.0.1:9" || loc.Path != "/callback" || loc.Query().Get("state") != "s3" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect to %q, want the redirect_url with code and the state echoed", resp.Header.Get("Location"))
	}
	code := loc.Query().Get("code")

	cfg, status := convert(t, srv, code)
	if status != http.StatusCreated {
		t.Fatalf("conversion: status %d, want 201", status)
	}
	if cfg.GetSlug() != "comms-gate" || cfg.GetOwner().GetLogin() != "example" || cfg.GetWebhookSecret() == "" ||
		!strings.HasPrefix(cfg.GetClientID(), "Iv1.") || cfg.GetClientSecret() == "" || !strings.HasSuffix(cfg.GetHTMLURL(), "/apps/comms-gate") {
		t.Errorf("conversion = %+v", cfg)
	}

	// The key authenticates as the app, which has the manifest's
	// permissions and events.
	tr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, cfg.GetID(), []byte(cfg.GetPEM()))
	if err != nil {
		t.Fatalf("the pem is not a usable key: %v", err)
	}
	tr.BaseURL = srv.URL()
	app, _, err := clientWithBase(t, srv, &http.Client{Transport: tr}).Apps.Get(context.Background(), "")
	if err != nil {
		t.Fatalf("GET /app with the new key: %v", err)
	}
	if app.GetID() != cfg.GetID() || app.Permissions.GetChecks() != "write" || app.Permissions.GetContents() != "" || len(app.Events) != 1 {
		t.Errorf("GET /app = id %d %+v %v, want the manifest's", app.GetID(), app.Permissions, app.Events)
	}

	if _, status := convert(t, srv, code); status != http.StatusNotFound {
		t.Errorf("the code converted twice: status %d, want 404", status)
	}
	// The name is taken now.
	if resp := postManifest(t, srv, "/settings/apps/new", testManifest("comms gate")); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a second app of the same name: status %d, want 422", resp.StatusCode)
	}
}

func TestManifestCodeExpiresAfterAnHour(t *testing.T) {
	srv := New(t)
	defer srv.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	resp := postManifest(t, srv, "/settings/apps/new", testManifest("late"))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Has("state") {
		t.Errorf("a state was echoed that the form never had: %s", loc)
	}
	now = now.Add(time.Hour)
	if _, status := convert(t, srv, loc.Query().Get("code")); status != http.StatusNotFound {
		t.Errorf("an hour-old code: status %d, want 404", status)
	}
}

func TestNewAppFormRefusesBadManifests(t *testing.T) {
	srv := New(t)
	defer srv.Close()
	noRedirect := testManifest("a")
	noRedirect.RedirectURL = ""
	noHook := testManifest("b")
	noHook.HookAttributes.URL = ""
	noName := testManifest(" ")
	for name, m := range map[string]any{
		"not JSON": "{name:", "no redirect_url": noRedirect, "no hook url": noHook, "no name": noName, "empty": "",
	} {
		if resp := postManifest(t, srv, "/settings/apps/new", m); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", name, resp.StatusCode)
		}
	}
}
