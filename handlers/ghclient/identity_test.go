package ghclient

import (
	"context"
	"testing"

	"github.com/palantir/go-githubapp/githubapp"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// TestOwnLoginIsLookedUpOnce: in production nobody configures the app's
// login; it is what GitHub says the app is. The announcement-issue check
// trusts only issues by that login, so a wrong or missing answer matters:
// a failed lookup is not remembered, a good one is asked once.
func TestOwnLoginIsLookedUpOnce(t *testing.T) {
	gh := githubfake.New(t)
	defer gh.Close()
	fakeApp := gh.CreateApp("commsgate-test")
	var cfg githubapp.Config
	cfg.V3APIURL = gh.URL() + "/"
	cfg.V4APIURL = gh.URL() + "/graphql"
	cfg.App.IntegrationID = fakeApp.ID
	cfg.App.PrivateKey = string(fakeApp.PrivateKeyPEM)
	policy := fastRetryPolicy()
	policy.MaxAttempts = 1
	cc, err := NewClientCreator(cfg, Stack{Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	id := NewIdentity(cc, fakeApp.ID, "")
	ctx := context.Background()

	gh.InjectFault(githubfake.Fault{Method: "GET", PathPrefix: "/app", Status: 500, Times: 1})
	if got, err := id.Login(ctx); got != "" || err == nil {
		t.Errorf("with GitHub failing, Login = %q, %v; want none and an error", got, err)
	}
	for i := 0; i < 3; i++ {
		if got, err := id.Login(ctx); got != "commsgate-test[bot]" || err != nil {
			t.Fatalf("Login = %q, %v; want commsgate-test[bot]", got, err)
		}
	}
	if n := gh.Count("GET", "/app"); n != 2 {
		t.Errorf("GET /app was asked %d times, want 2 (the failure, then once)", n)
	}
	if got := id.Known(); got != "commsgate-test[bot]" {
		t.Errorf("Known() = %q after the lookup", got)
	}
}
