package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/githubfake"
)

// registerRun is `commsgate register` running in-process against the fake
// GitHub, with the test as the browser.
type registerRun struct {
	t              *testing.T
	gh             *githubfake.Server
	out            string
	stdout, stderr syncBuffer
	exit           chan int
	cancel         context.CancelFunc
}

func startRegister(t *testing.T, extra ...string) *registerRun {
	t.Helper()
	gh := githubfake.New(t)
	t.Cleanup(gh.Close)
	r := &registerRun{t: t, gh: gh, out: filepath.Join(t.TempDir(), "commsgate.yaml"), exit: make(chan int, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	r.cancel = cancel
	t.Cleanup(cancel)
	args := append([]string{"register", "--public-url", "https://commsgate.example.org", "--out", r.out,
		"--github-url", gh.URL(), "--api-url", gh.URL() + "/"}, extra...)
	go func() { r.exit <- run(ctx, args, &r.stdout, &r.stderr) }()
	return r
}

var pageURL = regexp.MustCompile(`Open (http://127\.0\.0\.1:\d+)/ in a browser`)

// page is the local page's address, once the command prints it.
func (r *registerRun) page() string {
	r.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := pageURL.FindStringSubmatch(r.stdout.String()); m != nil {
			return m[1]
		}
	}
	r.t.Fatalf("no page address printed; stdout %q stderr %q", r.stdout.String(), r.stderr.String())
	return ""
}

// browser follows no redirect on its own, so the test sees each hop.
var browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := browser.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var (
	formAction    = regexp.MustCompile(`<form action="([^"]+)" method="post">`)
	manifestField = regexp.MustCompile(`<input type="hidden" name="manifest" value="([^"]*)">`)
)

// createOnGitHub reads the local page's form, posts it to the fake GitHub
// as a browser would, and returns where GitHub sends the browser back.
func (r *registerRun) createOnGitHub() (action string, manifest config.AppManifest, callback *url.URL) {
	r.t.Helper()
	status, page := get(r.t, r.page()+"/")
	a, m := formAction.FindStringSubmatch(page), manifestField.FindStringSubmatch(page)
	if status != http.StatusOK || a == nil || m == nil {
		r.t.Fatalf("local page: status %d, no form:\n%s", status, page)
	}
	action = html.UnescapeString(a[1])
	raw := html.UnescapeString(m[1])
	if err := json.Unmarshal([]byte(raw), &manifest); err != nil {
		r.t.Fatalf("manifest field is not JSON: %v\n%s", err, raw)
	}
	resp, err := browser.PostForm(action, url.Values{"manifest": {raw}})
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		r.t.Fatalf("GitHub's new-app form: status %d, want 302", resp.StatusCode)
	}
	callback, err = url.Parse(resp.Header.Get("Location"))
	if err != nil {
		r.t.Fatal(err)
	}
	return action, manifest, callback
}

func (r *registerRun) wait() int {
	r.t.Helper()
	select {
	case code := <-r.exit:
		return code
	case <-time.After(30 * time.Second):
		r.t.Fatal("register did not return")
		return -1
	}
}

func TestRegisterWritesAConfigurationThatAuthenticates(t *testing.T) {
	r := startRegister(t, "--org", "example")
	action, manifest, callback := r.createOnGitHub()

	if !strings.HasPrefix(action, r.gh.URL()+"/organizations/example/settings/apps/new?state=") {
		t.Errorf("form action = %s", action)
	}
	want := config.Manifest()
	if manifest.URL != "https://commsgate.example.org" || manifest.HookAttributes.URL != "https://commsgate.example.org/api/github/hook" ||
		manifest.RedirectURL != r.page()+"/callback" || manifest.DefaultPermissions["checks"] != want.DefaultPermissions["checks"] ||
		len(manifest.DefaultEvents) != len(want.DefaultEvents) {
		t.Errorf("manifest sent = %+v", manifest)
	}

	// Someone else's redirect (a wrong state) is refused, and the command
	// goes on waiting.
	forged := *callback
	q := forged.Query()
	q.Set("state", "not-this-one")
	forged.RawQuery = q.Encode()
	if status, _ := get(t, forged.String()); status != http.StatusBadRequest {
		t.Errorf("wrong state: status %d, want 400", status)
	}

	status, page := get(t, callback.String())
	if status != http.StatusOK || !strings.Contains(page, "/installations/new") {
		t.Fatalf("callback: status %d:\n%s", status, page)
	}
	if code := r.wait(); code != 0 {
		t.Fatalf("exit %d; stderr %s", code, r.stderr.String())
	}
	if !strings.Contains(r.stdout.String(), "/apps/commsgate/installations/new") || !strings.Contains(r.stdout.String(), "commsgate serve --config "+r.out) {
		t.Errorf("next steps not printed:\n%s", r.stdout.String())
	}

	info, err := os.Stat(r.out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	cfg, err := config.LoadServer(r.out, func(string) string { return "" })
	if err != nil {
		t.Fatalf("the written file does not load: %v", err)
	}
	if cfg.Server.PublicURL != "https://commsgate.example.org" || cfg.Github.V3APIURL != r.gh.URL()+"/" || cfg.Github.OAuth.ClientSecret == "" {
		t.Errorf("loaded %+v", cfg.Github)
	}

	// Its id and key are the app's.
	tr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, cfg.Github.App.IntegrationID, []byte(cfg.Github.App.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	tr.BaseURL = r.gh.URL()
	client := github.NewClient(&http.Client{Transport: tr})
	client.BaseURL, _ = url.Parse(cfg.Github.V3APIURL)
	app, _, err := client.Apps.Get(context.Background(), "")
	if err != nil {
		t.Fatalf("GET /app with the written key: %v", err)
	}
	if app.GetOwner().GetLogin() != "example" || app.Permissions.GetMembers() != "read" {
		t.Errorf("app = owner %s permissions %+v", app.GetOwner().GetLogin(), app.Permissions)
	}
}

// A code that no longer converts (used, or older than an hour) is
// explained on the page, and the command keeps waiting until stopped;
// then it writes nothing. Without --org the app goes to the user's account.
func TestRegisterRefusesAUsedCodeAndStopsCleanly(t *testing.T) {
	r := startRegister(t)
	action, _, callback := r.createOnGitHub()
	if !strings.HasPrefix(action, r.gh.URL()+"/settings/apps/new?state=") {
		t.Errorf("form action without --org = %s", action)
	}
	gh := github.NewClient(nil)
	gh.BaseURL, _ = url.Parse(r.gh.URL() + "/")
	if _, _, err := gh.Apps.CompleteAppManifest(context.Background(), callback.Query().Get("code")); err != nil {
		t.Fatal(err) // someone else used the code first
	}
	if status, page := get(t, callback.String()); status != http.StatusBadGateway || !strings.Contains(page, "works once") {
		t.Errorf("used code: status %d:\n%s", status, page)
	}
	r.cancel()
	if code := r.wait(); code != 1 || !strings.Contains(r.stderr.String(), "nothing was written") {
		t.Errorf("stopped: exit %d, stderr %q", code, r.stderr.String())
	}
	if _, err := os.Stat(r.out); !os.IsNotExist(err) {
		t.Errorf("a file was written: %v", err)
	}
}

func TestRegisterKeepsAnExistingFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "commsgate.yaml")
	if err := os.WriteFile(out, []byte("server: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"register", "--public-url", "https://x.example", "--out", out}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "already exists; pass --force") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if data, _ := os.ReadFile(out); string(data) != "server: {}\n" {
		t.Errorf("the file changed: %q", data)
	}
}

func TestRegisterUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no public url":    {"register", "--org", "example"},
		"ftp public url":   {"register", "--public-url", "ftp://x.example"},
		"relative api url": {"register", "--public-url", "https://x.example", "--api-url", "api/v3"},
		"argument":         {"register", "--public-url", "https://x.example", "example"},
	} {
		var stdout, stderr syncBuffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2; stderr %q", name, code, stderr.String())
		}
	}
}

// --force replaces the file through a new one: the result is 0600 even
// when the old file was not.
func TestRegisteredConfigForceReplaces(t *testing.T) {
	out := filepath.Join(t.TempDir(), "commsgate.yaml")
	if err := os.WriteFile(out, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := registerOptions{out: out, force: true, publicURL: "https://x.example", githubURL: "https://ghe.example", apiURL: "https://ghe.example/api/v3/"}
	app := &github.AppConfig{ID: github.Int64(7), Slug: github.String("x"), WebhookSecret: github.String("w"), PEM: github.String("k")}
	if err := writeRegisteredConfig(o, app, time.Now()); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(out)
	data, _ := os.ReadFile(out)
	if info.Mode().Perm() != 0o600 || !strings.Contains(string(data), "v4_api_url: https://ghe.example/api/graphql") || !strings.Contains(string(data), "web_url: https://ghe.example") {
		t.Errorf("mode %v:\n%s", info.Mode().Perm(), data)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".commsgate-register-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
