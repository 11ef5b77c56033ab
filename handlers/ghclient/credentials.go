package ghclient

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
)

// CredentialsCheck returns a readiness check that proves the app's
// credentials work: GET /app signed with the app's JWT. A server whose key
// GitHub refuses (rotated, revoked, the wrong app id) acknowledges every
// webhook and then fails every evaluation, so it must not look ready. The
// answer, good or bad, is reused for ttl so that probes every few seconds
// do not become requests every few seconds.
func CredentialsCheck(clients githubapp.ClientCreator, ttl time.Duration) func(context.Context) error {
	var (
		mu      sync.Mutex
		checked time.Time
		last    error
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if !checked.IsZero() && time.Since(checked) < ttl {
			return last
		}
		last = proveCredentials(ctx, clients)
		checked = time.Now()
		return last
	}
}

func proveCredentials(ctx context.Context, clients githubapp.ClientCreator) error {
	client, err := clients.NewAppClient()
	if err != nil {
		return fmt.Errorf("build the app client (private key): %w", err)
	}
	if _, _, err := client.Apps.Get(ctx, ""); err != nil {
		return fmt.Errorf("GitHub refused the app's credentials (GET /app): %w; check github.app.integration_id and the private key", err)
	}
	return nil
}
