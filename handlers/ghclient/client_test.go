package ghclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/palantir/go-githubapp/githubapp"
)

// TestInstallationClientStack drives an installation client against a fake
// GitHub: the token exchange, a retried 503, the installation token on the
// request, commsgate's user agent and the request metrics.
func TestInstallationClientStack(t *testing.T) {
	var tokenCalls, pullCalls atomic.Int64
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/app/installations/4711/access_tokens":
			tokenCalls.Add(1)
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
				t.Errorf("token exchange without the app JWT: %q", r.Header.Get("Authorization"))
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"token":"ghs_installation","expires_at":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`))
		case r.Method == http.MethodGet && r.URL.Path == "/repos/example-org/comms/pulls/12":
			if pullCalls.Add(1) == 1 {
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
			if got := r.Header.Get("Authorization"); got != "token ghs_installation" {
				t.Errorf("Authorization = %q, want the installation token", got)
			}
			if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, UserAgent) {
				t.Errorf("User-Agent = %q, want it to start with %q", ua, UserAgent)
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"number":12,"title":"Retire the legacy mirror"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer gh.Close()

	m := newCountingObserver()
	var cfg githubapp.Config
	cfg.V3APIURL = gh.URL + "/"
	cfg.V4APIURL = gh.URL + "/graphql"
	cfg.App.IntegrationID = 1
	cfg.App.PrivateKey = githubfake.AppKey(t)
	cc, err := NewClientCreator(cfg, Stack{Observer: m, Retry: fastRetryPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := cc.NewInstallationClient(4711)
	if err != nil {
		t.Fatal(err)
	}
	pr, _, err := client.PullRequests.Get(context.Background(), "example-org", "comms", 12)
	if err != nil {
		t.Fatalf("PullRequests.Get: %v", err)
	}
	if pr.GetTitle() != "Retire the legacy mirror" {
		t.Errorf("title = %q", pr.GetTitle())
	}
	if n := pullCalls.Load(); n != 2 {
		t.Errorf("pull request fetched %d times, want 2 (503 then 200)", n)
	}
	if n := tokenCalls.Load(); n < 1 {
		t.Errorf("no installation token was requested")
	}
	if v := m.requests("GET", "503"); v != 1 {
		t.Errorf("requests{GET,503} = %v, want 1", v)
	}
	if v := m.retries(retryServerError); v != 1 {
		t.Errorf("retries{server_error} = %v, want 1", v)
	}
	// The creator hands out one client per installation.
	again, err := cc.NewInstallationClient(4711)
	if err != nil || again != client {
		t.Errorf("second NewInstallationClient returned a different client (err %v)", err)
	}
}
