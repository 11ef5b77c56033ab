package ghclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/palantir/go-githubapp/githubapp"
)

// TestRefusedTokenExchangeIsNotRetried: for an installation GitHub does
// not know (removed, or a forged id in a webhook) the token exchange
// answers 404. Asking again cannot help, so the request fails at once
// instead of backing off for seconds with a worker held.
func TestRefusedTokenExchangeIsNotRetried(t *testing.T) {
	var tokenCalls atomic.Int64
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/app/installations/99/access_tokens" {
			tokenCalls.Add(1)
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	}))
	defer gh.Close()

	var cfg githubapp.Config
	cfg.V3APIURL = gh.URL + "/"
	cfg.V4APIURL = gh.URL + "/graphql"
	cfg.App.IntegrationID = 1
	cfg.App.PrivateKey = githubfake.AppKey(t)
	policy := fastRetryPolicy()
	policy.MaxAttempts = 4
	cc, err := NewClientCreator(cfg, Stack{Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	client, err := cc.NewInstallationClient(99)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Repositories.Get(context.Background(), "example", "comms"); err == nil {
		t.Fatal("a request for an unknown installation succeeded")
	}
	if n := tokenCalls.Load(); n != 1 {
		t.Errorf("token exchange asked %d times, want 1: a 404 is final", n)
	}
}
