package handlers

import (
	"context"
	"sync"

	"github.com/rs/zerolog"
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

// ownLogin returns the app's bot login, asking GitHub once. It returns ""
// when GitHub cannot be asked; callers must then fall back to something
// safe (an issue by any bot, not by anyone).
func (a *App) ownLogin(ctx context.Context) string {
	a.self.mu.Lock()
	defer a.self.mu.Unlock()
	if a.self.login != "" {
		return a.self.login
	}
	client, err := a.clients.NewAppClient()
	if err == nil {
		app, _, getErr := client.Apps.Get(ctx, "")
		if err = getErr; err == nil && app.GetSlug() != "" {
			a.self.login = app.GetSlug() + "[bot]"
			return a.self.login
		}
	}
	zerolog.Ctx(ctx).Warn().Err(err).Msg("could not look up the app's own login; trusting any bot's announcement issue")
	return ""
}
