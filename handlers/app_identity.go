package handlers

import (
	"context"
	"fmt"
	"sync"
)

// identity is the app's own bot login: what GitHub shows as the author of
// everything the app writes. It is configured (tests) or looked up from
// GET /app on first need, and only remembered once the lookup succeeds.
type identity struct {
	mu    sync.Mutex
	login string
}

// known returns the login if it is known already, without asking GitHub.
func (id *identity) known() string {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.login
}

// ownLogin returns the app's bot login, asking GitHub until it has an
// answer. The lock is not held while asking: a slow GitHub must not stall
// every publication behind one lookup; two lookups at once get the same
// answer.
func (a *App) ownLogin(ctx context.Context) (string, error) {
	if login := a.self.known(); login != "" {
		return login, nil
	}
	client, err := a.clients.NewAppClient()
	if err != nil {
		return "", fmt.Errorf("look up the app's own login: %w", err)
	}
	app, _, err := client.Apps.Get(ctx, "")
	if err != nil {
		return "", fmt.Errorf("look up the app's own login: %w", err)
	}
	if app.GetSlug() == "" {
		return "", fmt.Errorf("look up the app's own login: GET /app returned no slug")
	}
	a.self.mu.Lock()
	defer a.self.mu.Unlock()
	a.self.login = app.GetSlug() + "[bot]"
	return a.self.login, nil
}
