package ghclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-github/v62/github"
	"github.com/palantir/go-githubapp/githubapp"
)

// Identity is the app's own bot login: what GitHub shows as the author of
// everything the app writes. It is configured (tests) or looked up from
// GET /app on first need, and only remembered once the lookup succeeds.
type Identity struct {
	clients githubapp.ClientCreator
	// AppID is the app's id: check runs of other apps are not ours, even
	// under our names.
	AppID int64

	mu    sync.Mutex
	login string
}

// NewIdentity is the app appID, with a configured login, or none ("")
// to look it up through clients' app client.
func NewIdentity(clients githubapp.ClientCreator, appID int64, login string) *Identity {
	return &Identity{clients: clients, AppID: appID, login: login}
}

// Known returns the login if it is known already, without asking GitHub.
func (id *Identity) Known() string {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.login
}

// Login returns the app's bot login, asking GitHub until it has an
// answer. The lock is not held while asking: a slow GitHub must not stall
// every publication behind one lookup; two lookups at once get the same
// answer.
func (id *Identity) Login(ctx context.Context) (string, error) {
	if login := id.Known(); login != "" {
		return login, nil
	}
	client, err := id.clients.NewAppClient()
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
	id.mu.Lock()
	defer id.mu.Unlock()
	id.login = app.GetSlug() + "[bot]"
	return id.login, nil
}

// IsOwnOrBot reports whether u is commsgate itself or another bot; neither
// may issue commands or approve.
func (id *Identity) IsOwnOrBot(u *github.User) bool {
	if u == nil {
		return true
	}
	own := id.Known()
	return u.GetType() == "Bot" || (own != "" && u.GetLogin() == own)
}
