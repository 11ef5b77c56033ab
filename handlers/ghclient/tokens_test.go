package ghclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/palantir/go-githubapp/githubapp"
)

// TestRejectedTokenIsReplaced: GitHub revokes the installation token long
// before the expiry it announced. The request that meets the 401 fails,
// and the next client handed out fetches a new token; while nothing is
// rejected the same client (and token) is reused.
func TestRejectedTokenIsReplaced(t *testing.T) {
	var issued, revokedBelow atomic.Int64
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/app/installations/4711/access_tokens":
			n := issued.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"token":"ghs_%d","expires_at":%q}`, n, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		case r.URL.Path == "/repos/example/comms":
			var n int64
			if _, err := fmt.Sscanf(r.Header.Get("Authorization"), "token ghs_%d", &n); err != nil || n <= revokedBelow.Load() {
				http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"full_name":"example/comms"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer gh.Close()

	var cfg githubapp.Config
	cfg.V3APIURL = gh.URL + "/"
	cfg.V4APIURL = gh.URL + "/graphql"
	cfg.App.IntegrationID = 1
	cfg.App.PrivateKey = githubfake.AppKey(t)
	cc, err := NewClientCreator(cfg, Stack{Retry: fastRetryPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	get := func() error {
		client, err := cc.NewInstallationClient(4711)
		if err != nil {
			return err
		}
		_, _, err = client.Repositories.Get(context.Background(), "example", "comms")
		return err
	}
	for i := 0; i < 3; i++ {
		if err := get(); err != nil {
			t.Fatalf("request %d with a valid token: %v", i+1, err)
		}
	}
	if n := issued.Load(); n != 1 {
		t.Fatalf("tokens issued for three requests = %d, want 1 (the client is reused)", n)
	}

	revokedBelow.Store(1) // GitHub no longer accepts ghs_1
	if err := get(); err == nil {
		t.Fatal("a request with a revoked token succeeded")
	}
	if err := get(); err != nil {
		t.Fatalf("after the 401 the next client should use a new token: %v", err)
	}
	if n := issued.Load(); n != 2 {
		t.Errorf("tokens issued = %d, want 2 (one refresh after the 401)", n)
	}
}
